/**
 * @module The SQLite archive's columnar scan (the port's `scan` / `scanBytes`, sqlite-archive.ts): the rows of
 * some APIDs over a time window as columns (no object per row), filled by a function SQLite calls once per row,
 * and their octets read from the segment files in large ranges, each packet a view into its range. It reads the
 * on-disk contract of schema.ts (schema version 2: `packets` keyed by (apid, tkey, seq | repeat << 14, digest),
 * `ground` the acquisition time (Unix ms) else the batch's receipt time (`receipts`), `meta` bits 8-10 the time
 * status, `origin` = route × 2^24 + source, `raw` = segment id × 2^32 + offset (also the arrival order),
 * `segments(id, file)`, `sources(id, feed, source)`) and declines any other schema version. Moved here from
 * telemetry/products (issue 15): L0 building reads through the port like every other reader.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { OctetRefs, RowColumns } from '../archive/port.js';
import { receiptIndex, type Receipts } from '../archive/receipts.js';
import { InputError } from '../errors.js';

/**
 * The first octets of the index file the scan's connection reads through a memory map (beyond, pages are read as
 * usual): mapped pages count in the process's resident size, so this bounds what they add to it (a 1 GB day: ~32 MB).
 */
const SCAN_MMAP_BYTES = 256 << 20;
/** The archive schema version this scan understands. */
export const SCAN_SCHEMA_VERSION = 2;
const SEGMENT_SPAN = 2 ** 32;
/** Packets closer than this in a segment file are read in one range (a read call costs about this many octets of copying). */
const COALESCE_GAP = 16 << 10;
/**
 * Largest single read, and the size of every read-buffer chunk. Equal, so that ranges (which end at a packet
 * boundary, at most this long) pack the chunks nearly full: with 64 MiB ranges in 16 MiB-or-larger chunks, a range
 * that did not fit the rest of a chunk got a chunk of its own size, and a 12-hour build touched 721 MB of fresh
 * read buffers (~11 µs a page on these VMs) where ~250 MB now do.
 */
const MAX_RANGE = 16 << 20;

type Arena = { chunks: Buffer[]; chunk: number; used: number };
const newArena = (): Arena => ({ chunks: [], chunk: 0, used: 0 });
/**
 * Read buffers handed from one scan to the next in this process (fresh memory costs a page fault per 4 KiB on
 * first touch: on a virtual machine that is slower than reading the octets). Freed by {@link releaseReadBuffers}.
 */
let spareArenas: Arena[] | undefined;
let spareRows: RowBuilder | undefined;

/** Drop the read buffers kept for the next scan (a long-running process that is done building). */
export function releaseReadBuffers(): void {
  spareArenas = undefined;
  spareRows = undefined;
}

/** A read buffer in shared memory (its views can be hashed in a worker thread, see `_md5.ts`). */
const sharedBuffer = (size: number): Buffer => Buffer.from(new SharedArrayBuffer(size));

/** Rows of one query, as columns: the port's {@link RowColumns} (`raw` here is segment id × 2^32 + offset). */
export type ScanRows = RowColumns;

class RowBuilder {
  n = 0;
  apid: Uint16Array; tai: Float64Array; seq: Uint16Array; meta: Uint16Array;
  arrival: Float64Array; received: Float64Array; source: Int32Array; raw: Float64Array; length: Uint32Array; dds: Uint32Array;
  constructor(cap = 1024) {
    this.apid = new Uint16Array(cap); this.tai = new Float64Array(cap); this.seq = new Uint16Array(cap); this.meta = new Uint16Array(cap);
    this.arrival = new Float64Array(cap); this.received = new Float64Array(cap); this.source = new Int32Array(cap); this.raw = new Float64Array(cap); this.length = new Uint32Array(cap); this.dds = new Uint32Array(cap);
  }
  private grow(): void {
    const cap = this.apid.length * 2;
    const g = <T extends Uint16Array | Float64Array | Uint8Array | Int32Array | Uint32Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(cap); b.set(a); return b; };
    this.apid = g(this.apid); this.tai = g(this.tai); this.seq = g(this.seq); this.meta = g(this.meta);
    this.arrival = g(this.arrival); this.received = g(this.received); this.source = g(this.source); this.raw = g(this.raw); this.length = g(this.length); this.dds = g(this.dds);
  }
  /** Clear for the next query, keeping the arrays (their memory is already touched). */
  reset(): void { this.n = 0; }
  add(apid: number, tkey: number, seq: number, n: number, meta: number, received: number, source: number, raw: number, len: number, dds: number): void {
    if (this.n === this.apid.length) this.grow();
    const i = this.n++;
    this.apid[i] = apid;
    this.tai[i] = tkey < 0 ? NaN : tkey;
    this.seq[i] = seq & 16383; // the repeat number is above the count
    this.arrival[i] = n;
    this.meta[i] = meta;
    this.received[i] = received;
    this.source[i] = source;
    this.raw[i] = raw;
    this.length[i] = len;
    this.dds[i] = dds;
  }
  rows(): ScanRows {
    const n = this.n;
    return {
      count: n, apid: this.apid.subarray(0, n), tai: this.tai.subarray(0, n), seq: this.seq.subarray(0, n), meta: this.meta.subarray(0, n),
      arrival: this.arrival.subarray(0, n), received: this.received.subarray(0, n), source: this.source.subarray(0, n), raw: this.raw.subarray(0, n), length: this.length.subarray(0, n), dds: this.dds.subarray(0, n),
    };
  }
}

