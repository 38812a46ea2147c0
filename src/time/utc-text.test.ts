import { describe, expect, it } from 'vitest';
import { BUNDLED_LEAP_SECONDS } from './leap-second-table.js';
import { parseUtcParts, utcTextProblem, utcTextToTai, utcTextToUnixMs } from './utc-text.js';

const T = BUNDLED_LEAP_SECONDS;
// 2017-01-01T00:00:00Z is Unix 1 483 228 800; TAI − UTC = 37 s after the leap second of 2016-12-31, 36 s before;
// 1958-01-01 → 1970-01-01 is 4383 days = 378 691 200 s.
const MIDNIGHT_2017 = 1_483_228_800;
const TAI_1958_TO_UNIX = 378_691_200;

describe('utcTextToTai() (luxon; ISO 8601-1 §5.4, leap seconds of formats.md §3.3)', () => {
  it('reads calendar, ordinal, basic and offset forms, no zone meaning UTC (known answers)', () => {
    expect(utcTextToTai('2017-01-01T00:00:00Z', [], T)).toBe(MIDNIGHT_2017 + 37 + TAI_1958_TO_UNIX);
    expect(utcTextToTai('2017-01-01', [], T)).toBe(MIDNIGHT_2017 + 37 + TAI_1958_TO_UNIX);
    expect(utcTextToTai('2017-01-01T01:00:00+01:00', [], T)).toBe(MIDNIGHT_2017 + 37 + TAI_1958_TO_UNIX);
    expect(utcTextToTai('2017-001T00:00:00.25', [], T)).toBe(MIDNIGHT_2017 + 37 + TAI_1958_TO_UNIX + 0.25);
    expect(utcTextToTai('20170101T000000Z', [], T)).toBe(MIDNIGHT_2017 + 37 + TAI_1958_TO_UNIX);
    expect(utcTextToTai('2017-01-01 00:00', [], T)).toBe(MIDNIGHT_2017 + 37 + TAI_1958_TO_UNIX);
    // Every digit of the fraction is kept (luxon alone keeps milliseconds).
    expect(utcTextToTai('2017-01-01T00:00:00.000001Z', [], T)! - (MIDNIGHT_2017 + 37 + TAI_1958_TO_UNIX)).toBeCloseTo(1e-6, 6); // TAI seconds near 1.9e9 in a double: 2.4e-7 s apart
  });

  it('takes 23:59:60 as the inserted second on the TAI axis: after 23:59:59, before midnight', () => {
    const before = utcTextToTai('2016-12-31T23:59:59Z', [], T)!;
    const leap = utcTextToTai('2016-12-31T23:59:60Z', [], T)!;
    const half = utcTextToTai('2016-12-31T23:59:60.5Z', [], T)!;
    const after = utcTextToTai('2017-01-01T00:00:00Z', [], T)!;
    expect(before).toBe(MIDNIGHT_2017 - 1 + 36 + TAI_1958_TO_UNIX);
    expect(leap).toBe(MIDNIGHT_2017 + 36 + TAI_1958_TO_UNIX);
    expect(half).toBe(leap + 0.5);
    expect(after).toBe(leap + 1);
    // The same second written in another zone.
    expect(utcTextToTai('2017-01-01T00:59:60+01:00', [], T)).toBe(leap);
  });

  it('refuses second 60 on a day without a leap second, or anywhere but 23:59 UTC, saying why', () => {
    expect(utcTextToTai('2015-12-31T23:59:60Z', [], T)).toBeUndefined();
    expect(utcTextProblem('2015-12-31T23:59:60Z', [], T)).toBe('second 60 on a day without a leap second (2015-12-31)');
    expect(utcTextToTai('2016-12-31T12:59:60Z', [], T)).toBeUndefined();
    expect(utcTextProblem('2016-12-31T12:59:60Z', [], T)).toBe('second 60 is only the inserted leap second, 23:59:60 UTC');
  });

  it('refuses malformed dates and times', () => {
    for (const t of ['2026-02-30', '2026-13-01', '2026-01-01T24:00:01Z', '2026-01-01T12:61:00Z', 'yesterday', '', '2026-366']) {
      expect(utcTextToTai(t, [], T), t).toBeUndefined();
      expect(utcTextProblem(t, [], T), t).toBeDefined();
    }
  });
});

describe('utcTextToUnixMs() and formats', () => {
  it('reads a caller format (ITL) and ISO; a leap second is the next midnight on the Unix axis', () => {
    const itl = ['d-MMM-yyyy_HH:mm:ss'];
    expect(utcTextToUnixMs('21-Jan-2014_06:05:09.125', itl, T)).toBe(Date.UTC(2014, 0, 21, 6, 5, 9, 125));
    expect(utcTextToUnixMs('21-jan-2014_06:05:09', itl, T)).toBe(Date.UTC(2014, 0, 21, 6, 5, 9));
    expect(utcTextToUnixMs('30-Feb-2014_06:05:09', itl, T)).toBeUndefined();
    expect(utcTextToUnixMs('31-Dec-2016_23:59:60.5', itl, T)).toBe(MIDNIGHT_2017 * 1000);
    expect(utcTextToUnixMs('31-Dec-2015_23:59:60', itl, T)).toBeUndefined();
  });

  it('parseUtcParts() splits whole seconds, fraction and the leap flag', () => {
    expect(parseUtcParts('2016-12-31T23:59:60.75Z')).toEqual({ unixSeconds: MIDNIGHT_2017 - 1, fraction: 0.75, leap: true });
    expect(parseUtcParts('2016-12-31T23:59:59,5')).toEqual({ unixSeconds: MIDNIGHT_2017 - 1, fraction: 0.5, leap: false });
  });
});
