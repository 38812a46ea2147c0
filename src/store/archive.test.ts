import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { DEFAULT_PROFILE } from '../ccsds/profile.js';
import { InputError } from '../errors.js';
import { asTai } from '../time/tai.js';
import { openArchive, type Archive } from './index.js';
import { framed, framedDds, items, pusPacket } from './_test-packets.js';
import type { StoredPacketInput } from './types.js';

const P = DEFAULT_PROFILE; // CUC 4+2, CCSDS epoch: tai = coarse + fine/65536
const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-store-')); dirs.push(d); return d; };
afterEach(() => { vi.restoreAllMocks(); for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

const segBytes = (dir: string) => fs.readdirSync(path.join(dir, 'segments')).reduce((n, f) => n + fs.statSync(path.join(dir, 'segments', f)).size, 0);
const allBytes = (a: Archive) => [...a.query()].map((r) => Buffer.from(a.bytesOf(r)).toString('hex'));

describe('storeBatch dedupe', () => {
  it('stores the same packet from two stations (different DDS headers) once and counts the duplicate', () => {
    const a = openArchive(tmp());
    const pk = [pusPacket(1100, 5, 1000), pusPacket(1100, 6, 1001)];
    const kourou = framedDds(pk, 0x15, 1_000_000);
    const cebreros = framedDds(pk, 0x18, 1_000_003);
    expect(kourou[0]!.dds!.groundStation).toBe(0x15);
    expect(a.storeBatch(items(kourou, P))).toMatchObject({ stored: 2, duplicates: 0, repeats: 0 });
    const second = a.storeBatch(items(cebreros, P));
    expect(second).toMatchObject({ stored: 0, duplicates: 2, repeats: 0 });
    expect(second.perApid).toEqual(Int32Array.from([1100, 2, 0])); // per APID: (APID, duplicates, repeats)
    // The same octets without any DDS header (a raw replay) received within the duplicate window (300 s) too.
    expect(a.storeBatch(items(framed(pk), P, { receivedUnixMs: 1_000_200_000 }))).toMatchObject({ stored: 0, duplicates: 2, repeats: 0 });
    const rows = [...a.query()];
    expect(rows.map((r) => [r.apid, r.sequenceCount, r.dds?.groundStation, r.dds?.virtualChannel])).toEqual([[1100, 5, 0x15, 3], [1100, 6, 0x15, 3]]);
    expect(rows[0]!.dds!.unixMs).toBe(1_000_000_000);
    const s = a.status();
    expect(s.apids[0]).toMatchObject({ apid: 1100, packets: 2, duplicates: 4, crcErrors: 0, firstTai: 1000, lastTai: 1001 });
    a.close();
  });

  it('keeps a wrapped count with a different packet time as a second packet', () => {
    const a = openArchive(tmp());
    const first = pusPacket(1101, 7, 5000);
    const wrapped = pusPacket(1101, 7 + 16384, 5000 + 16384); // same 14-bit count 7, one wrap later
    expect(a.storeBatch(items(framed([first, wrapped]), P))).toMatchObject({ stored: 2, duplicates: 0, repeats: 0 });
    expect([...a.query()].map((r) => [r.sequenceCount, r.tai])).toEqual([[7, 5000], [7, 21384]]);
    a.close();
  });

  it('tells apart a corrupted copy (same count and time, other octets) from the good one', () => {
    const a = openArchive(tmp());
    const good = pusPacket(1100, 30, 2000);
    const bad = good.slice();
    bad[20] = bad[20]! ^ 0x10;
    const r = a.storeBatch(items(framed([good, bad, good]), P));
    expect(r).toMatchObject({ stored: 2, duplicates: 1, repeats: 0 });
    expect(a.status().apids[0]!.crcErrors).toBe(1);
    a.close();
  });

  it('stores only the new rows of batches mixing new and repeated packets (group fast path and row fallback), bytes intact', () => {
    const dir = tmp();
    const a = openArchive(dir);
    const pk = Array.from({ length: 300 }, (_, i) => pusPacket(1100 + (i % 3), i, 10_000 + i, i & 0xff));
    expect(a.storeBatch(items(framed(pk.slice(0, 150)), P))).toMatchObject({ stored: 150, duplicates: 0, repeats: 0 });
    const size = segBytes(dir);
    // 100 repeats then 150 new ones then the first 50 again.
    const mixed = [...pk.slice(50, 150), ...pk.slice(150), ...pk.slice(0, 50)];
    expect(a.storeBatch(items(framed(mixed), P))).toMatchObject({ stored: 150, duplicates: 150, repeats: 0 });
    expect(segBytes(dir) - size).toBe(pk.slice(150).reduce((n, p) => n + p.length, 0)); // no space for duplicates
    const expected = pk.map((p) => Buffer.from(p).toString('hex'));
    expect(allBytes(a)).toEqual(expected); // time order = creation order here
    expect(a.storeBatch(items(framed(pk), P))).toMatchObject({ stored: 0, duplicates: 300, repeats: 0 });
    a.close();
  });

  it('moves the new rows of a group that met duplicates to contiguous octets (interleaved new and repeated packets)', () => {
    const dir = tmp();
    const a = openArchive(dir);
    const pk = Array.from({ length: 256 }, (_, i) => pusPacket(1101, i, 3000 + i, i & 0xff));
    const odd = pk.filter((_, i) => i % 2 === 1);
    a.storeBatch(items(framed(odd.slice(0, 40)), P));
    const size = segBytes(dir);
    // Groups of 64 rows: the first holds 40 repeats among 24 new rows; the same packet twice in one group too.
    const batch = [...pk.slice(0, 80), pk[3]!, ...pk.slice(80)];
    expect(a.storeBatch(items(framed(batch), P))).toMatchObject({ stored: 256 - 40, duplicates: 41, repeats: 0 });
    expect(segBytes(dir) - size).toBe(pk.reduce((n, p) => n + p.length, 0) - odd.slice(0, 40).reduce((n, p) => n + p.length, 0));
    expect(allBytes(a)).toEqual(pk.map((p) => Buffer.from(p).toString('hex')));
    a.close();
  });

  it('counts stored + duplicates = distinct + repeats for any delivery order (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 79 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 90 }), (picks, cut) => {
      const a = openArchive(tmp(), { fsync: false, synchronous: 'normal' });
      const pool = Array.from({ length: 80 }, (_, i) => pusPacket(1100 + (i % 2), i, 100 + i));
      const all = picks.map((k) => pool[k]!);
      const r1 = a.storeBatch(items(framed(all.slice(0, cut)), P));
      const r2 = a.storeBatch(items(framed(all.slice(cut)), P));
      const distinct = new Set(picks).size;
      a.close();
      return r1.stored + r2.stored === distinct && r1.duplicates + r2.duplicates === picks.length - distinct;
    }), { numRuns: 25 });
  });
});