/**
 * The read starting at row `order[byPos[k]]` (rows visited in segment order, `byPos`): rows `k..e` of one segment
 * less than {@link COALESCE_GAP} apart, at most {@link MAX_RANGE} in all, as [start, end) of segment `seg`;
 * `adjacent`: each row starts where the one before it ended; `disjoint`: no row starts before the one before ended.
 */
function rangeFrom(rows: OctetRefs, order: Int32Array, byPos: Int32Array, k: number): { seg: number; start: number; end: number; e: number; adjacent: boolean; disjoint: boolean } {
  const first = order[byPos[k]!]!;
  const seg = Math.floor(rows.raw[first]! / SEGMENT_SPAN);
  const start = rows.raw[first]! - seg * SEGMENT_SPAN;
  let end = start + rows.length[first]!;
  let adjacent = true, disjoint = true;
  let e = k + 1;
  for (; e < byPos.length; e++) {
    const i = order[byPos[e]!]!;
    const r = rows.raw[i]!;
    if (Math.floor(r / SEGMENT_SPAN) !== seg) break;
    const off = r - seg * SEGMENT_SPAN;
    const stop = Math.max(end, off + rows.length[i]!);
    if (off > end + COALESCE_GAP || stop - start > MAX_RANGE) break;
    adjacent &&= off === end;
    disjoint &&= off >= end;
    end = stop;
  }
  return { seg, start, end, e, adjacent, disjoint };
}

/** An open scan of one archive directory. */
export class ArchiveScan {
  private readonly timed: Database.Statement;
  private readonly timedFast: Database.Statement;
  /** Set by the row function when a time is below the one before it (the fast form's order check). */
  private misordered = false;
  private lastTkey = -Infinity;
  private readonly untimed: Database.Statement;
  private readonly nextTime: Database.Statement;
  private readonly fds = new Map<number, number>();
  /** Where the row function appends, and the APID of the running query. */
  private into = new RowBuilder();
  private apidNow = 0;
  /** Columns reused by {@link rows} from one call to the next (and by the next scan in this process). */
  private reused: RowBuilder;
  private readonly segmentFiles: Map<number, string>;
  /** Source names by id (`source` column). */
  readonly sources: ReadonlyMap<number, string>;
  /** Two sets of read buffers used in turn (see {@link recycle}); undefined: fresh buffers for every read. */
  private arenas: Arena[] | undefined;
  private turn = 0;
  private arena: Arena | undefined;

