/**
 * @module The archive's write side for ingest, on its own thread: {@link openArchiveWriter} opens the archive in
 * a worker thread (writer-worker.ts), and {@link ArchiveWriter.store} hands it a packed batch (two
 * SharedArrayBuffers, no copy) and resolves when the batch's transaction has committed. Ingest frames, checks
 * and routes the next chunk on its own thread meanwhile: on a 2-core machine the SQLite inserts, which are
 * most of the cost of storing, no longer add to the framing time.
 *
 * Guarantees are the archive's own (archive.ts): each `store` is one transaction holding the batch's rows and
 * the cursor; the worker runs them one at a time in the order they were handed over, so a caller that waits
 * for a unit's batches before sending the cursor batch keeps "cursor committed ⇒ every packet before it
 * committed". A batch's builder goes back to the pool only after its transaction ended, so its buffers are
 * never refilled while the worker reads them.
 *
 * Where the worker's compiled file is missing (running from TypeScript sources, as the unit tests do), or with
 * `thread: 'never'`, the same interface runs the archive on the calling thread.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { openArchive, type ArchiveOptions } from './archive.js';
import { PackedBatchBuilder, type PackedBatch } from '../archive/packed-batch.js';
import type { StoreResult } from './types.js';

export interface WriterOptions extends ArchiveOptions {
  /** `auto` (default): a worker thread when its compiled file is there; `never`: the calling thread. */
  readonly thread?: 'auto' | 'never';
  /** The worker's file (tests running from sources point it at the build). Default: writer-worker.js beside this module. */
  readonly workerFile?: URL;
}

export interface ArchiveWriter {
  readonly dir: string;
  /** Whether batches are stored on a worker thread. */
  readonly threaded: boolean;
  /** An empty batch to fill (from a pool: builders come back after their `store` settled). */
  batch(): PackedBatchBuilder;
  /**
   * Store `batch` (and the cursor) in one transaction; resolves when it committed.
   * @throws InputError when the disk is full or the index fails (the batch and cursor were not stored).
   */
  store(batch: PackedBatchBuilder, cursor?: { readonly feed: string; readonly value: string }): Promise<StoreResult>;
  /** The cursor of a feed as last committed. */
  cursor(feed: string): string | undefined;
  /** Wait for what is in flight, then close the archive (and stop the thread). */
  close(): Promise<void>;
}

/** Messages between the writer and its worker. */
export type ToWorker =
  | { readonly type: 'open'; readonly dir: string; readonly opts: ArchiveOptions }
  | { readonly type: 'store'; readonly id: number; readonly batch: PackedBatch; readonly cursor: { feed: string; value: string } | undefined }
  | { readonly type: 'close' };
export type FromWorker =
  | { readonly type: 'ready'; readonly cursors: [string, string][] }
  | { readonly type: 'open-failed'; readonly message: string; readonly input: boolean }
  | { readonly type: 'stored'; readonly id: number; readonly stored: number; readonly duplicates: number; readonly repeats: number; readonly perApid?: Int32Array }
  | { readonly type: 'failed'; readonly id: number; readonly message: string; readonly input: boolean }
  | { readonly type: 'closed' };

const DEFAULT_WORKER = new URL('./writer-worker.js', import.meta.url);

/** A worker started by {@link warmUpArchiveWriter}, not yet given an archive. */
let warm: { readonly file: string; readonly worker: Worker } | undefined;

/**
 * Start the writer's thread now, so that its modules (SQLite among them) load while the caller does other
 * start-up work (reading and checking the config): the next {@link openArchiveWriter} with the same worker
 * file takes it. It holds no archive and does not keep the process alive. A no-op where the thread would not
 * be used.
 */
export function warmUpArchiveWriter(workerFile: URL = DEFAULT_WORKER): void {
  const file = fileURLToPath(workerFile);
  if (warm || !fs.existsSync(file)) return;
  const worker = new Worker(workerFile);
  worker.unref();
  worker.on('error', () => undefined); // reported by openArchiveWriter, which then starts a fresh one
  warm = { file, worker };
}

/**
 * Open the archive in `dir` for ingest.
 * @throws InputError as {@link openArchive} does (unopenable, damaged or newer archive).
 */
export async function openArchiveWriter(dir: string, opts: WriterOptions = {}): Promise<ArchiveWriter> {
  const { thread = 'auto', workerFile = DEFAULT_WORKER, ...archiveOpts } = opts;
  if (thread === 'never' || !fs.existsSync(fileURLToPath(workerFile))) return inlineWriter(dir, archiveOpts);
  return threadWriter(dir, archiveOpts, workerFile);
}

