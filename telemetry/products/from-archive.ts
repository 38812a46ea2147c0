/**
 * @module Packets for L0 building read from an archive through the archive port (src/archive/port.ts; the
 * SQLite store's columnar scan behind it): route by route, window by window, in packet-time order. One window of
 * one route is held at a time. Within a window the packets are handed over in arrival order (the archive's
 * arrival number), which is the order the builder judges time monotonicity in, and which is also the order of
 * their octets in the segment files, so the segments are read front to back in large blocks.
 *
 * Routes are the `products` routes (APID ranges), not the ingest routes the archive files packets under: an
 * L0 product is an instrument stream, whatever way its packets came in. Without configured product routes,
 * each APID in the archive is a route `apid_<n>`. Every stored packet has a time on the mission's axis (archive
 * schema 2: the ground time where the on-board time is unusable).
 */
import type { ArchiveReader, RowColumns } from '../../src/archive/index.js';
import { routeLookup } from '../../src/config/index.js';
import { asTai, taiToUtcIso, utcUnixToTai } from '../../src/time/index.js';
import { buildWindows, defaultRoute, DEFAULT_PIECE_BYTES, orbitsFor, WRITES_IN_FLIGHT, type BuildOptions, type BuildReport, type WindowBatch } from './build.js';
import type { ProductsConfig, RouteConfig } from './config.js';
import type { L0Packet } from './types.js';
import type { PacketPiece } from './piece-columns.js';
import { windowFunction, type OrbitNumbering, type WindowSpec } from './window.js';

type ScanRows = RowColumns;

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
   * Reuse read buffers from window to window (`ArchiveReader.recycle`, `WRITES_IN_FLIGHT + 1` sets in turn): a batch's
   * packet octets are then valid only until `WRITES_IN_FLIGHT + 1` further batches are asked for.
   * `buildWindows` is done with a batch by then (it writes up to `WRITES_IN_FLIGHT` products while reading the
   * next window); a caller keeping batches longer is not.
   */
  readonly reuseBuffers?: boolean;
  /**
   * A window with more than this many packet octets (or `pieceBytes / 512` packets), of a
   * route without reassembly or decompression, is handed over in pieces spanning
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
  const lookup = routeLookup(configured);
  for (const a of apidsPresent) {
    const r = lookup.routeOf(a);
    if (r) byRoute.get(r)!.push(a);
    else unrouted.push(a);
  }
  for (const [route, apids] of byRoute) if (apids.length && (!wanted || wanted.has(route.name))) out.push({ route, apids });
  return { routes: out, unrouted };
}

const CRC_NAME = ['none', 'ok', 'bad', 'none'] as const;

/** Packets of `parts` (rows of one window) in arrival order, octets read in large ranges. */
async function scanPackets(reader: ArchiveReader, sources: ReadonlyMap<number, string>, parts: readonly ScanRows[], stats: ArchiveReadStats | undefined): Promise<L0Packet[]> {
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
    const views = await reader.scanBytes(rows, order);
    for (let k = 0; k < n; k++, o++) {
      const i = order[k]!;
      const meta = rows.meta[i]!;
      const t = rows.tai[i]!;
      const v = views[k]!;
      bytes += v.length;
      if (arrival) arrival[o] = rows.arrival[i]!;
      if (rows.source[i] !== sourceId) { sourceId = rows.source[i]!; source = sources.get(sourceId) ?? '?'; }
      out[o] = {
        bytes: v, apid: rows.apid[i]!, sequenceCount: rows.seq[i]!, sequenceFlags: meta & 3, tai: Number.isNaN(t) ? undefined : t,
        crc: CRC_NAME[(meta >>> 2) & 3]!, receivedUnixMs: rows.received[i]!, source, groundUnixMs: rows.received[i]!, timeStatus: (meta >>> 8) & 7,
        // 0 is what the scan reads for a packet without a DDS header (as the Archive interface, leave both out).
        ...(rows.dds[i] !== 0 ? { station: rows.dds[i]! >>> 16, virtualChannel: rows.dds[i]! & 0xffff } : {}),
      };
    }
  }
  if (stats) { stats.packets += total; stats.bytes += bytes; }
  if (!arrival) return out;
  const idx = Int32Array.from(out.keys()).sort((x, y) => arrival[x]! - arrival[y]!);
  return Array.from(idx, (i) => out[i]!);
}

