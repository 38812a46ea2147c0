import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { I, INTS, PackedBatchBuilder, packItems, R, REALS } from './packed-batch.js';
import { utcUnixToTai } from '../time/utc.js';
import { framed, framedDds, pusPacket } from '../store/_test-packets.js';

const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

describe('PackedBatchBuilder', () => {
  it('packs packets from several buffers, back to back runs and DDS records alike, growing past its capacity', () => {
    fc.assert(fc.property(fc.array(fc.record({ n: fc.integer({ min: 1, max: 40 }), dds: fc.boolean() }), { minLength: 1, maxLength: 8 }), (groups) => {
      const b = new PackedBatchBuilder(64, 2); // tiny: every batch grows both buffers
      let seq = 0;
      const want: string[] = [];
      const fields: number[][] = [];
      for (const [g, { n, dds }] of groups.entries()) {
        const pk = Array.from({ length: n }, () => pusPacket(1100 + g, seq, 1000 + seq++, g));
        const ps = dds ? framedDds(pk, 0x15, 1_000_000 + g) : framed(pk);
        for (const p of ps) {
          b.add(p, p.sequenceCount + 0.5, `R${g % 3}`, 'f', `src${g % 2}`, 7);
          want.push(hex(p.buf.subarray(p.offset, p.offset + p.length)));
          fields.push([p.apid, p.sequenceCount, p.length, dds ? 1_000_000_000 + g * 1000 : 7, dds ? (0x15 << 16) | 3 : -1]);
        }
      }
      const batch = b.seal();
      expect(batch.count).toBe(want.length);
      expect(batch.octets.buffer).toBeInstanceOf(SharedArrayBuffer);
      let at = 0;
      for (let i = 0; i < batch.count; i++) {
        const v = batch.ints.subarray(i * INTS, (i + 1) * INTS);
        const r = batch.reals.subarray(i * REALS, (i + 1) * REALS);
        // The ground time is the DDS header's time, else the receipt time.
        expect([v[I.apid], v[I.seq], v[I.len], r[R.ground], v[I.dds]]).toEqual(fields[i]);
        expect(r[R.tai]).toBe(v[I.seq]! + 0.5);
        expect(r[R.obt]).toBe(v[I.seq]! + 0.5);
        expect((v[I.meta]! >>> 8) & 7).toBe(0);
        expect(batch.routes[v[I.route]!]).toBe(`R${(v[I.apid]! - 1100) % 3}`);
        expect(batch.sources[v[I.source]!]).toEqual({ feed: 'f', source: `src${(v[I.apid]! - 1100) % 2}` });
        expect(hex(batch.octets.subarray(at, at + v[I.len]!))).toBe(want[i]);
        at += v[I.len]!;
      }
      expect(batch.bytes).toBe(at);
      expect(new Set(batch.routes).size).toBe(batch.routes.length);
    }), { numRuns: 50 });
  });

  it('reset() empties it for the next batch; packItems packs the archive input type', () => {
    const ps = framed([pusPacket(1100, 1, 1000), pusPacket(1100, 2, 1001)]);
    const b = new PackedBatchBuilder();
    const first = packItems(ps.map((packet) => ({ packet, tai: undefined, route: 'A', feed: 'f', source: 's', receivedUnixMs: 1 })), b);
    // No time given: timed by its ground time (the receipt time), flagged "no on-board time".
    expect([first.count, first.routes, Number.isNaN(first.reals[R.obt]), (first.ints[I.meta]! >>> 8) & 7]).toEqual([2, ['A'], true, 1]);
    expect(first.reals[R.tai]).toBe(utcUnixToTai(0.001));
    expect(first.receivedUnixMs).toBe(1);
    const second = packItems([{ packet: ps[1]!, tai: 3, route: 'B', feed: 'g', source: 't', receivedUnixMs: 2 }], b);
    expect([second.count, second.bytes, second.routes, second.sources]).toEqual([1, ps[1]!.length, ['B'], [{ feed: 'g', source: 't' }]]);
    expect(hex(second.octets.subarray(0, second.bytes))).toBe(hex(ps[1]!.buf.subarray(ps[1]!.offset, ps[1]!.offset + ps[1]!.length)));
  });
});
