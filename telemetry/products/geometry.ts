/**
 * @module Geometry beside an L0 product, computed by the planning module (`planning/index.ts`, the only door):
 * samples at a fixed step over the product's span → a CSV (PDS DSV 1, CRLF records: spacecraft position and
 * velocity in the ephemeris' inertial frame, geodetic latitude / longitude / altitude over the central body,
 * ground-track speed, solar elevation at the sub-spacecraft point, eclipse state, orbit number) and the ground
 * track as GeoJSON (RFC 7946: a LineString, split where it crosses the antimeridian into a MultiLineString,
 * §3.1.9). The central body's geometry is computed in one place, {@link geometryAt}: the Earth (WGS-84) today;
 * other central bodies plug in there.
 */
import { InputError } from '../../src/errors.js';
import { taiToUtcUnix } from '../../src/time/index.js';
import { ephemerisFromFile, geometryRecord, sampleAt, type Ephemeris, type GeometryRecord } from '../../planning/index.js';
import { orbitNumbering } from './orbit-windows.js';
import type { OrbitNumbering } from './window.js';

/** An ephemeris opened for geometry products. */
export interface GeometrySource {
  /** The ephemeris file (its base name goes into labels as a processing input). */
  readonly file: string;
  readonly ephemeris: Ephemeris;
  /** Orbit numbers (ascending node to ascending node), shared with orbit windows. */
  readonly orbits: OrbitNumbering;
  /** The body the geodetic coordinates refer to. */
  readonly centralBody: string;
}

