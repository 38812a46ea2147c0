/**
 * @module md5 of a file's parts off the main thread: parts that are views into SharedArrayBuffers (the archive
 * scan's read buffers, the index file) are hashed by worker threads, so the main thread reads and processes
 * the next window meanwhile; any other part is hashed here. The workers (two) are started on first use, kept
 * while jobs are pending and otherwise do not keep the process alive.
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

/** One hashing thread: its jobs, the buffers it holds (weakly here: a dropped buffer is released there too). */
interface Hasher {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (md5: string) => void; reject: (e: Error) => void; bytes: number }>;
  readonly ids: WeakMap<SharedArrayBuffer, number>;
  readonly registry: FinalizationRegistry<number>;
  dropped: number[];
  /** Octets queued and not yet hashed. */
  queued: number;
}

/** Two threads: the last products of a build (the largest, usually) are hashed side by side. */
const THREADS = 2;
const hashers: (Hasher | undefined)[] = [];
let failed = false;
let nextJob = 1;
let nextId = 1;

function start(slot: number): Hasher | undefined {
  try {
    const worker = new Worker(WORKER_CODE, { eval: true });
    const h: Hasher = { worker, pending: new Map(), ids: new WeakMap(), registry: new FinalizationRegistry((id) => { h.dropped.push(id); }), dropped: [], queued: 0 };
    worker.on('message', (r: Reply) => {
      const p = h.pending.get(r.job);
      if (!p) return;
      h.pending.delete(r.job);
      h.queued -= p.bytes;
      if (h.pending.size === 0) worker.unref();
      if (r.md5 !== undefined) p.resolve(r.md5);
      else p.reject(new Error(`md5 worker: ${r.error ?? 'no result'}`));
    });
    const fail = (e: Error): void => {
      if (hashers[slot] === h) hashers[slot] = undefined;
      for (const p of h.pending.values()) p.reject(e);
      h.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`md5 worker exited (${code})`)));
    worker.unref();
    hashers[slot] = h;
    return h;
  } catch {
    failed = true;
    return undefined;
  }
}

/** The least busy hashing thread (started on first use). */
function hasher(): Hasher | undefined {
  let best: Hasher | undefined;
  for (let k = 0; k < THREADS && !failed; k++) {
    const h = hashers[k];
    if (!h || h.pending.size === 0) return h ?? start(k);
    if (!best || h.queued < best.queued) best = h;
  }
  return best;
}

const hashHere = (parts: readonly Uint8Array[]): string => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/**
 * The md5 (hex) of `parts` laid end to end: in a worker when every part lies in a SharedArrayBuffer (the
 * memory must stay unchanged until the promise settles), else on this thread.
 */
export function md5Of(parts: readonly Uint8Array[]): Promise<string> {
  if (parts.length === 0 || !parts.every((p) => p.buffer instanceof SharedArrayBuffer)) return Promise.resolve(hashHere(parts));
  const h = hasher();
  if (!h) return Promise.resolve(hashHere(parts));
  const add: [number, SharedArrayBuffer][] = [];
  const flat = new Float64Array(parts.length * 3);
  let bytes = 0;
  parts.forEach((p, k) => {
    const sab = p.buffer as SharedArrayBuffer;
    let id = h.ids.get(sab);
    if (id === undefined) {
      id = nextId++;
      h.ids.set(sab, id);
      h.registry.register(sab, id);
      add.push([id, sab]);
    }
    flat[k * 3] = id;
    flat[k * 3 + 1] = p.byteOffset;
    flat[k * 3 + 2] = p.length;
    bytes += p.length;
  });
  const job = nextJob++;
  const drop = h.dropped;
  h.dropped = [];
  h.queued += bytes;
  return new Promise<string>((resolve, reject) => {
    h.pending.set(job, { resolve, reject, bytes });
    h.worker.ref();
    h.worker.postMessage({ job, add, drop, parts: flat });
  });
}
