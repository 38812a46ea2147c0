/**
 * `idoc tm archive|query|plot|l1` end to end, in-process, on the SIM fixture: the archive answers what
 * `tm decode --long` prints; statistics per minute equal those computed from the decode output; plot and L1
 * write their files; Parquet reads back (hyparquet); bad input exits 2 with one line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runIdoc } from './_run-in-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = ['--config', 'fixtures/sample-mission/idoc.json'];
const DEFS = ['--defs', 'fixtures/sample-mission/sim-tm.xml'];

const idoc = (...argv: string[]) => runIdoc(argv, { cwd: ROOT });

let dir = '';
let archive = '';
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'idoc-tm-archive-'));
  archive = path.join(dir, 'archive');
  const r = await idoc('tm', 'archive', 'fixtures/sample/sim.dds', ...CONFIG, ...DEFS, '--archive', archive, '--json');
  if (r.code !== 0) throw new Error(r.err);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('idoc tm archive / query', () => {
  test('query prints what decode --long prints (time, apid, parameter, raw, engineering, unit, validity, limit)', async () => {
    const q = await idoc('tm', 'query', 'DET_TEMP', 'HV_LEVEL', ...CONFIG, '--archive', archive);
    expect(q.code, q.err).toBe(0);
    const d = await idoc('tm', 'decode', 'fixtures/sample/sim.dds', ...CONFIG, ...DEFS, '--long', '--param', 'DET_TEMP', 'HV_LEVEL');
    const fromDecode = d.out.trim().split('\n').slice(1).map((l) => l.split(',')).map((c) => [c[0], c[1], c[3], c[4], c[5], c[6], c[7], c[8]].join(','));
    const fromQuery = q.out.trim().split('\n').slice(1);
    expect(fromQuery.length).toBe(600);
    expect([...fromQuery].sort()).toEqual([...fromDecode].sort());
  });

  test('loading the same file again adds nothing', async () => {
    const r = await idoc('tm', 'archive', 'fixtures/sample/sim.dds', ...CONFIG, ...DEFS, '--archive', archive, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).result).toMatchObject({ samples: 0, skipped: ['fixtures/sample/sim.dds'] });
  });

  test('--stats --bin PT1M equals min/max/mean/count computed from the samples, per UTC minute', async () => {
    const s = await idoc('tm', 'query', 'DET_TEMP', ...CONFIG, '--archive', archive, '--stats', '--bin', 'PT1M', '--json');
    expect(s.code, s.err).toBe(0);
    const bins = s.out.trim().split('\n').map((l) => JSON.parse(l) as { from: string; to: string; count: number; min: number; max: number; mean: number });
    const q = await idoc('tm', 'query', 'DET_TEMP', ...CONFIG, '--archive', archive, '--json');
    const byMinute = new Map<string, number[]>();
    for (const l of q.out.trim().split('\n')) {
      const row = JSON.parse(l) as { time: string; engineering: number };
      const m = `${row.time.slice(0, 16)}:00.000000Z`;
      byMinute.set(m, [...(byMinute.get(m) ?? []), row.engineering]);
    }
    expect(bins.map((b) => b.from)).toEqual([...byMinute.keys()].sort());
    for (const b of bins) {
      const v = byMinute.get(b.from)!;
      expect(b.count).toBe(v.length);
      expect(b.min).toBe(Math.min(...v));
      expect(b.max).toBe(Math.max(...v));
      expect(b.mean).toBeCloseTo(v.reduce((a, x) => a + x, 0) / v.length, 9);
    }
  });

  test('--from/--to select [from, to)', async () => {
    const q = await idoc('tm', 'query', 'DET_TEMP', ...CONFIG, '--archive', archive, '--from', '2026-01-01T00:01:00Z', '--to', '2026-01-01T00:01:10Z');
    const rows = q.out.trim().split('\n').slice(1);
    expect(rows.length).toBe(10);
    expect(rows[0]!.startsWith('2026-01-01T00:01:00.000000Z,')).toBe(true);
  });

  test('--parquet writes the samples; hyparquet reads them back', async () => {
    const file = path.join(dir, 'q.parquet');
    const r = await idoc('tm', 'query', 'DET_TEMP', 'HV_LEVEL', ...CONFIG, '--archive', archive, '--parquet', file);
    expect(r.code, r.err).toBe(0);
    const { parquetReadObjects, asyncBufferFromFile } = await import('hyparquet');
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as { time_utc: string; parameter: string; raw: number; engineering: number | null; engineering_text: string | null; limit: string }[];
    expect(rows.length).toBe(600);
    const temp = rows.filter((x) => x.parameter === 'DET_TEMP');
    for (const x of temp) expect(x.engineering!).toBeCloseTo(-50 + 0.004 * x.raw, 9);
    expect(temp.filter((x) => x.limit !== 'normal').length).toBe(82);
    expect(rows.filter((x) => x.parameter === 'HV_LEVEL').every((x) => typeof x.engineering_text === 'string')).toBe(true);
  });

  test('bad input: unknown parameter, bad --bin, no parameter archive → exit 2, one line', async () => {
    const a = await idoc('tm', 'query', 'NOPE', ...CONFIG, '--archive', archive);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/NOPE: not in the parameter archive/);
    const b = await idoc('tm', 'query', 'DET_TEMP', ...CONFIG, '--archive', archive, '--stats', '--bin', '1 minute');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--bin/);
    const c = await idoc('tm', 'query', 'DET_TEMP', ...CONFIG, '--archive', path.join(dir, 'none'));
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/no parameter archive/);
    expect(c.err.trim().split('\n').length).toBe(1);
    const d = await idoc('tm', 'archive', 'fixtures/sample/sim.dds', ...CONFIG, ...DEFS, '--archive', archive, '--time-param', 'DET_TEMP');
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/--time-param: DET_TEMP is not an absolute time/);
  });
});

describe('idoc tm plot / l1', () => {
  test('plot --out .svg writes well-formed SVG with one panel per parameter; .png a PNG', async () => {
    const svg = path.join(dir, 'p.svg');
    const r = await idoc('tm', 'plot', 'DET_TEMP', 'BUS_VOLT', ...CONFIG, '--archive', archive, '--out', svg);
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text.match(/class="panel"/g)!.length).toBe(2);
    const png = path.join(dir, 'p.png');
    expect((await idoc('tm', 'plot', 'DET_TEMP', ...CONFIG, '--archive', archive, '--out', png)).code).toBe(0);
    expect([...readFileSync(png).subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const bad = await idoc('tm', 'plot', 'DET_TEMP', ...CONFIG, '--archive', archive, '--out', path.join(dir, 'p.gif'));
    expect(bad.code).toBe(2);
  });

  test('l1 writes the table and its label (LID from the config bundle)', async () => {
    const out = path.join(dir, 'l1');
    const r = await idoc('tm', 'l1', 'DET_TEMP', 'HV_LEVEL', ...CONFIG, '--archive', archive, '--out-dir', out, '--json', '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T00:01:00Z');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out).result as { labelFile: string; dataFile: string; records: number; lid: string };
    expect(j.records).toBe(60);
    expect(j.lid).toMatch(/^urn:[a-z]+:[a-z]+:[a-z0-9_]+:data_calibrated:parameters_20260101t000000$/);
    expect(readFileSync(j.dataFile, 'latin1').split('\r\n').length).toBe(62); // header + 60 records + final empty
  });
});
