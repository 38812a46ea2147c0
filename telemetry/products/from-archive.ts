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
import { ArchiveScan, lastIngestUnixMs, type ScanRows } from '../../src/store/scan.js';
import { taiToUtcIso, utcUnixToTai } from '../../src/time/index.js';
import { buildWindows, defaultRoute, DEFAULT_PIECE_BYTES, orbitsFor, WRITES_IN_FLIGHT, type BuildOptions, type BuildReport, type WindowBatch } from './build.js';
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
  /**
   * `scan` (default when the archive's schema allows): rows as columns and octets in large reads
   * (`_archive-scan.ts`); `api`: the Archive interface (`apidRows`, `bytesOf`), slower, any schema.
   */
  readonly reader?: 'scan' | 'api';
  /**
   * Reuse read buffers from window to window (scan reader, `WRITES_IN_FLIGHT + 1` sets in turn): a batch's
   * packet octets are then valid only until `WRITES_IN_FLIGHT + 1` further batches are asked for.
   * `buildWindows` is done with a batch by then (it writes up to `WRITES_IN_FLIGHT` products while reading the
   * next window); a caller keeping batches longer is not.
   */
  readonly reuseBuffers?: boolean;
  /**
   * Scan reader: a window with more than 4 × this many packet octets (or 2 × `pieceBytes / 512` packets), of a
   * route without reassembly or decompression and without untimed packets, is handed over in pieces spanning
   * about this many octets of the segment files and of at most `pieceBytes / 512` packets (small packets cost
   * more memory than their octets) (`WindowBatch.pieces`). Default: never.
   */
  readonly pieceBytes?: number;
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
    out[i] = {
      bytes: b, apid: r.apid, sequenceCount: r.sequenceCount, sequenceFlags: r.sequenceFlags, tai: r.tai, crc: r.crc, receivedUnixMs: r.receivedUnixMs, source: r.source,
      ...(r.obt !== undefined ? { obt: r.obt } : {}), groundUnixMs: r.groundUnixMs, timeStatus: r.timeStatus,
      ...(r.dds ? { station: r.dds.groundStation, virtualChannel: r.dds.virtualChannel } : {}),
    };
  }
  if (stats) { stats.packets += rows.length; stats.bytes += bytes; }
  return out;
}

/**
 * The archive's packets as window batches for `buildWindows`: routes in configured order, windows in time
 * order within a route. `stats` (when given) receives counts and the APIDs no route claims.
 */
