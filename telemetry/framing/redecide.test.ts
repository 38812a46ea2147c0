/**
 * Files re-decide their framing as feed units do (issue 13; redecide.ts is the one mechanism): a file whose
 * first 2 MiB are junk (two read chunks) (so the head decides raw) followed by packets behind a 4-octet marker is read as
 * `prefix:4` from where the evidence turned, by `openPacketFile` and by `idoc packets inspect`; a clean file is
 * decided once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSim, prng } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { run } from '../../bin/idoc.js';
import { openPacketFile, REDECIDE_WINDOW, splitBuffer } from './index.js';

let work: string;
let damaged: string;
let clean: string;
let count: number;
let junkBytes: number;
beforeAll(async () => {
  const sim = await generateSim({ seconds: 3600, seed: 3 });
  const packets = splitBuffer(writeWithDamage('x', sim, 'raw', []).bytes, { framing: 'raw', crc: 'yes' }).batch.packets;
  // A 4-octet marker before each packet (0xFF: never a packet header, never zero fill).
  const body = Buffer.concat(packets.map((p) => Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from(p.buf.subarray(p.offset, p.offset + p.length))])));
  count = packets.length;
  const rnd = prng(5);
  // Junk no framing reads (first octets never a version-0 header): the head decides raw, and the first 1 MiB
  // read holds nothing else (so raw resynchronisation cannot read the packets behind their markers either).
  const junk = Buffer.from(Uint8Array.from({ length: 2 << 20 }, () => 0xe0 | Math.floor(rnd() * 32)));
  junkBytes = junk.length;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-redecide-'));
  damaged = path.join(work, 'junk-then-prefixed.bin');
  clean = path.join(work, 'prefixed.bin');
  fs.writeFileSync(damaged, Buffer.concat([junk, body]));
  fs.writeFileSync(clean, body);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function read(file: string, chunkSize: number) {
  const src = await openPacketFile(file, { framing: 'auto', crc: 'no', chunkSize });
  const head = src.framing;
  const offsets: number[] = [];
  for await (const b of src.batches) for (const p of b.packets) offsets.push(p.streamOffset);
  return { head, framing: src.framing, offsets };
}

describe('openPacketFile re-decides the framing when the evidence turns', () => {
  it('junk head, then prefixed packets: prefix:4 from the turn, nearly every packet, file offsets', async () => {
    for (const chunkSize of [65536, 1 << 20]) {
      const r = await read(damaged, chunkSize);
      expect(r.head.framing).toBe('raw');
      expect(r.framing.framing).toBe('prefix');
      expect(r.framing.prefixBytes).toBe(4);
      expect(r.framing.reason).toMatch(/^re-decided at offset \d+ /);
      // What went by before the switch (at most the window and a chunk) is lost; the rest is read.
      const perByte = count / (fs.statSync(damaged).size - junkBytes);
      expect(r.offsets.length).toBeGreaterThan(count - perByte * (REDECIDE_WINDOW + 2 * chunkSize));
      expect(r.offsets.every((o, i) => o >= junkBytes && (i === 0 || o > r.offsets[i - 1]!))).toBe(true);
    }
  });

  it('a clean file is decided once and read whole; a framing chosen by option is never re-decided', async () => {
    const r = await read(clean, 65536);
    expect(r.framing).toBe(r.head);
    expect(r.offsets.length).toBe(count);
    const src = await openPacketFile(damaged, { framing: 'raw', crc: 'no', chunkSize: 65536 });
    for await (const b of src.batches) void b;
    expect(src.framing.reason).toBe('chosen by option');
  });

  it('idoc packets inspect names the re-decided framing (end to end)', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['packets', 'inspect', damaged, '--crc', 'no'], { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTty: false });
    expect(code, err.join('')).toBe(1); // the junk is skipped bytes: problems found
    expect(out.join('')).toMatch(/framing prefix:4 \(re-decided at offset \d+ \(less than 1\/4 of the bytes before read as packets\)/);
  });
});
