import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { activeLeapSeconds, leapTableExpired, setLeapSecondTable, storeLeapSecondFile, storedLeapSecondPath } from './leap-second-store.js';
import { BUNDLED_LEAP_SECONDS, parseLeapSecondFile } from './leap-second-table.js';
import { taiToUtcIso, utcToTai } from './utc.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/time/Leap_Second.dat');
const text = readFileSync(FIXTURE, 'utf8');
const home = mkdtempSync(path.join(tmpdir(), 'idoc-leap-'));
process.env['IDOC_HOME'] = home;
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A later file: the same rows plus a made-up leap second at the end of 2030 and a later expiry. */
const withLeap2031 = text.replace('28 June 2027', '28 June 2031') + '    62867.0    1  1 2031       38\n';

beforeEach(() => {
  rmSync(storedLeapSecondPath(), { force: true });
  setLeapSecondTable(null);
});

describe('leap-second store', () => {
  it('activeLeapSeconds() is the bundled table when nothing is stored', () => {
    expect(storedLeapSecondPath()).toBe(path.join(home, 'leap-seconds.dat'));
    expect(activeLeapSeconds()).toBe(BUNDLED_LEAP_SECONDS);
  });

  it('storeLeapSecondFile() writes $IDOC_HOME/leap-seconds.dat, activates it, and a fresh load finds it', () => {
    const t = storeLeapSecondFile(withLeap2031, 'new.dat');
    expect(t.source).toBe(storedLeapSecondPath());
    expect(readdirSync(home)).toEqual(['leap-seconds.dat']); // no temporary file left
    expect(activeLeapSeconds()).toEqual(t);
    setLeapSecondTable(null); // as in a new process
    const loaded = activeLeapSeconds();
    expect(loaded.expires).toBe('2031-06-28');
    expect(loaded.entries).toHaveLength(29);
    // The made-up leap second now exists for the conversions.
    expect(taiToUtcIso(utcToTai('2030-12-31T23:59:60Z'), 0)).toBe('2030-12-31T23:59:60Z');
  });

  it('storeLeapSecondFile() writes nothing for a malformed file', () => {
    expect(() => storeLeapSecondFile(text.replace('41499.0', '41498.0'), 'bad.dat')).toThrow(/bad\.dat:\d+: MJD/);
    expect(existsSync(storedLeapSecondPath())).toBe(false);
  });

  it('activeLeapSeconds() prefers the bundled table when the stored one expires earlier', () => {
    writeFileSync(storedLeapSecondPath(), text.replace('28 June 2027', '28 June 2020'));
    expect(activeLeapSeconds()).toBe(BUNDLED_LEAP_SECONDS);
  });

  it('activeLeapSeconds() throws InputError naming the stored file when it is corrupt', () => {
    writeFileSync(storedLeapSecondPath(), 'garbage\n');
    expect(() => activeLeapSeconds()).toThrow(InputError);
    expect(() => activeLeapSeconds()).toThrow(/leap-seconds\.dat:1:/);
  });

  it('leapTableExpired() is true from 00:00 UTC of the expiry date on', () => {
    const t = parseLeapSecondFile(text, 'f');
    expect(leapTableExpired(new Date('2027-06-27T23:59:59Z'), t)).toBe(false);
    expect(leapTableExpired(new Date('2027-06-28T00:00:00Z'), t)).toBe(true);
    setLeapSecondTable({ ...t, expires: '2020-06-28' });
    expect(leapTableExpired(new Date('2026-01-01T00:00:00Z'))).toBe(true);
  });
});
