/**
 * @module The work of the service's UWS jobs other than TAP queries (issue 17), run in a worker thread
 * (job-worker.ts) with plain-data input, so a job never blocks the HTTP loop:
 * - `extract`: the packets of some APIDs over a window, as stored (CCSDS space packets back to back, CCSDS
 *   133.0-B-2), with an index (CSV: time, APID, sequence count, route, offset, length);
 * - `decode`: parameters over a window, as CSV (RFC 4180) or Parquet: from the parameter archive, or with
 *   `SOURCE=packets` decoded from the stored packets by the mission database (telemetry/parameters'
 *   decoder, only the packets the owner may read are decoded);
 * - `rebuild`: L0 products (PDS4) of some routes over a window, built again from the packet archive.
 * Access is applied inside the job with its owner's rights (data-access.ts): packets and samples the owner may
 * not read are left out; a rebuild is refused for a route the owner is not granted. Packets are read through the
 * archive port (src/archive/port.ts), products built by telemetry/products.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveReader } from '../../src/archive/port.js';
import { taiToUnixMs, taiToUtcIso, utcToTai } from '../../src/time/index.js';
import { ParameterArchiveReader, type ParameterSeries } from '../parameters/archive.js';
import { SAMPLE_HEADER, sampleLine, writeParquet } from '../parameters/query.js';
import { apidTimeGate, routeTimeGate, type AccessSpec } from './data-access.js';

export const JOB_KINDS = ['extract', 'decode', 'rebuild'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** What a job's worker gets. */
export interface JobSpec {
  readonly kind: JobKind;
  readonly parameters: Readonly<Record<string, string>>;
  /** The archive directory (packet archive through the port, parameters.sqlite beside it). */
  readonly archiveDir: string;
  /** Mission config file (rebuild). */
  readonly config: string | undefined;
  /** Mission database file (XTCE, MIB folder, field list, idoc JSON) for decoding packets. */
  readonly tmDatabase?: string | undefined;
  readonly access: AccessSpec;
  /** Where the results go (created). */
  readonly outDir: string;
  /** Test-only: stop after the first chunk of the first result file is written (`writeAtomically`). */
  readonly hold?: boolean;
}

/** One result file, relative to outDir. */
export interface JobOutput { readonly id: string; readonly file: string; readonly mimeType: string; readonly size: number; readonly sha256: string }

const MAX_APIDS = 64;
const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * Check a job's parameters (names upper case, DALI style) and keep only those of its kind.
 * @throws Error naming the parameter when one is missing or malformed.
 */
export function jobParameters(kind: JobKind, p: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const time = (name: string, required: boolean): void => {
    const v = p[name];
    if (v === undefined) { if (required) throw new Error(`${name} is required (UTC ISO-8601)`); return; }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/.test(v) || Number.isNaN(Date.parse(v))) throw new Error(`${name}: expected UTC ISO-8601 with Z, got ${v.slice(0, 40)}`);
    out[name] = v;
  };
  time('FROM', kind !== 'decode');
  time('TO', kind !== 'decode');
  if (out['FROM'] !== undefined && out['TO'] !== undefined && !(Date.parse(out['FROM']) < Date.parse(out['TO']))) throw new Error('FROM must be before TO');
  if (kind === 'extract') {
    const apids = list(p['APID']);
    if (apids.length === 0 || apids.length > MAX_APIDS || !apids.every((a) => /^\d{1,4}$/.test(a) && Number(a) <= 2047)) throw new Error(`APID: 1 to ${MAX_APIDS} APIDs (0-2047), comma-separated`);
    out['APID'] = apids.map(Number).join(',');
  } else if (kind === 'decode') {
    const names = list(p['PARAMETER']);
    if (names.length === 0 || names.length > 200 || !names.every((n) => /^[A-Za-z0-9_.:/-]{1,200}$/.test(n))) throw new Error('PARAMETER: 1 to 200 parameter names, comma-separated');
    out['PARAMETER'] = names.join(',');
    const f = (p['FORMAT'] ?? 'csv').toLowerCase();
    if (f !== 'csv' && f !== 'parquet') throw new Error('FORMAT: csv or parquet');
    out['FORMAT'] = f;
    const source = (p['SOURCE'] ?? 'archive').toLowerCase();
    if (source !== 'archive' && source !== 'packets') throw new Error('SOURCE: archive (the parameter archive) or packets (decode the stored packets)');
    out['SOURCE'] = source;
    if (source === 'packets' && (out['FROM'] === undefined || out['TO'] === undefined)) throw new Error('SOURCE=packets needs FROM and TO');
  } else {
    const routes = list(p['ROUTE']);
    if (routes.length === 0 || routes.length > 50 || !routes.every((r) => /^[A-Za-z0-9_.-]{1,100}$/.test(r))) throw new Error('ROUTE: 1 to 50 route names, comma-separated');
    out['ROUTE'] = routes.join(',');
  }
  return out;
}

