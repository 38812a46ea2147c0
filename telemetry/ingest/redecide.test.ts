/**
 * `--framing auto` re-decides when the evidence turns (issue 13): a unit whose first 300 KB are junk (so the head
 * decides raw) followed by packets behind a 4-octet marker, without a CRC check, reads them once the bytes that do not read show
 * the choice wrong; a clean file is never re-decided.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSim, prng } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { splitBuffer, type Batch } from '../framing/index.js';
import { frameChunks, type FramedUnit } from './frame-unit.js';
import { TICK } from './_ticks.js';

let body: Uint8Array;
let count: number;
beforeAll(async () => {
  const sim = await generateSim({ seconds: 3600, seed: 3 });
  // A 4-octet marker before each packet (0xFF: never a packet header, never zero fill).
  const packets = splitBuffer(writeWithDamage('x', sim, 'raw', []).bytes, { framing: 'raw', crc: 'yes' }).batch.packets;
  body = Buffer.concat(packets.map((p) => Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from(p.buf.subarray(p.offset, p.offset + p.length))])));
  count = splitBuffer(body, { framing: 'prefix', prefixBytes: 4, crc: 'no' }).batch.packets.length;
  expect(count).toBe(packets.length);
});

async function frame(bytes: Uint8Array): Promise<{ info: FramedUnit; packets: number; offsets: number[] }> {
  const info: FramedUnit = { framing: undefined, crc: undefined, bytes: 0 };
  async function* chunks() {
    for (let o = 0; o < bytes.length; o += 65536) yield bytes.subarray(o, o + 65536);
  }
  let packets = 0;
  const offsets: number[] = [];
  for await (const b of frameChunks(chunks(), { framing: 'auto', crc: 'no' }, info)) {
    if (b === TICK) continue;
    packets += (b as Batch).packets.length;
    for (const p of (b as Batch).packets) offsets.push(p.streamOffset);
  }
  return { info, packets, offsets };
}

describe('framing auto re-decides when the evidence turns', () => {
  it('junk head then packets behind a 4-octet marker: switches to prefix:4 and reads nearly all of them, offsets of the unit', async () => {
    const rnd = prng(5);
    // Junk no framing reads (first octets never a version-0 header): the head decides raw.
    const junk = Uint8Array.from({ length: 300_000 }, () => 0xe0 | Math.floor(rnd() * 32));
    const unit = new Uint8Array(junk.length + body.length);
    unit.set(junk, 0);
    unit.set(body, junk.length);
    const r = await frame(unit);
    expect(r.info.framing?.framing).toBe("prefix");
    expect(r.info.framing?.prefixBytes).toBe(4);
    expect(r.info.framing?.reason).toMatch(/^re-decided at offset \d+/);
    // What went by before the switch (at most the window and a chunk) is lost; the rest is read.
    const perByte = count / body.length;
    expect(r.packets).toBeGreaterThan(count - perByte * (256 * 1024 + 2 * 65536));
    // Offsets stay those of the unit: past the junk, increasing.
    expect(r.offsets.every((o, i) => o >= junk.length && (i === 0 || o > r.offsets[i - 1]!))).toBe(true);
  });

  it('a clean prefixed file is decided once and read whole', async () => {
    const r = await frame(body);
    expect(r.info.framing?.reason).not.toMatch(/re-decided/);
    expect(r.packets).toBe(count);
  });
});
