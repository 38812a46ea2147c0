/**
 * @module Decoded tables → text: wide rows (one per packet, one column per parameter) or long rows (one per
 * sample: time, parameter, raw, engineering, unit, validity, limit state), as CSV (RFC 4180 quoting) or NDJSON.
 * Times are UTC ISO-8601 with Z; an absolute-time parameter's engineering value is printed the same way.
 */
import { taiToUtcIso, utcToTai, utcUnixToTai } from '../../src/time/index.js';
import type { TimeEpoch } from '../../src/mdb/types.js';
import { LIMIT_NAMES, VALIDITY_NAMES, Validity, type Column, type ContainerTable, type Decoder, type Value } from './compile.js';

/** TAI seconds (since 1958) of `seconds` counted from an XTCE epoch (XSD12 EpochType). */
export function epochSecondsToTai(seconds: number, epoch: TimeEpoch): number {
  switch (epoch) {
    case 'TAI':
      return seconds;
    case 'UNIX':
      return utcUnixToTai(seconds); // POSIX seconds: UTC without leap seconds
    case 'GPS':
      return utcToTai('1980-01-06T00:00:00Z') + seconds; // GPS time runs with TAI (TAI − GPS = 19 s)
    case 'J2000':
      return utcToTai('2000-01-01T11:58:55.816Z') + seconds; // 2000-01-01T12:00:00 TT = 11:59:27.816 TAI
    default:
      return utcToTai(/T/.test(epoch) ? (epoch.endsWith('Z') ? epoch : `${epoch}Z`) : `${epoch}T00:00:00Z`) + seconds;
  }
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** A value as text: numbers as JavaScript prints them, bigint in decimal, octets in hex, arrays space-separated. */
export function valueText(v: Value | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  if (typeof v === 'bigint' || typeof v === 'string') return String(v);
  if (v instanceof Uint8Array) return hex(v);
  return v.map(valueText).join(' ');
}

function jsonValue(v: Value | undefined): unknown {
  if (v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return hex(v);
  if (typeof v === 'string') return v;
  return v.map(jsonValue);
}

const csvCell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const timeText = (tai: number): string => (Number.isNaN(tai) ? '' : taiToUtcIso(tai, 6));

export interface FormatOptions {
  /** Wide rows hold raw values instead of engineering values. */
  readonly raw?: boolean;
}

/** The raw value of sample `row`. */
export function rawAt(col: Column, row: number): Value | undefined {
  if (col.validity[row] === Validity.absent) return undefined;
  return col.raw instanceof Float64Array ? col.raw[row]! : col.raw[row];
}

/** The engineering value of sample `row` as printed (absolute times as UTC). */
export function engineeringText(dec: Decoder, col: Column, row: number): string {
  const v = dec.engineering(col, row);
  const t = col.field.type;
  if (t.kind === 'absoluteTime' && typeof v === 'number' && t.time) return timeText(epochSecondsToTai(v, t.time.epoch));
  return valueText(v);
}

function engineeringJson(dec: Decoder, col: Column, row: number): unknown {
  const t = col.field.type;
  if (t.kind === 'absoluteTime') return engineeringText(dec, col, row) || null;
  return jsonValue(dec.engineering(col, row));
}

/** Wide CSV of one table: `time,apid,<parameters…>`, one line per packet. */
export function* wideCsv(dec: Decoder, t: ContainerTable, o: FormatOptions = {}): Generator<string> {
  yield `${['time', 'apid', ...t.columns.map((c) => c.field.parameter.name)].map(csvCell).join(',')}\r\n`; // RFC 4180 §2: CRLF
  for (let r = 0; r < t.rows; r++) {
    const cells = [timeText(t.tai[r]!), String(t.apid[r])];
    for (const c of t.columns) cells.push(csvCell(o.raw ? valueText(rawAt(c, r)) : engineeringText(dec, c, r)));
    yield `${cells.join(',')}\r\n`;
  }
}

/** Wide NDJSON: `{"time","apid","container","values":{name: value}}` per packet. */
export function* wideJson(dec: Decoder, t: ContainerTable, o: FormatOptions = {}): Generator<string> {
  for (let r = 0; r < t.rows; r++) {
    const values: Record<string, unknown> = {};
    for (const c of t.columns) values[c.field.parameter.name] = o.raw ? jsonValue(rawAt(c, r)) : engineeringJson(dec, c, r);
    yield `${JSON.stringify({ time: timeText(t.tai[r]!) || null, apid: t.apid[r], container: t.container.name, values })}\n`;
  }
}

export const LONG_HEADER = ['time', 'apid', 'container', 'parameter', 'raw', 'engineering', 'unit', 'validity', 'limit'];

/** Long rows, one per sample present in the packet (absent entries are left out). */
export function* longRows(dec: Decoder, t: ContainerTable, json: boolean): Generator<string> {
  for (let r = 0; r < t.rows; r++) {
    const time = timeText(t.tai[r]!);
    for (const c of t.columns) {
      const validity = c.validity[r]!;
      if (validity === Validity.absent) continue;
      const unit = c.field.type.unit ?? '';
      if (json) {
        yield `${JSON.stringify({ time: time || null, apid: t.apid[r], container: t.container.name, parameter: c.field.parameter.name, raw: jsonValue(rawAt(c, r)), engineering: engineeringJson(dec, c, r), unit: unit || null, validity: VALIDITY_NAMES[validity], limit: LIMIT_NAMES[c.limit[r]!] })}\n`;
      } else {
        yield `${[time, String(t.apid[r]), t.container.name, c.field.parameter.name, valueText(rawAt(c, r)), engineeringText(dec, c, r), unit, VALIDITY_NAMES[validity]!, LIMIT_NAMES[c.limit[r]!]!].map(csvCell).join(',')}\r\n`;
      }
    }
  }
}
