import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { receiptIndex, receivedAt } from './receipts.js';

describe('receipt lookup', () => {
  it('finds the last receipt at or before a position, with or without a hint, as a linear search does', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 40 }), fc.integer({ min: -5, max: 10_005 }), fc.integer({ min: -1, max: 45 }), (at, raw, hint) => {
      const sorted = Float64Array.from(at.sort((a, b) => a - b));
      const r = { raw: sorted, received: sorted.map((x) => x * 10 + 1) };
      let want = -1;
      sorted.forEach((x, i) => { if (x <= raw) want = i; });
      expect(receiptIndex(r, raw, hint)).toBe(want);
      expect(receivedAt(r, raw)).toBe(want < 0 ? NaN : sorted[want]! * 10 + 1);
    }));
  });
});
