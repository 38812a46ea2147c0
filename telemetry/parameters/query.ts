/**
 * @module Answers from the parameter archive: samples of a time range as rows (CSV or NDJSON), and statistics
 * (count, min, max, mean of the valid engineering numbers) per parameter, over the whole range or per bin of an
 * ISO-8601 duration (bins start at `from`, else at the first sample's time rounded down to the bin width on
 * the UTC-without-leap-seconds grid, so `PT1M` bins start on whole minutes).
 */
import { taiToUtcIso, taiToUtcUnix, utcUnixToTai } from '../../src/time/index.js';
import { LIMIT_NAMES, VALIDITY_NAMES, Validity } from './compile.js';
import { engNumber, limitOf, validityOf, type ParameterArchiveReader, type ParameterSeries } from './archive.js';
import { epochSecondsToTai } from './format.js';

const csvCell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const timeText = (tai: number): string => (Number.isNaN(tai) ? '' : taiToUtcIso(tai, 6));

export const SAMPLE_HEADER = ['time', 'apid', 'parameter', 'raw', 'engineering', 'unit', 'validity', 'limit'];

/** Raw value of sample k as text. */
export function rawText(s: ParameterSeries, k: number): string {
  if (s.raw instanceof Float64Array) {
    const v = s.raw[k]!;
    return Number.isNaN(v) ? '' : String(v);
  }
  return s.raw[k] ?? '';
}

/** Engineering value of sample k as text (absolute times as UTC). */
export function engText(s: ParameterSeries, k: number): string {
  const t = s.parameter.type;
  if (s.eng instanceof Float64Array) {
    const v = s.eng[k]!;
    if (Number.isNaN(v)) return '';
    if (t.kind === 'absoluteTime' && t.time) return timeText(epochSecondsToTai(v, t.time.epoch));
    return String(v);
  }
  if (s.eng !== undefined) return s.eng[k] ?? '';
  return rawText(s, k);
}

/** One sample as a CSV line or an NDJSON object. */
export function sampleLine(s: ParameterSeries, k: number, json: boolean): string {
  const unit = s.parameter.type.unit ?? '';
  const validity = VALIDITY_NAMES[validityOf(s.state[k]!)]!;
  const limit = LIMIT_NAMES[limitOf(s.state[k]!)]!;
  if (json) {
    const num = (x: string): unknown => (x === '' ? null : s.raw instanceof Float64Array && Number.isFinite(Number(x)) ? Number(x) : x);
    const e = engText(s, k);
    const engValue = e === '' ? null : s.eng === undefined || (s.eng instanceof Float64Array && s.parameter.type.kind !== 'absoluteTime') ? Number(e) : e;
    return `${JSON.stringify({ time: timeText(s.tai[k]!) || null, apid: s.apid[k], parameter: s.parameter.name, raw: num(rawText(s, k)), engineering: engValue, unit: unit || null, validity, limit })}\n`;
  }
  return `${[timeText(s.tai[k]!), String(s.apid[k]), s.parameter.name, rawText(s, k), engText(s, k), unit, validity, limit].map(csvCell).join(',')}\r\n`;
}

