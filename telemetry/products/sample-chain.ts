/**
 * @module The whole chain on the bundled sample (`idoc demo`, `npm start`): serve the sample DDS deliveries
 * (fixtures/sample/sim.dds and its damaged twin, as two stations would deliver them) with the HTTP feed
 * server on 127.0.0.1, write a mission config (fixtures/sample-mission/idoc.json + an `http` feed, routes,
 * an archive folder and the L0 products section of fixtures/l0/idoc.json), ingest once into a fresh archive,
 * build the L0 products from the archive, validate their labels against the PDS4 schema and Schematron in
 * `../shared/pds4` (skipped, and said so, when that folder is absent), and report what was made and where.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveMission } from '../../src/config/mission.js';
import { openSqliteArchiveReader } from '../../src/store/index.js';
import { indexPacketFolder } from '../feeds/packet-index.js';
import { startFeedServer } from '../feeds/http-server.js';
import type { FeedStats } from '../ingest/types.js';
import { silentLogger } from '../ingest/log.js';
import { ingestOnceAndFinish, openIngest } from '../ingest/setup.js';
import type { BuildReport } from './build.js';
import { productsConfig } from './config.js';
import { buildL0FromArchive } from './from-archive.js';
import { packageRoot, resolveSchemaFiles } from './pds4/schema-dir.js';
import { validatePath, type LabelProblem } from './pds4/validate.js';

/** The sample deliveries served (fixtures/sample). */
export const SAMPLE_DELIVERIES: readonly string[] = ['sim.dds', 'sim_damaged.dds'];

export interface SampleChainOptions {
  /** Working folder (created; should be empty or absent). */
  readonly dir: string;
  /** Package root holding `fixtures/` (default: found from this module). */
  readonly root?: string;
  /** PDS4 schema folder (default: `$IDOC_PDS4_DIR`, else `../shared/pds4` beside the package). */
  readonly schemaDir?: string;
}

export interface SampleChainResult {
  readonly dir: string;
  readonly config: string;
  readonly feedUrl: string;
  readonly served: readonly string[];
  readonly ingest: { readonly archive: string; readonly exitCode: number; readonly feeds: readonly FeedStats[]; readonly packetsInArchive: number; readonly bytesInArchive: number };
  readonly products: BuildReport & { readonly out: string; readonly unroutedApids: readonly number[] };
  readonly validation:
    | { readonly done: true; readonly schemaDir: string; readonly files: number; readonly errors: number; readonly warnings: number; readonly problems: readonly LabelProblem[] }
    | { readonly done: false; readonly reason: string };
  readonly seconds: number;
}

