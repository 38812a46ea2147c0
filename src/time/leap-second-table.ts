/**
 * @module Leap-second tables: the bundled TAI−UTC (ΔAT) steps, the IERS `Leap_Second.dat` parser, and
 * the lookups every UTC conversion uses. The table is data with an expiry date: a leap second is
 * announced about six months ahead in IERS Bulletin C, so a table cannot speak for instants after the
 * "File expires on" date it carries.
 */
import { InputError } from '../errors.js';
import { MJD_UNIX_EPOCH, SECONDS_PER_DAY } from './tai.js';

/** One row of the table: from 00:00:00 UTC of this day on, TAI − UTC = `taiMinusUtc`. */
export interface LeapSecondEntry {
  /** Modified Julian Date of the UTC day the value applies from. */
  readonly mjd: number;
  /** The same instant as Unix seconds (UTC, 00:00:00 of that day). */
  readonly utcUnix: number;
  /** TAI − UTC in whole seconds from that instant on. */
  readonly taiMinusUtc: number;
}

/** A leap-second table, ascending by date. */
export interface LeapSecondTable {
  /** Rows ascending by `mjd`; consecutive values differ by exactly ±1 s. */
  readonly entries: readonly LeapSecondEntry[];
  /** "File expires on" date, `YYYY-MM-DD` (the table is not valid from 00:00 UTC of that day). */
  readonly expires: string;
  /** Where the table came from: `bundled`, or the file name it was parsed from. */
  readonly source: string;
}

/** Months as written in the IERS file header. */
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

const mjdToUnix = (mjd: number): number => (mjd - MJD_UNIX_EPOCH) * SECONDS_PER_DAY;

/** MJD of a Gregorian calendar date (via the proleptic Gregorian calendar of `Date.UTC`). */
export function mjdOf(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / 86_400_000) + MJD_UNIX_EPOCH;
}

/** `[mjd, ΔAT]` steps of formats.md §3.3 (NAIF `naif0012.tls` DELTET/DELTA_AT; IERS Leap_Second.dat). */
const BUNDLED_STEPS: readonly (readonly [number, number])[] = [
  [41317, 10], // 1972-01-01
  [41499, 11], // 1972-07-01
  [41683, 12], // 1973-01-01
  [42048, 13], // 1974-01-01
  [42413, 14], // 1975-01-01
  [42778, 15], // 1976-01-01
  [43144, 16], // 1977-01-01
  [43509, 17], // 1978-01-01
  [43874, 18], // 1979-01-01
  [44239, 19], // 1980-01-01
  [44786, 20], // 1981-07-01
  [45151, 21], // 1982-07-01
  [45516, 22], // 1983-07-01
  [46247, 23], // 1985-07-01
  [47161, 24], // 1988-01-01
  [47892, 25], // 1990-01-01
  [48257, 26], // 1991-01-01
  [48804, 27], // 1992-07-01
  [49169, 28], // 1993-07-01
  [49534, 29], // 1994-07-01
  [50083, 30], // 1996-01-01
  [50630, 31], // 1997-07-01
  [51179, 32], // 1999-01-01
  [53736, 33], // 2006-01-01
  [54832, 34], // 2009-01-01
  [56109, 35], // 2012-07-01
  [57204, 36], // 2015-07-01
  [57754, 37], // 2017-01-01
];

/**
 * The table shipped with idoc. Expiry: IERS `Leap_Second.dat` "Updated through IERS Bulletin 72 issued in
 * July 2026" prints "File expires on 28 June 2027" (Bulletin C 72, Paris, 6 July 2026: no leap second at the
 * end of December 2026). That file was not fetched from the IERS here: the date is taken from copies of it
 * quoted in several public repositories. If in doubt, load the current file with `idoc time leap-seconds --load`.
 */
export const BUNDLED_LEAP_SECONDS: LeapSecondTable = {
  entries: BUNDLED_STEPS.map(([mjd, dat]) => ({ mjd, utcUnix: mjdToUnix(mjd), taiMinusUtc: dat })),
  expires: '2027-06-28',
  source: 'bundled',
};

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Parse the IERS `Leap_Second.dat` format: comment lines start with `#`, one of them reads
 * `#  File expires on 28 June 2027`; data lines are `MJD day month year TAI-UTC`, e.g.
 * `    41317.0    1  1 1972       10`.
 *
 * Checks: five numeric columns, MJD agrees with day/month/year, dates strictly ascending, each step ±1 s,
 * an expiry line present.
 * @throws InputError naming `fileName` and the line on the first problem.
 */