  private constructor(readonly dir: string, private readonly db: Database.Database) {
    this.reused = spareRows ?? new RowBuilder();
    spareRows = undefined;
    // Rows go into typed columns through a function called once per row inside SQLite: no JS array and no
    // boxed number per row (better-sqlite3's `all()` costs ~1.6 µs a row and old-generation garbage; this ~0.3 µs).
    // Arguments that fit a small integer are passed as one (no heap number per row): the count with the meta bits
    // above it, and `raw` as its segment id and offset. The time and the ground time are the only doubles.
    const args = 'tkey, (seq & 16383) | (meta << 14), raw >> 32, raw & 4294967295, ground, origin % 16777216, len, coalesce(dds, 0)';
    // Ground time: the DDS time, or (NULL) the receipt time of the row's batch (schema.ts `receipts`).
    const receipts = db.prepare('SELECT raw, received FROM receipts ORDER BY raw').raw().all() as [number, number][];
    const r: Receipts = { raw: Float64Array.from(receipts, (x) => x[0]), received: Float64Array.from(receipts, (x) => x[1]) };
    let hit = -1;
    const receiptOf = (raw: number): number => {
      // Rows come in time order, mostly from one batch after another: the last hit is tried first.
      hit = receiptIndex(r, raw, hit);
      return hit < 0 ? NaN : r.received[hit]!;
    };
    db.function('idoc_scan_row', { deterministic: false }, (tkey, sm, seg, off, received, source, len, dds) => {
      if ((tkey as number) < this.lastTkey) this.misordered = true;
      this.lastTkey = tkey as number;
      const raw = (seg as number) * SEGMENT_SPAN + (off as number);
      const ground = received === null ? receiptOf(raw) : received as number;
      this.into.add(this.apidNow, tkey as number, (sm as number) & 16383, raw, (sm as number) >>> 14, ground, source as number, raw, len as number, dds as number);
      return null;
    });
    const each = (where: string, order: string) => db.prepare(`SELECT count(idoc_scan_row(${args})) FROM (SELECT * FROM packets WHERE ${where} ORDER BY ${order})`).pluck();
    this.timed = each('apid = ? AND tkey >= ? AND tkey < ?', 'tkey, seq');
    // The same without the ordered subquery (a co-routine: ~20 % of the scan): `packets` is a WITHOUT ROWID table
    // without secondary indexes, so its rows come in primary-key order (apid, tkey, seq, digest), as the ordered
    // form gives them. Checked as the rows come: an APID whose times step back is read again the ordered way.
    this.timedFast = db.prepare(`SELECT count(idoc_scan_row(${args})) FROM packets WHERE apid = ? AND tkey >= ? AND tkey < ?`).pluck();
    this.untimed = each('apid = ? AND tkey < 0', 'raw'); // raw: the arrival order (schema 2)
    this.nextTime = db.prepare('SELECT MIN(tkey) FROM packets WHERE apid = ? AND tkey >= ?').pluck();
    this.segmentFiles = new Map((db.prepare('SELECT id, file FROM segments').all() as { id: number; file: string }[]).map((s) => [s.id, s.file]));
    this.sources = new Map((db.prepare('SELECT id, source FROM sources').all() as { id: number; source: string }[]).map((s) => [s.id, s.source]));
  }

  /** Open `dir` read-only, or undefined when its index is not schema version {@link SCAN_SCHEMA_VERSION}. */
  static open(dir: string): ArchiveScan | undefined {
    let db: Database.Database;
    try {
      db = new Database(path.join(dir, 'index.sqlite'), { readonly: true, fileMustExist: true });
    } catch {
      return undefined;
    }
    try {
      const v = (db.prepare('SELECT MAX(version) FROM schema_version').pluck().get() as number | null) ?? 0;
      if (v !== SCAN_SCHEMA_VERSION) { db.close(); return undefined; }
      // Pages read through a memory map instead of a read call each (a million-row scan: about a fifth less time).
      // The archive's index is never truncated in place (no VACUUM), so a mapped page cannot vanish under a reader.
      db.pragma(`mmap_size = ${SCAN_MMAP_BYTES}`);
      return new ArchiveScan(dir, db);
    } catch {
      db.close();
      return undefined;
    }
  }

  /** The APIDs present (skip-scan over the primary key). */
  apids(): number[] {
    const out: number[] = [];
    const next = this.db.prepare('SELECT apid FROM packets WHERE apid > ? ORDER BY apid LIMIT 1').pluck();
    for (let a = next.get(-1) as number | undefined; a !== undefined; a = next.get(a) as number | undefined) out.push(a);
    return out;
  }

  /** The earliest packet time of `apid` at or after `fromTai` (undefined when none). */
  firstTime(apid: number, fromTai: number): number | undefined {
    const t = this.nextTime.get(apid, Math.max(fromTai, 0)) as number | null;
    return t === null ? undefined : t;
  }

  /**
   * Timed rows of `apids` in [fromTai, toTai), APID by APID, each in (time, count) order. The columns are
   * reused: valid until the next call.
   */
  rows(apids: readonly number[], fromTai: number, toTai: number): ScanRows {
    this.reused.reset();
    const b = this.reused;
    this.into = b;
    const from = Math.max(fromTai, 0);
    for (const a of apids) {
      this.apidNow = a;
      const start = b.n;
      this.misordered = false;
      this.lastTkey = -Infinity;
      this.timedFast.get(a, from, toTai);
      if (this.misordered) { b.n = start; this.timed.get(a, from, toTai); }
    }
    return b.rows();
  }

