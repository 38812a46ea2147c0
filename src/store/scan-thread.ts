/**
 * @module The columnar scan (scan.ts) on a thread of its own (scan-worker.ts), so that a caller reads the next
 * window's rows and the next piece's octets while it processes the last ones (L0 building: the scan and the
 * processing overlap on two cores). Jobs run one at a time in the order asked; each call's promise settles with
 * its answer. Rows come back in fresh arrays (never reused); octets are read straight into the caller's buffer,
 * which must be in shared memory. The thread keeps the process alive only while a job is in flight.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { RowColumns } from '../archive/port.js';

/** Messages between the scan thread and its worker. */
export type ScanToWorker =
  | { readonly op: 'open'; readonly id: number; readonly dir: string }
  | { readonly op: 'rows'; readonly id: number; readonly apids: readonly number[]; readonly fromTai: number; readonly toTai: number }
  | { readonly op: 'octets'; readonly id: number; readonly raw: Float64Array; readonly length: Uint32Array; readonly order: Int32Array; readonly into: SharedArrayBuffer; readonly intoOffset: number; readonly intoLength: number }
  | { readonly op: 'close' };
export interface ScanFromWorker { readonly id: number; readonly rows?: RowColumns; readonly error?: string; readonly input?: boolean }

/** The compiled worker beside this module (absent when running from TypeScript sources). */
export const DEFAULT_SCAN_WORKER = new URL('./scan-worker.js', import.meta.url);

export class ScanThread {
  private readonly pending = new Map<number, { resolve: (r: ScanFromWorker) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private ended: Error | undefined;
  private readonly opened: Promise<ScanFromWorker>;

  private constructor(private readonly worker: Worker, dir: string) {
    worker.on('message', (m: ScanFromWorker) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.refresh();
      if (m.error !== undefined) p.reject(m.input ? new InputError(m.error) : new Error(m.error));
      else p.resolve(m);
    });
    const fail = (e: Error): void => {
      this.ended ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`archive scan thread exited (${code})`)));
    worker.unref();
    this.opened = this.send({ op: 'open', id: 0, dir });
    this.opened.catch(() => undefined); // reported by the first job
  }

  /** A thread scanning `dir`, or undefined where the worker's compiled file is missing. */
  static start(dir: string, workerFile: URL = DEFAULT_SCAN_WORKER): ScanThread | undefined {
    if (!fs.existsSync(fileURLToPath(workerFile))) return undefined;
    return new ScanThread(new Worker(workerFile), dir);
  }

  private refresh(): void {
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  private send(m: ScanToWorker & { id: number }, transfer: ArrayBuffer[] = []): Promise<ScanFromWorker> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise<ScanFromWorker>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.refresh();
      this.worker.postMessage({ ...m, id }, transfer);
    });
  }

  /** As `ArchiveScan.rows`, in fresh arrays. */
  async rows(apids: readonly number[], fromTai: number, toTai: number): Promise<RowColumns> {
    const r = this.send({ op: 'rows', id: 0, apids: [...apids], fromTai, toTai });
    r.catch(() => undefined); // awaited below, after the opening's own error
    await this.opened;
    return (await r).rows!;
  }

  /** As `ArchiveScan.octets`, into `into` (in shared memory). */
  async octets(raw: Float64Array, length: Uint32Array, order: Int32Array, into: Uint8Array & { buffer: SharedArrayBuffer }): Promise<void> {
    const r = this.send({ op: 'octets', id: 0, raw, length, order, into: into.buffer, intoOffset: into.byteOffset, intoLength: into.length });
    r.catch(() => undefined); // awaited below, after the opening's own error
    await this.opened;
    await r;
  }

  /** End the thread (jobs in flight are abandoned: their promises reject). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = new Error('archive scan thread closed');
    for (const p of this.pending.values()) p.reject(this.ended);
    this.pending.clear();
    await this.worker.terminate();
  }
}
