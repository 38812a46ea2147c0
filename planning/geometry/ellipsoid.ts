/**
 * @module Planetodetic coordinates on any body's reference ellipsoid (oblate spheroid of equatorial radius a and
 * polar radius c): latitude is the angle of the ellipsoid normal to the equator (the planetodetic, or in IAU
 * terms planetographic, latitude), longitude is measured EAST from the prime meridian in (−180, 180] (the
 * planetocentric longitude convention, as SPICE's `recgeo`; IAU planetographic longitude for Mars is positive
 * west, i.e. 360° minus this). Height above the ellipsoid. Same iteration as geodetic.ts (Vallado alg. 12).
 */
import type { Geodetic, Km, KmPerS } from './types.js';
import { DEG } from './types.js';
import type { V3 } from './_vec.js';

/** An oblate spheroid. */
export interface Ellipsoid {
  /** Equatorial radius, km. */
  readonly a: Km;
  /** First eccentricity squared, 1 − c²/a². */
  readonly e2: number;
}

export const ellipsoidOf = (equatorialKm: Km, polarKm: Km): Ellipsoid => ({ a: equatorialKm, e2: 1 - (polarKm * polarKm) / (equatorialKm * equatorialKm) });

/** Body-fixed position → planetodetic latitude, east longitude, height. */
export function toPlanetodetic(r: V3, ell: Ellipsoid): Geodetic {
  const { a, e2 } = ell;
  const p = Math.hypot(r.x, r.y);
  const lon = Math.atan2(r.y, r.x);
  if (p < 1e-9) return { latDeg: r.z >= 0 ? 90 : -90, lonDeg: 0, altKm: Math.abs(r.z) - a * Math.sqrt(1 - e2) };
  let lat = Math.atan2(r.z, p * (1 - e2));
  for (let i = 0; i < 10; i++) {
    const s = Math.sin(lat);
    const n = a / Math.sqrt(1 - e2 * s * s);
    const next = Math.atan2(r.z + n * e2 * s, p);
    if (Math.abs(next - lat) < 1e-12) { lat = next; break; }
    lat = next;
  }
  const s = Math.sin(lat);
  const c = Math.cos(lat);
  const n = a / Math.sqrt(1 - e2 * s * s);
  const alt = Math.abs(c) > 1e-3 ? p / c - n : r.z / s - n * (1 - e2);
  return { latDeg: lat * DEG, lonDeg: lon * DEG, altKm: alt };
}

/** Planetodetic coordinates → body-fixed position, km. */
export function fromPlanetodetic(g: Geodetic, ell: Ellipsoid): V3 {
  const lat = g.latDeg / DEG;
  const lon = g.lonDeg / DEG;
  const s = Math.sin(lat);
  const c = Math.cos(lat);
  const n = ell.a / Math.sqrt(1 - ell.e2 * s * s);
  return { x: (n + g.altKm) * c * Math.cos(lon), y: (n + g.altKm) * c * Math.sin(lon), z: (n * (1 - ell.e2) + g.altKm) * s };
}

/** Outward ellipsoid normal at a planetodetic point (unit vector, body-fixed). */
export function normalAt(latDeg: number, lonDeg: number): V3 {
  const lat = latDeg / DEG;
  const lon = lonDeg / DEG;
  return { x: Math.cos(lat) * Math.cos(lon), y: Math.cos(lat) * Math.sin(lon), z: Math.sin(lat) };
}

/** Ground-track speed on the ellipsoid (as geodetic.ts `groundTrackSpeed`, for any ellipsoid). */
export function groundSpeedOn(r: V3, v: V3, g: Geodetic, ell: Ellipsoid): KmPerS {
  const up = normalAt(g.latDeg, g.lonDeg);
  const vUp = v.x * up.x + v.y * up.y + v.z * up.z;
  const sub = fromPlanetodetic({ latDeg: g.latDeg, lonDeg: g.lonDeg, altKm: 0 }, ell);
  return Math.hypot(v.x - vUp * up.x, v.y - vUp * up.y, v.z - vUp * up.z) * (Math.hypot(sub.x, sub.y, sub.z) / Math.hypot(r.x, r.y, r.z));
}

/** Elevation (degrees) of a body-fixed target point seen from the ellipsoid surface below a planetodetic point. */
export function elevationFromSurface(g: Geodetic, target: V3, ell: Ellipsoid): number {
  const p = fromPlanetodetic({ latDeg: g.latDeg, lonDeg: g.lonDeg, altKm: 0 }, ell);
  const up = normalAt(g.latDeg, g.lonDeg);
  const dx = target.x - p.x, dy = target.y - p.y, dz = target.z - p.z;
  return Math.asin((dx * up.x + dy * up.y + dz * up.z) / Math.sqrt(dx * dx + dy * dy + dz * dz)) * DEG;
}
