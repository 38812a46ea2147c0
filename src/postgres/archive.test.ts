/**
 * The PostgreSQL archive against the SQLite store: the same batches (duplicates from two stations, repeats hours
 * apart, packets timed by ground time, re-ingested files) give the same store results, status, rows and octets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_PROFILE } from '../ccsds/profile.js';
import { packetTimeOf } from '../ccsds/secondary-header.js';
import { PacketTimer, utcToTai } from '../time/index.js';
import { asTai } from '../time/tai.js';
import { openArchive, packItems, type PackedBatch } from '../store/index.js';
import { framed, framedDds, pusPacket } from '../store/_test-packets.js';
import type { StoredPacketInput } from '../store/types.js';
import type { FramedPacket } from '../../telemetry/framing/index.js';
import type { PacketRow } from '../archive/port.js';
import { freshPgArchive, PG_DOWN } from './_test-pg.js';
import { openPgArchiveReader, openPgArchiveWriter, migratePg, pgConnect, PG_MIGRATIONS, PG_SCHEMA_VERSION, verifyPgSegments } from './index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

function timed(packets: readonly FramedPacket[], source: string, receivedUnixMs = 1_800_000_000_000): StoredPacketInput[] {
  const timer = new PacketTimer();
  return packets.map((packet) => {
    const obt = packetTimeOf(packet.buf, packet.offset, packet.length, DEFAULT_PROFILE);
    const dds = packet.dds;
    const ground = dds ? dds.seconds * 1000 + dds.microseconds / 1000 : receivedUnixMs;
    const t = timer.time(packet.apid, obt ?? NaN, false, ground, dds !== undefined);
    return { packet, tai: t, obt, timeStatus: timer.status, route: packet.apid < 1110 ? 'hk' : 'sci', feed: 'f', source, receivedUnixMs };
  });
}
const H = 3600;
const T = Date.parse('2025-06-01T10:00:00Z') / 1000;
const delivery = (packets: Uint8Array[], station: number, unixS: number) => timed(framedDds(packets, station, unixS), `gs${station}-${unixS}.dds`);

/** A row without its storage position (numbered differently by each store). */
const comparable = (r: PacketRow) => ({ ...r, raw: 0, arrival: 0 });

async function both(batches: readonly StoredPacketInput[][]) {
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-pg-sqlite-'));
  cleanups.push(() => fs.rmSync(sqliteDir, { recursive: true, force: true }));
  const pg = await freshPgArchive('ar');
  cleanups.push(pg.drop);
  const lite = openArchive(sqliteDir);
  const w = await openPgArchiveWriter({ target: pg.target, dir: pg.dir });
  const results: [unknown, unknown][] = [];
  for (const [k, b] of batches.entries()) {
    const packed: PackedBatch = packItems(b);
    const r1 = lite.storePacked(packItems(b), { feed: 'f', value: String(k) });
    const r2 = await w.storePacked(packed, { feed: 'f', value: String(k) });
    results.push([r1, r2]);
  }
  await w.close();
  const reader = await openPgArchiveReader({ target: pg.target, dir: pg.dir });
  cleanups.push(() => reader.close());
  const pgRows: PacketRow[] = [];
  for await (const page of reader.rows()) pgRows.push(...page);
  const liteRows = [...lite.query()];
  const liteStatus = lite.status();
  const liteBytes = liteRows.map((r) => Buffer.from(lite.bytesOf(r)).toString('hex'));
  lite.close();
  return { results, reader, pgRows, liteRows, liteStatus, liteBytes, pg };
}

const strip = (s: { dir: string; schemaVersion: number; cursors: readonly { updatedUnixMs: number }[] }) => ({ ...s, dir: '', schemaVersion: 0, cursors: s.cursors.map((c) => ({ ...c, updatedUnixMs: 0 })) });

