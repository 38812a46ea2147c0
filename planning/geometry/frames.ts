/**
 * @module Frame conversions between TEME (SGP4), GCRF (EME2000) and ITRF (Earth-fixed), each stating what it
 * approximates. The models are those of Vallado, "Fundamentals of Astrodynamics and Applications" (4th ed.,
 * §3.7) in their classical (IAU-1976/1980) form:
 *
 * - Earth rotation: GMST of IAU-1982 (Aoki et al. 1982) with UT1 = UTC unless `ut1MinusUtcS` is given.
 *   |UT1−UTC| < 0.9 s, so ignoring it moves an Earth-fixed position by up to ~0.4 km along the equator.
 * - Polar motion: ignored (ITRF here is the pseudo-Earth-fixed frame; < 15 m at the surface).
 * - Precession: IAU-1976 (Lieske 1977), ζ z θ polynomials.
 * - Nutation: IAU-1980, truncated to its 9 largest terms (Meeus, "Astronomical Algorithms" 2nd ed., table 22.A);
 *   the omitted terms add up to under 0.5″ (< 20 m at GEO, < 2 m at LEO radius).
 * - Equation of the equinoxes: Δψ cos ε only (the 0.003″ Ω terms are left out). GAST = GMST + that.
 * - TEME → ITRF: a rotation by GMST (Vallado 2006, "Revisiting Spacetrack Report #3", §B).
 * - Dates for precession-nutation are taken as TT = UTC + 69.184 s (the 2017– value of TT−UTC): an error of
 *   a few seconds in that argument changes the matrices by microarcseconds.
 * - Velocities: v_ITRF = R v_inertial − ω × r_ITRF; the time derivative of precession-nutation is ignored.
 */
import type { EcefVec3, Frame, GcrfVec3, Km, KmPerS, Rad, StateVector, TemeVec3, UnixMs, Vec3 } from './types.js';
import { EARTH_ROTATION_RAD_S } from './types.js';
import { mulMM, mulMV, mulMtV, rot1, rot3, rot2, type M3, type V3 } from './_vec.js';

const ARCSEC = Math.PI / (180 * 3600);
const DEG2RAD = Math.PI / 180;
const JD_UNIX_EPOCH = 2440587.5;
/** TT − UTC assumed for precession-nutation arguments (TAI−UTC 37 s since 2017 + 32.184 s). */
const TT_MINUS_UTC_S = 69.184;

/** Options for Earth-rotation conversions. */
export interface EarthRotationOptions {
  /** UT1 − UTC in seconds (IERS Bulletin A). Default 0: UT1 is taken equal to UTC. */
  readonly ut1MinusUtcS?: number;
}

/** Julian date (UTC) of a Unix millisecond instant. */
export const julianDateUtc = (t: UnixMs): number => t / 86400000 + JD_UNIX_EPOCH;

/** Julian centuries of TT since J2000.0 (TT taken as UTC + 69.184 s, see the module comment). */
export const centuriesTT = (t: UnixMs): number => (julianDateUtc(t) + TT_MINUS_UTC_S / 86400 - 2451545.0) / 36525;

/**
 * Greenwich mean sidereal time (IAU-1982), radians in [0, 2π): Vallado eq. 3-47 with UT1 = UTC + `ut1MinusUtcS`.
 */
export function gmst(t: UnixMs, options: EarthRotationOptions = {}): Rad {
  const tu = (julianDateUtc(t + (options.ut1MinusUtcS ?? 0) * 1000) - 2451545.0) / 36525;
  let s = 67310.54841 + (876600 * 3600 + 8640184.812866) * tu + 0.093104 * tu * tu - 6.2e-6 * tu * tu * tu;
  s = (s % 86400) * (2 * Math.PI / 86400);
  return s < 0 ? s + 2 * Math.PI : s;
}

/** Nutation in longitude and obliquity (radians) and the mean and true obliquity, IAU-1980 truncated. */
export interface Nutation {
  readonly dPsi: Rad;
  readonly dEps: Rad;
  readonly meanObliquity: Rad;
  readonly trueObliquity: Rad;
}

// Meeus table 22.A, 9 largest rows: multiples of D, M, M', F, Ω; Δψ = (a + bT) sin; Δε = (c + dT) cos; 0.0001″.
const NUTATION_TERMS: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 1, -171996, -174.2, 92025, 8.9],
  [-2, 0, 0, 2, 2, -13187, -1.6, 5736, -3.1],
  [0, 0, 0, 2, 2, -2274, -0.2, 977, -0.5],
  [0, 0, 0, 0, 2, 2062, 0.2, -895, 0.5],
  [0, 1, 0, 0, 0, 1426, -3.4, 54, -0.1],
  [0, 0, 1, 0, 0, 712, 0.1, -7, 0],
  [-2, 1, 0, 2, 2, -517, 1.2, 224, -0.6],
  [0, 0, 0, 2, 1, -386, -0.4, 200, 0],
  [0, 0, 1, 2, 2, -301, 0, 129, -0.1],
];