/** Run the chain in `options.dir`. Throws when a stage cannot run (no fixtures, a feed or archive failure). */
export async function runSampleChain(options: SampleChainOptions): Promise<SampleChainResult> {
  const t0 = performance.now();
  const root = options.root ?? packageRoot();
  if (root === undefined) throw new Error('the idoc package root (with fixtures/) was not found');
  const dir = path.resolve(options.dir);
  const served = path.join(dir, 'served');
  await mkdir(served, { recursive: true });
  for (const f of SAMPLE_DELIVERIES) await copyFile(path.join(root, 'fixtures/sample', f), path.join(served, f));

  const server = await startFeedServer(await indexPacketFolder(served), 0, '127.0.0.1');
  let ingest: SampleChainResult['ingest'];
  const configFile = path.join(dir, 'idoc.json');
  try {
    const config = JSON.parse(await readFile(path.join(root, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown>;
    const l0 = JSON.parse(await readFile(path.join(root, 'fixtures/l0/idoc.json'), 'utf8')) as Record<string, unknown>;
    delete config['$schema'];
    config['feeds'] = { sample: { kind: 'http', url: server.url, description: 'the sample DDS deliveries, served by idoc feed serve' } };
    config['routes'] = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
    config['archive'] = { dir: 'archive' };
    config['products'] = l0['products'];
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
    const mission = await resolveMission({ config: configFile });
    const setup = await openIngest(mission);
    const once = await ingestOnceAndFinish(setup, silentLogger);
    const ro = await openSqliteArchiveReader(setup.dir);
    try {
      const s = await ro.status();
      ingest = { archive: setup.dir, exitCode: once.exitCode, feeds: once.feeds, packetsInArchive: s.packets, bytesInArchive: s.bytes };
    } finally {
      await ro.close();
    }
  } finally {
    await server.close();
  }

  const mission = await resolveMission({ config: configFile });
  const out = path.join(dir, 'l0');
  const archive = await openSqliteArchiveReader(ingest.archive);
  let products: SampleChainResult['products'];
  try {
    const stats = { packets: 0, bytes: 0, unroutedApids: [] as number[] };
    const m = mission.config.mission;
    const report = await buildL0FromArchive(archive, {
      out, products: productsConfig(mission.config),
      mission: { name: m.name, ...(m.spacecraft !== undefined ? { spacecraft: m.spacecraft } : {}), ...(m.instrument !== undefined ? { instrument: m.instrument } : {}) },
      profile: mission.profile === 'auto' ? (await import('../../src/ccsds/profile.js')).PROFILE_PRESETS['pus-c']! : mission.profile,
    }, stats);
    products = { ...report, out, unroutedApids: stats.unroutedApids };
  } finally {
    await archive.close();
  }

  let validation: SampleChainResult['validation'];
  let schemaDir: string | undefined;
  try {
    schemaDir = resolveSchemaFiles(options.schemaDir).dir;
  } catch (e) {
    validation = { done: false, reason: (e as Error).message };
  }
  if (schemaDir !== undefined) {
    const v = await validatePath(out, { schemaDir });
    const errors = v.problems.filter((p) => p.severity === 'error').length;
    validation = { done: true, schemaDir, files: v.files, errors, warnings: v.problems.length - errors, problems: v.problems };
  }
  return { dir, config: configFile, feedUrl: server.url, served: SAMPLE_DELIVERIES, ingest, products, validation: validation!, seconds: (performance.now() - t0) / 1000 };
}

/** The human summary of a run. */
export function formatSampleChain(r: SampleChainResult, kept: boolean): string {
  const lines: string[] = [];
  const rel = (p: string) => path.relative(r.dir, p) || '.';
  const feeds = r.ingest.feeds.reduce((a, f) => ({ packets: a.packets + f.packets, stored: a.stored + f.stored, dups: a.dups + f.duplicates, crc: a.crc + f.crcErrors, skipped: a.skipped + f.skippedBytes }), { packets: 0, stored: 0, dups: 0, crc: 0, skipped: 0 });
  lines.push(`idoc demo: the whole chain on the bundled sample, in ${r.dir}${kept ? '' : ' (removed at the end: --keep or --out-dir DIR keeps it)'}`);
  lines.push('');
  lines.push(`1. feed     ${r.feedUrl} (idoc feed server) served ${r.served.join(' and ')} (the same telemetry from two stations, one copy damaged)`);
  lines.push(`2. ingest   config ${rel(r.config)}: ${feeds.packets} packets pulled, ${feeds.stored} stored, ${feeds.dups} duplicates dropped, ${feeds.crc} CRC error(s), ${feeds.skipped} bytes skipped`);
  lines.push(`            archive ${rel(r.ingest.archive)}: ${r.ingest.packetsInArchive} packets, ${r.ingest.bytesInArchive} bytes (ingest exit code ${r.ingest.exitCode}${r.ingest.exitCode === 1 ? ': data problems, as expected from the damaged copy' : ''})`);
  lines.push(`3. L0       ${rel(r.products.out)}: ${r.products.products.length} product(s) from ${r.products.packets} packets${r.products.unroutedApids.length ? `, APID(s) ${r.products.unroutedApids.join(', ')} in no route` : ''}`);
  for (const p of r.products.products) {
    const s = p.summary;
    lines.push(`   ${p.productId} v${p.version}  ${p.start} .. ${p.stop}  ${rel(p.label)}`);
    lines.push(`     packets ${s.packets}, gaps ${s.gaps}, CRC errors ${s.crcErrors}, duplicates removed ${s.duplicates}, frames ${s.frames} (${s.decompressionFailures} failed, ${s.incompleteFrames} incomplete), orphan segments ${s.orphanSegments}, flagged packets ${s.flaggedPackets}`);
    for (const f of p.findings) lines.push(`     ${f}`);
  }
  if (r.products.collection) lines.push(`   collection ${r.products.collection.lidvid}: ${r.products.collection.members} member(s)  ${rel(r.products.collection.label)}, ${rel(r.products.collection.inventory)}`);
  if (r.validation.done) {
    lines.push(`4. validate ${r.validation.files} PDS4 label(s) against the IM 1.26.0.0 XSD and Schematron in ${r.validation.schemaDir}: ${r.validation.errors} error(s), ${r.validation.warnings} warning(s)`);
    for (const p of r.validation.problems) lines.push(`     ${p.severity} ${rel(p.file)}:${p.line}: ${p.message}`);
  } else {
    lines.push(`4. validate NOT DONE: ${r.validation.reason}`);
    lines.push('            (the products are built; put the PDS4 schema files in ../shared/pds4 or set IDOC_PDS4_DIR to validate them)');
  }
  lines.push('');
  lines.push(`done in ${r.seconds.toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
