/**
 * @module What the operations console shows, as plain JSON-ready records computed from the archive, the ingest
 * daemon's status file, the L0 products folder, the mission database and plan files: live status, gaps and
 * their DDS re-request windows, the product catalogue with facets and footprints, parameter series with limits
 * (plans: console-plan.ts). Every function filters by what the user may see.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mission } from '../../src/config/mission.js';
import { InputError } from '../../src/errors.js';
import type { TmDatabase } from '../../src/mdb/types.js';
import type { ArchiveReader } from '../../src/archive/index.js';
import { openSqliteArchiveReader } from '../../src/store/index.js';
import { asTai, taiToUnixMs, utcUnixToTai } from '../../src/time/index.js';

const unixMsToTai = (ms: number): number => utcUnixToTai(ms / 1000);
import { findGaps, gapRecord, gapWindows, resetRecord, windowRequestId, writeGapRequests, type ArchiveReset, type GapWindow } from '../gaps/index.js';
import { readStatus } from '../ingest/index.js';
import { listL0, productsConfig, routeToken } from '../products/index.js';
import { geometrySource, groundTrackGeoJson, productGeometry, type GeometrySource } from '../products/geometry.js';
import { compileDecoder } from '../parameters/compile.js';
import { maySee, type ConsoleUser } from './console-auth.js';
import type { PlanSource } from './console-plan.js';

export interface ConsoleSources {
  readonly mission: Mission;
  readonly archiveDir: string;
  /** Open the archive through the port (default: the SQLite store in archiveDir, when there is one); PostgreSQL for `archive.kind: postgres`. */
  readonly openReader?: () => Promise<ArchiveReader>;
  /** L0 products folder (absent: no products page data). */
  readonly productsDir?: string;
  /** Where DDS re-request files are written. */
  readonly requestsDir: string;
  /** Mission database for parameters (XTCE, MIB folder, field list or JSON). */
  readonly tmdb?: TmDatabase;
  /** Folder of plan files (`*.plan.json`) with, for validation, a TC database and rules (console-plan.ts). */
  readonly plans?: PlanSource;
  /** PDS4 schema folder for the products' fresh label validation (default: as `idoc l0 validate`). */
  readonly schemaDir?: string;
}

/** The instrument of an APID: its declaration's, else the mission's. */
export function instrumentOf(m: Mission, apid: number): string | undefined {
  const d = m.config.apids.find((x) => apid >= x.apids.from && apid <= x.apids.to);
  return d?.instrument ?? m.config.mission.instrument;
}

/** The archive through the port (status, gaps); undefined when there is none yet. */
async function withReader<T>(src: ConsoleSources, f: (a: ArchiveReader) => Promise<T>): Promise<T | undefined> {
  if (!src.openReader && !existsSync(path.join(src.archiveDir, 'index.sqlite'))) return undefined;
  const a = src.openReader ? await src.openReader() : await openSqliteArchiveReader(src.archiveDir);
  try { return await f(a); } finally { await a.close(); }
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const utc = (tai: number | undefined): string | undefined => (tai === undefined ? undefined : new Date(taiToUnixMs(tai)).toISOString());

export interface ApidLive {
  apid: number; name: string | undefined; instrument: string | undefined; packets: number; crcErrors: number; duplicates: number;
  last: string | undefined; lastIngest: string | undefined; gaps: number; missing: number; resets: number;
}

/** One live snapshot: the daemon's feeds (when a status file is there) and per-APID archive counts. */
export async function liveStatus(src: ConsoleSources, user: ConsoleUser) {
  const daemon = await readStatus(src.archiveDir).catch(() => undefined);
  const resets: ArchiveReset[] = [];
  const apids = await withReader(src, async (a) => {
    const s = await a.status();
    const gaps = await findGaps(a, { periodOf: src.mission.periodOf }, resets);
    return s.apids.map((x): ApidLive => {
      const g = gaps.filter((y) => y.apid === x.apid);
      return {
        apid: x.apid, name: src.mission.apidName(x.apid), instrument: instrumentOf(src.mission, x.apid), packets: x.packets, crcErrors: x.crcErrors,
        duplicates: x.duplicates, last: utc(x.lastTai), lastIngest: iso(x.lastIngestUnixMs), gaps: g.length,
        missing: g.reduce((n, y) => n + y.missing, 0), resets: resets.filter((r) => r.apid === x.apid).length,
      };
    });
  }) ?? [];
  return {
    time: new Date().toISOString(),
    daemon: daemon
      ? {
          pid: daemon.pid, running: daemon.running, mode: daemon.mode ?? 'watch', started: daemon.started, updated: daemon.updated,
          // Feed counters cover every instrument: a Co-I sees the feeds' states but not other instruments' counts.
          feeds: daemon.feeds.map((f) => (user.instruments.includes('*')
            ? { feed: f.feed, state: f.state, packets: f.packets, stored: f.stored, duplicates: f.duplicates, quarantined: f.quarantined, crcErrors: f.crcErrors, packetsPerSecond: f.packetsPerSecond, backlog: f.backlog ?? null, gaps: f.gaps ?? 0, missing: f.missing ?? 0, resets: f.resets ?? 0, lastIngest: iso(f.lastIngestUnixMs) ?? null, lastError: f.lastError ?? null }
            : { feed: f.feed, state: f.state })),
        }
      : undefined,
    apids: apids.filter((x) => maySee(user, x.instrument)),
  };
}
export type LiveStatus = Awaited<ReturnType<typeof liveStatus>>;

function parseInstant(field: string, s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const ms = Date.parse(s);
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(s) || Number.isNaN(ms)) throw new InputError(`${field}: expected a UTC instant such as 2026-01-01T00:00:00Z, got ${JSON.stringify(s.slice(0, 40))}`);
  return ms;
}

