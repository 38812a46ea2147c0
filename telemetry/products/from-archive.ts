/**
 * @module Packets for L0 building read from an idoc archive (src/store): route by route, window by window, in
 * packet-time order from the SQLite index, their octets from the segment files. One window of one route is
 * held at a time. Within a window the packets are handed over in arrival order (the archive's arrival
 * number), which is the order the builder judges time monotonicity in, and which is also the order of their
 * octets in the segment files, so the segments are read front to back in large blocks.
 *
 * Routes are the `products` routes (APID ranges), not the ingest routes the archive files packets under: an
 * L0 product is an instrument stream, whatever way its packets came in. Without configured product routes,
 * each APID in the archive is a route `apid_<n>`. Packets without a packet time are windowed by their ground
 * reception time.
 */
import type { Archive, PacketRow } from '../../src/store/index.js';
import { utcUnixToTai } from '../../src/time/index.js';
import { buildWindows, defaultRoute, type BuildOptions, type BuildReport, type WindowBatch } from './build.js';
import type { ProductsConfig, RouteConfig } from './config.js';
import type { L0Packet } from './types.js';
import { windowFunction, type OrbitNumbering, type ProductWindow, type WindowSpec } from './window.js';

/** Which packets of the archive to build products from. */
export interface ArchiveSelection {
  readonly products: ProductsConfig;
  readonly mission: BuildOptions['mission'];
  /** Only these routes (names as configured). Default all. */
  readonly routes?: readonly string[];
  /** Packet times (reception time for untimed packets) in [fromTai, toTai). */
  readonly fromTai?: number;
  readonly toTai?: number;
  /** Overrides the configured window. */
  readonly window?: WindowSpec;
  readonly orbits?: OrbitNumbering;
}

/** What reading the archive found besides the batches. */
export interface ArchiveReadStats {
  packets: number;
  bytes: number;
  /** APIDs in the archive that no products route claims (their packets are left out). */
  unroutedApids: number[];
}

/** The routes to build, each with the APIDs of the archive it claims (first route claiming an APID wins). */
export function archiveRoutes(apidsPresent: readonly number[], sel: Pick<ArchiveSelection, 'products' | 'mission' | 'routes'>): { routes: { route: RouteConfig; apids: number[] }[]; unrouted: number[] } {
  const configured = sel.products.routes;
  const wanted = sel.routes ? new Set(sel.routes) : undefined;
  const out: { route: RouteConfig; apids: number[] }[] = [];
  const unrouted: number[] = [];
  if (configured.length === 0) {
    for (const a of apidsPresent) {
      const route = defaultRoute(a, sel.mission);
      if (!wanted || wanted.has(route.name)) out.push({ route, apids: [a] });
    }
    return { routes: out, unrouted };
  }
  const byRoute = new Map<RouteConfig, number[]>(configured.map((r) => [r, []]));
  for (const a of apidsPresent) {
    const r = configured.find((c) => c.apids.some(([lo, hi]) => a >= lo && a <= hi));
    if (r) byRoute.get(r)!.push(a);
    else unrouted.push(a);
  }
  for (const [route, apids] of byRoute) if (apids.length && (!wanted || wanted.has(route.name))) out.push({ route, apids });
  return { routes: out, unrouted };
}

interface Stream { readonly it: Iterator<PacketRow>; head: PacketRow | undefined }

/** Rows of one route's window → packets in arrival order (octets read in segment order). */
function packetsOf(archive: Archive, rows: PacketRow[], stats: ArchiveReadStats | undefined): L0Packet[] {
  let sorted = true;
  for (let i = 1; i < rows.length && sorted; i++) sorted = rows[i - 1]!.arrival < rows[i]!.arrival;
  if (!sorted) rows.sort((a, b) => a.arrival - b.arrival);
  const out = new Array<L0Packet>(rows.length);
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const b = archive.bytesOf(r);
    bytes += b.length;
    out[i] = { bytes: b, apid: r.apid, sequenceCount: r.sequenceCount, sequenceFlags: r.sequenceFlags, tai: r.tai, crc: r.crc, receivedUnixMs: r.receivedUnixMs, source: r.source };
  }
  if (stats) { stats.packets += rows.length; stats.bytes += bytes; }
  return out;
}

/**
 * The archive's packets as window batches for `buildWindows`: routes in configured order, windows in time
 * order within a route. `stats` (when given) receives counts and the APIDs no route claims.
 */
export function* archiveWindows(archive: Archive, sel: ArchiveSelection, stats?: ArchiveReadStats): Generator<WindowBatch> {
  const windowOf = windowFunction(sel.window ?? sel.products.window, sel.orbits);
  const { routes, unrouted } = archiveRoutes(archive.apids(), sel);
  if (stats) stats.unroutedApids = unrouted;
  const inRange = (t: number) => (sel.fromTai === undefined || t >= sel.fromTai) && (sel.toTai === undefined || t < sel.toTai);
  for (const { route, apids } of routes) {
    // Untimed packets (rare): grouped by the window of their reception time, merged in when that window comes.
    const untimed = new Map<string, { window: ProductWindow; rows: PacketRow[] }>();
    for (const a of apids) {
      for (const r of archive.untimedRows(a)) {
        const t = utcUnixToTai(r.receivedUnixMs / 1000);
        if (!inRange(t)) continue;
        const w = windowOf(t);
        (untimed.get(w.id) ?? untimed.set(w.id, { window: w, rows: [] }).get(w.id)!).rows.push(r);
      }
    }
    const untimedBefore = function* (stopTai: number): Generator<WindowBatch> {
      const due = [...untimed.values()].filter((u) => u.window.startTai < stopTai).sort((x, y) => x.window.startTai - y.window.startTai);
      for (const u of due) {
        untimed.delete(u.window.id);
        yield { route, window: u.window, packets: packetsOf(archive, u.rows, stats) };
      }
    };
    const streams: Stream[] = apids.map((a) => {
      const it = archive.apidRows(a, sel.fromTai, sel.toTai);
      const first = it.next();
      return { it, head: first.done ? undefined : first.value };
    });
    for (;;) {
      let min = Infinity;
      for (const s of streams) if (s.head && s.head.tai! < min) min = s.head.tai!;
      if (min === Infinity) break;
      const w = windowOf(min);
      yield* untimedBefore(w.startTai);
      const rows: PacketRow[] = untimed.get(w.id)?.rows ?? [];
      untimed.delete(w.id);
      for (const s of streams) {
        while (s.head && s.head.tai! < w.stopTai) {
          rows.push(s.head);
          const n = s.it.next();
          s.head = n.done ? undefined : n.value;
        }
      }
      yield { route, window: w, packets: packetsOf(archive, rows, stats) };
    }
    yield* untimedBefore(Infinity);
  }
}

/**
 * Build (or update) the L0 products of the archive's packets (see `buildWindows`): one window of one route in
 * memory at a time. The report's `unrouted` is 0; the APIDs left out are in `stats.unroutedApids`.
 */
export async function buildL0FromArchive(archive: Archive, options: BuildOptions, stats: ArchiveReadStats = { packets: 0, bytes: 0, unroutedApids: [] }): Promise<BuildReport> {
  return buildWindows(archiveWindows(archive, {
    products: options.products, mission: options.mission,
    ...(options.routes ? { routes: options.routes } : {}),
    ...(options.fromTai !== undefined ? { fromTai: options.fromTai } : {}),
    ...(options.toTai !== undefined ? { toTai: options.toTai } : {}),
    ...(options.window ? { window: options.window } : {}),
    ...(options.orbits ? { orbits: options.orbits } : {}),
  }, stats), options);
}
