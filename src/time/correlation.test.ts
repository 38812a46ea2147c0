import { beforeAll, describe, expect, it } from 'vitest';
import { correlationIndex, obtToTai, obtToUtcUnix, type CorrelationCoefficients } from './correlation.js';
import { setLeapSecondTable } from './leap-second-store.js';
import { BUNDLED_LEAP_SECONDS } from './leap-second-table.js';
import { taiToUtcIso } from './utc.js';

beforeAll(() => setLeapSecondTable(BUNDLED_LEAP_SECONDS));

// Two records in the MIDAS form UTC = gradient × OBT + offset (formats.md §3.4), with a Rosetta-like epoch:
// OBT 0 ≈ 2003-01-01T00:00:00Z = Unix 1041379200.
const COEFFS: CorrelationCoefficients = [
  { validFromObt: 1000, gradient: 1, offset: 1041379200 },
  { validFromObt: 441_849_600, gradient: 1.000001, offset: 1041379200 - 441.8496 },
];

describe('obtToUtcUnix', () => {
  it('obtToUtcUnix() uses the last record whose validFromObt ≤ OBT', () => {
    expect(obtToUtcUnix(1000, COEFFS)).toBe(1041380200);
    expect(obtToUtcUnix(441_849_599, COEFFS)).toBe(1041379200 + 441_849_599);
    // From the second record on: 1.000001 × 441849600 − 441.8496 = 441849600 (continuous at the switch).
    expect(obtToUtcUnix(441_849_600, COEFFS)).toBeCloseTo(1041379200 + 441_849_600, 6);
    expect(obtToUtcUnix(441_849_700, COEFFS)).toBeCloseTo(1041379200 + 441_849_700 + 0.0001, 6);
  });

  it('obtToUtcUnix() returns null before every validity period and for no records', () => {
    expect(obtToUtcUnix(999.99, COEFFS)).toBeNull();
    expect(obtToUtcUnix(5, [])).toBeNull();
    expect(obtToTai(999, COEFFS)).toBeNull();
  });

  it('correlationIndex() finds the last record at or before OBT by binary search', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ validFromObt: i * 10, gradient: 1, offset: i }));
    expect(correlationIndex(-1, many)).toBe(-1);
    expect(correlationIndex(0, many)).toBe(0);
    expect(correlationIndex(55, many)).toBe(5);
    expect(correlationIndex(60, many)).toBe(6);
    expect(correlationIndex(1e9, many)).toBe(100);
  });
});

describe('obtToTai', () => {
  it('obtToTai() applies the leap seconds of the correlated UTC (32 s in 2003, 37 s after 2017)', () => {
    const tai2003 = obtToTai(86_400, COEFFS)!;
    expect(taiToUtcIso(tai2003, 0)).toBe('2003-01-02T00:00:00Z');
    expect(tai2003).toBe(1041379200 + 86_400 + 32 + 378_691_200);
    // OBT of 2017-01-01T00:00:00Z with the first record: 1483228800 − 1041379200 = 441849600 is the switch; use +1 s before it.
    const before = obtToTai(441_849_599, COEFFS)!;
    expect(taiToUtcIso(before, 0)).toBe('2016-12-31T23:59:59Z');
    expect(before - (1483228799 + 378_691_200)).toBe(36);
  });
});
