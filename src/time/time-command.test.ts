/** In-process runs of `idoc time …` through `run(argv)` with a captured Io. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import type { Io } from '../io.js';
import { setLeapSecondTable, storedLeapSecondPath } from './leap-second-store.js';
import { BUNDLED_LEAP_SECONDS, parseLeapSecondFile } from './leap-second-table.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/time/Leap_Second.dat');
const home = mkdtempSync(path.join(tmpdir(), 'idoc-time-cli-'));
process.env['IDOC_HOME'] = home;
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The bundled rows with an expiry far away, so that no test depends on today's date. */
const FAR = { ...BUNDLED_LEAP_SECONDS, expires: '2099-12-31' };

beforeEach(() => {
  rmSync(storedLeapSecondPath(), { force: true });
  setLeapSecondTable(FAR);
});

async function idoc(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), errIsTty: false };
  const code = await run(argv, io);
  return { code, out, err };
}

describe('idoc time convert', () => {
  it('reads the Orekit CUC (formats.md §3.1) and prints UTC, TAI, and the CUC echoed', async () => {
    const r = await idoc('time', 'convert', '--in', 'cuc-hex', '1F 53 7F 40 90 C9 FB E7');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('utc      2002-05-23T12:34:56.789000Z');
    expect(r.out).toContain('tai      1400848528.789000');
    expect(r.out).toContain('tai-utc  32 s');
    expect(r.out).toContain('cuc      1f537f4090c9fbe7  (P-field, 4.3)');
    // CDS of the same instant: day 0x3F55, ms 0x02B32C95, µs 0 (hand-computed in cds.test.ts).
    expect(r.out).toContain('cds      413f5502b32c950000');
  });

  it('--json on a leap second gives the 23:59:60 UTC, TAI and codes', async () => {
    const r = await idoc('time', 'convert', '2016-12-31T23:59:60.5Z', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out).result as Record<string, unknown>;
    expect(j).toMatchObject({
      utc: '2016-12-31T23:59:60.500000Z',
      tai: 1483228799 + 36 + 378691200 + 1.5,
      leapSecond: true,
      taiMinusUtc: 36,
      cds: { hex: '41542d05265df40000', pField: true, layout: '2.us' },
      cuc: { pField: true, layout: '4.2' },
    });
  });

  it('a bare number is TAI seconds; an implicit CUC with an agency epoch decodes from that epoch', async () => {
    const r = await idoc('time', 'convert', '0', '--json');
    expect(JSON.parse(r.out).result).toMatchObject({ utc: '1957-12-31T23:59:50.000000Z', tai: 0, cuc: { hex: '1e000000000000' } });
    const rosetta = await idoc('time', 'convert', '--in', 'cuc-hex', '--cuc', '4.2', '--epoch', '2003-01-01T00:00:00Z', '0000000a8000');
    expect(rosetta.code).toBe(0);
    expect(rosetta.out).toContain('utc      2003-01-01T00:00:10.500000Z');
    expect(rosetta.out).toContain('cuc      0000000a8000  (implicit, 4.2)');
  });

  it('a CDS hex converts back to the same UTC, and CUC not representable is reported, not thrown', async () => {
    const r = await idoc('time', 'convert', '--in', 'cds-hex', '40111F00000000');
    expect(r.out).toContain('utc      1970-01-01T00:00:00.000000Z');
    const early = await idoc('time', 'convert', '1950-01-01T00:00:00Z', '--json');
    expect(early.code).toBe(0);
    expect(JSON.parse(early.out).result.cuc.error).toMatch(/precedes the epoch/);
  });

  it('reads Unix seconds (--in unix) and now; --as prints one form', async () => {
    const u = await idoc('time', 'convert', '--in', 'unix', '1483228800', '--json');
    expect(u.code).toBe(0);
    // 2017-01-01T00:00:00Z, the second after the 2016 leap second: TAI-UTC 37 s, TAI = unix + 37 + 378691200.
    expect(JSON.parse(u.out).result).toMatchObject({ utc: '2017-01-01T00:00:00.000000Z', tai: 1483228800 + 37 + 378691200, unix: 1483228800, taiMinusUtc: 37 });
    const as = await idoc('time', 'convert', '2017-01-01T00:00:00Z', '--as', 'unix');
    expect(as.out).toBe('1483228800.000000\n');
    const back = await idoc('time', 'convert', '--in', 'unix', '--as', 'utc', '1483228800.25');
    expect(back.out).toBe('2017-01-01T00:00:00.250000Z\n');
    const before = Date.now() / 1000;
    const now = await idoc('time', 'convert', 'now', '--json');
    const after = Date.now() / 1000;
    expect(now.code).toBe(0);
    const j = JSON.parse(now.out).result as { unix: number; utc: string };
    expect(j.unix).toBeGreaterThanOrEqual(Math.floor(before));
    expect(j.unix).toBeLessThanOrEqual(after + 1);
    expect(j.utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(JSON.parse((await idoc('time', 'convert', '--as', 'tai', '--json', '0')).out)).toEqual({ command: 'time convert', version: '0.1.0', ok: true, problems: [], tai: 0, result: { tai: 0 } });
  });

  it('bad values and options exit 2 with one line', async () => {
    for (const argv of [
      ['time', 'convert', 'soon'],
      ['time', 'convert', '2025-02-30T00:00:00Z'],
      ['time', 'convert', '--in', 'cuc-hex', 'zz'],
      ['time', 'convert', '--in', 'cuc-hex', '1F537F40'],
      ['time', 'convert', '--in', 'cuc-hex', '1F537F4090C9FBE700'],
      ['time', 'convert', '--cuc', '9.9', '--in', 'cuc-hex', '00'],
      ['time', 'convert', '--in', 'gps', '1'],
      ['time', 'convert', '--in', 'unix', 'now'],
      ['time', 'convert', '--from', '2020-01-01', 'now'],
    ]) {
      const r = await idoc(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n').length, r.err).toBe(1);
    }
  });
});

describe('idoc time leap-seconds', () => {
  it('prints the bundled table, its source and expiry (--json)', async () => {
    setLeapSecondTable(null);
    const r = await idoc('time', 'leap-seconds', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out).result as { source: string; expires: string; expired: boolean; entries: { date: string; taiMinusUtc: number }[] };
    expect(j.source).toBe('bundled');
    expect(j.expires).toBe(BUNDLED_LEAP_SECONDS.expires);
    expect(j.entries).toHaveLength(28);
    expect(j.entries.at(-1)).toEqual({ date: '2017-01-01', mjd: 57754, taiMinusUtc: 37 });
    const text = await idoc('time', 'leap-seconds');
    expect(text.out).toContain('source   bundled');
    expect(text.out).toContain('2017-01-01   57754    37 s');
  });

  it('--load validates and stores the file; later runs use it', async () => {
    setLeapSecondTable(null);
    const later = readFileSync(FIXTURE, 'utf8').replace('28 June 2027', '28 June 2099');
    const file = path.join(home, 'Leap_Second.dat');
    writeFileSync(file, later);
    const r = await idoc('time', 'leap-seconds', '--load', file);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`stored ${file}`);
    expect(r.out).toContain(`source   ${storedLeapSecondPath()}`);
    setLeapSecondTable(null);
    const again = await idoc('time', 'leap-seconds', '--json');
    expect(JSON.parse(again.out).result).toMatchObject({ source: storedLeapSecondPath(), expires: '2099-06-28', expired: false });
  });

  it('--load of a malformed file exits 2 naming file and line, and stores nothing', async () => {
    const file = path.join(home, 'bad.dat');
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace('41499.0', '41490.0'));
    const r = await idoc('time', 'leap-seconds', '--load', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.dat:15: MJD 41490 does not match 1972-07-01/);
    const missing = await idoc('time', 'leap-seconds', '--load', path.join(home, 'nope.dat'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.dat: ENOENT/);
  });

  it('warns on stderr when the active table has expired (and still converts)', async () => {
    const expired = { ...parseLeapSecondFile(readFileSync(FIXTURE, 'utf8'), 'old.dat'), expires: '2020-06-28' };
    setLeapSecondTable(expired);
    const r = await idoc('time', 'leap-seconds');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: the leap-second table \(old\.dat\) expired on 2020-06-28/);
    expect(r.out).toContain('(EXPIRED)');
    const c = await idoc('time', 'convert', '2025-01-01T00:00:00Z');
    expect(c.code).toBe(0);
    expect(c.err).toMatch(/expired on 2020-06-28/);
  });

  it('warns when the instant lies after the table expiry', async () => {
    setLeapSecondTable({ ...BUNDLED_LEAP_SECONDS, expires: '2099-06-28' });
    const r = await idoc('time', 'convert', '2099-07-01T00:00:00Z');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/after the leap-second table's expiry/);
    const before = await idoc('time', 'convert', '2020-01-01T00:00:00Z');
    expect(before.err).toBe('');
  });
});
