import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { loadConfig, type MissionConfig } from '../../src/config/index.js';
import { openArchive, openSqliteArchiveReader } from '../../src/store/index.js';
import { storeFile } from '../../src/store/_test-packets.js';
import { taiToUnixMs } from '../../src/time/index.js';
import { splitBuffer } from '../framing/index.js';
import { parseDdsRequestXml } from '../feeds/dds-request.js';
import { findGaps, gapsOf, gapWindows, type Gap } from './index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sample = (f: string) => path.join(repo, 'fixtures/sample', f);
const configFile = path.join(repo, 'fixtures/sample-mission/idoc.json');
const truth = JSON.parse(fs.readFileSync(sample('truth.json'), 'utf8')) as { file: string; packetsPerApid: Record<string, number>; gaps: { apid: number; after: number; before: number; missing: number }[] }[];
const truthOf = (f: string) => truth.find((t) => t.file === f)!;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), errIsTty: false } };
}

let work: string;
let config: MissionConfig;
const dirs: Record<string, string> = {};
const periodOf = (apid: number) => config.apids.find((d) => apid >= d.apids.from && apid <= d.apids.to)?.periodSeconds;
const route = (apid: number) => (config.apids.some((d) => apid >= d.apids.from && apid <= d.apids.to) ? 'sim' : 'quarantine');

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-gaps-'));
  config = await loadConfig(configFile);
  for (const [name, files] of Object.entries({ bin: ['sim_damaged.bin'], dds: ['sim_damaged.dds'], both: ['sim.dds', 'sim_damaged.bin'] })) {
    const dir = path.join(work, name);
    const a = openArchive(dir, { fsync: false });
    for (const f of files) await storeFile(a, sample(f), config.profile, route, name);
    a.close();
    dirs[name] = dir;
  }
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const simple = (gs: readonly Gap[]) => gs.map((g) => ({ apid: g.apid, after: g.afterSeq, before: g.beforeSeq, missing: g.missing }));

describe('findGaps on archives of the sample files', () => {
  it.each(['sim_damaged.bin', 'sim_damaged.dds'])('finds exactly the gaps truth.json lists for %s', async (file) => {
    const a = await openSqliteArchiveReader(dirs[file.endsWith('.bin') ? 'bin' : 'dds']!);
    const gaps = await findGaps(a, { periodOf });
    expect(simple(gaps)).toEqual(truthOf(file).gaps);
    // 1 Hz housekeeping: each gap is also a cadence break, bounded by the packets around it.
    for (const g of gaps) {
      expect(g.kind).toBe('sequence+cadence');
      expect(g.endTai! - g.startTai!).toBe(g.missing + 1);
    }
    // Without periods only the counts speak.
    expect((await findGaps(a)).map((g) => g.kind)).toEqual(gaps.map(() => 'sequence'));
    await a.close();
  });

  it('stores a damaged file and a clean delivery of the same data once: no gaps, the corrupted copy kept apart', async () => {
    const a = await openSqliteArchiveReader(dirs['both']!);
    const s = await a.status();
    expect(s.packets).toBe(706); // 705 clean + the bit-flipped copy of 1100/30
    expect(s.duplicates).toBe(700);
    expect(s.crcErrors).toBe(1);
    expect(await findGaps(a, { periodOf })).toEqual([]);
    await a.close();
  });

  it('limits the search to APIDs and a time window', async () => {
    const a = await openSqliteArchiveReader(dirs['bin']!);
    const all = await findGaps(a, { periodOf });
    expect(simple(await findGaps(a, { apids: [[1101, 1101]], periodOf }))).toEqual([{ apid: 1101, after: 59, before: 61, missing: 1 }]);
    const g = all[0]!;
    expect((await findGaps(a, { fromTai: g.endTai!, periodOf })).map((x) => x.apid)).toEqual([1101]);
    await a.close();
  });
});

