/**
 * @module The catalogue: the registry's products held in memory (loaded at start and on refresh), searched with
 * faceted filters. Facet counts follow the usual faceted-search rule: the count of a value of facet F is the number
 * of products matching every filter except F's own, so a client sees what picking another value would give.
 * Access is applied first: products a caller may not read are never counted.
 */
import type { ProductRecord } from '../../src/archive/port.js';
import { utcToTai } from '../../src/time/index.js';
import { bboxOf, intersectsBbox, type Bbox } from './geojson.js';

/** The facets and their value of a product. */
export const FACETS = ['route', 'level', 'productType', 'target', 'orbit', 'instrument', 'gaps', 'crcErrors'] as const;
export type Facet = (typeof FACETS)[number];

/** A product with what searches need precomputed. */
export interface CatalogueEntry {
  readonly record: ProductRecord;
  readonly startTai: number;
  readonly stopTai: number;
  readonly facets: Readonly<Record<Facet, string>>;
  readonly bbox: Bbox | undefined;
}

/** What a product is, for the `productType` facet. */
export function productType(p: ProductRecord): string {
  if (p.level === 'geometry') return 'ground-track';
  if (p.level === 'L0') return 'packets';
  return p.level.toLowerCase();
}

export function entryOf(record: ProductRecord): CatalogueEntry {
  const q = record.quality;
  return {
    record,
    startTai: utcToTai(record.start),
    stopTai: utcToTai(record.stop),
    facets: {
      route: record.route, level: record.level, productType: productType(record), target: record.target ?? '',
      orbit: record.orbit !== undefined ? String(record.orbit) : '', instrument: record.instrument ?? '',
      gaps: (q['sequenceGaps'] ?? q['gaps'] ?? 0) > 0 ? 'yes' : 'no',
      crcErrors: (q['crcErrors'] ?? 0) > 0 ? 'yes' : 'no',
    },
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

export interface SearchResult {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly facets: Record<Facet, Record<string, number>>;
  readonly entries: CatalogueEntry[];
}

/** Products in memory. */
export class Catalogue {
  private entries: CatalogueEntry[] = [];
  private byLidvid = new Map<string, CatalogueEntry>();

  constructor(records: readonly ProductRecord[] = []) { this.load(records); }

  load(records: readonly ProductRecord[]): void {
    this.entries = records.map(entryOf);
    this.byLidvid = new Map(this.entries.map((e) => [e.record.lidvid, e]));
  }

  get size(): number { return this.entries.length; }
  get(lidvid: string): CatalogueEntry | undefined { return this.byLidvid.get(lidvid); }
  all(): readonly CatalogueEntry[] { return this.entries; }

  /** Search the entries `visible` accepts. */
  search(s: Search, visible: (e: CatalogueEntry) => boolean): SearchResult {
    const fromTai = s.from !== undefined ? utcToTai(s.from) : undefined;
    const toTai = s.to !== undefined ? utcToTai(s.to) : undefined;
    let latest: Map<string, number> | undefined;
    if (s.latestOnly) {
      latest = new Map();
      for (const e of this.entries) latest.set(e.record.productId, Math.max(latest.get(e.record.productId) ?? -Infinity, e.record.version));
    }
    const filters = Object.entries(s.filters ?? {}).filter(([, v]) => v !== undefined && v.length > 0) as [Facet, readonly string[]][];
    const facets = Object.fromEntries(FACETS.map((f) => [f, {} as Record<string, number>])) as Record<Facet, Record<string, number>>;
    const hits: CatalogueEntry[] = [];
    for (const e of this.entries) {
      if (!visible(e)) continue;
      if (toTai !== undefined && !(e.startTai < toTai)) continue;
      if (fromTai !== undefined && !(e.stopTai > fromTai || e.startTai >= fromTai)) continue;
      if (latest && latest.get(e.record.productId) !== e.record.version) continue;
      if (s.bbox && !(e.bbox && intersectsBbox(e.bbox, s.bbox))) continue;
      let failed: Facet | undefined;
      let failures = 0;
      for (const [f, values] of filters) {
        if (!values.includes(e.facets[f])) { failed = f; failures++; if (failures > 1) break; }
      }
      if (failures === 0) {
        hits.push(e);
        for (const f of FACETS) { const v = e.facets[f]; if (v !== '') facets[f][v] = (facets[f][v] ?? 0) + 1; }
      } else if (failures === 1) {
        const v = e.facets[failed!];
        if (v !== '') facets[failed!][v] = (facets[failed!][v] ?? 0) + 1;
      }
    }
    const key = s.sort ?? 'start';
    const val = (e: CatalogueEntry): number | string => key === 'start' ? e.startTai : key === 'stop' ? e.stopTai : key === 'route' ? e.record.route
      : key === 'productId' ? e.record.productId : e.record.registeredUnixMs;
    const dir = s.descending ? -1 : 1;
    hits.sort((a, b) => {
      const x = val(a);
      const y = val(b);
      return (x < y ? -1 : x > y ? 1 : a.record.lidvid < b.record.lidvid ? -1 : a.record.lidvid > b.record.lidvid ? 1 : 0) * dir;
    });
    const offset = s.offset ?? 0;
    const limit = s.limit ?? 100;
    return { total: hits.length, offset, limit, facets, entries: hits.slice(offset, offset + limit) };
  }
}
