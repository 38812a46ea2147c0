/**
 * @module The one APID → route table of a mission (issue 15), built once per loaded config and used by ingest
 * (routing to the archive, raw files, forwards), products (L0 instrument streams) and queries (`--route` names,
 * the service's granted routes). APIDs are 11 bits (CCSDS 133.0-B-2 §4.1.3.3.4): every lookup is one array read.
 *
 * - {@link routeLookup}: any named routes claiming inclusive APID ranges → apid→route, route→APIDs (the ranges
 *   it actually owns), overlaps. The first route in order claiming an APID gets it; an APID no route claims has
 *   no route (`undefined`). The products' L0 routes are one such lookup.
 * - {@link routeTable}: the mission's table: the declared APIDs (`apids`: name, kind, period) and the `routes`
 *   section (schemas/config-routes.schema.json) with its targets; an APID no route claims goes to `quarantine`
 *   (stored and counted, never dropped). Without a `routes` section there is one route, `default`, claiming the
 *   declared APIDs, or every APID but the idle one when the config declares none.
 */
import { UsageError } from '../errors.js';
import type { PointerProblem } from './schema-problems.js';
import { checkedSection, configRelative } from './section.js';
import type { ApidDeclaration, MissionConfig } from './types.js';

/** Number of APIDs: 11 bits. */
export const APID_COUNT = 2048;
/** The route of packets whose APID no route claims. */
export const QUARANTINE_ROUTE = 'quarantine';

/** Inclusive APID range `[from, to]`. */
export type ApidRange = readonly [number, number];

/** Anything named that claims APID ranges. */
export interface Routed {
  readonly name: string;
  readonly apids: readonly ApidRange[];
}

/** APIDs claimed by two routes: `winner` (the earlier) gets them. */
export interface Overlap {
  readonly apids: ApidRange;
  readonly winner: string;
  readonly other: string;
}

/** APID → route and route → APIDs over a list of routes. */
export interface RouteLookup<R extends Routed> {
  /** The routes in claim order. */
  readonly routes: readonly R[];
  /** The route owning `apid` (undefined for an APID no route claims, or anything outside 0..2047). */
  routeOf(apid: number): R | undefined;
  /** The route named `name`. */
  byName(name: string): R | undefined;
  /** The APID ranges route `name` owns (claims lost to an earlier route left out); empty for an unknown name. */
  apidsOf(name: string): ApidRange[];
  /** APIDs claimed by more than one route, as ranges, in APID order. */
  readonly overlaps: readonly Overlap[];
}

/** Collapse the APIDs a predicate marks into ranges, in APID order. */
export function toRanges(has: (apid: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < APID_COUNT; a++) {
    if (!has(a)) continue;
    const last = out[out.length - 1];
    if (last && last[1] === a - 1) last[1] = a;
    else out.push([a, a]);
  }
  return out;
}

/** `1100`, `[1110, 1119]` (config form) → ranges. */
export const apidItems = (items: readonly (number | readonly [number, number])[]): [number, number][] =>
  items.map((x) => (typeof x === 'number' ? [x, x] : [x[0], x[1]]));

/** Ranges as text: `1100,1110-1119`. */
export const rangeText = (rs: readonly ApidRange[]): string => rs.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');

