import { describe, expect, it } from 'vitest';
import { epochToTai } from './index.js';

describe('epochToTai()', () => {
  it('reads TAI digits without leap seconds (1958-01-01 is 0, 4383 days to 1970, formats.md §3.2)', () => {
    expect(epochToTai('1958-01-01T00:00:00Z', 'TAI')).toBe(0);
    expect(epochToTai('1970-01-01T00:00:00Z', 'TAI')).toBe(378_691_200);
    expect(epochToTai('2000-01-01T00:00:00Z', 'TAI')).toBe(15340 * 86_400);
    expect(epochToTai('2000-01-01T12:00:00.25Z', 'TAI')).toBe(15340 * 86_400 + 43_200.25);
    expect(epochToTai('2000-01-01T01:00:00+01:00', 'TAI')).toBe(15340 * 86_400);
    expect(epochToTai('1957-12-31T23:59:59Z', 'TAI')).toBe(-1);
  });

  it('adds TAI−UTC for UTC epochs (2003-01-01: ΔAT 32 s, the Rosetta preset value 1420070432)', () => {
    expect(epochToTai('2003-01-01T00:00:00Z', 'UTC')).toBe(1_420_070_432);
    expect(epochToTai('2003-01-01T00:00:00Z', 'UTC') - epochToTai('2003-01-01T00:00:00Z', 'TAI')).toBe(32);
    // The inserted second of 2016-12-31 exists in UTC: one second before 2017-01-01 at ΔAT 36.
    expect(epochToTai('2017-01-01T00:00:00Z', 'UTC') - epochToTai('2016-12-31T23:59:60Z', 'UTC')).toBe(1);
  });

  it.each(['2016-12-31T23:59:60Z', '2001-02-29T00:00:00Z', '2000-01-01T24:00:00Z', '2000-01-01', 'noon'])('rejects %s as a TAI instant', (iso) => {
    expect(() => epochToTai(iso, 'TAI')).toThrow(/invalid TAI instant/);
  });

  it('rejects a second 60 on a day without a leap second in UTC', () => {
    expect(() => epochToTai('2001-03-01T23:59:60Z', 'UTC')).toThrow(/leap second/);
  });
});
