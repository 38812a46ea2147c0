import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSamples } from '../../fixtures/generate.js';
import type { Truth } from '../../fixtures/damage.js';
import { generateSim } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { createRawSplitter } from './raw/reader.js';
import { createDdsSplitter } from './dds/reader.js';
import { createPrefixSplitter } from './prefix/reader.js';
import { createCaptureSplitter } from './capture.js';
import { decodeDdsHeader } from './dds/layout.js';
import { detectFraming } from './detect.js';
import { splitBuffer } from './read.js';
import { runFramingSuite, splitInChunks } from './framing.case.js';

let samples: { files: Map<string, Uint8Array>; truth: Truth[] };
beforeAll(async () => { samples = await buildSamples(); });
const pick = (...names: string[]) => () => names.map((n) => ({ bytes: samples.files.get(n)!, truth: samples.truth.find((t) => t.file === n)! }));

describe('raw framing', () => runFramingSuite(() => createRawSplitter({ crc: true }), pick('sim.bin', 'sim_damaged.bin', 'zeros.bin', 'empty.bin')));
describe('DDS framing', () => runFramingSuite(() => createDdsSplitter({ crc: true }), pick('sim.dds', 'sim_damaged.dds')));
describe('prefix framing', () => runFramingSuite(() => createPrefixSplitter(4, { crc: true }), pick('sim_prefix4.bin', 'sim_damaged_prefix4.bin')));

describe('capture framing (pcap UDP, pcapng TCP carrying DDS)', () => runFramingSuite(() => createCaptureSplitter({ crc: true }), pick('sim.pcap', 'sim_dds_tcp.pcapng')));

describe('capture offsets', () => {
  it('packet offsets point into the capture file at the packet bytes', () => {
    const bytes = samples.files.get('sim.pcap')!;
    const r = splitInChunks(() => createCaptureSplitter({ crc: true }), bytes, [bytes.length]);
    for (const p of r.packets.slice(0, 50)) expect(Buffer.from(bytes.subarray(p.offset, p.offset + p.length)).toString('hex')).toBe(p.bytes);
  });
});

describe('framing without CRC', () => {
  it('raw framing without a PEC still recovers every packet of the clean stream and flags none', () => {
    const r = splitInChunks(() => createRawSplitter({ crc: false }), samples.files.get('sim.bin')!, [4096]);
    expect(r.packets).toHaveLength(705);
    expect(r.packets.every((p) => p.crc === 'none')).toBe(true);
    expect(r.skips).toEqual([]);
  });

  it('garbage and zero runs are skipped and reported exactly without a PEC too', async () => {
    const packets = await generateSim({ seconds: 60 });
    const { bytes, truth } = writeWithDamage('x.bin', packets, 'raw', [
      { kind: 'garbage', afterApid: 1100, afterSeq: 5, length: 50 },
      { kind: 'zeros', afterApid: 1101, afterSeq: 9, length: 33 },
      { kind: 'truncate-last', keep: 30 },
    ]);
    const r = splitInChunks(() => createRawSplitter({ crc: false }), bytes, [1000]);
    expect(r.skips).toEqual(truth.skips);
    expect(r.packets).toHaveLength(truth.packets);
  });

  it('a lone unknown APID right after a good packet is passed on, not skipped, when APIDs are declared', async () => {
    const packets = await generateSim({ seconds: 5 });
    const known = new Uint8Array(2048);
    known[1100] = 1; // 1101 and the others are not declared
    const { bytes } = writeWithDamage('x.bin', packets, 'raw', []);
    const r = splitInChunks(() => createRawSplitter({ crc: true, knownApids: known }), bytes, [bytes.length]);
    expect(r.packets.length).toBe(packets.length);
    expect(new Set(r.packets.map((p) => p.apid))).toEqual(new Set([1100, 1101]));
  });
});

