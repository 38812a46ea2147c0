/**
 * @module CCSDS Day Segmented Time Code, CDS (CCSDS 301.0-B-4 §3.3; formats.md §3.2).
 *
 *   P-field (1 octet): 0x80 extension (0) | 0x70 time code id 100 | 0x08 epoch (0 = 1958-01-01, 1 = agency)
 *                      | 0x04 day segment (0 = 16 bit, 1 = 24 bit) | 0x03 sub-ms (00 none, 01 µs u16, 10 ps u32)
 *   T-field:           days (u16/u24) ‖ milliseconds of day (u32) ‖ [µs of ms u16 | ps of ms u32]
 *
 * CDS counts UTC days (301.0-B-4 §3.3: the code is UTC-based; on a leap-second day the millisecond count
 * runs to 86 400 999). So by default day 0 is the calendar day 1958-01-01 and day 4383 is 1970-01-01, and
 * the leap-second table turns the UTC day into TAI. Some missions count CDS in TAI instead; pass
 * `scale = 'tai'` for those (then day d, ms m = epoch + d·86 400 + m/1000 TAI seconds).
 * An agency epoch is expected at 00:00 UTC; with another time of day, days run from that time of day and
 * the leap-second day length is applied to the calendar day.
 *
 * Agency epoch (P-field bit 0x08 or an implicit spec with `epochTai ≠ 0`): days count from the UTC instant
 * of `spec.epochTai` (scale `utc`) or from `spec.epochTai` itself (scale `tai`).
 */
import { InputError, formatOffset } from '../errors.js';
import type { TimeCodeSpec } from '../ccsds/profile.js';
import { activeLeapSeconds } from './leap-second-store.js';
import { datAtUtc, locateTai } from './leap-second-table.js';
import { DAYS_1958_TO_1970, SECONDS_PER_DAY, TAI_UNIX_OFFSET, type TaiSeconds } from './tai.js';
import { taiToUtcUnix } from './utc.js';

/** The CDS member of {@link TimeCodeSpec}. */
export type CdsSpec = Extract<TimeCodeSpec, { readonly code: 'cds' }>;

/** Which time scale the day and millisecond counts run in: UTC (the standard, default) or TAI. */
export type CdsScale = 'utc' | 'tai';

/** A decoded CDS. */
export interface CdsValue {
  /** Days since the epoch. */
  readonly days: number;
  /** Milliseconds of the day (up to 86 400 999 on a leap-second day). */
  readonly msOfDay: number;
  /** Sub-millisecond count: µs (0..999) or ps (0..999 999 999) of the millisecond; 0 when absent. */
  readonly subMs: number;
  /** Octets consumed, P-field included. */
  readonly length: number;
  /** The instant. */
  readonly tai: TaiSeconds;
}

/** CDS time code id of the P-field (bits 0x70). */
export const CDS_TIME_CODE_ID = 4;

const SUB_MS_CODES = ['none', 'us', 'ps'] as const;
/** Octets of the sub-millisecond segment by code 0..2. */
const SUB_MS_OCTETS = [0, 2, 4];
/** Seconds per sub-millisecond unit by code 0..2. */
const SUB_MS_UNIT = [0, 1e-6, 1e-12];

/** UTC Unix seconds that day 0 of a CDS with this epoch starts at. */
function epochUtcUnix(epochTai: number, scale: CdsScale): number {
  if (epochTai === 0) return -DAYS_1958_TO_1970 * SECONDS_PER_DAY;
  return scale === 'utc' ? taiToUtcUnix(epochTai) : epochTai - TAI_UNIX_OFFSET;
}

const subCode = (subMs: CdsSpec['subMs']): number => SUB_MS_CODES.indexOf(subMs);

/** The P-field octet `encodeCds` writes for `spec`. */
export const cdsPField = (spec: CdsSpec): number =>
  (CDS_TIME_CODE_ID << 4) | (spec.epochTai !== 0 ? 0x08 : 0) | (spec.dayOctets === 3 ? 0x04 : 0) | subCode(spec.subMs);

/** Octets of a CDS encoded with `spec` (P-field included when `spec.pField`). */
export const cdsLength = (spec: CdsSpec): number => (spec.pField ? 1 : 0) + spec.dayOctets + 4 + SUB_MS_OCTETS[subCode(spec.subMs)]!;

