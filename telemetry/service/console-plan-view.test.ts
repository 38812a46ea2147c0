import { describe, expect, it } from 'vitest';
import { binByColumn, columnLevels, columnOf, dominantModes, mergeSpans } from './console-plan-view.js';

describe('the plan timeline reduced to columns', () => {
  it('puts an instant in its column, the range end in the last', () => {
    expect([0, 9, 10, 99, 100].map((t) => columnOf(t, 0, 100, 10))).toEqual([0, 0, 1, 9, 9]);
  });

  it('counts events per column with the first and last of each, outside the range left out', () => {
    const ev = [{ t: 12, i: 0 }, { t: 3, i: 1 }, { t: 15, i: 2 }, { t: 55, i: 3 }, { t: 101, i: 4 }, { t: Number.NaN, i: 5 }];
    expect(binByColumn(ev, (e) => e.t, 0, 100, 10).map((b) => [b.col, b.count, b.first.i, b.last.i])).toEqual([[0, 1, 1, 1], [1, 2, 0, 2], [5, 1, 3, 3]]);
  });

  it('merges spans closer than a gap and cuts them to the range', () => {
    expect(mergeSpans([{ start: 30, end: 40 }, { start: -5, end: 10 }, { start: 11, end: 20 }, { start: 95, end: 120 }], 0, 100, 2))
      .toEqual([{ start: 0, end: 20, count: 2 }, { start: 30, end: 40, count: 1 }, { start: 95, end: 100, count: 1 }]);
  });

  it('keeps each column\'s lowest, highest and last level of a step function (null: unchanged), every peak kept', () => {
    // 0 from the start, 5 at 12, 9 at 14 (a spike), 2 at 16, then 2 to the end: columns of 10.
    const r = columnLevels([{ t: 0, v: 0 }, { t: 12, v: 5 }, { t: 14, v: 9 }, { t: 16, v: 2 }], 0, 40, 4, false);
    expect(r).toEqual({ start: 0, columns: [null, [0, 9, 2], null, null] });
  });

  it('interpolates a piecewise-linear curve at the column edges', () => {
    const r = columnLevels([{ t: 0, v: 0 }, { t: 20, v: 20 }, { t: 30, v: 0 }], 0, 40, 4, true);
    expect(r).toEqual({ start: 0, columns: [[0, 10, 10], [10, 20, 20], [0, 20, 0], null] });
  });

  it('keeps few mode spans as they are, and many as the mode holding most of each column', () => {
    const few = [{ mode: 'A', start: 0, end: 50 }, { mode: 'B', start: 50, end: 100 }];
    expect(dominantModes(few, 0, 100, 10)).toEqual(few);
    // A for 7 of every 10, B for 3: with 10 columns of 10, every column is A's.
    const many = Array.from({ length: 10 }, (_x, i) => [{ mode: 'A', start: i * 10, end: i * 10 + 7 }, { mode: 'B', start: i * 10 + 7, end: i * 10 + 10 }]).flat();
    expect(dominantModes(many, 0, 100, 10)).toEqual([{ mode: 'A', start: 0, end: 100 }]);
    expect(dominantModes(many, 0, 100, 100).length).toBeGreaterThan(10);
  });
});
