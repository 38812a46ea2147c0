/**
 * @module SPK kernels (NAIF "SPK Required Reading"): segments described by DAF summaries with ND = 2, NI = 6
 * (§"Segments — The Fundamental SPK Building Blocks": start and stop ET; target, centre, frame, type, first and
 * last address), evaluated for three data types:
 * - type 2, Chebyshev position only (§"Type 2: Chebyshev (position only)"): records of MID, RADIUS and
 *   DEGREE + 1 coefficients for X, Y, Z; the segment ends with INIT, INTLEN, RSIZE, N. Velocity is the
 *   derivative of the position polynomials.
 * - type 3, Chebyshev position and velocity (§"Type 3"): as type 2 with six coefficient sets per record.
 * - type 13, Hermite interpolation, unequal time steps (§"Type 13"): N states (6 doubles), N epochs, the epoch
 *   directory (every 100th epoch), WINDOW SIZE − 1, N. Each position component is Hermite-interpolated from the
 *   positions and velocities of WINDOW SIZE states around the request; velocity is that polynomial's derivative.
 * Units: km, km/s, TDB seconds past J2000. Frame 1 (J2000, taken as ICRF) is the only frame evaluated.
 */
import { InputError } from '../../../src/errors.js';
import { hermite } from '../interpolate.js';
import { readDaf, type Daf } from './daf.js';

/** SPK data types idoc evaluates. */
export const SPK_TYPES = [2, 3, 13] as const;

/** NAIF frame id of J2000 (SPK Required Reading, "Reference frames"; ICRF-aligned here). */
export const J2000_FRAME_ID = 1;

/** One segment of an SPK file. */
export interface SpkSegment {
  readonly file: string;
  readonly name: string;
  readonly target: number;
  readonly center: number;
  readonly frame: number;
  readonly type: number;
  /** Coverage, ET (TDB seconds past J2000). */
  readonly startEt: number;
  readonly endEt: number;
  /** First and last DAF address of the segment's data. */
  readonly first: number;
  readonly last: number;
  /**
   * The state of the target relative to the centre at `et` (within the coverage), written into `out`
   * (x, y, z km, vx, vy, vz km/s).
   * @throws InputError for a type or frame idoc does not evaluate, or a damaged segment.
   */
  state(et: number, out: Float64Array): void;
}

/** A read SPK kernel. */
export interface SpkKernel {
  readonly file: string;
  readonly daf: Daf;
  readonly segments: readonly SpkSegment[];
}

/** Chebyshev record evaluation shared by types 2 and 3 (components × (degree+1) coefficients from `off`). */
function chebyshev(data: Float64Array, off: number, n: number, s: number, radius: number, out: Float64Array, withVelocity: boolean): void {
  // T_k(s) and T'_k(s) by the recurrences T_{k+1} = 2sT_k − T_{k−1}, T'_{k+1} = 2T_k + 2sT'_k − T'_{k−1}.
  for (let c = 0; c < 3; c++) {
    let t0 = 1, t1 = s, d0 = 0, d1 = 1;
    const base = off + c * n;
    let p = data[base]!;
    let v = 0;
    if (n > 1) { p += data[base + 1]! * t1; v += data[base + 1]! * d1; }
    for (let k = 2; k < n; k++) {
      const t2 = 2 * s * t1 - t0;
      const d2 = 2 * t1 + 2 * s * d1 - d0;
      p += data[base + k]! * t2;
      v += data[base + k]! * d2;
      t0 = t1; t1 = t2; d0 = d1; d1 = d2;
    }
    out[c] = p;
    if (!withVelocity) out[c + 3] = v / radius;
  }
  if (withVelocity) {
    for (let c = 0; c < 3; c++) {
      let t0 = 1, t1 = s;
      const base = off + (c + 3) * n;
      let v = data[base]!;
      if (n > 1) v += data[base + 1]! * t1;
      for (let k = 2; k < n; k++) { const t2 = 2 * s * t1 - t0; v += data[base + k]! * t2; t0 = t1; t1 = t2; }
      out[c + 3] = v;
    }
  }
}

/** Evaluator for a type 2 or 3 segment's data. */
function chebyshevSegment(data: Float64Array, where: string, type: 2 | 3): (et: number, out: Float64Array) => void {
  const len = data.length;
  if (len < 4) throw new InputError(`${where}: type ${type} segment of ${len} doubles has no directory`);
  const init = data[len - 4]!;
  const intlen = data[len - 3]!;
  const rsize = data[len - 2]!;
  const n = data[len - 1]!;
  const per = type === 2 ? 3 : 6;
  const ncoef = (rsize - 2) / per;
  if (!(intlen > 0) || !Number.isInteger(rsize) || !Number.isInteger(n) || n < 1 || !Number.isInteger(ncoef) || ncoef < 1 || rsize * n + 4 !== len) {
    throw new InputError(`${where}: type ${type} directory (INIT ${init}, INTLEN ${intlen}, RSIZE ${rsize}, N ${n}) does not match the segment's ${len} doubles`);
  }
  return (et, out) => {
    let i = Math.floor((et - init) / intlen);
    if (i < 0) i = 0; else if (i >= n) i = n - 1;
    const off = i * rsize;
    const mid = data[off]!;
    const radius = data[off + 1]!;
    chebyshev(data, off + 2, ncoef, (et - mid) / radius, radius, out, type === 3);
  };
}

