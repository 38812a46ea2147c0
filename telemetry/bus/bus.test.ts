/**
 * The NATS JetStream ingest bus (issue 19). The wire format round-trips any packed batch and refuses damaged
 * bodies in one line. With a NATS server (and PostgreSQL for the second archive kind), end to end: `idoc ingest
 * --publish --once` publishes a drop folder; `idoc ingest --consume --once` processes are killed with SIGKILL
 * after a random number of committed messages, restarted, then run to the end; the archive must equal a clean
 * `idoc ingest --once` run packet by packet. Skips, saying so, when NATS (or PostgreSQL) is not reachable or
 * the CLI is not built (`npm test` builds first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import { generateSim } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { buildPacket } from '../../src/ccsds/packet.js';
import { PackedBatchBuilder, type PackedBatch } from '../../src/archive/index.js';
import { openArchive } from '../../src/store/index.js';
import { openPgArchiveReader } from '../../src/postgres/index.js';
import { freshPgArchive, PG_DOWN } from '../../src/postgres/_test-pg.js';
import { BusPublisher, committedStreamOf, consumeBus, fitBatch, decodeBatch, encodeBatch, splitByRoute, streamOf } from './index.js';
import { BIN, BUILT, NATS_DOWN, NATS_URL, writeBusMission } from './_test-bus.js';


if (NATS_DOWN !== undefined) console.warn(`NATS JetStream not reachable at ${NATS_URL} (${NATS_DOWN}): the bus tests that need it are skipped`);
if (!BUILT) console.warn('dist/bin/idoc.js missing (npm run build): the bus end-to-end tests are skipped');

/** A batch of `n` packets over `routes` (route k for APID 100 + k), sources a.dat / b.dat. */
function batchOf(n: number, routes: readonly string[], seed: number): PackedBatch {
  const b = new PackedBatchBuilder(64, 4);
  for (let i = 0; i < n; i++) {
    const r = (i * 7 + seed) % routes.length;
    const buf = buildPacket({ type: 0, apid: 100 + r, sequenceFlags: 3, sequenceCount: (i + seed) & 0x3fff, secondaryHeader: new Uint8Array(0), data: new Uint8Array(5 + (i % 9)).fill(i + seed), crc: false });
    b.add({ buf, offset: 0, length: buf.length, streamOffset: i * 40, apid: 100 + r, type: 0, secondaryHeader: false, sequenceFlags: 3, sequenceCount: (i + seed) & 0x3fff, crc: 'none', dds: undefined, captureUs: NaN },
      2e9 + i, routes[r]!, 'f', i % 2 ? 'a.dat' : 'b.dat', 1.7e12);
  }
  return b.seal();
}
const plain = (b: PackedBatch) => ({
  count: b.count, bytes: b.bytes, received: b.receivedUnixMs, routes: b.routes, sources: b.sources,
  ints: Array.from(b.ints.subarray(0, b.count * 8)), reals: Array.from(b.reals.subarray(0, b.count * 4)), octets: Array.from(b.octets.subarray(0, b.bytes)),
});

