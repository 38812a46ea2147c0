/**
 * @module Units and frames, in the type names. A vector carries its reference frame as a phantom type, so a
 * TEME position cannot be passed where an ITRF one is expected; plain `{ x, y, z }` literals fit any frame.
 *
 * Frames used here:
 * - `TEME`: the true-equator, mean-equinox frame of SGP4 output.
 * - `GCRF`: the geocentric celestial frame; OEM `EME2000`/`ICRF`/`GCRF` are read as this (the 23 mas frame
 *   bias between EME2000 and GCRF is ignored).
 * - `ITRF`: Earth-fixed (ECEF). Polar motion is ignored everywhere, so this is really the pseudo-Earth-fixed
 *   frame (PEF); the difference is below 15 m at the Earth's surface.
 */

/** Kilometres. */
export type Km = number;
/** Kilometres per second. */
export type KmPerS = number;
/** Degrees. */
export type Deg = number;
/** Radians. */
export type Rad = number;
/** UTC instant as Unix milliseconds (may carry a fraction). The planning time axis. */
export type UnixMs = number;

/** The frames idoc can convert between. */
export type Frame = 'TEME' | 'GCRF' | 'ITRF';
/** The inertial (or quasi-inertial) frames. */
export type InertialFrame = 'TEME' | 'GCRF';

/** A 3-vector in frame `F` with unit `U` (phantom type parameters: nothing is stored). */
export interface Vec3<F extends Frame, U> {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  /** Phantom: never set. */
  readonly __frame?: F;
  /** Phantom: never set. */
  readonly __unit?: U;
}
export type TemeVec3<U = Km> = Vec3<'TEME', U>;
export type GcrfVec3<U = Km> = Vec3<'GCRF', U>;
export type EcefVec3<U = Km> = Vec3<'ITRF', U>;
export type EciVec3<U = Km> = TemeVec3<U> | GcrfVec3<U>;

/** Position (km) and velocity (km/s) at a UTC instant in frame `F`. */
export interface StateVector<F extends Frame = Frame> {
  readonly t: UnixMs;
  readonly frame: F;
  readonly r: Vec3<F, Km>;
  readonly v: Vec3<F, KmPerS>;
}

/** WGS-84 geodetic coordinates. */
export interface Geodetic {
  /** Geodetic latitude, degrees, north positive. */
  readonly latDeg: Deg;
  /** Longitude, degrees east, in (-180, 180]. */
  readonly lonDeg: Deg;
  /** Height above the WGS-84 ellipsoid, km. */
  readonly altKm: Km;
}

/** A closed time interval [start, end] in Unix ms UTC. */
export interface Interval {
  readonly start: UnixMs;
  readonly end: UnixMs;
}

/** WGS-84 (NIMA TR8350.2 §3): semi-major axis, km. */
export const WGS84_A: Km = 6378.137;
/** WGS-84 flattening. */
export const WGS84_F = 1 / 298.257223563;
/** WGS-84 first eccentricity squared. */
export const WGS84_E2 = WGS84_F * (2 - WGS84_F);
/** Earth rotation rate, rad/s (IERS conventional value used with GMST, Vallado 4th ed. §3.7). */
export const EARTH_ROTATION_RAD_S = 7.292115146706979e-5;
/** Astronomical unit, km (IAU 2012 B2). */
export const AU_KM = 149597870.7;
/** Solar radius, km (IAU 2015 B3 nominal). */
export const SUN_RADIUS_KM = 695700;
/** Degrees per radian. */
export const DEG = 180 / Math.PI;
