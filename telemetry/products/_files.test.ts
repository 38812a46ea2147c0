import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { partsOf, sameParts, writeAtomicParts } from './_files.js';

const dir = mkdtempSync(path.join(tmpdir(), 'idoc-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parts: views written with vectored writes, hashed while written', () => {
  it('merges views that are adjacent in one block, keeps others apart, and gives each item its file offset', () => {
    const block = new Uint8Array(100).map((_, i) => i);
    const other = new Uint8Array([200, 201, 202]);
    const items = [block.subarray(0, 10), block.subarray(10, 30), other, block.subarray(30, 35), block.subarray(50, 60), block.subarray(60, 61)];
    const offsets = new Float64Array(items.length);
    const p = partsOf(items, offsets);
    expect(p.parts.map((x) => [...x])).toEqual([[...block.subarray(0, 30)], [200, 201, 202], [...block.subarray(30, 35)], [...block.subarray(50, 61)]]);
    expect([...offsets]).toEqual([0, 10, 30, 33, 38, 48]);
    expect(p.size).toBe(49);
  });

  it('any split of a buffer into views: the file holds the bytes in order and the md5 is that of the bytes', async () => {
    let k = 0;
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 40 }), async (bytes, cuts) => {
      const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const items: Uint8Array[] = [];
      let prev = 0;
      for (const c of [...at, bytes.length]) { items.push(bytes.subarray(prev, c)); prev = c; }
      const file = path.join(dir, `f${k++}.dat`);
      const content = partsOf(items.filter((x) => x.length > 0));
      const md5 = await writeAtomicParts(file, content);
      expect(readFileSync(file)).toEqual(Buffer.from(bytes));
      expect(md5).toBe(createHash('md5').update(bytes).digest('hex'));
      expect(await sameParts(file, content)).toBe(true);
    }), { numRuns: 40 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('sameParts: a different size or a different byte is not the same; a missing file is not the same', async () => {
    const file = path.join(dir, 'same.dat');
    await writeAtomicParts(file, partsOf([new Uint8Array([1, 2, 3]), new Uint8Array([4])]));
    expect(await sameParts(file, partsOf([new Uint8Array([1, 2]), new Uint8Array([3, 4])]))).toBe(true);
    expect(await sameParts(file, partsOf([new Uint8Array([1, 2, 3])]))).toBe(false);
    expect(await sameParts(file, partsOf([new Uint8Array([1, 2, 3, 5])]))).toBe(false);
    expect(await sameParts(path.join(dir, 'nope.dat'), partsOf([]))).toBe(false);
  });
});