describe('bus wire format', () => {
  it('round-trips any packed batch; a split by route keeps every packet once, in order', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1000 }), (n, nr, seed) => {
      const routes = ['hk', 'sci', 'evt', 'q'].slice(0, nr);
      const b = batchOf(n, routes, seed);
      expect(plain(decodeBatch(encodeBatch(b)))).toEqual(plain(b));
      const parts = splitByRoute(b);
      expect(parts.reduce((t, p) => t + p.batch.count, 0)).toBe(n);
      for (const p of parts) {
        const d = decodeBatch(encodeBatch(p.batch));
        expect(d.routes).toEqual([p.route]);
        expect(new PackedBatchBuilder(8, 1).load(d).seal().count).toBe(p.batch.count);
      }
    }));
  });

  it('a body over the size limit is split into whole-packet parts that decode back to the batch, in order', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 300, max: 3000 }), fc.integer({ min: 0, max: 99 }), (n, max, seed) => {
      const b = batchOf(n, ['hk'], seed);
      const parts = fitBatch(b, max, encodeBatch);
      for (const p of parts) if (p.length > max) expect(decodeBatch(p).count).toBe(1);
      const back = parts.map((p) => decodeBatch(p));
      expect(back.reduce((k, x) => k + x.count, 0)).toBe(n);
      const joined = { ...plain(b), ints: back.flatMap((x) => plain(x).ints), reals: back.flatMap((x) => plain(x).reals), octets: back.flatMap((x) => plain(x).octets), count: n, bytes: back.reduce((k, x) => k + x.bytes, 0) };
      expect(joined).toEqual(plain(b));
    }));
  });

  it('refuses a damaged body in one line naming what is wrong', () => {
    const body = encodeBatch(batchOf(5, ['hk'], 1));
    expect(() => decodeBatch(body.subarray(0, 20), 'm')).toThrow(/^m: not a packed batch: 20 octets, shorter than the 28-octet header$/);
    const bad = new Uint8Array(body);
    bad[0] = 0;
    expect(() => decodeBatch(bad, 'm')).toThrow(/offset 0: magic is not IDPB/);
    expect(() => decodeBatch(body.subarray(0, body.length - 1), 'm')).toThrow(/the header announces/);
  });
});

describe.skipIf(NATS_DOWN !== undefined)('bus on NATS JetStream', () => {
  it('a re-sent batch is dropped by JetStream de-duplication (same message id); the consumer stores each packet once', async () => {
    const mission = `T${process.pid}${Date.now().toString(36)}`;
    const pub = await BusPublisher.open({ mission, url: NATS_URL });
    const send = async (b: PackedBatch, cursor: string) => {
      const builder = pub.batch().load(b);
      return pub.store(builder, { feed: 'f', value: cursor });
    };
    const b1 = batchOf(40, ['hk', 'sci'], 3);
    expect(await send(b1, 'c1')).toMatchObject({ stored: 40, duplicates: 0 });
    expect(await send(b1, 'c1')).toMatchObject({ stored: 0, duplicates: 40 });
    expect(await send(batchOf(10, ['hk'], 50), 'c2')).toMatchObject({ stored: 10 });
    expect(pub.cursor('f')).toBe('c2');
    await pub.close();
    const again = await BusPublisher.open({ mission, url: NATS_URL });
    expect(again.cursor('f')).toBe('c2'); // from the KV bucket
    await again.close();
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-bus-'));
    const { openSqliteArchiveWriter } = await import('../../src/store/index.js');
    const w = await openSqliteArchiveWriter(dir, { thread: 'never' });
    const totals = await consumeBus(w, { mission, url: NATS_URL, untilIdle: true });
    expect(totals).toMatchObject({ messages: 3, packets: 50, stored: 50, duplicates: 0 });
    await w.close();
    const a = openArchive(dir, { readonly: true });
    expect(a.status().packets).toBe(50);
    a.close();
    await rm(dir, { recursive: true, force: true });
    const nc = await connect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(streamOf(mission));
    await jsm.streams.delete(`KV_idoc_${mission.toLowerCase()}_cursors`).catch(() => undefined);
    await nc.close();
  });
});