export function parseLeapSecondFile(text: string, fileName: string): LeapSecondTable {
  const entries: LeapSecondEntry[] = [];
  let expires: string | null = null;
  const lines = text.split(/\r?\n/);
  const fail = (line: number, why: string): never => {
    throw new InputError(`${fileName}:${line}: ${why}`);
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /file expires on\s+(\d{1,2})\s+([a-z]+)\s+(\d{4})/i.exec(line);
      if (m) {
        const day = Number(m[1]);
        const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
        const year = Number(m[3]);
        if (month === 0) fail(lineNo, `unknown month "${m[2]}" in the expiry line`);
        const d = new Date(Date.UTC(year, month - 1, day));
        if (d.getUTCDate() !== day) fail(lineNo, `invalid expiry date "${m[1]} ${m[2]} ${m[3]}"`);
        expires = `${year}-${pad2(month)}-${pad2(day)}`;
      }
      continue;
    }
    const cols = line.split(/\s+/);
    if (cols.length !== 5 || !cols.every((c) => /^\d+(\.0*)?$/.test(c))) {
      fail(lineNo, `expected "MJD day month year TAI-UTC" (5 numbers), found "${line.slice(0, 60)}"`);
    }
    const [mjd, day, month, year, dat] = cols.map(Number) as [number, number, number, number, number];
    if (month < 1 || month > 12 || day < 1 || day > 31) fail(lineNo, `invalid date ${day} ${month} ${year}`);
    const expected = mjdOf(year, month, day);
    if (expected !== mjd) fail(lineNo, `MJD ${mjd} does not match ${year}-${pad2(month)}-${pad2(day)} (MJD ${expected})`);
    const prev = entries[entries.length - 1];
    if (prev !== undefined) {
      if (mjd <= prev.mjd) fail(lineNo, `MJD ${mjd} is not after the previous line's ${prev.mjd}`);
      if (Math.abs(dat - prev.taiMinusUtc) !== 1) {
        fail(lineNo, `TAI-UTC steps from ${prev.taiMinusUtc} to ${dat} s (a leap second changes it by 1 s; a line is missing?)`);
      }
    }
    entries.push({ mjd, utcUnix: mjdToUnix(mjd), taiMinusUtc: dat });
  }
  if (entries.length === 0) fail(lines.length, 'no data lines ("MJD day month year TAI-UTC") found');
  if (expires === null) fail(lines.length, 'no "File expires on <day> <month> <year>" line found');
  return { entries, expires: expires!, source: fileName };
}

/** Render a table back in the IERS `Leap_Second.dat` layout (what `parseLeapSecondFile` reads). */
export function formatLeapSecondFile(table: LeapSecondTable): string {
  const [y, m, d] = table.expires.split('-').map(Number) as [number, number, number];
  const out = [
    '#  Value of TAI-UTC in second valid beetween the initial value until',
    '#  the epoch given on the next line. The last line reads that NO',
    '#  leap second was introduced since the corresponding date',
    `#  Written by idoc from: ${table.source}`,
    '#',
    `#  File expires on ${d} ${MONTHS[m - 1]!.replace(/^./, (c) => c.toUpperCase())} ${y}`,
    '#',
    '#    MJD        Date        TAI-UTC (s)',
    '#           day month year',
    '#    ---    --------------   ------',
    '#',
  ];
  for (const e of table.entries) {
    const date = new Date(e.utcUnix * 1000);
    out.push(
      `    ${e.mjd.toFixed(1)}  ${String(date.getUTCDate()).padStart(3)} ${String(date.getUTCMonth() + 1).padStart(2)} ${date.getUTCFullYear()}` +
        `       ${e.taiMinusUtc}`,
    );
  }
  return out.join('\n') + '\n';
}

/** Unix milliseconds of 00:00 UTC on the table's expiry date. */
export const expiresUnixMs = (table: LeapSecondTable): number => Date.parse(`${table.expires}T00:00:00Z`);

// ---------------------------------------------------------------------------------------------------
// Lookups. `x` below is a TAI instant on the Unix axis: x = tai − TAI_UNIX_OFFSET (formats.md §3.3).
// Searches run from the newest row down: recent data is the common case.
// ---------------------------------------------------------------------------------------------------

/**
 * ΔAT (TAI − UTC, s) at the UTC instant `utcUnix` (Unix seconds). Before the first row (1972-01-01)
 * the first row's value (10 s) is used: the 1961–1971 "rubber second" offsets are not modelled.
 */
export function datAtUtc(table: LeapSecondTable, utcUnix: number): number {
  const e = table.entries;
  for (let k = e.length - 1; k > 0; k--) {
    const row = e[k]!;
    if (utcUnix >= row.utcUnix) return row.taiMinusUtc;
  }
  return e[0]!.taiMinusUtc;
}

/**
 * Where the TAI instant `x` (Unix axis) falls: the index k of the row whose inserted second contains
 * it (x in [Uₖ + ΔATₖ₋₁, Uₖ + ΔATₖ) with ΔATₖ > ΔATₖ₋₁), or −1 when it is an ordinary UTC second.
 * `datOut[0]` receives the ΔAT to subtract (ΔATₖ₋₁ inside an inserted second).
 */
export function locateTai(table: LeapSecondTable, x: number, datOut: number[]): number {
  const e = table.entries;
  for (let k = e.length - 1; k > 0; k--) {
    const row = e[k]!;
    if (x >= row.utcUnix + row.taiMinusUtc) {
      datOut[0] = row.taiMinusUtc;
      return -1;
    }
    const prevDat = e[k - 1]!.taiMinusUtc;
    if (row.taiMinusUtc > prevDat && x >= row.utcUnix + prevDat) {
      datOut[0] = prevDat;
      return k;
    }
  }
  datOut[0] = e[0]!.taiMinusUtc;
  return -1;
}
