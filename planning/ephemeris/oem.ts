/**
 * @module An ephemeris from a parsed OEM: each segment interpolated as it declares (Lagrange or Hermite of
 * its degree, see interpolate.ts), never across segments (formats.md §7.1: a segment boundary may be a
 * manoeuvre) and never beyond a segment's usable span: USEABLE_START/STOP_TIME when given, else
 * START/STOP_TIME, and in any case not beyond its first and last state (no extrapolation).
 *
 * Nor across a gap inside a segment: a step between two states much longer than the sampling around it
 * (more than `maxGapSteps` times both the segment's median step and the shorter neighbouring step; default
 * {@link DEFAULT_MAX_GAP_STEPS}) is a coverage hole. The segment is split there into runs of states; each run
 * is interpolated from its own states only, and an instant inside the hole has no state. The neighbour test
 * keeps variable-step ephemerides (longer steps near apocentre) whole.
 */
import { InputError } from '../../src/errors.js';
import { convertState } from '../geometry/frames.js';
import type { StateVector, UnixMs } from '../geometry/types.js';
import { hermiteCoefficients, hermiteEval, windowStartIn } from './interpolate.js';
import type { OemMessage, OemSegment } from './oem-segment.js';
import type { CoverageSpan, Ephemeris, EphemerisOptions, StateResult } from './types.js';
import { isoUtc } from './epoch.js';

interface Span extends CoverageSpan {
  readonly seg: OemSegment;
  /** The run of states [lo, hi) the span interpolates from. */
  readonly lo: number;
  readonly hi: number;
}

/** Default of {@link EphemerisOptions.maxGapSteps}. */
export const DEFAULT_MAX_GAP_STEPS = 5;

/**
 * Coverage holes inside a segment: indices i where the step t[i] → t[i+1] is longer than `maxGapSteps`
 * times the median step and times the shorter of the neighbouring steps.
 */
export function segmentHoles(t: ArrayLike<number>, maxGapSteps = DEFAULT_MAX_GAP_STEPS): number[] {
  const n = t.length;
  if (n < 3) return [];
  const dt = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) dt[i] = t[i + 1]! - t[i]!;
  const median = Float64Array.from(dt).sort()[(n - 1) >> 1]!;
  const holes: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    const near = Math.min(i > 0 ? dt[i - 1]! : Infinity, i < n - 2 ? dt[i + 1]! : Infinity);
    if (dt[i]! > maxGapSteps * median && dt[i]! > maxGapSteps * near) holes.push(i);
  }
  return holes;
}

/** The usable span of a segment (see the module comment). */
export function segmentSpan(seg: OemSegment): { start: UnixMs; end: UnixMs } {
  const m = seg.metadata;
  return {
    start: Math.max(m.useableStartTime ?? m.startTime, seg.t[0]!),
    end: Math.min(m.useableStopTime ?? m.stopTime, seg.t[seg.t.length - 1]!),
  };
}

/**
 * The interpolation window last used in a segment: its first state and, for Hermite, the Newton coefficients of
 * the three position polynomials (formed once, then reused for every instant inside the window: an event search
 * asks for many instants between two states); for Lagrange the node times. No allocation per instant.
 */
interface WindowCache {
  start: number;
  count: number;
  x0: number;
  /** Node times, seconds from x0 (Hermite: doubled nodes). */
  readonly z: Float64Array;
  /** Hermite: 3 × 2·count Newton coefficients (x, y, z). */
  readonly q: Float64Array;
  /** Lagrange basis values at the instant. */
  readonly w: Float64Array;
  readonly out: Float64Array;
}
const windows = new WeakMap<OemSegment, WindowCache>();

function windowCache(seg: OemSegment, count: number): WindowCache {
  let c = windows.get(seg);
  if (!c || c.z.length < 2 * count) {
    c = { start: -1, count: 0, x0: 0, z: new Float64Array(2 * count), q: new Float64Array(6 * count), w: new Float64Array(count), out: new Float64Array(6) };
    windows.set(seg, c);
  }
  return c;
}

/** Interpolate a segment at `t` (which must lie within its states), from the run of states [lo, hi) only. */
export function interpolateSegment(seg: OemSegment, t: UnixMs, lo = 0, hi = seg.t.length): StateVector {
  const { method, degree } = seg.metadata.interpolation;
  const n = hi - lo;
  // Times relative to the window's first sample, in seconds.
  if (method === 'HERMITE') {
    const count = Math.min(n, Math.max(1, Math.ceil((degree + 1) / 2)));
    const start = windowStartIn(seg.t, lo, hi, t, count);
    const c = windowCache(seg, count);
    const m = 2 * count;
    if (c.start !== start || c.count !== count) {
      c.start = start;
      c.count = count;
      c.x0 = seg.t[start]!;
      // Node times in seconds from x0, exactly as the per-instant form computed them.
      const xs = c.w;
      for (let i = 0; i < count; i++) xs[i] = (seg.t[start + i]! - c.x0) / 1000;
      hermiteCoefficients(xs, 0, seg.x, seg.vx, start, count, c.z, c.q, 0);
      hermiteCoefficients(xs, 0, seg.y, seg.vy, start, count, c.z, c.q, m);
      hermiteCoefficients(xs, 0, seg.z, seg.vz, start, count, c.z, c.q, 2 * m);
    }
    const s = (t - c.x0) / 1000;
    const o = c.out;
    hermiteEval(c.z, c.q, 0, m, s, o, 0);
    hermiteEval(c.z, c.q, m, m, s, o, 2);
    hermiteEval(c.z, c.q, 2 * m, m, s, o, 4);
    return { t, frame: seg.metadata.frame, r: { x: o[0]!, y: o[2]!, z: o[4]! }, v: { x: o[1]!, y: o[3]!, z: o[5]! } };
  }
  const count = Math.min(n, degree + 1);
  const start = windowStartIn(seg.t, lo, hi, t, count);
  const c = windowCache(seg, count);
  const xs = c.z;
  if (c.start !== start || c.count !== count) {
    c.start = start;
    c.count = count;
    c.x0 = seg.t[start]!;
    for (let i = 0; i < count; i++) xs[i] = (seg.t[start + i]! - c.x0) / 1000;
  }
  const s = (t - c.x0) / 1000;
  // The Lagrange basis at s, formed once for the six components (same products, same order as lagrange()).
  const w = c.w;
  for (let i = 0; i < count; i++) {
    let wi = 1;
    const xi = xs[i]!;
    for (let j = 0; j < count; j++) if (j !== i) wi *= (s - xs[j]!) / (xi - xs[j]!);
    w[i] = wi;
  }
  const li = (a: Float64Array): number => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += w[i]! * a[start + i]!;
    return sum;
  };
  return {
    t, frame: seg.metadata.frame,
    r: { x: li(seg.x), y: li(seg.y), z: li(seg.z) },
    v: { x: li(seg.vx), y: li(seg.vy), z: li(seg.vz) },
  };
}