export function* archiveWindows(archive: Archive, sel: ArchiveSelection, stats?: ArchiveReadStats): Generator<WindowBatch> {
  const scan = sel.reader === 'api' ? undefined : ArchiveScan.open(archive.dir);
  if (scan) {
    try {
      yield* scanWindows(scan, sel, stats);
    } finally {
      scan.close();
    }
    return;
  }
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

const CRC_NAME = ['none', 'ok', 'bad', 'none'] as const;

/** Packets of `rows` (timed rows of one window, then untimed rows) in arrival order, octets read in large ranges. */
function scanPackets(scan: ArchiveScan, parts: readonly ScanRows[], stats: ArchiveReadStats | undefined): L0Packet[] {
  const total = parts.reduce((m, r) => m + r.count, 0);
  const out = new Array<L0Packet>(total);
  const arrival = parts.length < 2 ? undefined : new Float64Array(total);
  let bytes = 0;
  let o = 0;
  // Packets of one window nearly all share a source: its name is looked up once per change.
  let sourceId = NaN;
  let source = '?';
  for (const rows of parts) {
    const n = rows.count;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = rows.arrival[i - 1]! < rows.arrival[i]!;
    if (!sorted) order.sort((x, y) => rows.arrival[x]! - rows.arrival[y]!);
    const views = scan.bytes(rows, order);
    for (let k = 0; k < n; k++, o++) {
      const i = order[k]!;
      const meta = rows.meta[i]!;
      const t = rows.tai[i]!;
      const v = views[k]!;
      bytes += v.length;
      if (arrival) arrival[o] = rows.arrival[i]!;
      if (rows.source[i] !== sourceId) { sourceId = rows.source[i]!; source = scan.sources.get(sourceId) ?? '?'; }
      out[o] = {
        bytes: v, apid: rows.apid[i]!, sequenceCount: rows.seq[i]!, sequenceFlags: meta & 3, tai: Number.isNaN(t) ? undefined : t,
        crc: CRC_NAME[(meta >>> 2) & 3]!, receivedUnixMs: rows.received[i]!, source, groundUnixMs: rows.received[i]!, timeStatus: (meta >>> 8) & 7,
        station: rows.dds[i]! >>> 16, virtualChannel: rows.dds[i]! & 0xffff,
      };
    }
  }
  if (stats) { stats.packets += total; stats.bytes += bytes; }
  if (!arrival) return out;
  const idx = Int32Array.from(out.keys()).sort((x, y) => arrival[x]! - arrival[y]!);
  return Array.from(idx, (i) => out[i]!);
}

/** Packets in a piece at most (besides its octets): each packet costs objects, so small packets make smaller pieces. */
const piecePackets = (pieceBytes: number): number => Math.max(1, Math.floor(pieceBytes / 512));

/**
 * The packets of a window's timed `rows` in pieces of about `pieceBytes` octets: rows in L0 order (time, APID,
 * arrival), cut only where the time steps forward (so sorting each piece gives the window's order), each piece
 * in arrival order. With `reuse`, each piece is read into the next set of read buffers (valid until
 * `WRITES_IN_FLIGHT + 1` further pieces or windows are read: the builder writes a piece before asking the next).
 */
function* scanPieces(scan: ArchiveScan, rows: ScanRows, pieceBytes: number, reuse: boolean, stats: ArchiveReadStats | undefined): Generator<L0Packet[]> {
  const n = rows.count;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => rows.tai[x]! - rows.tai[y]! || rows.apid[x]! - rows.apid[y]! || rows.arrival[x]! - rows.arrival[y]!);
  for (let k = 0; k < n;) {
    // A piece ends at `pieceBytes` of octets READ: its packets' span in the segment files (reads are coalesced over
    // the other routes' packets between them), at most `piecePackets`, and only where the time steps forward.
    let e = k, lo = Infinity, hi = -Infinity;
    const most = piecePackets(pieceBytes);
    for (; e < n; e++) {
      const i = order[e]!;
      const sameTime = e > k && rows.tai[i] === rows.tai[order[e - 1]!];
      const r = rows.raw[i]!;
      const span = Math.max(hi, r + rows.length[i]!) - Math.min(lo, r);
      if (e > k && !sameTime && (span > pieceBytes || e - k >= most)) break;
      lo = Math.min(lo, r);
      hi = Math.max(hi, r + rows.length[i]!);
    }
    const idx = Array.from(order.subarray(k, e));
    if (reuse) scan.recycle(WRITES_IN_FLIGHT + 1);
    yield scanPackets(scan, [pick(rows, idx)], stats);
    k = e;
  }
}

