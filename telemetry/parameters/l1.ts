/**
 * @module L1 products from the parameter archive: the chosen parameters over a time range joined on their
 * sample times (one record per time; the k-th sample of a time in one series meets the k-th of the others),
 * engineering values (calibrated numbers, enumeration labels, absolute times in UTC; invalid samples missing),
 * written as a PDS4 `Table_Character` file and its label (telemetry/products/l1-table.ts), each to a temporary
 * name then renamed. Versioned products (the L1 worker's) are named for a fixed instant (their window's start) with
 * `_v<N>`: a table that differs from the latest version's becomes version N+1 (PDS4 Standards Reference §6D: a new
 * VID for changed content, the LID kept), an equal one is left alone.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { taiToUtcIso } from '../../src/time/index.js';
import { l1Label, l1Table, type L1Column, type L1LabelInput } from '../products/l1-table.js';
import { Validity } from './compile.js';
import { validityOf, type ParameterArchiveReader, type ParameterSeries } from './archive.js';
import { epochSecondsToTai } from './format.js';

/** The engineering value of sample k for a table cell (undefined when invalid). */
function cell(s: ParameterSeries, k: number): number | string | undefined {
  if (validityOf(s.state[k]!) !== Validity.valid) return undefined;
  const t = s.parameter.type;
  if (s.eng instanceof Float64Array) {
    const v = s.eng[k]!;
    if (t.kind === 'absoluteTime' && t.time) return Number.isFinite(v) ? taiToUtcIso(epochSecondsToTai(v, t.time.epoch), 6) : undefined;
    return v;
  }
  if (s.eng !== undefined) return s.eng[k] ?? undefined;
  return s.raw instanceof Float64Array ? s.raw[k] : s.raw[k];
}

/** Join series on their sample times (untimed samples are left out). */
export function joinSeries(series: readonly ParameterSeries[]): { tai: number[]; columns: L1Column[] } {
  const keys = new Map<string, { tai: number; occ: number }>();
  const keyed = series.map((s) => {
    const seen = new Map<number, number>();
    const out: string[] = [];
    for (let k = 0; k < s.length; k++) {
      const t = s.tai[k]!;
      if (Number.isNaN(t)) {
        out.push('');
        continue;
      }
      const occ = seen.get(t) ?? 0;
      seen.set(t, occ + 1);
      const key = `${t}#${occ}`;
      keys.set(key, { tai: t, occ });
      out.push(key);
    }
    return out;
  });
  const rows = [...keys.entries()].sort((a, b) => a[1].tai - b[1].tai || a[1].occ - b[1].occ);
  const rowOf = new Map(rows.map(([key], i) => [key, i]));
  const columns = series.map((s, i): L1Column => {
    const values: (number | string | undefined)[] = new Array<number | string | undefined>(rows.length).fill(undefined);
    keyed[i]!.forEach((key, k) => {
      if (key) values[rowOf.get(key)!] = cell(s, k);
    });
    const t = s.parameter.type;
    return {
      name: s.parameter.name, values, calibrated: t.calibrator !== undefined || (t.contextCalibrators?.length ?? 0) > 0,
      ...(t.unit ? { unit: t.unit } : {}), ...(s.parameter.description ?? t.description ? { description: (s.parameter.description ?? t.description)! } : {}),
    };
  });
  return { tai: rows.map(([, r]) => r.tai), columns };
}

export interface L1WriteInput {
  readonly names: readonly string[];
  readonly fromTai?: number;
  readonly toTai?: number;
  readonly outDir: string;
  /** Product id stem (default `parameters`); the start time is appended. */
  readonly name?: string;
  /** `urn:<agency>:<authority>:<bundle>`. */
  readonly bundle: string;
  readonly label: Omit<L1LabelInput, 'lid' | 'vid' | 'title' | 'start' | 'stop' | 'dataFile' | 'productTime'>;
  /** Default now. */
  readonly productTime?: string;
  /** The UTC instant in the product id (default the first sample's time); a window's start keeps the id stable. */
  readonly idTime?: string;
  /** Write `<id>_v<N>` files with VID `N.0`, a new version only when the table changed (default false: `<id>`, 1.0, replaced). */
  readonly versioned?: boolean;
}

