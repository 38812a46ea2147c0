import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { BUNDLED_LEAP_SECONDS, formatLeapSecondFile, mjdOf, parseLeapSecondFile } from './leap-second-table.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/time/Leap_Second.dat');
const text = readFileSync(FIXTURE, 'utf8');

describe('parseLeapSecondFile', () => {
  it('parseLeapSecondFile() reads the IERS Leap_Second.dat fixture: 28 rows, 10 → 37 s, expiry 2027-06-28', () => {
    const t = parseLeapSecondFile(text, 'Leap_Second.dat');
    expect(t.entries).toHaveLength(28);
    expect(t.entries[0]).toEqual({ mjd: 41317, utcUnix: 63072000, taiMinusUtc: 10 });
    // 2017-01-01 = MJD 57754 = Unix 1483228800 (17167 days).
    expect(t.entries[27]).toEqual({ mjd: 57754, utcUnix: 1483228800, taiMinusUtc: 37 });
    expect(t.expires).toBe('2027-06-28');
    expect(t.source).toBe('Leap_Second.dat');
  });

  it('the bundled table equals the fixture (formats.md §3.3 steps)', () => {
    const t = parseLeapSecondFile(text, 'x');
    expect(BUNDLED_LEAP_SECONDS.entries).toEqual(t.entries);
    expect(BUNDLED_LEAP_SECONDS.expires).toBe(t.expires);
  });

  it('formatLeapSecondFile() output parses back to the same table', () => {
    const back = parseLeapSecondFile(formatLeapSecondFile(BUNDLED_LEAP_SECONDS), 'y');
    expect(back.entries).toEqual(BUNDLED_LEAP_SECONDS.entries);
    expect(back.expires).toBe(BUNDLED_LEAP_SECONDS.expires);
  });

  it('mjdOf() matches known MJDs (1858-11-17 = 0, 1970-01-01 = 40587, 2017-01-01 = 57754)', () => {
    expect(mjdOf(1858, 11, 17)).toBe(0);
    expect(mjdOf(1970, 1, 1)).toBe(40587);
    expect(mjdOf(2017, 1, 1)).toBe(57754);
  });

  const lines = text.split('\n');
  const dataLine = lines.findIndex((l) => l.includes('41499.0')) + 1; // 1-based line of the 1972-07-01 row
  const cases: [string, (s: string) => string, RegExp][] = [
    ['a wrong MJD', (s) => s.replace('41499.0', '41500.0'), new RegExp(`f\\.dat:${dataLine}: MJD 41500 does not match 1972-07-01`)],
    ['a missing row (2 s step)', (s) => s.replace(/^.*41499\.0.*\n/m, ''), new RegExp(`f\\.dat:${dataLine}: TAI-UTC steps from 10 to 12`)],
    ['a non-numeric column', (s) => s.replace('41499.0    1  7 1972       11', '41499.0    1  Jul 1972       11'), /f\.dat:\d+: expected "MJD day month year TAI-UTC"/],
    ['rows out of order', (s) => s.replace(/^(.*41317\.0.*)\n(.*41499\.0.*)$/m, '$2\n$1'), /f\.dat:\d+: MJD 41317 is not after/],
    ['no expiry line', (s) => s.replace(/^#\s+File expires.*$/m, '#'), /f\.dat:\d+: no "File expires on/],
    ['an unknown month in the expiry', (s) => s.replace('28 June 2027', '28 Juin 2027'), /unknown month "Juin"/],
    ['an impossible expiry date', (s) => s.replace('28 June 2027', '31 June 2027'), /invalid expiry date/],
    ['no data', () => '#  File expires on 28 June 2027\n', /no data lines/],
    ['an HTML page', () => '<html>Sign in</html>\n', /f\.dat:1: expected "MJD/],
  ];
  for (const [name, mangle, message] of cases) {
    it(`parseLeapSecondFile() rejects ${name} with InputError naming file and line`, () => {
      const bad = mangle(text);
      expect(bad).not.toBe(text);
      expect(() => parseLeapSecondFile(bad, 'f.dat')).toThrow(InputError);
      expect(() => parseLeapSecondFile(bad, 'f.dat')).toThrow(message);
    });
  }

  it('parseLeapSecondFile() accepts CRLF line ends', () => {
    expect(parseLeapSecondFile(text.replace(/\n/g, '\r\n'), 'crlf').entries).toHaveLength(28);
  });
});