/** The lookup of `routes` (first route claiming an APID owns it; ranges clipped to 0..2047). */
export function routeLookup<R extends Routed>(routes: readonly R[]): RouteLookup<R> {
  const owner = new Int16Array(APID_COUNT).fill(-1);
  const overlapMarks = new Map<string, Uint8Array>();
  routes.forEach((r, k) => {
    for (const [lo, hi] of r.apids) {
      for (let a = Math.max(0, lo); a <= Math.min(APID_COUNT - 1, hi); a++) {
        const first = owner[a]!;
        if (first < 0) owner[a] = k;
        else if (first !== k) {
          const key = `${routes[first]!.name}\u0000${r.name}`;
          (overlapMarks.get(key) ?? overlapMarks.set(key, new Uint8Array(APID_COUNT)).get(key)!)[a] = 1;
        }
      }
    }
  });
  const overlaps: Overlap[] = [];
  for (const [key, mark] of overlapMarks) {
    const [winner, other] = key.split('\u0000') as [string, string];
    for (const apids of toRanges((a) => mark[a] === 1)) overlaps.push({ apids, winner, other });
  }
  overlaps.sort((x, y) => x.apids[0] - y.apids[0]);
  const index = new Map<string, number>();
  routes.forEach((r, k) => { if (!index.has(r.name)) index.set(r.name, k); });
  return {
    routes, overlaps,
    routeOf: (apid) => {
      const k = Number.isInteger(apid) && apid >= 0 && apid < APID_COUNT ? owner[apid]! : -1;
      return k < 0 ? undefined : routes[k];
    },
    byName: (name) => { const k = index.get(name); return k === undefined ? undefined : routes[k]; },
    apidsOf: (name) => { const k = index.get(name); return k === undefined ? [] : toRanges((a) => owner[a] === k); },
  };
}

/** One ingest route and its targets. */
export interface Route extends Routed {
  /** Stored in the archive under the route name. */
  readonly archive: boolean;
  /** Raw packet file path pattern, absolute ({apid}, {route}, {date}, {run} still in it). */
  readonly rawFile: string | undefined;
  /** TCP consumers, `tcp://host:port`. */
  readonly forward: readonly string[];
  readonly description: string | undefined;
}

/** The mission's table: declared APIDs and ingest routes. */
export interface RouteTable {
  /** Declared routes in file order, then quarantine. */
  readonly routes: readonly Route[];
  readonly quarantine: Route;
  readonly overlaps: readonly Overlap[];
  /** The route of an APID (quarantine when none claims it, and for anything outside 0..2046). */
  routeOf(apid: number): Route;
  /** The route named `name` (quarantine included). */
  byName(name: string): Route | undefined;
  /** The APID ranges a route owns (none for quarantine and unknown names). */
  apidsOf(name: string): ApidRange[];
  /** Where the routes came from (`default` without a routes section). */
  readonly origin: 'config' | 'default';
  /** The declaration covering `apid` (`apids` section), or undefined. */
  declarationOf(apid: number): ApidDeclaration | undefined;
  /** True when `apid` is declared. */
  isKnown(apid: number): boolean;
  /** 2048 entries: 1 where the APID is declared, else 0. */
  readonly knownMask: Uint8Array;
}

type RouteInput = { description?: string; apids?: (number | [number, number])[]; archive?: boolean; rawFile?: string; forward?: string | string[] };

function semanticProblems(section: Record<string, RouteInput>): PointerProblem[] {
  const out: PointerProblem[] = [];
  for (const [name, r] of Object.entries(section)) {
    const at = `/${name}`;
    if (name === QUARANTINE_ROUTE) {
      if (r.apids) out.push({ code: 'quarantine-apids', pointer: `${at}/apids`, message: 'the quarantine route takes the APIDs no other route claims; it cannot claim APIDs' });
      continue;
    }
    if (!r.apids) out.push({ code: 'required', pointer: `${at}/apids`, message: 'missing required property "apids"' });
    r.apids?.forEach((x, i) => {
      if (typeof x !== 'number' && x[0] > x[1]) out.push({ code: 'apid-range', pointer: `${at}/apids/${i}`, message: `range [${x[0]}, ${x[1]}] ends before it starts` });
    });
  }
  return out;
}

const forwards = (f: string | string[] | undefined): string[] => (f === undefined ? [] : typeof f === 'string' ? [f] : f);

/** The declared APIDs as a lookup (declarations never overlap in a loaded config; the first wins otherwise). */
function declarations(config: Pick<MissionConfig, 'apids'>) {
  const lookup = routeLookup(config.apids.map((d) => ({ name: d.name, apids: [[d.apids.from, d.apids.to] as const], d })));
  const knownMask = new Uint8Array(APID_COUNT);
  for (let a = 0; a < APID_COUNT; a++) if (lookup.routeOf(a)) knownMask[a] = 1;
  return { knownMask, declarationOf: (apid: number) => lookup.routeOf(apid)?.d, isKnown: (apid: number) => Number.isInteger(apid) && knownMask[apid] === 1 };
}

