/**
 * @module The catalogue: the registry's products held in memory (loaded at start and on refresh), searched with
 * faceted filters through an index built at load. Facet counts follow the usual faceted-search rule: the count of a
 * value of facet F is the number of products matching every filter except F's own, so a client sees what picking
 * another value would give. Access is applied first: products a caller may not read are never counted.
 *
 * The index is columnar: each facet's value of product i as a small integer (a value dictionary per facet), a
 * posting list per value (bitsets for values held by at least 1/64 of the products), start/stop times as
 * Float64Arrays, a "latest version" bitset and, per sort key, a permutation sorted by (key, lidvid) built on first
 * use. A search is bitset algebra (visibility ∧ time ∧ filters), one pass over the set bits per facet for the
 * counts, and a walk of the sort permutation for the page: no object is touched but the page's. Visibility masks
 * (per role, granted routes and embargo table) and search results (per visibility and filters; paging is not part
 * of the key) are cached until the next load, or until the next embargo release when that is earlier.
 */
import type { ProductRecord } from '../../src/archive/port.js';
import { utcToTai } from '../../src/time/index.js';
import { addMonths } from './auth.js';
import { bboxOf, intersectsBbox, type Bbox } from './geojson.js';

/** The facets. `apid` is multi-valued: a product counts under each of its APIDs. */
export const FACETS = ['route', 'level', 'productType', 'target', 'orbit', 'instrument', 'gaps', 'crcErrors', 'apid'] as const;
export type Facet = (typeof FACETS)[number];
type SingleFacet = Exclude<Facet, 'apid'>;
const SINGLE: readonly SingleFacet[] = FACETS.filter((f): f is SingleFacet => f !== 'apid');

/** A product with what searches and answers need precomputed. */
export interface CatalogueEntry {
  readonly record: ProductRecord;
  readonly startTai: number;
  readonly stopTai: number;
  readonly bbox: Bbox | undefined;
}

/** What a product is, for the `productType` facet. */
export function productType(p: ProductRecord): string {
  if (p.level === 'geometry') return 'ground-track';
  if (p.level === 'L0') return 'packets';
  return p.level.toLowerCase();
}

/** A product's value of each single-valued facet ('' when it has none). */
export function facetValues(record: ProductRecord): Record<SingleFacet, string> {
  const q = record.quality;
  return {
    route: record.route, level: record.level, productType: productType(record), target: record.target ?? '',
    orbit: record.orbit !== undefined ? String(record.orbit) : '', instrument: record.instrument ?? '',
    gaps: (q['sequenceGaps'] ?? q['gaps'] ?? 0) > 0 ? 'yes' : 'no',
    crcErrors: (q['crcErrors'] ?? 0) > 0 ? 'yes' : 'no',
  };
}

export function entryOf(record: ProductRecord): CatalogueEntry {
  return {
    record, startTai: utcToTai(record.start), stopTai: utcToTai(record.stop),
    bbox: record.footprint !== undefined ? bboxOf(record.footprint) : undefined,
  };
}

