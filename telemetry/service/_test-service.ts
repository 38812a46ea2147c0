/**
 * @module Test set-up shared by the service tests: an L0 folder built from the simulated instrument (two hours,
 * hourly products, geometry from the sample TLE), an archive whose registry holds those products, a service store
 * with an operator, a co-investigator granted SIM_HK_FAST, a public user, and the app listening on a free port.
 * The same packets are stored in the packet archive (route = the APID's name) and DET_TEMP, BUS_VOLT and PKT_APID
 * decoded into its parameter archive (fixtures/sample-mission/sim-tm.xml). Jobs run on the built worker when
 * `npm run build` made it, else on the service's thread.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { generateSim } from '../../fixtures/sim-instrument.js';
import { packetTimeOf } from '../../src/ccsds/secondary-header.js';
import { loadTmDatabase } from '../../src/mdb/load.js';
import { openArchive } from '../../src/store/index.js';
import { splitBuffer } from '../framing/index.js';
import { fillFromFiles, fillFromPacketArchive } from '../parameters/fill.js';
import { parseConfig } from '../../src/config/index.js';
import { openSqliteArchiveReader, openSqliteArchiveWriter } from '../../src/store/index.js';
import { openServiceStore } from '../../src/store/service-store.js';
import type { ServiceStore } from '../../src/archive/service-port.js';
import type { ArchiveReader } from '../../src/archive/port.js';
import { freshPgArchive, PG_DOWN, TEST_PG_URL } from '../../src/postgres/_test-pg.js';
import { openPgArchiveReader, openPgArchiveWriter, openPgServiceStore } from '../../src/postgres/index.js';
import { SIM_PROFILE, toL0 } from '../products/_test-helpers.js';
import { buildL0 } from '../products/build.js';
import { productsConfig } from '../products/config.js';
import { hashPassword, newToken, tokenDigest } from './auth.js';
import { registerProductFolder } from './register.js';
import { buildService } from './server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Which implementation of the ports the service runs on (service-pg.test.ts runs service.test.ts on PostgreSQL). */
let kind: 'sqlite' | 'postgres' = 'sqlite';
export function useArchiveKind(k: 'sqlite' | 'postgres'): void {
  if (k === 'postgres' && PG_DOWN !== undefined) throw new Error(`PostgreSQL not reachable: ${PG_DOWN}`);
  kind = k;
}

