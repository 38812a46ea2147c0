import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPacket, pusCTmSecondaryHeader } from '../../src/ccsds/packet.js';
import { crc16 } from '../../src/ccsds/crc16.js';
import { encodeCuc } from '../../src/time/index.js';
import { generateSim, loadCompressors, scienceFrame, SIM_APIDS, SIM_TIME, type SimPacket } from '../../fixtures/sim-instrument.js';
import { prepareCodecs, zstdContentSize } from './_codecs.js';
import { SIM_PROFILE, toL0 } from './_test-helpers.js';
import { checkPackets } from './checks.js';
import { processStream, userDataOf } from './process.js';
import { reassemble } from './reassemble.js';
import { decodeScienceFrame } from './science-frame.js';
import { sequenceDelta, sortPackets } from './sort.js';
import { QualityFlag, flagNames, type L0Packet } from './types.js';

/** A small PUS-C TM packet of APID `apid`, count `seq`, flags, time `tai`, user data `data`. */
function pkt(apid: number, seq: number, tai: number, flags: 0 | 1 | 2 | 3 = 3, data = new Uint8Array([seq & 0xff, 1, 2])): L0Packet {
  const sh = pusCTmSecondaryHeader({ service: 3, subtype: 25, time: encodeCuc(tai, SIM_TIME) });
  const bytes = buildPacket({ type: 0, apid, sequenceFlags: flags, sequenceCount: seq, secondaryHeader: sh, data, crc: true });
  return { bytes, apid, sequenceCount: seq, sequenceFlags: flags, tai, crc: 'ok' };
}
const T0 = SIM_TIME.epochTai + 820_000_000;

let sim: SimPacket[];
beforeAll(async () => {
  sim = await generateSim({ seconds: 120 });
  await prepareCodecs();
});

describe('sortPackets()', () => {
  it('sequenceDelta() is the signed wrap-aware difference', () => {
    expect(sequenceDelta(0, 16383)).toBe(1);
    expect(sequenceDelta(16383, 0)).toBe(-1);
    expect(sequenceDelta(100, 90)).toBe(10);
  });
  it('orders equal-time segments by count across the 16383 → 0 wrap, and removes identical packets only', () => {
    const a = pkt(5, 16383, T0, 1), b = pkt(5, 0, T0, 0), c = pkt(5, 1, T0, 2);
    const altered = { ...c, bytes: c.bytes.slice() };
    altered.bytes[altered.bytes.length - 3] = altered.bytes[altered.bytes.length - 3]! ^ 1;
    const r = sortPackets([c, b, a, { ...b }, altered]);
    expect(r.packets.map((p) => p.sequenceCount)).toEqual([16383, 0, 1, 1]);
    expect(r.duplicates).toBe(1);
    expect(r.packets[3]).toBe(altered);
  });
  it('keeps the intact copy when another copy of the same packet failed its CRC, in either arrival order', () => {
    const good = { ...pkt(6, 10, T0), crc: 'ok' as const };
    const bad = { ...good, bytes: good.bytes.slice(), crc: 'bad' as const };
    bad.bytes[9] = bad.bytes[9]! ^ 0x10;
    for (const order of [[good, bad], [bad, good]]) {
      const r = sortPackets(order);
      expect(r.packets).toEqual([good]);
      expect(r.duplicates).toBe(1);
    }
    // A CRC-failed packet with no intact twin stays (and is flagged by the checks).
    expect(sortPackets([bad]).packets).toEqual([bad]);
  });
  it('gives the same order for any arrival order of distinct packets (property)', () => {
    const input = sim.slice(0, 200).map((p) => toL0(p));
    const expected = sortPackets(input).packets;
    fc.assert(fc.property(fc.shuffledSubarray(input, { minLength: input.length, maxLength: input.length }), (shuffled) => {
      expect(sortPackets(shuffled).packets).toEqual(expected);
    }), { numRuns: 30 });
  });
  it('keeps packets without time behind their predecessor in arrival order', () => {
    const a = pkt(7, 0, T0 + 10), b = { ...pkt(7, 1, T0), tai: undefined }, c = pkt(8, 0, T0 + 5);
    expect(sortPackets([a, b, c]).packets).toEqual([c, a, b]);
  });
});

