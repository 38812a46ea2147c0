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
  const n = times.length;
  if (count >= n) return 0;
  // Binary search for the last index with times[i] <= t.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t) lo = mid; else hi = mid - 1;
  }
  const start = lo - ((count - 1) >> 1);
  return Math.max(0, Math.min(n - count, start));
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
  for (let i = 0; i < count; i++) {
    z[2 * i] = z[2 * i + 1] = x[start + i]!;
    q[2 * i] = q[2 * i + 1] = y[start + i]!;
  }
  // In-place divided differences: after pass k, q[i] = f[z_{i-k}..z_i].
  for (let k = 1; k < m; k++) {
    for (let i = m - 1; i >= k; i--) {
      const den = z[i]! - z[i - k]!;
      q[i] = den === 0 ? dy[start + (i >> 1)]! : (q[i]! - q[i - 1]!) / den;
    }
  }
  // Newton form evaluated by Horner, carrying the derivative.
  let p = q[m - 1]!;
  let dp = 0;
  for (let i = m - 2; i >= 0; i--) {
    dp = dp * (t - z[i]!) + p;
    p = p * (t - z[i]!) + q[i]!;
  }
  return [p, dp];
}
