/**
 * @module Eclipse state by the Earth: the Sun and the Earth seen from the spacecraft as two discs (the conical
 * shadow model, Montenbruck & Gill, "Satellite Orbits" §3.4.2). With a = apparent solar radius, b = apparent
 * Earth radius and c = their angular separation: umbra when c ≤ b − a, penumbra when b − a < c < a + b,
 * sunlit when c ≥ a + b. The Earth is a sphere of the WGS-84 equatorial radius (the shadow edge of the real
 * ellipsoid lies up to 21 km lower near the poles: a few seconds of timing in low orbit); no atmosphere,
 * no Moon. Both positions must be in the same frame (any: the angles do not depend on it).
 */
import type { Km, Rad, Vec3, Frame } from './types.js';
import { SUN_RADIUS_KM, WGS84_A } from './types.js';

/** Eclipse state of the spacecraft. */
export type EclipseState = 'sunlit' | 'penumbra' | 'umbra';

/** The disc geometry behind the eclipse state. */
export interface ShadowGeometry {
  /** Apparent radius of the Sun, rad. */
  readonly sunRadius: Rad;
  /** Apparent radius of the Earth, rad. */
  readonly earthRadius: Rad;
  /** Angle between the Sun's and the Earth's centres, rad. */
  readonly separation: Rad;
  /** c − (a + b): positive when fully sunlit; its zero is penumbra entry/exit. */
  readonly penumbraMargin: Rad;
  /** c − (b − a): negative in the umbra; its zero is umbra entry/exit. */
  readonly umbraMargin: Rad;
  readonly state: EclipseState;
  /** Fraction of the solar disc visible, 0..1 (overlap of two flat discs; no limb darkening). */
  readonly illumination: number;
}

/**
 * Disc geometry for a spacecraft at `r` and the Sun at `sun`, both from the occulting body's centre, same
 * frame; the body is a sphere of `bodyRadiusKm` (default the Earth's WGS-84 equatorial radius).
 */
export function shadowGeometry<F extends Frame>(r: Vec3<F, Km>, sun: Vec3<F, Km>, bodyRadiusKm: Km = WGS84_A): ShadowGeometry {
  const dr = Math.hypot(r.x, r.y, r.z);
  const sx = sun.x - r.x;
  const sy = sun.y - r.y;
  const sz = sun.z - r.z;
  const ds = Math.hypot(sx, sy, sz);
  const a = Math.asin(Math.min(1, SUN_RADIUS_KM / ds));
  const b = Math.asin(Math.min(1, bodyRadiusKm / dr));
  const cosC = (-r.x * sx - r.y * sy - r.z * sz) / (dr * ds);
  const c = Math.acos(Math.max(-1, Math.min(1, cosC)));
  const penumbraMargin = c - (a + b);
  const umbraMargin = c - (b - a);
  let state: EclipseState;
  let illumination: number;
  if (penumbraMargin >= 0) {
    state = 'sunlit';
    illumination = 1;
  } else if (umbraMargin <= 0) {
    state = 'umbra';
    illumination = b > a ? 0 : 1 - (b * b) / (a * a);
  } else {
    state = 'penumbra';
    illumination = 1 - discOverlap(a, b, c) / (Math.PI * a * a);
  }
  return { sunRadius: a, earthRadius: b, separation: c, penumbraMargin, umbraMargin, state, illumination };
}

/** Area common to two discs of radii a and b whose centres are c apart (all small angles, flat geometry). */
function discOverlap(a: number, b: number, c: number): number {
  if (c >= a + b) return 0;
  if (c <= Math.abs(a - b)) return Math.PI * Math.min(a, b) ** 2;
  const x = (c * c + a * a - b * b) / (2 * c);
  const y = Math.sqrt(Math.max(0, a * a - x * x));
  return a * a * Math.acos(x / a) + b * b * Math.acos((c - x) / b) - c * y;
}
