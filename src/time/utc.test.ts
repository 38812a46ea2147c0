import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { setLeapSecondTable } from './leap-second-store.js';
import { BUNDLED_LEAP_SECONDS } from './leap-second-table.js';
import { TAI_UNIX_OFFSET } from './tai.js';
import { inLeapSecond, taiMinusUtc, taiToUnixMs, taiToUtcIso, taiToUtcUnix, utcToTai, utcUnixToTai } from './utc.js';

beforeAll(() => setLeapSecondTable(BUNDLED_LEAP_SECONDS));

/** Unix seconds of 2017-01-01T00:00:00Z, computed independently: 17167 days × 86400. */
const U2017 = 17167 * 86400;

describe('taiMinusUtc', () => {
  it('taiMinusUtc() gives the ΔAT of formats.md §3.3 on both sides of each step', () => {
    expect(taiMinusUtc(U2017 - 1)).toBe(36);
    expect(taiMinusUtc(U2017)).toBe(37);
    expect(taiMinusUtc(Date.UTC(2002, 4, 23) / 1000)).toBe(32);
    expect(taiMinusUtc(Date.UTC(1972, 6, 1) / 1000 - 0.001)).toBe(10);
    expect(taiMinusUtc(Date.UTC(1972, 6, 1) / 1000)).toBe(11);
  });

  it('taiMinusUtc() uses 10 s before 1972 (the 1961–1971 offsets are not modelled)', () => {
    expect(taiMinusUtc(0)).toBe(10);
    expect(taiMinusUtc(-TAI_UNIX_OFFSET)).toBe(10);
  });
});

describe('leap second 2016-12-31', () => {
  // TAI of 2016-12-31T23:59:59Z = Unix 1483228799 + 36 + 378691200 (independent arithmetic).
  const T = 1483228799 + 36 + 378691200;

  it('utcToTai() maps 23:59:59, 23:59:60 and 00:00:00 to consecutive TAI seconds', () => {
    expect(utcToTai('2016-12-31T23:59:59Z')).toBe(T);
    expect(utcToTai('2016-12-31T23:59:60Z')).toBe(T + 1);
    expect(utcToTai('2017-01-01T00:00:00Z')).toBe(T + 2);
    expect(utcToTai('2016-12-31T23:59:60.75Z')).toBe(T + 1.75);
  });

  it('taiToUtcIso() renders them back, the inserted one as 23:59:60', () => {
    expect(taiToUtcIso(T, 0)).toBe('2016-12-31T23:59:59Z');
    expect(taiToUtcIso(T + 1, 0)).toBe('2016-12-31T23:59:60Z');
    expect(taiToUtcIso(T + 1.5, 3)).toBe('2016-12-31T23:59:60.500Z');
    expect(taiToUtcIso(T + 2)).toBe('2017-01-01T00:00:00.000000Z');
  });

  it('taiToUtcIso() rounds in TAI, into and out of the inserted second', () => {
    expect(taiToUtcIso(T + 0.9996, 3)).toBe('2016-12-31T23:59:60.000Z');
    expect(taiToUtcIso(T + 1.9996, 3)).toBe('2017-01-01T00:00:00.000Z');
  });

  it('taiToUnixMs() holds at the next midnight during the inserted second and never goes back', () => {
    expect(taiToUnixMs(T)).toBe((U2017 - 1) * 1000);
    expect(taiToUnixMs(T + 1)).toBe(U2017 * 1000);
    expect(taiToUnixMs(T + 1.5)).toBe(U2017 * 1000);
    expect(taiToUnixMs(T + 2)).toBe(U2017 * 1000);
    expect(taiToUnixMs(T + 2.5)).toBe(U2017 * 1000 + 500);
    expect(inLeapSecond(T + 1.5)).toBe(true);
    expect(inLeapSecond(T + 2)).toBe(false);
  });

  it('utcToTai() rejects second 60 on a day without a leap second', () => {
    expect(() => utcToTai('2016-12-30T23:59:60Z')).toThrow(InputError);
    expect(() => utcToTai('2017-12-31T23:59:60Z')).toThrow(/without a leap second/);
    expect(() => utcToTai('2016-12-31T23:58:60Z')).toThrow(InputError);
  });

  it('utcToTai() accepts the leap second written with a zone offset', () => {
    expect(utcToTai('2017-01-01T00:59:60+01:00')).toBe(T + 1);
  });
});