/**
 * Decode the CDS at `buf[offset]`. With `spec.pField` the P-field in the data decides the layout and the
 * epoch (bit 0x08 clear → 1958-01-01, set → `spec.epochTai`). Allocates only the result object.
 * @throws InputError (naming the offset) for a P-field that is not CDS, a reserved sub-ms code, a short
 * buffer, or counts out of range (ms of day beyond the day, µs ≥ 1000, ps ≥ 10^9).
 */
export function decodeCds(buf: Uint8Array, offset: number, spec: CdsSpec, scale: CdsScale = 'utc'): CdsValue {
  let pos = offset;
  let dayN: number = spec.dayOctets;
  let sub = subCode(spec.subMs);
  let epochTai = spec.epochTai;
  if (spec.pField) {
    if (pos >= buf.length) throw new InputError(`${formatOffset(pos)}: CDS P-field missing (end of data)`);
    const p = buf[pos++]!;
    if ((p & 0xf0) !== CDS_TIME_CODE_ID << 4) {
      throw new InputError(`${formatOffset(offset)}: P-field 0x${p.toString(16).padStart(2, '0')} is not a CDS time code (expected 0x4-)`);
    }
    if ((p & 3) === 3) throw new InputError(`${formatOffset(offset)}: CDS P-field 0x${p.toString(16)}: sub-millisecond code 11 is reserved`);
    if ((p & 0x08) === 0) epochTai = 0;
    dayN = (p & 0x04) !== 0 ? 3 : 2;
    sub = p & 3;
  }
  const end = pos + dayN + 4 + SUB_MS_OCTETS[sub]!;
  if (end > buf.length) throw new InputError(`${formatOffset(offset)}: CDS needs ${end - offset} octets, ${buf.length - offset} available`);
  let days = (buf[pos]! << 8) | buf[pos + 1]!;
  pos += 2;
  if (dayN === 3) days = days * 256 + buf[pos++]!;
  const msOfDay = ((buf[pos]! << 24) >>> 0) + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!);
  pos += 4;
  let subMs = 0;
  if (sub === 1) {
    subMs = (buf[pos]! << 8) | buf[pos + 1]!;
    if (subMs > 999) throw new InputError(`${formatOffset(offset)}: CDS microseconds ${subMs} > 999`);
  } else if (sub === 2) {
    subMs = ((buf[pos]! << 24) >>> 0) + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!);
    if (subMs > 999_999_999) throw new InputError(`${formatOffset(offset)}: CDS picoseconds ${subMs} > 999999999`);
  }
  const secondOfDay = msOfDay / 1000 + subMs * SUB_MS_UNIT[sub]!;
  let tai: number;
  if (scale === 'tai') {
    if (msOfDay >= 86_400_000) throw new InputError(`${formatOffset(offset)}: CDS milliseconds of day ${msOfDay} ≥ 86400000 (TAI days have no leap second)`);
    tai = epochTai + days * SECONDS_PER_DAY + secondOfDay;
  } else {
    const table = activeLeapSeconds();
    const dayUnix = epochUtcUnix(epochTai, scale) + days * SECONDS_PER_DAY;
    const dat = datAtUtc(table, dayUnix);
    if (msOfDay >= 86_400_000 && (msOfDay >= 86_401_000 || datAtUtc(table, dayUnix + SECONDS_PER_DAY) <= dat)) {
      throw new InputError(`${formatOffset(offset)}: CDS milliseconds of day ${msOfDay} beyond the end of day ${days} (no leap second then)`);
    }
    // Elapsed SI seconds within one UTC day run on TAI, so the leap second (ms ≥ 86 400 000) needs no special case.
    tai = dayUnix + dat + secondOfDay + TAI_UNIX_OFFSET;
  }
  return { days, msOfDay, subMs, length: end - offset, tai };
}

const datBox = [0];

/**
 * Write the CDS of `tai` into `out[offset..]` and return the octets written (P-field first when
 * `spec.pField`). The time is rounded to the last segment's unit (ms, µs or ps), carrying into the next
 * day where needed; an inserted leap second gives milliseconds ≥ 86 400 000 (scale `utc`).
 * @throws RangeError when `tai` precedes the epoch, the day count does not fit, or `out` is too short.
 */