/** Open the ephemeris named by the config (or `--ephemeris`). @throws InputError naming the file. */
export async function geometrySource(file: string, object?: string, orbits?: OrbitNumbering): Promise<GeometrySource> {
  let ephemeris: Ephemeris;
  try {
    ephemeris = await ephemerisFromFile(file, object !== undefined ? { object } : {});
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot read the ephemeris for geometry: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { file, ephemeris, orbits: orbits ?? orbitNumbering(ephemeris), centralBody: 'Earth' };
}

/** The geometry at one instant (Unix ms), or undefined outside the ephemeris coverage. The one central-body call. */
export function geometryAt(src: GeometrySource, unixMs: number): GeometryRecord | undefined {
  const s = sampleAt(src.ephemeris, unixMs);
  return 'ok' in s ? undefined : geometryRecord(s);
}

/** The CSV columns: name, PDS4 data type, unit, description. */
export const GEOMETRY_COLUMNS: readonly { readonly name: string; readonly type: string; readonly unit?: string; readonly description: string }[] = [
  { name: 'utc', type: 'ASCII_Date_Time_YMD_UTC', description: 'Sample time, UTC' },
  { name: 'x_km', type: 'ASCII_Real', unit: 'km', description: 'Spacecraft position X in the ephemeris frame (see the table description)' },
  { name: 'y_km', type: 'ASCII_Real', unit: 'km', description: 'Spacecraft position Y' },
  { name: 'z_km', type: 'ASCII_Real', unit: 'km', description: 'Spacecraft position Z' },
  { name: 'vx_km_s', type: 'ASCII_Real', unit: 'km/s', description: 'Spacecraft velocity X in the ephemeris frame' },
  { name: 'vy_km_s', type: 'ASCII_Real', unit: 'km/s', description: 'Spacecraft velocity Y' },
  { name: 'vz_km_s', type: 'ASCII_Real', unit: 'km/s', description: 'Spacecraft velocity Z' },
  { name: 'latitude_deg', type: 'ASCII_Real', unit: 'deg', description: 'Geodetic latitude of the sub-spacecraft point over the central body' },
  { name: 'longitude_deg', type: 'ASCII_Real', unit: 'deg', description: 'Longitude of the sub-spacecraft point, east positive, -180 to 180' },
  { name: 'altitude_km', type: 'ASCII_Real', unit: 'km', description: 'Height above the central body reference ellipsoid' },
  { name: 'ground_speed_km_s', type: 'ASCII_Real', unit: 'km/s', description: 'Speed of the sub-spacecraft point over the surface' },
  { name: 'solar_elevation_deg', type: 'ASCII_Real', unit: 'deg', description: 'Elevation of the Sun centre above the horizon at the sub-spacecraft point (geometric)' },
  { name: 'eclipse', type: 'ASCII_String', description: 'Spacecraft illumination: sunlit, penumbra or umbra' },
  { name: 'orbit', type: 'ASCII_Integer', description: 'Orbit (revolution) number, incremented at each ascending node' },
];

/** One sample of a product's geometry. */
export interface GeometryRow {
  readonly tai: number;
  readonly record: GeometryRecord;
  readonly orbit: number;
}

/** Geometry over a product's span. */
export interface ProductGeometry {
  readonly rows: readonly GeometryRow[];
  /** The ephemeris frame of the positions and velocities. */
  readonly frame: string;
  readonly startOrbit: number | undefined;
  readonly stopOrbit: number | undefined;
}

/**
 * Samples at `start`, `start + step`, … and at `stop` (TAI seconds); instants outside the ephemeris coverage are
 * left out.
 */
export function productGeometry(src: GeometrySource, startTai: number, stopTai: number, stepSeconds: number): ProductGeometry {
  const rows: GeometryRow[] = [];
  const at = (tai: number): void => {
    const rec = geometryAt(src, taiToUtcUnix(tai) * 1000);
    if (rec) rows.push({ tai, record: rec, orbit: src.orbits(tai).orbit });
  };
  const n = Math.floor((stopTai - startTai) / stepSeconds + 1e-9);
  for (let k = 0; k <= n; k++) at(startTai + k * stepSeconds);
  if (startTai + n * stepSeconds < stopTai) at(stopTai);
  return { rows, frame: src.ephemeris.frame, startOrbit: rows[0]?.orbit, stopOrbit: rows.at(-1)?.orbit };
}

const fix = (x: number, d: number): string => (Object.is(x, -0) ? 0 : x).toFixed(d);
const utc = (tai: number): string => new Date(Math.round(taiToUtcUnix(tai) * 1000)).toISOString();

/** The CSV text: a header line, then one record per sample; CRLF after every record (PDS DSV 1). */
export function geometryCsv(g: ProductGeometry): { header: string; text: string } {
  const header = `${GEOMETRY_COLUMNS.map((c) => c.name).join(',')}\r\n`;
  let text = header;
  for (const { tai, record: r, orbit } of g.rows) {
    text += `${[utc(tai), fix(r.position.x, 6), fix(r.position.y, 6), fix(r.position.z, 6), fix(r.velocity.x, 9), fix(r.velocity.y, 9), fix(r.velocity.z, 9),
      fix(r.geodetic.latDeg, 6), fix(r.geodetic.lonDeg, 6), fix(r.geodetic.altKm, 6), fix(r.groundTrackSpeedKmS, 6), fix(r.sunElevationDeg, 4), r.eclipse, orbit].join(',')}\r\n`;
  }
  return { header, text };
}

/**
 * The ground track as RFC 7946 GeoJSON: a Feature whose geometry is a LineString of [longitude, latitude]
 * (§3.1.4, WGS-84 degrees), or a MultiLineString when it crosses the antimeridian: each crossing ends one line at
 * ±180 and starts the next at ∓180, at the latitude interpolated between the two samples (§3.1.9).
 */
export function groundTrackGeoJson(g: ProductGeometry, properties: Readonly<Record<string, string | number>>): string {
  const lines: [number, number][][] = [];
  let line: [number, number][] = [];
  let prev: [number, number] | undefined;
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  for (const { record } of g.rows) {
    const p: [number, number] = [r6(record.geodetic.lonDeg), r6(record.geodetic.latDeg)];
    if (prev && Math.abs(p[0] - prev[0]) > 180) {
      // Crossing: unwrap the second point next to the first, find where it meets ±180.
      const east = prev[0] > 0; // going east over +180 → continue from -180
      const edge = east ? 180 : -180;
      const lon2 = p[0] + (east ? 360 : -360);
      const f = (edge - prev[0]) / (lon2 - prev[0]);
      const lat = r6(prev[1] + f * (p[1] - prev[1]));
      line.push([edge, lat]);
      lines.push(line);
      line = [[-edge, lat]];
    }
    line.push(p);
    prev = p;
  }
  if (line.length) lines.push(line);
  // A LineString needs two or more positions (§3.1.4); single-point pieces at the very edge are dropped.
  const parts = lines.filter((l) => l.length >= 2);
  const geometry = parts.length === 1
    ? { type: 'LineString', coordinates: parts[0] }
    : { type: 'MultiLineString', coordinates: parts };
  return `${JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties, geometry }] })}\n`;
}
