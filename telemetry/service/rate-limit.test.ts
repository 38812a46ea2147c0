import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.js';
import { addMonths, hashPassword, mayRead, verifyPassword, type Principal } from './auth.js';
import { bboxOf, intersectsBbox, parseBbox, splitAntimeridian } from './geojson.js';

describe('token buckets', () => {
  it('allow a burst, then one request per refill interval, per key', () => {
    let t = 0;
    const b = new TokenBuckets(60, 3, () => t); // one a second, burst 3
    expect([b.take('a'), b.take('a'), b.take('a')]).toEqual([0, 0, 0]);
    expect(b.take('a')).toBeCloseTo(1, 9);
    expect(b.take('b')).toBe(0); // another token has its own bucket
    t = 500;
    expect(b.take('a')).toBeCloseTo(0.5, 9);
    t = 1000;
    expect(b.take('a')).toBe(0);
  });
});

describe('credentials and access', () => {
  it('scrypt hashes verify only the right password, and differ for the same password', async () => {
    const h = await hashPassword('pw');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('pw', h)).toBe(true);
    expect(await verifyPassword('pW', h)).toBe(false);
    expect(await hashPassword('pw')).not.toBe(h);
    expect(await verifyPassword('pw', 'scrypt$99999999$8$1$AA==$AA==')).toBe(false);
  });
  it('embargo months are calendar months, clamped to the month end', () => {
    expect(new Date(addMonths('2025-08-31T12:00:00Z', 6)).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(new Date(addMonths('2025-01-15T00:00:00Z', 12)).toISOString()).toBe('2026-01-15T00:00:00.000Z');
  });
  it('deny by default', () => {
    const coi: Principal = { user: 'a', role: 'co-investigator', routes: new Set(['R']), token: undefined };
    const pub: Principal = { user: 'p', role: 'public', routes: new Set(['R']), token: undefined };
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(mayRead(coi, 'R', '2025-12-01T00:00:00Z', new Map(), now)).toBe(true);
    expect(mayRead(coi, 'S', '2025-12-01T00:00:00Z', new Map(), now)).toBe(false);
    expect(mayRead(pub, 'R', '2025-12-01T00:00:00Z', new Map(), now)).toBe(false); // a public user's grants do not count
    expect(mayRead(pub, 'S', '2025-06-01T00:00:00Z', new Map([['S', 6]]), now)).toBe(true);
    expect(mayRead(pub, 'S', '2025-07-02T00:00:00Z', new Map([['S', 6]]), now)).toBe(false);
  });
});

describe('GeoJSON helpers (RFC 7946)', () => {
  it('cut a line at the antimeridian (§3.1.9) as in the reference example', () => {
    expect(splitAntimeridian([[170, -5], [175, -2.5], [-175, 2.5], [-170, 5]])).toEqual([
      [[170, -5], [175, -2.5], [180, 0]], [[-180, 0], [-175, 2.5], [-170, 5]],
    ]);
    expect(splitAntimeridian([[-170, 0], [170, 10]])).toEqual([[[-170, 0], [-180, 5]], [[180, 5], [170, 10]]]);
  });
  it('bbox of a cut line uses west > east (§5.2); boxes across the antimeridian intersect correctly', () => {
    const b = bboxOf({ type: 'MultiLineString', coordinates: [[[170, -5], [180, 0]], [[-180, 0], [-170, 5]]] })!;
    expect(b).toEqual([170, -5, -170, 5]);
    expect(intersectsBbox(b, [175, -1, 179, 1])).toBe(true);
    expect(intersectsBbox(b, [-175, -1, -172, 1])).toBe(true);
    expect(intersectsBbox(b, [0, -1, 10, 1])).toBe(false);
    expect(parseBbox('10,20,30')).toBeUndefined();
    expect(parseBbox('10,30,20,20')).toBeUndefined();
    expect(parseBbox('170,-10,-170,10')).toEqual([170, -10, -170, 10]);
  });
});