/** Gaps and resets per APID over a range, with the DDS request window of each gap. */
export async function gapsReport(src: ConsoleSources, user: ConsoleUser, q: { from?: string; to?: string }) {
  const fromMs = parseInstant('from', q.from);
  const toMs = parseInstant('to', q.to);
  const resets: ArchiveReset[] = [];
  const r = await withReader(src, async (a) => {
    const apids = (await a.status()).apids.filter((x) => maySee(user, instrumentOf(src.mission, x.apid)));
    const gaps = await findGaps(a, {
      apids: apids.map((x) => [x.apid, x.apid] as const), periodOf: src.mission.periodOf,
      ...(fromMs !== undefined ? { fromTai: asTai(unixMsToTai(fromMs)) } : {}), ...(toMs !== undefined ? { toTai: asTai(unixMsToTai(toMs)) } : {}),
    }, resets);
    return { apids, gaps };
  });
  if (!r) return { apids: [], gaps: [], resets: [] };
  return {
    apids: r.apids.map((x) => ({ apid: x.apid, name: src.mission.apidName(x.apid) ?? null, first: utc(x.firstTai) ?? null, last: utc(x.lastTai) ?? null, packets: x.packets })),
    gaps: r.gaps.map((g) => {
      const w = gapWindows([g])[0];
      return { ...gapRecord(g, src.mission.apidName(g.apid)), request: w ? { id: windowRequestId(w), start: new Date(w.startMs).toISOString(), end: new Date(w.endMs).toISOString() } : null };
    }),
    resets: resets.filter((x) => r.apids.some((y) => y.apid === x.apid)).map((x) => resetRecord(x, src.mission.apidName(x.apid))),
  };
}

/** Write the DDS request for the gap window `id` (recomputed from the archive: the client names it, never its bytes). */
export async function writeRequest(src: ConsoleSources, user: ConsoleUser, id: string): Promise<{ id: string; file: string; apid: number; start: string; end: string } | undefined> {
  const windows = await withReader(src, async (a) => {
    const apids = (await a.status()).apids.filter((x) => maySee(user, instrumentOf(src.mission, x.apid))).map((x) => [x.apid, x.apid] as const);
    return (await findGaps(a, { apids, periodOf: src.mission.periodOf })).flatMap((g) => gapWindows([g]));
  }) ?? [];
  const w: GapWindow | undefined = windows.find((x) => windowRequestId(x) === id);
  if (!w) return undefined;
  const { mkdir } = await import('node:fs/promises');
  await mkdir(src.requestsDir, { recursive: true });
  const [file] = await writeGapRequests(src.requestsDir, [w]);
  return { id, file: path.basename(file!), apid: w.apid, start: new Date(w.startMs).toISOString(), end: new Date(w.endMs).toISOString() };
}

export interface CatalogueEntry {
  id: string; version: number; latest: boolean; format: string; instrument: string | undefined; collection: string; start: string | null; stop: string | null;
  quality: string | null; clean: boolean; label: string; footprint: unknown;
}

// Ground tracks computed for products without a GeoJSON beside them (when the config names an ephemeris), by id.
const tracks = new WeakMap<ConsoleSources, { source: Promise<GeometrySource | undefined>; byId: Map<string, unknown> }>();

