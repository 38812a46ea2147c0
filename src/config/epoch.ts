/**
 * @module A time-code epoch written as an ISO-8601 instant → TAI seconds since 1958-01-01T00:00:00 TAI, the
 * form `TimeCodeSpec` keeps (`epochTai`). A UTC epoch goes through the leap-second table
 * (`utcToTai`, src/time); a TAI epoch's digits are already TAI, so it is read as a calendar instant without
 * leap seconds.
 */
import { utcToTai, type TaiSeconds } from '../time/index.js';
import type { EpochScale } from './types.js';

/** Seconds from 1958-01-01 to 1970-01-01 counted in 86 400 s days (4383 days, CCSDS 301.0-B-4 epoch → Unix). */
const SECONDS_1958_TO_1970 = 4383 * 86_400;

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * TAI seconds since 1958 of an ISO-8601 (RFC 3339) epoch read on the given scale. With `TAI` the instant is
 * read as if it were UTC without leap seconds (its digits are TAI): `2000-01-01T00:00:00Z` TAI → 1325376000.
 * @throws Error (message without the value's location) when the text is not a valid instant.
 */
export function epochToTai(iso: string, scale: EpochScale): TaiSeconds {
  if (scale === 'UTC') return utcToTai(iso);
  const m = RFC3339.exec(iso);
  const bad = (): never => {
    throw new Error(`invalid TAI instant "${iso}": expected an RFC 3339 date-time like 2000-01-01T00:00:00Z (no second 60: TAI has no leap seconds)`);
  };
  if (m === null) return bad();
  const [y, mo, d] = (m[1] ?? '').split('-').map(Number) as [number, number, number];
  const [h, mi, s] = (m[2] ?? '').split(':').map(Number) as [number, number, number];
  const check = new Date(0); // not Date.UTC, which reads years 0..99 as 1900..1999
  check.setUTCFullYear(y, mo - 1, d);
  check.setUTCHours(h, mi, s, 0);
  const ms = check.getTime();
  // Date rolls 02-30 over to 03-01 and 24:00 to the next day: insist the fields come back unchanged.
  if (check.getUTCDate() !== d || check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s) return bad();
  const zone = (m[4] ?? 'Z').toUpperCase();
  const zoneSeconds = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  const fraction = m[3] === undefined ? 0 : Number(`0${m[3]}`);
  return ms / 1000 - zoneSeconds + fraction + SECONDS_1958_TO_1970;
}
