/**
 * The indexed catalogue against the plain definition of a faceted search (a scan written out below): on a
 * generated registry with several routes, levels, versions, APIDs, footprints and embargoes, hundreds of random
 * searches (filters, time windows, bbox, latest, sort, paging) for an operator, co-investigators and the public
 * give the same totals, facet counts and pages; cached answers stay right across an embargo release and a reload.
 */
import { describe, expect, it } from 'vitest';
import type { ProductRecord } from '../../src/archive/port.js';
import { mayRead, type Principal } from './auth.js';
import { Catalogue, entryOf, FACETS, facetValues, SORT_KEYS, type Access, type CatalogueEntry, type Facet, type Search } from './catalogue.js';
import { intersectsBbox } from './geojson.js';
import { utcToTai } from '../../src/time/index.js';

const ROUTES = ['HK', 'SCI', 'EVT', 'DIAG'];

/** Deterministic pseudo-random numbers (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

function registry(n: number, r: () => number): ProductRecord[] {
  const out: ProductRecord[] = [];
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const route = ROUTES[Math.floor(r() * ROUTES.length)]!;
    const start = t0 + Math.floor(r() * 800) * 86_400_000;
    const id = `p${i % Math.floor(n * 0.8)}`; // some products have two versions
    const lon = r() * 360 - 180;
    const apids = [1100 + Math.floor(r() * 4), ...(r() < 0.3 ? [1200 + Math.floor(r() * 2)] : [])];
    out.push({
      lidvid: `urn:x:${id}::${i < n * 0.8 ? 1 : 2}.0`, productId: id, version: i < n * 0.8 ? 1 : 2,
      level: r() < 0.2 ? 'geometry' : 'L0', route, ...(r() < 0.9 ? { instrument: 'SIM' } : {}), apids,
      start: new Date(start).toISOString(), stop: new Date(start + Math.floor(r() * 3) * 86_400_000 + 3_600_000).toISOString(),
      label: `${id}.xml`, files: [], quality: { sequenceGaps: r() < 0.2 ? 1 : 0, crcErrors: r() < 0.1 ? 1 : 0 },
      ...(r() < 0.7 ? { target: r() < 0.5 ? 'Earth' : 'Moon' } : {}), ...(r() < 0.8 ? { orbit: Math.floor(r() * 30) } : {}),
      ...(r() < 0.5 ? { footprint: { type: 'LineString', coordinates: [[lon, -10 + r() * 20], [Math.min(180, lon + 20), 10 + r() * 20]] } } : {}),
      registeredUnixMs: t0 + Math.floor(r() * 1000),
    });
  }
  return out;
}

/** The definition: scan every product. */
function reference(records: readonly ProductRecord[], s: Search, who: Principal, embargoes: ReadonlyMap<string, number>, now: number) {
  const entries = records.map(entryOf);
  const vals = (e: CatalogueEntry, f: Facet): string[] => (f === 'apid' ? e.record.apids.map(String) : [facetValues(e.record)[f]]);
  const top = new Map<string, number>();
  for (const e of entries) top.set(e.record.productId, Math.max(top.get(e.record.productId) ?? 0, e.record.version));
  const from = s.from !== undefined ? utcToTai(s.from) : undefined;
  const to = s.to !== undefined ? utcToTai(s.to) : undefined;
  const base = entries.filter((e) => mayRead(who, e.record.route, e.record.stop, embargoes, now)
    && (to === undefined || e.startTai < to) && (from === undefined || e.stopTai > from || e.startTai >= from)
    && (!s.latestOnly || top.get(e.record.productId) === e.record.version)
    && (!s.bbox || (e.bbox !== undefined && intersectsBbox(e.bbox, s.bbox))));
  const passes = (e: CatalogueEntry, except?: Facet) => FACETS.every((f) => {
    const want = s.filters?.[f];
    return f === except || want === undefined || want.length === 0 || vals(e, f).some((v) => want.includes(v));
  });
  const hits = base.filter((e) => passes(e));
  const facets = Object.fromEntries(FACETS.map((f) => {
    const c: Record<string, number> = {};
    for (const e of base) if (passes(e, f)) for (const v of new Set(vals(e, f))) if (v !== '') c[v] = (c[v] ?? 0) + 1;
    return [f, c];
  }));
  const key = s.sort ?? 'start';
  const val = (e: CatalogueEntry): number | string => key === 'start' ? e.startTai : key === 'stop' ? e.stopTai : key === 'route' ? e.record.route
    : key === 'productId' ? e.record.productId : e.record.registeredUnixMs;
  const dir = s.descending ? -1 : 1;
  hits.sort((a, b) => { const x = val(a); const y = val(b); return (x < y ? -1 : x > y ? 1 : a.record.lidvid < b.record.lidvid ? -1 : a.record.lidvid > b.record.lidvid ? 1 : 0) * dir; });
  const offset = s.offset ?? 0;
  return { total: hits.length, facets, page: hits.slice(offset, offset + (s.limit ?? 100)).map((e) => e.record.lidvid) };
}

const accessOf = (who: Principal, embargoes: ReadonlyMap<string, number>, now: number): Access =>
  ({ all: who.role === 'operator', routes: who.role === 'co-investigator' ? who.routes : new Set(), embargoes, nowUnixMs: now });

