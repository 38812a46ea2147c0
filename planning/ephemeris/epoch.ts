/**
 * @module CCSDS ASCII epochs (CCSDS 502.0-B-3 §7.5.10 / 301.0-B-4 ASCII time code A and B:
 * `YYYY-MM-DDThh:mm:ss[.d…][Z]` and `YYYY-DDDThh:mm:ss[.d…][Z]`) and the OEM time systems idoc converts to
 * UTC: UTC, TAI, TT (= TAI + 32.184 s), GPS (= TAI − 19 s) and TDB (taken as TT: |TDB − TT| < 1.7 ms).
 * Leap seconds come from src/time.
 */
import { taiMinusUtc } from '../../src/time/index.js';
import { utcTextToUnixMs } from '../../src/time/utc-text.js';
import type { UnixMs } from '../geometry/types.js';
import { isoDurationMs } from '../../src/time/iso-duration.js';

/** OEM TIME_SYSTEM values idoc accepts. */
export const TIME_SYSTEMS = ['UTC', 'TAI', 'TT', 'GPS', 'TDB'] as const;
export type TimeSystem = (typeof TIME_SYSTEMS)[number];

const CAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}(?:\.\d*)?)Z?$/;
const DOY = /^(\d{4})-(\d{3})T(\d{2}):(\d{2}):(\d{2}(?:\.\d*)?)Z?$/;

/**
 * Read an epoch as milliseconds on the time scale's own "Unix-like" axis (calendar arithmetic only, no leap
 * seconds); `undefined` when malformed. Seconds up to 60.999… are allowed (a UTC leap second reads as the
 * next minute's start).
 */
export function parseEpochMs(text: string): UnixMs | undefined {
  const s = text.trim();
  // One match, numeric checks (this runs for every state of an OEM and every command of a plan).
  const m = CAL.exec(s);
  if (m) {
    const y = +m[1]!, mo = +m[2]!, d = +m[3]!, h = +m[4]!, sec = +m[6]!;
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || sec >= 61) return undefined;
    return Date.UTC(y, mo - 1, d, h, +m[5]!) + sec * 1000;
  }
  const n = DOY.exec(s);
  if (n) {
    const y = +n[1]!, doy = +n[2]!, h = +n[3]!, sec = +n[5]!;
    if (doy < 1 || doy > 366 || h > 23 || sec >= 61) return undefined;
    return Date.UTC(y, 0, doy, h, +n[4]!) + sec * 1000;
  }
  return undefined;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, mo: number): number => (mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS[mo - 1]!);

/** Convert a time on `scale` (as ms on its calendar axis) to Unix ms UTC. */
export function toUtcMs(ms: number, scale: TimeSystem): UnixMs {
  if (scale === 'UTC') return ms;
  const tai = scale === 'TAI' ? ms : scale === 'GPS' ? ms + 19000 : ms - 32184; // TT, TDB (≈ TT)
  // UTC = TAI − ΔAT(UTC): one fixed-point step from ΔAT at (TAI − 37 s) settles it except inside a leap second.
  let utc = tai - 37000;
  for (let i = 0; i < 3; i++) utc = tai - taiMinusUtc(utc / 1000) * 1000;
  return utc;
}

/** ISO-8601 UTC with milliseconds and a trailing Z. */
export const isoUtc = (t: UnixMs): string => new Date(Math.round(t)).toISOString();

/**
 * Read a UTC instant given on a command line or in a plan or request file: ISO 8601 calendar, day-of-year (or
 * week) form, UTC when no zone is written (a trailing Z is fine), or with an explicit `±hh:mm` offset; a date
 * alone is its midnight. Read with luxon (src/time/utc-text.ts). A leap second `23:59:60.fff` is accepted on a
 * leap-second day only, as the following midnight (Unix ms cannot name it; the clock holds).
 * `undefined` when malformed.
 */
export function parseUtcInstant(text: string): UnixMs | undefined {
  return utcTextToUnixMs(text);
}

/** Read an ISO-8601 duration (`PT10S`, `PT1M30S`, `PT2H`, `P1D`, `P1DT12H`, fractions allowed) as ms; `undefined` when malformed. */
export function parseIsoDuration(text: string): number | undefined {
  return isoDurationMs(text.trim().toUpperCase());
}
