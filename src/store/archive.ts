/**
 * @module The archive: a directory holding `index.sqlite` (better-sqlite3, WAL) and the raw packet octets in
 * segment files. {@link openArchive} opens or creates one; {@link Archive.storeBatch} stores a batch exactly
 * once in one transaction together with the feed cursor it completes.
 *
 * Exactly once (schema version 2, schema.ts; README "Exactly once"). The key is (APID, time on the mission's
 * chosen axis, count | repeat number << 14, 32-bit digest of the octets). A stored row with the same key, or (for
 * packets timed by ground time) a copy found through `loose`, is judged by {@link SqliteArchive.sameTransmission}:
 * the same transmission is a duplicate (counted, not stored), another one a repeat (stored with the next repeat
 * number, counted). A count that wrapped round comes with another time and is a new packet.
 *
 * Speed. Rows go in with multi-row `INSERT OR IGNORE` statements of {@link GROUP} rows, each row given the
 * octet position it gets if every row is new. When a group meets a duplicate (fewer changes than rows), the rows
 * it did insert are found by their octet position and moved to contiguous positions, and the batch goes on row by
 * row until a whole group's worth of rows is new again, so only stored packets take segment space. (A savepoint
 * per group would be simpler but costs more than the inserts.) One segment write and one fdatasync per batch,
 * then the commit. Batches of several thousand packets keep the per-batch costs (two fsyncs) small.
 *
 * Full disk. SQLITE_FULL from the index or ENOSPC from a segment write rolls the batch back (rows, cursor,
 * counters, segment length) and surfaces as one {@link InputError} naming the archive directory.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { ARRIVAL_INDEX, ensureArrivalIndex, hasArrivalIndex, migrate, SCHEMA_VERSION, schemaVersionOf } from './schema.js';
import { DEFAULT_SEGMENT_BYTES, SEGMENT_SPAN, SegmentFiles, type WriteBehindMode } from './segments.js';
import { ensureFixityTable, recordSegmentFixity } from './fixity.js';
import { ensureProductsTable } from './products.js';
import { CAPTURE_TIME_BIT, I, INTS, packItems, PackedBatchBuilder, R, REALS, type PackedBatch } from '../archive/packed-batch.js';
import { Checkpointer } from './checkpointer.js';
import { DEFAULT_TIME_SETTINGS, PacketTimer, type TimeSettings } from '../time/packet-times.js';
import type { Tai } from '../time/tai.js';
import type { ApidSummary, ArchiveSummary, PacketQuery, PacketRow, StoredPacketInput, StoreResult } from './types.js';
import { receivedAt, type Receipts } from '../archive/receipts.js';

/** The index file inside an archive directory. */
export const INDEX_FILE = 'index.sqlite';
/** Rows per multi-row INSERT (12 parameters each: 768 < SQLite's 32766 limit). */
const GROUP = 64;
const COLS = 12;
/** `origin` = route id × 2^24 + source id (schema.ts). */
const ORIGIN_ROUTE = 16_777_216;
/** Batches of this many packets start the checkpoint thread (small archives and tests do without). */
const CHECKPOINTER_ITEMS = 2048;
const CRC_NAME = ['none', 'ok', 'bad'] as const;
/** `meta` bit 11: a repeat (identical octets stored before, received further apart than the duplicate window). */
const REPEAT_BIT = 1 << 11;
/** The row's ground time is an acquisition time (DDS header: time quality bits set, or a capture timestamp). */
const acquiredMeta = (meta: number): boolean => ((meta >>> 6) & 3) !== 0 || (meta & CAPTURE_TIME_BIT) !== 0;
/** A reader finding an archive being created polls this often (ms) for its schema, 5 s in all by default. */
const CREATING_WAIT_MS = 50;
const CREATING_WAIT_TOTAL_MS = 5_000;

export interface ArchiveOptions {
  /** Open for reading only (status, query, gaps): nothing is created or repaired. Default false. */
  readonly readonly?: boolean;
  /** A reader finding the archive being created waits this long (ms) for the writer's schema. Default 5,000. */
  readonly creatingWaitMs?: number;
  /** Largest segment file, octets. Default 1 GiB. */
  readonly segmentBytes?: number;
  /**
   * Writer: create the arrival index when missing (schema.ts; an archive whose ingest decodes, so PacketQuery
   * `afterArrival` finds the new rows through it). Default false: it costs every stored packet a second B-tree
   * insert (callgrind: SQLite's instructions per stored packet +16 %), and without it `afterArrival` is answered
   * by a full read.
   */
  readonly arrivalIndex?: boolean;
  /**
   * SQLite `synchronous` in WAL mode: `full` makes every committed batch survive a power cut, `normal` only a
   * process crash (faster). Default `full`.
   */
  readonly synchronous?: 'full' | 'normal';
  /** fdatasync segment files before each commit. Default true. */
  readonly fsync?: boolean;
  /**
   * Segment octets of large batches written and fdatasync'd on a worker thread while the index rows are
   * inserted (the commit still waits for them): `auto` (default) once the thread is up, `always` waiting for it
   * to boot, `never` on the calling thread.
   */
  readonly writeBehind?: WriteBehindMode;
  /** SQLite `max_page_count` (tests simulate a full disk with it). Default: unlimited. */
  readonly maxPageCount?: number;
  /**
   * The mission's time settings (src/time/packet-times.ts): the duplicate window, and how rows of an older
   * archive are re-timed when it is migrated. Default: the defaults (no config).
   */
  readonly time?: TimeSettings;
  /** Epoch of the profile's time code (TAI), for the correlation of migrated rows. Default 0. */
  readonly epochTai?: number;
}

