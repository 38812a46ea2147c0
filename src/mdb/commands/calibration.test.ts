import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { engToRaw, rawToEng, tableInvertible } from './calibration.js';
import type { TableCalibration } from './types.js';

const table: TableCalibration = { kind: 'table', points: [{ raw: 0, eng: 0 }, { raw: 2048, eng: 1000 }, { raw: 4095, eng: 1500 }] };
const falling: TableCalibration = { kind: 'table', points: [{ raw: 0, eng: 100 }, { raw: 10, eng: 50 }, { raw: 20, eng: -50 }], outside: 'extrapolate' };

describe('calibration', () => {
  it('rawToEng()/engToRaw() apply a linear calibration both ways', () => {
    const lin = { kind: 'linear', slope: 0.01, offset: -50 } as const;
    expect(rawToEng(lin, 7550)).toBeCloseTo(25.5, 12);
    expect(engToRaw(lin, 25.5)).toBeCloseTo(7550, 9);
  });

  it('interpolates a table in each segment, both ways', () => {
    expect(rawToEng(table, 1024)).toBe(500);
    expect(rawToEng(table, 3071.5)).toBeCloseTo(1250, 9);
    expect(engToRaw(table, 1250)).toBeCloseTo(3071.5, 9);
    expect(engToRaw(table, 1000)).toBe(2048);
    expect(engToRaw(falling, 0)).toBe(15);
    expect(rawToEng(falling, 5)).toBe(75);
  });

  it('refuses values outside a table unless it extrapolates', () => {
    expect(rawToEng(table, 5000)).toBeUndefined();
    expect(engToRaw(table, -1)).toBeUndefined();
    expect(rawToEng(falling, 30)).toBe(-150);
    expect(engToRaw(falling, 150)).toBe(-10);
  });

  it('engToRaw(rawToEng(x)) = x on any invertible table', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 2, maxLength: 8 }), fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 8, maxLength: 8 }), fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), (raws, engs, down, t) => {
      const r = [...raws].sort((a, b) => a - b);
      const e = engs.slice(0, r.length).sort((a, b) => (down ? b - a : a - b));
      const cal: TableCalibration = { kind: 'table', points: r.map((raw, i) => ({ raw, eng: e[i]! })) };
      expect(tableInvertible(cal.points)).toBe(true);
      const x = r[0]! + t * (r[r.length - 1]! - r[0]!);
      expect(engToRaw(cal, rawToEng(cal, x)!)!).toBeCloseTo(x, 3);
    }));
  });

  it('tableInvertible() rejects a table with a turning or flat engineering column', () => {
    expect(tableInvertible([{ raw: 0, eng: 0 }, { raw: 1, eng: 2 }, { raw: 2, eng: 1 }])).toBe(false);
    expect(tableInvertible([{ raw: 0, eng: 0 }, { raw: 1, eng: 0 }])).toBe(false);
  });
});
