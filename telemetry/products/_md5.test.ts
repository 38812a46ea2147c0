import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5Of } from './_md5.js';

const md5 = (parts: readonly Uint8Array[]): string => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('md5Of: shared-memory parts hashed in a worker thread', () => {
  it('gives the md5 of the parts laid end to end, in shared memory, in ordinary memory and mixed', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), fc.boolean(), async (chunks, mixed) => {
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const shared = new Uint8Array(new SharedArrayBuffer(total + 7));
      let o = 3;
      const parts = chunks.map((c, k) => {
        if (mixed && k % 2 === 1) return c;
        shared.set(c, o);
        o += c.length;
        return shared.subarray(o - c.length, o);
      });
      expect(await md5Of(parts)).toBe(md5(chunks));
    }), { numRuns: 60 });
  });

  it('hashes many files at once, each with its own result', async () => {
    const bufs = Array.from({ length: 20 }, (_, k) => {
      const b = new Uint8Array(new SharedArrayBuffer(1000 + k));
      b.fill(k);
      return b;
    });
    const got = await Promise.all(bufs.map((b) => md5Of([b.subarray(0, 500), b.subarray(500)])));
    expect(got).toEqual(bufs.map((b) => md5([b])));
    expect(new Set(got).size).toBe(20);
  });
});