/** {@link archiveWindows} through an {@link ArchiveScan}: the same batches, fewer objects and reads. */
function* scanWindows(scan: ArchiveScan, sel: ArchiveSelection, stats: ArchiveReadStats | undefined): Generator<WindowBatch> {
  const windowOf = windowFunction(sel.window ?? sel.products.window, sel.orbits);
  const { routes, unrouted } = archiveRoutes(scan.apids(), sel);
  if (stats) stats.unroutedApids = unrouted;
  const from = sel.fromTai ?? 0;
  const to = sel.toTai ?? Number.MAX_VALUE;
  for (const { route, apids } of routes) {
    // Untimed packets (rare): grouped by the window of their reception time, merged in when that window comes.
    const untimed = new Map<string, { window: ProductWindow; rows: ScanRows }>();
    const u = scan.untimedRows(apids);
    const groups = new Map<string, { window: ProductWindow; idx: number[] }>();
    for (let i = 0; i < u.count; i++) {
      const t = utcUnixToTai(u.received[i]! / 1000);
      if (t < from || t >= to) continue;
      const w = windowOf(t);
      (groups.get(w.id) ?? groups.set(w.id, { window: w, idx: [] }).get(w.id)!).idx.push(i);
    }
    for (const [id, g] of groups) untimed.set(id, { window: g.window, rows: pick(u, g.idx) });
    const untimedBefore = function* (stopTai: number): Generator<WindowBatch> {
      const due = [...untimed.values()].filter((x) => x.window.startTai < stopTai).sort((x, y) => x.window.startTai - y.window.startTai);
      for (const x of due) {
        untimed.delete(x.window.id);
        if (sel.reuseBuffers) scan.recycle(WRITES_IN_FLIGHT + 1);
        yield { route, window: x.window, packets: scanPackets(scan, [x.rows], stats) };
      }
    };
    let next = from;
    for (;;) {
      let min = Infinity;
      for (const a of apids) { const t = scan.firstTime(a, next); if (t !== undefined && t < to && t < min) min = t; }
      if (min === Infinity) break;
      const w = windowOf(min);
      yield* untimedBefore(w.startTai);
      if (sel.reuseBuffers) scan.recycle(WRITES_IN_FLIGHT + 1);
      const rows = scan.rows(apids, Math.max(w.startTai, from), Math.min(w.stopTai, to));
      const late = untimed.get(w.id);
      untimed.delete(w.id);
      let octets = 0;
      if (sel.pieceBytes !== undefined && !late && !route.reassemble && route.compression === 'none') for (let i = 0; i < rows.count; i++) octets += rows.length[i]!;
      // Windows up to 4 pieces of octets (or 2 pieces of packets) stay whole: the whole-window path overlaps writing
      // with the next read and hashes in worker threads, so it is faster where memory allows.
      if (octets > 4 * sel.pieceBytes! || (octets > 0 && rows.count > 2 * piecePackets(sel.pieceBytes!))) {
        yield { route, window: w, packets: [], pieces: scanPieces(scan, rows, sel.pieceBytes!, !!sel.reuseBuffers, stats) };
      } else {
        yield { route, window: w, packets: scanPackets(scan, late ? [rows, late.rows] : [rows], stats) };
      }
      next = w.stopTai;
    }
    yield* untimedBefore(Infinity);
  }
}

/** Rows `idx` of `r`. */
function pick(r: ScanRows, idx: readonly number[]): ScanRows {
  const take = <T extends Uint16Array | Float64Array | Uint8Array | Int32Array | Uint32Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(idx.length);
    idx.forEach((i, k) => { b[k] = a[i]!; });
    return b;
  };
  return { count: idx.length, apid: take(r.apid), tai: take(r.tai), seq: take(r.seq), meta: take(r.meta), arrival: take(r.arrival), received: take(r.received), source: take(r.source), raw: take(r.raw), length: take(r.length), dds: take(r.dds) };
}

/**
 * Build (or update) the L0 products of the archive's packets (see `buildWindows`): one window of one route in
 * memory at a time. The report's `unrouted` is 0; the APIDs left out are in `stats.unroutedApids`.
 */
export async function buildL0FromArchive(archive: Archive, optionsIn: BuildOptions, stats: ArchiveReadStats = { packets: 0, bytes: 0, unroutedApids: [] }): Promise<BuildReport> {
  // Product time: as given (`--product-time`, `SOURCE_DATE_EPOCH`), else the archive's last ingest time: real, and
  // the same for every rebuild of an unchanged archive (byte-identical products).
  let options = optionsIn;
  if (options.productTime === undefined) {
    const last = lastIngestUnixMs(archive.dir) ?? archive.status().apids.reduce<number | undefined>((m, a) => (a.lastIngestUnixMs === undefined ? m : Math.max(m ?? -Infinity, a.lastIngestUnixMs)), undefined);
    if (last !== undefined) options = { ...options, productTime: taiToUtcIso(utcUnixToTai(last / 1000), 3) };
  }
  const orbits = await orbitsFor(options);
  return buildWindows(archiveWindows(archive, {
    products: options.products, mission: options.mission,
    ...(options.routes ? { routes: options.routes } : {}),
    ...(options.fromTai !== undefined ? { fromTai: options.fromTai } : {}),
    ...(options.toTai !== undefined ? { toTai: options.toTai } : {}),
    ...(options.window ? { window: options.window } : {}),
    ...(orbits ? { orbits } : {}),
    reuseBuffers: true,
    ...(options.format !== 'pds3' && options.pieceBytes !== Infinity ? { pieceBytes: options.pieceBytes ?? DEFAULT_PIECE_BYTES } : {}),
  }, stats), options);
}
