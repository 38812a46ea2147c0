import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDurationMs } from './iso-duration.js';

describe('isoDurationMs() (ISO 8601-1 §5.5.2.4 durations of fixed length, via luxon)', () => {
  it('reads days, hours, minutes, seconds and fractions', () => {
    expect(isoDurationMs('PT1H')).toBe(3_600_000);
    expect(isoDurationMs('P1D')).toBe(86_400_000);
    expect(isoDurationMs('P1DT2H3M4S')).toBe(((24 + 2) * 60 + 3) * 60_000 + 4000);
    expect(isoDurationMs('PT0.5S')).toBe(500);
    expect(isoDurationMs('PT1.5H')).toBe(5_400_000);
  });

  it('refuses empty, calendar, negative, lower-case and (with integers) fractional durations', () => {
    for (const t of ['P', 'PT', 'P1DT', 'P1M', 'P1Y', 'P1W', 'PT-1H', 'pt1h', '1H', 'PT1X', '']) expect(isoDurationMs(t), t).toBeUndefined();
    expect(isoDurationMs('PT1.5S', { integers: true })).toBeUndefined();
    expect(isoDurationMs('PT15S', { integers: true })).toBe(15_000);
  });

  it('equals d·86400 + h·3600 + m·60 + s seconds for any whole parts', () => {
    fc.assert(fc.property(fc.nat(400), fc.nat(48), fc.nat(120), fc.nat(7200), (d, h, m, s) => {
      const text = `P${d}DT${h}H${m}M${s}S`;
      expect(isoDurationMs(text, { integers: true })).toBe((((d * 24 + h) * 60 + m) * 60 + s) * 1000);
    }));
  });
});