const built = new WeakMap<object, Map<string, RouteTable>>();

/**
 * The route table of a configuration, built once per config object (and folder `rawFile` paths resolve
 * against, when the config has no file): ingest, products and queries asking again get the same table.
 * @throws InputError when the routes section fails its schema or checks (located `file#/routes/…`).
 */
export function routeTable(config: MissionConfig, cwd = process.cwd()): RouteTable {
  const key = config.file === undefined ? cwd : '';
  const cached = built.get(config)?.get(key);
  if (cached) return cached;
  const table = buildTable(config, cwd);
  (built.get(config) ?? built.set(config, new Map()).get(config)!).set(key, table);
  return table;
}

function buildTable(config: MissionConfig, cwd: string): RouteTable {
  const section = checkedSection<Record<string, RouteInput>>(config, 'routes', semanticProblems);
  const resolveRaw = (p: string | undefined) => (p === undefined ? undefined : configRelative(config, p, cwd));
  const q = section?.[QUARANTINE_ROUTE];
  const quarantine: Route = {
    name: QUARANTINE_ROUTE, apids: [], archive: q?.archive ?? true, rawFile: resolveRaw(q?.rawFile),
    forward: forwards(q?.forward), description: q?.description ?? 'packets of APIDs no route claims',
  };
  let routes: Route[];
  if (!section) {
    const declared = config.apids.map((d): [number, number] => [d.apids.from, d.apids.to]);
    const all: [number, number][] = [[0, 2046]]; // 2047 is the idle APID: framing never passes it on
    routes = [{ name: 'default', apids: declared.length ? declared : all, archive: true, rawFile: undefined, forward: [], description: declared.length ? 'the APIDs the config declares' : 'every APID (the config declares none)' }];
  } else {
    routes = Object.entries(section)
      .filter(([name]) => name !== QUARANTINE_ROUTE)
      .map(([name, r]) => ({ name, apids: apidItems(r.apids ?? []), archive: r.archive ?? true, rawFile: resolveRaw(r.rawFile), forward: forwards(r.forward), description: r.description }));
  }
  const lookup = routeLookup([...routes, quarantine]);
  // Ingest asks once per packet: one array read (anything outside 0..2047 or fractional reads undefined).
  const byApid: Route[] = Array.from({ length: APID_COUNT }, (_, a) => lookup.routeOf(a) ?? quarantine);
  return {
    ...declarations(config),
    routes: lookup.routes, quarantine, overlaps: lookup.overlaps, origin: section ? 'config' : 'default',
    routeOf: (apid) => byApid[apid] ?? quarantine,
    byName: lookup.byName,
    apidsOf: lookup.apidsOf,
  };
}

/** The declared APIDs alone (no routes section read): for stages that only ask "is this APID known, and what is it?". */
export function apidDeclarations(config: Pick<MissionConfig, 'apids'>): Pick<RouteTable, 'declarationOf' | 'isKnown' | 'knownMask'> {
  return declarations(config);
}

/**
 * An APID list as written on a command line or in a query (`1100,1110-1119`) → its ranges and a predicate.
 * @throws UsageError naming `flag` on anything but APIDs 0..2047 as N or N-M, comma-separated.
 */
export function parseApidList(flag: string, text: string): { ranges: [number, number][]; has: (apid: number) => boolean } {
  const ranges: [number, number][] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const a = m ? Number(m[1]) : NaN;
    const b = m?.[2] !== undefined ? Number(m[2]) : a;
    if (!m || a > 2047 || b > 2047 || a > b) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected APIDs 0..2047 as N or N-M, comma-separated`);
    ranges.push([a, b]);
  }
  if (!ranges.length) throw new UsageError(`${flag}: no APID given`);
  const mask = new Uint8Array(2048);
  for (const [a, b] of ranges) mask.fill(1, a, b + 1);
  return { ranges, has: (apid) => mask[apid] === 1 };
}
