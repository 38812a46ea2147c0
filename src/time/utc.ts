/**
 * @module UTC ↔ TAI with leap seconds (formats.md §3.3). TAI is what idoc keeps; UTC is what it prints,
 * as ISO-8601 with a trailing Z. The inserted second of a leap-second day is rendered `23:59:60.fff`;
 * Unix time cannot name it, so {@link taiToUnixMs} holds at the next midnight during that second.
 *
 * Before 1972-01-01 UTC, ΔAT = 10 s is used (the first row of the table): the 1961–1971 UTC offsets with
 * fractional steps and rate changes are not modelled, so conversions of pre-1972 instants are off by up to
 * about 6 s in the sense of the official UTC of the time. The CCSDS epoch 1958-01-01T00:00:00 TAI thus prints
 * as 1957-12-31T23:59:50Z.
 */
import { InputError } from '../errors.js';
import { activeLeapSeconds } from './leap-second-store.js';
import { datAtUtc, locateTai, type LeapSecondTable } from './leap-second-table.js';
import { SECONDS_PER_DAY, TAI_UNIX_OFFSET, type Tai, type TaiSeconds, type UtcUnix } from './tai.js';

/** Scratch output of `locateTai` (no allocation per conversion). */
const datBox = [0];

/** ΔAT = TAI − UTC in seconds at the UTC instant `utcUnixSeconds` (Unix seconds). */
export function taiMinusUtc(utcUnixSeconds: number, table: LeapSecondTable = activeLeapSeconds()): number {
  return datAtUtc(table, utcUnixSeconds);
}

/** TAI seconds since 1958 of a UTC instant given as Unix seconds (which cannot name an inserted second). */
export function utcUnixToTai(utcUnixSeconds: number, table: LeapSecondTable = activeLeapSeconds()): Tai {
  return (utcUnixSeconds + datAtUtc(table, utcUnixSeconds) + TAI_UNIX_OFFSET) as Tai;
}

/**
 * UTC Unix seconds of a TAI instant. During an inserted leap second (23:59:60.xxx) this returns the Unix
 * time of the following midnight: the clock is held, so the result never goes backwards.
 */
export function taiToUtcUnix(tai: TaiSeconds, table: LeapSecondTable = activeLeapSeconds()): UtcUnix {
  const x = tai - TAI_UNIX_OFFSET;
  const k = locateTai(table, x, datBox);
  return (k >= 0 ? table.entries[k]!.utcUnix : x - datBox[0]!) as UtcUnix;
}

/** Unix milliseconds (UTC) of a TAI instant, with the fraction kept; see {@link taiToUtcUnix} for leap seconds. */
export const taiToUnixMs = (tai: TaiSeconds, table: LeapSecondTable = activeLeapSeconds()): number => taiToUtcUnix(tai, table) * 1000;

