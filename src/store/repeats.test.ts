/** Duplicates versus repeats (issue 11) and the migration of version-1 archives. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_PROFILE } from '../ccsds/profile.js';
import { packetTimeOf } from '../ccsds/secondary-header.js';
import { PacketTimer, utcToTai, utcUnixToTai } from '../time/index.js';
import { openArchive } from './index.js';
import { framedDds, pusPacket } from './_test-packets.js';
import { MIGRATIONS } from './schema.js';
import type { FramedPacket } from '../../telemetry/framing/index.js';
import type { StoredPacketInput } from './types.js';

const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-rep-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

/** Items timed as ingest times them (default time settings, DDS ground times). */
function timed(packets: readonly FramedPacket[], source = 'f.dds'): StoredPacketInput[] {
  const timer = new PacketTimer();
  return packets.map((packet) => {
    const obt = packetTimeOf(packet.buf, packet.offset, packet.length, DEFAULT_PROFILE);
    const ground = packet.dds!.seconds * 1000 + packet.dds!.microseconds / 1000;
    const t = timer.time(packet.apid, obt ?? NaN, false, ground, true);
    return { packet, tai: t, obt, timeStatus: timer.status, route: 'r', feed: 'f', source, receivedUnixMs: 1_800_000_000_000 };
  });
}
const H = 3600;
/** One delivery file per ground station and time: `packets` behind DDS headers, named after them. */
const delivery = (packets: Uint8Array[], station: number, unixS: number) => timed(framedDds(packets, station, unixS), `gs${station}-${unixS}.dds`);
const T = Date.parse('2025-06-01T10:00:00Z') / 1000;

describe('duplicates versus repeats', () => {
  it('a boot event (OBT reset: implausible) sent three times hours apart is three packets; a second station within 300 s is a duplicate', () => {
    const a = openArchive(tmp());
    const boot = [pusPacket(1120, 0, 5, 0xb0)];
    expect(a.storeBatch([...delivery(boot, 0x15, T), ...delivery(boot, 0x18, T + 1), ...delivery(boot, 0x15, T + 2 * H)])).toMatchObject({ stored: 2, duplicates: 1, repeats: 1 });
    expect(a.storeBatch(delivery(boot, 0x15, T + 4 * H))).toMatchObject({ stored: 1, duplicates: 0, repeats: 1 });
    expect(a.storeBatch(delivery(boot, 0x18, T + 4 * H + 299))).toMatchObject({ stored: 0, duplicates: 1, repeats: 0 });
    // The first file ingested again (same source, same offsets): duplicates, whatever the window.
    expect(a.storeBatch(delivery(boot, 0x15, T))).toMatchObject({ stored: 0, duplicates: 1, repeats: 0 });
    const rows = [...a.query()];
    expect(a.status().apids[0]).toMatchObject({ packets: 3, duplicates: 3, repeats: 2, unsynchronised: 3 });
    expect(rows.map((r) => [r.tai, r.obt, r.timeStatus, r.repeat])).toEqual([
      [utcUnixToTai(T), 5, 3, false], [utcUnixToTai(T + 2 * H), 5, 3, true], [utcUnixToTai(T + 4 * H), 5, 3, true]]);
    a.close();
  });

  it('a synchronised packet seen by two DDS times hours apart is a repeat (same key time: the repeat number keeps them apart)', () => {
    const a = openArchive(tmp());
    const hk = [pusPacket(1100, 7, utcToTai('2025-06-01T09:59:58Z'))];
    expect(a.storeBatch(delivery(hk, 0x15, T))).toMatchObject({ stored: 1, duplicates: 0, repeats: 0 });
    expect(a.storeBatch(delivery(hk, 0x18, T + 100))).toMatchObject({ stored: 0, duplicates: 1, repeats: 0 });
    expect(a.storeBatch(delivery(hk, 0x15, T + 3 * H))).toMatchObject({ stored: 1, duplicates: 0, repeats: 1 });
    const rows = [...a.query()];
    expect(rows.map((r) => [r.sequenceCount, r.repeat, r.timeStatus])).toEqual([[7, false, 0], [7, true, 0]]);
    expect(rows.map((r) => Buffer.from(a.bytesOf(r)).toString('hex'))).toEqual([Buffer.from(hk[0]!).toString('hex'), Buffer.from(hk[0]!).toString('hex')]);
    a.close();
  });

  it('property: stored = distinct transmissions, for any order and batching (deliveries at random DDS times)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ k: fc.integer({ min: 0, max: 5 }), at: fc.integer({ min: 0, max: 20 }) }), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 60 }),
      (deliveries, cut) => {
        const a = openArchive(tmp(), { fsync: false, synchronous: 'normal' });
        // Six packets: 0-2 with OBT reset (ground-timed), 3-5 synchronised; ground times in steps of 1000 s (window 300 s).
        const pool = [0, 1, 2].map((i) => pusPacket(1120, i, 5 + i)).concat([0, 1, 2].map((i) => pusPacket(1100, i, utcToTai('2025-06-01T00:00:00Z') + i)));
        const all = deliveries.flatMap((d) => delivery([pool[d.k]!], 0x15, T + d.at * 1000));
        const r1 = a.storeBatch(all.slice(0, cut));
        const r2 = a.storeBatch(all.slice(cut));
        a.close();
        const distinct = new Set(deliveries.map((d) => `${d.k}@${d.at}`)).size;
        return r1.stored + r2.stored === distinct && r1.duplicates + r2.duplicates === deliveries.length - distinct
          && r1.repeats + r2.repeats === distinct - new Set(deliveries.map((d) => d.k)).size;
      }), { numRuns: 25 });
  });
});