export interface Archive {
  readonly dir: string;
  /**
   * Store a batch in ONE transaction, deduped, and when given save the feed cursor in the same transaction.
   * @throws InputError when the disk is full or the index fails (the batch and the cursor are then not stored).
   */
  storeBatch(items: readonly StoredPacketInput[], cursor?: { readonly feed: string; readonly value: string }): StoreResult;
  /** {@link storeBatch} of a packed batch (its octets may be rearranged: duplicates are packed out). */
  storePacked(batch: PackedBatch, cursor?: { readonly feed: string; readonly value: string }): StoreResult;
  /** Every feed's saved cursor. */
  cursors(): Map<string, string>;
  /** The cursor last saved for a feed. */
  cursor(feed: string): string | undefined;
  /** Per-APID totals, cursors. */
  status(): ArchiveSummary;
  /** Packets in (packet time, APID, count) order; untimed packets first, in arrival order. */
  query(q?: PacketQuery): IterableIterator<PacketRow>;
  /** How SQLite reads a query with `afterArrival` (its query plan lines; none for other queries): tests, diagnostics. */
  explainQuery(q?: PacketQuery): string[];
  /** One APID's packets with a packet time, by (time, count), optionally within [fromTai, toTai). */
  apidRows(apid: number, fromTai?: number, toTai?: number): IterableIterator<PacketRow>;
  /** One APID's packets without a packet time, in arrival order. */
  untimedRows(apid: number): IterableIterator<PacketRow>;
  /** The APIDs present. */
  apids(): number[];
  /** The octets of a packet. */
  bytesOf(row: PacketRow): Uint8Array;
  close(): void;
}

/** Turn a storage failure into one line naming the archive; others pass through. */
function storageError(e: unknown, dir: string): unknown {
  const code = (e as { code?: unknown })?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new InputError(`${dir}: archive disk full (${code}): the batch and its cursor were not stored, the archive is unchanged`, [], { cause: e });
  }
  if (typeof code === 'string' && (code.startsWith('SQLITE_') || code === 'EIO' || code === 'EROFS' || code === 'EDQUOT')) {
    return new InputError(`${dir}: archive write failed (${code}): ${(e as Error).message}; the batch was not stored`, [], { cause: e });
  }
  return e;
}

/**
 * Open (creating when needed, unless read-only) the archive in `dir`.
 * @throws InputError when `dir` holds no archive (read-only), the index is damaged or newer than this idoc.
 */