  /**
   * As {@link rows}, in arrays the caller keeps (views of the first `count` rows; the next call fills new arrays of
   * the same capacity, whose pages cost no memory until written): the scan thread hands them over without a copy.
   */
  ownRows(apids: readonly number[], fromTai: number, toTai: number): ScanRows {
    const r = this.rows(apids, fromTai, toTai);
    this.reused = new RowBuilder(this.reused.apid.length);
    return r;
  }

  private collect(b: RowBuilder, st: Database.Statement, apids: readonly number[], ...args: number[]): ScanRows {
    this.into = b;
    for (const a of apids) { this.apidNow = a; st.get(a, ...args); }
    return b.rows();
  }

  /** Untimed rows of `apids`, APID by APID, each in arrival order. */
  untimedRows(apids: readonly number[]): ScanRows {
    return this.collect(new RowBuilder(), this.untimed, apids);
  }

  /**
   * Reuse read buffers from now on, `sets` sets in turn: a view returned by {@link bytes} stays valid until
   * `sets` more calls (then its buffer is read into again). So windows can be written while the next ones are
   * read. Fresh memory is slow to touch; reused buffers are not.
   */
  recycle(sets: number): void {
    if (!this.arenas) { this.arenas = spareArenas ?? []; spareArenas = undefined; }
    while (this.arenas.length < sets) this.arenas.push(newArena());
    this.turn = (this.turn + 1) % sets;
    this.arena = this.arenas[this.turn]!;
    this.arena.chunk = 0;
    this.arena.used = 0;
  }

  private alloc(size: number): Buffer {
    const a = this.arena;
    if (!a) return sharedBuffer(size);
    for (; a.chunk < a.chunks.length; a.chunk++, a.used = 0) {
      const c = a.chunks[a.chunk]!;
      if (c.length - a.used >= size) { a.used += size; return c.subarray(a.used - size, a.used); }
    }
    a.chunks.push(sharedBuffer(Math.max(size, MAX_RANGE)));
    a.used = size;
    return a.chunks[a.chunk]!.subarray(0, size);
  }

  private fd(id: number): number {
    let fd = this.fds.get(id);
    if (fd === undefined) {
      const file = this.segmentFiles.get(id) ?? `seg-${String(id).padStart(6, '0')}.bin`;
      fd = fs.openSync(path.join(this.dir, 'segments', file), 'r');
      this.fds.set(id, fd);
    }
    return fd;
  }

  /**
   * The octets of rows `order[k]` (k = 0…), as views into a few large reads: rows are visited in segment
   * order and packets less than 16 KiB apart are read together.
   * @throws Error naming the segment file when it holds fewer octets than the index references.
   */
  bytes(rows: OctetRefs, order: Int32Array): Uint8Array[] {
    const n = order.length;
    const out = new Array<Uint8Array>(n);
    const byPos = new Int32Array(n);
    let inOrder = true;
    for (let k = 0; k < n; k++) { byPos[k] = k; if (k > 0 && rows.raw[order[k]!]! < rows.raw[order[k - 1]!]!) inOrder = false; }
    if (!inOrder) byPos.sort((x, y) => rows.raw[order[x]!]! - rows.raw[order[y]!]!);
    let k = 0;
    while (k < n) {
      const { seg, start, end, e } = rangeFrom(rows, order, byPos, k);
      const buf = this.alloc(end - start);
      this.readFully(seg, buf, start);
      for (let j = k; j < e; j++) {
        const pos = byPos[j]!;
        const i = order[pos]!;
        const off = rows.raw[i]! - seg * SEGMENT_SPAN - start;
        out[pos] = new Uint8Array(buf.buffer, buf.byteOffset + off, rows.length[i]!); // a plain view: cheaper than a Buffer
      }
      k = e;
    }
    return out;
  }