/**
 * An ephemeris from an OEM. States come in the first segment's frame (other segments are converted).
 * @throws InputError when a segment is not Earth-centred, or the file holds several objects and `object`
 * does not choose one.
 */
export function oemEphemeris(msg: OemMessage, file: string, options: EphemerisOptions = {}): Ephemeris {
  const ids = [...new Set(msg.segments.map((s) => s.metadata.objectId))];
  let segs = msg.segments;
  if (options.object !== undefined) {
    const want = options.object.toUpperCase();
    segs = segs.filter((s) => s.metadata.objectId.toUpperCase() === want || s.metadata.objectName.toUpperCase() === want);
    if (segs.length === 0) throw new InputError(`${file}: no segment for object "${options.object}" (objects: ${ids.join(', ')})`);
  } else if (ids.length > 1) {
    throw new InputError(`${file}: holds ${ids.length} objects (${ids.join(', ')}); choose one with --object`);
  }
  const center = segs[0]!.metadata.centerName.toUpperCase();
  for (const s of segs) {
    if (options.anyCenter && s.metadata.centerName.toUpperCase() !== center) throw new InputError(`${file}:${s.line}: CENTER_NAME ${s.metadata.centerName} differs from the first segment's ${center}`);
    if (!options.anyCenter && s.metadata.centerName.toUpperCase() !== 'EARTH') {
      throw new InputError(`${file}:${s.line}: CENTER_NAME ${s.metadata.centerName}: only Earth-centred ephemerides are supported for geometry`);
    }
  }
  const frame = segs[0]!.metadata.frame;
  const spans: Span[] = segs
    .flatMap((seg) => {
      const span = segmentSpan(seg);
      const cuts = [-1, ...segmentHoles(seg.t, options.maxGapSteps), seg.t.length - 1];
      const runs: Span[] = [];
      for (let k = 0; k + 1 < cuts.length; k++) {
        const lo = cuts[k]! + 1;
        const hi = cuts[k + 1]! + 1;
        if (hi - lo < 2) continue; // a lone state between two holes: nothing to interpolate
        const start = Math.max(span.start, seg.t[lo]!);
        const end = Math.min(span.end, seg.t[hi - 1]!);
        const where = cuts.length > 2 ? `${file}:${seg.lines[lo]}-${seg.lines[hi - 1]}` : `${file}:${seg.line}`;
        if (end >= start) runs.push({ start, end, where, seg, lo, hi });
      }
      return runs;
    })
    .sort((a, b) => a.start - b.start);
  let last = spans[0];
  const find = (t: UnixMs): Span | undefined => {
    if (last && t >= last.start && t <= last.end) return last;
    for (const s of spans) if (t >= s.start && t <= s.end) return (last = s);
    return undefined;
  };
  const first = segs[0]!.metadata;
  return {
    source: file,
    kind: 'oem',
    centerName: center,
    objectName: first.objectName,
    objectId: first.objectId,
    frame,
    coverage: spans.map(({ start, end, where }) => ({ start, end, where })),
    stateAt(t: UnixMs): StateResult {
      const s = find(t);
      if (!s) {
        const list = spans.map((c) => `${isoUtc(c.start)}…${isoUtc(c.end)} (${c.where})`).join(', ');
        const before = spans.filter((c) => c.end < t).at(-1);
        const after = spans.find((c) => c.start > t);
        if (before && after && before.seg === after.seg) {
          const step = (after.seg.t[after.lo]! - before.seg.t[before.hi - 1]!) / 1000;
          return {
            ok: false, reason: 'outside-coverage',
            message: `${file}: ${isoUtc(t)} is in a coverage hole: no states between line ${before.seg.lines[before.hi - 1]} (${isoUtc(before.end)}) and line ${after.seg.lines[after.lo]} (${isoUtc(after.start)}), a ${step} s gap in a segment sampled more finely; not interpolated across`,
          };
        }
        return { ok: false, reason: 'outside-coverage', message: `${file}: ${isoUtc(t)} is outside the usable spans: ${list}` };
      }
      const st = interpolateSegment(s.seg, t, s.lo, s.hi);
      return { ok: true, state: st.frame === frame ? st : convertState(st, frame) };
    },
  };
}