export function openArchive(dir: string, opts: ArchiveOptions = {}): Archive {
  const file = path.join(dir, INDEX_FILE);
  let db: Database.Database;
  try {
    if (opts.readonly) {
      if (!fs.existsSync(file)) throw new InputError(`${dir}: not an idoc archive (no ${INDEX_FILE})`);
      db = new Database(file, { readonly: true, fileMustExist: true });
    } else {
      fs.mkdirSync(dir, { recursive: true });
      db = new Database(file);
      // 8 KiB pages for a new index (an existing one keeps its own): fewer, fuller B-tree pages for rows of ~60
      // octets; measured ~5-10 % less CPU per stored packet than 4 KiB. Must come before WAL mode.
      db.pragma('page_size = 8192');
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      // Version 2 re-times the rows of version 1 on the mission's axis (schema.ts): their OBT as it was stored, their
      // ground time (DDS, else receipt); the header's synchronisation flag is not known any more (no octets read).
      const timer = new PacketTimer(opts.time ?? DEFAULT_TIME_SETTINGS, opts.epochTai ?? 0);
      const retime = (apid: unknown, tkey: unknown, ground: unknown, acquired: unknown): number =>
        timer.time(apid as number, (tkey as number) >= 0 ? (tkey as number) : NaN, false, ground as number, Boolean(acquired));
      db.function('idoc_retime', { deterministic: true }, retime);
      db.function('idoc_status', { deterministic: true }, (apid, tkey, ground, acquired) => {
        retime(apid, tkey, ground, acquired);
        return timer.status;
      });
      migrate(db);
      if (opts.arrivalIndex) ensureArrivalIndex(db); // beside the versioned schema (schema.ts)
      ensureFixityTable(db); // beside the versioned schema (fixity.ts)
      ensureProductsTable(db); // likewise (products.ts)
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${dir}: cannot open the archive index: ${(e as Error).message}`, [], { cause: e });
  }
  if (opts.readonly) {
    let v = schemaVersionOf(db);
    // Version 0: a writer is creating this archive right now (the file exists, its schema not yet committed).
    // Wait for it (a few seconds at most) instead of calling a fresh archive one to migrate.
    const waits = Math.ceil((opts.creatingWaitMs ?? CREATING_WAIT_TOTAL_MS) / CREATING_WAIT_MS);
    for (let i = 0; v === 0 && i < waits; i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, CREATING_WAIT_MS);
      v = schemaVersionOf(db);
    }
    if (v === 0) {
      db.close();
      throw new InputError(`${dir}: the archive is being created (no schema yet after ${(waits * CREATING_WAIT_MS) / 1000} s): try again once the ingest has started`);
    }
    if (v !== SCHEMA_VERSION) {
      db.close();
      throw new InputError(`${dir}: archive schema version ${v}, this idoc reads ${SCHEMA_VERSION}${v < SCHEMA_VERSION ? ': run idoc ingest once to migrate it' : ''}`);
    }
  }
  if (opts.maxPageCount !== undefined) db.pragma(`max_page_count = ${opts.maxPageCount}`);
  // Page cache: 64 MiB for readers (status, queries, L0 scans). 8 MiB for the writer: its inserts touch the right
  // edges of the key's B-tree (a few pages per APID) and its dedupe lookups read through the OS page cache; a
  // bigger cache only adds fresh memory, which costs ~11 µs a 4 KiB page to touch on this project's VMs
  // (measured: 64 MiB → 8 MiB took ~0.15 s and ~55 MB of peak RSS off a 1M-packet ingest, fresh or all duplicates).
  db.pragma(opts.readonly ? 'cache_size = -65536' : 'cache_size = -8192');
  // Checkpoint the WAL every ~40 MB rather than every 4 MB: pages rewritten by consecutive batches are copied
  // back to the index once.
  if (!opts.readonly) db.pragma('wal_autocheckpoint = 10000');
  const segments = new SegmentFiles(dir, db, opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES, opts.fsync ?? true, opts.writeBehind ?? 'auto');
  if (!opts.readonly) segments.recover();
  return new SqliteArchive(dir, db, segments, Boolean(opts.readonly), opts.synchronous ?? 'full', opts.time ?? DEFAULT_TIME_SETTINGS);
}

interface Row {
  apid: number; tkey: number; seq: number; meta: number; obt: number | null; ground: number | null; dds: number | null;
  origin: number; soff: number; raw: number; len: number;
}
const ROW_COLUMNS = 'apid, tkey, seq, meta, obt, ground, dds, origin, soff, raw, len';

interface Statements {
  readonly insertOne: Database.Statement;
  readonly insertGroup: Database.Statement;
  readonly rawOf: Database.Statement;
  readonly moveRaw: Database.Statement;
  readonly copiesAt: Database.Statement;
  readonly looseCopies: Database.Statement;
  readonly insertLoose: Database.Statement;
  readonly saveReceipt: Database.Statement;
}

class SqliteArchive implements Archive {
  private readonly routeIds = new Map<string, number>();
  private readonly sourceIds = new Map<string, number>();
  private routeNames: Map<number, string> | undefined;
  private sourceNames: Map<number, { feed: string; source: string }> | undefined;
  /** Per item of the batch being stored: 1 when it was new. */
  private isStored = new Uint8Array(4096);
  private readonly args: unknown[] = new Array(GROUP * COLS);
  private readonly one: unknown[] = new Array(COLS);
  private readonly dupPerApid = new Int32Array(2048);
  private readonly repPerApid = new Int32Array(2048);
  private readonly lastPerApid = new Float64Array(2048);
  private readonly touched = new Uint8Array(2048);
  private readonly windowMs: number;
  private readonly st: Statements | undefined;
  private readonly txStore: ((batch: PackedBatch, cursor: { feed: string; value: string } | undefined) => StoreResult) | undefined;

  /** WAL checkpoints on a second thread, started by the first large batch (checkpointer.ts). */
  private checkpointer: Checkpointer | undefined;

  constructor(readonly dir: string, private readonly db: Database.Database, private readonly segments: SegmentFiles, readonly: boolean,
    private readonly synchronous: 'full' | 'normal' = 'full', time: TimeSettings = DEFAULT_TIME_SETTINGS) {
    this.windowMs = time.duplicateWindowSeconds * 1000;
    if (readonly) return;
    const values = `(${new Array(COLS).fill('?').join(',')})`;
    const head = 'INSERT OR IGNORE INTO packets (apid, tkey, seq, digest, meta, obt, ground, dds, origin, soff, raw, len) VALUES ';
    const key = 'apid = ? AND tkey = ? AND seq = ? AND digest = ?';
    this.st = {
      insertOne: db.prepare(head + values),
      insertGroup: db.prepare(head + new Array(GROUP).fill(values).join(',')),
      rawOf: db.prepare(`SELECT raw FROM packets WHERE ${key}`).pluck(),
      moveRaw: db.prepare(`UPDATE packets SET raw = ? WHERE ${key}`),
      // Every copy with this time, count (any repeat number) and digest.
      copiesAt: db.prepare('SELECT seq, COALESCE(ground, (SELECT received FROM receipts r WHERE r.raw <= packets.raw ORDER BY r.raw DESC LIMIT 1)) AS ground, origin % 16777216 AS source, soff, meta FROM packets WHERE apid = ? AND tkey = ? AND digest = ? AND seq >= ? AND (seq & 16383) = ?'),
      looseCopies: db.prepare('SELECT ground, source, soff FROM loose WHERE apid = ? AND seq = ? AND digest = ?'),
      insertLoose: db.prepare('INSERT OR IGNORE INTO loose (apid, seq, digest, ground, source, soff) VALUES (?, ?, ?, ?, ?, ?)'),
      // The batch's receipt time, keyed by where its first packet goes; written first, so that the rows of this
      // batch (whose ground time is NULL without a DDS header) find it too. A batch that stores nothing leaves it
      // for the next, which starts at the same position and replaces it.
      saveReceipt: db.prepare('INSERT OR REPLACE INTO receipts (raw, received) VALUES (?, ?)'),
    };
    const upsertStats = db.prepare(`INSERT INTO apid_stats (apid, duplicates, repeats, last_ingest_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (apid) DO UPDATE SET duplicates = duplicates + excluded.duplicates, repeats = repeats + excluded.repeats,
      last_ingest_ms = MAX(last_ingest_ms, excluded.last_ingest_ms)`);
    const saveCursor = db.prepare(`INSERT INTO cursors (feed, value, updated_ms) VALUES (?, ?, ?)
      ON CONFLICT (feed) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms`);
    this.txStore = db.transaction((batch, cursor) => {
      const r = this.storeRows(batch);
      let withCopies = 0;
      for (let apid = 0; apid < 2048; apid++) {
        if (this.touched[apid]) upsertStats.run(apid, this.dupPerApid[apid]!, this.repPerApid[apid]!, this.lastPerApid[apid]!);
        if (this.dupPerApid[apid] || this.repPerApid[apid]) withCopies++;
      }
      if (withCopies > 0) {
        // Per APID for the caller (metrics): only when some packet was a duplicate or a repeat (rare on a live link).
        const perApid = new Int32Array(withCopies * 3);
        for (let apid = 0, k = 0; apid < 2048; apid++) {
          if (!this.dupPerApid[apid] && !this.repPerApid[apid]) continue;
          perApid[k++] = apid;
          perApid[k++] = this.dupPerApid[apid]!;
          perApid[k++] = this.repPerApid[apid]!;
        }
        if (cursor) saveCursor.run(cursor.feed, cursor.value, Date.now());
        return { ...r, perApid };
      }
      if (cursor) saveCursor.run(cursor.feed, cursor.value, Date.now());
      return r;
    });
  }

  private idOf(kind: 'routes' | 'sources', key: string, feed?: string): number {
    const cache = kind === 'routes' ? this.routeIds : this.sourceIds;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const id = kind === 'routes'
      ? ((this.db.prepare('SELECT id FROM routes WHERE name = ?').get(key) as { id: number } | undefined)?.id
        ?? Number(this.db.prepare('INSERT INTO routes (name) VALUES (?)').run(key).lastInsertRowid))
      : ((this.db.prepare('SELECT id FROM sources WHERE feed = ? AND source = ?').get(feed, key.slice(key.indexOf('\u0000') + 1)) as { id: number } | undefined)?.id
        ?? Number(this.db.prepare('INSERT INTO sources (feed, source) VALUES (?, ?)').run(feed, key.slice(key.indexOf('\u0000') + 1)).lastInsertRowid));
    cache.set(key, id);
    return id;
  }

  /** Fill the 12 values of packet `i` of `b` (its octets at `_at`; the digest was computed when packed) at `args[o…]`, octets going to `raw`, with repeat number `rep`. */
  private fill(args: unknown[], o: number, b: PackedBatch, i: number, _at: number, raw: number, rep = 0): void {
    const v = b.ints;
    const f = i * INTS;
    const r = b.reals;
    const q = i * REALS;
    const len = v[f + I.len]!;
    const obt = r[q + R.obt]!;
    const dds = v[f + I.dds]!;
    args[o] = v[f + I.apid]!;
    args[o + 1] = r[q + R.tai]!;
    args[o + 2] = v[f + I.seq]! | (rep << 14);
    args[o + 3] = v[f + I.digest]!;
    args[o + 4] = v[f + I.meta]!;
    // NULL when it equals the key's time (a synchronised packet without correlation: most packets), else as decoded.
    args[o + 5] = obt === obt && obt !== r[q + R.tai]! ? obt : null;
    // The DDS time or the capture timestamp; NULL without (the receipt time of the batch is in `receipts`).
    args[o + 6] = dds >= 0 || (v[f + I.meta]! & CAPTURE_TIME_BIT) !== 0 ? r[q + R.ground]! : null;
    args[o + 7] = dds >= 0 ? dds : null;
    args[o + 8] = this.batchRouteIds[v[f + I.route]!]! * ORIGIN_ROUTE + this.batchSourceIds[v[f + I.source]!]!;
    args[o + 9] = r[q + R.soff]!;
    args[o + 10] = raw;
    args[o + 11] = len;
  }

  /** Index ids of the route and source tables of the batch being stored. */
  private batchRouteIds: number[] = [];
  private batchSourceIds: number[] = [];

  /**
   * Is a stored copy (ground time, source id, source offset, meta) the same transmission as the packet whose values
   * are in `args` at `o`?
   * - The same source and offset: the same unit ingested again (a plain file's receipt time is new each time).
   * - A synchronised on-board time (time status 0) does not come back: identical octets are one transmission
   *   unless both copies carry an acquisition time (DDS header, capture timestamp) and those lie further apart than the window. A
   *   receipt time (plain file) says when idoc read it, not when it was sent.
   * - Otherwise (timed by ground time): ground times within the duplicate window. Identical packets in one plain
   *   file share its receipt time, so they count as duplicates: only a ground time tells a repeat apart.
   */
  private sameTransmission(ground: number, source: number, soff: number, meta: number, args: unknown[], o: number, g: number): boolean {
    if (source === (args[o + 8] as number) % ORIGIN_ROUTE && soff === args[o + 9]) return true;
    const m = args[o + 4] as number;
    if (((m >>> 8) & 7) === 0 && !(acquiredMeta(meta) && acquiredMeta(m))) return true;
    return Math.abs(ground - g) <= this.windowMs;
  }

  /**
   * Packet `i` (values in `args` at `o`) met a stored packet with its key: a duplicate when one of the copies with
   * its time, count and digest is the same transmission, else stored as the next repeat (at `raw`). True when stored.
   */
  private resolveConflict(args: unknown[], o: number, b: PackedBatch, i: number, at: number, raw: number): boolean {
    const st = this.st!;
    const count = (args[o + 2] as number) & 16383;
    let rep = 0;
    for (const c of st.copiesAt.iterate(args[o], args[o + 1], args[o + 3], count, count) as IterableIterator<{ seq: number; ground: number; source: number; soff: number; meta: number }>) {
      if (this.sameTransmission(c.ground, c.source, c.soff, c.meta, args, o, b.reals[i * REALS + R.ground]!)) return false;
      rep = Math.max(rep, (c.seq >>> 14) + 1);
    }
    this.fill(this.one, 0, b, i, at, raw, rep);
    this.one[4] = (this.one[4] as number) | REPEAT_BIT;
    st.insertOne.run(this.one);
    return true;
  }

  /** For a packet timed by ground time: 1 a duplicate (found in `loose`), 2 identical to stored packets (a repeat), 0 new. */
  private looseVerdict(args: unknown[], o: number, g: number): number {
    let seen = 0;
    for (const c of this.st!.looseCopies.iterate(args[o], args[o + 2], args[o + 3]) as IterableIterator<{ ground: number; source: number; soff: number }>) {
      if (this.sameTransmission(c.ground, c.source, c.soff, 0, args, o, g)) return 1;
      seen = 2;
    }
    return seen;
  }

  private storeRows(b: PackedBatch): StoreResult {
    const count = b.count;
    const v = b.ints;
    const st = this.st!;
    this.dupPerApid.fill(0);
    this.repPerApid.fill(0);
    this.lastPerApid.fill(0);
    this.touched.fill(0);
    for (let i = 0; i < count; i++) {
      const a = v[i * INTS + I.apid]!;
      this.lastPerApid[a] = b.receivedUnixMs;
      this.touched[a] = 1;
    }
    this.batchRouteIds = b.routes.map((name) => this.idOf('routes', name));
    this.batchSourceIds = b.sources.map((s) => this.idOf('sources', `${s.feed}\u0000${s.source}`, s.feed));
    const total = b.bytes;
    if (count > this.isStored.length) this.isStored = new Uint8Array(Math.max(count, this.isStored.length * 2));
    const out = b.octets;
    const isStored = this.isStored;
    isStored.fill(0, 0, count);
    const seg = this.segments.reserve(total);
    const base = seg.id * SEGMENT_SPAN + seg.start;
    st.saveReceipt.run(base, b.receivedUnixMs);
    // Every octet in arrival order: the layout when no packet is a duplicate (nearly always), written by the
    // write-behind thread while the rows go in; compacted and written again below when some were duplicates.
    const behind = this.segments.writeBehind(out, total, seg.start);
    let used = 0;
    let stored = 0;
    let repeats = 0;
    let at = 0; // where the octets of the next packet are in `out`
    const args = this.args;
    const one = this.one;
    const lenOf = (i: number) => v[i * INTS + I.len]!;
    const metaAt = (i: number) => v[i * INTS + I.meta]!;
    const loose = (meta: number) => ((meta >>> 8) & 7) !== 0;
    const apidAt = (i: number) => v[i * INTS + I.apid]!;
    const groundAt = (i: number) => b.reals[i * REALS + R.ground]!;
    /** Packet `i` had the verdict `verdict` (0 new, 1 duplicate, 2 repeat); its values are in `a` at `o`. */
    const account = (i: number, a: unknown[], o: number, verdict: number): void => {
      if (verdict === 1) {
        this.dupPerApid[apidAt(i)]!++;
        return;
      }
      isStored[i] = 1;
      used += lenOf(i);
      stored++;
      if (verdict === 2) {
        repeats++;
        this.repPerApid[apidAt(i)]!++;
      }
      if (loose(metaAt(i))) st.insertLoose.run(a[o], (a[o + 2] as number) & 16383, a[o + 3], groundAt(i), (a[o + 8] as number) % ORIGIN_ROUTE, a[o + 9]);
    };
    const single = (i: number): void => {
      const len = lenOf(i);
      const meta = metaAt(i);
      this.fill(one, 0, b, i, at, base + used);
      let verdict = loose(meta) ? this.looseVerdict(one, 0, groundAt(i)) : 0;
      if (verdict === 2) one[4] = meta | REPEAT_BIT;
      if (verdict !== 1 && !st.insertOne.run(one).changes) verdict = this.resolveConflict(one, 0, b, i, at, base + used) ? 2 : 1;
      account(i, one, 0, verdict);
      at += len;
    };
    const verdicts = new Uint8Array(GROUP);
    try {
      let i = 0;
      let fast = true;
      while (i + GROUP <= count) {
        if (fast) {
          let pos = base + used;
          const groupAt = at;
          let clean = true;
          let seen: Set<string> | undefined;
          for (let k = 0; k < GROUP; k++) {
            const len = lenOf(i + k);
            const o = k * COLS;
            this.fill(args, o, b, i + k, at, pos);
            const meta = metaAt(i + k);
            verdicts[k] = 0;
            if (loose(meta)) {
              verdicts[k] = this.looseVerdict(args, o, groundAt(i + k));
              // Identical packets timed by ground time within the group: decided row by row.
              const id = `${args[o] as number}/${args[o + 2] as number}/${args[o + 3] as number}`;
              if (seen?.has(id)) clean = false;
              (seen ??= new Set()).add(id);
            }
            if (verdicts[k] === 1) clean = false;
            if (verdicts[k] === 2) args[o + 4] = meta | REPEAT_BIT;
            pos += len;
            at += len;
          }
          if (!clean) {
            // A packet timed by ground time is a duplicate: this group row by row.
            at = groupAt;
            for (let k = 0; k < GROUP; k++) single(i + k);
            fast = false;
            i += GROUP;
            continue;
          }
          const changes = st.insertGroup.run(args).changes;
          if (changes === GROUP) {
            for (let k = 0; k < GROUP; k++) account(i + k, args, k * COLS, verdicts[k]!);
          } else {
            // Some rows met a stored key: find the rows this group inserted (their octet position is ours) and
            // move them to contiguous positions; the others are duplicates or repeats. Then row by row for a while.
            let from = groupAt;
            for (let k = 0; k < GROUP; k++) {
              const o = k * COLS;
              const len = lenOf(i + k);
              const key = [args[o], args[o + 1], args[o + 2], args[o + 3]];
              if (st.rawOf.get(key) === args[o + 10]) {
                if (args[o + 10] !== base + used) {
                  st.moveRaw.run(base + used, ...key);
                  args[o + 10] = base + used;
                }
                account(i + k, args, o, verdicts[k]!);
              } else {
                account(i + k, args, o, this.resolveConflict(args, o, b, i + k, from, base + used) ? 2 : 1);
              }
              from += len;
            }
            fast = false;
          }
          i += GROUP;
          continue;
        }
        // Row by row; go back to groups once a whole group's worth of rows were new.
        const before = stored;
        const repBefore = repeats;
        for (let k = 0; k < GROUP; k++) single(i + k);
        fast = stored - before === GROUP && repeats === repBefore;
        i += GROUP;
      }
      for (; i < count; i++) single(i);
    } catch (e) {
      if (behind) this.segments.settle();
      throw e;
    }
    if (behind && stored === count) {
      this.pendingLength = this.segments.waitBehind(seg.start + total);
      recordSegmentFixity(this.db, seg.id, seg.start, out.subarray(0, total));
    } else {
      if (behind) this.segments.settle(); // its octets beyond the committed length are overwritten or cut off
      if (stored < count) {
        // Stored packets keep their arrival order, packed (the positions given to their rows above).
        let to = 0;
        let from = 0;
        for (let k = 0; k < count; k++) {
          const len = lenOf(k);
          if (isStored[k]) {
            if (to !== from) out.copyWithin(to, from, from + len);
            to += len;
          }
          from += len;
        }
      }
      if (used > 0 || behind) this.pendingLength = this.segments.write(out, used, seg.start, behind);
      recordSegmentFixity(this.db, seg.id, seg.start, out.subarray(0, used));
    }
    return { stored, duplicates: count - stored, repeats };
  }

  private pendingLength: number | undefined;

  storeBatch(items: readonly StoredPacketInput[], cursor?: { readonly feed: string; readonly value: string }): StoreResult {
    if (!this.txStore) throw new Error(`${this.dir}: archive opened read-only`);
    this.packer ??= new PackedBatchBuilder();
    return this.storePacked(packItems(items, this.packer), cursor);
  }

  private packer: PackedBatchBuilder | undefined;

  cursors(): Map<string, string> {
    return new Map((this.db.prepare('SELECT feed, value FROM cursors').all() as { feed: string; value: string }[]).map((c) => [c.feed, c.value]));
  }

  storePacked(batch: PackedBatch, cursor?: { readonly feed: string; readonly value: string }): StoreResult {
    if (!this.txStore) throw new Error(`${this.dir}: archive opened read-only`);
    if (batch.count === 0 && !cursor) return { stored: 0, duplicates: 0, repeats: 0 };
    this.pendingLength = undefined;
    try {
      const r = this.txStore(batch, cursor ? { feed: cursor.feed, value: cursor.value } : undefined);
      if (this.pendingLength !== undefined) this.segments.committed(this.pendingLength);
      if (this.checkpointer) {
        if (this.checkpointer.running) this.checkpointer.signal();
      } else if (batch.count >= CHECKPOINTER_ITEMS) {
        this.checkpointer = new Checkpointer(path.join(this.dir, INDEX_FILE), this.synchronous);
      }
      return r;
    } catch (e) {
      // Rolled back: ids cached during the batch and the segment position may not exist any more.
      this.routeIds.clear();
      this.sourceIds.clear();
      this.segments.reload();
      throw storageError(e, this.dir);
    }
  }

  cursor(feed: string): string | undefined {
    return (this.db.prepare('SELECT value FROM cursors WHERE feed = ?').get(feed) as { value: string } | undefined)?.value;
  }

  private names(): { routes: Map<number, string>; sources: Map<number, { feed: string; source: string }> } {
    this.routeNames ??= new Map((this.db.prepare('SELECT id, name FROM routes').all() as { id: number; name: string }[]).map((r) => [r.id, r.name]));
    this.sourceNames ??= new Map((this.db.prepare('SELECT id, feed, source FROM sources').all() as { id: number; feed: string; source: string }[]).map((r) => [r.id, { feed: r.feed, source: r.source }]));
    return { routes: this.routeNames, sources: this.sourceNames };
  }

  /** Receipt times by the position of their batch's first packet, ascending (loaded when first needed). */
  private receipts: Receipts | undefined;

  /**
   * Rows at or below this position were checked against receipts stored after {@link receipts} was read. Infinity
   * once checked within a read: its statements share one snapshot, which then holds no later receipt; each read
   * (query, apidRows) starts again from -1.
   */
  private receiptsCheckedTo = -1;
  private newerReceipts: Database.Statement | undefined;

  private receivedAt(raw: number): number {
    let r = this.receipts;
    if (!r) {
      const rows = this.db.prepare('SELECT raw, received FROM receipts ORDER BY raw').raw().all() as [number, number][];
      r = this.receipts = { raw: Float64Array.from(rows, (x) => x[0]), received: Float64Array.from(rows, (x) => x[1]) };
    }
    const last = r.raw.length ? r.raw[r.raw.length - 1]! : -1;
    if (raw > last && raw > this.receiptsCheckedTo) {
      // A row past the last receipt read: of that batch, or of one stored since (a reader following an ingest).
      // Only the receipts after the last one are read (every row of the newest batch once read them all).
      this.newerReceipts ??= this.db.prepare('SELECT raw, received FROM receipts WHERE raw > ? ORDER BY raw').raw();
      const more = this.newerReceipts.all(last) as [number, number][];
      if (more.length) {
        const rawA = new Float64Array(r.raw.length + more.length);
        const recA = new Float64Array(rawA.length);
        rawA.set(r.raw);
        recA.set(r.received);
        more.forEach(([x, y], i) => { rawA[r!.raw.length + i] = x; recA[r!.raw.length + i] = y; });
        r = this.receipts = { raw: rawA, received: recA };
      }
      this.receiptsCheckedTo = Infinity;
    }
    return receivedAt(r, raw);
  }

  private toRow(r: Row): PacketRow {
    const { routes, sources } = this.names();
    const routeId = Math.floor(r.origin / ORIGIN_ROUTE);
    const sourceId = r.origin % ORIGIN_ROUTE;
    let routeName = routes.get(routeId);
    let src = sources.get(sourceId);
    if (routeName === undefined || src === undefined) {
      this.routeNames = undefined;
      this.sourceNames = undefined;
      const again = this.names();
      routeName = again.routes.get(routeId) ?? '?';
      src = again.sources.get(sourceId) ?? { feed: '?', source: '?' };
    }
    const tq = (r.meta >>> 6) & 3;
    return {
      apid: r.apid,
      tai: r.tkey as Tai,
      obt: r.obt ?? (((r.meta >>> 8) & 7) === 1 ? undefined : r.tkey),
      groundUnixMs: r.ground ?? this.receivedAt(r.raw),
      groundKind: r.dds !== null ? 'dds' : r.ground !== null ? 'pcap' : 'receipt',
      timeStatus: (r.meta >>> 8) & 7,
      repeat: (r.meta & REPEAT_BIT) !== 0,
      sequenceCount: r.seq & 16383,
      sequenceFlags: r.meta & 3,
      type: ((r.meta >>> 4) & 1) as 0 | 1,
      crc: CRC_NAME[(r.meta >>> 2) & 3] ?? 'none',
      receivedUnixMs: this.receivedAt(r.raw),
      dds: r.dds === null ? undefined : { unixMs: r.ground ?? NaN, groundStation: r.dds >>> 16, virtualChannel: r.dds & 0xffff, timeQuality: tq > 0 ? tq - 1 : 0 },
      route: routeName,
      feed: src.feed,
      source: src.source,
      sourceOffset: r.soff,
      length: r.len,
      arrival: r.raw,
      raw: r.raw,
    };
  }

  status(): ArchiveSummary {
    const per = this.db.prepare(`SELECT apid, COUNT(*) AS packets, SUM(len) AS bytes, SUM(((meta >> 8) & 7) = 1) AS untimed,
        SUM(((meta >> 8) & 7) != 0) AS unsync, MIN(tkey) AS first, MAX(tkey) AS last,
        SUM(((meta >> 2) & 3) = 2) AS crc FROM packets GROUP BY apid ORDER BY apid`).all() as
      { apid: number; packets: number; bytes: number; untimed: number; unsync: number; first: number | null; last: number | null; crc: number }[];
    const stats = new Map((this.db.prepare('SELECT apid, duplicates, repeats, last_ingest_ms FROM apid_stats').all() as { apid: number; duplicates: number; repeats: number; last_ingest_ms: number }[]).map((s) => [s.apid, s]));
    const routeRows = this.db.prepare('SELECT DISTINCT p.apid AS apid, r.name AS name FROM packets p JOIN routes r ON r.id = p.origin / 16777216 ORDER BY r.name').all() as { apid: number; name: string }[];
    const routesOf = new Map<number, string[]>();
    for (const r of routeRows) (routesOf.get(r.apid) ?? routesOf.set(r.apid, []).get(r.apid)!).push(r.name);
    const apids: ApidSummary[] = per.map((a) => {
      const s = stats.get(a.apid);
      return {
        apid: a.apid, packets: a.packets, bytes: a.bytes, untimed: a.untimed,
        firstTai: (a.first ?? undefined) as Tai | undefined, lastTai: (a.last ?? undefined) as Tai | undefined,
        duplicates: s?.duplicates ?? 0, repeats: s?.repeats ?? 0, unsynchronised: a.unsync, crcErrors: a.crc,
        lastIngestUnixMs: s?.last_ingest_ms,
        routes: routesOf.get(a.apid) ?? [],
      };
    });
    const cursors = (this.db.prepare('SELECT feed, value, updated_ms FROM cursors ORDER BY feed').all() as { feed: string; value: string; updated_ms: number }[])
      .map((c) => ({ feed: c.feed, value: c.value, updatedUnixMs: c.updated_ms }));
    const sum = (f: (a: ApidSummary) => number) => apids.reduce((t, a) => t + f(a), 0);
    return {
      dir: this.dir, schemaVersion: schemaVersionOf(this.db),
      packets: sum((a) => a.packets), bytes: sum((a) => a.bytes), duplicates: sum((a) => a.duplicates), repeats: sum((a) => a.repeats), crcErrors: sum((a) => a.crcErrors),
      apids, cursors,
    };
  }

  apids(): number[] {
    // Skip-scan over the primary key: one probe per APID.
    const out: number[] = [];
    const next = this.db.prepare('SELECT apid FROM packets WHERE apid > ? ORDER BY apid LIMIT 1').pluck();
    for (let a = next.get(-1) as number | undefined; a !== undefined; a = next.get(a) as number | undefined) out.push(a);
    return out;
  }

  *apidRows(apid: number, fromTai?: number, toTai?: number): IterableIterator<PacketRow> {
    this.receiptsCheckedTo = -1;
    const timed = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM packets WHERE apid = ? AND tkey >= ? AND tkey < ? ORDER BY tkey, seq`);
    for (const r of timed.iterate(apid, fromTai ?? -Number.MAX_VALUE, toTai ?? Number.MAX_VALUE)) yield this.toRow(r as Row);
  }

  /** Since schema version 2 every packet has a time on the chosen axis (its ground time at least): none. */
  *untimedRows(_apid: number): IterableIterator<PacketRow> {
    // Nothing: kept for callers written against version 1.
  }

  *query(q: PacketQuery = {}): IterableIterator<PacketRow> {
    this.receiptsCheckedTo = -1;
    if (q.afterArrival !== undefined) {
      yield* this.queryAfter(q, q.afterArrival);
      return;
    }
    const inRanges = (a: number) => !q.apids || q.apids.some(([lo, hi]) => a >= lo && a <= hi);
    const apids = this.apids().filter(inRanges);
    const keep = (r: PacketRow) => q.route === undefined || r.route === q.route;
    // k-way merge of the per-APID streams, each already in (time, count) order.
    const streams = apids.map((a) => {
      const it = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM packets WHERE apid = ? AND tkey >= ? AND tkey < ? ORDER BY tkey, seq`)
        .iterate(a, q.fromTai ?? -Number.MAX_VALUE, q.toTai ?? Number.MAX_VALUE) as IterableIterator<Row>;
      return { it, head: it.next() };
    });
    try {
      for (;;) {
        let best = -1;
        for (let k = 0; k < streams.length; k++) {
          const s = streams[k]!;
          if (s.head.done) continue;
          if (best < 0 || s.head.value.tkey < (streams[best]!.head.value as Row).tkey) best = k;
        }
        if (best < 0) return;
        const s = streams[best]!;
        const row = this.toRow(s.head.value as Row);
        s.head = s.it.next();
        if (keep(row)) yield row;
      }
    } finally {
      for (const s of streams) if (!s.head.done) s.it.return?.(); // a consumer that stopped early frees the statements
    }
  }

  /**
   * The rows of `q` stored after arrival `after`, in the order of {@link query}: found through the arrival index
   * (schema.ts) when the archive has it, then sorted by SQLite (its sorter spills to temporary files past its
   * cache, so memory stays bounded): the cost grows with the rows stored since `after`, not with the archive.
   */
  private *queryAfter(q: PacketQuery, after: number): IterableIterator<PacketRow> {
    const a = this.afterSql(q, after);
    if (!a) return;
    for (const r of this.db.prepare(a.sql).iterate(...a.params)) yield this.toRow(r as Row);
  }

  /** The statement of {@link queryAfter}; undefined when the route is unknown (no rows). */
  private afterSql(q: PacketQuery, after: number): { sql: string; params: number[] } | undefined {
    const where = ['raw > ?'];
    const params: number[] = [after];
    if (q.fromTai !== undefined) { where.push('tkey >= ?'); params.push(q.fromTai); }
    if (q.toTai !== undefined) { where.push('tkey < ?'); params.push(q.toTai); }
    if (q.apids) {
      where.push(q.apids.length ? `(${q.apids.map(() => 'apid BETWEEN ? AND ?').join(' OR ')})` : '0');
      for (const [lo, hi] of q.apids) params.push(lo, hi);
    }
    if (q.route !== undefined) {
      const id = this.db.prepare('SELECT id FROM routes WHERE name = ?').pluck().get(q.route) as number | undefined;
      if (id === undefined) return undefined;
      where.push('origin >= ? AND origin < ?');
      params.push(id * ORIGIN_ROUTE, (id + 1) * ORIGIN_ROUTE);
    }
    const indexed = (this.arrivalIndexed ??= hasArrivalIndex(this.db)) ? ` INDEXED BY ${ARRIVAL_INDEX}` : '';
    return { sql: `SELECT ${ROW_COLUMNS} FROM packets${indexed} WHERE ${where.join(' AND ')} ORDER BY tkey, apid, seq, digest`, params };
  }

  private arrivalIndexed: boolean | undefined;

  explainQuery(q: PacketQuery = {}): string[] {
    const a = q.afterArrival !== undefined ? this.afterSql(q, q.afterArrival) : undefined;
    if (!a) return [];
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${a.sql}`).all(...a.params) as { detail: string }[]).map((r) => r.detail);
  }

  bytesOf(row: PacketRow): Uint8Array {
    return this.segments.read(row.raw, row.length);
  }

  close(): void {
    this.segments.close();
    this.checkpointer?.close();
    this.checkpointer = undefined;
    if (this.db.open) this.db.close();
  }
}
