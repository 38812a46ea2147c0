/**
 * @module The format-independent part of reading an OEM (CCSDS 502.0-B-2/-B-3 §5): checking a segment's
 * metadata (§5.2.3, table 5-3) and its ephemeris data lines (§5.2.4), converting epochs to UTC. Both the KVN
 * and the XML readers hand their raw keywords and rows here, each with a line number for messages.
 */
import { InputError, type Problem } from '../../src/errors.js';
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

/** Text from a file made safe for a one-line message: control characters and undecodable bytes become `?`. */
export const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f\ufffd]/g, '?');

/**
 * An InputError from an ephemeris reader. It prints as one line when there is one problem (its message);
 * `located` always lists every problem with its `file:line`, for `idoc orbit check`.
 */
export class EphemerisInputError extends InputError {
  constructor(message: string, readonly located: readonly Problem[]) {
    super(message, located.length > 1 ? located : []);
  }
}

/** An error at `file:line` (one problem). */
export function oemError(file: string, line: number, message: string): InputError {
  const m = printable(message);
  return new EphemerisInputError(`${file}:${line}: ${m}`, [{ code: 'oem', path: `${file}:${line}`, message: m }]);
}

/** Every problem an error carries (`located`, else its problems, else its message read as `where: what`). */
export function problemsOf(e: InputError): Problem[] {
  if (e instanceof EphemerisInputError) return [...e.located];
  if (e.problems.length) return [...e.problems];
  const m = /^(.*?:\d+(?:-\d+)?): (.*)$/s.exec(e.message);
  return [{ code: 'input', path: m ? m[1]! : e.message.replace(/: .*$/s, ''), message: m ? m[2]! : e.message.replace(/^[^ ]*: /, '') }];
}