/**
 * Octet buffers of pieces, used in turn; each waits for the builder's promise that it is done with the piece it
 * held (`PacketPiece.hold`: written and hashed) before it is read into again. Three: one being processed (the next one read meanwhile, into the buffer of the
 * third before, once written) while the two before it are written and hashed.
 */
const PIECE_BUFFERS = 3;
/**
 * The piece buffers, kept from window to window and build to build in this process: a buffer handed to a hashing
 * thread lives until that thread collects it, so buffers are reused rather than made per piece. Freed by
 * {@link releasePieceBuffers}.
 */
interface PieceBuffers { readonly pool: { buf: Uint8Array; busy: Promise<unknown> | undefined }[]; turn: number }
/** Taken by a build while it runs (two builds at once each have their own) and handed back when it ends. */
let spareBuffers: PieceBuffers | undefined;

/** Drop the piece buffers kept for the next build (a long-running process that is done building). */
export function releasePieceBuffers(): void {
  spareBuffers = undefined;
}

/** Packets in a piece at most (besides its octets): each packet costs objects, so small packets make smaller pieces. */
const piecePackets = (pieceBytes: number): number => Math.max(1, Math.floor(pieceBytes / 512));

/**
 * The packets of a window's timed `rows` in pieces of about `pieceBytes` octets: rows in L0 order (time, APID,
 * arrival), cut only where the time steps forward (so sorting each piece gives the window's order), each piece
 * in arrival order, as columns with the octets end to end (piece-columns.ts), in buffers used in turn (see
 * {@link PIECE_BUFFERS}). With `reuse`, a reader without `scanOctets` reads each piece into the next set of read
 * buffers.
 */
