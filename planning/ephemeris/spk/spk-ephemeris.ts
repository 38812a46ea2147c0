/**
 * @module A spacecraft ephemeris from SPK kernels (typically a type 13 segment of the spacecraft relative to
 * its central body): states of `target` relative to `center` through the loaded set (chaining when the
 * kernels relate them only through other bodies), J2000 = ICRF-aligned, read as idoc's GCRF.
 */
import { InputError } from '../../../src/errors.js';
import type { UnixMs } from '../../geometry/types.js';
import { isoUtc } from '../epoch.js';
import type { CoverageSpan, Ephemeris, StateResult } from '../types.js';
import { etToUtc, utcToEt } from './et.js';
import type { SpkSet } from './spk-set.js';

/**
 * The ephemeris of `target` from `set`, relative to `center` (default: the centre of the target's first
 * segment). Coverage is the union of the target's segments.
 * @throws InputError when no loaded kernel has a segment for `target`.
 */
export function spkEphemeris(set: SpkSet, target: number, center?: number): Ephemeris {
  const segs = set.kernels.flatMap((k) => k.segments.filter((s) => s.target === target));
  if (segs.length === 0) {
    const bodies = [...new Set(set.kernels.flatMap((k) => k.segments.map((s) => s.target)))].join(', ');
    throw new InputError(`no SPK segment for body ${target} in ${set.kernels.map((k) => k.file).join(', ')} (bodies: ${bodies})`);
  }
  const c = center ?? segs[0]!.center;
  const spans = segs.map((s) => ({ start: etToUtc(s.startEt), end: etToUtc(s.endEt), where: `${s.file}: segment "${s.name}"` })).sort((a, b) => a.start - b.start);
  const coverage: CoverageSpan[] = [];
  for (const s of spans) {
    const last = coverage.at(-1);
    if (last && s.start <= last.end) coverage[coverage.length - 1] = { ...last, end: Math.max(last.end, s.end) };
    else coverage.push(s);
  }
  const out = new Float64Array(6);
  const source = segs[0]!.file;
  return {
    source, kind: 'spk', objectName: String(target), objectId: String(target), frame: 'GCRF', coverage, centerName: String(c),
    stateAt(t: UnixMs): StateResult {
      if (!coverage.some((s) => t >= s.start && t <= s.end)) {
        return { ok: false, reason: 'outside-coverage', message: `${source}: ${isoUtc(t)} is outside the SPK coverage of body ${target}: ${coverage.map((s) => `${isoUtc(s.start)}…${isoUtc(s.end)}`).join(', ')}` };
      }
      set.state(target, c, utcToEt(t), out);
      return { ok: true, state: { t, frame: 'GCRF', r: { x: out[0]!, y: out[1]!, z: out[2]! }, v: { x: out[3]!, y: out[4]!, z: out[5]! } } };
    },
  };
}
