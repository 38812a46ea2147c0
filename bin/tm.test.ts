/**
 * `idoc tm` end to end, in-process: the examples of telemetry/parameters/README.md run as written (from the
 * repository root) and print what the README shows; decoding, limits and import on the SIM fixture.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runIdoc } from './_run-in-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIM = ['fixtures/sample/sim.dds', '--config', 'fixtures/sample-mission/idoc.json', '--defs', 'fixtures/sample-mission/sim-tm.xml'];

const idoc = (...argv: string[]) => runIdoc(argv, { cwd: ROOT });

/** The README's examples: a `$ npx idoc …` line, then the output it shows (a line `…` = more lines follow). */
function readmeExamples(): { argv: string[]; expected: string[]; more: boolean }[] {
  const text = readFileSync(path.join(ROOT, 'telemetry/parameters/README.md'), 'utf8');
  const out: { argv: string[]; expected: string[]; more: boolean }[] = [];
  for (const block of text.matchAll(/```\n([\s\S]*?)```/g)) {
    const lines = block[1]!.replace(/\n$/, '').split('\n');
    if (!lines[0]!.startsWith('$ npx idoc ')) continue;
    const rest = lines.slice(1);
    const more = rest[rest.length - 1] === '…';
    out.push({ argv: lines[0]!.slice('$ npx idoc '.length).split(/\s+/), expected: more ? rest.slice(0, -1) : rest, more });
  }
  return out;
}

describe('telemetry/parameters/README.md examples', () => {
  const examples = readmeExamples();
  test('there are examples', () => expect(examples.length).toBeGreaterThanOrEqual(4));
  for (const ex of examples) {
    const needsShared = ex.argv.some((a) => a.startsWith('../shared/'));
    test.skipIf(needsShared && !existsSync(path.join(ROOT, '../shared/samples')))(ex.argv.slice(0, 3).join(' ') + ' …', async () => {
      const r = await idoc(...ex.argv);
      expect(r.code, r.err).toBeLessThanOrEqual(1);
      const lines = r.out.replace(/\n$/, '').split(/\r?\n/);
      if (ex.more) expect(lines.slice(0, ex.expected.length)).toEqual(ex.expected);
      else expect(lines).toEqual(ex.expected);
    });
  }
});

describe('idoc tm decode', () => {
  test('the OBT parameter (XTCE absolute time) equals the packet time read by the PUS-C profile, for every packet', async () => {
    const r = await idoc('tm', 'decode', ...SIM, '--apid', '1100,1101', '--param', 'OBT', '--json');
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as { time: string; values: { OBT: string } });
    expect(rows.length).toBe(600);
    for (const row of rows) expect(row.values.OBT).toBe(row.time);
  });

  test('limit states in --long equal thresholds applied by hand to the raw values (-50 + 0.004 raw; warning ±[-10, 55], critical [-20, 60])', async () => {
    const r = await idoc('tm', 'decode', ...SIM, '--apid', '1100', '--param', 'DET_TEMP', '--long');
    const rows = r.out.trim().split('\r\n').slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(300);
    for (const row of rows) {
      const t = -50 + 0.004 * Number(row[4]);
      const expected = t < -20 || t > 60 ? 'critical' : t < -10 || t > 55 ? 'warning' : 'normal';
      expect(Number(row[5])).toBeCloseTo(t, 9);
      expect(row[8]).toBe(expected);
    }
  });

  test('the damaged DDS copy decodes the packets the framing recovers; the SIM definitions cover every packet', async () => {
    const r = await idoc('tm', 'decode', 'fixtures/sample/sim_damaged.dds', ...SIM.slice(1), '--long', '--json', '--param', 'SRC_SEQ_CTR');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/702 packet\(s\) decoded into 4 container\(s\)/);
  });

  test('--from/--to keep the packets of the window (packet time, UTC, start inclusive, end exclusive)', async () => {
    const r = await idoc('tm', 'decode', ...SIM, '--apid', '1100', '--param', 'SID', '--from', '2026-01-01T00:01:00Z', '--to', '2026-01-01T00:01:10Z');
    const rows = r.out.trim().split('\r\n').slice(1);
    expect(rows.length).toBe(10);
    expect(rows[0]!.startsWith('2026-01-01T00:01:00.000000Z,1100,1')).toBe(true);
    expect(rows[9]!.startsWith('2026-01-01T00:01:09.000000Z,')).toBe(true);
  });

  test('tm limits --json: transitions with UTC times, per-parameter summary, exit 1', async () => {
    const r = await idoc('tm', 'limits', ...SIM, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out).result as { violations: number; transitions: { time: string; parameter: string; from: string; to: string }[]; parameters: { parameter: string; samples: number; violations: number; worst: string }[] };
    // The expected transitions, from the raw values and the thresholds applied by hand (minViolations 1).
    const raw = await idoc('tm', 'decode', ...SIM, '--apid', '1100', '--param', 'DET_TEMP', '--raw', '--json');
    const expected: string[] = [];
    let state = 'normal';
    let out = 0;
    for (const line of raw.out.trim().split('\n')) {
      const row = JSON.parse(line) as { time: string; values: { DET_TEMP: number } };
      const t = -50 + 0.004 * row.values.DET_TEMP;
      const s = t < -20 || t > 60 ? 'critical' : t < -10 || t > 55 ? 'warning' : 'normal';
      if (s !== 'normal') out++;
      if (s !== state) expected.push(`${row.time} ${state}->${s}`);
      state = s;
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(j.transitions.map((t) => `${t.time} ${t.from}->${t.to}`)).toEqual(expected);
    expect(j.parameters).toEqual([{ container: 'SIM_HK_FAST', parameter: 'DET_TEMP', samples: 300, violations: out, worst: 'critical' }]);
    expect(j.violations).toBe(out);
    // No limits violated in a window before the first excursion: exit 0.
    expect((await idoc('tm', 'limits', ...SIM, '--to', '2026-01-01T00:00:50Z')).code).toBe(0);
  });

  test('a wide CSV of several containers is refused with a usage error', async () => {
    const r = await idoc('tm', 'decode', ...SIM);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/4 containers decoded \(SIM_HK_FAST, SIM_HK_SLOW, SIM_SCI, SIM_EVT\)/);
  });

  test('an unknown --param is a usage error naming it', async () => {
    const r = await idoc('tm', 'decode', ...SIM, '--param', 'NOPE');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`idoc: --param: NOPE is not defined in fixtures/sample-mission/sim-tm.xml\n`);
  });
});