async function* scanPieces(reader: ArchiveReader, sources: ReadonlyMap<number, string>, rows: ScanRows, pieceBytes: number, reuse: boolean, stats: ArchiveReadStats | undefined, buffers: PieceBuffers, lastAsked?: () => void): AsyncGenerator<PacketPiece> {
  const pool = buffers.pool;
  const sourceName = (id: number): string => sources.get(id) ?? '?';
  const n = rows.count;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const l0Order = (x: number, y: number): number => rows.tai[x]! - rows.tai[y]! || rows.apid[x]! - rows.apid[y]! || rows.arrival[x]! - rows.arrival[y]!;
  let inOrder = true;
  for (let i = 1; i < n && inOrder; i++) inOrder = l0Order(i - 1, i) < 0;
  if (!inOrder) order.sort(l0Order);
  const most = piecePackets(pieceBytes);
  /** The piece starting at `k`: its rows, and its octets being read (into the next buffer in turn, once free). */
  const ask = (k: number): { e: number; read: Promise<PacketPiece> } => {
    // A piece ends at `pieceBytes` of octets READ: its packets' span in the segment files (reads are coalesced over
    // the other routes' packets between them), at most `piecePackets`, and only where the time steps forward.
    let e = k, lo = Infinity, hi = -Infinity;
    for (; e < n; e++) {
      const i = order[e]!;
      const sameTime = e > k && rows.tai[i] === rows.tai[order[e - 1]!];
      const r = rows.raw[i]!;
      const span = Math.max(hi, r + rows.length[i]!) - Math.min(lo, r);
      if (e > k && !sameTime && (span > pieceBytes || e - k >= most)) break;
      lo = Math.min(lo, r);
      hi = Math.max(hi, r + rows.length[i]!);
    }
    // The piece in arrival order.
    const idx = order.slice(k, e);
    let arrivalOrder = true;
    for (let j = 1; j < idx.length && arrivalOrder; j++) arrivalOrder = rows.arrival[idx[j - 1]!]! < rows.arrival[idx[j]!]!;
    if (!arrivalOrder) idx.sort((x, y) => rows.arrival[x]! - rows.arrival[y]!);
    const p = pick(rows, idx);
    const offset = new Float64Array(p.count);
    let octets = 0;
    for (let j = 0; j < p.count; j++) { offset[j] = octets; octets += p.length[j]!; }
    // Buffers in turn: the builder writes and hashes a piece while it processes the next (see `PIECE_BUFFERS`).
    const turn = buffers.turn = (buffers.turn + 1) % PIECE_BUFFERS;
    const read = (async (): Promise<PacketPiece> => {
      // The buffer of the piece `PIECE_BUFFERS` before: wait until the builder is done with it (written and hashed).
      const slot = pool[turn];
      if (slot?.busy) { await slot.busy.catch(() => undefined); slot.busy = undefined; }
      // Sized for a whole piece at once, doubling when outgrown (untouched pages of a buffer cost no memory).
      if (!slot || slot.buf.length < octets) pool[turn] = { buf: new Uint8Array(new SharedArrayBuffer(Math.max(octets, Math.min(pieceBytes, 1 << 30), 2 * (slot?.buf.length ?? 0)))), busy: undefined };
      const entry = pool[turn]!;
      const into = entry.buf.subarray(0, octets);
      if (reader.scanOctets) {
        const reading = reader.scanOctets(p, entry.buf); // the whole buffer: room to read ranges in place
        if (e >= n) lastAsked?.(); // the next window's rows are asked for after these octets
        await reading;
      } else {
        if (reuse) reader.recycle?.(WRITES_IN_FLIGHT + 1);
        const views = await reader.scanBytes(p);
        views.forEach((v, j) => into.set(v, offset[j]!));
      }
      if (stats) { stats.packets += p.count; stats.bytes += octets; }
      return { count: p.count, apid: p.apid, tai: p.tai, seq: p.seq, meta: p.meta, received: p.received, dds: p.dds, source: p.source, sourceName, octets: into, offset, length: p.length, hold: (done) => { entry.busy = done; } };
    })();
    read.catch(() => undefined); // awaited in turn
    return { e, read };
  };
  // Read-ahead (a reader that reads elsewhere): the next piece's octets are asked for before this one is handed over.
  const ahead = reader.scanAhead === true && reader.scanOctets !== undefined;
  let next = n > 0 ? ask(0) : undefined;
  while (next) {
    const cur = next;
    next = ahead && cur.e < n ? ask(cur.e) : undefined;
    yield await cur.read;
    if (!next && cur.e < n) next = ask(cur.e);
  }
}

/**
 * The archive's packets as window batches for `buildWindows`: routes in configured order, windows in time
 * order within a route. `stats` (when given) receives counts and the APIDs no route claims.
 */
