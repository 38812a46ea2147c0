/**
 * Issue 11 end to end: time axes, duplicates versus repeats, through the real commands (in-process `run`).
 * The SERENA 2015-04-22 delivery (../shared/samples, skipped visibly when absent) and files made from the real
 * patterns: an unsynchronised on-board time behind a DDS wrapper, a boot event repeated hours apart, the same
 * packets from a second station seconds later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './idoc.js';
import type { Io } from './cli/exit.js';
import { pusPacket } from '../src/store/_test-packets.js';
import { encodeDdsHeader } from '../telemetry/framing/index.js';
import { utcToTai } from '../src/time/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERENA = path.resolve(ROOT, '../shared/samples/2015-04-22_tm.dds');

async function idoc(...argv: string[]) {
  let out = '', err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), outBytes: async (b) => void (out += Buffer.from(b).toString()), errIsTty: false };
  const code = await run(argv, io);
  return { code, out, err };
}
const ndjson = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

let work: string;
beforeAll(async () => { work = await mkdtemp(path.join(tmpdir(), 'idoc-axes-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

/** A mission folder: config with a drop folder, one route for everything, the archive beside it. */
async function mission(name: string, time?: unknown): Promise<{ dir: string; config: string }> {
  const dir = path.join(work, name);
  await mkdir(path.join(dir, 'drop'), { recursive: true });
  const config = path.join(dir, 'idoc.json');
  await writeFile(config, JSON.stringify({
    mission: { name },
    packets: { profile: 'pus-c' },
    feeds: { drop: { kind: 'drop-folder', dir: 'drop', pollSeconds: 0.05 } },
    routes: { ALL: { apids: [[0, 2046]] } },
    archive: { dir: 'archive' },
    ...(time ? { time } : {}),
  }));
  return { dir, config };
}

const day = (iso: unknown) => String(iso).slice(0, 10);

describe.skipIf(!existsSync(SERENA))('SERENA 2015-04-22 DDS delivery (real data in ../shared/samples)', () => {
  it('l0 build --from-files: every product is dated 2015-04-22 (its on-board times count from power-on: 1958 and 2021 as dates)', async () => {
    const r = await idoc('l0', 'build', '--from-files', SERENA, '--framing', 'dds', '--out', path.join(work, 'serena-l0'), '--json');
    expect(r.code, r.err).toBeLessThan(2);
    const products = (JSON.parse(r.out).result as { products: { start: string; stop: string }[] }).products;
    expect(products.length).toBeGreaterThan(0);
    for (const p of products) expect([day(p.start), day(p.stop)]).toEqual(['2015-04-22', '2015-04-22']);
  });

  it('ingest → archive → l0 build gives the same dates; query shows the three times; ingesting the file again stores nothing', async () => {
    const m = await mission('serena');
    await copyFile(SERENA, path.join(m.dir, 'drop', '2015-04-22_tm.dds'));
    const ingest = await idoc('ingest', '--once', '--quiet', '--config', m.config);
    expect(ingest.code, ingest.err).toBe(0);
    const status = JSON.parse((await idoc('archive', 'status', '--config', m.config, '--json')).out).result as Record<string, number>;
    expect(status).toMatchObject({ schemaVersion: 2, packets: 7873, repeats: 0, unsynchronised: 7873 });
    const q = ndjson((await idoc('archive', 'query', '--config', m.config, '--json', '--apid', '1604')).out);
    expect(q).toHaveLength(3813);
    expect(q[0]).toMatchObject({ time: '2015-04-22T07:19:18.984Z', synchronised: false, timeStatus: 'implausible', ground: '2015-04-22T07:19:18.983Z' });
    expect(q.every((x) => day(x['time']) === '2015-04-22')).toBe(true);
    const l0 = await idoc('l0', 'build', '--config', m.config, '--out', path.join(m.dir, 'l0'), '--json');
    expect(l0.code, l0.err).toBeLessThan(2);
    const products = (JSON.parse(l0.out).result as { products: { start: string; stop: string }[] }).products;
    expect(products.length).toBeGreaterThan(0);
    for (const p of products) expect([day(p.start), day(p.stop)]).toEqual(['2015-04-22', '2015-04-22']);
    // The same file delivered again (same name): every packet is a duplicate.
    await copyFile(SERENA, path.join(m.dir, 'drop', '2015-04-22_tm.dds'));
    expect((await idoc('ingest', '--once', '--quiet', '--config', m.config)).code).toBe(0);
    const again = JSON.parse((await idoc('archive', 'status', '--config', m.config, '--json')).out).result as Record<string, number>;
    expect(again).toMatchObject({ packets: 7873, duplicates: 7873, repeats: 0 });
  });
});

