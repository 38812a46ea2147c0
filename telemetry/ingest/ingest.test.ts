import { beforeAll, describe, expect, it } from 'vitest';
import { buildSamples } from '../../fixtures/generate.js';
import { generateSim } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { dataFieldCrcStream } from '../../fixtures/patterns.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import type { Feed, FeedUnit } from '../feeds/types.js';
import { ingestUnit } from './ingest-unit.js';
import { ingestOnce } from './run-once.js';
import { jsonLineLogger } from './log.js';
import { newFeedStats, type IngestArchive } from './types.js';
import { I, INTS, PackedBatchBuilder } from '../../src/store/index.js';
import { takeLock } from './lock.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

let files: Map<string, Uint8Array>;
beforeAll(async () => { files = (await buildSamples()).files; });

/**
 * An in-memory archive that records each transaction (packets and cursor together). Its stores settle a timer
 * tick later, as the writer thread's do, and it records how many were in flight at once.
 */
function memoryArchive() {
  const tx: { items: { route: string; hex: string }[]; cursor?: { feed: string; value: string } }[] = [];
  const keys = new Set<string>();
  const cursors = new Map<string, string>();
  let inFlight = 0;
  const archive: IngestArchive & { tx: typeof tx; maxInFlight: number } = {
    tx,
    maxInFlight: 0,
    batch: () => new PackedBatchBuilder(1024, 16),
    async store(builder, cursor) {
      archive.maxInFlight = Math.max(archive.maxInFlight, ++inFlight);
      const b = builder.seal();
      await new Promise((r) => setTimeout(r, 1));
      let stored = 0, duplicates = 0, at = 0;
      const items: { route: string; hex: string }[] = [];
      for (let i = 0; i < b.count; i++) {
        const len = b.ints[i * INTS + I.len]!;
        const hex = Buffer.from(b.octets.subarray(at, at + len)).toString('hex');
        at += len;
        items.push({ route: b.routes[b.ints[i * INTS + I.route]!]!, hex });
        if (keys.has(hex)) duplicates++; else { keys.add(hex); stored++; }
      }
      tx.push({ items, ...(cursor ? { cursor } : {}) });
      if (cursor) cursors.set(cursor.feed, cursor.value);
      inFlight--;
      return { stored, duplicates, repeats: 0 };
    },
    cursor: (feed) => cursors.get(feed),
  };
  return archive;
}

function unitOf(name: string, bytes: Uint8Array, chunk: number, cursorAfter: string | undefined, log: string[], failAt?: number): FeedUnit {
  return {
    feed: 'f', source: name, framing: 'auto', cursorAfter,
    chunks: (async function* () {
      for (let o = 0; o < bytes.length; o += chunk) {
        if (failAt !== undefined && o >= failAt) throw new Error('connection reset mid-transfer');
        yield bytes.slice(o, o + chunk);
      }
    })(),
    complete: async () => void log.push(`complete ${name}`),
    reject: async (reason) => void log.push(`reject ${name}: ${reason}`),
  };
}

const router = { dispatch: (p: { apid: number }) => ({ name: p.apid === 1100 || p.apid === 1101 ? 'SIM_HK' : p.apid === 1110 ? 'SIM_SCI' : 'quarantine', archive: true }) };
const ctx = (archive: IngestArchive) => ({ archive, router, profile: PROFILE_PRESETS['pus-c']!, read: { crc: 'auto' as const } });

