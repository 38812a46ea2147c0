/**
 * @module WAL checkpoints on a second thread. The writing connection commits batch after batch; copying the WAL
 * pages back into the index file (and, with `synchronous = full`, fsyncing it) is work SQLite would otherwise do
 * on the writer's thread, inside a commit (auto-checkpoint) and at close (the final checkpoint of the whole WAL).
 * A worker thread holds a second connection to the same index and runs `PRAGMA wal_checkpoint(PASSIVE)` after
 * each signalled commit, concurrently with the writer's next inserts: WAL mode allows a checkpoint beside a
 * writer (SQLite "Write-Ahead Logging" §3 Checkpointing), and a passive checkpoint never blocks it. The WAL then
 * restarts from its beginning at the writer's next transaction, and the checkpoint at close only has the last
 * batch left.
 *
 * Durability is SQLite's own: a checkpoint only copies committed frames; a crash in the middle of one is
 * recovered from the WAL at the next open, exactly as for the writer's own checkpoints.
 *
 * No message per commit: {@link Checkpointer.signal} bumps a shared counter (Atomics). {@link Checkpointer.close}
 * stops the worker and waits until it has closed its connection, so that the writer's close is again the last
 * one and checkpoints and removes the WAL.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** `ctl`: [0] commits signalled, [1] stop, [2] booted (1) / failed (2), [3] closed. */
const WORKER = `
const { workerData } = require('node:worker_threads');
const { ctl, file, sqlite } = workerData;
let db;
try {
  const Database = require(sqlite);
  db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
  db.pragma(workerData.synchronous);
  Atomics.store(ctl, 2, 1);
} catch {
  Atomics.store(ctl, 2, 2);
}
Atomics.notify(ctl, 2);
if (db) {
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  for (let seen = 0; ;) {
    Atomics.wait(ctl, 0, seen);
    if (Atomics.load(ctl, 1)) break;
    seen = Atomics.load(ctl, 0);
    try { checkpoint.run(); } catch { /* busy or failed: the writer's close checkpoints what is left */ }
  }
  try { db.close(); } catch { /* nothing to keep */ }
}
Atomics.store(ctl, 3, 1);
Atomics.notify(ctl, 3);
`;

let sqlitePath: string | undefined;

export class Checkpointer {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * 4));
  private worker: Worker | undefined;

  /** Start the worker on the index `file` (which must exist and be in WAL mode). */
  constructor(file: string, synchronous: 'full' | 'normal') {
    sqlitePath ??= createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { ctl: this.ctl, file, sqlite: sqlitePath, synchronous: `synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}` },
    });
    this.worker.unref();
    this.worker.on('error', () => { /* reported as not running: the writer checkpoints itself */ });
  }

  /** The worker has opened its connection (booting takes a few tens of ms; until then the writer checkpoints). */
  get running(): boolean {
    return Atomics.load(this.ctl, 2) === 1 && Atomics.load(this.ctl, 3) === 0;
  }

  /** A batch was committed: checkpoint it when the worker is free. */
  signal(): void {
    Atomics.add(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
  }

  /** Stop the worker after its checkpoint in progress and wait (up to 5 s) until its connection is closed. */
  close(): void {
    if (!this.worker) return;
    Atomics.store(this.ctl, 1, 1);
    Atomics.add(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
    // A worker still booting finishes opening first, then sees the stop.
    const until = Date.now() + 5000;
    while (Atomics.load(this.ctl, 3) === 0 && Date.now() < until) Atomics.wait(this.ctl, 3, 0, 100);
    void this.worker.terminate();
    this.worker = undefined;
  }
}
