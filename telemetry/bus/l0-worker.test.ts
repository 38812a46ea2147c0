/**
 * Committed-window announcements, `idoc l0 worker` and `idoc tm l1-worker` (issue 19). Merging announcements is
 * checked on known answers. End to end (built dist/, NATS, PostgreSQL): a drop folder of two days is published and
 * consumed; the L0 worker builds both days, the L1 worker both days' tables (equal to `tm archive` + `tm l1` of the
 * files); late packets of the first day are published and consumed (the lag per route seen in `ingest status --bus`
 * and on a worker's /metrics); the L0 worker makes version 2 of that day's products only, the latest products equal
 * a fresh `l0 build` of the archive byte for byte, and the L1 worker rewrites that day's table only.
 * Skips, saying so, when NATS or PostgreSQL is not reachable or dist/ is not built.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'nats';
import { generateSim } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { freshPgArchive, PG_DOWN, TEST_PG_URL } from '../../src/postgres/_test-pg.js';
import { committedStreamOf, mergeWindows, parseCommitted, streamOf } from './index.js';
import { BIN, BUILT, NATS_DOWN, NATS_URL, ROOT } from './_test-bus.js';


const why = NATS_DOWN !== undefined ? `NATS not reachable (${NATS_DOWN})` : PG_DOWN !== undefined ? `PostgreSQL not reachable (${PG_DOWN})` : !BUILT ? 'dist/ not built' : undefined;
/** The `result` of a command's --json envelope. */
const result = (stdout: string): unknown => (JSON.parse(stdout) as { result: unknown }).result;
if (why) console.warn(`l0 worker end to end skipped: ${why}`);