export interface L1Written {
  readonly dataFile: string;
  readonly labelFile: string;
  readonly records: number;
  readonly lid: string;
  /** `1.0`, `2.0`, … */
  readonly vid: string;
  /** `unchanged`: versioned, and the latest version already holds this table (nothing written). */
  readonly status: 'new' | 'updated' | 'unchanged';
}

/** The latest version of a versioned product in `dir`: its number and data file, or undefined. */
function latestVersion(dir: string, id: string): { n: number; dataFile: string } | undefined {
  let best: number | undefined;
  const re = new RegExp(`^${id}_v(\\d+)\\.csv$`);
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const m = re.exec(f);
    if (m && (best === undefined || Number(m[1]) > best)) best = Number(m[1]);
  }
  return best === undefined ? undefined : { n: best, dataFile: path.join(dir, `${id}_v${best}.csv`) };
}

/**
 * Write one L1 product.
 * @throws Error when no sample of the parameters has a time in the range.
 */
export function writeL1(reader: ParameterArchiveReader, input: L1WriteInput): L1Written {
  const series = input.names.map((n) => {
    const s = reader.series(n, input.fromTai, input.toTai);
    if (!s) throw new Error(`${n}: not in the parameter archive`);
    return s;
  });
  const joined = joinSeries(series);
  if (!joined.tai.length) throw new Error('no timed sample of these parameters in the range');
  const times = joined.tai.map((t) => taiToUtcIso(t, 6));
  const table = l1Table({ times, columns: joined.columns });
  const start = times[0]!;
  const stop = times[times.length - 1]!;
  const stem = (input.name ?? 'parameters').toLowerCase().replace(/[^a-z0-9_-]+/g, '_');
  const id = `${stem}_${(input.idTime ?? start).slice(0, 19).replace(/[-:]/g, '').toLowerCase()}`;
  const collection = table.calibrated ? 'data_calibrated' : 'data_partially_processed';
  const lid = `${input.bundle}:${collection}:${id}`.toLowerCase();
  const md5 = createHash('md5').update(table.text, 'latin1').digest('hex');
  const latest = input.versioned ? latestVersion(input.outDir, id) : undefined;
  if (latest && createHash('md5').update(fs.readFileSync(latest.dataFile)).digest('hex') === md5) {
    return { dataFile: latest.dataFile, labelFile: latest.dataFile.replace(/\.csv$/, '.xml'), records: table.records, lid, vid: `${latest.n}.0`, status: 'unchanged' };
  }
  const version = (latest?.n ?? 0) + 1;
  const fileStem = input.versioned ? `${id}_v${version}` : id;
  const dataName = `${fileStem}.csv`;
  const productTime = input.productTime ?? `${new Date().toISOString().slice(0, 19)}Z`;
  const label = l1Label({
    ...input.label, lid, vid: `${version}.0`, title: `${input.label.instrumentName} parameters ${start} to ${stop}`, start, stop,
    dataFile: { name: dataName, size: Buffer.byteLength(table.text, 'latin1'), md5 }, productTime,
  }, table);
  fs.mkdirSync(input.outDir, { recursive: true });
  const dataFile = path.join(input.outDir, dataName);
  const labelFile = path.join(input.outDir, `${fileStem}.xml`);
  for (const [file, text, enc] of [[dataFile, table.text, 'latin1'], [labelFile, label, 'utf8']] as const) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text, enc);
    fs.renameSync(tmp, file);
  }
  return { dataFile, labelFile, records: table.records, lid, vid: `${version}.0`, status: latest ? 'updated' : 'new' };
}