  /**
   * The octets of rows `order[k]` (k = 0…) laid end to end in `into` from 0 (it must hold their total length): no
   * object per row. Rows are read in segment order, packets less than 16 KiB apart in one read into a scratch
   * buffer (kept for the next call), then copied to their place.
   * @throws Error naming the segment file when it holds fewer octets than the index references.
   */
  octets(rows: OctetRefs, order: Int32Array, into: Uint8Array): void {
    const n = order.length;
    const at = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) { at[k] = total; total += rows.length[order[k]!]!; }
    if (total > into.length) throw new RangeError(`scan octets: ${total} octets do not fit ${into.length}`);
    const byPos = new Int32Array(n);
    let inOrder = true;
    for (let k = 0; k < n; k++) { byPos[k] = k; if (k > 0 && rows.raw[order[k]!]! < rows.raw[order[k - 1]!]!) inOrder = false; }
    if (!inOrder) byPos.sort((x, y) => rows.raw[order[x]!]! - rows.raw[order[y]!]!);
    const to = Buffer.from(into.buffer, into.byteOffset, into.length);
    let k = 0;
    while (k < n) {
      const range = rangeFrom(rows, order, byPos, k);
      const { seg, start, end, e } = range;
      // Each packet starting where the one before it in `order` ended: the range is read straight into place.
      // Packets apart but in order and not overlapping: read into `into` where the first goes, then moved down.
      const adjacent = inOrder && range.adjacent, disjoint = inOrder && range.disjoint;
      // In place only where the range is mostly wanted octets: a sparse range (another route's packets between these)
      // read in place would touch pages of `into` far beyond what it keeps (fresh pages cost more than the copy).
      const inPlace = !adjacent && disjoint && at[k]! + end - start <= into.length && end - start <= 2 * (at[e - 1]! + rows.length[order[e - 1]!]! - at[k]!);
      const buf = adjacent || inPlace ? to.subarray(at[k]!, at[k]! + end - start) : this.scratch(end - start);
      this.readFully(seg, buf, start);
      if (inPlace) {
        // Down, in order (each packet's place is at or below where it was read; packets next to each other move together).
        const base = at[k]!;
        let from = -1, dest = 0, len = 0;
        for (let j = k; j < e; j++) {
          const i = order[j]!;
          const off = base + rows.raw[i]! - seg * SEGMENT_SPAN - start;
          if (from >= 0 && off === from + len) { len += rows.length[i]!; continue; }
          if (from > dest) into.copyWithin(dest, from, from + len);
          from = off; dest = at[j]!; len = rows.length[i]!;
        }
        if (from > dest) into.copyWithin(dest, from, from + len);
      } else if (!adjacent) {
        // Packets next to each other both in the read and in `into` are copied together.
        let from = -1, dest = 0, len = 0;
        for (let j = k; j < e; j++) {
          const pos = byPos[j]!;
          const i = order[pos]!;
          const off = rows.raw[i]! - seg * SEGMENT_SPAN - start;
          if (from >= 0 && off === from + len && at[pos] === dest + len) { len += rows.length[i]!; continue; }
          if (from >= 0) into.set(buf.subarray(from, from + len), dest);
          from = off; dest = at[pos]!; len = rows.length[i]!;
        }
        if (from >= 0) into.set(buf.subarray(from, from + len), dest);
      }
      k = e;
    }
  }

  /** `buf.length` octets of segment `seg` from `start`, all of them. */
  private readFully(seg: number, buf: Uint8Array, start: number): void {
    for (let got = 0; got < buf.length;) {
      const m = fs.readSync(this.fd(seg), buf, got, buf.length - got, start + got);
      if (m === 0) throw this.missing(seg, start + got);
      got += m;
    }
  }

  /** A damaged archive (input, exit 2): the segment file holds fewer octets than the index references. */
  private missing(seg: number, at: number): InputError {
    return new InputError(`${path.join(this.dir, 'segments', this.segmentFiles.get(seg) ?? String(seg))}: offset ${at}: octets referenced by the index are missing`);
  }

  private scratchBuf: Buffer | undefined;
  private scratch(size: number): Buffer {
    if (!this.scratchBuf || this.scratchBuf.length < size) this.scratchBuf = Buffer.allocUnsafeSlow(Math.max(size, 1 << 20));
    return this.scratchBuf.subarray(0, size);
  }

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
    if (this.arenas) spareArenas = this.arenas;
    spareRows = this.reused;
    this.arenas = undefined;
    this.arena = undefined;
    if (this.db.open) this.db.close();
  }
}

/**
 * The archive's last ingest time (Unix ms: the newest `apid_stats.last_ingest_ms`), read with a read-only
 * connection; undefined when the archive has none or another schema version.
 */
export function lastIngestUnixMs(dir: string): number | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(path.join(dir, 'index.sqlite'), { readonly: true, fileMustExist: true });
    const v = (db.prepare('SELECT MAX(version) FROM schema_version').pluck().get() as number | null) ?? 0;
    if (v !== SCAN_SCHEMA_VERSION) return undefined;
    const ms = db.prepare('SELECT MAX(last_ingest_ms) FROM apid_stats').pluck().get() as number | null;
    return ms ?? undefined;
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}