describe.skipIf(NATS_DOWN !== undefined || !BUILT)('ingest --publish / --consume end to end, consumers killed', () => {
  let work: string;
  const streams: string[] = [];
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'idoc-bus-e2e-'));
    await mkdir(path.join(work, 'seed'));
    for (const [k, framing] of (['raw', 'dds'] as const).entries()) {
      const packets = await generateSim({ start: `2026-01-0${k + 2}T00:00:00Z`, seconds: 600, seed: k + 1 });
      await writeFile(path.join(work, 'seed', `sim_${framing}.dat`), writeWithDamage('x', packets, framing, []).bytes);
    }
  });
  afterAll(async () => {
    if (streams.length) {
      const nc = await connect({ servers: NATS_URL });
      const jsm = await nc.jetstreamManager();
      for (const s of streams) await jsm.streams.delete(s).catch(() => undefined);
      await nc.close();
    }
    await rm(work, { recursive: true, force: true });
  });

  async function setup(name: string, mission: string, archive: Record<string, unknown>): Promise<string> {
    const dir = path.join(work, name);
    await mkdir(path.join(dir, 'drop'), { recursive: true });
    for (const f of ['sim_raw.dat', 'sim_dds.dat']) await writeFile(path.join(dir, 'drop', f), await readFile(path.join(work, 'seed', f)));
    await writeBusMission(dir, mission, archive);
    return dir;
  }

  function idoc(dir: string, args: string[], env: NodeJS.ProcessEnv, killAfterStored?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IDOC_NATS_URL: NATS_URL, ...env } });
      let out = '', err = '', stored = 0;
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        stored = (err.match(/"event":"stored"/g) ?? []).length;
        if (killAfterStored !== undefined && stored >= killAfterStored) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
    });
  }

  /** The archive's packets as comparable lines (APID, count, time, octets). */
  async function packetsOf(kind: 'sqlite' | 'postgres', dir: string, pg?: Awaited<ReturnType<typeof freshPgArchive>>): Promise<string[]> {
    if (kind === 'sqlite') {
      const a = openArchive(path.join(dir, 'archive'), { readonly: true });
      const rows = [...a.query()].map((r) => `${r.apid}/${r.sequenceCount}@${r.tai} ${r.timeStatus} ${r.repeat} ${Buffer.from(a.bytesOf(r)).toString('hex')}`);
      a.close();
      return rows;
    }
    const r = await openPgArchiveReader({ target: pg!.target, dir: pg!.dir });
    const rows = [];
    for await (const page of r.rows()) {
      const bytes = await r.bytes(page);
      rows.push(...page.map((x, i) => `${x.apid}/${x.sequenceCount}@${x.tai} ${x.timeStatus} ${x.repeat} ${Buffer.from(bytes[i]!).toString('hex')}`));
    }
    await r.close();
    return rows;
  }

  for (const kind of ['sqlite', 'postgres'] as const) {
    it.skipIf(kind === 'postgres' && PG_DOWN !== undefined)(`into ${kind}: killed consumers, restarted, equal a clean ingest packet by packet`, async () => {
      const mission = `E${kind}${process.pid}${Date.now().toString(36)}`;
      streams.push(streamOf(mission), committedStreamOf(mission), `KV_idoc_${mission.toLowerCase()}_cursors`);
      const ref = await setup(`ref-${kind}`, mission, { dir: 'archive' });
      expect((await idoc(ref, ['ingest', '--once', '--quiet'], {})).code).toBe(0);
      const want = await packetsOf('sqlite', ref);
      expect(want.length).toBeGreaterThan(500);

      const pg = kind === 'postgres' ? await freshPgArchive('bus') : undefined;
      const env = pg ? { IDOC_PG_URL: (await import('../../src/postgres/_test-pg.js')).TEST_PG_URL ?? '' } : {};
      const archive = pg ? { kind: 'postgres', schema: pg.target.schema, dir: pg.dir } : { dir: 'archive' };
      const pubDir = await setup(`pub-${kind}`, mission, { dir: 'state' });
      const conDir = await setup(`con-${kind}`, mission, archive);
      const pub = await idoc(pubDir, ['ingest', '--publish', '--once', '--quiet'], {});
      expect(pub.code, pub.err).toBe(0);
      // Publishing again sends nothing new (the cursors are in the KV bucket).
      const again = await idoc(pubDir, ['ingest', '--publish', '--once', '--quiet', '--json'], {});
      expect(again.code, again.err).toBe(0);
      let kills = 0;
      for (let k = 0; k < 4; k++) {
        const r = await idoc(conDir, ['ingest', '--consume', '--once'], env, 1 + ((k * 3) % 5));
        if (r.signal === 'SIGKILL') kills++;
      }
      const last = await idoc(conDir, ['ingest', '--consume', '--once', '--json', '--quiet'], env);
      expect(last.code, last.err).toBe(0);
      expect(kills).toBeGreaterThan(0);
      const got = await packetsOf(kind, conDir, pg);
      expect(got.length).toBe(want.length);
      expect(got).toEqual(want);
      await pg?.drop();
    }, 240_000);
  }
});