describe('large chunks (the carried tail is stitched to the head of the next chunk)', () => {
  it('gives the same result as one push, with damage and 65 KB packets across chunk boundaries, with and without CRC', async () => {
    const { buildPacket } = await import('../../src/ccsds/packet.js');
    const sim = await generateSim({ seconds: 3600 });
    // Interleave long packets so that a record and its confirmation need more than the stitched head.
    const big = (i: number) => ({ bytes: buildPacket({ type: 0, apid: 1110, sequenceFlags: 3, sequenceCount: (9000 + i) % 16384, secondaryHeader: new Uint8Array(0), data: new Uint8Array(65_400).fill(i & 0xff), crc: true }), apid: 1110, sequenceCount: (9000 + i) % 16384, tai: 0 });
    const packets = sim.flatMap((p, i) => (i % 1500 === 700 ? [p, big(i), big(i + 1)] : [p]));
    const { bytes } = writeWithDamage('big.bin', packets, 'raw', [
      { kind: 'garbage', afterApid: 1100, afterSeq: 900, length: 333 },
      { kind: 'zeros', afterApid: 1101, afterSeq: 1800, length: 70_000 },
      { kind: 'bitflip', apid: 1100, seq: 2500, byte: 20 },
    ]);
    expect(bytes.length).toBeGreaterThan(1_000_000);
    for (const crc of [true, false]) {
      const make = () => createRawSplitter({ crc });
      const whole = splitInChunks(make, bytes, [bytes.length]);
      expect(whole.packets.length).toBeGreaterThan(8000);
      for (const sizes of [[150_000], [200_003, 131_073], [333_333, 1, 262_144]]) expect(splitInChunks(make, bytes, sizes)).toEqual(whole);
    }
  });

  it('a small stitch exercises both paths (decided in the stitch, or joined further) with any chunking (property)', async () => {
    const samples = await buildSamples();
    const files = ['sim_damaged.bin', 'sim.bin', 'zeros.bin'].map((n) => samples.files.get(n)!);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: files.length - 1 }), fc.boolean(), fc.integer({ min: 1, max: 300 }), fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 12 }), (k, crc, stitchBytes, sizes) => {
        const bytes = files[k]!;
        const whole = splitInChunks(() => createRawSplitter({ crc }), bytes, [bytes.length]);
        expect(splitInChunks(() => createRawSplitter({ crc, stitchBytes }), bytes, sizes)).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });
});