export async function* archiveWindows(reader: ArchiveReader, sel: ArchiveSelection, stats?: ArchiveReadStats): AsyncGenerator<WindowBatch> {
  const windowOf = windowFunction(sel.window ?? sel.products.window, sel.orbits);
  const { routes, unrouted } = archiveRoutes(await reader.apids(), sel);
  if (stats) stats.unroutedApids = unrouted;
  const sources = await reader.sources();
  const from = sel.fromTai ?? 0;
  const to = sel.toTai ?? Number.MAX_VALUE;
  /** The windows to build, route by route, each in time order. */
  async function* plan(): AsyncGenerator<{ route: RouteConfig; apids: number[]; w: ReturnType<typeof windowOf> }> {
    for (const { route, apids } of routes) {
      let next = from;
      for (;;) {
        let min = Infinity;
        for (const a of apids) { const t = await reader.firstTime(a, asTai(next)); if (t !== undefined && t < to && t < min) min = t; }
        if (min === Infinity) break;
        const w = windowOf(min);
        yield { route, apids, w };
        next = w.stopTai;
      }
    }
  }
  type Planned = IteratorResult<{ route: RouteConfig; apids: number[]; w: ReturnType<typeof windowOf> }>;
  const plans = plan();
  const scanOf = (x: Planned): Promise<ScanRows> | undefined => {
    if (x.done) return undefined;
    const r = reader.scan({ apids: x.value.apids, fromTai: asTai(Math.max(x.value.w.startTai, from)), toTai: asTai(Math.min(x.value.w.stopTai, to)) });
    r.catch(() => undefined); // awaited in turn
    return r;
  };
  // Read-ahead (a reader whose scans run elsewhere and are never reused, `scanAhead`): the next window's rows are
  // asked for once the last octets of this one are, so the scan runs while this window is processed and written.
  const ahead = reader.scanAhead === true;
  const buffers = spareBuffers ?? { pool: [], turn: 0 };
  spareBuffers = undefined;
  try {
    let cur: Planned = await plans.next();
    let curRows = scanOf(cur);
    while (!cur.done) {
      const { route, w } = cur.value;
      if (sel.reuseBuffers) reader.recycle?.(WRITES_IN_FLIGHT + 1);
      const rows = await curRows!;
      let asked: Promise<{ plan: Planned; rows: Promise<ScanRows> | undefined }> | undefined;
      const askNext = (): Promise<{ plan: Planned; rows: Promise<ScanRows> | undefined }> => (asked ??= plans.next().then((plan) => ({ plan, rows: scanOf(plan) })));
      const lastAsked = ahead ? () => { askNext().catch(() => undefined); } : undefined;
      let octets = 0;
      if (sel.pieceBytes !== undefined && !route.reassemble && route.compression === 'none') for (let i = 0; i < rows.count; i++) octets += rows.length[i]!;
      // Windows of more than a piece go in pieces (columns, no object per packet: faster than the whole-window path,
      // which a route with reassembly or decompression takes, and in bounded memory).
      if (octets > sel.pieceBytes! || (octets > 0 && rows.count > piecePackets(sel.pieceBytes!))) {
        // The pieces read the scanned columns after this batch is handed over: `buildWindows` takes every piece before
        // it asks for the next batch (the next scan, which reuses the columns unless `scanAhead`).
        yield { route, window: w, packets: [], pieces: scanPieces(reader, sources, rows, sel.pieceBytes!, !!sel.reuseBuffers, stats, buffers, lastAsked), ...(reader.scanOctets ? {} : { readBuffers: true }) };
      } else {
        const packets = await scanPackets(reader, sources, [rows], stats);
        lastAsked?.();
        yield { route, window: w, packets };
      }
      const n = await askNext();
      cur = n.plan;
      curRows = n.rows;
    }
  } finally {
    spareBuffers = buffers;
  }
}

/** Rows `idx` of `r` (a loop per column type: each stays monomorphic). */
function pick(r: ScanRows, idx: Int32Array): ScanRows {
  const n = idx.length;
  const f64 = (a: Float64Array): Float64Array => { const b = new Float64Array(n); for (let k = 0; k < n; k++) b[k] = a[idx[k]!]!; return b; };
  const u16 = (a: Uint16Array): Uint16Array => { const b = new Uint16Array(n); for (let k = 0; k < n; k++) b[k] = a[idx[k]!]!; return b; };
  const u32 = (a: Uint32Array): Uint32Array => { const b = new Uint32Array(n); for (let k = 0; k < n; k++) b[k] = a[idx[k]!]!; return b; };
  const i32 = (a: Int32Array): Int32Array => { const b = new Int32Array(n); for (let k = 0; k < n; k++) b[k] = a[idx[k]!]!; return b; };
  return { count: n, apid: u16(r.apid), tai: f64(r.tai), seq: u16(r.seq), meta: u16(r.meta), arrival: f64(r.arrival), received: f64(r.received), source: i32(r.source), raw: f64(r.raw), length: u32(r.length), dds: u32(r.dds) };
}

/**
 * Build (or update) the L0 products of the archive's packets (see `buildWindows`): one window of one route in
 * memory at a time. The report's `unrouted` is 0; the APIDs left out are in `stats.unroutedApids`.
 */
export async function buildL0FromArchive(archive: ArchiveReader, optionsIn: BuildOptions, stats: ArchiveReadStats = { packets: 0, bytes: 0, unroutedApids: [] }): Promise<BuildReport> {
  // Product time: as given (`--product-time`, `SOURCE_DATE_EPOCH`), else the archive's last ingest time: real, and
  // the same for every rebuild of an unchanged archive (byte-identical products).
  let options = optionsIn;
  if (options.productTime === undefined) {
    const last = await archive.lastIngest();
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