describe('committed-window announcements', () => {
  it('merge per route: APIDs united, spans joined, stored added', () => {
    expect(mergeWindows([
      { route: 'hk', apids: [1101], fromTai: 50, toTai: 60, stored: 2 },
      { route: 'sci', apids: [1110], fromTai: 5, toTai: 6, stored: 1 },
      { route: 'hk', apids: [1100, 1101], fromTai: 10, toTai: 20, stored: 3 },
    ])).toEqual([
      { route: 'hk', apids: [1100, 1101], fromTai: 10, toTai: 60, stored: 5 },
      { route: 'sci', apids: [1110], fromTai: 5, toTai: 6, stored: 1 },
    ]);
  });
  it('a damaged announcement is refused in one line naming the field', () => {
    const enc = (x: unknown) => Buffer.from(JSON.stringify(x));
    expect(() => parseCommitted(Buffer.from('{'), 'm #1')).toThrow(/^m #1: not a committed-window announcement \(not JSON\)$/);
    expect(() => parseCommitted(enc({ route: 'hk', apids: [5000], fromTai: 1, toTai: 2 }), 'm')).toThrow(/apids/);
    expect(() => parseCommitted(enc({ route: 'hk', apids: [1], fromTai: 3, toTai: 2 }), 'm')).toThrow(/fromTai\/toTai/);
  });
});

describe.skipIf(why !== undefined)('idoc l0 worker: products follow the committed windows (NATS, PostgreSQL, built dist/)', () => {
  const mission = `W${process.pid}${Date.now().toString(36)}`;
  let work = '';
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    const nc = await connect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    for (const s of [streamOf(mission), committedStreamOf(mission), `KV_idoc_${mission.toLowerCase()}_cursors`]) await jsm.streams.delete(s).catch(() => undefined);
    await nc.close();
    await drop?.();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const idoc = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], {
    cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, IDOC_NATS_URL: NATS_URL, ...(TEST_PG_URL !== undefined ? { IDOC_PG_URL: TEST_PG_URL } : {}) },
  });
  const idocAsync = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IDOC_NATS_URL: NATS_URL, ...(TEST_PG_URL !== undefined ? { IDOC_PG_URL: TEST_PG_URL } : {}) } });
    let out = '', err = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    c.on('exit', (code) => resolve({ code, out, err }));
  });
  const DEFS = path.join(ROOT, 'fixtures/sample-mission/sim-tm.xml');
  /** The L1 tables (.csv) of a folder, by name. */
  const tables = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(path.join(work, dir)).filter((f) => f.endsWith('.csv')).sort()
    .map((f) => [f, readFileSync(path.join(work, dir, f), 'latin1')]));
  /** The worker's L1 tables by window (the `_v<N>` suffix dropped): the latest version's, or version `v`'s. */
  const workerTables = (dir: string, v?: number): Record<string, string> => {
    const out: Record<string, { n: number; text: string }> = {};
    for (const f of readdirSync(path.join(work, dir))) {
      const m = /^(.*)_v(\d+)\.csv$/.exec(f);
      if (!m || (v !== undefined && Number(m[2]) !== v)) continue;
      if (!out[m[1]!] || out[m[1]!]!.n < Number(m[2])) out[m[1]!] = { n: Number(m[2]), text: readFileSync(path.join(work, dir, f), 'latin1') };
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, x.text]));
  };
  /** `tm archive FILES` into a parameter archive, then `tm l1` per day (2026-01-02, 2026-01-03) into `out`. */
  const referenceL1 = (files: string[], out: string): Record<string, string> => {
    const a = idoc(['tm', 'archive', ...files, '--defs', DEFS, '--archive', `params-${out}`, '--json']);
    expect(a.status, a.stderr).toBe(0);
    for (const [from, to] of [['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'], ['2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z']]) {
      const r = idoc(['tm', 'l1', 'DET_TEMP', 'HV_LEVEL', '--archive', `params-${out}`, '--from', from!, '--to', to!, '--out-dir', out]);
      expect(r.status, r.stderr).toBe(0);
    }
    return tables(out);
  };
  /** Latest version's data files of every product, by product id. */
  const latestData = (dir: string): Record<string, string> => {
    const files: Record<string, string> = {};
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/_v\d+(_index)?\.dat$/.test(e.name)) files[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
      }
    };
    walk(dir);
    const latest: Record<string, { v: number; sha: string }> = {};
    for (const [f, sha] of Object.entries(files)) {
      const m = /^(.*)_v(\d+)(_index)?\.dat$/.exec(f)!;
      const key = `${m[1]}${m[3] ?? ''}`;
      if (!latest[key] || latest[key].v < Number(m[2])) latest[key] = { v: Number(m[2]), sha };
    }
    return Object.fromEntries(Object.entries(latest).map(([k, x]) => [k, x.sha]));
  };

  /** `ingest --consume --watch --metrics 0`, its /metrics scraped until every route's lag gauge is 0, then SIGTERM. */
  async function consumeWatchingMetrics(): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'ingest', '--consume', '--watch', '--metrics', '0', '--quiet'], {
      cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IDOC_NATS_URL: NATS_URL, ...(TEST_PG_URL !== undefined ? { IDOC_PG_URL: TEST_PG_URL } : {}) },
    });
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    try {
      let url: string | undefined;
      for (let i = 0; i < 600 && url === undefined; i++) {
        url = /"url":"([^"]+)"/.exec(err)?.[1];
        if (url === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(url, err).toBeDefined();
      let text = '';
      for (let i = 0; i < 600; i++) {
        text = await (await fetch(`${url}/metrics`)).text();
        const lags = [...text.matchAll(/^idoc_bus_consumer_lag_messages\{route="([^"]+)",durable="archive"\} (\d+)$/gm)];
        expect(lags.map((m) => m[1]).sort()).toEqual(['SIM_EVT', 'SIM_HK', 'SIM_SCI']);
        if (lags.every((m) => m[2] === '0')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(text).toMatch(/^idoc_bus_consumer_lag_messages\{route="SIM_HK",durable="archive"\} 0$/m);
      expect(text).toMatch(/^idoc_bus_builder_pending_announcements\{durable="l0"\} [1-9]\d*$/m);
      expect(text).toMatch(/^idoc_ingest_commit_latency_seconds_count [1-9]\d*$/m);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, err).toBe(0);
  }

  it('builds both days, then only the day that got late packets, as version 2', async () => {
    work = mkdtempSync(path.join(tmpdir(), 'idoc-l0-worker-'));
    const pg = await freshPgArchive('l0w');
    drop = pg.drop;
    mkdirSync(path.join(work, 'drop'));
    const day1 = await generateSim({ start: '2026-01-02T00:00:00Z', seconds: 900, seed: 1 });
    const day2 = await generateSim({ start: '2026-01-03T00:00:00Z', seconds: 900, seed: 2 });
    const onTime = day1.filter((_, i) => i % 7 !== 3);
    const late = day1.filter((_, i) => i % 7 === 3);
    writeFileSync(path.join(work, 'drop', 'day1.dds'), writeWithDamage('x', onTime, 'dds', []).bytes);
    writeFileSync(path.join(work, 'drop', 'day2.dds'), writeWithDamage('x', day2, 'dds', []).bytes);
    const config = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown> & { mission: Record<string, unknown> };
    delete config['$schema'];
    config.mission = { ...config.mission, name: mission };
    config['feeds'] = { drop: { kind: 'drop-folder', dir: 'drop', pollSeconds: 0.05 } };
    config['routes'] = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
    config['archive'] = { kind: 'postgres', schema: pg.target.schema, dir: pg.dir };
    writeFileSync(path.join(work, 'idoc.json'), JSON.stringify(config));

    const step = (args: string[]) => { const r = idoc(args); expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0); return r; };
    step(['ingest', '--publish', '--once', '--quiet']);
    step(['ingest', '--consume', '--once', '--quiet']);
    const first = result(step(['l0', 'worker', '--once', '--json', '--out-dir', 'l0']).stdout) as Record<string, number>;
    expect(first['announcements']).toBeGreaterThan(0);
    expect(first).toMatchObject({ updated: 0 });
    expect(first['new']).toBeGreaterThanOrEqual(8); // 4 instruments streams × 2 days
    const v1 = latestData(path.join(work, 'l0'));
    // L1 from the same announcements (durable l1): each day's table equals `tm archive` + `tm l1` of the files.
    const l1 = result(step(['tm', 'l1-worker', 'DET_TEMP,HV_LEVEL', '--defs', DEFS, '--out-dir', 'l1', '--once', '--json']).stdout) as Record<string, number>;
    expect(l1).toMatchObject({ windows: 2, products: 2, unchanged: 0 });
    const ref1 = Object.values(referenceL1(['drop/done/day1.dds', 'drop/done/day2.dds'], 'ref1'));
    // Named for their windows (the days), version 1, the tables `tm l1` writes.
    expect(Object.keys(workerTables('l1'))).toEqual(['parameters_20260102t000000', 'parameters_20260103t000000']);
    expect(Object.values(workerTables('l1', 1))).toEqual(ref1);

    writeFileSync(path.join(work, 'drop', 'late.dds'), writeWithDamage('x', late, 'dds', []).bytes);
    step(['ingest', '--publish', '--once', '--quiet']);
    // Published, not yet committed: the lag per route shows it.
    type Lag = { routes: { route: string; lag: number; messages: number }[]; consumer: { pending: number }; builders: { durable: string; pending: number; ackPending: number }[] };
    const lagBefore = result(step(['ingest', 'status', '--bus', '--json']).stdout) as Lag;
    expect(lagBefore.routes.map((r) => r.route).sort()).toEqual(['SIM_EVT', 'SIM_HK', 'SIM_SCI']);
    expect(lagBefore.routes.reduce((n, r) => n + r.lag, 0)).toBeGreaterThan(0);
    expect(lagBefore.routes.reduce((n, r) => n + r.lag, 0)).toBeLessThan(lagBefore.routes.reduce((n, r) => n + r.messages, 0));
    // The archive worker as a daemon with /metrics: scraped until every route's lag is 0, then stopped.
    await consumeWatchingMetrics();
    const lagAfter = result(step(['ingest', 'status', '--bus', '--json']).stdout) as Lag;
    expect(lagAfter.routes.every((r) => r.lag === 0)).toBe(true);
    expect(lagAfter.builders.find((b) => b.durable === 'l0')!.pending).toBeGreaterThan(0);
    const second = step(['l0', 'worker', '--once', '--json', '--out-dir', 'l0']);
    const t2 = result(second.stdout) as Record<string, number>;
    expect(t2).toMatchObject({ new: 0 });
    expect(t2['updated']).toBeGreaterThan(0);
    const events = second.stderr.trim().split('\n').map((l) => JSON.parse(l) as { products: { lidvid: string; status: string }[] });
    const touched = events.flatMap((e) => e.products);
    // Only day 1 was rebuilt; its products got version 2.
    expect(touched.every((p) => p.lidvid.includes('20260102'))).toBe(true);
    expect(touched.filter((p) => p.status === 'updated').every((p) => p.lidvid.endsWith('::2.0'))).toBe(true);
    const v2 = latestData(path.join(work, 'l0'));
    for (const k of Object.keys(v1)) if (k.includes('20260103')) expect(v2[k], k).toBe(v1[k]);
    expect(Object.keys(v2).filter((k) => k.includes('20260102') && v2[k] !== v1[k]).length).toBeGreaterThan(0);
    const l1late = result(step(['tm', 'l1-worker', 'DET_TEMP,HV_LEVEL', '--defs', DEFS, '--out-dir', 'l1', '--once', '--json']).stdout) as Record<string, number>;
    expect(l1late).toMatchObject({ windows: 1, products: 1 }); // day 1 only
    const ref2 = Object.values(referenceL1(['drop/done/day1.dds', 'drop/done/late.dds', 'drop/done/day2.dds'], 'ref2'));
    expect(ref2[0]).not.toEqual(ref1[0]);
    // Day 1 got version 2 (the late packets' table); its version 1 stays as it was; day 2 is still version 1 only.
    expect(Object.values(workerTables('l1'))).toEqual(ref2);
    expect(Object.values(workerTables('l1', 1))).toEqual(ref1);
    expect(Object.keys(workerTables('l1', 2))).toEqual(['parameters_20260102t000000']);
    expect(readFileSync(path.join(work, 'l1', 'parameters_20260102t000000_v2.xml'), 'utf8')).toContain('<version_id>2.0</version_id>');
    // What the worker made is what a fresh build of the whole archive makes.
    const fresh = idoc(['l0', 'build', '--out-dir', 'fresh']);
    expect(fresh.status, fresh.stderr).toBeLessThanOrEqual(1); // 1: quality findings (the simulator's gaps)
    expect(latestData(path.join(work, 'l0'))).toEqual(latestData(path.join(work, 'fresh')));
    // Nothing more announced: the worker has nothing to do.
    expect(result(step(['l0', 'worker', '--once', '--json', '--out-dir', 'l0']).stdout)).toMatchObject({ announcements: 0, rebuilds: 0 });
    expect((result(step(['ingest', 'status', '--bus', '--json']).stdout) as Lag).builders.find((b) => b.durable === 'l0')).toMatchObject({ pending: 0, ackPending: 0 });

    // Two workers (durables of their own: each gets every announcement) on one products folder, at the same time:
    // the window locks let one write each version; the other waits and finds it (no version written twice).
    const both = await Promise.all(['twoA', 'twoB'].map((d) => idocAsync(['l0', 'worker', '--once', '--json', '--durable', d, '--out-dir', 'l0two'])));
    for (const r of both) expect(r.code, r.err).toBe(0);
    const written = both.flatMap((r) => r.err.trim().split('\n').map((l) => JSON.parse(l) as { event: string; products?: { lidvid: string; status: string }[] })
      .filter((e) => e.event === 'rebuilt').flatMap((e) => e.products!).filter((p) => p.status !== 'unchanged').map((p) => p.lidvid));
    expect(written.length).toBeGreaterThan(0);
    expect(new Set(written).size).toBe(written.length);
    const totals = both.map((r) => result(r.out) as Record<string, number>);
    expect(totals[0]!['new']! + totals[1]!['new']!).toBe(Object.keys(latestData(path.join(work, 'l0two'))).filter((k) => !k.endsWith('_index')).length);
    expect(latestData(path.join(work, 'l0two'))).toEqual(latestData(path.join(work, 'fresh')));
    expect(readdirSync(path.join(work, 'l0two', '.idoc-locks'))).toEqual([]);
    // The same for two L1 workers on one folder: each window's table written once (version 1 of both days, then
    // version 2 of day 1 when the late announcements come in a later batch), the latest tables those of `tm l1`.
    const l1two = await Promise.all(['l1A', 'l1B'].map((d) => idocAsync(['tm', 'l1-worker', 'DET_TEMP,HV_LEVEL', '--defs', DEFS, '--out-dir', 'l1two', '--once', '--json', '--durable', d])));
    for (const r of l1two) expect(r.code, r.err).toBe(0);
    const tables = l1two.flatMap((r) => r.err.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; lidvid?: string }).filter((e) => e.event === 'written').map((e) => e.lidvid!));
    expect(tables.length, l1two.map((r) => r.out + r.err).join('\n')).toBeGreaterThanOrEqual(2);
    expect(new Set(tables).size).toBe(tables.length);
    expect(Object.values(workerTables('l1two'))).toEqual(ref2);
  }, 240_000);
});

if (why !== undefined) {
  describe('l0 worker end to end', () => {
    it.skip(`skipped: ${why}`, () => undefined);
  });
}