describe('cursor and atomicity', () => {
  it('saves the cursor with the batch and leaves everything unchanged when a batch throws mid-way', () => {
    const dir = tmp();
    const a = openArchive(dir);
    const good = items(framed([pusPacket(1100, 1, 100), pusPacket(1100, 2, 101)]), P);
    a.storeBatch(good, { feed: 'dds', value: 'c1' });
    expect(a.cursor('dds')).toBe('c1');
    const size = segBytes(dir);
    const batch = items(framed(Array.from({ length: 200 }, (_, i) => pusPacket(1100, 10 + i, 200 + i))), P);
    // Item 150 blows up when read: after 2 groups of rows have gone in.
    const broken: StoredPacketInput[] = batch.map((it, i) => i === 150 ? Object.defineProperty({ ...it }, 'route', { get() { throw new Error('feed dropped'); } }) : it);
    expect(() => a.storeBatch(broken, { feed: 'dds', value: 'c2' })).toThrow('feed dropped');
    expect(a.cursor('dds')).toBe('c1');
    expect(a.status().packets).toBe(2);
    // The archive still works, and the retried batch is stored whole.
    expect(a.storeBatch(batch, { feed: 'dds', value: 'c2' })).toMatchObject({ stored: 200, duplicates: 0, repeats: 0 });
    expect(a.cursor('dds')).toBe('c2');
    a.close();
    const b = openArchive(dir, { readonly: true });
    expect(b.status().packets).toBe(202);
    expect(segBytes(dir)).toBe(size + batch.reduce((n, it) => n + it.packet.length, 0));
    b.close();
  });

  it('cuts a torn segment tail (octets of a batch that never committed) when opened for writing', () => {
    const dir = tmp();
    const a = openArchive(dir);
    a.storeBatch(items(framed([pusPacket(1100, 1, 100)]), P));
    const before = allBytes(a);
    a.close();
    const seg = path.join(dir, 'segments', fs.readdirSync(path.join(dir, 'segments'))[0]!);
    const size = fs.statSync(seg).size;
    fs.appendFileSync(seg, Buffer.alloc(33, 0xee));
    const b = openArchive(dir);
    expect(fs.statSync(seg).size).toBe(size);
    expect(b.storeBatch(items(framed([pusPacket(1100, 2, 101)]), P)).stored).toBe(1);
    expect(allBytes(b).slice(0, 1)).toEqual(before);
    b.close();
  });

  it('refuses an archive whose segment lost committed octets', () => {
    const dir = tmp();
    const a = openArchive(dir);
    a.storeBatch(items(framed([pusPacket(1100, 1, 100)]), P));
    a.close();
    const seg = path.join(dir, 'segments', 'seg-000001.bin');
    fs.truncateSync(seg, 5);
    expect(() => openArchive(dir)).toThrow(/seg-000001\.bin: segment file holds 5 octets but the archive index references/);
  });

  it('rolls over to a new segment file and reads packets back from every segment', () => {
    const dir = tmp();
    const a = openArchive(dir, { segmentBytes: 200 });
    const pk = Array.from({ length: 20 }, (_, i) => pusPacket(1120, i, 50 + i, i));
    for (let i = 0; i < 20; i += 3) a.storeBatch(items(framed(pk.slice(i, i + 3)), P));
    expect(fs.readdirSync(path.join(dir, 'segments')).length).toBeGreaterThan(3);
    expect(allBytes(a)).toEqual(pk.map((p) => Buffer.from(p).toString('hex')));
    a.close();
  });
});

