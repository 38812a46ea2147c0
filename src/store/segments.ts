/**
 * @module Raw packet octets in append-only segment files (`<archive>/segments/seg-NNNNNN.bin`, at most
 * `segmentBytes` each). The index's `segments` table holds each file's committed length, updated in the same
 * transaction as the packet rows that point into it; the octets are written and fdatasync'd before that
 * transaction commits. So after any crash the files hold at least what the index references, and anything
 * beyond the committed length (a batch that never committed: a torn tail) is cut off when a writer opens the
 * archive.
 *
 * Large batches are written by a worker thread ({@link WriteBehind}) while the index rows are inserted; the
 * archive waits for it before committing, so the order of durability is the same.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { InputError } from '../errors.js';
import { WriteBehind } from './write-behind.js';

/** Default largest segment file: 1 GiB. */
export const DEFAULT_SEGMENT_BYTES = 1 << 30;
/** `raw` = segment id × 2^32 + offset (segments stay below 4 GiB). */
export const SEGMENT_SPAN = 2 ** 32;

/**
 * When segment octets are written on the worker thread: `auto` for batches of {@link BEHIND_BYTES} and more
 * once the thread is up (until then in place), `always` the same but waiting for the thread to boot (tests),
 * `never` always in place.
 */
export type WriteBehindMode = 'auto' | 'always' | 'never';

/** Batches from this size on are written by the worker thread; smaller ones in place. */
const BEHIND_BYTES = 256 * 1024;

const fileName = (id: number): string => `seg-${String(id).padStart(6, '0')}.bin`;

interface Current { id: number; length: number; fd: number }

export class SegmentFiles {
  readonly dir: string;
  private current: Current | undefined;
  private readonly readFds = new Map<number, number>();
  private block: { id: number; start: number; bytes: Buffer } | undefined;
  private readonly behind = new WriteBehind();
  private behindInFlight = false;

  constructor(
    archiveDir: string, private readonly db: Database.Database, private readonly maxBytes: number, private readonly fsync: boolean,
    private readonly mode: WriteBehindMode = 'auto',
  ) {
    this.dir = path.join(archiveDir, 'segments');
  }

  /** Writer open: create the folder, cut torn tails, check that no committed octets are missing. */
  recover(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const rows = this.db.prepare('SELECT id, length FROM segments ORDER BY id').all() as { id: number; length: number }[];
    for (const r of rows) {
      const file = path.join(this.dir, fileName(r.id));
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch {
        size = -1;
      }
      if (size < r.length) {
        throw new InputError(`${file}: segment file holds ${Math.max(size, 0)} octets but the archive index references ${r.length}: the archive is damaged`);
      }
      if (size > r.length) fs.truncateSync(file, r.length); // a batch that never committed
    }
    this.reload();
  }

  /** Forget the writer state and read it again from the index (after a rolled-back transaction). */
  reload(): void {
    this.settle();
    if (this.current) fs.closeSync(this.current.fd);
    this.current = undefined;
  }

  private openCurrent(): Current {
    if (this.current) return this.current;
    const row = this.db.prepare('SELECT id, length FROM segments ORDER BY id DESC LIMIT 1').get() as { id: number; length: number } | undefined;
    if (!row) return this.newSegment(1);
    const fd = fs.openSync(path.join(this.dir, fileName(row.id)), fs.constants.O_RDWR | fs.constants.O_CREAT);
    return (this.current = { id: row.id, length: row.length, fd });
  }

  private newSegment(id: number): Current {
    // Inside the caller's transaction: rolled back with it (the empty file left behind is reused).
    this.db.prepare('INSERT INTO segments (id, file, length) VALUES (?, ?, 0)').run(id, fileName(id));
    const fd = fs.openSync(path.join(this.dir, fileName(id)), fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC);
    if (this.current) fs.closeSync(this.current.fd);
    return (this.current = { id, length: 0, fd });
  }

