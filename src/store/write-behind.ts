/**
 * @module Writing a batch's segment octets (and fdatasync'ing them) on a worker thread while the main thread
 * inserts the batch's index rows, with a synchronous API: {@link WriteBehind.start} posts the job,
 * {@link WriteBehind.wait} blocks (`Atomics.wait`) until the worker has written and synced, and throws the
 * worker's error (with its `code`, e.g. ENOSPC) when it failed. The archive calls `wait` before the transaction
 * commits, so the ordering "segment octets durable, then the index rows that point at them" is unchanged; the
 * two just overlap in time (on a 2-core machine, the copy into the page cache and the device flush no longer
 * hold the thread that runs SQLite).
 *
 * The buffer must be backed by a SharedArrayBuffer ({@link sharedBytes}) and must not be touched between
 * `start` and `wait`. File descriptors are process-wide, so the worker writes to the archive's own fd.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { getSystemErrorName } from 'node:util';

/**
 * The worker. No messages per job (posting one costs more than a small write): the job is written into the
 * shared control arrays and signalled with Atomics; a new buffer (rare: it only grows) comes as a message,
 * read synchronously. `ctl`: [0] jobs posted, [1] jobs done, [2] errno of the last job (0 ok), [3] phase
 * (1 write, 2 fdatasync), [4] fd, [5] fsync, [6] stop, [7] booted. `num`: [0] length, [1] position.
 */
const WORKER = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const fs = require('node:fs');
const { ctl, num, port } = workerData;
let buf = new Uint8Array(0);
Atomics.store(ctl, 7, 1);
Atomics.notify(ctl, 7);
for (let seen = 0; ;) {
  Atomics.wait(ctl, 0, seen);
  if (Atomics.load(ctl, 6)) break;
  seen = Atomics.load(ctl, 0);
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) buf = new Uint8Array(m.message);
  let errno = 0, phase = 1;
  try {
    const length = num[0], position = num[1], fd = ctl[4];
    let done = 0;
    while (done < length) done += fs.writeSync(fd, buf, done, length - done, position + done);
    phase = 2;
    if (ctl[5]) fs.fdatasyncSync(fd);
  } catch (e) {
    errno = typeof e.errno === 'number' && e.errno !== 0 ? e.errno : -5;
  }
  Atomics.store(ctl, 2, errno);
  Atomics.store(ctl, 3, phase);
  Atomics.store(ctl, 1, seen);
  Atomics.notify(ctl, 1);
}
`;

/** A byte buffer another thread can read without a copy. */
export function sharedBytes(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

export class WriteBehind {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private ctl = new Int32Array(new SharedArrayBuffer(8 * 4));
  private num = new Float64Array(new SharedArrayBuffer(2 * 8));
  private sent: SharedArrayBuffer | undefined;
  private posted = 0;
  /** A job was started and not yet waited for. */
  private pendingWait = false;

  /**
   * Whether the worker thread is up (it is started by the first call; booting takes ~50-100 ms, which the
   * caller spends writing in place rather than waiting). With `block`, wait for it.
   */
  ready(block = false): boolean {
    this.boot();
    if (block) while (Atomics.load(this.ctl, 7) !== 1) Atomics.wait(this.ctl, 7, 0, 1000);
    return Atomics.load(this.ctl, 7) === 1;
  }

  private boot(): void {
    if (this.worker) return;
    // Fresh control arrays per worker: a stopped one may still be reading its old ones.
    this.ctl = new Int32Array(new SharedArrayBuffer(8 * 4));
    this.num = new Float64Array(new SharedArrayBuffer(2 * 8));
    this.posted = 0;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, { eval: true, workerData: { ctl: this.ctl, num: this.num, port: port2 }, transferList: [port2] });
    this.worker.unref();
  }

  /** Start writing `buf[0, length)` at `position` of `fd` (then fdatasync when `fsync`). */
  start(fd: number, buf: Uint8Array, length: number, position: number, fsync: boolean): void {
    if (this.pendingWait) throw new Error('write-behind: the previous job was not waited for');
    if (!(buf.buffer instanceof SharedArrayBuffer) || buf.byteOffset !== 0) throw new Error('write-behind: the buffer must be a shared buffer from offset 0');
    this.boot();
    if (this.sent !== buf.buffer) {
      this.port!.postMessage(buf.buffer);
      this.sent = buf.buffer;
    }
    this.num[0] = length;
    this.num[1] = position;
    this.ctl[4] = fd;
    this.ctl[5] = fsync ? 1 : 0;
    this.posted++;
    this.pendingWait = true;
    Atomics.store(this.ctl, 0, this.posted);
    Atomics.notify(this.ctl, 0);
  }

  /**
   * Block until the job started last is done.
   * @throws Error with `code` (ENOSPC, EIO, …) and `syscall` when the worker's write or fdatasync failed.
   */
  wait(): void {
    if (!this.pendingWait) return;
    for (;;) {
      const done = Atomics.load(this.ctl, 1);
      if (done === this.posted) break;
      Atomics.wait(this.ctl, 1, done, 1000);
    }
    this.pendingWait = false;
    const errno = Atomics.load(this.ctl, 2);
    if (errno !== 0) {
      let code: string;
      try {
        code = getSystemErrorName(errno);
      } catch {
        code = 'EIO';
      }
      const syscall = Atomics.load(this.ctl, 3) === 2 ? 'fdatasync' : 'write';
      throw Object.assign(new Error(`${code}: segment ${syscall} failed`), { code, errno, syscall });
    }
  }

  /** Wait for a job in flight, ignoring its outcome (the batch is being rolled back anyway). */
  settle(): void {
    try {
      this.wait();
    } catch {
      // rolled back by the caller
    }
  }

  /** Stop the worker (after the job in flight). */
  close(): void {
    this.settle();
    if (!this.worker) return;
    Atomics.store(this.ctl, 6, 1);
    Atomics.add(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
    void this.worker.terminate();
    this.port?.close();
    this.worker = undefined;
    this.port = undefined;
    this.sent = undefined;
  }
}