/** DDS records (18-octet header, formats.md §4.3) of `packets`, each at its own ground time and station. */
function dds(records: { packet: Uint8Array; unixMs: number; station: number }[]): Uint8Array {
  const out = new Uint8Array(records.reduce((n, r) => n + 18 + r.packet.length, 0));
  let o = 0;
  for (const r of records) {
    encodeDdsHeader({ seconds: Math.floor(r.unixMs / 1000), microseconds: (r.unixMs % 1000) * 1000, packetSize: r.packet.length, groundStation: r.station, virtualChannel: 0, sleService: 0, timeQuality: 0 }, out, o);
    out.set(r.packet, o + 18);
    o += 18 + r.packet.length;
  }
  return out;
}

describe('real patterns: unsynchronised OBT behind DDS, a boot event repeated hours apart, a second station', () => {
  // HK with synchronised times (CUC 4+2 on the CCSDS epoch: 2026-01-01 is plausible), received by station 0x15
  // 2 s later and by 0x18 3 s later: duplicates. A boot event (OBT reset: 5 s after 1958, implausible) sent three
  // times two hours apart, with a second copy of the first from 0x18 one second later.
  const T = Date.parse('2025-06-01T10:00:00Z');
  const hk = Array.from({ length: 20 }, (_, i) => pusPacket(1100, i, utcToTai('2026-01-01T00:00:00Z') + i, i));
  const hkMs = (i: number) => Date.parse('2026-01-01T00:00:02Z') + i * 1000;
  const boot = pusPacket(1120, 0, 5, 0xb0);
  const file = dds([
    ...hk.map((packet, i) => ({ packet, unixMs: hkMs(i), station: 0x15 })),
    ...hk.map((packet, i) => ({ packet, unixMs: hkMs(i) + 1000, station: 0x18 })),
    { packet: boot, unixMs: T, station: 0x15 },
    { packet: boot, unixMs: T + 1000, station: 0x18 },
    { packet: boot, unixMs: T + 2 * 3_600_000, station: 0x15 },
    { packet: boot, unixMs: T + 4 * 3_600_000, station: 0x15 },
  ]);

  it('packets dump --json: the three times and the flag', async () => {
    const f = path.join(work, 'patterns.dds');
    await writeFile(f, file);
    const recs = ndjson((await idoc('packets', 'dump', f, '--json', '--profile', 'pus-c', '--apid', '1100,1120')).out);
    expect(recs[0]).toMatchObject({ time: '2026-01-01T00:00:00.000000Z', synchronised: true, timeStatus: 'synchronised', utc: '2026-01-01T00:00:00.000000Z', ground: { time: '2026-01-01T00:00:02.000000Z', kind: 'dds' } });
    const b = recs.find((r) => r['apid'] === 1120)!;
    expect(b).toMatchObject({ time: '2025-06-01T10:00:00.000000Z', synchronised: false, timeStatus: 'implausible', obt: { seconds: '5.000000', tai: 5 } });
  });

  it('ingest: duplicates within the window dropped, repeats stored and counted; windows and products on the chosen axis; re-ingest is a no-op', async () => {
    const m = await mission('patterns', { duplicateWindowSeconds: 300 });
    await writeFile(path.join(m.dir, 'drop', 'patterns.dds'), file);
    const r = await idoc('ingest', '--once', '--quiet', '--config', m.config);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse((await idoc('archive', 'status', '--config', m.config, '--json')).out).result as { packets: number; duplicates: number; repeats: number; apids: { apid: number; packets: number; repeats: number; duplicates: number; unsynchronised: number }[] };
    expect(s).toMatchObject({ packets: 23, duplicates: 21, repeats: 2 });
    expect(s.apids.find((a) => a.apid === 1120)).toMatchObject({ packets: 3, duplicates: 1, repeats: 2, unsynchronised: 3 });
    // The boot events by ground time: a window between T+1 h and T+3 h holds the second one only.
    const q = ndjson((await idoc('archive', 'query', '--config', m.config, '--json', '--apid', '1120', '--from', '2025-06-01T11:00:00Z', '--to', '2025-06-01T13:00:00Z')).out);
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ time: '2025-06-01T12:00:00.000Z', ground: '2025-06-01T12:00:00.000Z', synchronised: false, repeat: true });
    const l0 = await idoc('l0', 'build', '--config', m.config, '--out', path.join(m.dir, 'l0'), '--json');
    expect(l0.code, l0.err).toBeLessThan(2);
    const days = (JSON.parse(l0.out).result as { products: { start: string }[] }).products.map((p) => day(p.start)).sort();
    expect(days).toEqual(['2025-06-01', '2026-01-01']);
    // Delivered again under the same name: nothing new.
    await writeFile(path.join(m.dir, 'drop', 'patterns.dds'), file);
    expect((await idoc('ingest', '--once', '--quiet', '--config', m.config)).code).toBe(0);
    expect(JSON.parse((await idoc('archive', 'status', '--config', m.config, '--json')).out).result).toMatchObject({ packets: 23, duplicates: 21 + 44, repeats: 2 });
    expect(await readdir(path.join(m.dir, 'drop'))).not.toContain('patterns.dds');
  });
});