async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function output(outDir: string, file: string, id: string, mimeType: string): Promise<JobOutput> {
  const abs = path.join(outDir, file);
  return { id, file, mimeType, size: (await stat(abs)).size, sha256: await sha256Of(abs) };
}

/**
 * Write `chunks` to `file` through a temporary name (a result appears whole or not at all). `hold` (tests of
 * aborting a running job and of its execution duration): after the first chunk, wait until the thread is
 * terminated, keeping it alive (an empty event loop would end the worker).
 */
export async function writeAtomically(file: string, chunks: AsyncIterable<Uint8Array | string>, hold = false): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    let first = true;
    for await (const c of chunks) {
      await fh.write(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
      if (first && hold) await new Promise<never>(() => { setInterval(() => undefined, 1 << 30); });
      first = false;
    }
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

/** The routes each APID is filed under in the packet archive. */
export async function routesOfApids(reader: ArchiveReader): Promise<Map<number, string[]>> {
  return new Map((await reader.status()).apids.map((a) => [a.apid, [...a.routes]]));
}

/** The time of a packet row for access decisions: its packet time, else its ground time. */
export const rowUnixMs = (r: { readonly tai: number | undefined; readonly groundUnixMs: number }): number => (r.tai !== undefined ? taiToUnixMs(r.tai) : r.groundUnixMs);

async function extract(spec: JobSpec, reader: ArchiveReader): Promise<JobOutput[]> {
  const p = spec.parameters;
  const gate = routeTimeGate(spec.access);
  const apids = p['APID']!.split(',').map(Number);
  const q = { apids: apids.map((a) => [a, a] as const), fromTai: utcToTai(p['FROM']!), toTai: utcToTai(p['TO']!) };
  const index: string[] = ['time,apid,sequence_count,route,offset,length\r\n'];
  let offset = 0;
  await writeAtomically(path.join(spec.outDir, 'packets.dat'), (async function* () {
    for await (const batch of reader.rows(q)) {
      const ok = batch.filter((r) => gate(r.route, rowUnixMs(r)));
      if (ok.length === 0) continue;
      const bytes = await reader.bytes(ok);
      for (let k = 0; k < ok.length; k++) {
        const r = ok[k]!;
        index.push(`${r.tai !== undefined ? taiToUtcIso(r.tai, 6) : ''},${r.apid},${r.sequenceCount},${r.route},${offset},${bytes[k]!.length}\r\n`);
        offset += bytes[k]!.length;
        yield bytes[k]!;
      }
    }
  })(), spec.hold === true);
  await writeAtomically(path.join(spec.outDir, 'index.csv'), (async function* () { yield* index; })());
  return [await output(spec.outDir, 'packets.dat', 'packets', 'application/octet-stream'), await output(spec.outDir, 'index.csv', 'index', 'text/csv')];
}

/** The samples of `s` at `keep` (indices in order). */
export function subset(s: ParameterSeries, keep: readonly number[]): ParameterSeries {
  const pick = <T extends Float64Array | Uint16Array | Uint8Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(keep.length);
    keep.forEach((k, i) => { out[i] = a[k]!; });
    return out;
  };
  return {
    parameter: s.parameter, length: keep.length, tai: pick(s.tai), apid: pick(s.apid), state: pick(s.state),
    raw: s.raw instanceof Float64Array ? pick(s.raw) : keep.map((k) => s.raw[k] as string),
    eng: s.eng === undefined ? undefined : s.eng instanceof Float64Array ? pick(s.eng) : keep.map((k) => (s.eng as readonly (string | null)[])[k]!),
  };
}