describe('gapsOf', () => {
  const pts = (xs: [number | undefined, number][]) => xs.map(([tai, sequenceCount]) => ({ tai, sequenceCount }));
  it('is wrap-aware: 16382 → 1 is 2 missing', () => {
    expect(gapsOf(5, pts([[0, 16381], [1, 16382], [4, 1]]))).toMatchObject([{ afterSeq: 16382, beforeSeq: 1, missing: 2, kind: 'sequence' }]);
  });
  it('adds whole counter wraps when the period says far more packets are missing', () => {
    expect(gapsOf(5, pts([[0, 10], [16384 + 3, 13]]), 1)[0]!.missing).toBe(16384 + 2);
    expect(gapsOf(5, pts([[0, 10], [3, 13]]), 1)[0]!.missing).toBe(2);
  });
  it('reports a cadence break with continuous counts, with the cadence estimate', () => {
    expect(gapsOf(5, pts([[0, 1], [1, 2], [11, 3], [12, 4]]), 1)).toEqual([{ apid: 5, kind: 'cadence', afterSeq: 2, beforeSeq: 3, missing: 9, startTai: 1, endTai: 11 }]);
    expect(gapsOf(5, pts([[0, 1], [1.4, 2]]), 1)).toEqual([]); // 1.4 < 1.5 periods
  });
  it('ignores a repeated count and a step back at the same time', () => {
    expect(gapsOf(5, pts([[0, 1], [0, 1], [1, 2], [1, 0], [2, 3]]))).toEqual([]);
  });
  it('checks packets without times by count alone', () => {
    expect(gapsOf(5, pts([[undefined, 1], [undefined, 5]]), 1)).toMatchObject([{ kind: 'sequence', missing: 3, startTai: undefined }]);
  });
});

describe('gapWindows', () => {
  const g = (apid: number, s: number, e: number): Gap => ({ apid, kind: 'sequence', afterSeq: 0, beforeSeq: 2, missing: 1, startTai: s, endTai: e });
  it('widens to whole seconds and merges overlapping or touching windows per APID', () => {
    const base = 1325376032 + 86400; // 2000-01-02T00:00:00Z in TAI since 1958
    const w = gapWindows([g(7, base + 10.5, base + 12.2), g(7, base + 12.9, base + 14), g(7, base + 20, base + 21), g(3, base + 11, base + 13)]);
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(w.map((x) => [x.apid, iso(x.startMs), iso(x.endMs), x.gaps])).toEqual([
      [3, '2000-01-02T00:00:11.000Z', '2000-01-02T00:00:13.000Z', 1],
      [7, '2000-01-02T00:00:10.000Z', '2000-01-02T00:00:14.000Z', 2],
      [7, '2000-01-02T00:00:20.000Z', '2000-01-02T00:00:21.000Z', 1],
    ]);
  });
});

