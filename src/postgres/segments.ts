/**
 * @module Packet octets on the shared file system (a Ceph or NFS mount in production, a directory in tests):
 * `<dir>/segments/seg-NNNNNNNN.bin`. Each writer process appends to segment files of its own (a new id from the
 * `segments` table's sequence when it opens its first one), so writers on several hosts never write the same
 * file. The committed length of each file is in `segments`, updated in the transaction of the rows that point
 * into it; octets are written and fdatasync'd before that commit. A writer that died leaves at most a tail past
 * the committed length, never read (and cut by {@link PgSegmentWriter.close} of a clean writer).
 *
 * Refs are opaque to callers: `raw` = segment id × 2^32 + offset (src/archive/port.ts).
 */
import fs from 'node:fs';
import path from 'node:path';

export const SEGMENT_SPAN = 2 ** 32;
export const DEFAULT_PG_SEGMENT_BYTES = 1 << 30;

export const segmentFile = (id: number): string => `segments/seg-${String(id).padStart(8, '0')}.bin`;

/** One writer's current segment file. */
export class PgSegmentWriter {
  id = 0;
  /** Committed length of the current file. */
  length = 0;
  private fd: number | undefined;

  constructor(readonly dir: string, readonly maxBytes: number, private readonly fsync: boolean) {}

  get open(): boolean {
    return this.fd !== undefined;
  }

  /** Whether `bytes` more fit in the current file. */
  fits(bytes: number): boolean {
    return this.fd !== undefined && (this.length + bytes <= this.maxBytes || this.length === 0);
  }

  /** Start a new file with the id the index gave it. */
  start(id: number): void {
    this.close();
    fs.mkdirSync(path.join(this.dir, 'segments'), { recursive: true });
    this.fd = fs.openSync(path.join(this.dir, segmentFile(id)), 'wx');
    this.id = id;
    this.length = 0;
  }

  /** Write `bytes` at the committed end (before the commit); fdatasync when asked. */
  write(bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error('no segment open');
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done, this.length + done);
    if (this.fsync) fs.fdatasyncSync(this.fd);
  }

  /** {@link write} on libuv's thread pool (the octets must stay untouched until it settles). */
  async writeAsync(bytes: Uint8Array): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) throw new Error('no segment open');
    const at = this.length;
    let done = 0;
    while (done < bytes.length) {
      done += await new Promise<number>((res, rej) => fs.write(fd, bytes, done, bytes.length - done, at + done, (e, n) => (e ? rej(e) : res(n))));
    }
    if (this.fsync) await new Promise<void>((res, rej) => fs.fdatasync(fd, (e) => (e ? rej(e) : res())));
  }

  /** The batch committed: its octets are part of the file. */
  committed(bytes: number): void {
    this.length += bytes;
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fs.ftruncateSync(this.fd, this.length);
    } finally {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** Reads octets by ref from any writer's segment files. */
export class PgSegmentReader {
  private readonly fds = new Map<number, number>();

  constructor(readonly dir: string) {}

  private fdOf(id: number): number {
    let fd = this.fds.get(id);
    if (fd === undefined) {
      fd = fs.openSync(path.join(this.dir, segmentFile(id)), 'r');
      this.fds.set(id, fd);
    }
    return fd;
  }

  /** `length` octets at `raw`, read into `into` at `at`. */
  readInto(raw: number, length: number, into: Uint8Array, at: number): void {
    const id = Math.floor(raw / SEGMENT_SPAN);
    const off = raw - id * SEGMENT_SPAN;
    const fd = this.fdOf(id);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, into, at + done, length - done, off + done);
      if (n === 0) throw new Error(`${path.join(this.dir, segmentFile(id))}: offset ${off + done}: the segment file ends before the octets the index references`);
      done += n;
    }
  }

  /**
   * The octets of rows (refs and lengths) in the order given, as views: runs of rows lying back to back in one
   * file are read with one read.
   */
  views(raws: ArrayLike<number>, lengths: ArrayLike<number>, from = 0, to = raws.length): Uint8Array[] {
    let total = 0;
    for (let i = from; i < to; i++) total += lengths[i]!;
    const buf = new Uint8Array(total);
    const out: Uint8Array[] = [];
    let at = 0;
    let i = from;
    while (i < to) {
      let j = i + 1;
      let runLen = lengths[i]!;
      while (j < to && raws[j] === raws[j - 1]! + lengths[j - 1]! && Math.floor(raws[j]! / SEGMENT_SPAN) === Math.floor(raws[i]! / SEGMENT_SPAN)) {
        runLen += lengths[j]!;
        j++;
      }
      this.readInto(raws[i]!, runLen, buf, at);
      for (let k = i; k < j; k++) {
        out.push(buf.subarray(at, at + lengths[k]!));
        at += lengths[k]!;
      }
      i = j;
    }
    return out;
  }

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}