export function encodeCdsInto(tai: TaiSeconds, spec: CdsSpec, out: Uint8Array, offset = 0, scale: CdsScale = 'utc'): number {
  if (!Number.isFinite(tai)) throw new RangeError(`CDS: TAI ${tai} is not finite`);
  const sub = subCode(spec.subMs);
  if (sub < 0 || (spec.dayOctets !== 2 && spec.dayOctets !== 3)) throw new RangeError(`CDS: bad spec ${JSON.stringify(spec)}`);
  // Seconds since the epoch's day 0 as (whole days, seconds into the day).
  let days: number;
  let sod: number;
  let dayLength = SECONDS_PER_DAY;
  if (scale === 'tai') {
    const t = tai - spec.epochTai;
    days = Math.floor(t / SECONDS_PER_DAY);
    sod = t - days * SECONDS_PER_DAY;
  } else {
    const table = activeLeapSeconds();
    const base = epochUtcUnix(spec.epochTai, scale);
    const x = tai - TAI_UNIX_OFFSET;
    const k = locateTai(table, x, datBox);
    let utcDayStart: number;
    if (k >= 0) {
      const row = table.entries[k]!;
      utcDayStart = base + Math.floor((row.utcUnix - 1 - base) / SECONDS_PER_DAY) * SECONDS_PER_DAY;
      sod = row.utcUnix - utcDayStart + (x - (row.utcUnix + datBox[0]!));
    } else {
      const utc = x - datBox[0]!;
      utcDayStart = base + Math.floor((utc - base) / SECONDS_PER_DAY) * SECONDS_PER_DAY;
      sod = utc - utcDayStart;
    }
    days = Math.round((utcDayStart - base) / SECONDS_PER_DAY);
    dayLength = SECONDS_PER_DAY + datAtUtc(table, utcDayStart + SECONDS_PER_DAY) - datAtUtc(table, utcDayStart);
  }
  let ms = Math.floor(sod * 1000);
  let subMs = 0;
  const rem = sod * 1000 - ms;
  if (sub === 0) ms += Math.round(rem);
  else {
    const units = sub === 1 ? 1000 : 1e9;
    subMs = Math.round(rem * units);
    if (subMs >= units) {
      ms += 1;
      subMs -= units;
    }
  }
  if (ms >= dayLength * 1000) {
    ms -= dayLength * 1000;
    days += 1;
  }
  const maxDays = spec.dayOctets === 3 ? 0xffffff : 0xffff;
  if (days < 0 || days > maxDays) throw new RangeError(`CDS: day ${days} does not fit ${spec.dayOctets * 8} bits (TAI ${tai})`);
  const length = cdsLength(spec);
  if (offset + length > out.length) throw new RangeError(`CDS: ${length} octets do not fit at offset ${offset} of ${out.length}`);
  let pos = offset;
  if (spec.pField) out[pos++] = cdsPField(spec);
  if (spec.dayOctets === 3) out[pos++] = days >>> 16;
  out[pos++] = (days >>> 8) & 0xff;
  out[pos++] = days & 0xff;
  out[pos++] = ms >>> 24;
  out[pos++] = (ms >>> 16) & 0xff;
  out[pos++] = (ms >>> 8) & 0xff;
  out[pos++] = ms & 0xff;
  if (sub === 1) {
    out[pos++] = subMs >>> 8;
    out[pos++] = subMs & 0xff;
  } else if (sub === 2) {
    out[pos++] = subMs >>> 24;
    out[pos++] = (subMs >>> 16) & 0xff;
    out[pos++] = (subMs >>> 8) & 0xff;
    out[pos++] = subMs & 0xff;
  }
  return length;
}

/** The CDS of `tai` as new bytes; see {@link encodeCdsInto}. */
export function encodeCds(tai: TaiSeconds, spec: CdsSpec, scale: CdsScale = 'utc'): Uint8Array {
  const out = new Uint8Array(cdsLength(spec));
  encodeCdsInto(tai, spec, out, 0, scale);
  return out;
}