describe('never throws, never stops early', () => {
  it('any bytes give packets and skips that tile the input exactly (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), fc.integer({ min: 0, max: 2 }), (bytes, crc, kind) => {
        const make = () => (kind === 0 ? createRawSplitter({ crc }) : kind === 1 ? createDdsSplitter({ crc }) : createPrefixSplitter(4, { crc }));
        const r = splitInChunks(make, bytes, [97]);
        // Every byte is accounted for once: packets (with their framing header) and skips, in order.
        const H = kind === 1 ? 18 : kind === 2 ? 4 : 0;
        const ranges = [
          ...r.packets.map((p) => [p.offset - H, p.length + H] as const),
          ...r.skips.map((s) => [s.offset, s.length] as const),
        ].sort((a, b) => a[0] - b[0]);
        let pos = 0;
        for (const [o, l] of ranges) { expect(o).toBe(pos); pos = o + l; }
        // Idle packets are not listed; their bytes are the only ones unaccounted.
        if (r.idle === 0) expect(pos).toBe(bytes.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('DDS header (formats.md §4.3)', () => {
  it('decodeDdsHeader() reads the scospus test vector', () => {
    const h = decodeDdsHeader(Uint8Array.from(Buffer.from('3A4FC88000000000000000050015013 0F001'.replace(/ /g, ''), 'hex')), 0);
    expect(h).toEqual({ seconds: 978307200, microseconds: 0, packetSize: 5, groundStation: 0x15, virtualChannel: 0x130, sleService: 0xf0, timeQuality: 1 });
  });
  it('the DDS fields travel with each packet', () => {
    const r = createDdsSplitter({ crc: true }).push(samples.files.get('sim.dds')!);
    expect(r.packets[0]!.dds).toMatchObject({ groundStation: 0x18, virtualChannel: 0, sleService: 0xf0, timeQuality: 0 });
  });
});

describe('detectFraming()', () => {
  it('tells raw, DDS and prefix files apart and says why', () => {
    expect(detectFraming(samples.files.get('sim.bin')!).framing).toBe('raw');
    expect(detectFraming(samples.files.get('sim.dds')!).framing).toBe('dds');
    expect(detectFraming(samples.files.get('sim_prefix4.bin')!)).toMatchObject({ framing: 'prefix', prefixBytes: 4 });
    expect(detectFraming(new Uint8Array(0)).reason).toBe('empty input');
  });
  it('recognises every pcap magic and pcapng', () => {
    for (const m of ['a1b2c3d4', 'd4c3b2a1', 'a1b23c4d', '4d3cb2a1']) expect(detectFraming(Buffer.from(`${m}00000000`, 'hex')).framing).toBe('pcap');
    expect(detectFraming(Buffer.from('0a0d0d0a00000000', 'hex')).framing).toBe('pcapng');
  });
  it('splitBuffer() with crc auto finds the PEC on SIM packets', () => {
    const r = splitBuffer(samples.files.get('sim_damaged.dds')!);
    expect(r.crc).toBe(true);
    expect(r.framing.framing).toBe('dds');
  });
});

// Real telemetry from ../shared/samples (shared/samples/SOURCES.md gives the facts asserted here).
const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples');
const real = (name: string) => path.join(SHARED, name);
const haveShared = existsSync(SHARED);
if (!haveShared) console.warn(`skipping real-telemetry framing tests: ${SHARED} not found`);

describe.skipIf(!haveShared)('real telemetry (../shared/samples)', () => {
  const counts = (pk: { apid: number }[]) => {
    const m: Record<number, number> = {};
    for (const p of pk) m[p.apid] = (m[p.apid] ?? 0) + 1;
    return m;
  };
  it('BepiColombo SERENA DDS: 7,873 records, APID counts and first DDS time', () => {
    const r = splitBuffer(readFileSync(real('2015-04-22_tm.dds')));
    expect(r.framing.framing).toBe('dds');
    expect(r.batch.packets).toHaveLength(7873);
    expect(counts(r.batch.packets)).toEqual({ 1604: 3813, 1636: 3749, 1633: 264, 1639: 38, 1601: 6, 1641: 2, 1607: 1 });
    const d = r.batch.packets[0]!.dds!;
    expect(new Date(d.seconds * 1000 + d.microseconds / 1000).toISOString()).toBe('2015-04-22T07:19:18.983Z');
    expect(d.microseconds).toBe(983564);
    expect(d).toMatchObject({ groundStation: 0, virtualChannel: 0, timeQuality: 1 });
    expect(r.batch.skips).toEqual([]);
  });
  it('IMAP CoDICE housekeeping: 622 packets in 11 APIDs, every PEC correct', () => {
    const r = splitBuffer(readFileSync(real('imap_codice_l0_hskp_20100101_v001.pkts')));
    expect(r.framing.framing).toBe('raw');
    expect(r.crc).toBe(true);
    expect(r.batch.packets).toHaveLength(622);
    expect(r.batch.packets.every((p) => p.crc === 'ok')).toBe(true);
    expect(counts(r.batch.packets)).toEqual({ 1120: 100, 1121: 12, 1136: 99, 1137: 2, 1138: 2, 1139: 1, 1141: 10, 1145: 99, 1146: 99, 1147: 99, 1148: 99 });
  });
  it('CTIM: 1,499 packets without CRC, packet 159 (0-based) is APID 34', () => {
    const r = splitBuffer(readFileSync(real('ccsds_2021_155_14_39_51')));
    expect(r.crc).toBe(false);
    expect(r.batch.packets).toHaveLength(1499);
    expect(r.batch.packets[159]!.apid).toBe(34); // the 160th packet (0-based 159)
    expect(r.batch.skips).toEqual([]);
    expect(counts(r.batch.packets)).toMatchObject({ 1: 104, 20: 6, 32: 104, 41: 1147, 42: 72, 47: 63 });
  });
  it('IMAP Lo: 12,937 packets in 12 APIDs', () => {
    const r = splitBuffer(readFileSync(real('imap_lo_l0_raw_20240627_v001.pkts')));
    expect(r.batch.packets).toHaveLength(12937);
    expect(Object.keys(counts(r.batch.packets))).toHaveLength(12);
    expect(r.batch.skips).toEqual([]);
  });
});