describe('checkPackets()', () => {
  it('flags length, CRC, gaps, repeats, missing and implausible times, and bad PUS versions', () => {
    const ok = pkt(9, 0, T0);
    const gap = pkt(9, 3, T0 + 1);
    const repeat = { ...pkt(9, 3, T0 + 2), crc: 'bad' as const };
    const short = { ...pkt(9, 4, T0 + 3), bytes: pkt(9, 4, T0 + 3).bytes.subarray(0, 20) };
    const pusA = pkt(9, 5, T0 + 4);
    pusA.bytes[6] = 0x10; // PUS-A version 1 in a PUS-C stream
    const far = pkt(9, 6, T0 + 1e8);
    const { flags, gaps } = checkPackets([ok, gap, repeat, short, pusA, far], { profile: SIM_PROFILE, timeRange: { minTai: T0 - 1, maxTai: T0 + 1e6 } });
    expect(Array.from(flags, (f) => flagNames(f))).toEqual([
      [], ['sequence_gap'], ['crc', 'sequence_order'], ['length'], ['pus_header'], ['time_out_of_range'],
    ]);
    expect(gaps).toEqual([{ apid: 9, afterSeq: 0, beforeSeq: 3, missing: 2, afterTai: T0, beforeTai: T0 + 1 }]);
  });
  it('judges time monotonic in arrival order per APID and source', () => {
    const a = pkt(9, 0, T0 + 5), b = pkt(9, 1, T0 + 1), late = { ...pkt(9, 2, T0), source: 'late.dat' };
    const { flags } = checkPackets([b, a, late], { profile: SIM_PROFILE }, Int32Array.from([1, 0, 2]));
    expect(Array.from(flags, (f) => (f & QualityFlag.TimeNotMonotonic) !== 0)).toEqual([true, false, false]);
  });
  it('counts a count jump of more than half the range as a long gap when time moved forward', () => {
    const { flags, gaps } = checkPackets([pkt(3, 0, T0), pkt(3, 10000, T0 + 10000)], { profile: SIM_PROFILE });
    expect(flagNames(flags[1]!)).toEqual(['sequence_gap']);
    expect(gaps[0]!.missing).toBe(9999);
  });
});

describe('reassemble()', () => {
  const payload = (p: L0Packet) => userDataOf(p, SIM_PROFILE);
  const seg = (seq: number, flags: 0 | 1 | 2 | 3, byte: number) => pkt(4, seq, T0, flags, new Uint8Array([byte]));
  it('joins first/continuation/last segments across the count wrap', () => {
    const r = reassemble([seg(16382, 1, 1), seg(16383, 0, 2), seg(0, 2, 3)], { apids: () => true, payload });
    expect(r.frames).toMatchObject([{ complete: true, packets: [0, 1, 2] }]);
    expect(Array.from(r.frames[0]!.data)).toEqual([1, 2, 3]);
    expect(r.orphans).toEqual([]);
  });
  it('reports orphans (no first segment) and incomplete frames (count jump, end of data) with their times', () => {
    const r = reassemble([seg(10, 0, 1), seg(11, 2, 2), seg(20, 1, 3), seg(22, 0, 4), seg(23, 2, 5), seg(30, 1, 6)], { apids: () => true, payload });
    expect(r.orphans.map((o) => [o.packet, o.sequenceCount, o.tai])).toEqual([[0, 10, T0], [1, 11, T0], [3, 22, T0], [4, 23, T0]]);
    expect(r.frames.map((f) => [f.packets, f.complete, f.reason])).toEqual([
      [[2], false, 'segment(s) missing: sequence count 20 then 22'],
      [[5], false, 'the data ended before the last segment'],
    ]);
  });
  it('closes a frame at the segment cap', () => {
    const r = reassemble([seg(0, 1, 1), seg(1, 0, 2), seg(2, 0, 3), seg(3, 2, 4)], { apids: () => true, payload, maxSegments: 2 });
    expect(r.frames).toMatchObject([{ complete: false, reason: 'more than 2 segments (cap)', packets: [0, 1] }]);
    expect(r.orphans.map((o) => o.packet)).toEqual([2, 3]);
  });
});

