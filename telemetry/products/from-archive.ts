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
import { buildWindows, defaultRoute, DEFAULT_PIECE_BYTES, GroupStopped, orbitsFor, WRITES_IN_FLIGHT, type BuildOptions, type BuildReport, type WindowBatch, type WindowGroup } from './build.js';
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
 * Where the piece starting at `order[k]` ends (rows `order[k..e)`, `order` in L0 order): at `bytes` of octets READ (its
 * packets' span in the segment files: reads are coalesced over the packets of others lying between), at most `most`
 * packets, and only where the time steps forward (so that sorting each piece gives the window's order).
 */
function pieceEnd(rows: ScanRows, order: Int32Array, k: number, bytes: number, most: number): number {
  let e = k, lo = Infinity, hi = -Infinity;
  for (; e < order.length; e++) {
    const i = order[e]!;
    const r = rows.raw[i]!;
    const span = Math.max(hi, r + rows.length[i]!) - Math.min(lo, r);
    if (e > k && rows.tai[i] !== rows.tai[order[e - 1]!] && (span > bytes || e - k >= most)) break;
    lo = Math.min(lo, r);
    hi = Math.max(hi, r + rows.length[i]!);
  }
  return e;
}

/** Rows `idx` in arrival order (sorted in place when they are not). */
function byArrival(rows: ScanRows, idx: Int32Array): Int32Array {
  let inOrder = true;
  for (let j = 1; j < idx.length && inOrder; j++) inOrder = rows.arrival[idx[j - 1]!]! < rows.arrival[idx[j]!]!;
  return inOrder ? idx : idx.sort((x, y) => rows.arrival[x]! - rows.arrival[y]!);
}

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
    const e = pieceEnd(rows, order, k, pieceBytes, most);
    const idx = byArrival(rows, order.slice(k, e));
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
      return { count: p.count, apid: p.apid, tai: p.tai, seq: p.seq, meta: p.meta, received: p.received, arrival: p.arrival, dds: p.dds, source: p.source, sourceName, octets: into, offset, length: p.length, hold: (done) => { entry.busy = done; } };
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
 * Buffers of a group's slices, used in turn: each holds the pieces of all the routes of one slice, end to end, and
 * is read into again once every route has written its piece of it. Kept from build to build in this process
 * (see {@link spareBuffers}); the shared read of a slice goes into `union`.
 */
interface GroupBuffers { readonly pool: { buf: Uint8Array; cols: ArrayBuffer | undefined; busy: Promise<unknown> | undefined }[]; turn: number; union: Uint8Array | undefined }
let spareGroupBuffers: GroupBuffers | undefined;
/** A group's slices are a quarter of a piece: all its routes' pieces of a slice are in memory at once. */
const GROUP_SLICE_PART = 4;
/** Routes read together at most (more are read in several groups): a route's pieces stay a sizeable part of a read. */
const GROUP_ROUTES = 8;
/** Rows a group's scan aims at (one scan of the archive's index per about this many packets of all its routes). */
const GROUP_SCAN_ROWS = 1 << 16;

/**
 * Where a group's rows come from: the window's time span scanned in consecutive ranges of about
 * {@link GROUP_SCAN_ROWS} rows (the range's length follows the packet rate seen), so the columns of a window of any
 * size stay small. Each range is whole in time: packets of one time are never split across two.
 */
function rangeScans(reader: ArchiveReader, apids: readonly number[], fromTai: number, toTai: number): () => Promise<ScanRows | undefined> {
  let t = fromTai;
  let step = (toTai - fromTai) / 16;
  return async () => {
    while (t < toTai) {
      // Straight to the next packet (a day with an hour of data is not scanned in empty ranges).
      let first = Infinity;
      for (const a of apids) { const f = await reader.firstTime(a, asTai(t)); if (f !== undefined && f < first) first = f; }
      if (!(first < toTai)) { t = toTai; return undefined; }
      const end = Math.min(toTai, first + Math.max(step, 1e-3));
      const rows = await reader.scan({ apids, fromTai: asTai(first), toTai: asTai(end) });
      t = end;
      step = Math.max(1e-3, (end - first) * Math.min(4, Math.max(0.25, GROUP_SCAN_ROWS / Math.max(1, rows.count))));
      if (rows.count > 0) return rows;
    }
    return undefined;
  };
}

/** `rows` in L0 order (time, APID, arrival): its runs of one APID (the scan's order) merged, each sorted first if needed. */
function l0OrderOf(rows: ScanRows): Int32Array {
  const n = rows.count;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const l0Order = (x: number, y: number): number => rows.tai[x]! - rows.tai[y]! || rows.apid[x]! - rows.apid[y]! || rows.arrival[x]! - rows.arrival[y]!;
  const starts: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || rows.apid[i] !== rows.apid[i - 1]) starts.push(i);
  starts.push(n);
  if (starts.length > 9) return order.sort(l0Order); // many APIDs: a merge of that many runs costs more than a sort
  for (let r = 0; r + 1 < starts.length; r++) {
    let sorted = true;
    for (let i = starts[r]! + 1; i < starts[r + 1]! && sorted; i++) sorted = l0Order(i - 1, i) < 0;
    if (!sorted) order.subarray(starts[r]!, starts[r + 1]!).sort(l0Order);
  }
  if (starts.length <= 2) return order;
  const out = new Int32Array(n);
  const head = starts.slice(0, -1);
  const end = starts.slice(1);
  for (let k = 0; k < n; k++) {
    let best = -1;
    for (let r = 0; r < head.length; r++) if (head[r]! < end[r]! && (best < 0 || l0Order(order[head[r]!]!, order[head[best]!]!) < 0)) best = r;
    out[k] = order[head[best]!]!;
    head[best]!++;
  }
  return out;
}

/**
 * The pieces of the routes of one window, read together (issue 12: a day of APIDs interleaved in the segment
 * files, read route by route, was read once for every route). The routes' rows come in ranges of time
 * ({@link rangeScans}); in L0 order (time, APID, arrival) they are cut into slices as {@link scanPieces} cuts one
 * route's, at a {@link GROUP_SLICE_PART} of the size (about `pieceBytes / 4` of the segment files, where the time
 * steps forward). Each slice's octets are read once, in arrival order (the segment files' order: one read per
 * range), and copied to its routes' pieces, end to end in one of {@link PIECE_BUFFERS} buffers used in turn.
 * Returns one generator per route (`memberOfApid[apid]` its index), all of which must be taken from at once: a slice
 * is read when the first route asks for it, and waits for every route to have written its piece of the slice
 * {@link PIECE_BUFFERS} before.
 */
function groupPieces(reader: ArchiveReader, sources: ReadonlyMap<number, string>, scanNext: () => Promise<ScanRows | undefined>, memberOfApid: Int16Array, members: number, pieceBytes: number, stats: ArchiveReadStats | undefined, buffers: GroupBuffers): { pieces: AsyncGenerator<PacketPiece>[]; stop: (why: Error) => void } {
  const sourceName = (id: number): string => sources.get(id) ?? '?';
  const sliceBytes = Math.max(1, Math.floor(pieceBytes / GROUP_SLICE_PART));
  const most = Math.max(1, Math.floor(piecePackets(pieceBytes) / GROUP_SLICE_PART));
  let rows: ScanRows | undefined;
  let order: Int32Array = new Int32Array(0);
  let k = 0;
  let stopped: Error | undefined;
  /** Releases of the slice buffers whose pieces a route has not taken yet (all called when the group stops). */
  const pending = new Set<() => void>();

  /** The next slice's pieces, one per route (undefined: none for that route), or undefined after the last. */
  const read = async (): Promise<(PacketPiece | undefined)[] | undefined> => {
    if (stopped) throw stopped;
    while (!rows || k >= rows.count) {
      rows = await scanNext();
      if (!rows) return undefined;
      order = l0OrderOf(rows);
      k = 0;
    }
    const r = rows;
    const e = pieceEnd(r, order, k, sliceBytes, most);
    const idx = byArrival(r, order.slice(k, e));
    k = e;
    const memberOf = new Int16Array(idx.length);
    const count = new Int32Array(members);
    const octets = new Float64Array(members);
    let total = 0;
    for (let j = 0; j < idx.length; j++) {
      const m = memberOf[j] = memberOfApid[r.apid[idx[j]!]! & 0x7ff]!;
      const len = r.length[idx[j]!]!;
      count[m] = count[m]! + 1;
      octets[m] = octets[m]! + len;
      total += len;
    }
    // This turn's buffer, once every route has written its piece of the slice PIECE_BUFFERS before.
    const turn = buffers.turn = (buffers.turn + 1) % PIECE_BUFFERS;
    const slot = buffers.pool[turn];
    if (slot?.busy) { await slot.busy.catch(() => undefined); slot.busy = undefined; }
    if (stopped) throw stopped;
    if (!slot || slot.buf.length < total) buffers.pool[turn] = { buf: new Uint8Array(new SharedArrayBuffer(Math.max(total, 2 * (slot?.buf.length ?? 0), 1 << 20))), cols: slot?.cols, busy: undefined };
    const entry = buffers.pool[turn]!;
    // The pieces' columns too, in a buffer of the slot (reused, as its octets: fresh memory is slow to touch).
    const colBytes = idx.length * PICKED_ROW + members * 8;
    if (!entry.cols || entry.cols.byteLength < colBytes) entry.cols = new ArrayBuffer(Math.max(colBytes, 2 * (entry.cols?.byteLength ?? 0), 1 << 16));
    const cols = { mem: entry.cols, at: 0 };
    // The slice's octets in one pass (arrival order is the segment files' order), then each route's end to end.
    if (!buffers.union || buffers.union.length < total) buffers.union = new Uint8Array(new SharedArrayBuffer(Math.max(total, 2 * (buffers.union?.length ?? 0), 1 << 20)));
    const union = buffers.union;
    await reader.scanOctets!(r, union, idx);
    if (stopped) throw stopped;
    const base = new Float64Array(members);
    for (let m = 1; m < members; m++) base[m] = base[m - 1]! + octets[m - 1]!;
    const pos = Float64Array.from(base);
    const to = entry.buf;
    for (let j = 0, at = 0; j < idx.length;) {
      const m = memberOf[j]!;
      let len = r.length[idx[j]!]!;
      let q = j + 1;
      for (; q < idx.length && memberOf[q] === m; q++) len += r.length[idx[q]!]!;
      to.set(union.subarray(at, at + len), pos[m]!);
      pos[m] = pos[m]! + len;
      at += len;
      j = q;
    }
    const fill = new Int32Array(members);
    const mine = Array.from({ length: members }, (_, m) => (count[m] ? new Int32Array(count[m]!) : undefined));
    for (let j = 0; j < idx.length; j++) { const m = memberOf[j]!; mine[m]![fill[m]!] = idx[j]!; fill[m] = fill[m]! + 1; }
    if (stats) { stats.packets += idx.length; stats.bytes += total; }
    const held: Promise<void>[] = [];
    const pieces = mine.map((rowsOf, m) => {
      if (!rowsOf) return undefined;
      const p = pick(r, rowsOf, cols);
      const offset = new Float64Array(p.count);
      for (let j = 0, o = 0; j < p.count; j++) { offset[j] = o; o += p.length[j]!; }
      // Taken by its route until written (`hold`), or until the group stops.
      let release!: () => void;
      held.push(new Promise<void>((done) => { release = done; }));
      pending.add(release);
      const piece: PacketPiece = {
        count: p.count, apid: p.apid, tai: p.tai, seq: p.seq, meta: p.meta, received: p.received, arrival: p.arrival, dds: p.dds, source: p.source, sourceName,
        octets: to.subarray(base[m]!, base[m]! + octets[m]!), offset, length: p.length,
        hold: (done) => { pending.delete(release); done.then(release, release); },
      };
      return piece;
    });
    entry.busy = Promise.all(held);
    return pieces;
  };
  /** Slices read so far (each let go once every route is past it), read one after the other. */
  const made: (Promise<(PacketPiece | undefined)[] | undefined> | undefined)[] = [];
  const passed: number[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  const slice = (s: number): Promise<(PacketPiece | undefined)[] | undefined> => {
    while (made.length <= s) {
      const r = chain.then(read);
      r.catch(() => undefined); // awaited by the routes
      made.push(r);
      passed.push(0);
      chain = r;
    }
    return made[s]!;
  };
  const stop = (why: Error): void => {
    stopped ??= why;
    for (const release of pending) release();
    pending.clear();
  };
  const pieces = Array.from({ length: members }, async function* route(_, m): AsyncGenerator<PacketPiece> {
    let done = false;
    try {
      for (let s = 0; ; s++) {
        const pieces = await slice(s);
        passed[s] = passed[s]! + 1;
        if (passed[s] === members) made[s] = undefined; // the last route past a slice lets go of it
        if (!pieces) break;
        const piece = pieces[m];
        if (piece) yield piece;
      }
      done = true;
    } finally {
      if (!done) stop(new GroupStopped('another route of this window failed'));
    }
  });
  return { pieces, stop };
}

/**
 * The archive's packets as window batches for `buildWindows`: routes in configured order, windows in time
 * order within a route. `stats` (when given) receives counts and the APIDs no route claims.
 */
export async function* archiveWindows(reader: ArchiveReader, sel: ArchiveSelection, stats?: ArchiveReadStats): AsyncGenerator<WindowBatch | WindowGroup> {
  const windowOf = windowFunction(sel.window ?? sel.products.window, sel.orbits);
  const { routes: all, unrouted } = archiveRoutes(await reader.apids(), sel);
  if (stats) stats.unroutedApids = unrouted;
  const sources = await reader.sources();
  const from = sel.fromTai ?? 0;
  const to = sel.toTai ?? Number.MAX_VALUE;
  const ranked = all.map((r, rank) => ({ ...r, rank }));
  // Routes built in pieces are read together, window by window, when there are several (`groupPieces`); the
  // others (reassembly, decompression) route by route.
  const pieceRoute = (r: { route: RouteConfig }): boolean => sel.pieceBytes !== undefined && reader.scanOctets !== undefined && !r.route.reassemble && r.route.compression === 'none';
  const together = ranked.filter(pieceRoute).length >= 2 ? ranked.filter(pieceRoute) : [];
  const routes = ranked.filter((r) => !together.includes(r));
  // At most GROUP_ROUTES routes a group (each one's pieces of a read are about 1/GROUP_ROUTES of it, at least).
  const groups: (typeof together)[] = [];
  for (let k = 0; k < together.length; k += GROUP_ROUTES) groups.push(together.slice(k, k + GROUP_ROUTES));
  if (groups.length > 1 && groups.at(-1)!.length === 1) routes.push(groups.pop()![0]!);
  /** The windows to build, route by route, each in time order. */
  async function* plan(): AsyncGenerator<{ route: RouteConfig; apids: number[]; rank: number; w: ReturnType<typeof windowOf> }> {
    for (const { route, apids, rank } of routes) {
      let next = from;
      for (;;) {
        let min = Infinity;
        for (const a of apids) { const t = await reader.firstTime(a, asTai(next)); if (t !== undefined && t < to && t < min) min = t; }
        if (min === Infinity) break;
        const w = windowOf(min);
        yield { route, apids, rank, w };
        next = w.stopTai;
      }
    }
  }
  type Planned = IteratorResult<{ route: RouteConfig; apids: number[]; rank: number; w: ReturnType<typeof windowOf> }>;
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
      const { route, w, rank } = cur.value;
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
        yield { route, window: w, packets: [], rank, pieces: scanPieces(reader, sources, rows, sel.pieceBytes!, !!sel.reuseBuffers, stats, buffers, lastAsked), ...(reader.scanOctets ? {} : { readBuffers: true }) };
      } else {
        const packets = await scanPackets(reader, sources, [rows], stats);
        lastAsked?.();
        yield { route, window: w, packets, rank };
      }
      const n = await askNext();
      cur = n.plan;
      curRows = n.rows;
    }
  } finally {
    spareBuffers = buffers;
  }
  for (const group of groups) yield* groupWindows(group);

  /** The windows of the routes read together, in time order, each window's routes at once. */
  async function* groupWindows(members: readonly { route: RouteConfig; apids: number[]; rank: number }[]): AsyncGenerator<WindowGroup> {
    const buffers = spareGroupBuffers ?? { pool: [], turn: 0, union: undefined };
    spareGroupBuffers = undefined;
    try {
      let next = from;
      for (;;) {
        // The next window holding a packet of any of the routes, and which of them have packets in it.
        const firsts = await Promise.all(members.map(async (m) => {
          let min = Infinity;
          for (const a of m.apids) { const t = await reader.firstTime(a, asTai(next)); if (t !== undefined && t < to && t < min) min = t; }
          return min;
        }));
        const min = Math.min(...firsts);
        if (min === Infinity) break;
        const w = windowOf(min);
        const start = Math.max(w.startTai, from), stop = Math.min(w.stopTai, to);
        next = w.stopTai;
        const present = members.filter((_, k) => firsts[k]! < stop);
        const memberOfApid = new Int16Array(2048).fill(-1);
        present.forEach((m, k) => { for (const a of m.apids) memberOfApid[a & 0x7ff] = k; });
        // `buildWindows` takes every piece of the group before it asks for the next window.
        const { pieces, stop: halt } = groupPieces(reader, sources, rangeScans(reader, present.flatMap((m) => m.apids), start, stop), memberOfApid, present.length, sel.pieceBytes!, stats, buffers);
        yield { group: present.map((m, k) => ({ route: m.route, window: w, packets: [], rank: m.rank, pieces: pieces[k]! })), stop: (why) => halt(new GroupStopped(`another route of this window failed: ${why.message}`)) };
      }
    } finally {
      spareGroupBuffers = buffers;
    }
  }
}

