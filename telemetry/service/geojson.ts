/**
 * @module GeoJSON (RFC 7946) for the catalogue: a product's ground track or footprint as a Feature (§3.2), a
 * search as a FeatureCollection (§3.3), lines cut at the antimeridian (§3.1.9) and bounding boxes (§5) with the
 * west > east form for boxes that cross it (§5.2). Positions are [longitude, latitude] in degrees (§3.1.1).
 */

/** [west, south, east, north] (§5). */
export type Bbox = readonly [number, number, number, number];
type Pos = readonly number[];

export interface Geometry { readonly type: string; readonly coordinates?: unknown; readonly geometries?: readonly Geometry[] }

/** Every position of a geometry, line by line (a Point is a line of one). */
function lines(g: Geometry): Pos[][] {
  const c = g.coordinates as unknown;
  switch (g.type) {
    case 'Point': return [[c as Pos]];
    case 'MultiPoint': case 'LineString': return [c as Pos[]];
    case 'MultiLineString': case 'Polygon': return c as Pos[][];
    case 'MultiPolygon': return (c as Pos[][][]).flat();
    case 'GeometryCollection': return (g.geometries ?? []).flatMap(lines);
    default: return [];
  }
}

/**
 * Cut a line where it crosses the antimeridian (§3.1.9): consecutive positions more than 180° apart in longitude
 * are taken as a crossing; the latitude at ±180 is interpolated on the unwrapped segment.
 */
export function splitAntimeridian(line: readonly Pos[]): Pos[][] {
  const parts: Pos[][] = [];
  let part: Pos[] = [];
  let prev: Pos | undefined;
  for (const p of line) {
    if (prev && Math.abs(p[0]! - prev[0]!) > 180) {
      const east = prev[0]! > 0;
      const edge = east ? 180 : -180;
      const lon2 = p[0]! + (east ? 360 : -360);
      const f = (edge - prev[0]!) / (lon2 - prev[0]!);
      const lat = prev[1]! + f * (p[1]! - prev[1]!);
      part.push([edge, lat]);
      parts.push(part);
      part = [[-edge, lat]];
    }
    part.push(p);
    prev = p;
  }
  if (part.length) parts.push(part);
  return parts.filter((l) => l.length >= 2);
}

/** A LineString or MultiLineString (cut at the antimeridian) through `positions`. */
export function trackGeometry(positions: readonly Pos[]): Geometry {
  const parts = splitAntimeridian(positions);
  return parts.length === 1 ? { type: 'LineString', coordinates: parts[0] } : { type: 'MultiLineString', coordinates: parts };
}

/**
 * The bbox of a geometry (§5). Parts cut at the antimeridian (one ending at +180, one starting at -180) give the
 * west > east form (§5.2) when that box is narrower than the plain one.
 */
export function bboxOf(g: unknown): Bbox | undefined {
  const all = lines(g as Geometry).flat().filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (all.length === 0) return undefined;
  let s = Infinity; let n = -Infinity; let w = Infinity; let e = -Infinity;
  let wPos = Infinity; let ePos = -Infinity; // over longitudes ≥ 0 and < 0, for the crossing form
  let eNeg = -Infinity; let any180 = false;
  for (const [lon, lat] of all as [number, number][]) {
    s = Math.min(s, lat); n = Math.max(n, lat); w = Math.min(w, lon); e = Math.max(e, lon);
    if (lon >= 0) { wPos = Math.min(wPos, lon); ePos = Math.max(ePos, lon); } else eNeg = Math.max(eNeg, lon);
    if (Math.abs(lon) === 180) any180 = true;
  }
  if (any180 && wPos !== Infinity && eNeg !== -Infinity) {
    const crossWidth = 360 - wPos + eNeg;
    if (crossWidth < e - w) return [wPos, s, eNeg, n];
  }
  void ePos;
  return [w, s, e, n];
}

/** The longitude intervals of a bbox ([w, e] or, crossing, [w, 180] and [-180, e]). */
const lonSpans = (b: Bbox): [number, number][] => (b[0] <= b[2] ? [[b[0], b[2]]] : [[b[0], 180], [-180, b[2]]]);

/** Whether two boxes overlap (§5.2 crossing boxes understood). */
export function intersectsBbox(a: Bbox, b: Bbox): boolean {
  if (a[1] > b[3] || b[1] > a[3]) return false;
  return lonSpans(a).some(([w1, e1]) => lonSpans(b).some(([w2, e2]) => w1 <= e2 && w2 <= e1));
}

/** Parse a `bbox=w,s,e,n` query value; undefined when malformed (4 numbers, lat in [-90, 90], lon in [-180, 180]). */
export function parseBbox(text: string): Bbox | undefined {
  const v = text.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x))) return undefined;
  const [w, s, e, n] = v as [number, number, number, number];
  if (Math.abs(w) > 180 || Math.abs(e) > 180 || s < -90 || n > 90 || s > n) return undefined;
  return [w, s, e, n];
}

/** A product as a Feature: geometry cut at the antimeridian (lines re-cut if needed), bbox, properties. */
export function feature(id: string, geometry: unknown, properties: Record<string, unknown>): Record<string, unknown> {
  let g = geometry as Geometry | undefined;
  if (g && (g.type === 'LineString' || g.type === 'MultiLineString')) {
    const parts = lines(g).flatMap((l) => splitAntimeridian(l));
    g = parts.length === 1 ? { type: 'LineString', coordinates: parts[0] } : { type: 'MultiLineString', coordinates: parts };
  }
  const bbox = g ? bboxOf(g) : undefined;
  return { type: 'Feature', id, ...(bbox ? { bbox } : {}), geometry: g ?? null, properties };
}
