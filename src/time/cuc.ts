/**
 * @module CCSDS Unsegmented Time Code, CUC (CCSDS 301.0-B-4 §3.2; formats.md §3.1).
 *
 *   P-field octet 1: 0x80 extension flag | 0x70 time code id (001 = CCSDS epoch 1958-01-01 TAI,
 *                    010 = agency-defined epoch) | 0x0C coarse octets − 1 | 0x03 fine octets
 *   P-field octet 2 (when 0x80 is set): 0x80 further extension (not defined for CUC) | 0x60 additional
 *                    coarse octets | 0x1C additional fine octets | 0x03 reserved
 *   T-field:         coarse (big-endian unsigned seconds) ‖ fine (big-endian fraction, LSB = 2^-8n s)
 *
 * The fine LSB is 2^-8n s as in the standard and Orekit (not 1/(2^8n − 1) as in spacepackets-rs).
 * Mission practice (formats.md §2.1): an implicit CUC with no P-field, a mission epoch, and the coarse MSB
 * meaning "not synchronised" (`syncFlagInMsb`), masked out of the count.
 */
import { InputError, formatOffset } from '../errors.js';
import type { TimeCodeSpec } from '../ccsds/profile.js';
import type { TaiSeconds } from './tai.js';

/** The CUC member of {@link TimeCodeSpec}. */
export type CucSpec = Extract<TimeCodeSpec, { readonly code: 'cuc' }>;

/** A decoded CUC. */
export interface CucValue {
  /** Coarse count in seconds since the epoch, sync flag removed (exact up to 6 octets). */
  readonly coarse: number;
  /** Fine count in units of 2^-8n s for n fine octets (exact up to 6 octets). */
  readonly fine: number;
  /** Octets consumed, P-field included. */
  readonly length: number;
  /** False when `syncFlagInMsb` is set and the coarse MSB is 1; true otherwise. */
  readonly synchronised: boolean;
  /** The instant: epoch + coarse + fine · 2^-8n. */
  readonly tai: TaiSeconds;
}

/** CUC time code ids of the P-field (bits 0x70). */
export const CucTimeCodeId = {
  /** 001: level 1, CCSDS epoch 1958-01-01T00:00:00 TAI. */
  CcsdsEpoch: 1,
  /** 010: level 2, agency-defined epoch. */
  AgencyEpoch: 2,
} as const;

/** FINE_SCALE[n] = 2^-8n: the value of one fine LSB for n fine octets (0..10). */
const FINE_SCALE: readonly number[] = Array.from({ length: 11 }, (_, n) => 2 ** (-8 * n));

function checkSpec(coarseOctets: number, fineOctets: number): void {
  if (!Number.isInteger(coarseOctets) || coarseOctets < 1 || coarseOctets > 7) {
    throw new RangeError(`CUC: coarseOctets ${coarseOctets} not in 1..7`);
  }
  if (!Number.isInteger(fineOctets) || fineOctets < 0 || fineOctets > 10) {
    throw new RangeError(`CUC: fineOctets ${fineOctets} not in 0..10`);
  }
}

/** Octets of the P-field that `encodeCuc` writes for these octet counts: 1, or 2 beyond 4 coarse / 3 fine. */
export const cucPFieldLength = (coarseOctets: number, fineOctets: number): number => (coarseOctets > 4 || fineOctets > 3 ? 2 : 1);

/** Octets of a CUC encoded with `spec` (P-field included when `spec.pField`). */
export function cucLength(spec: CucSpec): number {
  checkSpec(spec.coarseOctets, spec.fineOctets);
  return (spec.pField ? cucPFieldLength(spec.coarseOctets, spec.fineOctets) : 0) + spec.coarseOctets + spec.fineOctets;
}

/**
 * Decode the CUC at `buf[offset]`. With `spec.pField` the P-field in the data decides the octet counts and
 * the epoch (time code id 001 → 1958-01-01 TAI, 010 → `spec.epochTai`); otherwise `spec` does. Allocates
 * only the result object.
 * @throws InputError (naming the offset) when the P-field is not a CUC one or the buffer is too short.
 * @throws RangeError when an implicit spec has impossible octet counts (misuse).
 */
