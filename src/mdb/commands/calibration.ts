/**
 * @module Raw ↔ engineering conversion of command parameters: linear (eng = slope·raw + offset) and
 * piecewise-linear tables (the SCOS-2000 CCA/CCS "(de-)calibration curve", interpolated between points).
 * Both directions return `undefined` when the value lies outside a table that refuses extrapolation.
 */
import type { Calibration, CalibrationPoint } from './types.js';

/** Engineering value of a raw value; `undefined` outside a refusing table. */
export function rawToEng(cal: Calibration, raw: number): number | undefined {
  if (cal.kind === 'linear') return cal.slope * raw + cal.offset;
  return interpolate(cal.points, raw, 'raw', 'eng', cal.outside === 'extrapolate');
}

/** Raw value (unrounded) of an engineering value; `undefined` outside a refusing table. */
export function engToRaw(cal: Calibration, eng: number): number | undefined {
  if (cal.kind === 'linear') return (eng - cal.offset) / cal.slope;
  return interpolate(cal.points, eng, 'eng', 'raw', cal.outside === 'extrapolate');
}

/** True when a table's raw and engineering columns are both strictly monotonic (the table inverts). */
export function tableInvertible(points: readonly CalibrationPoint[]): boolean {
  return strictlyMonotonic(points.map((p) => p.raw)) && strictlyMonotonic(points.map((p) => p.eng));
}

function strictlyMonotonic(xs: readonly number[]): boolean {
  if (xs.length < 2) return true;
  const up = xs[1]! > xs[0]!;
  for (let i = 1; i < xs.length; i++) {
    const d = xs[i]! - xs[i - 1]!;
    if (d === 0 || d > 0 !== up) return false;
  }
  return true;
}

function interpolate(
  points: readonly CalibrationPoint[], x: number, from: 'raw' | 'eng', to: 'raw' | 'eng', extrapolate: boolean,
): number | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const first = points[0]![from];
  const last = points[n - 1]![from];
  const lo = Math.min(first, last);
  const hi = Math.max(first, last);
  let k = 0;
  if (x < lo || x > hi) {
    if (!extrapolate) return undefined;
    // Beyond the end where the table starts → first segment, else the last one.
    k = (x < lo) === (first < last) ? 0 : n - 2;
  } else {
    while (k < n - 2) {
      const a = points[k]![from];
      const b = points[k + 1]![from];
      if (x >= Math.min(a, b) && x <= Math.max(a, b)) break;
      k++;
    }
  }
  const p = points[k]!;
  const q = points[k + 1]!;
  return p[to] + ((x - p[from]) * (q[to] - p[to])) / (q[from] - p[from]);
}