describe('a SCOS-2000 MIB and an XTCE file describing the same packets', () => {
  test('give the same raw and engineering values, validity and limit states (fixtures/mib-tm vs sim-tm.xml)', async () => {
    const params = ['DET_TEMP', 'HV_LEVEL', 'HK_F03', 'HK_F16', 'BUS_VOLT', 'HK_S08'];
    const xtce = await idoc('tm', 'decode', ...SIM, '--apid', '1100,1101', '--long', '--param', ...params);
    const mib = await idoc('tm', 'decode', ...SIM.slice(0, 3), '--defs', 'fixtures/mib-tm', '--apid', '1100,1101', '--long', '--param', ...params);
    expect(mib.code).toBe(0);
    expect(mib.out).toBe(xtce.out);
    expect(xtce.out.trim().split(/\r?\n/).length).toBe(1 + 300 * 4 + 300 * 2);
  });
});

describe('a CCSDSPy-style field list', () => {
  test('fixtures/fields/sim-hk.csv reads the same raw values as the XTCE (HK_F03..HK_F16 as one array)', async () => {
    const csv = await idoc('tm', 'decode', ...SIM.slice(0, 3), '--defs', 'fixtures/fields/sim-hk.csv', '--apid', '1100', '--param', 'DET_TEMP', 'HK_1100', '--json');
    const xml = await idoc('tm', 'decode', ...SIM, '--apid', '1100', '--raw', '--json');
    expect(csv.code).toBe(0);
    const a = csv.out.trim().split('\n').map((l) => JSON.parse(l) as { values: { DET_TEMP: number; HK_1100: number[] } });
    const b = xml.out.trim().split('\n').map((l) => JSON.parse(l) as { values: Record<string, number> });
    expect(a.length).toBe(300);
    a.forEach((row, i) => {
      expect(row.values.DET_TEMP).toBe(b[i]!.values['DET_TEMP']);
      expect(row.values.HK_1100).toEqual(Array.from({ length: 14 }, (_, k) => b[i]!.values[`HK_F${String(k + 3).padStart(2, '0')}`]));
    });
  });
});

describe('definition files', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'idoc-tm-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  test('an unsupported XTCE element: one line naming file and line, exit 2, no stack', async () => {
    const xml = readFileSync(path.join(ROOT, 'fixtures/sample-mission/sim-tm.xml'), 'utf8').replace('<SplineCalibrator order="1"', '<SplineCalibrator order="3"');
    const line = xml.split('\n').findIndex((l) => l.includes('order="3"')) + 1;
    const f = path.join(dir, 'bad.xml');
    await writeFile(f, xml);
    const r = await idoc('tm', 'decode', ...SIM.slice(0, 3), '--defs', f);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`${f}:${line}: <SplineCalibrator>: order=3 is not supported`);
  });

  test('tm import xtce writes the JSON form; decoding with it gives the same output', async () => {
    const json = path.join(dir, 'sim-tm.json');
    const imp = await idoc('tm', 'import', 'xtce', 'fixtures/sample-mission/sim-tm.xml', '--out', json);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/sim-tm\.json: \d+ parameter types, \d+ parameters, 6 containers/);
    const a = await idoc('tm', 'decode', ...SIM, '--long', '--json');
    const b = await idoc('tm', 'decode', ...SIM.slice(0, 3), '--defs', json, '--long', '--json');
    expect(b.out).toBe(a.out);
    expect(a.out.length).toBeGreaterThan(10000);
  });
});