describe('full disk', () => {
  it('SQLITE_FULL: one clear line naming the archive, batch and cursor rolled back, archive consistent after reopening', () => {
    const dir = tmp();
    // A page budget that runs out after a few batches (simulates a full file system).
    const a = openArchive(dir, { maxPageCount: 40 });
    let ok = 0;
    let err: unknown;
    for (let b = 0; b < 200 && !err; b++) {
      const batch = items(framed(Array.from({ length: 100 }, (_, i) => pusPacket(1100, b * 100 + i, b * 100 + i))), P);
      try {
        a.storeBatch(batch, { feed: 'f', value: `after-${b}` });
        ok++;
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${dir}: archive disk full (SQLITE_FULL): the batch and its cursor were not stored, the archive is unchanged`);
    expect(ok).toBeGreaterThan(0);
    expect(a.cursor('f')).toBe(`after-${ok - 1}`);
    a.close();
    const b = openArchive(dir);
    expect(b.status().packets).toBe(ok * 100);
    expect(b.cursor('f')).toBe(`after-${ok - 1}`);
    const rows = [...b.query()];
    expect(rows.every((r) => b.bytesOf(r).length === r.length)).toBe(true);
    expect(rows.map((r) => r.sequenceCount)).toEqual(Array.from({ length: ok * 100 }, (_, i) => i));
    b.close();
  });

  it('ENOSPC from a segment write: same clear error, nothing stored, the next batch goes in', () => {
    const dir = tmp();
    const a = openArchive(dir);
    a.storeBatch(items(framed([pusPacket(1100, 1, 100)]), P), { feed: 'f', value: 'one' });
    const write = fs.writeSync;
    const spy = vi.spyOn(fs, 'writeSync').mockImplementationOnce(((fd: number, buf: Uint8Array, off: number, len: number, pos: number) => {
      write(fd, buf, off, Math.floor(len / 2), pos); // half written, then the disk is full
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as unknown as typeof fs.writeSync);
    expect(() => a.storeBatch(items(framed([pusPacket(1100, 2, 101), pusPacket(1100, 3, 102)]), P), { feed: 'f', value: 'two' }))
      .toThrow(`${dir}: archive disk full (ENOSPC): the batch and its cursor were not stored, the archive is unchanged`);
    expect(spy).toHaveBeenCalled();
    expect(a.cursor('f')).toBe('one');
    expect(a.status().packets).toBe(1);
    expect(a.storeBatch(items(framed([pusPacket(1100, 2, 101), pusPacket(1100, 3, 102)]), P), { feed: 'f', value: 'two' }).stored).toBe(2);
    expect([...a.query()].map((r) => Buffer.from(a.bytesOf(r)).toString('hex'))).toEqual([1, 2, 3].map((s) => Buffer.from(pusPacket(1100, s, 99 + s)).toString('hex')));
    a.close();
  });
});

describe('openArchive', () => {
  it('read-only open of a folder without an archive is an InputError naming it', () => {
    const dir = tmp();
    expect(() => openArchive(path.join(dir, 'nope'), { readonly: true })).toThrow(`${path.join(dir, 'nope')}: not an idoc archive (no index.sqlite)`);
  });

  it('records the schema version and reopens without migrating again', () => {
    const dir = tmp();
    openArchive(dir).close();
    const a = openArchive(dir);
    expect(a.status().schemaVersion).toBe(2);
    a.close();
  });

  it('query filters by APID ranges, time window and route, merging APIDs in time order', () => {
    const a = openArchive(tmp());
    a.storeBatch(items(framed([pusPacket(1100, 1, 10), pusPacket(1101, 1, 11), pusPacket(1100, 2, 12), pusPacket(1120, 1, 13)]), P, { route: 'hk' }));
    a.storeBatch(items(framed([pusPacket(1999, 1, 11.5 as number)]), P, { route: 'quarantine' }));
    expect([...a.query()].map((r) => `${r.apid}:${r.tai}`)).toEqual(['1100:10', '1101:11', '1999:11', '1100:12', '1120:13']);
    expect([...a.query({ apids: [[1100, 1101]], fromTai: asTai(11), toTai: asTai(13) })].map((r) => `${r.apid}:${r.tai}`)).toEqual(['1101:11', '1100:12']);
    expect([...a.query({ route: 'quarantine' })].map((r) => r.apid)).toEqual([1999]);
    expect(a.status().apids.find((x) => x.apid === 1999)!.routes).toEqual(['quarantine']);
    a.close();
  });

  it('a reader following a writer gives the rows of batches stored after it started their own receipt times', () => {
    const dir = tmp();
    const w = openArchive(dir);
    w.storeBatch(items(framed([pusPacket(1100, 1, 10), pusPacket(1100, 2, 11)]), P, { receivedUnixMs: 1_000 }));
    const r = openArchive(dir, { readonly: true });
    expect([...r.query()].map((x) => x.receivedUnixMs)).toEqual([1_000, 1_000]);
    const mark = Math.max(...[...r.query()].map((x) => x.arrival));
    w.storeBatch(items(framed([pusPacket(1100, 3, 12), pusPacket(1100, 4, 13)]), P, { receivedUnixMs: 2_000 }));
    w.storeBatch(items(framed([pusPacket(1100, 5, 14)]), P, { receivedUnixMs: 3_000 }));
    expect([...r.query({ afterArrival: mark })].map((x) => [x.sequenceCount, x.receivedUnixMs, x.groundUnixMs])).toEqual([[3, 2_000, 2_000], [4, 2_000, 2_000], [5, 3_000, 3_000]]);
    expect([...r.query()].map((x) => x.receivedUnixMs)).toEqual([1_000, 1_000, 2_000, 2_000, 3_000]);
    r.close();
    w.close();
  });

  it('finds rows after an arrival through the arrival index; an archive without it is read by a full scan, then indexed by a writer asked to', () => {
    const dir = tmp();
    const a = openArchive(dir, { arrivalIndex: true });
    a.storeBatch(items(framed([pusPacket(1100, 1, 10), pusPacket(1101, 1, 11)]), P, { route: 'hk' }));
    const mark = Math.max(...[...a.query()].map((r) => r.arrival));
    a.storeBatch(items(framed([pusPacket(1100, 2, 9), pusPacket(1101, 2, 12)]), P, { route: 'hk' }));
    const plan = a.explainQuery({ afterArrival: mark, route: 'hk' }).join('\n');
    expect(plan).toMatch(/USING (COVERING )?INDEX packets_arrival \(raw>\?\)/);
    expect(plan).not.toMatch(/SCAN packets(?! USING)/); // no full read of the table
    expect([...a.query({ afterArrival: mark })].map((r) => `${r.apid}:${r.tai}`)).toEqual(['1100:9', '1101:12']);
    a.close();
    // Without the arrival index (a writer not asked for it, or an older idoc): the same answer, by a full scan.
    const raw = new Database(path.join(dir, 'index.sqlite'));
    raw.exec('DROP INDEX packets_arrival');
    raw.close();
    const old = openArchive(dir, { readonly: true });
    expect(old.explainQuery({ afterArrival: mark }).join('\n')).not.toMatch(/packets_arrival/);
    expect([...old.query({ afterArrival: mark })].map((r) => `${r.apid}:${r.tai}`)).toEqual(['1100:9', '1101:12']);
    old.close();
    openArchive(dir).close(); // a writer not asked for it: still none
    const plain = openArchive(dir, { readonly: true });
    expect(plain.explainQuery({ afterArrival: mark }).join('\n')).not.toMatch(/packets_arrival/);
    plain.close();
    openArchive(dir, { arrivalIndex: true }).close();
    const again = openArchive(dir, { readonly: true });
    expect(again.explainQuery({ afterArrival: mark }).join('\n')).toMatch(/packets_arrival/);
    again.close();
  });
});