async function groundTrack(src: ConsoleSources, id: string, start: string | undefined, stop: string | undefined): Promise<unknown> {
  if (start === undefined || stop === undefined) return null;
  let t = tracks.get(src);
  if (!t) {
    let orbit;
    try { orbit = productsConfig(src.mission.config).orbitSource; } catch { orbit = undefined; }
    const file = orbit ? path.resolve(src.mission.config.file !== undefined ? path.dirname(src.mission.config.file) : '.', orbit.file) : undefined;
    t = { source: file ? geometrySource(file, orbit?.object).catch(() => undefined) : Promise.resolve(undefined), byId: new Map() };
    tracks.set(src, t);
  }
  if (t.byId.has(id)) return t.byId.get(id);
  const g = await t.source;
  let geo: unknown = null;
  if (g) {
    const a = unixMsToTai(Date.parse(start));
    const b = unixMsToTai(Date.parse(stop));
    const step = Math.max(10, (b - a) / 200);
    const pg = productGeometry(g, a, b, step);
    if (pg.rows.length > 1) geo = JSON.parse(groundTrackGeoJson(pg, { product: id, start, stop, step_s: step }));
  }
  t.byId.set(id, geo);
  return geo;
}

/** Clean: the label's quality line counts no sequence gap, CRC error or failed decompression. */
const isClean = (q: string | undefined): boolean => q === undefined || [...q.matchAll(/(sequence_gaps|crc_errors|decompression_failures)=(\d+)/g)].every((m) => m[2] === '0');

async function catalogue(src: ConsoleSources): Promise<CatalogueEntry[]> {
  if (src.productsDir === undefined) return [];
  const { products } = await listL0(src.productsDir);
  // A product's instrument: that of its route's APIDs (the config's declarations), else its label's.
  let routes: { token: string; apid: number }[] = [];
  try {
    const pc = productsConfig(src.mission.config);
    routes = [...pc.routes, ...pc.ingestRoutes].flatMap((r) => (r.apids[0] ? [{ token: routeToken(r.name), apid: r.apids[0][0] }] : []));
  } catch { /* no products section: labels say */ }
  // Geometry products (`<id>_geometry`, Product_Ancillary with a GeoJSON ground track) give their data product's footprint.
  const geometry = new Map(products.filter((p) => p.productId.endsWith('_geometry') && p.latest).map((p) => [p.productId.slice(0, -'_geometry'.length), p.label.replace(/\.(xml|lbl)$/, '.geojson')]));
  return Promise.all(products.filter((p) => !p.productId.endsWith('_geometry')).map(async (p) => {
    const text = await readFile(p.label, 'utf8');
    const folder = path.basename(path.dirname(p.label));
    const route = routes.find((r) => r.token === folder || p.productId.startsWith(`${r.token}_`));
    const instrument = (route ? instrumentOf(src.mission, route.apid) : undefined)
      ?? /<Observing_System_Component>\s*<name>([^<]+)<\/name>\s*<type>Instrument<\/type>/.exec(text)?.[1] ?? src.mission.config.mission.instrument;
    let footprint: unknown = null;
    for (const f of [p.label.replace(/\.(xml|lbl)$/, '.geojson'), geometry.get(p.productId)]) {
      if (f === undefined) continue;
      try { footprint = JSON.parse(await readFile(f, 'utf8')); break; } catch { /* none there */ }
    }
    footprint ??= await groundTrack(src, `${p.productId}_v${p.version}`, p.start, p.stop);
    const collection = path.basename(path.dirname(path.dirname(p.label)));
    return {
      id: `${p.productId}_v${p.version}`, version: p.version, latest: p.latest, format: p.format, instrument, collection,
      start: p.start ?? null, stop: p.stop ?? null, quality: p.quality ?? null, clean: isClean(p.quality),
      label: p.label, footprint,
    };
  }));
}

const FACETS = ['instrument', 'collection', 'format', 'quality'] as const;
type Facet = (typeof FACETS)[number];
const facetValue = (p: CatalogueEntry, f: Facet): string => (f === 'quality' ? (p.clean ? 'clean' : 'flagged') : String(p[f] ?? '-'));

/** The catalogue a user may see, filtered by facets and time, with facet counts (of the other filters). */
export async function products(src: ConsoleSources, user: ConsoleUser, q: Readonly<Record<string, string | undefined>>) {
  const all = (await catalogue(src)).filter((p) => maySee(user, p.instrument));
  const fromMs = parseInstant('from', q['from']);
  const toMs = parseInstant('to', q['to']);
  const timeOk = (p: CatalogueEntry) => (fromMs === undefined || (p.stop !== null && Date.parse(p.stop) >= fromMs)) && (toMs === undefined || (p.start !== null && Date.parse(p.start) < toMs));
  const pass = (p: CatalogueEntry, except?: Facet) => timeOk(p) && FACETS.every((f) => f === except || q[f] === undefined || q[f] === '' || facetValue(p, f) === q[f]);
  const facets = Object.fromEntries(FACETS.map((f) => {
    const counts: Record<string, number> = {};
    for (const p of all) if (pass(p, f)) counts[facetValue(p, f)] = (counts[facetValue(p, f)] ?? 0) + 1;
    return [f, counts];
  }));
  return { facets, products: all.filter((p) => pass(p)).map(({ label: _label, ...rest }) => rest) };
}