describe('ingestUnit()', () => {
  it('stores every packet once, with the cursor in the same transaction as the last packets', async () => {
    const a = memoryArchive();
    const log: string[] = [];
    const stats = newFeedStats('f');
    const r = await ingestUnit(unitOf('sim.dds', files.get('sim.dds')!, 10_000, 'c1', log), { ...ctx(a), stats });
    expect(r).toMatchObject({ packets: 705, framing: 'dds', rejected: false });
    expect(stats).toMatchObject({ stored: 705, duplicates: 0, quarantined: 6, units: 1 });
    const last = a.tx[a.tx.length - 1]!;
    expect(last.cursor).toEqual({ feed: 'f', value: 'c1' });
    expect(last.items.length).toBeGreaterThan(0);
    expect(a.tx.slice(0, -1).every((t) => !t.cursor)).toBe(true);
    expect(log).toEqual(['complete sim.dds']);
    expect(new Set(last.items.map((i) => i.route))).toContain('SIM_HK');
    // Batches were handed over one at a time (each after the previous committed), none lost.
    expect(a.maxInFlight).toBe(1);
    expect(a.tx.reduce((n, t) => n + t.items.length, 0)).toBe(705);
  });

  it('a transfer that drops keeps what was stored, does not move the cursor, and the retry repeats nothing', async () => {
    const a = memoryArchive();
    const log: string[] = [];
    const stats = newFeedStats('f');
    const { bytes, truth } = writeWithDamage('long.dds', await generateSim({ seconds: 1800 }), 'dds', []);
    expect(bytes.length).toBeGreaterThan(400_000);
    await expect(ingestUnit(unitOf('long.dds', bytes, 4096, 'c1', log, 380_000), { ...ctx(a), stats })).rejects.toThrow(/mid-transfer/);
    expect(a.cursor('f')).toBeUndefined();
    expect(log).toEqual([]);
    const before = stats.stored;
    expect(before).toBeGreaterThan(1000);
    await ingestUnit(unitOf('long.dds', bytes, 4096, 'c1', log), { ...ctx(a), stats });
    expect(stats.stored).toBe(truth.packets);
    expect(stats.duplicates).toBe(before);
    expect(a.cursor('f')).toBe('c1');
  });

  it('a unit whose CRC covers the data field only is stored whole, with --crc yes too (flagged, not rejected)', async () => {
    const bytes = dataFieldCrcStream(300);
    for (const crc of ['yes', 'auto'] as const) {
      const a = memoryArchive();
      const log: string[] = [];
      const stats = newFeedStats('f');
      const r = await ingestUnit(unitOf('swe.bin', bytes, 4096, 'c1', log), { ...ctx(a), read: { crc }, stats });
      expect(r).toMatchObject({ packets: 300, rejected: false });
      expect(stats.crcErrors).toBe(crc === 'yes' ? 300 : 0);
      expect(log).toEqual(['complete swe.bin']);
    }
  });

  it('a unit with bytes but no packet is rejected, with a reason, and the cursor moves past it', async () => {
    const a = memoryArchive();
    const log: string[] = [];
    const r = await ingestUnit(unitOf('junk', new Uint8Array(5000).fill(0xff), 1000, 'c9', log), { ...ctx(a), stats: newFeedStats('f') });
    expect(r.rejected).toBe(true);
    expect(log[0]).toMatch(/^reject junk: no CCSDS packet found in 5000 bytes/);
    expect(log[0]).toContain('(framing raw: no framing recognised in the first bytes');
    expect(a.cursor('f')).toBe('c9');
  });

  it('an empty unit (a zero-byte DDS delivery) stores nothing and completes', async () => {
    const a = memoryArchive();
    const log: string[] = [];
    await ingestUnit(unitOf('empty', new Uint8Array(0), 1000, 'c2', log), { ...ctx(a), stats: newFeedStats('f') });
    expect(log).toEqual(['complete empty']);
    expect(a.cursor('f')).toBe('c2');
  });
});

describe('ingestOnce()', () => {
  const feed = (name: string, units: () => FeedUnit[], fail = false): Feed => ({
    name, kind: 'drop-folder', realtime: false,
    async *pull() { if (fail) throw new Error('feed down: ECONNREFUSED'); yield* units(); },
  });
  it('exit 0 when all is well, 1 on data problems, 2 when a feed failed; one JSON line per event', async () => {
    const lines: string[] = [];
    const log = jsonLineLogger((l) => void lines.push(l));
    const a = memoryArchive();
    const clean = await ingestOnce([feed('a', () => [unitOf('sim.bin', files.get('sim.bin')!, 65536, undefined, [])])], { ...ctx(a), router: { dispatch: () => ({ name: 'ALL', archive: true }) } }, log);
    expect(clean.exitCode).toBe(0);
    const damaged = await ingestOnce([feed('b', () => [unitOf('sim_damaged.bin', files.get('sim_damaged.bin')!, 65536, undefined, [])])], ctx(memoryArchive()), log);
    expect(damaged.exitCode).toBe(1);
    expect(damaged.feeds[0]).toMatchObject({ crcErrors: 1, skippedBytes: 465 });
    const down = await ingestOnce([feed('c', () => [], true), feed('d', () => [])], ctx(memoryArchive()), log);
    expect(down.exitCode).toBe(2);
    expect(down.feeds.map((f) => f.state)).toEqual(['failed', 'idle']);
    const events = lines.map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toContain('feed-failed');
    expect(events.every((e) => /Z$/.test(e.time))).toBe(true);
  });
});

describe('takeLock()', () => {
  it('keeps a second ingest out, and takes over a stale lock of a dead process', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-lock-'));
    const lock = await takeLock(dir);
    await expect(takeLock(dir)).rejects.toThrow(/another ingest is running/);
    await lock.release();
    await writeFile(path.join(dir, 'ingest.lock'), JSON.stringify({ pid: process.ppid, since: 'x' }));
    await expect(takeLock(dir)).rejects.toThrow(/another ingest is running \(pid/);
    await writeFile(path.join(dir, 'ingest.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, since: 'x' }));
    const taken = await takeLock(dir);
    expect(taken.file).toBe(path.join(dir, 'ingest.lock'));
  });
});