describe('migration from schema version 1', () => {
  function v1Archive(): string {
    const dir = tmp();
    const db = new Database(path.join(dir, 'index.sqlite'));
    db.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_utc TEXT NOT NULL)');
    db.exec(MIGRATIONS[0]!.sql);
    db.prepare("INSERT INTO schema_version VALUES (1, 'v1', '2026-01-01T00:00:00Z')").run();
    db.prepare('INSERT INTO routes (id, name) VALUES (1, ?)').run('hk');
    db.prepare('INSERT INTO sources (id, feed, source) VALUES (1, ?, ?)').run('drop', 'a.dds');
    db.prepare('INSERT INTO segments (id, file, length) VALUES (0, ?, 0)').run('seg-000000.bin');
    const ins = db.prepare('INSERT INTO packets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, 20)');
    // A packet with a 1958 OBT behind a DDS header; one with a plausible OBT; one without a time.
    ins.run(1604, 1_931_305.75, 1, 11, 0, 3 | (2 << 6), 1.8e12, Date.parse('2015-04-22T07:19:18Z'), 0, 0, 0, 0);
    ins.run(1100, utcToTai('2026-01-01T00:00:00Z'), 2, 12, 1, 3, 1.8e12, null, null, null, 20, 20);
    ins.run(1100, -1, 3, 13, 2, 3, Date.parse('2026-01-02T00:00:00Z'), null, null, null, 40, 40);
    db.prepare("INSERT INTO apid_stats VALUES (1100, 4, 0)").run();
    db.close();
    fs.mkdirSync(path.join(dir, 'segments'));
    fs.writeFileSync(path.join(dir, 'segments', 'seg-000000.bin'), Buffer.alloc(0));
    return dir;
  }

  it('reads refuse with one line until ingest (a write open) migrates; rows are re-timed, counters kept', () => {
    const dir = v1Archive();
    expect(() => openArchive(dir, { readonly: true })).toThrow(`${dir}: archive schema version 1, this idoc reads 2: run idoc ingest once to migrate it`);
    openArchive(dir).close();
    const a = openArchive(dir, { readonly: true });
    const rows = [...a.query()];
    expect(rows.map((r) => [r.apid, r.sequenceCount, r.timeStatus, r.obt])).toEqual([
      [1604, 1, 3, 1_931_305.75], [1100, 2, 0, utcToTai('2026-01-01T00:00:00Z')], [1100, 3, 1, undefined]]);
    expect(rows[0]!.tai).toBe(utcUnixToTai(Date.parse('2015-04-22T07:19:18Z') / 1000));
    expect(rows[0]!.dds).toMatchObject({ unixMs: Date.parse('2015-04-22T07:19:18Z'), timeQuality: 1 });
    expect(rows[2]!.tai).toBe(utcUnixToTai(Date.parse('2026-01-02T00:00:00Z') / 1000));
    expect(a.status()).toMatchObject({ schemaVersion: 2, packets: 3, duplicates: 4, repeats: 0 });
    a.close();
  });
});
