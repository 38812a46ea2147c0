/**
 * @module A world map in SVG: the bundled Natural Earth 1:110m land (npm world-atlas, TopoJSON, decoded with
 * topojson-client) in an equirectangular projection, with GeoJSON footprints and ground tracks (RFC 7946) on top.
 */
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import land110 from 'world-atlas/land-110m.json';
import { s } from './dom.js';

const W = 720;
const H = 360;
const px = (lon: number, lat: number): string => `${(((lon + 180) / 360) * W).toFixed(1)},${(((90 - lat) / 180) * H).toFixed(1)}`;

type Pos = number[];
function ringPath(ring: Pos[], close: boolean): string {
  // Break the path where it jumps across the antimeridian (RFC 7946 §3.1.9 splits, but not every source does).
  let d = '';
  let prev: Pos | undefined;
  for (const p of ring) {
    d += `${!prev || Math.abs(p[0]! - prev[0]!) > 180 ? 'M' : 'L'}${px(p[0]!, p[1]!)}`;
    prev = p;
  }
  return close ? `${d}Z` : d;
}

function geometryPath(g: GeoJSON.Geometry): string {
  switch (g.type) {
    case 'Point': return `M${px(g.coordinates[0]!, g.coordinates[1]!)}h0.1`;
    case 'MultiPoint': return g.coordinates.map((c) => `M${px(c[0]!, c[1]!)}h0.1`).join('');
    case 'LineString': return ringPath(g.coordinates, false);
    case 'MultiLineString': return g.coordinates.map((l) => ringPath(l, false)).join('');
    case 'Polygon': return g.coordinates.map((r) => ringPath(r, true)).join('');
    case 'MultiPolygon': return g.coordinates.flatMap((p) => p.map((r) => ringPath(r, true))).join('');
    case 'GeometryCollection': return g.geometries.map(geometryPath).join('');
  }
}

function geometriesOf(x: unknown): GeoJSON.Geometry[] {
  const o = x as GeoJSON.GeoJSON | null;
  if (!o || typeof o !== 'object') return [];
  if (o.type === 'FeatureCollection') return o.features.flatMap((f) => (f.geometry ? [f.geometry] : []));
  if (o.type === 'Feature') return o.geometry ? [o.geometry] : [];
  return [o];
}

let landPath: string | undefined;

export interface MapItem { id: string; geo: unknown; selected?: boolean }

/** An SVG map of `items`; each footprint a titled path. */
export function worldMap(items: readonly MapItem[], label: string): SVGElement {
  if (landPath === undefined) {
    const topo = land110 as unknown as Topology<{ land: GeometryCollection }>;
    landPath = geometriesOf(feature(topo, topo.objects.land)).map(geometryPath).join('');
  }
  const graticule = [-120, -60, 0, 60, 120].map((lon) => `M${px(lon, 90)}L${px(lon, -90)}`).concat([-60, -30, 0, 30, 60].map((lat) => `M${px(-180, lat)}L${px(180, lat)}`)).join('');
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'map', role: 'img', 'aria-label': label },
    s('rect', { x: 0, y: 0, width: W, height: H, class: 'sea' }),
    s('path', { d: graticule, class: 'graticule' }),
    s('path', { d: landPath, class: 'land' }),
    ...items.map((it) => s('path', { d: geometriesOf(it.geo).map(geometryPath).join(''), class: `footprint${it.selected ? ' selected' : ''}`, 'data-product': it.id }, s('title', {}, it.id))));
}
