/**
 * The CLI on `archive.kind: postgres` end to end (built dist/, issue 19): `archive migrate` creates the schema,
 * `ingest --once` stores a drop folder, `archive status|query|gaps|verify`, `l0 build`, `users` and `serve --probe`
 * work on it, and `tm archive` without files, `feed serve --root <archive dir>` and the console's parameter plots read it; all give what they give on the embedded SQLite archive of the same files (status per APID, L0 data
 * files byte for byte). The connection string (with a password) comes from the environment and is never printed.
 * Skips, saying so, when PostgreSQL is not reachable or dist/ is not built.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { generateSim } from '../fixtures/sim-instrument.js';
import { writeWithDamage } from '../fixtures/damage.js';
import { PG_DOWN, TEST_PG_URL } from '../src/postgres/_test-pg.js';

/** The `result` of a command's --json envelope. */
const result = (stdout: string): unknown => (JSON.parse(stdout) as { result: unknown }).result;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'dist/bin/idoc.js');
const BUILT = existsSync(BIN);
if (!BUILT) console.warn('dist/bin/idoc.js missing (npm run build): the PostgreSQL CLI tests are skipped');
const SECRET = 'pg-Secret-4711';
/** The test server's URL with a password added (trust auth ignores it): it must never appear in any output. */
const PG_URL = (() => {
  const u = new URL(TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  u.password = SECRET;
  return u.toString();
})();
const SCHEMA = `idoc_cli_${process.pid}_${Date.now().toString(36)}`;

let work = '';
const outputs: string[] = [];
function idoc(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: path.join(work, dir), encoding: 'utf8', env: { ...process.env, IDOC_PG_URL: PG_URL, ...env }, timeout: 120_000 });
  outputs.push(r.stdout, r.stderr);
  return r;
}

function setup(dir: string, archive: Record<string, unknown>): void {
  const d = path.join(work, dir);
  mkdirSync(path.join(d, 'drop'), { recursive: true });
  for (const f of readdirSync(path.join(work, 'seed'))) writeFileSync(path.join(d, 'drop', f), readFileSync(path.join(work, 'seed', f)));
  const config = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown>;
  delete config['$schema'];
  config['feeds'] = { drop: { kind: 'drop-folder', dir: 'drop', pollSeconds: 0.05 } };
  config['routes'] = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
  config['archive'] = archive;
  writeFileSync(path.join(d, 'idoc.json'), JSON.stringify(config));
}

/** Every non-label file under `dir` with its SHA-256, by relative path. */
function dataFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.(xml|json|csv)$/.test(e.name)) out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const run = PG_DOWN === undefined && BUILT;

