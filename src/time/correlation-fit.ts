/**
 * @module Time couples → one coefficient set (UTC = gradient × OBT + offset, formats.md §3.4) by ordinary least
 * squares, with the residuals. A time-couple file is CSV: a header `obt,utc`, then raw on-board seconds and UTC
 * (RFC 3339 with Z) per line; blank lines and `#` comments are skipped.
 */
import { InputError } from '../errors.js';
import type { CorrelationSet } from './packet-times.js';

export interface TimeCouple {
  /** Raw on-board seconds. */
  readonly obt: number;
  /** UTC, Unix seconds. */
  readonly utcUnix: number;
}

export interface CorrelationFit {
  readonly set: CorrelationSet;
  readonly couples: number;
  /** Root mean square and largest absolute residual (fitted − given UTC), seconds. */
  readonly rmsSeconds: number;
  readonly maxSeconds: number;
}

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Parse a time-couple CSV. @throws InputError naming the file and line. */
export function parseTimeCouples(text: string, file: string): TimeCouple[] {
  const out: TimeCouple[] = [];
  let header = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*/, '').trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    if (!header) {
      if (cells.length !== 2 || cells[0]!.toLowerCase() !== 'obt' || cells[1]!.toLowerCase() !== 'utc') {
        throw new InputError(`${file}: line ${i + 1}: expected the header "obt,utc", got "${line}"`);
      }
      header = true;
      continue;
    }
    const obt = Number(cells[0]);
    const utc = cells[1] ?? '';
    if (cells.length !== 2 || cells[0] === '' || !Number.isFinite(obt) || obt < 0) throw new InputError(`${file}: line ${i + 1}: on-board time must be a number of seconds ≥ 0, got "${cells[0] ?? ''}"`);
    if (!ISO_Z.test(utc) || Number.isNaN(Date.parse(utc))) throw new InputError(`${file}: line ${i + 1}: UTC must be RFC 3339 with Z (e.g. 2015-04-22T07:19:18.98Z), got "${utc}"`);
    const frac = /\.(\d+)Z$/.exec(utc)?.[1];
    // Date.parse keeps milliseconds only: add the sub-millisecond digits back.
    const sub = frac && frac.length > 3 ? Number(`0.000${frac.slice(3)}`) : 0;
    out.push({ obt, utcUnix: Date.parse(utc) / 1000 + sub });
  }
  if (!header) throw new InputError(`${file}: empty time-couple file (expected the header "obt,utc")`);
  if (out.length < 2) throw new InputError(`${file}: ${out.length} time couple(s): at least 2 are needed to fit a correlation`);
  return out;
}

/**
 * Least-squares fit of UTC on OBT. Centred sums keep the precision of OBT ~1e8 s and UTC ~1e9 s.
 * Valid from the smallest OBT of the couples, open-ended.
 * @throws InputError when every couple has the same OBT.
 */
export function fitCorrelation(couples: readonly TimeCouple[], what = 'time couples'): CorrelationFit {
  const n = couples.length;
  let mx = 0;
  let my = 0;
  for (const c of couples) {
    mx += c.obt;
    my += c.utcUnix;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (const c of couples) {
    const dx = c.obt - mx;
    sxx += dx * dx;
    sxy += dx * (c.utcUnix - my);
  }
  if (sxx === 0) throw new InputError(`${what}: every couple has the same on-board time: no gradient can be fitted`);
  const gradient = sxy / sxx;
  const offset = my - gradient * mx;
  let ss = 0;
  let max = 0;
  for (const c of couples) {
    // Residual from the centred form (offset + gradient × obt loses digits at 1e9).
    const r = (my + gradient * (c.obt - mx)) - c.utcUnix;
    ss += r * r;
    max = Math.max(max, Math.abs(r));
  }
  const validFromObt = Math.min(...couples.map((c) => c.obt));
  return { set: { validFromObt, gradient, offset }, couples: n, rmsSeconds: Math.sqrt(ss / n), maxSeconds: max };
}
