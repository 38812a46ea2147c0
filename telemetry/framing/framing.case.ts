/**
 * @module One suite run against every framing (style.md: hono's shared router suite): for each sample file,
 * the same packets and reports whether the stream arrives whole, in 64 KiB chunks, one byte at a time, from a
 * subarray with a non-zero byte offset, or in random chunks (fast-check).
 */
import { expect, it } from 'vitest';
import fc from 'fast-check';
import type { Batch, Splitter } from './types.js';
import type { Truth } from '../../fixtures/damage.js';

export interface SplitResult {
  packets: { offset: number; apid: number; seq: number; length: number; crc: string; bytes: string }[];
  skips: { offset: number; length: number; reason: string }[];
  idle: number;
}

/** Feed `bytes` in the given chunk sizes (cycled) and collect everything. */
export function splitInChunks(make: () => Splitter, bytes: Uint8Array, sizes: readonly number[]): SplitResult {
  const s = make();
  const res: SplitResult = { packets: [], skips: [], idle: 0 };
  const take = (b: Batch) => {
    for (const p of b.packets) {
      res.packets.push({
        offset: p.streamOffset, apid: p.apid, seq: p.sequenceCount, length: p.length, crc: p.crc,
        bytes: Buffer.from(p.buf.subarray(p.offset, p.offset + p.length)).toString('hex'),
      });
    }
    for (const k of b.skips) res.skips.push({ offset: k.offset, length: k.length, reason: k.reason });
    res.idle += b.idle;
  };
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]!);
    take(s.push(bytes.subarray(pos, pos + n)));
    pos += n;
  }
  take(s.end());
  return res;
}

/** Copy into a larger buffer and hand out a subarray at a non-zero offset (catches byteOffset bugs). */
export function noisy(bytes: Uint8Array): Uint8Array {
  const big = new Uint8Array(bytes.length + 13).fill(0xa5);
  big.set(bytes, 7);
  return big.subarray(7, 7 + bytes.length);
}

/** The shared cases: `make` builds the framing's splitter; `files` are its sample files with their truth. */
export function runFramingSuite(make: () => Splitter, files: () => { bytes: Uint8Array; truth: Truth }[]): void {
  it('recovers exactly the packets, idle count, CRC errors and skipped ranges of the truth', () => {
    for (const { bytes, truth } of files()) {
      const r = splitInChunks(make, bytes, [bytes.length || 1]);
      const perApid: Record<string, number> = {};
      for (const p of r.packets) perApid[p.apid] = (perApid[p.apid] ?? 0) + 1;
      expect(perApid, truth.file).toEqual(truth.packetsPerApid);
      expect(r.idle, truth.file).toBe(truth.idle);
      expect(r.packets.filter((p) => p.crc === 'bad').length, truth.file).toBe(truth.crcErrors);
      expect(r.skips, truth.file).toEqual(truth.skips);
    }
  });

  it('gives the same result in 64 KiB chunks, 1-byte chunks and from a subarray', () => {
    for (const { bytes, truth } of files()) {
      const whole = splitInChunks(make, bytes, [bytes.length || 1]);
      expect(splitInChunks(make, bytes, [65536]), truth.file).toEqual(whole);
      expect(splitInChunks(make, noisy(bytes), [bytes.length || 1]), truth.file).toEqual(whole);
      if (bytes.length < 100_000) expect(splitInChunks(make, bytes, [1]), truth.file).toEqual(whole);
    }
  });

  it('gives the same result for any chunking (property)', () => {
    const all = files();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }), (k, sizes) => {
        const { bytes } = all[k]!;
        expect(splitInChunks(make, bytes, sizes)).toEqual(splitInChunks(make, bytes, [bytes.length || 1]));
      }),
      { numRuns: 40 },
    );
  });
}
