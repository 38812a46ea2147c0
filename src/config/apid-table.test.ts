import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apidTable, defaultConfig, parseConfig, type ApidDeclaration } from './index.js';

const sample = parseConfig(
  JSON.stringify({
    mission: { name: 'M' },
    apids: [
      { apid: 1100, name: 'HK', kind: 'housekeeping', periodSeconds: 1 },
      { apids: [1110, 1119], name: 'SCI', kind: 'science' },
      { apid: 0, name: 'TIME', kind: 'time' },
      { apid: 2046, name: 'TOP', kind: 'other' },
    ],
  }),
  'm.json',
);

describe('apidTable()', () => {
  const t = apidTable(sample);

  it('has a 2048-entry mask with exactly the declared APIDs set', () => {
    expect(t.knownMask).toHaveLength(2048);
    const set = [...t.knownMask.entries()].filter(([, v]) => v === 1).map(([a]) => a);
    expect(set).toEqual([0, 1100, 1110, 1111, 1112, 1113, 1114, 1115, 1116, 1117, 1118, 1119, 2046]);
  });

  it('answers isKnown and declarationOf, range ends included', () => {
    expect(t.isKnown(1100)).toBe(true);
    expect(t.isKnown(1101)).toBe(false);
    expect(t.declarationOf(1110)?.name).toBe('SCI');
    expect(t.declarationOf(1119)?.name).toBe('SCI');
    expect(t.declarationOf(1120)).toBeUndefined();
    expect(t.declarationOf(0)?.kind).toBe('time');
    expect(t.declarationOf(1100)?.periodSeconds).toBe(1);
  });

  it('knows nothing outside 0..2047 or for non-integers, and nothing of the idle APID', () => {
    for (const a of [-1, 2047, 2048, 1100.5, Number.NaN, Infinity]) {
      expect(t.isKnown(a)).toBe(false);
      expect(t.declarationOf(a)).toBeUndefined();
    }
  });

  it('knows nothing for the default configuration', () => {
    const d = apidTable(defaultConfig());
    expect(d.knownMask.every((v) => v === 0)).toBe(true);
    expect(d.isKnown(1100)).toBe(false);
  });

  it('agrees with a linear search over the declarations (property)', () => {
    const ranges = fc.array(fc.tuple(fc.integer({ min: 0, max: 2046 }), fc.integer({ min: 0, max: 40 })), { maxLength: 8 });
    fc.assert(
      fc.property(ranges, fc.integer({ min: -5, max: 2052 }), (rs, probe) => {
        const apids: ApidDeclaration[] = rs.map(([from, len], i) => ({ apids: { from, to: Math.min(2046, from + len) }, name: `N${i}`, kind: 'other' }));
        const table = apidTable({ apids });
        const linear = [...apids].reverse().find((d) => probe >= d.apids.from && probe <= d.apids.to);
        return table.declarationOf(probe) === linear && table.isKnown(probe) === (linear !== undefined);
      }),
    );
  });
});
