/**
 * @module The md5 (the label's `md5_checksum`) and the per-block SHA-256 (the fixity manifest, block-fixity.ts) of a
 * file written piece by piece, computed off the main thread: each piece, a view into a SharedArrayBuffer, is handed
 * to two hashing threads (md5 on one, SHA-256 on the other) that keep the running state of the file, so the main
 * thread reads and processes the next piece meanwhile. {@link FileHashStream.update}'s promise settles once the
 * piece is hashed (its memory may then be reused). The threads are started on first use and otherwise do not keep
 * the process alive. Without worker threads (or for a piece not in shared memory) it hashes here. */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { BlockHasher, FIXITY_BLOCK_BYTES, type FileBlocks } from './block-fixity.js';

// Plain CommonJS run with `eval`: works from the sources (vitest) and from dist alike. Same block rule as BlockHasher.
const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const streams = new Map();
parentPort.on('message', (m) => {
  try {
    let s = streams.get(m.stream);
    if (!s) { s = { md5: m.md5 ? createHash('md5') : undefined, blockBytes: m.blockBytes, sha: undefined, inBlock: 0, size: 0, blocks: m.blocks ? [] : undefined }; streams.set(m.stream, s); }
    if (m.bytes) {
      const b = new Uint8Array(m.bytes, m.offset, m.length);
      if (s.md5) s.md5.update(b);
      if (s.blocks) {
        let o = 0;
        while (o < b.length) {
          const n = Math.min(b.length - o, s.blockBytes - s.inBlock);
          (s.sha ??= createHash('sha256')).update(b.subarray(o, o + n));
          s.inBlock += n;
          o += n;
          if (s.inBlock === s.blockBytes) { s.blocks.push(s.sha.digest('hex')); s.sha = undefined; s.inBlock = 0; }
        }
      }
      s.size += b.length;
      parentPort.postMessage({ job: m.job });
    } else {
      streams.delete(m.stream);
      if (s.blocks && s.inBlock > 0) s.blocks.push(s.sha.digest('hex'));
      parentPort.postMessage({ job: m.job, md5: s.md5 ? s.md5.digest('hex') : undefined, size: s.size, blocks: s.blocks });
    }
  } catch (e) {
    parentPort.postMessage({ job: m.job, error: String(e && e.message || e) });
  }
});
`;

interface Reply { job: number; md5?: string; size?: number; blocks?: string[]; error?: string }
interface Pending { resolve: (r: Reply) => void; reject: (e: Error) => void }
interface Thread { readonly worker: Worker; readonly pending: Map<number, Pending> }

const threads: (Thread | undefined)[] = [];
let failed = false;
let nextJob = 1;
let nextStream = 1;
let nextThread = 0;

function thread(slot: number): Thread | undefined {
  if (failed) return undefined;
  const have = threads[slot];
  if (have) return have;
  try {
    const worker = new Worker(WORKER_CODE, { eval: true });
    const t: Thread = { worker, pending: new Map() };
    worker.on('message', (r: Reply) => {
      const p = t.pending.get(r.job);
      if (!p) return;
      t.pending.delete(r.job);
      if (t.pending.size === 0) worker.unref();
      if (r.error !== undefined) p.reject(new Error(`hashing thread: ${r.error}`));
      else p.resolve(r);
    });
    const fail = (e: Error): void => {
      if (threads[slot] === t) threads[slot] = undefined;
      for (const p of t.pending.values()) p.reject(e);
      t.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`hashing thread exited (${code})`)));
    worker.unref();
    threads[slot] = t;
    return t;
  } catch {
    failed = true;
    return undefined;
  }
}

/**
 * md5 and block SHA-256 of one file, fed in order: the md5 on one thread and the SHA-256 on the other (md5 is the
 * slower; files in turn start on alternate threads).
 */
export class FileHashStream {
  private readonly threads: [Thread, Thread] | undefined;
  private readonly id = nextStream++;
  /** Used when there are no threads, or once a piece was not in shared memory (then every later piece too). */
  private here: { md5: Hash; blocks: BlockHasher } | undefined;
  /** Pieces were hashed in the threads (then every piece must be). */
  private sent = false;

  /** `md5Thread`: which of the two threads takes the md5 (default: alternately). */
  constructor(md5Thread?: number, private readonly blockBytes = FIXITY_BLOCK_BYTES) {
    const first = md5Thread === undefined ? nextThread : md5Thread % 2;
    nextThread = (first + 1) % 2;
    const a = thread(first), b = thread(1 - first);
    this.threads = a && b ? [a, b] : undefined;
  }

  private send(t: Thread, m: object): Promise<Reply> {
    const job = nextJob++;
    return new Promise<Reply>((resolve, reject) => {
      t.pending.set(job, { resolve, reject });
      t.worker.ref();
      t.worker.postMessage({ ...m, job, blockBytes: this.blockBytes });
    });
  }

  /** Hash `bytes` next: settles when done (its memory must stay unchanged until then). */
  async update(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    if (!this.here && this.threads && bytes.buffer instanceof SharedArrayBuffer) {
      this.sent = true;
      const m = { bytes: bytes.buffer, offset: bytes.byteOffset, length: bytes.length };
      await Promise.all([this.send(this.threads[0], { ...m, stream: this.id * 2, md5: true }), this.send(this.threads[1], { ...m, stream: this.id * 2 + 1, blocks: true })]);
      return;
    }
    if (!this.here) {
      if (this.sent) throw new Error('FileHashStream: a piece outside shared memory after pieces hashed in a thread');
      this.here = { md5: createHash('md5'), blocks: new BlockHasher(this.blockBytes) };
    }
    this.here.md5.update(bytes);
    this.here.blocks.update(bytes);
  }

  /** The md5 (hex) and block digests of everything fed (after every update settled). */
  async digest(): Promise<{ md5: string; blocks: FileBlocks }> {
    if (this.here) return { md5: this.here.md5.digest('hex'), blocks: this.here.blocks.digest() };
    if (!this.sent) return { md5: createHash('md5').digest('hex'), blocks: { size: 0, sha256: [] } };
    const [a, b] = await Promise.all([this.send(this.threads![0], { stream: this.id * 2 }), this.send(this.threads![1], { stream: this.id * 2 + 1 })]);
    return { md5: a.md5!, blocks: { size: b.size!, sha256: b.blocks! } };
  }
}
