import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPacket, pusCTmSecondaryHeader } from '../ccsds/packet.js';
import { DEFAULT_PROFILE } from '../ccsds/profile.js';
import { openArchive, type Archive } from './index.js';
import { framed, items } from './_test-packets.js';
import type { StoredPacketInput } from './types.js';
import { sharedBytes, WriteBehind } from './write-behind.js';

const P = DEFAULT_PROFILE;
const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-wb-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

/** A 1,000-octet PUS-C TM packet (so that a few hundred make a batch the worker thread writes). */
function bigPacket(apid: number, seq: number, coarse: number): Uint8Array {
  const time = new Uint8Array(6);
  new DataView(time.buffer).setUint32(0, coarse);
  const data = new Uint8Array(1000 - 6 - 10 - 2);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + seq) & 0xff;
  return buildPacket({ type: 0, apid, sequenceFlags: 3, sequenceCount: seq, secondaryHeader: pusCTmSecondaryHeader({ service: 3, subtype: 25, time }), data, crc: true });
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const segBytes = (dir: string) => fs.readdirSync(path.join(dir, 'segments')).reduce((n, f) => n + fs.statSync(path.join(dir, 'segments', f)).size, 0);
const allBytes = (a: Archive) => [...a.query()].map((r) => hex(a.bytesOf(r)));
const sum = (ps: readonly Uint8Array[]) => ps.reduce((n, p) => n + p.length, 0);

describe.each(['always', 'never'] as const)('segment octets of batches of 256 KiB and more, write-behind %s', (mode) => {
  const pk = Array.from({ length: 900 }, (_, i) => bigPacket(1100 + (i % 2), i, 50_000 + i));

  it('stores large batches with their octets intact and no space for duplicates, across reopenings', () => {
    const dir = tmp();
    let a = openArchive(dir, { writeBehind: mode });
    expect(a.storeBatch(items(framed(pk.slice(0, 400)), P), { feed: 'f', value: 'a' })).toMatchObject({ stored: 400, duplicates: 0, repeats: 0 });
    expect(segBytes(dir)).toBe(sum(pk.slice(0, 400)));
    // 300 repeats interleaved with 300 new packets: the worker writes all 600, the new ones are packed and the
    // file cut at the committed end.
    const mixed = pk.slice(100, 700);
    expect(a.storeBatch(items(framed(mixed), P), { feed: 'f', value: 'b' })).toMatchObject({ stored: 300, duplicates: 300, repeats: 0 });
    expect(segBytes(dir)).toBe(sum(pk.slice(0, 700)));
    // A batch of nothing but repeats leaves the segment as it was.
    expect(a.storeBatch(items(framed(pk.slice(0, 500)), P))).toMatchObject({ stored: 0, duplicates: 500, repeats: 0 });
    expect(segBytes(dir)).toBe(sum(pk.slice(0, 700)));
    a.close();
    a = openArchive(dir, { writeBehind: mode });
    expect(a.storeBatch(items(framed(pk.slice(650)), P), { feed: 'f', value: 'c' })).toMatchObject({ stored: 200, duplicates: 50, repeats: 0 });
    expect(segBytes(dir)).toBe(sum(pk));
    expect(allBytes(a)).toEqual(pk.map(hex));
    expect(a.cursor('f')).toBe('c');
    a.close();
  });

  it('a batch that throws while its octets are being written leaves the archive as it was', () => {
    const dir = tmp();
    const a = openArchive(dir, { writeBehind: mode });
    a.storeBatch(items(framed(pk.slice(0, 300)), P), { feed: 'f', value: 'one' });
    const size = segBytes(dir);
    const batch = items(framed(pk.slice(300, 800)), P);
    const broken: StoredPacketInput[] = batch.map((it, i) => i === 450 ? Object.defineProperty({ ...it }, 'route', { get() { throw new Error('feed dropped'); } }) : it);
    expect(() => a.storeBatch(broken, { feed: 'f', value: 'two' })).toThrow('feed dropped');
    expect(a.cursor('f')).toBe('one');
    expect(a.status().packets).toBe(300);
    expect(a.storeBatch(batch, { feed: 'f', value: 'two' })).toMatchObject({ stored: 500, duplicates: 0, repeats: 0 });
    a.close();
    expect(segBytes(dir)).toBe(size + sum(pk.slice(300, 800)));
    const b = openArchive(dir, { readonly: true });
    expect(allBytes(b)).toEqual(pk.slice(0, 800).map(hex));
    b.close();
  });
});

describe('WriteBehind', () => {
  it('writes at the position given, and reports the worker\'s error with its code', () => {
    const dir = tmp();
    const file = path.join(dir, 'x.bin');
    fs.writeFileSync(file, 'abcdefgh');
    const w = new WriteBehind();
    try {
      const buf = sharedBytes(16);
      buf.set(Buffer.from('XYZ'));
      const fd = fs.openSync(file, 'r+');
      w.start(fd, buf, 3, 2, true);
      w.wait();
      fs.closeSync(fd);
      expect(fs.readFileSync(file, 'utf8')).toBe('abXYZfgh');
      const ro = fs.openSync(file, 'r');
      w.start(ro, buf, 3, 0, false);
      let err: (Error & { code?: string; syscall?: string }) | undefined;
      try { w.wait(); } catch (e) { err = e as Error; }
      fs.closeSync(ro);
      expect(err).toMatchObject({ code: 'EBADF', syscall: 'write' });
      expect(() => w.start(0, new Uint8Array(4), 4, 0, false)).toThrow(/shared buffer/);
    } finally {
      w.close();
    }
  });
});