/** The samples of a parameter its reader may see (access per sample: its APID's routes at its time). */
export function visibleSeries(s: ParameterSeries, gate: (apid: number, unixMs: number) => boolean): ParameterSeries {
  const keep: number[] = [];
  for (let k = 0; k < s.length; k++) {
    const t = s.tai[k]!;
    // An untimed sample is public never: only a granted route (or an operator) reads it.
    if (gate(s.apid[k]!, Number.isNaN(t) ? Infinity : taiToUnixMs(t))) keep.push(k);
  }
  return keep.length === s.length ? s : subset(s, keep);
}

/**
 * Decode the packets of [FROM, TO) the owner may read into a parameter archive in `dir` (only the named
 * parameters kept): the archive port's rows and octets, telemetry/parameters' decoder and archive writer.
 */
async function decodePackets(spec: JobSpec, reader: ArchiveReader, dir: string): Promise<void> {
  const p = spec.parameters;
  if (spec.tmDatabase === undefined) throw new Error('this service has no mission database (serve --defs): packets cannot be decoded');
  const [{ loadTmDatabase }, { compileDecoder }, { ParameterArchiveWriter }] = await Promise.all([
    import('../../src/mdb/load.js'), import('../parameters/compile.js'), import('../parameters/archive.js'),
  ]);
  const names = p['PARAMETER']!.split(',');
  // A MIB's absolute times (PTC 9) count from the mission's epoch, as `tm decode` reads them.
  let epoch: { epochTai: number } | undefined;
  if (spec.config !== undefined) {
    const m = await (await import('../../src/config/mission.js')).resolveMission({ config: spec.config });
    epoch = { epochTai: (m.profile === 'auto' ? m.guessHint.base : m.profile).time.epochTai };
  }
  const db = loadTmDatabase(spec.tmDatabase, undefined, epoch ?? {});
  const unknown = names.filter((n) => !db.parameters.some((x) => x.name === n));
  if (unknown.length) throw new Error(`no parameter ${unknown.join(', ').slice(0, 200)} in the mission database`);
  const decoder = compileDecoder(db, { keep: new Set(names) });
  const gate = routeTimeGate(spec.access);
  const w = new ParameterArchiveWriter(dir, true);
  try {
    let inBatch = 0;
    for await (const batch of reader.rows({ fromTai: utcToTai(p['FROM']!), toTai: utcToTai(p['TO']!) })) {
      const ok = batch.filter((r) => gate(r.route, rowUnixMs(r)));
      if (ok.length === 0) continue;
      const bytes = await reader.bytes(ok);
      ok.forEach((r, k) => { decoder.decode(bytes[k]!, 0, bytes[k]!.length, r.tai, r.apid); inBatch++; });
      if (inBatch >= 65_536) { w.addDecoded(decoder); decoder.reset(); inBatch = 0; }
    }
    w.addDecoded(decoder);
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
}

async function decode(spec: JobSpec, reader: ArchiveReader): Promise<JobOutput[]> {
  const p = spec.parameters;
  const gate = apidTimeGate(spec.access, await routesOfApids(reader));
  let source = spec.archiveDir;
  if (p['SOURCE'] === 'packets') {
    source = path.join(spec.outDir, 'decoded');
    await decodePackets(spec, reader, source);
  }
  const params = new ParameterArchiveReader(source);
  try {
    const fromTai = p['FROM'] !== undefined ? utcToTai(p['FROM']) : undefined;
    const toTai = p['TO'] !== undefined ? utcToTai(p['TO']) : undefined;
    const series: ParameterSeries[] = [];
    for (const name of p['PARAMETER']!.split(',')) {
      const s = params.series(name, fromTai, toTai);
      if (!s) {
        if (p['SOURCE'] === 'packets') continue; // known to the database (checked), no sample in the packets read
        throw new Error(`no parameter ${name} in the parameter archive`);
      }
      series.push(visibleSeries(s, gate));
    }
    if (p['FORMAT'] === 'parquet') {
      await writeParquet(series, path.join(spec.outDir, 'parameters.parquet'));
      return [await output(spec.outDir, 'parameters.parquet', 'parameters', 'application/vnd.apache.parquet')];
    }
    await writeAtomically(path.join(spec.outDir, 'parameters.csv'), (async function* () {
      yield `${SAMPLE_HEADER.join(',')}\r\n`;
      for (const s of series) for (let k = 0; k < s.length; k++) yield sampleLine(s, k, false);
    })());
    return [await output(spec.outDir, 'parameters.csv', 'parameters', 'text/csv')];
  } finally {
    params.close();
    if (source !== spec.archiveDir) await rm(source, { recursive: true, force: true });
  }
}

async function rebuild(spec: JobSpec, reader: ArchiveReader): Promise<JobOutput[]> {
  const p = spec.parameters;
  const routes = p['ROUTE']!.split(',');
  const denied = routes.filter((r) => !spec.access.all && !spec.access.routes.includes(r));
  if (denied.length) throw new Error(`not granted: ${denied.join(', ')} (a rebuild needs a grant of every route)`);
  if (spec.config === undefined) throw new Error('this service has no mission config (serve --config): products cannot be rebuilt');
  const [{ resolveMission }, products] = await Promise.all([import('../../src/config/mission.js'), import('../products/index.js')]);
  const mission = await resolveMission({ config: spec.config });
  if (mission.profile === 'auto') throw new Error(`${spec.config}: the config names no packet profile`);
  const config = products.productsConfig(mission.config);
  const unknown = routes.filter((r) => config.routes.length > 0 && !config.routes.some((c) => c.name === r));
  if (unknown.length) throw new Error(`no products route ${unknown.join(', ')} in ${path.basename(spec.config)}`);
  const out = path.join(spec.outDir, 'products');
  await mkdir(out, { recursive: true });
  const m = mission.config.mission;
  await products.buildL0FromArchive(reader, {
    out, products: config.routes.length > 0 ? products.selectRoutes(config, routes) : config, routes, profile: mission.profile,
    mission: { name: m.name, ...(m.spacecraft !== undefined ? { spacecraft: m.spacecraft } : {}), ...(m.instrument !== undefined ? { instrument: m.instrument } : {}) },
    fromTai: utcToTai(p['FROM']!), toTai: utcToTai(p['TO']!), format: 'pds4', periodOf: mission.periodOf,
  });
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) await walk(f); else files.push(path.relative(spec.outDir, f));
    }
  };
  await walk(out);
  files.sort();
  const seen = new Set<string>();
  const results: JobOutput[] = [];
  for (const f of files) {
    const base = path.basename(f);
    if (seen.has(base)) continue; // collection inventories repeat names across collections; first kept
    seen.add(base);
    results.push(await output(spec.outDir, f, base, base.endsWith('.xml') ? 'application/xml' : base.endsWith('.csv') ? 'text/csv' : base.endsWith('.geojson') ? 'application/geo+json' : 'application/octet-stream'));
  }
  return results;
}

/** Run a job: its results, or an Error whose message is the job's error. */
export async function runJob(spec: JobSpec, openReader?: (dir: string) => Promise<ArchiveReader>): Promise<JobOutput[]> {
  await mkdir(spec.outDir, { recursive: true });
  // The archive the service's config names (SQLite, or PostgreSQL with its connection from the environment).
  const open = openReader ?? (async (dir: string) => {
    if (spec.config === undefined) return (await import('../../src/store/index.js')).openSqliteArchiveReader(dir);
    const [{ resolveMission }, { openConfiguredReader }] = await Promise.all([import('../../src/config/mission.js'), import('../../src/archive-of.js')]);
    return openConfiguredReader((await resolveMission({ config: spec.config })).config, dir);
  });
  const reader = await open(spec.archiveDir);
  try {
    if (spec.kind === 'extract') return await extract(spec, reader);
    if (spec.kind === 'decode') return await decode(spec, reader);
    return await rebuild(spec, reader);
  } finally {
    await reader.close();
  }
}