describe.skipIf(!run)('the CLI on archive.kind postgres (built dist/)', () => {
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'idoc-pg-cli-'));
    mkdirSync(path.join(work, 'seed'));
    // DDS-framed (ground times from the files, not from the moment of ingest: the L0 index files can be compared).
    for (const k of [0, 1]) {
      const packets = await generateSim({ start: `2026-01-0${k + 2}T00:00:00Z`, seconds: 900, seed: k + 1 });
      writeFileSync(path.join(work, 'seed', `sim_${k}.dds`), writeWithDamage('x', packets, 'dds', []).bytes);
    }
    setup('lite', { dir: 'archive' });
    setup('pg', { kind: 'postgres', schema: SCHEMA, dir: 'shared' });
  }, 60_000);
  afterAll(async () => {
    const sql = postgres(TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test', { max: 1, onnotice: () => undefined });
    await sql.unsafe(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await sql.end();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('before migrate: every command refuses in one line naming the archive without credentials', () => {
    for (const args of [['archive', 'status'], ['users', 'list'], ['l0', 'build', '--out-dir', 'l0']]) {
      const r = idoc('pg', args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`#${SCHEMA}: archive schema version 0`);
      expect(r.stderr).toContain('run idoc archive migrate');
    }
  });

  it('migrate, ingest, status, query, gaps, verify and l0 build give what the SQLite archive gives', () => {
    const m = idoc('pg', ['archive', 'migrate', '--json']);
    expect(m.status, m.stderr).toBe(0);
    expect(result(m.stdout)).toMatchObject({ before: 0, archive: expect.stringMatching(new RegExp(`^postgres://127\\.0\\.0\\.1:5432/test#${SCHEMA}$`)) });
    for (const dir of ['lite', 'pg']) {
      const r = idoc(dir, ['ingest', '--once', '--quiet']);
      expect(r.status, r.stderr).toBe(0);
    }
    const status = (dir: string) => {
      const r = idoc(dir, ['archive', 'status', '--json']);
      expect(r.status, r.stderr).toBeLessThanOrEqual(1);
      const s = result(r.stdout) as Record<string, unknown> & { apids: Record<string, unknown>[] };
      return { ...s, archive: undefined, dir: undefined, schemaVersion: undefined, cursors: undefined, apids: s.apids.map((a) => ({ ...a, lastIngest: undefined, lastIngestUtc: undefined })) };
    };
    const lite = status('lite');
    expect(lite.apids.length).toBeGreaterThan(2);
    expect(status('pg')).toEqual(lite);
    // query and gaps answer the same on both.
    for (const args of [['archive', 'query', '--json', '--apid', '1100,1120', '--from', '2026-01-02T00:05:00Z', '--to', '2026-01-03T00:10:00Z'], ['archive', 'gaps', '--json']]) {
      const [a, b] = [idoc('lite', args), idoc('pg', args)];
      expect(b.status, b.stderr).toBe(a.status);
      expect(a.stdout.length).toBeGreaterThan(100);
      // Receipt times and the drop folders' paths differ between the two runs; nothing else may.
      const same = (out: string) => out.replace(/"received":"[^"]*"/g, '"received":""').replace(/"source":"[^"]*\/(sim_\d\.dds)"/g, '"source":"$1"');
      expect(same(b.stdout)).toBe(same(a.stdout));
    }
    const v = idoc('pg', ['archive', 'verify', '--json']);
    expect(v.status, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ problems: [], result: { archive: expect.stringContaining(`#${SCHEMA}`), segments: { uncheckedBytes: 0 } } });
    expect((result(v.stdout) as { segments: { checkedBytes: number } }).segments.checkedBytes).toBeGreaterThan(100_000);
    for (const dir of ['lite', 'pg']) {
      const r = idoc(dir, ['l0', 'build', '--out-dir', 'l0', '--product-time', '2026-02-01T00:00:00Z', '--json']);
      expect(r.status, r.stderr).toBeLessThanOrEqual(1);
    }
    const want = dataFiles(path.join(work, 'lite', 'l0'));
    expect(Object.keys(want).length).toBeGreaterThan(3);
    expect(dataFiles(path.join(work, 'pg', 'l0'))).toEqual(want);
  }, 240_000);

  it('tm archive without files fills the parameter archive from the PostgreSQL packet archive as from SQLite', () => {
    const defs = path.join(ROOT, 'fixtures/sample-mission/sim-tm.xml');
    const filled = ['lite', 'pg'].map((dir) => {
      const r = idoc(dir, ['tm', 'archive', '--defs', defs, '--json']);
      expect(r.status, r.stderr).toBeLessThanOrEqual(1);
      const s = result(r.stdout) as { archive?: string; packets: number; samples: number };
      return { ...s, archive: undefined };
    });
    expect(filled[0]!.samples).toBeGreaterThan(1000);
    expect(filled[1]).toEqual(filled[0]);
    const q = ['tm', 'query', 'DET_TEMP', 'HV_LEVEL', '--json'];
    const [a, b] = [idoc('lite', q), idoc('pg', q)];
    expect(b.status, b.stderr).toBe(0);
    // NDJSON samples: the same values at the same times, line for line.
    expect(a.stdout.split('\n').length).toBeGreaterThan(100);
    expect(b.stdout).toBe(a.stdout);
  }, 120_000);

  it('feed serve on the archive directory serves the PostgreSQL archive\'s packets as it serves the SQLite one\'s', async () => {
    const serve = (dir: string, root: string) => new Promise<{ url: string; packets: number; stop: () => Promise<void> }>((resolve, reject) => {
      const c = spawn(process.execPath, [BIN, 'feed', 'serve', '--root', root, '--port', '0', '--json'], { cwd: path.join(work, dir), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IDOC_PG_URL: PG_URL } });
      let out = '', err = '';
      c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      c.on('exit', (code) => reject(new Error(`feed serve exited ${code}: ${err}`)));
      c.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!out.includes('\n')) return;
        outputs.push(out, err);
        const r = result(out.split('\n')[0]!) as { url: string; packets: number };
        c.removeAllListeners('exit');
        resolve({ ...r, stop: () => new Promise((done) => { c.on('exit', () => done()); c.kill('SIGTERM'); }) });
      });
    });
    const [lite, pg] = [await serve('lite', 'archive'), await serve('pg', 'shared')];
    try {
      expect(lite.packets).toBeGreaterThan(1000);
      expect(pg.packets).toBe(lite.packets);
      const q = '/packets?apid=1100,1120&from=2026-01-02T00:05:00Z&to=2026-01-03T00:10:00Z&limit=1000000';
      const [a, b] = await Promise.all([fetch(lite.url + q), fetch(pg.url + q)]);
      expect(b.status).toBe(200);
      const [x, y] = [Buffer.from(await a.arrayBuffer()), Buffer.from(await b.arrayBuffer())];
      expect(x.length).toBeGreaterThan(10_000);
      expect(y.equals(x)).toBe(true);
    } finally {
      await Promise.all([lite.stop(), pg.stop()]);
    }
  }, 120_000);

  it('the console\'s parameter plots read the PostgreSQL archive as they read the SQLite one', async () => {
    const hash = spawnSync(process.execPath, [BIN, 'console', 'hash-password'], { input: 'pw-console\n', encoding: 'utf8' });
    expect(hash.status, hash.stderr).toBe(0);
    writeFileSync(path.join(work, 'users.json'), JSON.stringify({ users: [{ name: 'op', password: hash.stdout.trim(), role: 'operator' }] }));
    const defs = path.join(ROOT, 'fixtures/sample-mission/sim-tm.xml');
    const start = (dir: string) => new Promise<{ url: string; stop: () => Promise<void> }>((resolve, reject) => {
      const c = spawn(process.execPath, [BIN, 'console', '--users', path.join(work, 'users.json'), '--tmdb', defs, '--port', '0'], { cwd: path.join(work, dir), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IDOC_PG_URL: PG_URL } });
      let out = '', err = '';
      c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      c.on('exit', (code) => reject(new Error(`console exited ${code}: ${err}`)));
      c.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^console (\S+)\n/.exec(out);
        if (!m) return;
        outputs.push(out, err);
        c.removeAllListeners('exit');
        resolve({ url: new URL(m[1]!).origin, stop: () => new Promise((done) => { c.on('exit', () => done()); c.kill('SIGTERM'); }) });
      });
    });
    const series = async (url: string) => {
      const login = await fetch(`${url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'op', password: 'pw-console' }) });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const r = await fetch(`${url}/api/console/parameters/series?names=DET_TEMP,HV_LEVEL&from=2026-01-02T00:00:00Z&to=2026-01-03T00:10:00Z`, { headers: { cookie } });
      expect(r.status).toBe(200);
      return r.json() as Promise<{ truncated: boolean; series: { name: string; t: number[] }[] }>;
    };
    const [lite, pg] = [await start('lite'), await start('pg')];
    try {
      const want = await series(lite.url);
      expect(want.series.map((x) => x.t.length).every((n) => n > 100)).toBe(true);
      expect(await series(pg.url)).toEqual(want);
    } finally {
      await Promise.all([lite.stop(), pg.stop()]);
    }
  }, 120_000);

  it('users and serve: accounts in PostgreSQL, the catalogue from the registry, a granted token sees its route', () => {
    const add = idoc('pg', ['users', 'add', 'alice', '--role', 'co-investigator', '--route', 'SIM_HK_FAST', '--json'], { IDOC_PASSWORD: 'alice-pw' });
    expect(add.status, add.stderr).toBe(0);
    const tok = result(idoc('pg', ['users', 'token', 'alice', '--json']).stdout) as { id: string; token: string };
    const list = result(idoc('pg', ['users', 'list', '--json']).stdout) as { users: { name: string; tokens: string[]; routes: string[]; password: boolean }[] };
    expect(list.users).toEqual([expect.objectContaining({ name: 'alice', tokens: [tok.id], routes: ['SIM_HK_FAST'], password: true })]);
    const who = idoc('pg', ['serve', '--products', 'l0', '--port', '0', '--probe', '/whoami'], { IDOC_TOKEN: tok.token });
    expect(who.status, who.stderr).toBe(0);
    expect(who.stdout).toMatch(/^200 application\/json/);
    expect(JSON.parse(who.stdout.split('\n')[1]!)).toMatchObject({ user: 'alice', role: 'co-investigator', routes: ['SIM_HK_FAST'] });
    const products = idoc('pg', ['serve', '--products', 'l0', '--port', '0', '--probe', '/catalogue/products'], { IDOC_TOKEN: tok.token });
    expect(products.status, products.stderr).toBe(0);
    const items = (JSON.parse(products.stdout.split('\n').slice(1).join('\n')) as { products: { route: string }[] }).products;
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((p) => p.route))).toEqual(new Set(['SIM_HK_FAST']));
    expect(idoc('pg', ['users', 'revoke', tok.id]).stdout).toBe('1 token(s) revoked\n');
    const after = idoc('pg', ['serve', '--products', 'l0', '--port', '0', '--probe', '/whoami'], { IDOC_TOKEN: tok.token });
    expect(after.status).toBe(1);
    expect(after.stdout).toMatch(/^401 /);
  }, 120_000);

  it('the connection string\'s password was never printed', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const o of outputs) expect(o).not.toContain(SECRET);
  });
});

if (!run) {
  describe('PostgreSQL CLI tests', () => {
    it.skip(`skipped: ${PG_DOWN !== undefined ? `PostgreSQL not reachable (${PG_DOWN})` : 'dist/ not built'}`, () => undefined);
  });
}
