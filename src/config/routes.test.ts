import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { apidDeclarations, configFromData, defaultConfig, parseConfig, routeLookup, routeTable, type ApidDeclaration } from './index.js';

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

describe('apidDeclarations()', () => {
  const t = apidDeclarations(sample);

  it('has a 2048-entry mask with exactly the declared APIDs set', () => {
    expect(t.knownMask).toHaveLength(2048);
    const set = [...t.knownMask.entries()].filter(([, v]: [number, number]) => v === 1).map(([a]) => a);
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
    const d = apidDeclarations(defaultConfig());
    expect(d.knownMask.every((v: number) => v === 0)).toBe(true);
    expect(d.isKnown(1100)).toBe(false);
  });

  it('agrees with a linear search over the declarations (property)', () => {
    const ranges = fc.array(fc.tuple(fc.integer({ min: 0, max: 2046 }), fc.integer({ min: 0, max: 40 })), { maxLength: 8 });
    fc.assert(
      fc.property(ranges, fc.integer({ min: -5, max: 2052 }), (rs, probe) => {
        const apids: ApidDeclaration[] = rs.map(([from, len], i) => ({ apids: { from, to: Math.min(2046, from + len) }, name: `N${i}`, kind: 'other' }));
        const table = apidDeclarations({ apids });
        const linear = apids.find((d) => probe >= d.apids.from && probe <= d.apids.to);
        return table.declarationOf(probe) === linear && table.isKnown(probe) === (linear !== undefined);
      }),
    );
  });
});

describe('routeLookup()', () => {
  const lookup = routeLookup([
    { name: 'hk', apids: [[100, 110], [200, 200]] },
    { name: 'sci', apids: [[105, 120]] },
    { name: 'late', apids: [[108, 109], [2040, 3000]] },
  ] as const);

  it('maps singles and range ends to the first route claiming them', () => {
    expect(lookup.routeOf(100)?.name).toBe('hk');
    expect(lookup.routeOf(110)?.name).toBe('hk');
    expect(lookup.routeOf(200)?.name).toBe('hk');
    expect(lookup.routeOf(111)?.name).toBe('sci');
    expect(lookup.routeOf(120)?.name).toBe('sci');
    expect(lookup.routeOf(2047)?.name).toBe('late');
  });

  it('has no route for an unknown APID, outside 0..2047 or a non-integer', () => {
    for (const a of [0, 99, 121, 199, 201, 2039, -1, 2048, 100.5, Number.NaN]) expect(lookup.routeOf(a)).toBeUndefined();
  });

  it('gives each route the ranges it owns, claims lost to an earlier route left out, ranges clipped to 11 bits', () => {
    expect(lookup.apidsOf('hk')).toEqual([[100, 110], [200, 200]]);
    expect(lookup.apidsOf('sci')).toEqual([[111, 120]]);
    expect(lookup.apidsOf('late')).toEqual([[2040, 2047]]);
    expect(lookup.apidsOf('nope')).toEqual([]);
    expect(lookup.byName('sci')?.apids).toEqual([[105, 120]]);
  });

  it('reports every APID claimed twice as ranges, against the route that owns it', () => {
    expect(lookup.overlaps).toEqual([
      { apids: [105, 110], winner: 'hk', other: 'sci' },
      { apids: [108, 109], winner: 'hk', other: 'late' },
    ]);
  });

  it('agrees with a linear first-match search (property)', () => {
    const ranges = fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 2047 }), fc.integer({ min: 0, max: 60 })), { minLength: 1, maxLength: 3 }), { maxLength: 6 });
    fc.assert(
      fc.property(ranges, fc.integer({ min: -3, max: 2050 }), (rs, probe) => {
        const routes = rs.map((r, i) => ({ name: `R${i}`, apids: r.map(([a, n]) => [a, a + n] as const) }));
        const l = routeLookup(routes);
        const linear = routes.find((r) => r.apids.some(([a, b]) => probe >= a && probe <= b && probe <= 2047));
        const owned = l.routeOf(probe);
        return owned === linear && (owned === undefined || l.apidsOf(owned.name).some(([a, b]) => probe >= a && probe <= b));
      }),
    );
  });
});

describe('routeTable()', () => {
  const apids = [{ apid: 1100, name: 'HK', kind: 'housekeeping' }, { apids: [1110, 1119], name: 'SCI', kind: 'science' }, { apid: 1200, name: 'LOST', kind: 'other' }];
  const cfg = configFromData({ mission: { name: 'T' }, apids, routes: { hk: { apids: [1100, [1101, 1105]] }, sci: { apids: [[1110, 1119], [1103, 1104]] } } }, '/cfg/idoc.json');

  it('is built once per config: ingest, products and queries share it', () => {
    expect(routeTable(cfg)).toBe(routeTable(cfg));
  });

  it('routes claimed APIDs, quarantines unknown ones, and answers route → APIDs', () => {
    const t = routeTable(cfg);
    expect(t.routeOf(1103).name).toBe('hk');
    expect(t.routeOf(1115).name).toBe('sci');
    expect(t.routeOf(1200)).toBe(t.quarantine);
    expect(t.routeOf(2047)).toBe(t.quarantine);
    expect(t.routeOf(-1)).toBe(t.quarantine);
    expect(t.apidsOf('hk')).toEqual([[1100, 1105]]);
    expect(t.apidsOf('sci')).toEqual([[1110, 1119]]);
    expect(t.apidsOf('quarantine')).toEqual([]);
    expect(t.byName('quarantine')).toBe(t.quarantine);
    expect(t.overlaps).toEqual([{ apids: [1103, 1104], winner: 'hk', other: 'sci' }]);
    expect(t.routes.map((r) => r.name)).toEqual(['hk', 'sci', 'quarantine']);
  });

  it('carries the declarations: a declared APID no route claims is known and quarantined', () => {
    const t = routeTable(cfg);
    expect(t.isKnown(1200)).toBe(true);
    expect(t.declarationOf(1200)?.name).toBe('LOST');
    expect(t.isKnown(1106)).toBe(false);
  });

  it('without a routes section: default claims the declared APIDs, or all but the idle APID', () => {
    const declared = routeTable(configFromData({ mission: { name: 'T' }, apids }, '/cfg/idoc.json'));
    expect(declared.origin).toBe('default');
    expect(declared.apidsOf('default')).toEqual([[1100, 1100], [1110, 1119], [1200, 1200]]);
    const none = routeTable(defaultConfig());
    expect(none.apidsOf('default')).toEqual([[0, 2046]]);
    expect(none.routeOf(2047)).toBe(none.quarantine);
  });

  it('rejects a route range that ends before it starts, located in the file', () => {
    const bad = configFromData({ mission: { name: 'T' }, routes: { hk: { apids: [[5, 1]] } } }, '/cfg/idoc.json');
    expect(() => routeTable(bad)).toThrow(InputError);
    try { routeTable(bad); } catch (e) { expect((e as InputError).problems.map((p) => p.path)).toEqual(['/cfg/idoc.json#/routes/hk/apids/0']); }
  });
});