/** Evaluator for a type 13 segment's data. */
function hermiteSegment(data: Float64Array, where: string): (et: number, out: Float64Array) => void {
  const len = data.length;
  const n = data[len - 1]!;
  const window = (data[len - 2] ?? NaN) + 1;
  const dirSize = Math.floor((n - 1) / 100);
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(window) || window < 1 || 7 * n + dirSize + 2 !== len) {
    throw new InputError(`${where}: type 13 trailer (window size ${window}, N ${n}) does not match the segment's ${len} doubles`);
  }
  const epochs = data.subarray(6 * n, 7 * n);
  const w = Math.min(window, n);
  const cols = [0, 1, 2, 3, 4, 5].map((c) => { const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = data[6 * i + c]!; return a; });
  const xs = new Float64Array(w);
  return (et, out) => {
    // Last epoch ≤ et (binary search); the window is centred on the request (spkr13: an even window takes
    // w/2 states on each side, an odd one centres on the nearest state), clamped to the segment.
    let lo = 0, hi = n - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (epochs[mid]! <= et) lo = mid; else hi = mid - 1; }
    let first: number;
    if (w % 2 === 0) first = lo - w / 2 + 1;
    else {
      const nearest = lo + 1 < n && epochs[lo + 1]! - et < et - epochs[lo]! ? lo + 1 : lo;
      first = nearest - (w - 1) / 2;
    }
    first = Math.max(0, Math.min(n - w, first));
    const t0 = epochs[first]!;
    for (let i = 0; i < w; i++) xs[i] = epochs[first + i]! - t0;
    for (let c = 0; c < 3; c++) {
      const [p, v] = hermite(xs, cols[c]!.subarray(first, first + w), cols[c + 3]!.subarray(first, first + w), 0, w, et - t0);
      out[c] = p;
      out[c + 3] = v;
    }
  };
}

/**
 * Read an SPK kernel held in memory.
 * @throws InputError (file and byte offset) for a file that is not an SPK DAF or is damaged/truncated.
 */
export function readSpk(bytes: Uint8Array, file: string): SpkKernel {
  const daf = readDaf(bytes, file);
  if (daf.idWord !== 'DAF/SPK' && daf.idWord !== 'NAIF/DAF') throw new InputError(`${file}: a ${daf.idWord} file, not an SPK kernel (DAF/SPK)`);
  if (daf.nd !== 2 || daf.ni !== 6) throw new InputError(`${file}: ND ${daf.nd}, NI ${daf.ni}: an SPK has ND 2, NI 6`);
  const segments = daf.summaries.map((s, k): SpkSegment => {
    const [target, center, frame, type, first, last] = s.ints as [number, number, number, number, number, number];
    const where = `${file}: segment ${k + 1} "${s.name}" (body ${target} from ${center}, type ${type})`;
    if (!(last >= first) || last * 8 > bytes.length) {
      throw new InputError(`${where}: data at addresses ${first}..${last} end at byte ${last * 8}, beyond the file's ${bytes.length} bytes: truncated`);
    }
    let evaluate: ((et: number, out: Float64Array) => void) | undefined;
    const load = (): ((et: number, out: Float64Array) => void) => {
      if (evaluate) return evaluate;
      if (frame !== J2000_FRAME_ID) throw new InputError(`${where}: frame ${frame} is not J2000 (1); only J2000/ICRF segments are evaluated`);
      const data = daf.readDoubles(first, last);
      if (type === 2 || type === 3) evaluate = chebyshevSegment(data, where, type);
      else if (type === 13) evaluate = hermiteSegment(data, where);
      else throw new InputError(`${where}: SPK type ${type} is not supported (types ${SPK_TYPES.join(', ')})`);
      return evaluate;
    };
    return { file, name: s.name, target, center, frame, type, startEt: s.doubles[0]!, endEt: s.doubles[1]!, first, last, state: (et, out) => load()(et, out) };
  });
  return { file, daf, segments };
}

/**
 * Check an SPK kernel: every segment is read and evaluated at its start, middle and end (so a truncated or
 * inconsistent segment is found now, not during a run). Returns one line per problem (empty when valid).
 */
export function checkSpk(bytes: Uint8Array, file: string): string[] {
  let kernel: SpkKernel;
  try {
    kernel = readSpk(bytes, file);
  } catch (e) {
    if (e instanceof InputError) return [e.message];
    throw e;
  }
  const problems: string[] = [];
  const out = new Float64Array(6);
  if (kernel.segments.length === 0) problems.push(`${file}: no segments`);
  for (const s of kernel.segments) {
    if (!(s.endEt >= s.startEt)) problems.push(`${file}: segment "${s.name}": stop ${s.endEt} before start ${s.startEt}`);
    try {
      for (const et of [s.startEt, (s.startEt + s.endEt) / 2, s.endEt]) {
        s.state(et, out);
        if (!out.every(Number.isFinite)) { problems.push(`${file}: segment "${s.name}" (body ${s.target}): non-finite state at ET ${et}`); break; }
      }
    } catch (e) {
      if (e instanceof InputError) problems.push(e.message); else throw e;
    }
  }
  return problems;
}