export const SORT_KEYS = ['start', 'stop', 'route', 'productId', 'registered'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Search {
  /** Facet filters: a product matches a facet when its value is one of the listed (OR within, AND across). */
  readonly filters?: Partial<Record<Facet, readonly string[]>>;
  /** Overlap with [from, to), UTC ISO-8601. */
  readonly from?: string;
  readonly to?: string;
  readonly bbox?: Bbox;
  readonly latestOnly?: boolean;
  readonly sort?: SortKey;
  readonly descending?: boolean;
  readonly offset?: number;
  readonly limit?: number;
}

/** Who may read what (auth.ts's rule, as data the index can turn into a bitset). */
export interface Access {
  /** Operators read everything. */
  readonly all: boolean;
  /** Routes granted (co-investigators). */
  readonly routes: ReadonlySet<string>;
  /** Months after a product's stop at which a route's products become public. */
  readonly embargoes: ReadonlyMap<string, number>;
  readonly nowUnixMs: number;
}

export interface SearchResult {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  /** The counts per facet value (parsed from `facetsJson` when asked for). */
  readonly facets: Readonly<Record<Facet, Readonly<Record<string, number>>>>;
  /** The counts per facet value as JSON (written once per search evaluated, from the counts). */
  readonly facetsJson: string;
  readonly entries: CatalogueEntry[];
}

// ---- Bitsets (Uint32Array, bit i of word i >>> 5) -------------------------------------------------------------

type Bits = Uint32Array;
const setBit = (b: Bits, i: number): void => { b[i >>> 5]! |= 1 << (i & 31); };
const hasBit = (b: Bits, i: number): boolean => (b[i >>> 5]! & (1 << (i & 31))) !== 0;
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
/** Call `f` with each set bit's index, in order. */
function eachBit(b: Bits, f: (i: number) => void): void {
  for (let w = 0; w < b.length; w++) {
    let x = b[w]!;
    while (x !== 0) {
      const t = x & -x;
      f((w << 5) | (31 - Math.clz32(t)));
      x ^= t;
    }
  }
}

/** One facet's index: value dictionary, value of each product, posting lists, bitsets of dense values. */
interface FacetIndex {
  readonly values: string[];
  /** Each value as a JSON object key with its colon (`"value":`), for writing the counts. */
  readonly keys: string[];
  readonly ids: Map<string, number>;
  /** Single-valued facets: the value id of product i. */
  readonly of: Int32Array | undefined;
  readonly postings: Int32Array[];
  readonly dense: (Bits | undefined)[];
  /** Every value has a bitset (counting by popcounts is possible). */
  readonly allDense: boolean;
  /** The value with the longest posting list. */
  readonly largest: number;
}

/** A search's products: the words [wlo, wlo + bits.length) of its bitset (the others are empty). */
interface Slice { readonly bits: Bits; readonly wlo: number }
interface Cached { readonly mask: Slice; readonly total: number; readonly facetsJson: string; readonly validUntil: number }
interface CachedVisibility { readonly mask: Bits; readonly validUntil: number }

const CACHE_MAX = 256;
/** Facets with at most this many values get a bitset per value. */
const DENSE_VALUES_MAX = 16;
const VIS_CACHE_MAX = 64;

/** Products in memory, indexed. */
export class Catalogue {
  private entries: CatalogueEntry[] = [];
  private byLidvid = new Map<string, CatalogueEntry>();
  private words = 0;
  private start = new Float64Array(0);
  private stop = new Float64Array(0);
  private latest: Bits = new Uint32Array(0);
  private facetIndex = new Map<Facet, FacetIndex>();
  /** Per route: product indices sorted by stop time (embargo release is monotonic in stop). */
  private routeByStop = new Map<string, Int32Array>();
  private order = new Map<SortKey, Int32Array>();
  /** Sort keys whose permutation is the identity. */
  private identity = new Set<SortKey>();
  /** The longest stop − start, s. */
  private longest = 0;
  private results = new Map<string, Cached>();
  private visibilities = new Map<string, CachedVisibility>();
  /** Bitsets reused from search to search (a search runs to its end synchronously): only kept masks are new. */
  private scratch: Bits[] = [];

  constructor(records: readonly ProductRecord[] = []) { this.load(records); }

  load(records: readonly ProductRecord[]): void {
    const n = records.length;
    // Held in (start, lidvid) order: the default sort is then the identity, and its pages a walk of the mask's words.
    this.entries = records.map(entryOf).sort((a, b) => a.startTai - b.startTai || (a.record.lidvid < b.record.lidvid ? -1 : a.record.lidvid > b.record.lidvid ? 1 : 0));
    this.byLidvid = new Map(this.entries.map((e) => [e.record.lidvid, e]));
    this.words = (n + 31) >>> 5;
    this.start = Float64Array.from(this.entries, (e) => e.startTai);
    this.stop = Float64Array.from(this.entries, (e) => e.stopTai);
    const top = new Map<string, number>();
    for (const e of this.entries) top.set(e.record.productId, Math.max(top.get(e.record.productId) ?? -Infinity, e.record.version));
    this.latest = new Uint32Array(this.words);
    this.entries.forEach((e, i) => { if (top.get(e.record.productId) === e.record.version) setBit(this.latest, i); });
    this.facetIndex = new Map();
    const singles = this.entries.map((e) => facetValues(e.record));
    for (const f of SINGLE) this.facetIndex.set(f, buildFacet(n, this.words, (i, add) => add(singles[i]![f]), true));
    this.facetIndex.set('apid', buildFacet(n, this.words, (i, add) => { for (const a of this.entries[i]!.record.apids) add(String(a)); }, false));
    this.routeByStop = new Map();
    const route = this.facetIndex.get('route')!;
    route.values.forEach((r, v) => this.routeByStop.set(r, Int32Array.from(route.postings[v]!).sort((a, b) => this.stop[a]! - this.stop[b]!)));
    this.order = new Map();
    this.identity = new Set();
    this.longest = 0;
    for (let i = 0; i < n; i++) this.longest = Math.max(this.longest, this.stop[i]! - this.start[i]!);
    this.results = new Map();
    this.visibilities = new Map();
  }

  get size(): number { return this.entries.length; }
  get(lidvid: string): CatalogueEntry | undefined { return this.byLidvid.get(lidvid); }
  all(): readonly CatalogueEntry[] { return this.entries; }

  /** The entries `access` may read, in load order. */
  visibleEntries(access: Access): CatalogueEntry[] {
    const out: CatalogueEntry[] = [];
    eachBit(this.visibility(access).mask, (i) => out.push(this.entries[i]!));
    return out;
  }

  /** Search the entries `access` may read. */
  search(s: Search, access: Access): SearchResult {
    const offset = s.offset ?? 0;
    const limit = s.limit ?? 100;
    const vis = this.visibility(access);
    const filters = FACETS.flatMap((f) => { const v = s.filters?.[f]; return v !== undefined && v.length > 0 ? [[f, [...new Set(v)].sort()] as const] : []; });
    const key = `${visibilityKey(access)}|${JSON.stringify([filters, s.from, s.to, s.bbox, s.latestOnly === true])}`;
    let hit = this.results.get(key);
    if (hit && hit.validUntil <= access.nowUnixMs) { this.results.delete(key); hit = undefined; }
    if (hit) { this.results.delete(key); this.results.set(key, hit); } // most recently used last
    else {
      const r = this.evaluate(s, vis.mask, filters);
      hit = { ...r, validUntil: vis.validUntil };
      if (this.results.size >= CACHE_MAX) this.results.delete(this.results.keys().next().value!);
      this.results.set(key, hit);
    }
    const facetsJson = hit.facetsJson;
    return {
      total: hit.total, offset, limit, facetsJson, entries: this.page(hit.mask, s.sort ?? 'start', s.descending === true, offset, limit),
      get facets() { return JSON.parse(facetsJson) as Record<Facet, Record<string, number>>; },
    };
  }

  private evaluate(s: Search, vis: Bits, filters: readonly (readonly [Facet, readonly string[]])[]): Omit<Cached, 'validUntil'> {
    const { stop, entries, latest } = this;
    const n = entries.length;
    // Time overlap [from, to) as an index range, products being held in start order: those starting in
    // [from, to) all overlap; of those starting before `from`, only the ones from `from` less the longest duration
    // on can reach it, each kept when it ends after `from`. Every later step works on the words of that range only.
    const fromTai = s.from !== undefined ? utcToTai(s.from) : undefined;
    const toTai = s.to !== undefined ? utcToTai(s.to) : undefined;
    const lo = fromTai === undefined ? 0 : lowerBound(this.start, fromTai - this.longest);
    const mid = fromTai === undefined ? 0 : Math.max(lo, lowerBound(this.start, fromTai));
    const hi = toTai === undefined ? n : Math.max(lo, lowerBound(this.start, toTai));
    const wlo = lo >>> 5;
    const whi = Math.max(wlo, (hi + 31) >>> 5);
    const masks = filters.map(([f, values], k) => this.filterMask(f, values, this.tmp(1 + k), wlo, whi));
    const base = this.tmp(0);
    for (let w = wlo; w < whi; w++) base[w] = vis[w]!;
    if (s.latestOnly) for (let w = wlo; w < whi; w++) base[w]! &= latest[w]!;
    if (lo & 31) base[wlo]! &= ~((1 << (lo & 31)) - 1);
    if (hi & 31 && whi > wlo) base[whi - 1]! &= (1 << (hi & 31)) - 1;
    for (let i = lo; i < Math.min(mid, hi); i++) if (!(stop[i]! > fromTai!)) base[i >>> 5]! &= ~(1 << (i & 31));
    // bbox: checked only on the products that fail at most one facet filter (no other product is counted anywhere).
    const bbox = s.bbox;
    if (bbox !== undefined) {
      for (let w = wlo; w < whi; w++) {
        let x = base[w]!;
        if (x === 0) continue;
        let none = x; // failing no filter so far
        let one = 0; // failing exactly one
        for (const m of masks) { const y = m[w]!; one = (one & y) | (none & ~y); none &= y; }
        x &= none | one;
        let todo = x;
        while (todo !== 0) {
          const t = todo & -todo;
          todo ^= t;
          const e = entries[(w << 5) | (31 - Math.clz32(t))]!;
          if (e.bbox === undefined || !intersectsBbox(e.bbox, bbox)) x &= ~t;
        }
        base[w] = x;
      }
    }
    const and = (skip: number, m: Bits): Bits => {
      for (let w = wlo; w < whi; w++) m[w] = base[w]!;
      for (let k = 0; k < masks.length; k++) {
        if (k === skip) continue;
        const x = masks[k]!;
        for (let w = wlo; w < whi; w++) m[w]! &= x[w]!;
      }
      return m;
    };
    // Scratch bitsets are read within the range only; the range of the result is kept.
    const mask = and(-1, this.tmp(2 + masks.length));
    const json = new Map<Facet, string>();
    const unfiltered = FACETS.filter((f) => !filters.some(([g]) => g === f));
    this.count(mask, unfiltered, json, wlo, whi);
    const scratch = this.tmp(1 + masks.length);
    filters.forEach(([f], k) => this.count(and(k, scratch), [f], json, wlo, whi));
    let total = 0;
    for (let w = wlo; w < whi; w++) if (mask[w] !== 0) total += popcount32(mask[w]!);
    // The counts as JSON, written from the count arrays (objects of them and JSON.stringify cost more than counting).
    const facetsJson = `{${FACETS.map((f) => `"${f}":{${json.get(f) ?? ''}}`).join(',')}}`;
    return { mask: { bits: mask.slice(wlo, whi), wlo }, total, facetsJson };
  }

  /** Products whose value of `f` is one of `values`, within the words [wlo, whi) (the rest of `m` is left as is). */
  private filterMask(f: Facet, values: readonly string[], m: Bits, wlo: number, whi: number): Bits {
    const ix = this.facetIndex.get(f)!;
    m.fill(0, wlo, whi);
    const ilo = wlo << 5;
    const ihi = whi << 5;
    for (const v of values) {
      const id = ix.ids.get(v);
      if (id === undefined) continue;
      const d = ix.dense[id];
      if (d) for (let w = wlo; w < whi; w++) m[w]! |= d[w]!;
      else for (const i of ix.postings[id]!) if (i >= ilo && i < ihi) setBit(m, i);
    }
    return m;
  }

  /**
   * Write the counts of each facet of `which` over the products of `mask` within the words [wlo, whi) into `json`
   * as JSON members ('' values are not reported): a facet whose values all have bitsets by popcounts of (mask ∧ value) when that is fewer
   * word operations than the mask has products, the others in one pass over the mask's products.
   */
  private count(mask: Bits, which: readonly Facet[], json: Map<Facet, string>, wlo: number, whi: number): void {
    let bits = 0;
    for (let w = wlo; w < whi; w++) if (mask[w] !== 0) bits += popcount32(mask[w]!);
    const singles: { f: Facet; of: Int32Array; n: Int32Array }[] = [];
    for (const f of which) {
      const ix = this.facetIndex.get(f)!;
      const n = new Int32Array(ix.values.length);
      if (bits === 0) continue;
      if (ix.of && !(ix.allDense && ix.values.length * (whi - wlo) < 4 * bits)) { singles.push({ f, of: ix.of, n }); continue; }
      // Per value, the products of the mask holding it (multi-valued facets count a product under each of its
      // values). A single-valued facet's most common value gets what the others leave (the values partition the mask).
      const rest = ix.of ? ix.largest : -1;
      for (let v = 0; v < ix.values.length; v++) {
        if (v === rest) continue;
        const d = ix.dense[v];
        let c = 0;
        if (d) { for (let w = wlo; w < whi; w++) { const x = d[w]! & mask[w]!; if (x !== 0) c += popcount32(x); } }
        else for (const i of ix.postings[v]!) if (i >>> 5 >= wlo && i >>> 5 < whi && hasBit(mask, i)) c++;
        n[v] = c;
      }
      if (rest >= 0) { let c = bits; for (let v = 0; v < n.length; v++) c -= n[v]!; n[rest] = c; }
      json.set(f, report(ix, n));
    }
    if (singles.length === 0) return;
    for (let w = wlo; w < whi; w++) {
      let x = mask[w]!;
      while (x !== 0) {
        const t = x & -x;
        x ^= t;
        const i = (w << 5) | (31 - Math.clz32(t));
        for (let k = 0; k < singles.length; k++) singles[k]!.n[singles[k]!.of[i]!]!++;
      }
    }
    for (const s of singles) json.set(s.f, report(this.facetIndex.get(s.f)!, s.n));
  }

  private tmp(k: number): Bits {
    let b = this.scratch[k];
    if (b === undefined || b.length !== this.words) { b = new Uint32Array(this.words); this.scratch[k] = b; }
    return b;
  }

  /** The page: walk the sort permutation, keep the mask's products from `offset`. */
  private page(mask: Slice, key: SortKey, descending: boolean, offset: number, limit: number): CatalogueEntry[] {
    const perm = this.sorted(key);
    const out: CatalogueEntry[] = [];
    let skip = offset;
    const { bits, wlo } = mask;
    const n = perm.length;
    if (this.identity.has(key)) {
      // Index order is the sort order: skip whole words by their popcount, then take bits in order.
      for (let k = 0; k < bits.length && out.length < limit; k++) {
        const w = descending ? bits.length - 1 - k : k;
        let x = bits[w]!;
        if (x === 0) continue;
        const c = popcount32(x);
        if (skip >= c) { skip -= c; continue; }
        while (x !== 0 && out.length < limit) {
          const b = descending ? 31 - Math.clz32(x) : 31 - Math.clz32(x & -x);
          x &= ~(1 << b);
          if (skip > 0) { skip--; continue; }
          out.push(this.entries[((wlo + w) << 5) | b]!);
        }
      }
      return out;
    }
    for (let k = 0; k < n && out.length < limit; k++) {
      const i = perm[descending ? n - 1 - k : k]!;
      const w = (i >>> 5) - wlo;
      if (w < 0 || w >= bits.length || (bits[w]! & (1 << (i & 31))) === 0) continue;
      if (skip > 0) { skip--; continue; }
      out.push(this.entries[i]!);
    }
    return out;
  }

  private sorted(key: SortKey): Int32Array {
    let p = this.order.get(key);
    if (p) return p;
    const e = this.entries;
    const val = (i: number): number | string => key === 'start' ? this.start[i]! : key === 'stop' ? this.stop[i]! : key === 'route' ? e[i]!.record.route
      : key === 'productId' ? e[i]!.record.productId : e[i]!.record.registeredUnixMs;
    p = Int32Array.from(e, (_, i) => i).sort((a, b) => {
      const x = val(a);
      const y = val(b);
      const la = e[a]!.record.lidvid;
      const lb = e[b]!.record.lidvid;
      return x < y ? -1 : x > y ? 1 : la < lb ? -1 : la > lb ? 1 : 0;
    });
    this.order.set(key, p);
    if (p.every((i, k) => i === k)) this.identity.add(key);
    return p;
  }

  /** The products `access` may read as a bitset, cached until the next embargo release. */
  private visibility(access: Access): CachedVisibility {
    const key = visibilityKey(access);
    const c = this.visibilities.get(key);
    if (c && c.validUntil > access.nowUnixMs) return c;
    const mask = new Uint32Array(this.words);
    let validUntil = Infinity;
    if (access.all) {
      mask.fill(0xffffffff);
      if (this.entries.length & 31) mask[this.words - 1] = (1 << (this.entries.length & 31)) - 1;
    } else {
      const route = this.facetIndex.get('route')!;
      for (const r of access.routes) {
        const id = route.ids.get(r);
        if (id !== undefined) for (const i of route.postings[id]!) setBit(mask, i);
      }
      for (const [r, months] of access.embargoes) {
        if (access.routes.has(r)) continue;
        const byStop = this.routeByStop.get(r);
        if (!byStop) continue;
        // Released: the prefix (by stop) whose stop + months is past; the first one left is the next release.
        const released = (i: number): number => addMonths(this.entries[i]!.record.stop, months);
        let lo = 0;
        let hi = byStop.length;
        while (lo < hi) { const mid = (lo + hi) >>> 1; if (released(byStop[mid]!) <= access.nowUnixMs) lo = mid + 1; else hi = mid; }
        for (let k = 0; k < lo; k++) setBit(mask, byStop[k]!);
        if (lo < byStop.length) validUntil = Math.min(validUntil, released(byStop[lo]!));
      }
    }
    const v = { mask, validUntil };
    if (this.visibilities.size >= VIS_CACHE_MAX) this.visibilities.delete(this.visibilities.keys().next().value!);
    this.visibilities.set(key, v);
    return v;
  }
}

/** First index k with xs[k] >= x (xs ascending). */
function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (xs[mid]! < x) lo = mid + 1; else hi = mid; }
  return lo;
}