describe('idoc archive (CLI, in-process)', () => {
  const base = () => ['--archive', dirs['bin']!, '--config', configFile];

  it('status --json: per-APID counts, duplicates, CRC errors, gaps; exit 1', async () => {
    const c = io();
    expect(await run(['archive', 'status', ...base(), '--json'], c.io)).toBe(1);
    const r = JSON.parse(c.out.join('')).result;
    const t = truthOf('sim_damaged.bin');
    const by = Object.fromEntries(r.apids.map((a: { apid: number }) => [a.apid, a]));
    expect(by[1100]).toMatchObject({ name: 'SIM_HK_FAST', packets: t.packetsPerApid['1100'], gaps: 1, missing: 3, crcErrors: 1, duplicates: 0, routes: ['sim'] });
    expect(by[1101]).toMatchObject({ packets: t.packetsPerApid['1101']! - 1, duplicates: 1, gaps: 1, missing: 1 });
    expect(by[1110]).toMatchObject({ packets: 98, gaps: 0 });
    expect(by[1100].first).toMatch(/Z$/);
    expect(r.gaps).toBe(2);
    const text = io();
    await run(['archive', 'status', ...base()], text.io);
    expect(text.out.join('')).toContain('problems: 2 gaps (4 packets missing), 1 CRC errors');
  });

  it('query --out writes the packets as `packets cat` would; --json gives NDJSON; --from/--to filter', async () => {
    const out = path.join(work, 'evt.bin');
    expect(await run(['archive', 'query', ...base(), '--apid', '1120', '--out', out], io().io)).toBe(0);
    const clean = splitBuffer(fs.readFileSync(sample('sim.bin')), { crc: 'yes' }).batch.packets.filter((p) => p.apid === 1120);
    expect(Buffer.compare(fs.readFileSync(out), Buffer.concat(clean.map((p) => p.buf.subarray(p.offset, p.offset + p.length))))).toBe(0);
    const c = io();
    await run(['archive', 'query', ...base(), '--apid', '1120', '--json'], c.io);
    const recs = c.out.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(recs).toHaveLength(6);
    expect(recs[0]).toMatchObject({ apid: 1120, route: 'sim', feed: 'bin', crc: 'ok' });
    expect(Buffer.from(recs[0].packet, 'hex').equals(Buffer.from(clean[0]!.buf.subarray(clean[0]!.offset, clean[0]!.offset + clean[0]!.length)))).toBe(true);
    const from = recs[1].time, to = recs[3].time;
    const w = io();
    await run(['archive', 'query', ...base(), '--apid', '1120', '--json', '--from', from, '--to', to], w.io);
    expect(w.out.join('').trim().split('\n').map((l) => JSON.parse(l).time)).toEqual([recs[1].time, recs[2].time]);
  });

  it('gaps --csv and --json list the gaps with UTC bounds', async () => {
    const c = io();
    expect(await run(['archive', 'gaps', ...base(), '--csv'], c.io)).toBe(1);
    const lines = c.out.join('').split('\r\n');
    expect(lines[0]).toBe('apid,name,kind,after_seq,before_seq,missing,start_utc,end_utc');
    expect(lines[1]).toMatch(/^1100,SIM_HK_FAST,sequence\+cadence,9,13,3,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,\d{4}-.*Z$/);
    expect(lines[2]).toMatch(/^1101,SIM_HK_SLOW,sequence\+cadence,59,61,1,/);
    expect(lines[3]).toBe('');
    const j = io();
    await run(['archive', 'gaps', ...base(), '--json', '--apid', '1110'], j.io);
    expect(JSON.parse(j.out.join('')).result).toEqual({ gaps: [], resets: [] });
  });

  it('gaps --dds-request writes one request per missing window, as <id>.XML with no .tmp left', async () => {
    const dir = path.join(work, 'requests');
    expect(await run(['archive', 'gaps', ...base(), '--dds-request', dir], io().io)).toBe(1);
    const files = fs.readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.XML'))).toBe(true);
    const a = await openSqliteArchiveReader(dirs['bin']!);
    const gaps = await findGaps(a, { periodOf });
    await a.close();
    for (const g of gaps) {
      const startMs = Math.floor(taiToUnixMs(g.startTai!) / 1000) * 1000;
      const endMs = Math.ceil(taiToUnixMs(g.endTai!) / 1000) * 1000;
      const compact = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
      const id = `IDOC_${g.apid}_${compact(startMs)}--${compact(endMs)}`;
      const req = parseDdsRequestXml(fs.readFileSync(path.join(dir, `${id}.XML`), 'utf8'));
      expect(req).toEqual({ id, apids: [g.apid], startMs, endMs });
    }
  });

  it('a folder without an archive is one clear error, exit 2', async () => {
    const c = io();
    expect(await run(['archive', 'status', '--archive', path.join(work, 'none'), '--config', configFile], c.io)).toBe(2);
    expect(c.err.join('')).toBe(`idoc: ${path.join(work, 'none')}: not an idoc archive (no index.sqlite)\n`);
  });
});
