/**
 * @module On-board time → UTC → TAI by time correlation (formats.md §3.4, Rosetta practice as in MIDAS
 * `ros_tm.py` `correlate_time`).
 *
 * A record gives `UTC (Unix seconds) = gradient × OBT + offset` from its `validFromObt` on; the record used
 * for an OBT is the last one whose `validFromObt ≤ OBT`. The correlation yields **UTC** Unix seconds (which
 * have no leap seconds); leap seconds are then applied to get TAI, with the ΔAT of that UTC instant.
 * OBT here is seconds on the on-board clock, coarse + fine · 2^-8n, as counted in the packet (the mission
 * epoch is already inside `offset`).
 */
import type { LeapSecondTable } from './leap-second-table.js';
import type { TaiSeconds } from './tai.js';
import { activeLeapSeconds } from './leap-second-store.js';
import { utcUnixToTai } from './utc.js';

/** One time-correlation record. */
export interface CorrelationRecord {
  /** OBT seconds from which this record applies. */
  readonly validFromObt: number;
  /** Seconds of UTC per second of OBT (≈ 1). */
  readonly gradient: number;
  /** UTC Unix seconds at OBT 0 of this line. */
  readonly offset: number;
}

/** Time-correlation records, ascending by `validFromObt` (as delivered; sort them otherwise). */
export type CorrelationCoefficients = { validFromObt: number; gradient: number; offset: number }[];

/** Index of the last record with validFromObt ≤ obt in an ascending array, −1 when none (binary search). */
export function correlationIndex(obtSeconds: number, coeffs: readonly CorrelationRecord[]): number {
  let lo = 0;
  let hi = coeffs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (coeffs[mid]!.validFromObt <= obtSeconds) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * UTC Unix seconds of an on-board time, or null when the OBT precedes every validity period (or there are
 * no records). `coeffs` must be ascending by `validFromObt`.
 */
export function obtToUtcUnix(obtSeconds: number, coeffs: readonly CorrelationRecord[]): number | null {
  const k = correlationIndex(obtSeconds, coeffs);
  if (k < 0) return null;
  const r = coeffs[k]!;
  return r.gradient * obtSeconds + r.offset;
}

/** TAI of an on-board time: {@link obtToUtcUnix}, then the leap seconds of that UTC instant. Null as there. */
export function obtToTai(obtSeconds: number, coeffs: readonly CorrelationRecord[], table: LeapSecondTable = activeLeapSeconds()): TaiSeconds | null {
  const utc = obtToUtcUnix(obtSeconds, coeffs);
  return utc === null ? null : utcUnixToTai(utc, table);
}