const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function randomSearch(r: () => number): Search {
  const filters: Partial<Record<Facet, string[]>> = {};
  const choices: Record<Facet, string[]> = {
    route: ROUTES, level: ['L0', 'geometry', 'L1'], productType: ['packets', 'ground-track'], target: ['Earth', 'Moon', ''], orbit: ['1', '2', '17', '99'],
    instrument: ['SIM', 'X'], gaps: ['yes', 'no'], crcErrors: ['yes', 'no'], apid: ['1100', '1101', '1201', '7'],
  };
  for (const f of FACETS) if (r() < 0.25) filters[f] = Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, choices[f]));
  const a = Date.parse('2024-01-01T00:00:00Z') + Math.floor(r() * 900) * 86_400_000;
  return {
    filters, ...(r() < 0.5 ? { from: new Date(a).toISOString() } : {}), ...(r() < 0.5 ? { to: new Date(a + Math.floor(1 + r() * 200) * 86_400_000).toISOString() } : {}),
    ...(r() < 0.15 ? { bbox: [pick(r, [-180, 100, 0]), -20, pick(r, [180, -100, 40]), 30] as const } : {}),
    latestOnly: r() < 0.3, sort: pick(r, SORT_KEYS), descending: r() < 0.5, offset: pick(r, [0, 0, 3, 50]), limit: pick(r, [1, 10, 100]),
  };
}

describe('indexed catalogue', () => {
  const r = rng(17);
  const records = registry(700, r);
  const cat = new Catalogue(records);
  const now = Date.parse('2025-06-01T00:00:00Z');
  const embargoes = new Map([['EVT', 6], ['DIAG', 12]]);
  const whos: Principal[] = [
    { user: 'ops', role: 'operator', routes: new Set(), token: undefined },
    { user: 'a', role: 'co-investigator', routes: new Set(['HK']), token: undefined },
    { user: 'b', role: 'co-investigator', routes: new Set(['SCI', 'EVT']), token: undefined },
    { user: 'anonymous', role: 'public', routes: new Set(), token: undefined },
  ];

  it('answers 400 random searches exactly like the scan (totals, facet counts, pages), twice (the second from the cache)', () => {
    let nonEmpty = 0;
    for (let k = 0; k < 400; k++) {
      const s = randomSearch(r);
      const who = pick(r, whos);
      const want = reference(records, s, who, embargoes, now);
      for (let pass = 0; pass < 2; pass++) {
        const got = cat.search(s, accessOf(who, embargoes, now));
        expect({ total: got.total, facets: got.facets, page: got.entries.map((e) => e.record.lidvid) }).toEqual(want);
      }
      if (want.total > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(100); // the corpus is not trivially empty
  });

  it('answers 150 random searches exactly like the scan on a registry of 3,000 products (time windows over many bitset words)', () => {
    const r2 = rng(29);
    const big = registry(3000, r2);
    const c2 = new Catalogue(big);
    for (let k = 0; k < 150; k++) {
      const s = randomSearch(r2);
      const who = pick(r2, whos);
      const got = c2.search(s, accessOf(who, embargoes, now));
      expect({ total: got.total, facets: got.facets, page: got.entries.map((e) => e.record.lidvid) }).toEqual(reference(big, s, who, embargoes, now));
    }
  });

  it('counts a product under each of its APIDs and filters by any of them', () => {
    const got = cat.search({ filters: { apid: ['1200'] } }, accessOf(whos[0]!, embargoes, now));
    expect(got.total).toBe(records.filter((p) => p.apids.includes(1200)).length);
    expect(got.total).toBeGreaterThan(0);
    expect(got.facets.apid['1200']).toBe(got.total);
    expect(got.facets.apid['1100']).toBe(records.filter((p) => p.apids.includes(1100)).length); // own filter ignored
  });

  it('a cached search follows an embargo release and a reload', () => {
    const pub = whos[3]!;
    const s: Search = { filters: { route: ['EVT'] }, limit: 1000 };
    const stops = records.filter((p) => p.route === 'EVT').map((p) => Date.parse(p.stop)).sort((a, b) => a - b);
    // Just before and just after the release of one EVT product (stop + 6 months).
    const mid = stops[Math.floor(stops.length / 2)]!;
    const release = new Date(mid); release.setUTCMonth(release.getUTCMonth() + 6);
    const before = cat.search(s, accessOf(pub, embargoes, release.getTime() - 1)).total;
    const after = cat.search(s, accessOf(pub, embargoes, release.getTime())).total;
    expect(before).toBe(reference(records, s, pub, embargoes, release.getTime() - 1).total);
    expect(after).toBe(reference(records, s, pub, embargoes, release.getTime()).total);
    expect(after).toBeGreaterThan(before);
    const fewer = records.filter((p) => p.route !== 'EVT' || Date.parse(p.stop) < mid);
    cat.load(fewer);
    expect(cat.search(s, accessOf(pub, embargoes, release.getTime())).total).toBe(reference(fewer, s, pub, embargoes, release.getTime()).total);
    cat.load(records);
  });

  it('visibleEntries is what mayRead accepts', () => {
    for (const who of whos) {
      expect(cat.visibleEntries(accessOf(who, embargoes, now)).map((e) => e.record.lidvid).sort())
        .toEqual(records.filter((p) => mayRead(who, p.route, p.stop, embargoes, now)).map((p) => p.lidvid).sort());
    }
  });
});