describe.skipIf(PG_DOWN !== undefined)('PostgreSQL archive: the SQLite store\'s rules, batch by batch', () => {
  it('migrate is idempotent and versioned', async () => {
    const pg = await freshPgArchive('mig');
    cleanups.push(pg.drop);
    const sql = pgConnect(pg.target, 1);
    const again = await migratePg(sql, pg.target.schema);
    expect(again).toEqual({ before: PG_SCHEMA_VERSION, after: PG_SCHEMA_VERSION, applied: [] });
    const rows = await sql.unsafe('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => (r as unknown as { version: number }).version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    await sql.end();
  });

  it('duplicates from two stations, repeats hours apart, a boot event timed by ground time, a re-delivered file', async () => {
    const hk = [pusPacket(1100, 7, utcToTai('2025-06-01T09:59:58Z')), pusPacket(1100, 8, utcToTai('2025-06-01T09:59:59Z'))];
    const boot = [pusPacket(1120, 0, 5, 0xb0)];
    const plain = timed(framed([pusPacket(1110, 1, utcToTai('2025-06-01T11:00:00Z')), pusPacket(1110, 2, 7)]), 'plain.bin');
    const { results, pgRows, liteRows, reader, liteStatus, liteBytes } = await both([
      [...delivery(hk, 0x15, T), ...delivery(boot, 0x15, T), ...delivery(boot, 0x18, T + 1)],
      delivery(hk, 0x18, T + 100),
      [...delivery(hk, 0x15, T + 3 * H), ...delivery(boot, 0x15, T + 2 * H)],
      delivery(boot, 0x15, T),
      plain,
      plain,
      [...plain, ...plain],
    ]);
    for (const [lite, pg] of results) expect(pg).toEqual(lite);
    expect(results[2]![1]).toMatchObject({ stored: 3, repeats: 3 });
    expect(pgRows.map(comparable)).toEqual(liteRows.map(comparable));
    expect(strip(await reader.status())).toEqual(strip(liteStatus));
    expect((await reader.bytes(pgRows)).map((b) => Buffer.from(b).toString('hex'))).toEqual(liteBytes);
    const cols = await reader.scan({ apids: [1100, 1110, 1120], fromTai: asTai(0), toTai: asTai(Number.MAX_VALUE) });
    expect(Array.from(cols.tai)).toEqual([1100, 1110, 1120].flatMap((a) => pgRows.filter((r) => r.apid === a).map((r) => r.tai)));
    expect((await reader.scanBytes(cols)).map((b) => Buffer.from(b).toString('hex')).sort()).toEqual([...liteBytes].sort());
    expect(await reader.cursors()).toEqual(new Map([['f', '6']]));
  });

  it('a stored key on the first row of a COPY of many chunks: the batch falls back to the staging table (no unhandled stream error)', async () => {
    // ~40k rows: several MiB of COPY data, so the server refuses the COPY while chunks are still being written.
    const first = pusPacket(1100, 0, utcToTai('2025-06-01T09:00:00Z'));
    const many = Array.from({ length: 40_000 }, (_, i) => pusPacket(1100, (i + 1) & 0x3fff, utcToTai('2025-06-01T09:00:00Z') + (i + 1) * 0.5));
    const { results, pgRows, liteRows } = await both([delivery([first], 0x15, T), delivery([first, ...many], 0x15, T)]);
    for (const [lite, pg] of results) expect(pg).toEqual(lite);
    expect(results[1]![1]).toMatchObject({ stored: 40_000, duplicates: 1 });
    expect(pgRows.length).toBe(liteRows.length);
  }, 120_000);

  it('property: random batches of copies from two stations give what SQLite gives', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({
        apid: fc.constantFrom(1100, 1120), seq: fc.integer({ min: 0, max: 5 }), synced: fc.boolean(),
        station: fc.constantFrom(0x15, 0x18), hours: fc.integer({ min: 0, max: 3 }), seconds: fc.integer({ min: 0, max: 400 }),
      }), { minLength: 1, maxLength: 24 }),
      fc.integer({ min: 1, max: 4 }),
      async (specs, cut) => {
        const items = specs.map((s) => delivery([pusPacket(s.apid, s.seq, s.synced ? utcToTai('2025-06-01T09:00:00Z') + s.seq : 5 + s.seq)], s.station, T + s.hours * H + s.seconds)[0]!);
        const batches: StoredPacketInput[][] = [];
        for (let k = 0; k < items.length; k += cut) batches.push(items.slice(k, k + cut));
        const { results, pgRows, liteRows, reader, liteStatus } = await both(batches);
        for (const [lite, pg] of results) expect(pg).toEqual(lite);
        expect(pgRows.map(comparable)).toEqual(liteRows.map(comparable));
        expect(strip(await reader.status())).toEqual(strip(liteStatus));
        for (const c of cleanups.splice(0)) await c();
      }), { numRuns: 15 });
  });

  it('fixity: every committed octet checked; a changed octet is reported with its file and offset', async () => {
    const { reader, pg } = await both([delivery([pusPacket(1100, 1, utcToTai('2025-06-01T09:00:00Z'))], 0x15, T), delivery([pusPacket(1100, 2, utcToTai('2025-06-01T09:00:01Z'))], 0x15, T)]);
    void reader;
    const sql = pgConnect(pg.target, 1);
    const ok = await verifyPgSegments(sql, pg.dir);
    expect(ok.problems).toEqual([]);
    expect(ok.checkedBytes).toBeGreaterThan(0);
    expect(ok.uncheckedBytes).toBe(0);
    const seg = fs.readdirSync(path.join(pg.dir, 'segments'))[0]!;
    const file = path.join(pg.dir, 'segments', seg);
    const buf = fs.readFileSync(file);
    buf[3]! ^= 1;
    fs.writeFileSync(file, buf);
    const bad = await verifyPgSegments(sql, pg.dir);
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatchObject({ kind: 'mismatch', offset: 0, file });
    await sql.end();
  });

  it('an unmigrated schema is refused in one line naming the archive without credentials', async () => {
    const { pgTarget } = await import('./connection.js');
    const t = pgTarget('idoc_never_migrated', { IDOC_PG_URL: 'postgres://postgres:secret@127.0.0.1:5432/test' });
    await expect(openPgArchiveWriter({ target: t, dir: os.tmpdir() })).rejects.toThrow(new RegExp(`^postgres://127\\.0\\.0\\.1:5432/test#idoc_never_migrated: archive schema version 0, this idoc writes ${PG_SCHEMA_VERSION}: run idoc archive migrate$`));
  });
});

describe('PostgreSQL reachability', () => {
  it.skipIf(PG_DOWN === undefined)(`skipped: PostgreSQL not reachable (${PG_DOWN ?? ''})`, () => {
    expect(PG_DOWN).toBeDefined();
  });
});
