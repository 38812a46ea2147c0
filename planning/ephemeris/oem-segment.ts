/**
 * @module The format-independent part of reading an OEM (CCSDS 502.0-B-2/-B-3 §5): checking a segment's
 * metadata (§5.2.3, table 5-3) and its ephemeris data lines (§5.2.4), converting epochs to UTC. Both the KVN
 * and the XML readers hand their raw keywords and rows here, each with a line number for messages.
 */
import { InputError } from '../../src/errors.js';
import type { UnixMs } from '../geometry/types.js';
import type { InertialFrame } from '../geometry/types.js';
import { TIME_SYSTEMS, parseEpochMs, toUtcMs, type TimeSystem } from './epoch.js';

/** A keyword value and where it was read. */
export interface Located { readonly value: string; readonly line: number }

/** One ephemeris data line before checking: epoch text and numbers. */
export interface RawRow { readonly epoch: string; readonly values: readonly string[]; readonly line: number }

/** Interpolation as declared (§5.2.3: INTERPOLATION, INTERPOLATION_DEGREE). */
export interface OemInterpolation {
  readonly method: 'LAGRANGE' | 'HERMITE' | 'LINEAR';
  readonly degree: number;
  /** True when the file did not declare it and idoc's default is used. */
  readonly defaulted: boolean;
}

/** Segment metadata (§5.2.3). Times are Unix ms UTC, converted from TIME_SYSTEM. */
export interface OemMetadata {
  readonly objectName: string;
  readonly objectId: string;
  readonly centerName: string;
  /** REF_FRAME as written (EME2000, GCRF, ICRF, ITRF-93, TEME…). */
  readonly refFrame: string;
  /** The frame idoc reads it as. */
  readonly frame: InertialFrame | 'ITRF';
  readonly timeSystem: TimeSystem;
  readonly startTime: UnixMs;
  readonly stopTime: UnixMs;
  readonly useableStartTime?: UnixMs;
  readonly useableStopTime?: UnixMs;
  readonly interpolation: OemInterpolation;
}

/** A checked segment: metadata and states as columns. */
export interface OemSegment {
  readonly metadata: OemMetadata;
  /** Line of META_START (KVN) or `<segment>` (XML). */
  readonly line: number;
  /** Epochs, Unix ms UTC, strictly increasing. */
  readonly t: Float64Array;
  /** Position components, km. */
  readonly x: Float64Array; readonly y: Float64Array; readonly z: Float64Array;
  /** Velocity components, km/s. */
  readonly vx: Float64Array; readonly vy: Float64Array; readonly vz: Float64Array;
  /** Line of each state, for messages. */
  readonly lines: Uint32Array;
  /** Covariance blocks skipped. */
  readonly covarianceSkipped: number;
}

/** A parsed OEM. */
export interface OemMessage {
  readonly format: 'kvn' | 'xml';
  /** CCSDS_OEM_VERS (KVN) or the `version` attribute (XML): "2.0" or "3.0". */
  readonly version: string;
  readonly originator: string;
  readonly creationDate: string;
  readonly segments: readonly OemSegment[];
}

/** When a file declares no interpolation: Hermite of degree 7 (4 samples), as in the CCSDS example. */
export const DEFAULT_INTERPOLATION: OemInterpolation = { method: 'HERMITE', degree: 7, defaulted: true };

/** REF_FRAME values (SANA registry names) and how idoc reads them. */
export function frameOf(refFrame: string): InertialFrame | 'ITRF' | undefined {
  const f = refFrame.toUpperCase();
  if (f === 'EME2000' || f === 'GCRF' || f === 'ICRF' || f === 'J2000') return 'GCRF';
  if (f === 'TEME') return 'TEME';
  if (/^ITRF(-?\d{2,4})?$/.test(f) || f === 'ITRF_2020' || f === 'ITRF2020') return 'ITRF';
  return undefined;
}

/** Check the header version. */
export function checkVersion(version: Located | undefined, file: string, fallbackLine: number): string {
  if (!version) throw new InputError(`${file}:${fallbackLine}: missing CCSDS_OEM_VERS`);
  const v = version.value.trim();
  if (v !== '2.0' && v !== '3.0') throw new InputError(`${file}:${version.line}: CCSDS_OEM_VERS ${v} not supported (2.0 or 3.0)`);
  return v;
}

const REQUIRED = ['OBJECT_NAME', 'OBJECT_ID', 'CENTER_NAME', 'REF_FRAME', 'TIME_SYSTEM', 'START_TIME', 'STOP_TIME'] as const;

/**
 * Check one segment and convert it.
 * @throws InputError naming `file:line` for a missing keyword, an unsupported value, a malformed data line,
 * epochs out of order or outside START_TIME…STOP_TIME.
 */