  /** Where a batch of up to `bytes` octets will go (a new segment when the current one would overflow). */
  reserve(bytes: number): { id: number; start: number } {
    let c = this.openCurrent();
    if (c.length > 0 && c.length + bytes > this.maxBytes) c = this.newSegment(c.id + 1);
    return { id: c.id, start: c.length };
  }

  /**
   * Write `buf[0, used)` at `start` of the current segment, make it durable, and record the new length in the
   * index (still inside the caller's transaction). The in-memory length moves only with {@link committed}.
   * `cut`: also cut the file at the new end.
   */
  write(buf: Uint8Array, used: number, start: number, cut = false): number {
    const c = this.openCurrent();
    let done = 0;
    while (done < used) done += fs.writeSync(c.fd, buf, done, used - done, start + done);
    if (cut) fs.ftruncateSync(c.fd, start + used); // octets a write-behind put beyond, for packets found to be duplicates
    if (this.fsync) fs.fdatasyncSync(c.fd);
    const length = start + used;
    this.db.prepare('UPDATE segments SET length = ? WHERE id = ?').run(length, c.id);
    return length;
  }

  /**
   * Start writing `buf[0, used)` (a {@link sharedBytes} buffer, left untouched until {@link waitBehind}) at
   * `start` of the current segment on the worker thread, then fdatasync it. Returns false (nothing started)
   * for a small batch or while the thread boots: the caller then uses {@link write}.
   */
  writeBehind(buf: Uint8Array, used: number, start: number): boolean {
    if (this.mode === 'never' || used < BEHIND_BYTES || !this.behind.ready(this.mode === 'always')) return false;
    this.behind.start(this.openCurrent().fd, buf, used, start, this.fsync);
    this.behindInFlight = true;
    return true;
  }

  /**
   * Wait for the write started by {@link writeBehind} and record the new length in the index (inside the
   * caller's transaction). Returns that length, for {@link committed}.
   * @throws Error with the system error code (ENOSPC, EIO, …) when the write or the fdatasync failed.
   */
  waitBehind(length: number): number {
    this.behindInFlight = false;
    this.behind.wait();
    const c = this.openCurrent();
    this.db.prepare('UPDATE segments SET length = ? WHERE id = ?').run(length, c.id);
    return length;
  }

  /** Wait for a write in flight, ignoring its outcome (its batch is being rolled back). */
  settle(): void {
    if (!this.behindInFlight) return;
    this.behindInFlight = false;
    this.behind.settle();
  }

  /** The transaction that wrote up to `length` committed. */
  committed(length: number): void {
    if (this.current) this.current.length = length;
  }

  /** Read a packet's octets (`raw` position, `len` octets), through a 1 MiB read-ahead block. */
  read(raw: number, len: number): Uint8Array {
    const id = Math.floor(raw / SEGMENT_SPAN);
    const off = raw - id * SEGMENT_SPAN;
    const b = this.block;
    if (b && b.id === id && off >= b.start && off + len <= b.start + b.bytes.length) return b.bytes.subarray(off - b.start, off - b.start + len);
    let fd = this.readFds.get(id);
    if (fd === undefined) {
      fd = fs.openSync(path.join(this.dir, fileName(id)), 'r');
      this.readFds.set(id, fd);
    }
    const bytes = Buffer.allocUnsafe(Math.max(len, 1 << 20));
    const got = fs.readSync(fd, bytes, 0, bytes.length, off);
    if (got < len) throw new InputError(`${path.join(this.dir, fileName(id))}: offset ${off}: ${len} octets referenced by the index, ${got} present`);
    this.block = { id, start: off, bytes: bytes.subarray(0, got) };
    return bytes.subarray(0, len);
  }

  close(): void {
    this.reload();
    this.behind.close();
    for (const fd of this.readFds.values()) fs.closeSync(fd);
    this.readFds.clear();
    this.block = undefined;
  }
}
