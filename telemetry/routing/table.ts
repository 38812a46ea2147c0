/**
 * @module The routing table: the config's `routes` section (schemas/config-routes.schema.json) as APID → route.
 * Every APID maps to exactly one route: the first route in file order that claims it, else `quarantine`
 * (stored and counted, never dropped). APIDs claimed by two routes are reported as overlaps.
 *
 * Without a `routes` section there is one route, `default`, claiming the APIDs the config declares (`apids`),
 * or every APID when it declares none.
 */
import type { MissionConfig } from '../../src/config/index.js';
import type { PointerProblem } from '../../src/config/schema-problems.js';
import { checkedSection, configRelative, QUARANTINE_ROUTE } from '../../src/store/index.js';

type ApidItem = number | [number, number];
interface RouteConfig { description?: string; apids?: ApidItem[]; archive?: boolean; rawFile?: string; forward?: string | string[] }
type RoutesSection = Record<string, RouteConfig>;

/** One route and its targets. */
export interface Route {
  readonly name: string;
  /** Inclusive APID ranges claimed (none for quarantine). */
  readonly apids: readonly (readonly [number, number])[];
  /** Stored in the archive under the route name. */
  readonly archive: boolean;
  /** Raw packet file path pattern, absolute ({apid}, {route}, {date}, {run} still in it). */
  readonly rawFile: string | undefined;
  /** TCP consumers, `tcp://host:port`. */
  readonly forward: readonly string[];
  readonly description: string | undefined;
}

/** APIDs claimed by two routes: `winner` gets them. */
export interface Overlap {
  readonly apids: readonly [number, number];
  readonly winner: string;
  readonly other: string;
}

export interface RouteTable {
  /** Declared routes in file order, then quarantine. */
  readonly routes: readonly Route[];
  readonly quarantine: Route;
  readonly overlaps: readonly Overlap[];
  /** The route of an APID (quarantine when none claims it). */
  routeOf(apid: number): Route;
  /** Where the table came from (`default` without a routes section). */
  readonly origin: 'config' | 'default';
}

const ranges = (items: readonly ApidItem[]): [number, number][] => items.map((x) => (typeof x === 'number' ? [x, x] : [x[0], x[1]]));

function semanticProblems(section: RoutesSection): PointerProblem[] {
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

/** Collapse the APIDs marked in a predicate into ranges. */
export function toRanges(has: (apid: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < 2048; a++) {
    if (!has(a)) continue;
    const last = out[out.length - 1];
    if (last && last[1] === a - 1) last[1] = a;
    else out.push([a, a]);
  }
  return out;
}

function build(routes: Route[], quarantine: Route, origin: RouteTable['origin']): RouteTable {
  const owner: (Route | undefined)[] = new Array(2048);
  const overlapMarks = new Map<string, Uint8Array>();
  for (const r of routes) {
    for (const [lo, hi] of r.apids) {
      for (let a = lo; a <= hi; a++) {
        const first = owner[a];
        if (!first) owner[a] = r;
        else if (first !== r) {
          const key = `${first.name}\u0000${r.name}`;
          (overlapMarks.get(key) ?? overlapMarks.set(key, new Uint8Array(2048)).get(key)!)[a] = 1;
        }
      }
    }
  }
  const overlaps: Overlap[] = [];
  for (const [key, mark] of overlapMarks) {
    const [winner, other] = key.split('\u0000') as [string, string];
    for (const apids of toRanges((a) => mark[a] === 1)) overlaps.push({ apids, winner, other });
  }
  overlaps.sort((x, y) => x.apids[0] - y.apids[0]);
  return {
    routes: [...routes, quarantine], quarantine, overlaps, origin,
    routeOf: (apid) => owner[apid] ?? quarantine,
  };
}

/**
 * The routing table of a configuration.
 * @throws InputError when the routes section fails its schema or checks (located `file#/routes/…`).
 */
export function routeTable(config: MissionConfig, cwd = process.cwd()): RouteTable {
  const section = checkedSection<RoutesSection>(config, 'routes', semanticProblems);
  const resolveRaw = (p: string | undefined) => (p === undefined ? undefined : configRelative(config, p, cwd));
  const q = section?.[QUARANTINE_ROUTE];
  const quarantine: Route = {
    name: QUARANTINE_ROUTE, apids: [], archive: q?.archive ?? true, rawFile: resolveRaw(q?.rawFile),
    forward: q?.forward === undefined ? [] : typeof q.forward === 'string' ? [q.forward] : q.forward,
    description: q?.description ?? 'packets of APIDs no route claims',
  };
  if (!section) {
    const declared = config.apids.map((d): [number, number] => [d.apids.from, d.apids.to]);
    const all: [number, number][] = [[0, 2046]]; // 2047 is the idle APID: framing never passes it on
    return build([{ name: 'default', apids: declared.length ? declared : all, archive: true, rawFile: undefined, forward: [], description: declared.length ? 'the APIDs the config declares' : 'every APID (the config declares none)' }], quarantine, 'default');
  }
  const routes: Route[] = Object.entries(section)
    .filter(([name]) => name !== QUARANTINE_ROUTE)
    .map(([name, r]) => ({
      name, apids: ranges(r.apids ?? []), archive: r.archive ?? true, rawFile: resolveRaw(r.rawFile),
      forward: r.forward === undefined ? [] : typeof r.forward === 'string' ? [r.forward] : r.forward,
      description: r.description,
    }));
  return build(routes, quarantine, 'config');
}