/** Rows `idx` of `r` (a loop per column type: each stays monomorphic). */
function pick(r: ScanRows, idx: Int32Array, into?: { mem: ArrayBuffer; at: number }): ScanRows {
  const n = idx.length;
  // In `into` (from `at`, which moves past them) when given: 8-octet columns first, so each stays aligned.
  const place = <T>(make: new (b: ArrayBuffer, o: number, n: number) => T, size: number): T => {
    const t = new make(into!.mem, into!.at, n);
    into!.at += size * n;
    return t;
  };
  const f64 = (a: Float64Array): Float64Array => { const b = into ? place(Float64Array, 8) : new Float64Array(n); for (let k = 0; k < n; k++) b[k] = a[idx[k]!]!; return b; };
  const u32 = (a: Uint32Array): Uint32Array => { const b = into ? place(Uint32Array, 4) : new Uint32Array(n); for (let k = 0; k < n; k++) b[k] = a[idx[k]!]!; return b; };
  const i32 = (a: Int32Array): Int32Array => { const b = into ? place(Int32Array, 4) : new Int32Array(n); for (let k = 0; k < n; k++) b[k] = a[idx[k]!]!; return b; };
  const u16 = (a: Uint16Array): Uint16Array => { const b = into ? place(Uint16Array, 2) : new Uint16Array(n); for (let k = 0; k < n; k++) b[k] = a[idx[k]!]!; return b; };
  const tai = f64(r.tai), arrival = f64(r.arrival), received = f64(r.received), raw = f64(r.raw);
  const source = i32(r.source), length = u32(r.length), dds = u32(r.dds);
  const apid = u16(r.apid), seq = u16(r.seq), meta = u16(r.meta);
  if (into) into.at = Math.ceil(into.at / 8) * 8;
  return { count: n, apid, tai, seq, meta, arrival, received, source, raw, length, dds };
}
/** Octets {@link pick} takes in a buffer per row (eight columns of 8 and 4, three of 2). */
const PICKED_ROW = 50;

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
