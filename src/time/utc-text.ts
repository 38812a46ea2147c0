/**
 * @module UTC instants as people write them (command-line `--from/--to`, plan files, ITL/EVF timelines), read
 * with luxon (ISO 8601-1:2019 §5.4: calendar `2026-03-01`, ordinal `2026-060` and week dates, basic or extended,
 * `Z`, `±hh:mm` or no zone = UTC; or a caller's format such as ITL's `dd-MMM-yyyy_HH:mm:ss`). luxon is loaded on
 * first use, so commands that read no date do not pay its start-up.
 *
 * Leap seconds (formats.md §3.3): luxon, like Unix time, has no second 60. An inserted second `23:59:60[.fff]` is
 * read as 23:59:59 plus one second, and is accepted only where the leap-second table inserts one: on the TAI axis
 * it is the instant inside the leap second ({@link utcTextToTai}); on a Unix-ms axis, which cannot name it, it is
 * the following midnight, where the Unix clock holds ({@link utcTextToUnixMs}). `:60` anywhere else is refused.
 * Fractions keep every digit written on the TAI axis (luxon itself keeps milliseconds).
 */
import { createRequire } from 'node:module';
import { activeLeapSeconds } from './leap-second-store.js';
import { datAtUtc, type LeapSecondTable } from './leap-second-table.js';
import { TAI_UNIX_OFFSET, type Tai } from './tai.js';

const require = createRequire(import.meta.url);
let luxonModule: typeof import('luxon') | undefined;
/** luxon, loaded on first use. */
export const luxon = (): typeof import('luxon') => (luxonModule ??= require('luxon') as typeof import('luxon'));

/** A UTC instant read from text: whole Unix seconds, the fraction written, and whether it names second 60. */
export interface UtcParts {
  /** Unix seconds of the whole second (for a leap second: of 23:59:59 before it). */
  readonly unixSeconds: number;
  /** Fraction of the second as written, [0, 1). */
  readonly fraction: number;
  /** The text names an inserted second (`23:59:60`). */
  readonly leap: boolean;
}

/** Seconds field `:SS` with its fraction, as written (extended or ITL forms). */
const SECONDS_FIELD = /:(\d{2})(?:[.,](\d+))?(?=$|[Zz]|[+-]\d{2}(?::?\d{2})?$)/;

/**
 * Read `text` as a UTC instant: with luxon `formats` (tried in order, e.g. `d-MMM-yyyy_HH:mm:ss.SSS`), else as
 * ISO 8601 (a space may stand for `T`). No zone means UTC. Undefined when malformed (Feb 30, hour 24, …) or when
 * `:60` is not 23:59:60 UTC (whether that day has a leap second is the caller's to check, against its table).
 */
export function parseUtcParts(text: string, formats: readonly string[] = []): UtcParts | undefined {
  const s = text.trim();
  const sec = SECONDS_FIELD.exec(s);
  const leap = sec?.[1] === '60';
  const digits = sec?.[2];
  // luxon reads at most milliseconds and no second 60: it sees `:59` and no fraction; both are added back below.
  const shown = sec ? `${s.slice(0, sec.index)}:${leap ? '59' : sec[1]}${s.slice(sec.index + sec[0].length)}` : s;
  const { DateTime } = luxon();
  const opts = { zone: 'utc', setZone: true } as const;
  let dt = formats.map((f) => DateTime.fromFormat(shown, f, opts)).find((d) => d.isValid) ?? DateTime.fromISO(shown, opts);
  if (!dt.isValid && / /.test(shown)) dt = DateTime.fromISO(shown.replace(' ', 'T'), opts);
  if (!dt.isValid) return undefined;
  // Without an extended seconds field (basic format `20260101T120000.5Z`) luxon's milliseconds are the fraction.
  const fraction = sec ? (digits ? Number(`0.${digits}`) : 0) : dt.millisecond / 1000;
  const unixSeconds = Math.floor(dt.toMillis() / 1000);
  if (leap && (unixSeconds + 1) % 86_400 !== 0) return undefined;
  return { unixSeconds, fraction, leap };
}

/** Whether the table inserts a second just before Unix second `nextUnix` (a midnight). */
const insertsBefore = (table: LeapSecondTable, nextUnix: number): boolean => datAtUtc(table, nextUnix) > datAtUtc(table, nextUnix - 1);

/** Why a text is not an instant: for the callers' one-line errors. */
export function utcTextProblem(text: string, formats: readonly string[] = [], table: LeapSecondTable = activeLeapSeconds()): string | undefined {
  const p = parseUtcParts(text, formats);
  if (!p) {
    return /:60(?![0-9])/.test(text) ? 'second 60 is only the inserted leap second, 23:59:60 UTC' : 'not a UTC instant such as 2026-01-01T12:00:00Z';
  }
  if (p.leap && !insertsBefore(table, p.unixSeconds + 1)) return `second 60 on a day without a leap second (${new Date(p.unixSeconds * 1000).toISOString().slice(0, 10)})`;
  return undefined;
}

/**
 * TAI seconds since 1958 of a UTC instant written as text; `23:59:60.5` is the middle of the inserted second.
 * Undefined when malformed or naming a leap second the table does not have ({@link utcTextProblem} says why).
 */
export function utcTextToTai(text: string, formats: readonly string[] = [], table: LeapSecondTable = activeLeapSeconds()): Tai | undefined {
  const p = parseUtcParts(text, formats);
  if (!p) return undefined;
  if (p.leap) {
    const next = p.unixSeconds + 1;
    if (!insertsBefore(table, next)) return undefined;
    // The inserted second starts one second after 23:59:59, still at the old ΔAT.
    return (next + datAtUtc(table, p.unixSeconds) + p.fraction + TAI_UNIX_OFFSET) as Tai;
  }
  return (p.unixSeconds + datAtUtc(table, p.unixSeconds) + p.fraction + TAI_UNIX_OFFSET) as Tai;
}

/**
 * Unix milliseconds (UTC) of an instant written as text, fraction rounded to the millisecond. A leap second
 * `23:59:60.xxx` (where the table has one) is the following midnight: the Unix clock holds during it.
 */
export function utcTextToUnixMs(text: string, formats: readonly string[] = [], table: LeapSecondTable = activeLeapSeconds()): number | undefined {
  const p = parseUtcParts(text, formats);
  if (!p) return undefined;
  if (p.leap) return insertsBefore(table, p.unixSeconds + 1) ? (p.unixSeconds + 1) * 1000 : undefined;
  return p.unixSeconds * 1000 + Math.round(p.fraction * 1000);
}