export function decodeCuc(buf: Uint8Array, offset: number, spec: CucSpec): CucValue {
  let pos = offset;
  let coarseN = spec.coarseOctets;
  let fineN = spec.fineOctets;
  let epoch = spec.epochTai;
  if (spec.pField) {
    if (pos >= buf.length) throw new InputError(`${formatOffset(pos)}: CUC P-field missing (end of data)`);
    const p1 = buf[pos++]!;
    const id = (p1 >>> 4) & 7;
    if (id === CucTimeCodeId.CcsdsEpoch) epoch = 0;
    else if (id !== CucTimeCodeId.AgencyEpoch) {
      throw new InputError(`${formatOffset(offset)}: P-field 0x${p1.toString(16).padStart(2, '0')} is not a CUC time code (time code id ${id.toString(2).padStart(3, '0')})`);
    }
    coarseN = ((p1 >>> 2) & 3) + 1;
    fineN = p1 & 3;
    if ((p1 & 0x80) !== 0) {
      if (pos >= buf.length) throw new InputError(`${formatOffset(pos)}: CUC P-field extension octet missing (end of data)`);
      const p2 = buf[pos++]!;
      if ((p2 & 0x80) !== 0) throw new InputError(`${formatOffset(offset + 1)}: CUC P-field with a third octet is not supported`);
      coarseN += (p2 >>> 5) & 3;
      fineN += (p2 >>> 2) & 7;
    }
  } else {
    checkSpec(coarseN, fineN);
  }
  const end = pos + coarseN + fineN;
  if (end > buf.length) {
    throw new InputError(`${formatOffset(offset)}: CUC needs ${end - offset} octets, ${buf.length - offset} available`);
  }
  let b = buf[pos++]!;
  let synchronised = true;
  if (spec.syncFlagInMsb) {
    synchronised = (b & 0x80) === 0;
    b &= 0x7f;
  }
  let coarse = b;
  for (let i = 1; i < coarseN; i++) coarse = coarse * 256 + buf[pos++]!;
  let fine = 0;
  for (let i = 0; i < fineN; i++) fine = fine * 256 + buf[pos++]!;
  return { coarse, fine, length: end - offset, synchronised, tai: epoch + coarse + fine * FINE_SCALE[fineN]! };
}

/**
 * Write the CUC of `tai` into `out[offset..]` and return the octets written. With `spec.pField` a P-field
 * is written first: time code id 001 when `spec.epochTai` is 0, else 010. The fraction is rounded to the
 * nearest fine LSB (carrying into the coarse count). With `syncFlagInMsb`, `synchronised = false` sets the
 * coarse MSB.
 * @throws RangeError when `tai` precedes the epoch, does not fit the coarse octets, or `out` is too short.
 */
export function encodeCucInto(tai: TaiSeconds, spec: CucSpec, out: Uint8Array, offset = 0, synchronised = true): number {
  const { coarseOctets: cN, fineOctets: fN } = spec;
  checkSpec(cN, fN);
  const t = tai - spec.epochTai;
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`CUC: TAI ${tai} precedes the epoch ${spec.epochTai} (or is not finite)`);
  let coarse = Math.floor(t);
  const fineUnits = 2 ** (8 * fN);
  let fine = Math.round((t - coarse) * fineUnits);
  if (fine >= fineUnits) {
    coarse += 1;
    fine -= fineUnits;
  }
  const coarseBits = 8 * cN - (spec.syncFlagInMsb ? 1 : 0);
  if (coarse > 2 ** coarseBits - 1) throw new RangeError(`CUC: ${coarse} s since the epoch does not fit ${coarseBits} coarse bits`);
  const length = (spec.pField ? cucPFieldLength(cN, fN) : 0) + cN + fN;
  if (offset + length > out.length) throw new RangeError(`CUC: ${length} octets do not fit at offset ${offset} of ${out.length}`);
  let pos = offset;
  if (spec.pField) {
    const id = spec.epochTai === 0 ? CucTimeCodeId.CcsdsEpoch : CucTimeCodeId.AgencyEpoch;
    if (length - cN - fN === 2) {
      out[pos++] = 0x80 | (id << 4) | ((Math.min(cN, 4) - 1) << 2) | Math.min(fN, 3);
      out[pos++] = (Math.max(cN - 4, 0) << 5) | (Math.max(fN - 3, 0) << 2);
    } else {
      out[pos++] = (id << 4) | ((cN - 1) << 2) | fN;
    }
  }
  for (let i = pos + cN - 1; i >= pos; i--) {
    out[i] = coarse % 256;
    coarse = Math.floor(coarse / 256);
  }
  if (spec.syncFlagInMsb && !synchronised) out[pos] = out[pos]! | 0x80;
  pos += cN;
  for (let i = pos + fN - 1; i >= pos; i--) {
    out[i] = fine % 256;
    fine = Math.floor(fine / 256);
  }
  return length;
}

/** The CUC of `tai` as new bytes; see {@link encodeCucInto}. */
export function encodeCuc(tai: TaiSeconds, spec: CucSpec, synchronised = true): Uint8Array {
  const out = new Uint8Array(cucLength(spec));
  encodeCucInto(tai, spec, out, 0, synchronised);
  return out;
}