function visibilityKey(a: Access): string {
  if (a.all) return 'all';
  return JSON.stringify([[...a.routes].sort(), [...a.embargoes].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))]);
}

function buildFacet(n: number, words: number, each: (i: number, add: (v: string) => void) => void, single: boolean): FacetIndex {
  const values: string[] = [];
  const ids = new Map<string, number>();
  const of = single ? new Int32Array(n) : undefined;
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    each(i, (v) => {
      let id = ids.get(v);
      if (id === undefined) { id = values.length; ids.set(v, id); values.push(v); lists.push([]); }
      if (of) of[i] = id;
      const l = lists[id]!;
      if (l[l.length - 1] !== i) l.push(i);
    });
  }
  const postings = lists.map((l) => Int32Array.from(l));
  // Bitsets for values held by at least 1/64 of the products, and for every value of a facet with few values.
  const few = values.length <= DENSE_VALUES_MAX;
  const dense = postings.map((p) => {
    if (!few && p.length * 64 < n) return undefined;
    const b = new Uint32Array(words);
    for (const i of p) setBit(b, i);
    return b;
  });
  const largest = postings.reduce((best, p, v) => (p.length > postings[best]!.length ? v : best), 0);
  return { values, keys: values.map((v) => `${JSON.stringify(v)}:`), ids, of, postings, dense, allDense: dense.every((d) => d !== undefined), largest };
}

/** The non-zero counts of the values but '' as the members of a JSON object. */
function report(ix: FacetIndex, n: Int32Array): string {
  let json = '';
  for (let v = 0; v < n.length; v++) if (n[v]! > 0 && ix.values[v] !== '') json += `${json === '' ? '' : ','}${ix.keys[v]!}${n[v]!}`;
  return json;
}
