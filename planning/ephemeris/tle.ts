/**
 * @module Two-line element sets (NORAD format, CelesTrak "TLE format" / formats.md §7.2) propagated with
 * satellite.js (SGP4/SDP4, Vallado 2006 revision, WGS-72 constants), giving TEME states.
 *
 * - Parsing checks each line's layout column by column and its checksum (sum of digits + 1 per `-`, mod 10),
 *   and rejects a malformed line with its line number.
 * - Several element sets per object: each is used around its own epoch, from the midpoint with the previous
 *   set's epoch to the midpoint with the next one; beyond the first and last, up to `tleMaxAgeDays`.
 * - An SGP4 failure (decay, eccentricity out of range…) is returned as a value naming the element set's lines.
 */
import { createRequire } from 'node:module';
import type { SatRec } from 'satellite.js';
import { InputError, type Problem } from '../../src/errors.js';
import { refuseBinary } from '../../src/text-guard.js';
import { EphemerisInputError, printable } from './oem-segment.js';
import type { StateVector, UnixMs } from '../geometry/types.js';
import type { CoverageSpan, Ephemeris, EphemerisOptions, StateResult } from './types.js';

/** One element set as read from a file. */
export interface TleRecord {
  /** Name line (line 0) if present, trimmed, without a leading `0 `. */
  readonly name: string;
  /** Catalogue number as written (5 characters; Alpha-5 allowed). */
  readonly catalog: string;
  /** International designator (columns 10–17), trimmed. */
  readonly designator: string;
  readonly line1: string;
  readonly line2: string;
  /** 1-based line number of line 1 in the file. */
  readonly lineNo: number;
  /** Epoch, Unix ms UTC. */
  readonly epoch: UnixMs;
  /** Revolution number at epoch (line 2 columns 64–68). */
  readonly revAtEpoch: number;
}

/** SGP4 error codes of satellite.js / Vallado (SatRecError), as words. */
export const SGP4_ERRORS: Readonly<Record<number, string>> = {
  1: 'mean eccentricity out of range 0 ≤ e < 1',
  2: 'mean motion below zero',
  3: 'perturbed eccentricity out of range 0 ≤ e ≤ 1',
  4: 'semi-latus rectum below zero',
  5: 'epoch elements are sub-orbital',
  6: 'satellite has decayed',
};

/**
 * satellite.js, loaded on the first element set (synchronously: `require` of an ES module, Node ≥ 20.19): an OEM
 * or SPK run of `idoc orbit` does not pay its ~25 ms of module loading at start-up.
 */
let sat: typeof import('satellite.js') | undefined;
function satellite(): typeof import('satellite.js') {
  return (sat ??= createRequire(import.meta.url)('satellite.js') as typeof import('satellite.js'));
}

/** TLE checksum of the first 68 columns: digits summed, `-` counts 1, mod 10. */
export function tleChecksum(line: string): number {
  let sum = 0;
  for (let i = 0; i < 68 && i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) sum += c - 48;
    else if (c === 45) sum += 1;
  }
  return sum % 10;
}

// Column layouts (1-based columns in comments; CelesTrak "NORAD Two-Line Element Set Format").
const LINE1 = /^1 [0-9A-Z][0-9 ]{4}[A-Z ] [0-9 ]{5}[A-Z0-9 ]{3} [0-9 ]{2}[0-9 ]{3}\.[0-9 ]{8} [ +-]\.[0-9 ]{8} [ +-][0-9 ]{5}[+-][0-9] [ +-][0-9 ]{5}[+-][0-9] [0-9 ] [0-9 ]{4}[0-9]$/;
const LINE2 = /^2 [0-9A-Z][0-9 ]{4} [0-9 ]{3}\.[0-9 ]{4} [0-9 ]{3}\.[0-9 ]{4} [0-9]{7} [0-9 ]{3}\.[0-9 ]{4} [0-9 ]{3}\.[0-9 ]{4} [0-9 ]{2}\.[0-9 ]{8}[0-9 ]{5}[0-9]$/;

/** Options for {@link parseTle}. */
export interface ParseTleOptions {
  /** Accept text after column 69 (the Vallado verification file carries start/stop/step there). Default false. */
  readonly allowTrailing?: boolean;
  /** Check the column-69 checksums. Default true. */
  readonly checksum?: boolean;
}