describe('MIB absolute times (PTC 9) count from the mission\'s packet time epoch', () => {
  // The event packet of telemetry/parameters/mib-vpd.test.ts: EV_TIME is CUC 4+2 = 1 000 000.5 s, EV_CDS day 3 + 5 s.
  const u16 = (v: number) => [v >> 8, v & 0xff];
  const data = [...u16(0x1234), 0x00, 0x0f, 0x42, 0x40, 0x80, 0x00, 0x00, 0x03, 0x00, 0x00, 0x13, 0x88, 2, ...u16(100), 0xfb, 2, 7, 8, ...u16(200), 0x06, 0, 0xee, 5, 0x48, 0x45, 0x4c, 0x4c, 0x4f, 2, 0xca, 0xfe, 0x00, 0x01, 0x80, 9, 10];
  const pkt = new Uint8Array(16 + data.length);
  pkt.set([0x08 | (1200 >> 8), 1200 & 0xff, 0xc0, 0, (pkt.length - 7) >> 8, (pkt.length - 7) & 0xff, 0x20, 5, 1]);
  pkt.set(data, 16);
  let dir = '';
  const config = async (epoch: string, scale: 'UTC' | 'TAI') => {
    const file = path.join(dir, `idoc-${scale}.json`);
    await writeFile(file, JSON.stringify({ mission: { name: 'T', spacecraft: 'T', instrument: 'T', spacecraftId: 1 }, packets: { profile: 'pus-c', crc: 'no', time: { code: 'cuc', epoch, epochScale: scale } } }));
    return file;
  };
  const engOf = (out: string, name: string) => (JSON.parse(out.split('\n').find((l) => l.includes(`"${name}"`))!) as { engineering: string }).engineering;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'idoc-mib-epoch-'));
    await writeFile(path.join(dir, 'ev.bin'), pkt);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  test('tm decode: the config\'s epoch (UTC or TAI scale); TAI 1958 without a config', async () => {
    const decode = (...more: string[]) => idoc('tm', 'decode', path.join(dir, 'ev.bin'), '--framing', 'raw', '--defs', 'fixtures/mib-vpd', '--long', '--json', '--param', 'EV_TIME', 'EV_CDS', ...more);
    const utc = await decode('--config', await config('2020-01-01T00:00:00Z', 'UTC'));
    expect(utc.code, utc.err).toBe(0);
    expect([engOf(utc.out, 'EV_TIME'), engOf(utc.out, 'EV_CDS')]).toEqual(['2020-01-12T13:46:40.500000Z', '2020-01-04T00:00:05.000000Z']);
    // 2020-01-01T00:00:00 TAI is 37 s (TAI − UTC in 2020) before the same digits in UTC.
    const tai = await decode('--config', await config('2020-01-01T00:00:00Z', 'TAI'));
    expect([engOf(tai.out, 'EV_TIME'), engOf(tai.out, 'EV_CDS')]).toEqual(['2020-01-12T13:46:03.500000Z', '2020-01-03T23:59:28.000000Z']);
    const none = await decode();
    expect(engOf(none.out, 'EV_TIME')).toBe('1958-01-12T13:46:30.500000Z'); // src/time: TAI − UTC = 10 s before 1972
  });

  test('tm import mib --config writes the epoch into the JSON database, which then decodes the same without a config', async () => {
    const out = path.join(dir, 'vpd.json');
    const r = await idoc('tm', 'import', 'mib', 'fixtures/mib-vpd', '--config', await config('2020-01-01T00:00:00Z', 'TAI'), '--out', out);
    expect(r.code, r.err).toBe(0);
    const db = JSON.parse(readFileSync(out, 'utf8')) as { parameterTypes: { time?: { epoch: string } }[] };
    expect([...new Set(db.parameterTypes.flatMap((t) => (t.time ? [t.time.epoch] : [])))]).toEqual(['2019-12-31T23:59:23.000000000Z']);
    const d = await idoc('tm', 'decode', path.join(dir, 'ev.bin'), '--framing', 'raw', '--defs', out, '--long', '--json', '--param', 'EV_TIME');
    expect(engOf(d.out, 'EV_TIME')).toBe('2020-01-12T13:46:03.500000Z');
  });
});