/** The job worker as `npm run build` makes it (undefined when not built: jobs then run on the service's thread). */
export const BUILT_JOB_WORKER: URL | undefined = (() => {
  const url = new URL('../../dist/telemetry/service/job-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
})();

export interface TestService {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly products: string;
  readonly store: ServiceStore;
  readonly reader: ArchiveReader;
  readonly archiveDir: string;
  /** The mission config the service (and its jobs) use: on PostgreSQL, one naming the test's schema. */
  readonly config: string;
  readonly tokens: { readonly operator: string; readonly coi: string; readonly other: string; readonly pub: string };
  readonly app: Awaited<ReturnType<typeof buildService>>;
  close(): Promise<void>;
}

/** Build the fixture and start the service (rate: requests per minute per token; hold: `holdJobsForTests`). */
export async function startTestService(rate = { perMinute: 600_000, burst: 100_000 }, hold = false): Promise<TestService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'idoc-service-'));
  const products = path.join(dir, 'l0');
  const archiveDir = path.join(dir, 'archive');
  const sim = await generateSim({ start: '2025-01-01T00:00:00Z', seconds: 2 * 3600, scienceEvery: 120 });
  let config = path.join(ROOT, 'fixtures/l0/idoc.json');
  const raw = JSON.parse(readFileSync(config, 'utf8')) as { products: Record<string, unknown> };
  Object.assign(raw.products, { window: 'PT1H', ephemeris: '../planning/samplesat.tle', geometry: { step: 120 } });
  await buildL0(sim.map((p) => toL0(p)), {
    products: productsConfig(parseConfig(JSON.stringify(raw), config)), mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, profile: SIM_PROFILE, out: products,
  });
  let reader: ArchiveReader;
  let store: ServiceStore;
  let drop = async (): Promise<void> => undefined;
  const ROUTE_OF: Readonly<Record<number, string>> = { 1100: 'SIM_HK_FAST', 1101: 'SIM_HK_SLOW', 1110: 'SIM_SCI', 1120: 'SIM_EVT' };
  const framed = splitBuffer(Buffer.concat(sim.map((p) => p.bytes)), { framing: 'raw', crc: 'yes' }).batch.packets;
  if (kind === 'postgres') {
    // The packets stored in the schema (segment files in the archive directory); the parameter archive (a file
    // beside the archive, whatever its kind) filled from the same packets, written as a file. Jobs open the archive
    // from a config naming the schema, in their worker thread (its environment: the test server's URL).
    const pg = await freshPgArchive('svc');
    drop = pg.drop;
    const simFile = path.join(dir, 'sim.bin');
    writeFileSync(simFile, Buffer.concat(sim.map((p) => p.bytes)));
    await fillFromFiles(archiveDir, [simFile], loadTmDatabase(path.join(ROOT, 'fixtures/sample-mission/sim-tm.xml')), { read: { framing: 'raw', crc: 'yes' }, profile: SIM_PROFILE, keep: new Set(['DET_TEMP', 'BUS_VOLT', 'PKT_APID']) });
    const w = await openPgArchiveWriter({ target: pg.target, dir: archiveDir, fsync: false });
    for (let k = 0; k < framed.length; k += 4096) {
      const b = w.batch();
      for (const packet of framed.slice(k, k + 4096)) b.add(packet, packetTimeOf(packet.buf, packet.offset, packet.length, SIM_PROFILE), ROUTE_OF[packet.apid] ?? 'SIM', 'test', 'sim.bin', 1_767_225_600_000);
      await w.store(b);
    }
    await w.close();
    reader = await openPgArchiveReader({ target: pg.target, dir: archiveDir });
    store = await openPgServiceStore({ target: pg.target });
    if (process.env['IDOC_PG_URL'] === undefined && TEST_PG_URL !== undefined) {
      process.env['IDOC_PG_URL'] = TEST_PG_URL;
      const dropSchema = drop;
      drop = async () => { delete process.env['IDOC_PG_URL']; await dropSchema(); };
    }
    config = path.join(dir, 'idoc.json');
    const { $schema: _, ...rest } = raw as Record<string, unknown>;
    writeFileSync(config, JSON.stringify({
      ...rest, archive: { kind: 'postgres', schema: pg.target.schema },
      products: { ...raw.products, ephemeris: path.join(ROOT, 'fixtures/planning/samplesat.tle') },
    }, null, 2));
  } else {
    const w = await openSqliteArchiveWriter(archiveDir);
    await w.close();
    const archive = openArchive(archiveDir);
    archive.storeBatch(framed.map((packet) => ({
      packet, tai: packetTimeOf(packet.buf, packet.offset, packet.length, SIM_PROFILE), route: ROUTE_OF[packet.apid] ?? 'SIM', feed: 'test', source: 'sim.bin', receivedUnixMs: 1_767_225_600_000,
    })));
    archive.close();
    await fillFromPacketArchive(archiveDir, loadTmDatabase(path.join(ROOT, 'fixtures/sample-mission/sim-tm.xml')), { keep: new Set(['DET_TEMP', 'BUS_VOLT', 'PKT_APID']) });
    reader = await openSqliteArchiveReader(archiveDir);
    store = openServiceStore(archiveDir);
  }
  await registerProductFolder(reader.products, products);
  const tokens: Record<string, string> = {};
  const users = [['ops', 'operator', []], ['alice', 'co-investigator', ['SIM_HK_FAST']], ['bob', 'co-investigator', ['SIM_SCI']], ['pat', 'public', []]] as const;
  for (const [name, role, routes] of users) {
    await store.users.add({ name, role, passwordHash: name === 'alice' ? await hashPassword('alice-secret') : undefined, createdUnixMs: Date.now(), disabled: false });
    for (const r of routes) await store.grants.grant(name, r);
    const t = newToken();
    await store.tokens.add({ id: t.id, user: name, digest: tokenDigest(t.secret), createdUnixMs: Date.now(), revokedUnixMs: undefined });
    tokens[name] = t.secret;
  }
  // SIM_EVT is public 6 months after a product's stop (2025 products: public now); SIM_HK_SLOW never.
  await store.grants.setEmbargo('SIM_EVT', 6);
  const app = await buildService({
    reader, store, productsRoot: products, jobsDir: path.join(archiveDir, 'service-jobs'), rate, spacecraft: 'SAMPLESAT',
    archiveDir, config, tmDatabase: path.join(ROOT, 'fixtures/sample-mission/sim-tm.xml'), ...(BUILT_JOB_WORKER ? { jobWorker: BUILT_JOB_WORKER } : {}),
    ...(hold ? { holdJobsForTests: true } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`, port, dir, products, store, app, reader, archiveDir, config,
    tokens: { operator: tokens['ops']!, coi: tokens['alice']!, other: tokens['bob']!, pub: tokens['pat']! },
    async close() {
      await app.close();
      await store.close();
      await reader.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** GET/POST with an optional bearer token; the body as text. */
export async function call(s: TestService, pathAndQuery: string, token?: string, init: RequestInit = {}): Promise<{ status: number; type: string; body: string; headers: Headers }> {
  const res = await fetch(`${s.url}${pathAndQuery}`, { redirect: 'manual', ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string> | undefined) } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text(), headers: res.headers };
}
