/**
 * @module md5 of a file's parts off the main thread: parts that are views into SharedArrayBuffers (the archive
 * scan's read buffers, the index file) are hashed by one worker thread, so the main thread reads and processes
 * the next window meanwhile; any other part is hashed here. The worker is started on first use, kept while
 * jobs are pending and otherwise does not keep the process alive.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

// Plain CommonJS run with `eval`: works from the sources (vitest) and from dist alike.
const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const buffers = new Map();
parentPort.on('message', (m) => {
  for (const [id, sab] of m.add) buffers.set(id, new Uint8Array(sab));
  for (const id of m.drop) buffers.delete(id);
  try {
    const h = createHash('md5');
    const p = m.parts;
    for (let i = 0; i < p.length; i += 3) h.update(buffers.get(p[i]).subarray(p[i + 1], p[i + 1] + p[i + 2]));
    parentPort.postMessage({ job: m.job, md5: h.digest('hex') });
  } catch (e) {
    parentPort.postMessage({ job: m.job, error: String(e && e.message || e) });
  }
});
`;

interface Reply { job: number; md5?: string; error?: string }

let worker: Worker | undefined;
let failed = false;
const pending = new Map<number, { resolve: (md5: string) => void; reject: (e: Error) => void }>();
let nextJob = 1;
/** Ids of the SharedArrayBuffers the worker holds (weakly here: a dropped buffer is released in the worker too). */
let ids = new WeakMap<SharedArrayBuffer, number>();
let nextId = 1;
const registry = new FinalizationRegistry<number>((id) => { dropped.push(id); });
let dropped: number[] = [];

function started(): Worker | undefined {
  if (worker || failed) return worker;
  try {
    const w = new Worker(WORKER_CODE, { eval: true });
    w.on('message', (r: Reply) => {
      const p = pending.get(r.job);
      if (!p) return;
      pending.delete(r.job);
      if (pending.size === 0) w.unref();
      if (r.md5 !== undefined) p.resolve(r.md5);
      else p.reject(new Error(`md5 worker: ${r.error ?? 'no result'}`));
    });
    w.on('error', (e) => fail(e));
    w.on('exit', (code) => fail(new Error(`md5 worker exited (${code})`)));
    w.unref();
    worker = w;
  } catch {
    failed = true;
  }
  return worker;
}

function fail(e: Error): void {
  worker = undefined;
  ids = new WeakMap();
  for (const p of pending.values()) p.reject(e);
  pending.clear();
}

const hashHere = (parts: readonly Uint8Array[]): string => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/**
 * The md5 (hex) of `parts` laid end to end: in the worker when every part lies in a SharedArrayBuffer (the
 * memory must stay unchanged until the promise settles), else on this thread.
 */
export function md5Of(parts: readonly Uint8Array[]): Promise<string> {
  if (parts.length === 0 || !parts.every((p) => p.buffer instanceof SharedArrayBuffer)) return Promise.resolve(hashHere(parts));
  const w = started();
  if (!w) return Promise.resolve(hashHere(parts));
  const add: [number, SharedArrayBuffer][] = [];
  const flat = new Float64Array(parts.length * 3);
  parts.forEach((p, k) => {
    const sab = p.buffer as SharedArrayBuffer;
    let id = ids.get(sab);
    if (id === undefined) {
      id = nextId++;
      ids.set(sab, id);
      registry.register(sab, id);
      add.push([id, sab]);
    }
    flat[k * 3] = id;
    flat[k * 3 + 1] = p.byteOffset;
    flat[k * 3 + 2] = p.length;
  });
  const job = nextJob++;
  const drop = dropped;
  dropped = [];
  return new Promise<string>((resolve, reject) => {
    pending.set(job, { resolve, reject });
    w.ref();
    w.postMessage({ job, add, drop, parts: flat });
  });
}
