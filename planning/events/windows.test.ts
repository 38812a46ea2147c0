import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Interval } from '../geometry/types.js';
import { andWindows, inWindows, longerThan, minusWindows, normalizeWindows, notWindows, orWindows, totalDuration } from './windows.js';

const intervals = fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 200 })), { maxLength: 12 })
  .map((l) => normalizeWindows(l.map(([s, d]) => ({ start: s, end: s + d }))));
const within: Interval = { start: -10, end: 1300 };
// Probe at half-integers: never on a boundary (all boundaries are integers), so open/closed ends do not matter.
const probes = fc.integer({ min: -10, max: 1299 }).map((t) => t + 0.5);

describe('windows algebra', () => {
  it('normalizeWindows() sorts, merges touching/overlapping and drops empty intervals', () => {
    expect(normalizeWindows([{ start: 5, end: 9 }, { start: 0, end: 2 }, { start: 2, end: 3 }, { start: 7, end: 12 }, { start: 20, end: 20 }]))
      .toEqual([{ start: 0, end: 3 }, { start: 5, end: 12 }]);
  });

  it('and/or/not/minus agree with pointwise logic', () => {
    fc.assert(fc.property(intervals, intervals, probes, (a, b, t) => {
      expect(inWindows(andWindows(a, b), t)).toBe(inWindows(a, t) && inWindows(b, t));
      expect(inWindows(orWindows(a, b), t)).toBe(inWindows(a, t) || inWindows(b, t));
      expect(inWindows(notWindows(a, within), t)).toBe(!inWindows(a, t));
      expect(inWindows(minusWindows(a, b), t)).toBe(inWindows(a, t) && !inWindows(b, t));
    }));
  });

  it('results are normalised and De Morgan holds', () => {
    fc.assert(fc.property(intervals, intervals, (a, b) => {
      for (const w of [andWindows(a, b), orWindows(a, b), notWindows(a, within), minusWindows(a, b)]) expect(normalizeWindows(w)).toEqual(w);
      expect(notWindows(orWindows(a, b), within)).toEqual(andWindows(notWindows(a, within), notWindows(b, within)));
      // Measure: |a ∪ b| + |a ∩ b| = |a| + |b|.
      expect(totalDuration(orWindows(a, b)) + totalDuration(andWindows(a, b))).toBe(totalDuration(a) + totalDuration(b));
    }));
  });

  it('longerThan() keeps windows of at least the given length', () => {
    expect(longerThan([{ start: 0, end: 5 }, { start: 10, end: 30 }], 10)).toEqual([{ start: 10, end: 30 }]);
  });
});
