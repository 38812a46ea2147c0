/**
 * @module The archive: a directory holding `index.sqlite` (better-sqlite3, WAL) and the raw packet octets in
 * segment files. {@link openArchive} opens or creates one; {@link Archive.storeBatch} stores a batch exactly
 * once in one transaction together with the feed cursor it completes.
 *
 * Exactly once. The dedupe key is (APID, packet time or -1 without one, sequence count, 32-bit digest of the
 * octets): the same packet delivered by two stations (different DDS headers, same octets), by a replayed file or
 * by a cron job run twice has the same key and is counted as a duplicate; a count that wrapped round comes with
 * a different packet time and is a new packet. Packets without a packet time are deduped on (APID, count,
 * digest) alone: an identical untimed packet after a count wrap would be taken for a duplicate.
 *
 * Speed. Rows go in with multi-row `INSERT OR IGNORE` statements of {@link GROUP} rows, each row given the
 * octet position it gets if every row is new. When a group meets a duplicate (fewer changes than rows), the rows
 * it did insert are found by their arrival number and moved to contiguous positions, and the batch goes on row by
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
import { packetDigest } from './digest.js';
import { migrate, SCHEMA_VERSION, schemaVersionOf } from './schema.js';
import { DEFAULT_SEGMENT_BYTES, SEGMENT_SPAN, SegmentFiles, type WriteBehindMode } from './segments.js';
import { ensureFixityTable, recordSegmentFixity } from './fixity.js';
import { I, INTS, packItems, PackedBatchBuilder, R, REALS, type PackedBatch } from './packed-batch.js';
import { Checkpointer } from './checkpointer.js';
import type { ApidSummary, ArchiveSummary, PacketQuery, PacketRow, StoredPacketInput, StoreResult } from './types.js';

/** The index file inside an archive directory. */
export const INDEX_FILE = 'index.sqlite';
/** The route of packets whose APID no route claims. */
export const QUARANTINE_ROUTE = 'quarantine';
/** Rows per multi-row INSERT (15 parameters each: 960 < SQLite's 32766 limit). */
const GROUP = 64;
const COLS = 15;
/** Batches of this many packets start the checkpoint thread (small archives and tests do without). */
const CHECKPOINTER_ITEMS = 2048;
const CRC_NAME = ['none', 'ok', 'bad'] as const;
/** A reader finding an archive being created waits this many times this long (ms) for its schema. */
const CREATING_WAITS = 100;
const CREATING_WAIT_MS = 50;