/** One product: catalogue entry, label text, files beside it; undefined when absent or not the user's. */
export async function product(src: ConsoleSources, user: ConsoleUser, id: string) {
  const p = (await catalogue(src)).find((x) => x.id === id);
  if (!p || !maySee(user, p.instrument)) return undefined;
  const dir = path.dirname(p.label);
  const stem = path.basename(p.label).replace(/\.(xml|lbl)$/, '');
  const files = (await readdir(dir)).filter((n) => n.startsWith(stem) && n !== path.basename(p.label)).sort();
  const labelText = await readFile(p.label, 'utf8');
  const { verifyProductFiles } = await import('../products/index.js');
  const fixity = await verifyProductFiles(dir).then(
    (r) => ({ checked: true, problems: r.problems.filter((x) => x.label === p.label).map((x) => `${path.basename(x.file)}: ${x.message}`) }),
    (e: Error) => ({ checked: false, problems: [e.message] }),
  );
  return { entry: { ...p, label: path.basename(p.label) }, dir, labelText, files, fixity };
}

/** Numeric parameters of the mission database with their unit and alarm ranges. */
export function parameterList(src: ConsoleSources) {
  if (!src.tmdb) return [];
  const dec = compileDecoder(src.tmdb);
  return dec.fields.filter((f) => f.numeric && f.type.kind !== 'absoluteTime' && f.type.kind !== 'array').map((f) => ({
    name: f.parameter.name, unit: f.type.unit ?? null, description: f.parameter.description ?? f.type.description ?? null,
    limits: f.type.alarm?.staticRanges ? { form: f.type.alarm.staticRanges.rangeForm, ranges: f.type.alarm.staticRanges.ranges } : null,
  }));
}

/** Decoded samples of `names` over a range from the archive (through the port: SQLite or PostgreSQL), APIDs the user may see only. */
export async function parameterSeries(src: ConsoleSources, user: ConsoleUser, q: { names: readonly string[]; from?: string; to?: string; maxPackets?: number }) {
  if (!src.tmdb) throw new InputError('parameters: no mission database configured (--tmdb)');
  const known = new Set(parameterList(src).map((p) => p.name));
  for (const n of q.names) if (!known.has(n)) throw new InputError(`name: unknown numeric parameter ${JSON.stringify(n.slice(0, 80))}`);
  const fromMs = parseInstant('from', q.from);
  const toMs = parseInstant('to', q.to);
  const dec = compileDecoder(src.tmdb, { keep: new Set(q.names) });
  const max = q.maxPackets ?? 200_000;
  let seen = 0;
  await withReader(src, async (a) => {
    const window = { ...(fromMs !== undefined ? { fromTai: asTai(unixMsToTai(fromMs)) } : {}), ...(toMs !== undefined ? { toTai: asTai(unixMsToTai(toMs)) } : {}) };
    for (const apid of await a.apids()) {
      if (!maySee(user, instrumentOf(src.mission, apid))) continue;
      for await (const page of a.rows({ apids: [[apid, apid]], ...window })) {
        // Read no more octets than the packet budget needs (one over it marks the answer truncated).
        const rows = page.slice(0, Math.max(0, max + 1 - seen));
        const octets = await a.bytes(rows);
        for (let k = 0; k < rows.length; k++) {
          if (++seen > max) return;
          const b = octets[k]!;
          dec.decode(b, 0, b.length, rows[k]!.tai, apid);
        }
      }
    }
  });
  const series = q.names.map((name) => {
    const t: number[] = [];
    const v: (number | null)[] = [];
    const limit: number[] = [];
    for (const tab of dec.tables()) {
      const col = tab.columns.find((c) => c.field.parameter.name === name);
      if (!col) continue;
      for (let i = 0; i < tab.rows; i++) {
        const tai = tab.tai[i]!;
        if (Number.isNaN(tai) || col.validity[i] === 2) continue;
        const x = col.eng ? col.eng[i]! : typeof col.raw[i] === 'number' ? (col.raw[i] as number) : Number(col.raw[i]);
        t.push(taiToUnixMs(tai) / 1000);
        v.push(Number.isFinite(x) ? x : null);
        limit.push(col.limit[i]!);
      }
    }
    const order = t.map((_, i) => i).sort((x, y) => t[x]! - t[y]!);
    const p = parameterList(src).find((x) => x.name === name)!;
    return { name, unit: p.unit, limits: p.limits, t: order.map((i) => t[i]!), v: order.map((i) => v[i]!), limit: order.map((i) => limit[i]!) };
  });
  return { truncated: seen > max, series };
}