describe('decodeScienceFrame()', () => {
  const raw = Uint8Array.from({ length: 3000 }, (_, i) => (i * 13) % 251);
  it('decodes lz4 and zstd frames and checks length and CRC', async () => {
    const { lz4, zstd } = await loadCompressors();
    for (const [codec, c] of [[1, lz4(raw)], [2, zstd(raw)], [0, raw]] as const) {
      const r = decodeScienceFrame(scienceFrame(codec, 7, raw, c));
      expect(r.ok && Buffer.from(r.data).equals(Buffer.from(raw))).toBe(true);
      expect(r.header).toEqual({ codec, flags: 0, frameId: 7, length: 3000, crc: crc16(raw) });
    }
  });
  it('reports corrupt, truncated, lying and unknown frames as failures, never throwing (fuzz)', async () => {
    const { lz4, zstd } = await loadCompressors();
    const frames = [scienceFrame(1, 1, raw, lz4(raw)), scienceFrame(2, 2, raw, zstd(raw))];
    expect(decodeScienceFrame(frames[0]!.subarray(0, 40))).toMatchObject({ ok: false });
    const lying = frames[1]!.slice();
    lying[7] = lying[7]! ^ 1; // uncompressed length off by one
    expect(decodeScienceFrame(lying)).toMatchObject({ ok: false, reason: /zstd: content size 3000 differs from the expected 3001/ });
    const unknown = frames[0]!.slice();
    unknown[0] = 9;
    expect(decodeScienceFrame(unknown)).toMatchObject({ ok: false, reason: 'unknown codec 9' });
    const big = frames[0]!.slice();
    big[4] = 0x7f;
    expect(decodeScienceFrame(big)).toMatchObject({ ok: false, reason: /exceeds the cap/ });
    fc.assert(fc.property(fc.integer({ min: 0, max: 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (k, flips, cut) => {
      const f = frames[k]!.slice();
      for (const [at, x] of flips) { const i = 10 + (at % (f.length - 10)); f[i] = f[i]! ^ x; }
      const r = decodeScienceFrame(f.subarray(0, cut % 3 === 0 ? cut % f.length : f.length));
      if (r.ok) expect(crc16(r.data)).toBe(r.header!.crc);
    }), { numRuns: 300 });
  });
  it('zstdContentSize() reads the 1/2/4-octet content size fields (RFC 8878 §3.1.1.1)', () => {
    expect(zstdContentSize(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x10]))).toEqual({ ok: true, size: 16 });
    expect(zstdContentSize(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x60, 0x00, 0x01]))).toEqual({ ok: true, size: 512 });
    expect(zstdContentSize(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58]))).toMatchObject({ ok: false });
  });
});

describe('processStream() on generated SIM telemetry', () => {
  it('decodes every science frame of a clean stream back to its CRC, with no flag set', () => {
    const sci = sim.filter((p) => p.apid === SIM_APIDS.science).map((p) => toL0(p));
    const s = processStream(sci, { profile: SIM_PROFILE, reassemble: true, compression: 'science-frame' });
    expect(s.frames.length).toBe(6);
    expect(s.frames.every((f) => f.status === 'ok' && f.data.length === 4096)).toBe(true);
    expect(s.frames.map((f) => f.codec)).toEqual([1, 2, 1, 2, 1, 2]);
    expect(s.summary).toMatchObject({ packets: sci.length, gaps: 0, decompressionFailures: 0, incompleteFrames: 0, orphanSegments: 0, flaggedPackets: 0 });
  });
  it('flags a corrupt frame as failed, keeps its raw data and packets; a lost first segment makes orphans', () => {
    const sci = sim.filter((p) => p.apid === SIM_APIDS.science).map((p) => toL0(p));
    // Corrupt the compressed data inside frame 1's second segment (PEC recomputed: the packet itself is fine).
    const firsts = sci.flatMap((p, i) => (p.sequenceFlags === 1 ? [i] : []));
    const victim = sci[firsts[1]! + 1]!;
    const bytes = victim.bytes.slice();
    bytes[40] = bytes[40]! ^ 0xff;
    const c = crc16(bytes, 0, bytes.length - 2);
    bytes[bytes.length - 2] = c >>> 8; bytes[bytes.length - 1] = c & 0xff;
    const input = sci.map((p) => (p === victim ? { ...p, bytes } : p)).filter((_, i) => i !== firsts[3]);
    const s = processStream(input, { profile: SIM_PROFILE, reassemble: true, compression: 'science-frame' });
    const failed = s.frames.filter((f) => f.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.frameId).toBe(1);
    expect(failed[0]!.data.length).toBeGreaterThan(10); // raw frame kept
    expect(s.summary.packets).toBe(input.length);
    expect(s.summary.decompressionFailures).toBe(1);
    expect(s.summary.gaps).toBe(1);
    expect(s.orphans.length).toBe(firsts[4]! - firsts[3]! - 1);
    for (const i of failed[0]!.packetIndices) expect(s.flags[i]! & QualityFlag.DecompressionFailed).toBeTruthy();
    for (const o of s.orphans) expect(s.flags[o.packet]! & QualityFlag.OrphanSegment).toBeTruthy();
  });
});
