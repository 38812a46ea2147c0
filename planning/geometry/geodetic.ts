/**
 * @module WGS-84 geodetic coordinates ↔ Earth-fixed positions, and the ground-track speed of the sub-satellite
 * point. Ellipsoid from NIMA TR8350.2 §3; the inverse is the fixed-point iteration on latitude of Vallado
 * (4th ed.) algorithm 12, run to 1e-12 rad (a few iterations).
 */
import type { EcefVec3, Geodetic, Km, KmPerS, Vec3 } from './types.js';
import { DEG, WGS84_A, WGS84_E2 } from './types.js';

/** Earth-fixed position (km) → WGS-84 geodetic latitude, longitude, height. */
export function ecefToGeodetic(r: EcefVec3): Geodetic {
  const p = Math.hypot(r.x, r.y);
  const lon = Math.atan2(r.y, r.x);
  if (p < 1e-9) {
    // On the polar axis.
    const b = WGS84_A * Math.sqrt(1 - WGS84_E2);
    return { latDeg: r.z >= 0 ? 90 : -90, lonDeg: 0, altKm: Math.abs(r.z) - b };
  }
  let lat = Math.atan2(r.z, p * (1 - WGS84_E2));
  let n = WGS84_A;
  for (let i = 0; i < 10; i++) {
    const s = Math.sin(lat);
    n = WGS84_A / Math.sqrt(1 - WGS84_E2 * s * s);
    const next = Math.atan2(r.z + n * WGS84_E2 * s, p);
    if (Math.abs(next - lat) < 1e-12) { lat = next; break; }
    lat = next;
  }
  const s = Math.sin(lat);
  const c = Math.cos(lat);
  n = WGS84_A / Math.sqrt(1 - WGS84_E2 * s * s);
  // Height: the better-conditioned formula away from the poles, the other near them.
  const alt = Math.abs(c) > 1e-3 ? p / c - n : r.z / s - n * (1 - WGS84_E2);
  return { latDeg: lat * DEG, lonDeg: lon * DEG, altKm: alt };
}

/** WGS-84 geodetic coordinates → Earth-fixed position, km. */
export function geodeticToEcef(g: Geodetic): EcefVec3 {
  const lat = g.latDeg / DEG;
  const lon = g.lonDeg / DEG;
  const s = Math.sin(lat);
  const c = Math.cos(lat);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * s * s);
  return { x: (n + g.altKm) * c * Math.cos(lon), y: (n + g.altKm) * c * Math.sin(lon), z: (n * (1 - WGS84_E2) + g.altKm) * s };
}

/** Local vertical (ellipsoid normal) at a geodetic point, as an Earth-fixed unit vector. */
export function upVector(latDeg: number, lonDeg: number): EcefVec3 {
  const lat = latDeg / DEG;
  const lon = lonDeg / DEG;
  return { x: Math.cos(lat) * Math.cos(lon), y: Math.cos(lat) * Math.sin(lon), z: Math.sin(lat) };
}

/**
 * Speed of the sub-satellite point over the ground, km/s: the horizontal part of the Earth-fixed velocity
 * scaled down from the satellite's height to the ellipsoid (by the ratio of geocentric distances of the
 * sub-satellite point and the satellite). Exact for a sphere; on the ellipsoid it is within ~0.3 %.
 */
export function groundTrackSpeed(r: EcefVec3, v: Vec3<'ITRF', KmPerS>, g: Geodetic): KmPerS {
  const up = upVector(g.latDeg, g.lonDeg);
  const vUp = v.x * up.x + v.y * up.y + v.z * up.z;
  const hx = v.x - vUp * up.x;
  const hy = v.y - vUp * up.y;
  const hz = v.z - vUp * up.z;
  const sub = geodeticToEcef({ latDeg: g.latDeg, lonDeg: g.lonDeg, altKm: 0 });
  const ratio: Km = Math.hypot(sub.x, sub.y, sub.z) / Math.hypot(r.x, r.y, r.z);
  return Math.hypot(hx, hy, hz) * ratio;
}