/**
 * Parse a TLE file: optional name lines, then line 1 and line 2 pairs. Blank lines and `#` comments are
 * skipped. Every problem is collected; if there is any, one InputError lists them all.
 * @throws InputError naming `file:line` for each malformed line, bad checksum or unpaired line.
 */
export function parseTle(text: string, file: string, options: ParseTleOptions = {}): TleRecord[] {
  refuseBinary(text, file, 'two-line element sets');
  const lines = text.split(/\r?\n/);
  const problems: Problem[] = [];
  const out: TleRecord[] = [];
  let name = '';
  const fail = (lineNo: number, message: string) => problems.push({ code: 'tle', path: `${file}:${lineNo}`, message: printable(message) });
  const clip = (l: string, n: number): string | undefined => {
    const t = l.replace(/\s+$/, '');
    if (t.length === 69) return t;
    if (t.length > 69 && options.allowTrailing) return t.slice(0, 69);
    fail(n, `line ${t[0]} has ${t.length} characters, expected 69`);
    return undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const n = i + 1;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    if (raw.startsWith('1 ')) {
      const next = lines[i + 1];
      if (next === undefined || !next.startsWith('2 ')) {
        fail(n, 'line 1 is not followed by line 2');
        continue;
      }
      i++;
      const l1 = clip(raw, n);
      const l2 = clip(next, n + 1);
      if (l1 === undefined || l2 === undefined) continue;
      let ok = true;
      if (!LINE1.test(l1)) { fail(n, `line 1 does not match the TLE layout: "${l1}"`); ok = false; }
      if (!LINE2.test(l2)) { fail(n + 1, `line 2 does not match the TLE layout: "${l2}"`); ok = false; }
      if (!ok) continue;
      if (options.checksum !== false) {
        for (const [l, ln] of [[l1, n], [l2, n + 1]] as const) {
          const want = tleChecksum(l);
          if (Number(l[68]) !== want) { fail(ln, `checksum ${l[68]} in column 69, computed ${want}`); ok = false; }
        }
      }
      if (l1.slice(2, 7) !== l2.slice(2, 7)) {
        fail(n + 1, `catalogue number ${l2.slice(2, 7).trim()} differs from line 1's ${l1.slice(2, 7).trim()}`);
        ok = false;
      }
      if (!ok) continue;
      const yy = Number(l1.slice(18, 20));
      const doy = Number(l1.slice(20, 32));
      if (!(doy >= 1 && doy < 367)) { fail(n, `epoch day of year ${l1.slice(20, 32).trim()} out of range`); continue; }
      // Two-digit years: 57–99 → 1957–1999, 00–56 → 2000–2056 (the SGP4 convention).
      const year = yy < 57 ? 2000 + yy : 1900 + yy;
      const epoch = Date.UTC(year, 0, 1) + (doy - 1) * 86400000;
      out.push({
        name, catalog: l1.slice(2, 7), designator: l1.slice(9, 17).trim(), line1: l1, line2: l2, lineNo: n, epoch,
        revAtEpoch: Number(l2.slice(63, 68).trim() || '0'),
      });
      name = '';
    } else if (raw.startsWith('2 ')) {
      fail(n, 'line 2 without a preceding line 1');
    } else {
      name = raw.replace(/^0 /, '').trim();
    }
  }
  if (out.length === 0 && problems.length === 0) fail(lines.length, 'no element sets found');
  if (problems.length > 0) {
    // One line for one problem; every problem listed when several (`located` keeps them all for orbit check).
    throw new EphemerisInputError(`${problems[0]!.path}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
  }
  return out;
}

/** The object keys of a record: catalogue number without leading zeros/blanks, and name. */
const catalogKey = (r: TleRecord): string => r.catalog.trim().replace(/^0+(?=.)/, '');

/**
 * Choose the element sets of one object. With `object` unset the file must hold one object.
 * @throws InputError when the object is absent or the choice is ambiguous.
 */
export function selectObject(records: readonly TleRecord[], file: string, object?: string): TleRecord[] {
  const keys = [...new Set(records.map(catalogKey))];
  if (object === undefined) {
    if (keys.length === 1) return [...records];
    const list = keys.map((k) => `${k} ${records.find((r) => catalogKey(r) === k)!.name}`.trim()).join(', ');
    throw new InputError(`${file}: holds ${keys.length} objects (${list}); choose one with --object NAME|NUMBER`);
  }
  const want = object.trim().replace(/^0+(?=.)/, '').toUpperCase();
  const hit = records.filter((r) => catalogKey(r).toUpperCase() === want || r.name.toUpperCase() === want);
  const byPrefix = hit.length > 0 ? hit : records.filter((r) => r.name.toUpperCase().startsWith(want));
  const objs = new Set(byPrefix.map(catalogKey));
  if (objs.size === 0) throw new InputError(`${file}: no element set for object "${object}"`);
  if (objs.size > 1) throw new InputError(`${file}: "${object}" matches ${objs.size} objects (${[...objs].join(', ')})`);
  const key = [...objs][0]!;
  return records.filter((r) => catalogKey(r) === key);
}

interface LoadedSet {
  readonly rec: TleRecord;
  readonly satrec: SatRec;
  readonly from: UnixMs;
  readonly to: UnixMs;
  readonly where: string;
}

/**
 * An ephemeris from the element sets of one object (see the module comment for which set serves when).
 * @throws InputError when SGP4 cannot even initialise an element set (naming its lines).
 */
export function tleEphemeris(records: readonly TleRecord[], file: string, options: EphemerisOptions = {}): Ephemeris {
  if (records.length === 0) throw new InputError(`${file}: no element sets`);
  const maxAge = (options.tleMaxAgeDays ?? 30) * 86400000;
  const sorted = [...records].sort((a, b) => a.epoch - b.epoch);
  const sets: LoadedSet[] = sorted.map((rec, i) => {
    const where = `${file}:${rec.lineNo}-${rec.lineNo + 1}`;
    const satrec = satellite().twoline2satrec(rec.line1, rec.line2);
    if (satrec.error !== 0) {
      throw new InputError(`${where}: SGP4 cannot initialise element set ${rec.catalog.trim()} (error ${satrec.error}: ${SGP4_ERRORS[satrec.error] ?? 'unknown'})`);
    }
    const prev = sorted[i - 1];
    const next = sorted[i + 1];
    const from = prev ? (prev.epoch + rec.epoch) / 2 : rec.epoch - maxAge;
    const to = next ? (rec.epoch + next.epoch) / 2 : rec.epoch + maxAge;
    return { rec, satrec, from, to, where };
  });
  const coverage: CoverageSpan[] = [{ start: sets[0]!.from, end: sets.at(-1)!.to, where: `${file}:${sorted[0]!.lineNo}` }];
  const first = sorted[0]!;
  let last = sets[0]!;
  const pick = (t: UnixMs): LoadedSet | undefined => {
    if (t >= last.from && t <= last.to) return last;
    for (const s of sets) if (t >= s.from && t <= s.to) return (last = s);
    return undefined;
  };
  return {
    source: file,
    kind: 'tle',
    objectName: first.name || first.catalog.trim(),
    objectId: first.catalog.trim(),
    frame: 'TEME',
    coverage,
    orbitReference: { t: first.epoch, orbit: first.revAtEpoch },
    stateAt(t: UnixMs): StateResult {
      const { sgp4 } = satellite();
      const s = pick(t);
      if (!s) {
        const near = t < sets[0]!.from ? sets[0]! : sets.at(-1)!;
        return { ok: false, reason: 'outside-coverage', message: `${near.where}: ${new Date(t).toISOString()} is more than ${maxAge / 86400000} days from the epoch of the nearest element set (${new Date(near.rec.epoch).toISOString()}); no state there` };
      }
      const minutes = (t - s.rec.epoch) / 60000;
      const pv = sgp4(s.satrec, minutes);
      if (pv === null || s.satrec.error !== 0) {
        const code = s.satrec.error;
        return { ok: false, reason: 'propagation-error', message: `${s.where}: SGP4 error ${code} (${SGP4_ERRORS[code] ?? 'unknown'}) at ${new Date(t).toISOString()}, ${minutes.toFixed(3)} min from epoch` };
      }
      const state: StateVector<'TEME'> = { t, frame: 'TEME', r: pv.position, v: pv.velocity };
      return { ok: true, state };
    },
  };
}