/** Statistics of one parameter over one bin. */
export interface BinStats {
  readonly parameter: string;
  /** Bin start and end, TAI (the whole range: first and last sample time when no bin width is given). */
  readonly fromTai: number;
  readonly toTai: number;
  /** Samples in the bin (all validities). */
  readonly samples: number;
  /** Valid samples with an engineering number, and their min/max/mean. */
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export interface StatsOptions {
  readonly fromTai?: number;
  readonly toTai?: number;
  /** Bin width, seconds. */
  readonly binSeconds?: number;
}

/**
 * Statistics of `name`, read chunk by chunk (memory bounded by one chunk plus the bins): per bin when a bin
 * width is given (bins with samples only), else one row. Untimed samples count only without a range and bin.
 */
export function parameterStats(reader: ParameterArchiveReader, name: string, o: StatsOptions = {}): BinStats[] {
  const bins = new Map<number, { samples: number; count: number; min: number; max: number; sum: number; first: number; last: number }>();
  const width = o.binSeconds;
  const lo = o.fromTai ?? -Infinity;
  const hi = o.toTai ?? Infinity;
  const ranged = o.fromTai !== undefined || o.toTai !== undefined;
  // Bin origin: `from`, else whole multiples of the width since 1970 in UTC without leap seconds.
  const binOf = (tai: number): number => {
    if (width === undefined) return 0;
    if (o.fromTai !== undefined) return o.fromTai + Math.floor((tai - o.fromTai) / width) * width;
    const unix = taiToUtcUnix(tai);
    return utcUnixToTai(Math.floor(unix / width) * width);
  };
  for (const series of seriesChunks(reader, name, o.fromTai, o.toTai)) {
    for (let k = 0; k < series.length; k++) {
      const t = series.tai[k]!;
      if (ranged && !(t >= lo && t < hi)) continue;
      if (width !== undefined && Number.isNaN(t)) continue;
      const key = binOf(t);
      let b = bins.get(key);
      if (!b) bins.set(key, (b = { samples: 0, count: 0, min: Infinity, max: -Infinity, sum: 0, first: t, last: t }));
      b.samples++;
      if (t < b.first || Number.isNaN(b.first)) b.first = t;
      if (t > b.last || Number.isNaN(b.last)) b.last = t;
      if (validityOf(series.state[k]!) !== Validity.valid) continue;
      const v = engNumber(series, k);
      if (!Number.isFinite(v)) continue;
      b.count++;
      b.sum += v;
      if (v < b.min) b.min = v;
      if (v > b.max) b.max = v;
    }
  }
  return [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([key, b]) => ({
    parameter: name,
    fromTai: width !== undefined ? key : b.first,
    toTai: width !== undefined ? key + width : b.last,
    samples: b.samples,
    count: b.count,
    min: b.count ? b.min : NaN,
    max: b.count ? b.max : NaN,
    mean: b.count ? b.sum / b.count : NaN,
  }));
}

/** Each chunk of `name` as a small series (unsorted across chunks: statistics need no order). */
function* seriesChunks(reader: ParameterArchiveReader, name: string, fromTai?: number, toTai?: number): Generator<ParameterSeries> {
  const parameter = reader.parameter(name);
  if (!parameter) return;
  for (const c of reader.chunks(name, fromTai, toTai)) {
    const copy = (b: Buffer) => {
      const u = new Uint8Array(b.byteLength);
      u.set(b);
      return u.buffer;
    };
    yield {
      parameter,
      tai: new Float64Array(copy(c.tai)),
      apid: new Uint16Array(copy(c.apid)),
      raw: c.raw ? new Float64Array(copy(c.raw)) : (JSON.parse(c.raw_text ?? '[]') as string[]),
      eng: c.eng ? new Float64Array(copy(c.eng)) : c.eng_text ? (JSON.parse(c.eng_text) as (string | null)[]) : undefined,
      state: new Uint8Array(c.state),
      length: c.n,
    };
  }
}

export const STATS_HEADER = ['parameter', 'from', 'to', 'samples', 'count', 'min', 'max', 'mean'];

const numText = (x: number): string => (Number.isNaN(x) ? '' : String(x));

export function statsLine(b: BinStats, json: boolean): string {
  if (json) {
    const n = (x: number) => (Number.isFinite(x) ? x : null);
    return `${JSON.stringify({ parameter: b.parameter, from: timeText(b.fromTai) || null, to: timeText(b.toTai) || null, samples: b.samples, count: b.count, min: n(b.min), max: n(b.max), mean: n(b.mean) })}\n`;
  }
  return `${[b.parameter, timeText(b.fromTai), timeText(b.toTai), String(b.samples), String(b.count), numText(b.min), numText(b.max), numText(b.mean)].map(csvCell).join(',')}\r\n`;
}

/**
 * Samples of several parameters as one Parquet file (Apache Parquet format, written by hyparquet-writer,
 * SNAPPY-compressed): `time` (TIMESTAMP, milliseconds), `time_utc` (ISO-8601 with microseconds), `apid`,
 * `parameter`, `raw` (DOUBLE, null for texts), `raw_text`, `engineering` (DOUBLE), `engineering_text`
 * (labels, texts, absolute times in UTC), `unit`, `validity`, `limit`. Written to a temporary name, then renamed.
 * The columns are built in memory (about 100 bytes per sample).
 */
export async function writeParquet(series: readonly ParameterSeries[], file: string): Promise<number> {
  const { parquetWriteFile } = await import('hyparquet-writer');
  const fs = await import('node:fs');
  const time: (bigint | null)[] = [];
  const timeUtc: (string | null)[] = [];
  const apid: number[] = [];
  const parameter: string[] = [];
  const raw: (number | null)[] = [];
  const rawT: (string | null)[] = [];
  const eng: (number | null)[] = [];
  const engT: (string | null)[] = [];
  const unit: (string | null)[] = [];
  const validity: string[] = [];
  const limit: string[] = [];
  for (const s of series) {
    const numericEng = s.parameter.type.kind !== 'absoluteTime' && (s.eng instanceof Float64Array || (s.eng === undefined && s.raw instanceof Float64Array));
    for (let k = 0; k < s.length; k++) {
      const t = s.tai[k]!;
      time.push(Number.isNaN(t) ? null : BigInt(Math.round(taiToUtcUnix(t) * 1000)));
      timeUtc.push(Number.isNaN(t) ? null : timeText(t));
      apid.push(s.apid[k]!);
      parameter.push(s.parameter.name);
      const r = rawText(s, k);
      if (s.raw instanceof Float64Array) {
        raw.push(r === '' ? null : Number(r));
        rawT.push(null);
      } else {
        raw.push(null);
        rawT.push(r);
      }
      const e = engText(s, k);
      if (numericEng) {
        eng.push(e === '' ? null : Number(e));
        engT.push(null);
      } else {
        eng.push(null);
        engT.push(e === '' ? null : e);
      }
      unit.push(s.parameter.type.unit ?? null);
      validity.push(VALIDITY_NAMES[validityOf(s.state[k]!)]!);
      limit.push(LIMIT_NAMES[limitOf(s.state[k]!)]!);
    }
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    parquetWriteFile({
      filename: tmp,
      columnData: [
        { name: 'time', data: time, type: 'TIMESTAMP' },
        { name: 'time_utc', data: timeUtc, type: 'STRING' },
        { name: 'apid', data: apid, type: 'INT32' },
        { name: 'parameter', data: parameter, type: 'STRING' },
        { name: 'raw', data: raw, type: 'DOUBLE' },
        { name: 'raw_text', data: rawT, type: 'STRING' },
        { name: 'engineering', data: eng, type: 'DOUBLE' },
        { name: 'engineering_text', data: engT, type: 'STRING' },
        { name: 'unit', data: unit, type: 'STRING' },
        { name: 'validity', data: validity, type: 'STRING' },
        { name: 'limit', data: limit, type: 'STRING' },
      ],
      createdBy: 'idoc',
    });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return time.length;
}
