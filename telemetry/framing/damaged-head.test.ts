/**
 * `--framing auto` with a damaged head (issue 13): bad bytes before thousands of packets must not lock a file onto
 * a framing they happen to fit (16 bad bytes before 2,000 packets gave `prefix:11` and lost 1,000 packets).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateSim } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { detectFraming, splitBuffer } from './index.js';

let raw: Uint8Array;
let dds: Uint8Array;
let packets: number;
beforeAll(async () => {
  const sim = await generateSim({ seconds: 900 });
  raw = writeWithDamage('x', sim, 'raw', []).bytes;
  dds = writeWithDamage('x', sim, 'dds', []).bytes;
  packets = splitBuffer(raw, { framing: 'raw', crc: 'yes' }).batch.packets.length;
});

const withHead = (bad: Uint8Array, body: Uint8Array): Uint8Array => {
  const out = new Uint8Array(bad.length + body.length);
  out.set(bad, 0);
  out.set(body, bad.length);
  return out;
};

describe('framing detection with damaged first bytes', () => {
  it('16 bad bytes before the packets: raw, and every packet is read', () => {
    expect(packets).toBeGreaterThan(1500);
    const bad = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);
    const file = withHead(bad, raw);
    const choice = detectFraming(file.subarray(0, 256 * 1024));
    expect(choice.framing).toBe('raw');
    expect(choice.reason).toMatch(/from offset \d+/);
    const r = splitBuffer(file, { framing: 'auto', crc: 'yes' });
    expect(r.batch.packets.length).toBe(packets);
  });

  it('any 1..64 bad bytes before raw or DDS records: the right framing, no packet lost (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean(), (bad, isDds) => {
      const body = isDds ? dds : raw;
      const file = withHead(bad, body);
      const r = splitBuffer(file, { framing: 'auto', crc: 'yes' });
      expect(r.framing.framing).toBe(isDds ? 'dds' : 'raw');
      expect(r.batch.packets.length).toBeGreaterThanOrEqual(packets - 1); // bad bytes may eat at most the first packet
    }), { numRuns: 60 });
  });

  it.each([
    [[0, 0, 0, 0, 4, 214]], // reads as an APID-0 header: a CRC-failed first record, once kept, poisoned the APIDs known
    [[26, 103, 114, 146, 215, 45, 104, 43, 243]], // chains four loose headers through the packet data
    [[24, 71, 42, 27, 192, 118, 73, 14, 141, 241]], // its length lands on a real packet boundary 49,277 octets on
  ])('heads found by the property test: %j before raw records loses no packet', (bad) => {
    const r = splitBuffer(withHead(Uint8Array.from(bad), raw), { framing: 'auto', crc: 'yes' });
    expect(r.framing.framing).toBe('raw');
    expect(r.batch.packets.length).toBeGreaterThanOrEqual(packets - 1);
  });

  it('clean files keep their reasons (offset 0)', () => {
    expect(detectFraming(raw.subarray(0, 256 * 1024)).reason).toMatch(/consecutive CCSDS packets from offset 0$/);
    expect(detectFraming(dds.subarray(0, 256 * 1024)).framing).toBe('dds');
  });
});