/** IAU-1980 nutation, 9 largest terms (see the module comment for the truncation error). */
export function nutation(t: UnixMs): Nutation {
  const T = centuriesTT(t);
  const D = (297.85036 + 445267.11148 * T - 0.0019142 * T * T) * DEG2RAD;
  const M = (357.52772 + 35999.05034 * T) * DEG2RAD;
  const Mp = (134.96298 + 477198.867398 * T + 0.0086972 * T * T) * DEG2RAD;
  const F = (93.27191 + 483202.017538 * T - 0.0036825 * T * T) * DEG2RAD;
  const Om = (125.04452 - 1934.136261 * T + 0.0020708 * T * T) * DEG2RAD;
  let dPsi = 0;
  let dEps = 0;
  for (const k of NUTATION_TERMS) {
    const arg = k[0]! * D + k[1]! * M + k[2]! * Mp + k[3]! * F + k[4]! * Om;
    dPsi += (k[5]! + k[6]! * T) * Math.sin(arg);
    dEps += (k[7]! + k[8]! * T) * Math.cos(arg);
  }
  dPsi *= 1e-4 * ARCSEC;
  dEps *= 1e-4 * ARCSEC;
  const meanObliquity = (84381.448 - 46.815 * T - 0.00059 * T * T + 0.001813 * T * T * T) * ARCSEC;
  return { dPsi, dEps, meanObliquity, trueObliquity: meanObliquity + dEps };
}

/** IAU-1976 precession matrix, GCRF (J2000 mean) → mean-of-date: P = ROT3(−z) ROT2(θ) ROT3(−ζ). */
export function precessionMatrix(t: UnixMs): M3 {
  const T = centuriesTT(t);
  const zeta = (2306.2181 * T + 0.30188 * T * T + 0.017998 * T * T * T) * ARCSEC;
  const z = (2306.2181 * T + 1.09468 * T * T + 0.018203 * T * T * T) * ARCSEC;
  const theta = (2004.3109 * T - 0.42665 * T * T - 0.041833 * T * T * T) * ARCSEC;
  return mulMM(rot3(-z), mulMM(rot2(theta), rot3(-zeta)));
}

/** Nutation matrix, mean-of-date → true-of-date: N = ROT1(−ε) ROT3(−Δψ) ROT1(ε̄). */
export function nutationMatrix(n: Nutation): M3 {
  return mulMM(rot1(-n.trueObliquity), mulMM(rot3(-n.dPsi), rot1(n.meanObliquity)));
}

/** Matrix GCRF → ITRF (pseudo-Earth-fixed): ROT3(GAST) · N · P. */
export function gcrfToItrfMatrix(t: UnixMs, options: EarthRotationOptions = {}): M3 {
  const n = nutation(t);
  const gast = gmst(t, options) + n.dPsi * Math.cos(n.trueObliquity);
  return mulMM(rot3(gast), mulMM(nutationMatrix(n), precessionMatrix(t)));
}

/** Matrix TEME → ITRF (pseudo-Earth-fixed): ROT3(GMST). */
export const temeToItrfMatrix = (t: UnixMs, options: EarthRotationOptions = {}): M3 => rot3(gmst(t, options));

/** Matrix inertial frame → ITRF. */
export function inertialToItrfMatrix(frame: 'TEME' | 'GCRF', t: UnixMs, options: EarthRotationOptions = {}): M3 {
  return frame === 'TEME' ? temeToItrfMatrix(t, options) : gcrfToItrfMatrix(t, options);
}

const omegaCross = (r: V3): V3 => ({ x: -EARTH_ROTATION_RAD_S * r.y, y: EARTH_ROTATION_RAD_S * r.x, z: 0 });

/**
 * Convert a state to another frame (any of TEME, GCRF, ITRF) through ITRF. Inertial ↔ inertial conversions
 * are exact rotations of the models above (the Earth-rotation angle cancels).
 */
export function convertState<T extends Frame>(s: StateVector, to: T, options: EarthRotationOptions = {}): StateVector<T> {
  if (s.frame === to) return s as StateVector<T>;
  // To ITRF.
  let r: V3 = s.r;
  let v: V3 = s.v;
  if (s.frame !== 'ITRF') {
    const m = inertialToItrfMatrix(s.frame, s.t, options);
    r = mulMV(m, s.r);
    const w = omegaCross(r);
    const vr = mulMV(m, s.v);
    v = { x: vr.x - w.x, y: vr.y - w.y, z: vr.z - w.z };
  }
  if (to !== 'ITRF') {
    const m = inertialToItrfMatrix(to as 'TEME' | 'GCRF', s.t, options);
    const w = omegaCross(r);
    const vi = { x: v.x + w.x, y: v.y + w.y, z: v.z + w.z };
    r = mulMtV(m, r);
    v = mulMtV(m, vi);
  }
  return { t: s.t, frame: to, r: r as Vec3<T, Km>, v: v as Vec3<T, KmPerS> };
}

/** TEME → ITRF state (rotation by GMST; see the module comment). */
export const temeToItrf = (s: StateVector<'TEME'>, o: EarthRotationOptions = {}): StateVector<'ITRF'> => convertState(s, 'ITRF', o);
/** GCRF/EME2000 → ITRF state (IAU-1976/1980 classical transformation; see the module comment). */
export const gcrfToItrf = (s: StateVector<'GCRF'>, o: EarthRotationOptions = {}): StateVector<'ITRF'> => convertState(s, 'ITRF', o);
/** ITRF → GCRF state. */
export const itrfToGcrf = (s: StateVector<'ITRF'>, o: EarthRotationOptions = {}): StateVector<'GCRF'> => convertState(s, 'GCRF', o);
/** ITRF → TEME state. */
export const itrfToTeme = (s: StateVector<'ITRF'>, o: EarthRotationOptions = {}): StateVector<'TEME'> => convertState(s, 'TEME', o);

/** Rotate a position only (no velocity term) from an inertial frame to ITRF. */
export function positionToItrf(frame: 'TEME' | 'GCRF', r: TemeVec3 | GcrfVec3, t: UnixMs, o: EarthRotationOptions = {}): EcefVec3 {
  return mulMV(inertialToItrfMatrix(frame, t, o), r);
}
