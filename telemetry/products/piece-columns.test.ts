import { describe, expect, it } from 'vitest';
import { buildPacket, pusCTmSecondaryHeader } from '../../src/ccsds/packet.js';
import { encodeCuc, utcToTai } from '../../src/time/index.js';
import { SIM_TIME } from '../../fixtures/sim-instrument.js';
import { SourceTracker } from '../preservation/provenance.js';
import { newSequenceCarry } from './checks.js';
import { encodeIndex } from './index-file.js';
import { encodePiece, markSteppedBack, newPieceTotals, pieceOctets, retroFlags, type PacketPiece } from './piece-columns.js';
import { BlockHasher } from './block-fixity.js';
import { QualityFlag } from './types.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processStream } from './process.js';
import { SIM_PROFILE } from './_test-helpers.js';
import type { L0Packet } from './types.js';

const CRC_NAME = ['none', 'ok', 'bad', 'none'] as const;

/** A seeded piece in arrival order, with what makes the rules fire: same-time runs, duplicates, CRC-failed copies, late packets, gaps, resets, untimed and unsynchronised packets, length errors, DDS fields, two sources. */
/** `arrivedFrom`: the arrival number of the first row (rows arrive in their order). */
function randomPiece(seed: number, n: number, t0: number, arrivedFrom = 0): { piece: PacketPiece; packets: L0Packet[] } {
  let x = seed;
  const rnd = (m: number): number => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return (x >>> 8) % m; };
  const rows: { bytes: Uint8Array; apid: number; seq: number; tai: number; meta: number; received: number; dds: number; source: string }[] = [];
  const seq = [0, 0, 0];
  let t = t0;
  for (let i = 0; i < n; i++) {
    const k = rnd(3);
    const r = rnd(100);
    if (r < 60) t += rnd(3) * 0.5; // runs of equal times
    else if (r < 63) t -= 5; // a late packet
    if (r === 70) seq[k] = (seq[k]! + 3) & 0x3fff; // a gap
    if (r === 71) seq[k] = 0; // a counter restart
    const status = r === 72 ? 2 : r === 73 ? 1 : 0;
    const sh = pusCTmSecondaryHeader({ service: 3, subtype: 25, time: encodeCuc(t, SIM_TIME) });
    if (r === 74) sh[0] = 0x10; // PUS version 1 in a PUS-C profile
    const bytes = buildPacket({ type: 0, apid: 1200 + k, sequenceFlags: 3, sequenceCount: seq[k]!, secondaryHeader: sh, data: new Uint8Array(1 + rnd(40)).fill(rnd(256)), crc: true });
    if (r === 75) bytes[5] = bytes[5]! ^ 1; // length field wrong
    const row = { bytes, apid: 1200 + k, seq: seq[k]!, tai: r === 76 ? NaN : t, meta: 3 | (1 << 2) | (status << 8), received: 1_767_225_600_000 + rnd(3) * 1000, dds: r < 20 ? (0x15 << 16) | rnd(4) : 0, source: r < 50 ? 'a.bin' : 'b.bin' };
    rows.push(row);
    if (r === 80) rows.push({ ...row, source: 'b.bin' }); // the same packet again
    if (r === 81) { const bad = row.bytes.slice(); bad[bad.length - 3] = bad[bad.length - 3]! ^ 0xff; rows.push({ ...row, bytes: bad, meta: 3 | (2 << 2) }); } // a CRC-failed copy after
    if (r === 82) { const bad = row.bytes.slice(); bad[bad.length - 3] = bad[bad.length - 3]! ^ 0xff; rows.splice(rows.length - 1, 0, { ...row, bytes: bad, meta: 3 | (2 << 2) }); } // …and before
    if (r === 83) rows.push({ ...row, meta: 3 }); // no CRC checked
    if (r === 84) row.meta = 3 | (2 << 2); // a CRC failure without an intact copy
    seq[k] = (seq[k]! + 1) & 0x3fff;
  }
  const count = rows.length;
  const offset = new Float64Array(count);
  const length = new Uint32Array(count);
  let total = 0;
  rows.forEach((r, i) => { offset[i] = total; length[i] = r.bytes.length; total += r.bytes.length; });
  const octets = new Uint8Array(new SharedArrayBuffer(total + 7)); // larger than needed, as the reused buffers are
  rows.forEach((r, i) => octets.set(r.bytes, offset[i]!));
  const piece: PacketPiece = {
    count, apid: Uint16Array.from(rows, (r) => r.apid), tai: Float64Array.from(rows, (r) => r.tai), seq: Uint16Array.from(rows, (r) => r.seq),
    meta: Uint16Array.from(rows, (r) => r.meta), received: Float64Array.from(rows, (r) => r.received), arrival: Float64Array.from(rows, (_, i) => arrivedFrom + i), dds: Uint32Array.from(rows, (r) => r.dds),
    source: Int32Array.from(rows, (r) => (r.source === 'a.bin' ? 1 : 2)), sourceName: (id) => (id === 1 ? 'a.bin' : 'b.bin'), octets: octets.subarray(0, total), offset, length,
  };
  // As from-archive.ts made them for the object path (`scanPackets`).
  const packets = rows.map((r, i): L0Packet => ({
    bytes: octets.subarray(offset[i]!, offset[i]! + length[i]!), apid: r.apid, sequenceCount: r.seq, sequenceFlags: r.meta & 3, tai: Number.isNaN(r.tai) ? undefined : r.tai,
    crc: CRC_NAME[(r.meta >>> 2) & 3]!, receivedUnixMs: r.received, source: r.source, groundUnixMs: r.received, timeStatus: (r.meta >>> 8) & 7,
    ...(r.dds !== 0 ? { station: r.dds >>> 16, virtualChannel: r.dds & 0xffff } : {}),
  }));
  return { piece, packets };
}