function pool() {
  const free: PackedBatchBuilder[] = [];
  return {
    take(): PackedBatchBuilder {
      const b = free.pop() ?? new PackedBatchBuilder(4 << 20, 16_384);
      b.reset();
      return b;
    },
    give(b: PackedBatchBuilder): void {
      if (free.length < 4) free.push(b);
    },
  };
}

function inlineWriter(dir: string, opts: ArchiveOptions): ArchiveWriter {
  const archive = openArchive(dir, opts);
  const builders = pool();
  return {
    dir, threaded: false,
    batch: () => builders.take(),
    async store(b, cursor) {
      try {
        return archive.storePacked(b.seal(), cursor);
      } finally {
        builders.give(b);
      }
    },
    cursor: (feed) => archive.cursor(feed),
    async close() {
      archive.close();
    },
  };
}

async function threadWriter(dir: string, opts: ArchiveOptions, workerFile: URL): Promise<ArchiveWriter> {
  let worker: Worker;
  if (warm && warm.file === fileURLToPath(workerFile) && warm.worker.threadId >= 0) {
    worker = warm.worker;
    worker.removeAllListeners('error');
  } else {
    void warm?.worker.terminate(); // started for another worker file, or already gone
    worker = new Worker(workerFile);
  }
  warm = undefined;
  const builders = pool();
  const cursors = new Map<string, string>();
  const pending = new Map<number, { resolve: (r: StoreResult) => void; reject: (e: Error) => void; builder: PackedBatchBuilder; cursor: { feed: string; value: string } | undefined }>();
  let nextId = 1;
  let ended: Error | undefined;
  let onReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
  let onClosed: (() => void) | undefined;
  // The thread keeps the process alive only while a batch is in flight (or it is opening / closing).
  const refresh = () => (pending.size > 0 || onReady || onClosed ? worker.ref() : worker.unref());

  const fail = (e: Error) => {
    ended ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    onReady?.reject(e);
    onReady = undefined;
    onClosed?.();
    onClosed = undefined;
    refresh();
  };
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'ready') {
      for (const [feed, value] of m.cursors) cursors.set(feed, value);
      onReady?.resolve();
      onReady = undefined;
    } else if (m.type === 'open-failed') {
      onReady?.reject(m.input ? new InputError(m.message) : new Error(m.message));
      onReady = undefined;
    } else if (m.type === 'stored' || m.type === 'failed') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      builders.give(p.builder);
      if (m.type === 'stored') {
        if (p.cursor) cursors.set(p.cursor.feed, p.cursor.value);
        p.resolve({ stored: m.stored, duplicates: m.duplicates, repeats: m.repeats, ...(m.perApid ? { perApid: m.perApid } : {}) });
      } else {
        p.reject(m.input ? new InputError(m.message) : new Error(m.message));
      }
    } else {
      onClosed?.();
      onClosed = undefined;
    }
    refresh();
  });
  worker.on('error', (e) => fail(new Error(`${dir}: archive writer thread failed: ${e.message}`, { cause: e })));
  worker.on('exit', (code) => fail(new Error(`${dir}: archive writer thread stopped (exit code ${code})`)));

  await new Promise<void>((resolve, reject) => {
    onReady = { resolve, reject };
    worker.postMessage({ type: 'open', dir, opts } satisfies ToWorker);
    refresh();
  }).catch((e: Error) => {
    void worker.terminate();
    throw e;
  });
  refresh();

  return {
    dir, threaded: true,
    batch: () => builders.take(),
    store(b, cursor) {
      if (ended) return Promise.reject(ended);
      const id = nextId++;
      const c = cursor ? { feed: cursor.feed, value: cursor.value } : undefined;
      return new Promise<StoreResult>((resolve, reject) => {
        pending.set(id, { resolve, reject, builder: b, cursor: c });
        const msg: ToWorker = { type: 'store', id, batch: b.seal(), cursor: c };
        worker.postMessage(msg);
        refresh();
      });
    },
    cursor: (feed) => cursors.get(feed),
    async close() {
      if (ended) return;
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        worker.postMessage({ type: 'close' } satisfies ToWorker);
        refresh();
      });
      ended = new Error(`${dir}: archive writer closed`);
      await worker.terminate();
    },
  };
}