/** True when the TAI instant falls inside an inserted leap second (UTC 23:59:60.xxx). */
export function inLeapSecond(tai: TaiSeconds, table: LeapSecondTable = activeLeapSeconds()): boolean {
  return locateTai(table, tai - TAI_UNIX_OFFSET, datBox) >= 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const ISO_RE =
  /^(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Unix seconds (integer) of a proleptic-Gregorian date and time, Date.UTC without the 0..99 year quirk. */
function unixSecondsOf(year: number, month: number, day: number, h: number, m: number, s: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, m, s, 0);
  return d.getTime() / 1000;
}

/**
 * TAI of a UTC instant: an ISO-8601 string or Unix milliseconds.
 *
 * Accepted strings: `YYYY-MM-DD`, `YYYY-DDD` (day of year), each optionally followed by `THH:MM`,
 * `THH:MM:SS` and a fraction of any length (`.` or `,`; a space may replace `T`), then `Z`, `±HH:MM` or
 * nothing (= UTC). Seconds `60` are accepted only where the table has an inserted leap second.
 * @throws InputError on anything else (the message quotes the value).
 */
export function utcToTai(utcIsoOrUnixMs: string | number, table: LeapSecondTable = activeLeapSeconds()): Tai {
  if (typeof utcIsoOrUnixMs === 'number') {
    if (!Number.isFinite(utcIsoOrUnixMs)) throw new InputError(`invalid UTC time ${utcIsoOrUnixMs}: not a finite number of milliseconds`);
    return utcUnixToTai(utcIsoOrUnixMs / 1000, table);
  }
  const text = utcIsoOrUnixMs.trim();
  const m = ISO_RE.exec(text);
  const bad = (why: string): never => {
    throw new InputError(`invalid UTC time "${utcIsoOrUnixMs}": ${why}`);
  };
  if (!m) return bad('expected ISO-8601 like 2025-03-01T12:00:00.5Z or 2025-060T12:00:00Z');
  const year = Number(m[1]);
  let month: number;
  let day: number;
  if (m[4] !== undefined) {
    const doy = Number(m[4]);
    if (doy < 1 || doy > (isLeapYear(year) ? 366 : 365)) bad(`day of year ${doy} out of range`);
    month = 1;
    day = doy;
  } else {
    month = Number(m[2]);
    day = Number(m[3]);
    if (month < 1 || month > 12) bad(`month ${month} out of range`);
    const dim = month === 2 ? (isLeapYear(year) ? 29 : 28) : DAYS_IN_MONTH[month - 1]!;
    if (day < 1 || day > dim) bad(`day ${day} out of range for month ${month}`);
  }
  const h = m[5] === undefined ? 0 : Number(m[5]);
  const min = m[6] === undefined ? 0 : Number(m[6]);
  const sec = m[7] === undefined ? 0 : Number(m[7]);
  const frac = m[8] === undefined ? 0 : Number(`0.${m[8]}`);
  if (h > 23) bad(`hour ${h} out of range`);
  if (min > 59) bad(`minute ${min} out of range`);
  if (sec > 60) bad(`second ${sec} out of range`);
  let zoneSeconds = 0;
  const zone = m[9];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = zone.length > 3 ? Number(zone.slice(-2)) : 0;
    if (zh > 23 || zm > 59) bad(`zone offset ${zone} out of range`);
    zoneSeconds = (zone[0] === '-' ? -1 : 1) * (zh * 3600 + zm * 60);
  }
  if (sec === 60) {
    // An inserted second: the next UTC second must be a table row that raises ΔAT.
    const before = unixSecondsOf(year, month, day, h, min, 59) - zoneSeconds;
    const e = table.entries;
    const k = e.findIndex((row) => row.utcUnix === before + 1);
    if (k <= 0 || e[k]!.taiMinusUtc <= e[k - 1]!.taiMinusUtc) bad('second 60 on a day without a leap second');
    return (before + 1 + e[k - 1]!.taiMinusUtc + frac + TAI_UNIX_OFFSET) as Tai;
  }
  const unix = unixSecondsOf(year, month, day, h, min, sec) - zoneSeconds;
  return (unix + datAtUtc(table, unix) + frac + TAI_UNIX_OFFSET) as Tai;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYY-MM-DDTHH:MM:` of a Unix second (years outside 0..9999 as ±YYYYYY). */
function isoMinutePrefix(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : `${y < 0 ? '-' : '+'}${pad(Math.abs(y), 6)}`;
  return `${year}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:`;
}

/**
 * UTC ISO-8601 string with a trailing Z of a TAI instant, `fractionDigits` (0..9, default 6) digits after
 * the seconds, rounded half up in TAI (so rounding into an inserted second or out of it is correct).
 * An inserted leap second prints as `23:59:60.xxx`.
 * @throws RangeError for a non-finite `tai` or `fractionDigits` outside 0..9.
 */
export function taiToUtcIso(tai: TaiSeconds, fractionDigits = 6, table: LeapSecondTable = activeLeapSeconds()): string {
  if (!Number.isFinite(tai)) throw new RangeError(`taiToUtcIso: TAI ${tai} is not finite`);
  if (!Number.isInteger(fractionDigits) || fractionDigits < 0 || fractionDigits > 9) {
    throw new RangeError(`taiToUtcIso: fractionDigits ${fractionDigits} not in 0..9`);
  }
  const x = tai - TAI_UNIX_OFFSET;
  let s = Math.floor(x);
  const scale = 10 ** fractionDigits;
  let f = Math.round((x - s) * scale);
  if (f >= scale) {
    s += 1;
    f -= scale;
  }
  const fraction = fractionDigits === 0 ? '' : `.${pad(f, fractionDigits)}`;
  const k = locateTai(table, s, datBox);
  if (k >= 0) {
    // Inside the inserted second(s) before row k: 23:59:60 of the previous UTC day.
    const row = table.entries[k]!;
    const secondsField = 60 + (s - (row.utcUnix + datBox[0]!));
    return `${isoMinutePrefix(row.utcUnix - 60)}${pad(secondsField)}${fraction}Z`;
  }
  const utc = s - datBox[0]!;
  return `${isoMinutePrefix(utc)}${pad(((utc % 60) + 60) % 60)}${fraction}Z`;
}

/** UTC calendar day (Unix seconds of its 00:00) and seconds into it of a TAI instant, leap second included (sod ≥ 86400). */
export function taiToUtcDay(tai: TaiSeconds, table: LeapSecondTable = activeLeapSeconds()): { dayUnix: number; secondOfDay: number } {
  const x = tai - TAI_UNIX_OFFSET;
  const k = locateTai(table, x, datBox);
  if (k >= 0) {
    const row = table.entries[k]!;
    return { dayUnix: row.utcUnix - SECONDS_PER_DAY, secondOfDay: SECONDS_PER_DAY + (x - (row.utcUnix + datBox[0]!)) };
  }
  const utc = x - datBox[0]!;
  const dayUnix = Math.floor(utc / SECONDS_PER_DAY) * SECONDS_PER_DAY;
  return { dayUnix, secondOfDay: utc - dayUnix };
}