describe('L0 pieces as columns', () => {
  it('give the data, index records, counts and provenance of processStream + encodeIndex, piece after piece', async () => {
    const t0 = utcToTai('2026-01-01T00:00:00Z');
    const timeRange = { minTai: t0, maxTai: t0 + 400 };
    const carryA = newSequenceCarry(), carryB = newSequenceCarry();
    const trackerA = new SourceTracker();
    const totals = newPieceTotals(new SourceTracker());
    let offset = 0;
    const seen = { duplicates: 0, crcErrors: 0, gaps: 0, resets: 0, timeProblems: 0, lengthErrors: 0, pusHeaderErrors: 0, reordered: 0 };
    for (let k = 0; k < 6; k++) {
      const { piece, packets } = randomPiece(17 + k, 400, t0 + k * 200, k * 1000);
      const s = processStream(packets, { profile: SIM_PROFILE, timeRange, carry: carryA });
      const offsets = new Float64Array(s.packets.length);
      let o = offset;
      s.packets.forEach((p, i) => { offsets[i] = o; o += p.bytes.length; });
      const index = encodeIndex(s.packets, s.flags, offsets, [], undefined, SIM_PROFILE);
      const data = Buffer.concat(s.packets.map((p) => p.bytes));
      for (const p of s.packets) trackerA.add(p);
      const spare = new Uint8Array(new SharedArrayBuffer(pieceOctets(piece)));
      const got = encodePiece(piece, { profile: SIM_PROFILE, timeRange, carry: carryB }, offset, () => spare, (m) => new Uint8Array(new SharedArrayBuffer(m + 5)), totals);
      expect(Buffer.from(got.data)).toEqual(data);
      expect(Buffer.from(got.index)).toEqual(Buffer.from(index.bytes.subarray(0, s.packets.length * 63)));
      offset = o;
      for (const key of Object.keys(seen) as (keyof typeof seen)[]) if (key !== 'reordered') seen[key] += s.summary[key];
      if (s.packets.some((p, i) => p !== packets[i])) seen.reordered++;
    }
    // Every rule was exercised, and the running totals are the sums of processStream's summaries.
    for (const [key, n] of Object.entries(seen)) expect(n, key).toBeGreaterThan(0);
    expect(totals.summary.duplicates).toBe(seen.duplicates);
    expect(totals.summary.gaps).toBe(seen.gaps);
    expect(totals.summary.crcErrors).toBe(seen.crcErrors);
    expect(await totals.tracker.sources('md5')).toEqual(await trackerA.sources('md5'));
    expect(carryB.tai).toEqual(carryA.tai);
  });

  it('hands over the piece\'s own octets when nothing moves or goes, and copies otherwise', () => {
    const t0 = utcToTai('2026-01-01T00:00:00Z');
    const sh = (t: number) => pusCTmSecondaryHeader({ service: 3, subtype: 25, time: encodeCuc(t, SIM_TIME) });
    const mk = (seq: number, t: number) => buildPacket({ type: 0, apid: 1200, sequenceFlags: 3, sequenceCount: seq, secondaryHeader: sh(t), data: new Uint8Array(4), crc: true });
    const piece = (ps: Uint8Array[], tai: number[]): PacketPiece => {
      const offset = new Float64Array(ps.length), length = Uint32Array.from(ps, (p) => p.length);
      let n = 0;
      ps.forEach((p, i) => { offset[i] = n; n += p.length; });
      const octets = new Uint8Array(new SharedArrayBuffer(n));
      ps.forEach((p, i) => octets.set(p, offset[i]!));
      return { count: ps.length, apid: new Uint16Array(ps.length).fill(1200), tai: Float64Array.from(tai), seq: Uint16Array.from(ps, (p) => ((p[2]! & 0x3f) << 8) | p[3]!), meta: new Uint16Array(ps.length).fill(7), received: new Float64Array(ps.length), arrival: Float64Array.from(ps, (_, i) => i), dds: new Uint32Array(ps.length), source: new Int32Array(ps.length), sourceName: () => 's', octets, offset, length };
    };
    const a = mk(0, t0), b = mk(1, t0 + 1);
    const inOrder = piece([a, b], [t0, t0 + 1]);
    const spare = new Uint8Array(new SharedArrayBuffer(64));
    const idx = (m: number) => new Uint8Array(new SharedArrayBuffer(m));
    const r1 = encodePiece(inOrder, { profile: SIM_PROFILE, carry: newSequenceCarry() }, 0, () => spare, idx, newPieceTotals(new SourceTracker()));
    expect(r1.data.buffer).toBe(inOrder.octets.buffer);
    const swapped = piece([b, a], [t0 + 1, t0]);
    const r2 = encodePiece(swapped, { profile: SIM_PROFILE, carry: newSequenceCarry() }, 0, () => spare, idx, newPieceTotals(new SourceTracker()));
    expect(r2.data.buffer).toBe(spare.buffer);
    expect(Buffer.from(r2.data)).toEqual(Buffer.concat([a, b]));
  });

  it('flags across pieces: the packets of earlier pieces a later one arrived before, set in the index file in one pass', async () => {
    // Three pieces (time order) of one APID and source; arrival numbers: piece 2 holds one that arrived before two
    // packets of piece 0 and one of piece 1.
    const state = newPieceTotals(new SourceTracker()).monotonic;
    state.pieces.push({ arrival: Float64Array.from([1, 2, 50, 60]), key: new Uint32Array(4).fill(7) });
    state.pieces.push({ arrival: Float64Array.from([3, 55, NaN]), key: new Uint32Array(3).fill(7) });
    state.pieces.push({ arrival: Float64Array.from([4, 40]), key: Uint32Array.from([7, 8]) });
    state.inversion = true;
    expect(retroFlags(state)).toEqual([2, 3, 5]);
    // An index of 100,000 records (over 6 MB: more than one part of the pass), some flagged already.
    const dir = mkdtempSync(path.join(tmpdir(), 'idoc-steps-'));
    try {
      const n = 100_000, file = path.join(dir, 'index.dat');
      const bytes = Buffer.alloc(n * 63);
      bytes.writeUInt32BE(QualityFlag.Crc, 70_000 * 63 + 18);
      bytes.writeUInt32BE(QualityFlag.TimeNotMonotonic, 90_000 * 63 + 18);
      writeFileSync(file, bytes);
      const records = [0, 66_577, 70_000, 90_000, 99_999];
      const summary = newPieceTotals(new SourceTracker()).summary;
      const fh = await open(file, 'r+');
      const got = await markSteppedBack(fh, bytes.length, records, summary);
      await fh.close();
      const after = readFileSync(file);
      for (const r of records) bytes.writeUInt32BE((bytes.readUInt32BE(r * 63 + 18) | QualityFlag.TimeNotMonotonic) >>> 0, r * 63 + 18);
      expect(after.equals(bytes)).toBe(true);
      // Counted once each: the CRC-flagged one had no time problem; the one already flagged is not counted again.
      expect([summary.flaggedPackets, summary.timeProblems]).toEqual([3, 4]);
      expect(got).toEqual({ md5: createHash('md5').update(after).digest('hex'), blocks: new BlockHasher().update(after).digest() });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
