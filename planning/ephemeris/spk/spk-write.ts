/**
 * @module A small SPK writer for tests and fixtures: type 13 (Hermite, unequal steps), type 2 and type 3 (Chebyshev)
 * segments in one DAF of either byte order, laid out as the DAF and SPK Required Reading describe (see daf.ts
 * and spk.ts): file record, one summary record, one name record, then the segments' data. At most 25 segments.
 */
import { DAF_RECORD_BYTES } from './daf.js';

/** A type 13 segment: states at (unequally spaced) epochs. */
export interface Type13Input {
  readonly type: 13;
  readonly target: number;
  readonly center: number;
  readonly name: string;
  /** Epochs, ET seconds, strictly increasing. */
  readonly epochs: readonly number[];
  /** One [x, y, z, vx, vy, vz] (km, km/s) per epoch. */
  readonly states: readonly (readonly number[])[];
  /** Hermite window size (states per interpolation); the polynomial degree is 2·window − 1. */
  readonly windowSize: number;
  /** Coverage; default the first and last epochs. */
  readonly startEt?: number;
  readonly endEt?: number;
}

/** A type 2 (position) or type 3 (position and velocity) segment: equal-length records of Chebyshev coefficients. */
export interface Type2Input {
  readonly type: 2 | 3;
  readonly target: number;
  readonly center: number;
  readonly name: string;
  readonly init: number;
  readonly intlen: number;
  /** Per record: [x, y, z] coefficient lists (type 3: then [vx, vy, vz]), all of the same length. */
  readonly records: readonly (readonly (readonly number[])[])[];
}

export type SpkSegmentInput = Type13Input | Type2Input;

const FTP = 'FTPSTR:\r:\n:\r\n:\r\x00:\x81:\x10\xce:ENDFTP';

/** Segment data as doubles, and its coverage. */
function segmentData(s: SpkSegmentInput): { data: number[]; start: number; end: number } {
  if (s.type === 13) {
    const n = s.epochs.length;
    const data: number[] = [];
    for (const st of s.states) data.push(...st.slice(0, 6));
    data.push(...s.epochs);
    for (let k = 100; k <= n - 1; k += 100) data.push(s.epochs[k - 1]!);
    data.push(s.windowSize - 1, n);
    return { data, start: s.startEt ?? s.epochs[0]!, end: s.endEt ?? s.epochs[n - 1]! };
  }
  const ncoef = s.records[0]![0]!.length;
  const data: number[] = [];
  const sets = s.type === 2 ? 3 : 6;
  s.records.forEach((r, i) => { data.push(s.init + (i + 0.5) * s.intlen, s.intlen / 2); for (let k = 0; k < sets; k++) data.push(...r[k]!); });
  data.push(s.init, s.intlen, 2 + sets * ncoef, s.records.length);
  return { data, start: s.init, end: s.init + s.intlen * s.records.length };
}

/** Write an SPK (frame J2000) holding `segments`, little- or big-endian. */
export function writeSpk(segments: readonly SpkSegmentInput[], options: { readonly littleEndian?: boolean; readonly internalName?: string } = {}): Uint8Array {
  const le = options.littleEndian ?? true;
  if (segments.length > 25) throw new RangeError('at most 25 segments');
  const parts = segments.map(segmentData);
  const dataWords = parts.reduce((n, p) => n + p.data.length, 0);
  const firstData = 3 * 128 + 1;
  const totalWords = firstData - 1 + dataWords;
  const bytes = new Uint8Array(Math.ceil(totalWords / 128) * DAF_RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  const text = (off: number, s: string, len: number) => { for (let i = 0; i < len; i++) bytes[off + i] = i < s.length ? s.charCodeAt(i) : 32; };
  text(0, 'DAF/SPK', 8);
  view.setInt32(8, 2, le);
  view.setInt32(12, 6, le);
  text(16, options.internalName ?? 'idoc synthetic SPK', 60);
  view.setInt32(76, 2, le);
  view.setInt32(80, 2, le);
  view.setInt32(84, totalWords + 1, le);
  text(88, le ? 'LTL-IEEE' : 'BIG-IEEE', 8);
  for (let i = 0; i < FTP.length; i++) bytes[699 + i] = FTP.charCodeAt(i);
  // Summary record (record 2) and name record (record 3).
  const sr = DAF_RECORD_BYTES;
  view.setFloat64(sr, 0, le);
  view.setFloat64(sr + 8, 0, le);
  view.setFloat64(sr + 16, segments.length, le);
  let addr = firstData;
  segments.forEach((s, k) => {
    const p = parts[k]!;
    const off = sr + 24 + k * 40;
    view.setFloat64(off, p.start, le);
    view.setFloat64(off + 8, p.end, le);
    const ints = [s.target, s.center, 1, s.type, addr, addr + p.data.length - 1];
    ints.forEach((v, i) => view.setInt32(off + 16 + 4 * i, v, le));
    text(2 * DAF_RECORD_BYTES + k * 40, s.name, 40);
    p.data.forEach((v, i) => view.setFloat64((addr - 1 + i) * 8, v, le));
    addr += p.data.length;
  });
  return bytes;
}
