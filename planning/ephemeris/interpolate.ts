/**
 * @module Interpolation of tabulated states, as OEM files declare it (CCSDS 502.0-B-3 §5.2.4 INTERPOLATION,
 * INTERPOLATION_DEGREE; formats.md §7.1):
 * - Lagrange of degree N on the N+1 samples centred on the target, position and velocity each interpolated;
 * - Hermite of degree N on (N+1)/2 samples with positions and velocities, velocity = derivative of the
 *   position polynomial (divided differences with repeated nodes: Burden & Faires, "Numerical Analysis" §3.4).
 * Times are seconds relative to the window's first sample, to keep the arithmetic well conditioned.
 */

/** The samples window nearest `t`: `count` indices centred on it, clamped to [0, n). Returns the first index. */
export function windowStart(times: ArrayLike<number>, t: number, count: number): number {
  return windowStartIn(times, 0, times.length, t, count);
}

/** {@link windowStart} within the run [from, to) of `times` (no subarray view); returns an index of `times`. */
export function windowStartIn(times: ArrayLike<number>, from: number, to: number, t: number, count: number): number {
  const n = to - from;
  if (count >= n) return from;
  // Binary search for the last index with times[i] <= t.
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t) lo = mid; else hi = mid - 1;
  }
  const start = lo - ((count - 1) >> 1);
  return Math.max(from, Math.min(to - count, start));
}

/** Lagrange interpolation of one component from `count` samples starting at `start`. */
export function lagrange(x: ArrayLike<number>, y: ArrayLike<number>, start: number, count: number, t: number): number {
  let sum = 0;
  for (let i = start; i < start + count; i++) {
    let w = 1;
    const xi = x[i]!;
    for (let j = start; j < start + count; j++) if (j !== i) w *= (t - x[j]!) / (xi - x[j]!);
    sum += w * y[i]!;
  }
  return sum;
}

/**
 * Hermite interpolation from values `y` and derivatives `dy` at `count` nodes: returns [p(t), p'(t)] of the
 * polynomial of degree 2·count − 1.
 */
export function hermite(x: ArrayLike<number>, y: ArrayLike<number>, dy: ArrayLike<number>, start: number, count: number, t: number): [number, number] {
  const m = 2 * count;
  const z = new Float64Array(m);
  const q = new Float64Array(m);
  hermiteCoefficients(x, start, y, dy, start, count, z, q, 0);
  const out = new Float64Array(2);
  hermiteEval(z, q, 0, m, t, out, 0);
  return [out[0]!, out[1]!];
}

/**
 * The Newton coefficients of the Hermite polynomial through `count` nodes (times `x[xAt..]`, values and
 * derivatives `y[start..]`, `dy[start..]`): the doubled nodes go to `z[0..2·count)`, the divided differences
 * to `q[qAt..qAt+2·count)`.
 * Computed once per window and reused by {@link hermiteEval} for every instant inside it.
 */
export function hermiteCoefficients(x: ArrayLike<number>, xAt: number, y: ArrayLike<number>, dy: ArrayLike<number>, start: number, count: number,
  z: Float64Array, q: Float64Array, qAt: number): void {
  const m = 2 * count;
  for (let i = 0; i < count; i++) {
    z[2 * i] = z[2 * i + 1] = x[xAt + i]!;
    q[qAt + 2 * i] = q[qAt + 2 * i + 1] = y[start + i]!;
  }
  // In-place divided differences: after pass k, q[i] = f[z_{i-k}..z_i].
  for (let k = 1; k < m; k++) {
    for (let i = m - 1; i >= k; i--) {
      const den = z[i]! - z[i - k]!;
      q[qAt + i] = den === 0 ? dy[start + (i >> 1)]! : (q[qAt + i]! - q[qAt + i - 1]!) / den;
    }
  }
}

/** Evaluate the Newton form of {@link hermiteCoefficients} at `t` by Horner: p(t) to `out[at]`, p'(t) to `out[at + 1]`. */
export function hermiteEval(z: Float64Array, q: Float64Array, qAt: number, m: number, t: number, out: Float64Array, at: number): void {
  let p = q[qAt + m - 1]!;
  let dp = 0;
  for (let i = m - 2; i >= 0; i--) {
    const d = t - z[i]!;
    dp = dp * d + p;
    p = p * d + q[qAt + i]!;
  }
  out[at] = p;
  out[at + 1] = dp;
}
