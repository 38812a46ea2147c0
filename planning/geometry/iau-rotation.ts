/**
 * @module IAU WGCCRE rotation models (Archinal et al., "Report of the IAU Working Group on Cartographic
 * Coordinates and Rotational Elements: 2015", Celest. Mech. Dyn. Astr. 130:22, 2018, §2 and tables 1–2):
 * the north pole's right ascension α0 and declination δ0 (ICRF) and the prime meridian angle W,
 *   α0 = a0 + a1·T + Σ aᵢ sin θᵢ,  δ0 = d0 + d1·T + Σ dᵢ cos θᵢ,  W = w0 + w1·d + w2·d² + Σ wᵢ sin θᵢ,
 * with T Julian centuries and d days of TDB from J2000 and θᵢ = θᵢ₀ + θᵢ₁·T the body system's nutation and
 * precession angles. The ICRF → body-fixed rotation is R3(W)·R1(90° − δ0)·R3(90° + α0) (§2, fig. 1).
 * The spin rate used for body-fixed velocities is dW/dt of the polynomial part (the periodic terms change it by
 * less than 1e-4 of itself for every body here).
 */
import type { M3 } from './_vec.js';
import { mulMM, rot1, rot3 } from './_vec.js';

/** One periodic term: amplitude (degrees) and its angle θ = phase + rate·T (degrees, degrees/century). */
export interface PeriodicTerm { readonly amp: number; readonly phase: number; readonly rate: number }

/** A body's rotation model, degrees (see the module comment). */
export interface RotationModel {
  /** α0 = ra[0] + ra[1]·T + Σ raTerms amp·sin θ. */
  readonly ra: readonly [number, number];
  readonly dec: readonly [number, number];
  /** W = pm[0] + pm[1]·d + pm[2]·d². */
  readonly pm: readonly [number, number, number];
  readonly raTerms?: readonly PeriodicTerm[];
  readonly decTerms?: readonly PeriodicTerm[];
  readonly pmTerms?: readonly PeriodicTerm[];
}

/** Pole and prime meridian at one instant, degrees. */
export interface Orientation {
  readonly raDeg: number;
  readonly decDeg: number;
  /** Prime meridian angle, degrees in [0, 360). */
  readonly wDeg: number;
  /** Spin rate, rad/s. */
  readonly spinRadS: number;
}

const RAD = Math.PI / 180;
const sumSin = (terms: readonly PeriodicTerm[] | undefined, T: number) => (terms ?? []).reduce((s, x) => s + x.amp * Math.sin((x.phase + x.rate * T) * RAD), 0);
const sumCos = (terms: readonly PeriodicTerm[] | undefined, T: number) => (terms ?? []).reduce((s, x) => s + x.amp * Math.cos((x.phase + x.rate * T) * RAD), 0);

/** Orientation at `et` (TDB seconds past J2000). */
export function orientation(model: RotationModel, et: number): Orientation {
  const d = et / 86400;
  const T = d / 36525;
  const w = model.pm[0] + model.pm[1] * d + model.pm[2] * d * d + sumSin(model.pmTerms, T);
  return {
    raDeg: model.ra[0] + model.ra[1] * T + sumSin(model.raTerms, T),
    decDeg: model.dec[0] + model.dec[1] * T + sumCos(model.decTerms, T),
    wDeg: ((w % 360) + 360) % 360,
    spinRadS: ((model.pm[1] + 2 * model.pm[2] * d) * RAD) / 86400,
  };
}

/**
 * The ICRF → body-fixed rotation matrix (row-major) of an orientation: R3(W)·R1(90° − δ0)·R3(90° + α0) written
 * out (rows: the prime meridian on the equator, the 90° E meridian, the pole).
 */
export function bodyFixedMatrix(o: Orientation): M3 {
  const sa = Math.sin(o.raDeg * RAD), ca = Math.cos(o.raDeg * RAD);
  const sd = Math.sin(o.decDeg * RAD), cd = Math.cos(o.decDeg * RAD);
  const sw = Math.sin(o.wDeg * RAD), cw = Math.cos(o.wDeg * RAD);
  return [
    -sa * cw - ca * sd * sw, ca * cw - sa * sd * sw, cd * sw,
    sa * sw - ca * sd * cw, -ca * sw - sa * sd * cw, cd * cw,
    ca * cd, sa * cd, sd,
  ];
}

/** The same matrix as the product of the three elementary rotations (kept for the tests' cross-check). */
export const bodyFixedMatrixByRotations = (o: Orientation): M3 => mulMM(rot3(o.wDeg * RAD), mulMM(rot1((90 - o.decDeg) * RAD), rot3((90 + o.raDeg) * RAD)));