export interface ArchiveOptions {
  /** Open for reading only (status, query, gaps): nothing is created or repaired. Default false. */
  readonly readonly?: boolean;
  /** Largest segment file, octets. Default 1 GiB. */
  readonly segmentBytes?: number;
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
      migrate(db);
      ensureFixityTable(db); // beside the versioned schema (fixity.ts)
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${dir}: cannot open the archive index: ${(e as Error).message}`, [], { cause: e });
  }
  if (opts.readonly) {
    let v = schemaVersionOf(db);
    // Version 0: a writer is creating this archive right now (the file exists, its schema not yet committed).
    // Wait for it (a few seconds at most) instead of calling a fresh archive one to migrate.
    for (let i = 0; v === 0 && i < CREATING_WAITS; i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, CREATING_WAIT_MS);
      v = schemaVersionOf(db);
    }
    if (v === 0) {
      db.close();
      throw new InputError(`${dir}: the archive is being created (no schema yet after ${(CREATING_WAITS * CREATING_WAIT_MS) / 1000} s): try again once the ingest has started`);
    }
    if (v !== SCHEMA_VERSION) {
      db.close();
      throw new InputError(`${dir}: archive schema version ${v}, this idoc reads ${SCHEMA_VERSION}${v < SCHEMA_VERSION ? ' (open it once for writing to migrate it)' : ''}`);
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
  return new SqliteArchive(dir, db, segments, Boolean(opts.readonly), opts.synchronous ?? 'full');
}

interface Row {
  apid: number; tkey: number; seq: number; n: number; meta: number; received: number;
  dds_time: number | null; station: number | null; vc: number | null; route: number; source: number; soff: number; raw: number; len: number;
}
const ROW_COLUMNS = 'apid, tkey, seq, n, meta, received, dds_time, station, vc, route, source, soff, raw, len';

class SqliteArchive implements Archive {
  private readonly routeIds = new Map<string, number>();
  private readonly sourceIds = new Map<string, number>();
  private routeNames: Map<number, string> | undefined;
  private sourceNames: Map<number, { feed: string; source: string }> | undefined;
  private arrival = 0;
  /** Per item of the batch being stored: 1 when it was new. */
  private isStored = new Uint8Array(4096);
  private readonly args: unknown[] = new Array(GROUP * COLS);
  private readonly dupPerApid = new Int32Array(2048);
  private readonly lastPerApid = new Float64Array(2048);
  private readonly touched = new Uint8Array(2048);
  private readonly insertOne: Database.Statement | undefined;
  private readonly insertGroup: Database.Statement | undefined;
  private readonly txStore: ((batch: PackedBatch, cursor: { feed: string; value: string } | undefined) => StoreResult) | undefined;
  private readonly arrivalOf: Database.Statement | undefined;
  private readonly moveRaw: Database.Statement | undefined;

  /** WAL checkpoints on a second thread, started by the first large batch (checkpointer.ts). */
  private checkpointer: Checkpointer | undefined;

  constructor(readonly dir: string, private readonly db: Database.Database, private readonly segments: SegmentFiles, readonly: boolean,
    private readonly synchronous: 'full' | 'normal' = 'full') {
    if (readonly) return;
    const values = `(${new Array(COLS).fill('?').join(',')})`;
    const head = 'INSERT OR IGNORE INTO packets (apid, tkey, seq, digest, n, meta, received, dds_time, station, vc, route, source, soff, raw, len) VALUES ';
    this.insertOne = db.prepare(head + values);
    this.insertGroup = db.prepare(head + new Array(GROUP).fill(values).join(','));
    const key = 'apid = ? AND tkey = ? AND seq = ? AND digest = ?';
    this.arrivalOf = db.prepare(`SELECT n FROM packets WHERE ${key}`).pluck();
    this.moveRaw = db.prepare(`UPDATE packets SET raw = ? WHERE ${key}`);
    const upsertStats = db.prepare(`INSERT INTO apid_stats (apid, duplicates, last_ingest_ms) VALUES (?, ?, ?)
      ON CONFLICT (apid) DO UPDATE SET duplicates = duplicates + excluded.duplicates, last_ingest_ms = MAX(last_ingest_ms, excluded.last_ingest_ms)`);
    const saveCursor = db.prepare(`INSERT INTO cursors (feed, value, updated_ms) VALUES (?, ?, ?)
      ON CONFLICT (feed) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms`);
    const saveArrival = db.prepare("UPDATE counters SET value = ? WHERE name = 'arrival'");
    this.arrival = (db.prepare("SELECT value FROM counters WHERE name = 'arrival'").get() as { value: number }).value;
    this.txStore = db.transaction((batch, cursor) => {
      const r = this.storeRows(batch);
      for (let apid = 0; apid < 2048; apid++) {
        if (this.touched[apid]) upsertStats.run(apid, this.dupPerApid[apid]!, this.lastPerApid[apid]!);
      }
      saveArrival.run(this.arrival + batch.count);
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

  /** Fill the 15 values of packet `i` of `b` (its octets at `at`) at `args[o…]`: arrival `n`, octets going to `raw`. */
  private fill(args: unknown[], o: number, b: PackedBatch, i: number, at: number, n: number, raw: number): void {
    const v = b.ints;
    const f = i * INTS;
    const r = b.reals;
    const q = i * REALS;
    const len = v[f + I.len]!;
    const ddsMs = r[q + R.ddsMs]!;
    const dds = ddsMs === ddsMs; // not NaN
    args[o] = v[f + I.apid]!;
    args[o + 1] = r[q + R.tai]!;
    args[o + 2] = v[f + I.seq]!;
    args[o + 3] = packetDigest(b.octets, at, len);
    args[o + 4] = n;
    args[o + 5] = v[f + I.meta]!;
    // The receipt time is the same for a whole framing batch: one number object for all its rows.
    const rx = r[q + R.received]!;
    if (rx !== this.rxBox[1]) {
      this.rxBox[0] = rx;
      this.rxBox[1] = rx;
    }
    args[o + 6] = this.rxBox[0];
    args[o + 7] = dds ? ddsMs : null;
    args[o + 8] = dds ? v[f + I.station]! : null;
    args[o + 9] = dds ? v[f + I.vc]! : null;
    args[o + 10] = this.batchRouteIds[v[f + I.route]!]!;
    args[o + 11] = this.batchSourceIds[v[f + I.source]!]!;
    args[o + 12] = r[q + R.soff]!;
    args[o + 13] = raw;
    args[o + 14] = len;
  }

  /** [0]: the last receipt time as a tagged value (a generic array keeps the one number object); [1]: its value. */
  private readonly rxBox: unknown[] = [null, null];
  /** Index ids of the route and source tables of the batch being stored. */
  private batchRouteIds: number[] = [];
  private batchSourceIds: number[] = [];

  private storeRows(b: PackedBatch): StoreResult {
    const count = b.count;
    const v = b.ints;
    const reals = b.reals;
    this.dupPerApid.fill(0);
    this.lastPerApid.fill(0);
    this.touched.fill(0);
    for (let i = 0; i < count; i++) {
      const a = v[i * INTS + I.apid]!;
      const rx = reals[i * REALS + R.received]!;
      if (!this.touched[a] || rx > this.lastPerApid[a]!) this.lastPerApid[a] = rx;
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
    // Every octet in arrival order: the layout when no packet is a duplicate (nearly always), written by the
    // write-behind thread while the rows go in; compacted and written again below when some were duplicates.
    const behind = this.segments.writeBehind(out, total, seg.start);
    let used = 0;
    let stored = 0;
    let at = 0; // where the octets of the next packet are in `out`
    const args = this.args;
    const one = new Array<unknown>(COLS);
    const lenOf = (i: number) => v[i * INTS + I.len]!;
    const single = (i: number): void => {
      const len = lenOf(i);
      this.fill(one, 0, b, i, at, this.arrival + i, base + used);
      if (this.insertOne!.run(one).changes) {
        isStored[i] = 1;
        used += len;
        stored++;
      } else {
        this.dupPerApid[v[i * INTS + I.apid]!]!++;
      }
      at += len;
    };
    try {
      let i = 0;
      let fast = true;
      while (i + GROUP <= count) {
        if (fast) {
          let pos = base + used;
          const groupAt = at;
          for (let k = 0; k < GROUP; k++) {
            const len = lenOf(i + k);
            this.fill(args, k * COLS, b, i + k, at, this.arrival + i + k, pos);
            pos += len;
            at += len;
          }
          const changes = this.insertGroup!.run(args).changes;
          if (changes === GROUP) {
            isStored.fill(1, i, i + GROUP);
            used += at - groupAt;
            stored += GROUP;
          } else {
            // Some rows were duplicates: find the rows this group inserted (their arrival number is ours) and
            // move them to contiguous octet positions; then continue row by row for a while.
            for (let k = 0; k < GROUP; k++) {
              const o = k * COLS;
              const key = [args[o], args[o + 1], args[o + 2], args[o + 3]];
              if (this.arrivalOf!.get(key) !== this.arrival + i + k) {
                this.dupPerApid[v[(i + k) * INTS + I.apid]!]!++;
                continue;
              }
              if (args[o + 13] !== base + used) this.moveRaw!.run(base + used, ...key);
              isStored[i + k] = 1;
              used += lenOf(i + k);
              stored++;
            }
            fast = false;
          }
          i += GROUP;
          continue;
        }
        // Row by row; go back to groups once a whole group's worth of rows had no duplicate.
        const before = stored;
        for (let k = 0; k < GROUP; k++) single(i + k);
        fast = stored - before === GROUP;
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
    return { stored, duplicates: count - stored };
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
    if (batch.count === 0 && !cursor) return { stored: 0, duplicates: 0 };
    this.pendingLength = undefined;
    try {
      const r = this.txStore(batch, cursor ? { feed: cursor.feed, value: cursor.value } : undefined);
      this.arrival += batch.count;
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

  private toRow(r: Row): PacketRow {
    const { routes, sources } = this.names();
    let routeName = routes.get(r.route);
    let src = sources.get(r.source);
    if (routeName === undefined || src === undefined) {
      this.routeNames = undefined;
      this.sourceNames = undefined;
      const again = this.names();
      routeName = again.routes.get(r.route) ?? '?';
      src = again.sources.get(r.source) ?? { feed: '?', source: '?' };
    }
    const tq = (r.meta >>> 6) & 3;
    return {
      apid: r.apid,
      tai: r.tkey < 0 ? undefined : r.tkey,
      sequenceCount: r.seq,
      sequenceFlags: r.meta & 3,
      type: ((r.meta >>> 4) & 1) as 0 | 1,
      crc: CRC_NAME[(r.meta >>> 2) & 3] ?? 'none',
      receivedUnixMs: r.received,
      dds: r.dds_time === null ? undefined : { unixMs: r.dds_time, groundStation: r.station ?? 0, virtualChannel: r.vc ?? 0, timeQuality: tq > 0 ? tq - 1 : 0 },
      route: routeName,
      feed: src.feed,
      source: src.source,
      sourceOffset: r.soff,
      length: r.len,
      arrival: r.n,
      raw: r.raw,
    };
  }

  status(): ArchiveSummary {
    const per = this.db.prepare(`SELECT apid, COUNT(*) AS packets, SUM(len) AS bytes, SUM(tkey < 0) AS untimed,
        MIN(CASE WHEN tkey >= 0 THEN tkey END) AS first, MAX(CASE WHEN tkey >= 0 THEN tkey END) AS last,
        SUM(((meta >> 2) & 3) = 2) AS crc FROM packets GROUP BY apid ORDER BY apid`).all() as
      { apid: number; packets: number; bytes: number; untimed: number; first: number | null; last: number | null; crc: number }[];
    const stats = new Map((this.db.prepare('SELECT apid, duplicates, last_ingest_ms FROM apid_stats').all() as { apid: number; duplicates: number; last_ingest_ms: number }[]).map((s) => [s.apid, s]));
    const routeRows = this.db.prepare('SELECT DISTINCT p.apid AS apid, r.name AS name FROM packets p JOIN routes r ON r.id = p.route ORDER BY r.name').all() as { apid: number; name: string }[];
    const routesOf = new Map<number, string[]>();
    for (const r of routeRows) (routesOf.get(r.apid) ?? routesOf.set(r.apid, []).get(r.apid)!).push(r.name);
    const apids: ApidSummary[] = per.map((a) => {
      const s = stats.get(a.apid);
      return {
        apid: a.apid, packets: a.packets, bytes: a.bytes, untimed: a.untimed,
        firstTai: a.first ?? undefined, lastTai: a.last ?? undefined,
        duplicates: s?.duplicates ?? 0, crcErrors: a.crc,
        lastIngestUnixMs: s?.last_ingest_ms,
        routes: routesOf.get(a.apid) ?? [],
      };
    });
    const cursors = (this.db.prepare('SELECT feed, value, updated_ms FROM cursors ORDER BY feed').all() as { feed: string; value: string; updated_ms: number }[])
      .map((c) => ({ feed: c.feed, value: c.value, updatedUnixMs: c.updated_ms }));
    const sum = (f: (a: ApidSummary) => number) => apids.reduce((t, a) => t + f(a), 0);
    return {
      dir: this.dir, schemaVersion: schemaVersionOf(this.db),
      packets: sum((a) => a.packets), bytes: sum((a) => a.bytes), duplicates: sum((a) => a.duplicates), crcErrors: sum((a) => a.crcErrors),
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
    const timed = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM packets WHERE apid = ? AND tkey >= ? AND tkey < ? ORDER BY tkey, seq`);
    for (const r of timed.iterate(apid, Math.max(fromTai ?? 0, 0), toTai ?? Number.MAX_VALUE)) yield this.toRow(r as Row);
  }

  *untimedRows(apid: number): IterableIterator<PacketRow> {
    const untimed = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM packets WHERE apid = ? AND tkey < 0 ORDER BY n`);
    for (const r of untimed.iterate(apid)) yield this.toRow(r as Row);
  }

  *query(q: PacketQuery = {}): IterableIterator<PacketRow> {
    const inRanges = (a: number) => !q.apids || q.apids.some(([lo, hi]) => a >= lo && a <= hi);
    const apids = this.apids().filter(inRanges);
    const timedOnly = q.fromTai !== undefined || q.toTai !== undefined;
    const keep = (r: PacketRow) => q.route === undefined || r.route === q.route;
    if (!timedOnly) {
      // Untimed packets first, in arrival order across APIDs.
      const untimed = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM packets WHERE apid = ? AND tkey < 0 ORDER BY n`);
      const rows: PacketRow[] = [];
      for (const a of apids) for (const r of untimed.iterate(a)) rows.push(this.toRow(r as Row));
      rows.sort((x, y) => x.arrival - y.arrival);
      for (const r of rows) if (keep(r)) yield r;
    }
    // k-way merge of the per-APID streams, each already in (time, count) order.
    const streams = apids.map((a) => {
      const it = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM packets WHERE apid = ? AND tkey >= ? AND tkey < ? ORDER BY tkey, seq`)
        .iterate(a, Math.max(q.fromTai ?? 0, 0), q.toTai ?? Number.MAX_VALUE) as IterableIterator<Row>;
      return { it, head: it.next() };
    });
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
