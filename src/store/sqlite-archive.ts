/**
 * @module The SQLite + segment-files archive behind the archive port (src/archive/port.ts, issue 15):
 * {@link openSqliteArchiveReader} and {@link openSqliteArchiveWriter}. The reader answers object queries through
 * the archive's own read API (archive.ts), columnar scans through scan.ts (one SQLite function call per row, octets
 * in large reads), products through products.ts; the writer is writer.ts's (ingest's thread-backed writer) with
 * an async cursor. Both pass the port's contract suite (src/archive/contract.ts, run by contract.test.ts).
 */
import { openArchive, type ArchiveOptions } from './archive.js';
import { ArchiveScan, lastIngestUnixMs } from './scan.js';
import { DEFAULT_SCAN_WORKER, ScanThread } from './scan-thread.js';
import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SqliteProducts } from './products.js';
import { openArchiveWriter, type WriterOptions } from './writer.js';
import type { ArchiveReader, ArchiveWriter, OctetRefs, PacketQuery, PacketRow, RowColumns, ScanQuery } from '../archive/port.js';
import { InputError } from '../errors.js';
import type { Tai, UtcUnixMs } from '../time/tai.js';

/** Rows per batch of {@link ArchiveReader.rows}. */
const ROWS_PER_BATCH = 4096;

/** Options of {@link openSqliteArchiveReader}. */
export type SqliteReaderOptions = Pick<ArchiveOptions, 'time'> & {
  /**
   * `always`: columnar scans (`scan`, and `scanOctets` into shared memory) run on a thread of their own
   * (scan-thread.ts) when its compiled file is there, and the reader says `scanAhead`; `never`: on the calling
   * thread; `auto` (default): `always` where the machine has 3 or more cores. On 2 cores the build's threads (md5
   * and SHA-256, V8's compiler) already keep both cores busy: the scan thread then costs more CPU than it saves
   * wall time (src/store/README.md).
   */
  readonly scanThread?: 'auto' | 'always' | 'never';
  /** The scan worker's file (tests running from sources point it at the build). Default: scan-worker.js beside this module. */
  readonly scanWorkerFile?: URL;
};

/**
 * Open the archive in `dir` for reading (it is never created or repaired: that is the writer's).
 * @throws InputError when `dir` holds no archive, or one of another schema version (one line naming `dir`).
 */
export async function openSqliteArchiveReader(dir: string, opts: SqliteReaderOptions = {}): Promise<ArchiveReader> {
  const { scanThread = 'auto', scanWorkerFile = DEFAULT_SCAN_WORKER, ...archiveOpts } = opts;
  const archive = openArchive(dir, { ...archiveOpts, readonly: true });
  const threaded = (scanThread === 'always' || (scanThread === 'auto' && availableParallelism() >= 3)) && fs.existsSync(fileURLToPath(scanWorkerFile));
  let thread: ScanThread | undefined;
  /** The scan thread, started on first use (after the index was found scannable here). */
  const scanThreadOf = (): ScanThread | undefined => {
    if (!threaded) return undefined;
    scanner();
    return (thread ??= ScanThread.start(dir, scanWorkerFile));
  };
  const products = new SqliteProducts(dir);
  let scan: ArchiveScan | undefined;
  let closed = false;
  const live = (): void => {
    if (closed) throw new Error(`${dir}: archive reader closed`);
  };
  const scanner = (): ArchiveScan => {
    live();
    if (!scan) {
      scan = ArchiveScan.open(dir);
      if (!scan) throw new InputError(`${dir}: the archive index cannot be scanned (damaged, or another schema version)`);
    }
    return scan;
  };
  return {
    name: dir,
    async apids() {
      live();
      return archive.apids();
    },
    async *rows(q: PacketQuery = {}) {
      live();
      let batch: PacketRow[] = [];
      for (const r of archive.query(q)) {
        batch.push(r);
        if (batch.length === ROWS_PER_BATCH) {
          yield batch;
          live();
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    scanAhead: threaded,
    async scan(q: ScanQuery): Promise<RowColumns> {
      const t = scanThreadOf();
      if (t) return t.rows(q.apids, q.fromTai, q.toTai);
      return scanner().rows(q.apids, q.fromTai, q.toTai);
    },
    async firstTime(apid: number, fromTai: Tai) {
      scanThreadOf(); // its start overlaps the window planning
      return scanner().firstTime(apid, fromTai) as Tai | undefined;
    },
    async sources() {
      return scanner().sources;
    },
    async bytes(rows: readonly PacketRow[]) {
      live();
      return rows.map((r) => archive.bytesOf(r));
    },
    async scanBytes(cols: OctetRefs, order?: Int32Array) {
      const s = scanner();
      if (order) return s.bytes(cols, order);
      const all = new Int32Array(cols.count);
      for (let i = 0; i < all.length; i++) all[i] = i;
      return s.bytes(cols, all);
    },
    async scanOctets(cols: OctetRefs, into: Uint8Array, order?: Int32Array) {
      const t = into.buffer instanceof SharedArrayBuffer ? scanThreadOf() : undefined;
      if (t) {
        const all = order ?? Int32Array.from({ length: cols.count }, (_, i) => i);
        await t.octets(cols.raw, cols.length, all, into as Uint8Array & { buffer: SharedArrayBuffer });
        return;
      }
      const s = scanner();
      if (order) { s.octets(cols, order, into); return; }
      const all = new Int32Array(cols.count);
      for (let i = 0; i < all.length; i++) all[i] = i;
      s.octets(cols, all, into);
    },
    recycle(sets: number) {
      scanner().recycle(sets);
    },
    async status() {
      live();
      return archive.status();
    },
    async lastIngest() {
      live();
      return lastIngestUnixMs(dir) as UtcUnixMs | undefined;
    },
    async cursors() {
      live();
      return archive.cursors();
    },
    products,
    async close() {
      if (closed) return;
      closed = true;
      await thread?.close();
      scan?.close();
      products.close();
      archive.close();
    },
  };
}

/**
 * Open (creating when needed, migrating an older schema) the archive in `dir` for ingest: writer.ts's writer
 * (batches committed on a thread of their own where built) behind the port.
 * @throws InputError when the archive cannot be opened or is newer than this idoc.
 */
export async function openSqliteArchiveWriter(dir: string, opts: WriterOptions = {}): Promise<ArchiveWriter & { readonly threaded: boolean }> {
  const w = await openArchiveWriter(dir, opts);
  return {
    name: dir,
    threaded: w.threaded,
    batch: () => w.batch(),
    store: (b, cursor) => w.store(b, cursor),
    cursor: async (feed) => w.cursor(feed),
    close: () => w.close(),
  };
}