describe('idoc time correlate', () => {
  it('fits a time-couple CSV (the fixture: a clock 20 ppm fast) and shows the sets a config gives', async () => {
    const r = await idoc('time', 'correlate', path.join(ROOT, 'fixtures/sample-mission/time-couples.csv'), '--json');
    expect(r.code, r.err).toBe(0);
    const fit = JSON.parse(r.out).result as { couples: number; rmsSeconds: number; correlation: { validFromObt: number; gradient: number; offset: number }[] };
    expect(fit.couples).toBe(4);
    expect(fit.correlation[0]!.gradient).toBeCloseTo(1 - 20e-6, 9);
    expect(fit.correlation[0]!.offset + fit.correlation[0]!.gradient * 820454400).toBeCloseTo(Date.parse('2026-01-01T00:00:00Z') / 1000, 5);
    expect(fit.rmsSeconds).toBeLessThan(1e-6);
    const m = await mission('correlated', { launch: '2020-01-01T00:00:00Z', correlationFile: path.join(ROOT, 'fixtures/sample-mission/time-couples.csv'), apids: [{ apids: 1120, axis: 'ground' }] });
    const shown = JSON.parse((await idoc('time', 'correlate', '--config', m.config, '--json')).out).result as { earliest: string; rules: { apids: string; axis: string; correlation: unknown[] | null }[] };
    expect(shown.earliest).toBe('2020-01-01T00:00:00Z');
    expect(shown.rules.map((x) => [x.apids, x.axis, x.correlation?.length ?? 0])).toEqual([['mission', 'correlated', 1], ['1120', 'ground', 1]]);
    const bad = await idoc('time', 'correlate', path.join(ROOT, 'fixtures/sample-mission/idoc.json'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/idoc\.json: line 1: expected the header "obt,utc"/);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });
});
