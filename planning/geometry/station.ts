/**
 * @module Ground stations: the `NAME:LAT:LON:ALT_M:MASK_DEG` notation and topocentric look angles
 * (azimuth from north through east, elevation above the ellipsoid-normal horizon, range). Elevation is
 * geometric: no refraction.
 */
import { InputError } from '../../src/errors.js';
import { geodeticToEcef, upVector } from './geodetic.js';
import type { Deg, EcefVec3, Km } from './types.js';
import { DEG } from './types.js';

/** A ground station. */
export interface Station {
  readonly name: string;
  /** Geodetic latitude, degrees. */
  readonly latDeg: Deg;
  /** Longitude, degrees east. */
  readonly lonDeg: Deg;
  /** Height above the WGS-84 ellipsoid, metres. */
  readonly altM: number;
  /** Elevation mask: the spacecraft is visible above this elevation, degrees. */
  readonly maskDeg: Deg;
}

/** Look angles from a station to the spacecraft. */
export interface LookAngles {
  readonly azimuthDeg: Deg;
  readonly elevationDeg: Deg;
  readonly rangeKm: Km;
}

/** A station with its precomputed Earth-fixed position and local axes. */
export interface StationFrame {
  readonly station: Station;
  readonly r: EcefVec3;
  readonly up: EcefVec3;
  readonly east: EcefVec3;
  readonly north: EcefVec3;
}

/**
 * Parse `NAME:LAT:LON:ALT_M:MASK_DEG` (e.g. `KIRUNA:67.857:20.964:402:5`). `where` names the source in errors.
 * @throws InputError on a malformed entry.
 */
export function parseStation(text: string, where = '--station'): Station {
  const parts = text.split(':');
  if (parts.length !== 5 || parts[0] === '') {
    throw new InputError(`${where}: "${text}": expected NAME:LAT:LON:ALT_M:MASK_DEG`);
  }
  const [name, ...rest] = parts as [string, string, string, string, string];
  const nums = rest.map((p) => (p.trim() === '' ? NaN : Number(p)));
  const [lat, lon, alt, mask] = nums as [number, number, number, number];
  const bad = (field: string, why: string) => new InputError(`${where}: "${text}": ${field} ${why}`);
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw bad('latitude', 'must be a number in [-90, 90]');
  if (!Number.isFinite(lon) || lon < -180 || lon > 360) throw bad('longitude', 'must be a number in [-180, 360]');
  if (!Number.isFinite(alt) || alt < -500 || alt > 10000) throw bad('altitude', 'must be metres in [-500, 10000]');
  if (!Number.isFinite(mask) || mask < -5 || mask >= 90) throw bad('mask', 'must be degrees in [-5, 90)');
  return { name, latDeg: lat, lonDeg: lon > 180 ? lon - 360 : lon, altM: alt, maskDeg: mask };
}

/** Precompute a station's position and local east-north-up axes. */
export function stationFrame(station: Station): StationFrame {
  const lat = station.latDeg / DEG;
  const lon = station.lonDeg / DEG;
  return {
    station,
    r: geodeticToEcef({ latDeg: station.latDeg, lonDeg: station.lonDeg, altKm: station.altM / 1000 }),
    up: upVector(station.latDeg, station.lonDeg),
    east: { x: -Math.sin(lon), y: Math.cos(lon), z: 0 },
    north: { x: -Math.sin(lat) * Math.cos(lon), y: -Math.sin(lat) * Math.sin(lon), z: Math.cos(lat) },
  };
}

/** Elevation only (the hot path of pass finding), degrees. */
export function elevationDeg(sf: StationFrame, r: EcefVec3): Deg {
  const dx = r.x - sf.r.x;
  const dy = r.y - sf.r.y;
  const dz = r.z - sf.r.z;
  const u = dx * sf.up.x + dy * sf.up.y + dz * sf.up.z;
  return Math.asin(u / Math.sqrt(dx * dx + dy * dy + dz * dz)) * DEG;
}

/** Azimuth, elevation and range from the station to an Earth-fixed position. */
export function lookAngles(sf: StationFrame, r: EcefVec3): LookAngles {
  const dx = r.x - sf.r.x;
  const dy = r.y - sf.r.y;
  const dz = r.z - sf.r.z;
  const range = Math.sqrt(dx * dx + dy * dy + dz * dz);
  const e = dx * sf.east.x + dy * sf.east.y + dz * sf.east.z;
  const n = dx * sf.north.x + dy * sf.north.y + dz * sf.north.z;
  const u = dx * sf.up.x + dy * sf.up.y + dz * sf.up.z;
  let az = Math.atan2(e, n) * DEG;
  if (az < 0) az += 360;
  return { azimuthDeg: az, elevationDeg: Math.asin(u / range) * DEG, rangeKm: range };
}