/** One error from several problems, sorted by line: the first as the message, all listed when several. */
export function oemProblemsError(problems: readonly Problem[]): InputError {
  const lineOf = (p: Problem) => Number(/:(\d+)$/.exec(p.path)?.[1] ?? 0);
  const sorted = [...problems].sort((a, b) => lineOf(a) - lineOf(b));
  const first = sorted[0]!;
  return new EphemerisInputError(`${first.path}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, sorted);
}

/** Versions read: 1.0 (502.0-B-1), 2.0 (502.0-B-2), 3.0 (502.0-B-3). */
export const OEM_VERSIONS = ['1.0', '2.0', '3.0'] as const;

/** Check the header version. */
export function checkVersion(version: Located | undefined, file: string, fallbackLine: number): string {
  if (!version) throw oemError(file, fallbackLine, 'missing CCSDS_OEM_VERS');
  const v = version.value.trim();
  if (!(OEM_VERSIONS as readonly string[]).includes(v)) throw oemError(file, version.line, `CCSDS_OEM_VERS ${v} not supported (${OEM_VERSIONS.join(', ')})`);
  return v;
}

/**
 * Header keywords in their fixed order (502.0-B-2 §5.2.2 table 5-2; 502.0-B-3 adds CLASSIFICATION before
 * CREATION_DATE and MESSAGE_ID after ORIGINATOR). CCSDS_OEM_VERS comes first and COMMENT lines only right
 * after it.
 */
export function headerOrder(version: string): readonly string[] {
  return version === '3.0'
    ? ['CCSDS_OEM_VERS', 'CLASSIFICATION', 'CREATION_DATE', 'ORIGINATOR', 'MESSAGE_ID']
    : ['CCSDS_OEM_VERS', 'CREATION_DATE', 'ORIGINATOR'];
}

/** Metadata keywords in their fixed order (502.0-B-2 §5.2.3 table 5-3, unchanged in -B-3). */
export const METADATA_ORDER = [
  'OBJECT_NAME', 'OBJECT_ID', 'CENTER_NAME', 'REF_FRAME', 'REF_FRAME_EPOCH', 'TIME_SYSTEM', 'START_TIME',
  'USEABLE_START_TIME', 'USEABLE_STOP_TIME', 'STOP_TIME', 'INTERPOLATION', 'INTERPOLATION_DEGREE',
] as const;

/**
 * Check that keywords (in the order read) are known and in the standard's order.
 * @throws InputError at the first unknown or misplaced keyword.
 */
export function checkKeywordOrder(keys: ReadonlyMap<string, Located>, order: readonly string[], what: string, file: string): void {
  let last = -1;
  let lastKey = '';
  for (const [k, v] of keys) {
    const i = order.indexOf(k);
    if (i < 0) throw oemError(file, v.line, `${k} is not a ${what} keyword (${order.join(', ')})`);
    if (i < last) throw oemError(file, v.line, `${k} out of order: it must come before ${lastKey} (fixed ${what} keyword order, CCSDS 502.0-B-2 §5.2)`);
    last = i;
    lastKey = k;
  }
}

const REQUIRED = ['OBJECT_NAME', 'OBJECT_ID', 'CENTER_NAME', 'REF_FRAME', 'TIME_SYSTEM', 'START_TIME', 'STOP_TIME'] as const;

/**
 * The 21 lower-triangle elements of a 6×6 position/velocity covariance (502.0-B-2 §5.2.5, table 5-5), in the
 * XML element names of 505.0-B-2; KVN writes them as 6 rows of 1…6 numbers.
 */
export const COVARIANCE_XML_KEYS = [
  'CX_X', 'CY_X', 'CY_Y', 'CZ_X', 'CZ_Y', 'CZ_Z', 'CX_DOT_X', 'CX_DOT_Y', 'CX_DOT_Z', 'CX_DOT_X_DOT',
  'CY_DOT_X', 'CY_DOT_Y', 'CY_DOT_Z', 'CY_DOT_X_DOT', 'CY_DOT_Y_DOT',
  'CZ_DOT_X', 'CZ_DOT_Y', 'CZ_DOT_Z', 'CZ_DOT_X_DOT', 'CZ_DOT_Y_DOT', 'CZ_DOT_Z_DOT',
] as const;

/** One covariance matrix as read: its EPOCH, its rows (KVN: 6 lines of 1…6 numbers), with lines. */
export interface RawCovariance {
  readonly epoch?: Located;
  readonly rows: readonly { readonly values: readonly string[]; readonly line: number }[];
  /** Line of the block (COVARIANCE_START / `<covarianceMatrix>`). */
  readonly line: number;
}

/**
 * Check one covariance matrix (502.0-B-2 §5.2.5): an EPOCH in CCSDS format, 6 rows of 1, 2, … 6 numbers
 * (lower triangle), every number finite, variances (the diagonal) not negative.
 * @throws InputError naming the offending line.
 */
export function checkCovariance(cov: RawCovariance, file: string): void {
  if (!cov.epoch) throw oemError(file, cov.line, 'covariance matrix without EPOCH');
  if (parseEpochMs(cov.epoch.value) === undefined) throw oemError(file, cov.epoch.line, `covariance EPOCH "${cov.epoch.value}" is not a CCSDS epoch`);
  if (cov.rows.length !== 6) throw oemError(file, cov.rows.at(-1)?.line ?? cov.line, `covariance matrix has ${cov.rows.length} rows, expected 6 (lower triangle of a 6×6 matrix)`);
  cov.rows.forEach((row, i) => {
    if (row.values.length !== i + 1) throw oemError(file, row.line, `covariance row ${i + 1} has ${row.values.length} numbers, expected ${i + 1} (lower triangle)`);
    row.values.forEach((v, j) => {
      const x = Number(v);
      if (v.trim() === '' || !Number.isFinite(x)) throw oemError(file, row.line, `covariance element "${v}" is not a number`);
      if (j === i && x < 0) throw oemError(file, row.line, `covariance variance (row ${i + 1} diagonal) ${v} is negative`);
    });
  });
}

/**
 * Check one segment and convert it.
 * @throws InputError naming `file:line` for a missing keyword, an unsupported value, a malformed data line,
 * epochs out of order or outside START_TIME…STOP_TIME.
 */
export function buildSegment(meta: ReadonlyMap<string, Located>, rows: readonly RawRow[], file: string, line: number, covarianceSkipped: number): OemSegment {
  checkKeywordOrder(meta, METADATA_ORDER, 'metadata', file);
  for (const k of REQUIRED) {
    if (!meta.has(k) || meta.get(k)!.value.trim() === '') throw oemError(file, line, `segment metadata lacks ${k}`);
  }
  const get = (k: string) => meta.get(k)!;
  const ts = get('TIME_SYSTEM');
  const scale = ts.value.trim().toUpperCase() as TimeSystem;
  if (!TIME_SYSTEMS.includes(scale)) {
    throw oemError(file, ts.line, `TIME_SYSTEM ${ts.value} not supported (${TIME_SYSTEMS.join(', ')})`);
  }
  const rf = get('REF_FRAME');
  const frame = frameOf(rf.value.trim());
  if (!frame) throw oemError(file, rf.line, `REF_FRAME ${rf.value} not supported (EME2000, GCRF, ICRF, TEME, ITRF…)`);
  if (meta.has('REF_FRAME_EPOCH') && frame !== 'GCRF') {
    // REF_FRAME_EPOCH only matters for frames of date, which idoc does not read.
    const e = get('REF_FRAME_EPOCH');
    throw oemError(file, e.line, `REF_FRAME_EPOCH with ${rf.value} not supported`);
  }
  const time = (k: string): UnixMs | undefined => {
    const v = meta.get(k);
    if (!v) return undefined;
    const ms = parseEpochMs(v.value);
    if (ms === undefined) throw oemError(file, v.line, `${k} "${v.value}" is not a CCSDS epoch (YYYY-MM-DDThh:mm:ss or YYYY-DDDThh:mm:ss)`);
    return toUtcMs(ms, scale);
  };
  const startTime = time('START_TIME')!;
  const stopTime = time('STOP_TIME')!;
  if (stopTime < startTime) throw oemError(file, get('STOP_TIME').line, `STOP_TIME before START_TIME`);
  const useableStartTime = time('USEABLE_START_TIME');
  const useableStopTime = time('USEABLE_STOP_TIME');
  // §5.2.3 table 5-3: the useable span lies within START_TIME…STOP_TIME.
  if (useableStartTime !== undefined && useableStartTime < startTime) throw oemError(file, get('USEABLE_START_TIME').line, 'USEABLE_START_TIME before START_TIME');
  if (useableStopTime !== undefined && useableStopTime > stopTime) throw oemError(file, get('USEABLE_STOP_TIME').line, 'USEABLE_STOP_TIME after STOP_TIME');
  if (useableStartTime !== undefined && useableStopTime !== undefined && useableStopTime <= useableStartTime) {
    throw oemError(file, get('USEABLE_STOP_TIME').line, 'USEABLE_STOP_TIME not after USEABLE_START_TIME');
  }
  let interpolation = DEFAULT_INTERPOLATION;
  const im = meta.get('INTERPOLATION');
  if (im) {
    const method = im.value.trim().toUpperCase();
    if (method !== 'LAGRANGE' && method !== 'HERMITE' && method !== 'LINEAR') {
      throw oemError(file, im.line, `INTERPOLATION ${im.value} not supported (LAGRANGE, HERMITE, LINEAR)`);
    }
    const dm = meta.get('INTERPOLATION_DEGREE');
    let degree = method === 'LINEAR' ? 1 : method === 'HERMITE' ? 7 : 7;
    if (dm) {
      degree = Number(dm.value);
      if (!Number.isInteger(degree) || degree < 1 || degree > 32) throw oemError(file, dm.line, `INTERPOLATION_DEGREE ${dm.value} must be an integer 1..32`);
    } else if (method !== 'LINEAR') {
      throw oemError(file, im.line, `INTERPOLATION ${method} without INTERPOLATION_DEGREE`);
    }
    interpolation = { method, degree, defaulted: false };
  }
  const n = rows.length;
  if (n < 2) throw oemError(file, line, `segment has ${n} ephemeris data line${n === 1 ? '' : 's'}; at least 2 are needed to interpolate`);
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)] as const;
  const t = new Float64Array(n);
  const lines = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    const ms = parseEpochMs(row.epoch);
    if (ms === undefined) throw oemError(file, row.line, `epoch "${row.epoch}" is not a CCSDS epoch`);
    if (row.values.length !== 6 && row.values.length !== 9) {
      throw oemError(file, row.line, `ephemeris data line has ${row.values.length} numbers after the epoch, expected 6 (or 9 with accelerations)`);
    }
    for (let k = 0; k < 6; k++) {
      const v = Number(row.values[k]);
      if (!Number.isFinite(v) || row.values[k]!.trim() === '') throw oemError(file, row.line, `"${row.values[k]}" is not a number`);
      cols[k]![i] = v;
    }
    t[i] = toUtcMs(ms, scale);
    lines[i] = row.line;
    if (i > 0 && t[i]! <= t[i - 1]!) {
      throw oemError(file, row.line, `epoch ${row.epoch} is not after the previous state's (line ${rows[i - 1]!.line}): epochs out of order`);
    }
    // 1 µs slack for rounding of the epochs' decimal seconds.
    if (t[i]! < startTime - 1e-3 || t[i]! > stopTime + 1e-3) {
      throw oemError(file, row.line, `epoch ${row.epoch} outside START_TIME…STOP_TIME of its segment (line ${line})`);
    }
  }
  // The useable span must be covered by states (no extrapolation: the data lines are the ephemeris).
  if (useableStartTime !== undefined && useableStartTime < t[0]! - 1e-3) {
    throw oemError(file, get('USEABLE_START_TIME').line, `USEABLE_START_TIME ${get('USEABLE_START_TIME').value} before the first state (${rows[0]!.epoch}, line ${rows[0]!.line}): the useable span reaches outside the data`);
  }
  if (useableStopTime !== undefined && useableStopTime > t[n - 1]! + 1e-3) {
    throw oemError(file, get('USEABLE_STOP_TIME').line, `USEABLE_STOP_TIME ${get('USEABLE_STOP_TIME').value} after the last state (${rows[n - 1]!.epoch}, line ${rows[n - 1]!.line}): the useable span reaches outside the data`);
  }
  // Lagrange of degree N needs N+1 states, Hermite of degree N (N+1)/2 states with velocities (§5.2.4 note).
  if (!interpolation.defaulted) {
    const need = interpolation.method === 'HERMITE' ? Math.ceil((interpolation.degree + 1) / 2) : interpolation.degree + 1;
    if (need > n) {
      const at = meta.get('INTERPOLATION_DEGREE') ?? meta.get('INTERPOLATION')!;
      throw oemError(file, at.line, `INTERPOLATION_DEGREE ${interpolation.degree} (${interpolation.method}) needs ${need} states; the segment has ${n}`);
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