export function buildSegment(meta: ReadonlyMap<string, Located>, rows: readonly RawRow[], file: string, line: number, covarianceSkipped: number): OemSegment {
  for (const k of REQUIRED) {
    if (!meta.has(k) || meta.get(k)!.value.trim() === '') throw new InputError(`${file}:${line}: segment metadata lacks ${k}`);
  }
  const get = (k: string) => meta.get(k)!;
  const ts = get('TIME_SYSTEM');
  const scale = ts.value.trim().toUpperCase() as TimeSystem;
  if (!TIME_SYSTEMS.includes(scale)) {
    throw new InputError(`${file}:${ts.line}: TIME_SYSTEM ${ts.value} not supported (${TIME_SYSTEMS.join(', ')})`);
  }
  const rf = get('REF_FRAME');
  const frame = frameOf(rf.value.trim());
  if (!frame) throw new InputError(`${file}:${rf.line}: REF_FRAME ${rf.value} not supported (EME2000, GCRF, ICRF, TEME, ITRF…)`);
  if (meta.has('REF_FRAME_EPOCH') && frame !== 'GCRF') {
    // REF_FRAME_EPOCH only matters for frames of date, which idoc does not read.
    const e = get('REF_FRAME_EPOCH');
    throw new InputError(`${file}:${e.line}: REF_FRAME_EPOCH with ${rf.value} not supported`);
  }
  const time = (k: string): UnixMs | undefined => {
    const v = meta.get(k);
    if (!v) return undefined;
    const ms = parseEpochMs(v.value);
    if (ms === undefined) throw new InputError(`${file}:${v.line}: ${k} "${v.value}" is not a CCSDS epoch (YYYY-MM-DDThh:mm:ss or YYYY-DDDThh:mm:ss)`);
    return toUtcMs(ms, scale);
  };
  const startTime = time('START_TIME')!;
  const stopTime = time('STOP_TIME')!;
  if (stopTime < startTime) throw new InputError(`${file}:${get('STOP_TIME').line}: STOP_TIME before START_TIME`);
  const useableStartTime = time('USEABLE_START_TIME');
  const useableStopTime = time('USEABLE_STOP_TIME');
  let interpolation = DEFAULT_INTERPOLATION;
  const im = meta.get('INTERPOLATION');
  if (im) {
    const method = im.value.trim().toUpperCase();
    if (method !== 'LAGRANGE' && method !== 'HERMITE' && method !== 'LINEAR') {
      throw new InputError(`${file}:${im.line}: INTERPOLATION ${im.value} not supported (LAGRANGE, HERMITE, LINEAR)`);
    }
    const dm = meta.get('INTERPOLATION_DEGREE');
    let degree = method === 'LINEAR' ? 1 : method === 'HERMITE' ? 7 : 7;
    if (dm) {
      degree = Number(dm.value);
      if (!Number.isInteger(degree) || degree < 1 || degree > 32) throw new InputError(`${file}:${dm.line}: INTERPOLATION_DEGREE ${dm.value} must be an integer 1..32`);
    } else if (method !== 'LINEAR') {
      throw new InputError(`${file}:${im.line}: INTERPOLATION ${method} without INTERPOLATION_DEGREE`);
    }
    interpolation = { method, degree, defaulted: false };
  }
  const n = rows.length;
  if (n < 2) throw new InputError(`${file}:${line}: segment has ${n} ephemeris data line${n === 1 ? '' : 's'}; at least 2 are needed to interpolate`);
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)] as const;
  const t = new Float64Array(n);
  const lines = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    const ms = parseEpochMs(row.epoch);
    if (ms === undefined) throw new InputError(`${file}:${row.line}: epoch "${row.epoch}" is not a CCSDS epoch`);
    if (row.values.length !== 6 && row.values.length !== 9) {
      throw new InputError(`${file}:${row.line}: ephemeris data line has ${row.values.length} numbers after the epoch, expected 6 (or 9 with accelerations)`);
    }
    for (let k = 0; k < 6; k++) {
      const v = Number(row.values[k]);
      if (!Number.isFinite(v) || row.values[k]!.trim() === '') throw new InputError(`${file}:${row.line}: "${row.values[k]}" is not a number`);
      cols[k]![i] = v;
    }
    t[i] = toUtcMs(ms, scale);
    lines[i] = row.line;
    if (i > 0 && t[i]! <= t[i - 1]!) {
      throw new InputError(`${file}:${row.line}: epoch ${row.epoch} is not after the previous state's (line ${rows[i - 1]!.line}): epochs out of order`);
    }
    // 1 µs slack for rounding of the epochs' decimal seconds.
    if (t[i]! < startTime - 1e-3 || t[i]! > stopTime + 1e-3) {
      throw new InputError(`${file}:${row.line}: epoch ${row.epoch} outside START_TIME…STOP_TIME of its segment (line ${line})`);
    }
  }
  const metadata: OemMetadata = {
    objectName: get('OBJECT_NAME').value.trim(),
    objectId: get('OBJECT_ID').value.trim(),
    centerName: get('CENTER_NAME').value.trim(),
    refFrame: rf.value.trim(),
    frame,
    timeSystem: scale,
    startTime,
    stopTime,
    ...(useableStartTime !== undefined ? { useableStartTime } : {}),
    ...(useableStopTime !== undefined ? { useableStopTime } : {}),
    interpolation,
  };
  return { metadata, line, t, x: cols[0], y: cols[1], z: cols[2], vx: cols[3], vy: cols[4], vz: cols[5], lines, covarianceSkipped };
}