describe('1972-01-01 boundary', () => {
  // 1972-01-01T00:00:00Z = Unix 63072000 (730 days); ΔAT = 10 there and (by convention) before.
  it('utcToTai() is continuous across 1972-01-01 (no inserted second there)', () => {
    expect(utcToTai('1972-01-01T00:00:00Z')).toBe(63072000 + 10 + TAI_UNIX_OFFSET);
    expect(utcToTai('1971-12-31T23:59:59Z')).toBe(63072000 - 1 + 10 + TAI_UNIX_OFFSET);
    expect(() => utcToTai('1971-12-31T23:59:60Z')).toThrow(InputError);
    expect(taiToUtcIso(63072000 + 10 + TAI_UNIX_OFFSET, 0)).toBe('1972-01-01T00:00:00Z');
    expect(taiToUtcIso(63072000 + 9 + TAI_UNIX_OFFSET, 0)).toBe('1971-12-31T23:59:59Z');
  });

  it('the first leap second, 1972-06-30T23:59:60Z, sits between ΔAT 10 and 11', () => {
    const t = utcToTai('1972-06-30T23:59:60Z');
    expect(t - utcToTai('1972-06-30T23:59:59Z')).toBe(1);
    expect(utcToTai('1972-07-01T00:00:00Z') - t).toBe(1);
    expect(taiToUtcIso(t, 0)).toBe('1972-06-30T23:59:60Z');
  });

  it('the CCSDS epoch (TAI 0) prints with ΔAT = 10 as 1957-12-31T23:59:50Z', () => {
    expect(taiToUtcIso(0, 0)).toBe('1957-12-31T23:59:50Z');
  });
});

describe('utcToTai input forms', () => {
  it('utcToTai() reads the Orekit instant 2002-05-23T12:34:56.789Z (TAI−UTC = 32 s, formats.md §3.1)', () => {
    expect(utcToTai('2002-05-23T12:34:56.789Z')).toBeCloseTo(1400848528.789, 6);
  });

  it('utcToTai() accepts Unix ms, day-of-year, no zone, offsets, comma fractions and date only', () => {
    const ref = utcToTai('2025-03-01T12:00:00Z');
    expect(utcToTai(Date.UTC(2025, 2, 1, 12))).toBe(ref);
    expect(utcToTai('2025-060T12:00:00Z')).toBe(ref);
    expect(utcToTai('2025-03-01 12:00:00')).toBe(ref);
    expect(utcToTai('2025-03-01T13:30:00+01:30')).toBe(ref);
    expect(utcToTai('2025-03-01T11:00-01:00')).toBe(ref);
    expect(utcToTai('2025-03-01T12:00:00,25Z')).toBe(ref + 0.25);
    expect(utcToTai('2025-03-01')).toBe(ref - 43200);
    expect(utcToTai('2024-366T00:00:00Z')).toBe(utcToTai('2024-12-31T00:00:00Z'));
  });

  it('utcToTai() throws InputError quoting the value for malformed or impossible dates', () => {
    for (const bad of ['2025-02-29T00:00:00Z', '2025-13-01', '2025-01-01T24:00:00Z', '2025-366T00:00Z', 'yesterday', '2025-01-01T00:00:00+25:00']) {
      expect(() => utcToTai(bad), bad).toThrow(InputError);
    }
    expect(() => utcToTai('nope')).toThrow(/"nope"/);
    expect(() => utcToTai(Number.NaN)).toThrow(InputError);
  });
});

describe('taiToUtcIso', () => {
  it('taiToUtcIso() prints 6 fraction digits by default and rejects bad digit counts', () => {
    expect(taiToUtcIso(utcToTai('2025-03-01T12:00:00.123456Z'))).toBe('2025-03-01T12:00:00.123456Z');
    expect(() => taiToUtcIso(0, 10)).toThrow(RangeError);
    expect(() => taiToUtcIso(Number.NaN)).toThrow(RangeError);
  });

  it('utcToTai(taiToUtcIso(t)) and taiToUtcUnix/utcUnixToTai round trip (property)', () => {
    const lo = utcToTai('1972-01-01T00:00:00Z');
    const hi = utcToTai('2090-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: lo * 1000, max: hi * 1000 }), (ms) => {
        const tai = ms / 1000;
        expect(utcToTai(taiToUtcIso(tai, 3))).toBeCloseTo(tai, 3);
        if (!inLeapSecond(tai)) expect(utcUnixToTai(taiToUtcUnix(tai))).toBeCloseTo(tai, 5);
      }),
    );
  });

  it('every leap second of the table round trips through 23:59:60', () => {
    const e = BUNDLED_LEAP_SECONDS.entries;
    for (let k = 1; k < e.length; k++) {
      const day = new Date((e[k]!.utcUnix - 1) * 1000).toISOString().slice(0, 10);
      const t = utcToTai(`${day}T23:59:60.5Z`);
      expect(taiToUtcIso(t, 1)).toBe(`${day}T23:59:60.5Z`);
      expect(t).toBe(e[k]!.utcUnix + e[k - 1]!.taiMinusUtc + 0.5 + TAI_UNIX_OFFSET);
    }
  });
});
