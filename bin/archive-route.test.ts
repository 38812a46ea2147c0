/**
 * `--route` on `archive query|gaps` and route names in `users add|grant`: resolved as `l0 build --route` resolves
 * them (a products route, else an ingest route of the config's one route table); unknown names refused in one
 * line, exit 2.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIdoc } from './_run-in-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir = '';
let config = '';
const idoc = (...argv: string[]) => runIdoc([...argv, '--config', config]);
/** `archive query --json` streams its NDJSON as octets. */
const query = async (...argv: string[]) => (await idoc('archive', 'query', '--json', ...argv)).bytes.toString('utf8');
const apidsOf = (ndjson: string) => [...new Set(ndjson.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { apid: number }).apid))].sort((a, b) => a - b);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idoc-route-'));
  const c = JSON.parse(await readFile(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown>;
  delete c['$schema'];
  Object.assign(c, {
    feeds: { drop: { kind: 'drop-folder', dir: 'drop' } },
    routes: { HK: { apids: [[1100, 1101]] }, SCI: { apids: [1110] }, EVT: { apids: [1120] } },
    archive: { dir: 'archive' },
  });
  config = path.join(dir, 'idoc.json');
  await writeFile(config, JSON.stringify(c));
  await mkdir(path.join(dir, 'drop'));
  await copyFile(path.join(ROOT, 'fixtures/sample/sim.dds'), path.join(dir, 'drop/sim.dds'));
  const r = await idoc('ingest', '--once', '--quiet');
  expect(r.code, r.err).toBe(0);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('archive query|gaps --route', () => {
  it('selects the routes\' APIDs (ingest routes and the products\' routes, as l0 build --route), with --apid the APIDs in both', async () => {
    const all = await query();
    expect(apidsOf(all)).toEqual([1100, 1101, 1110, 1120]);
    expect(apidsOf(await query('--route', 'HK'))).toEqual([1100, 1101]);
    const two = await query('--route', 'HK,EVT');
    expect(apidsOf(two)).toEqual([1100, 1101, 1120]);
    expect(two.trim().split('\n').length).toBe(all.trim().split('\n').filter((l) => (JSON.parse(l) as { apid: number }).apid !== 1110).length);
    expect(apidsOf(await query('--route', 'HK', '--apid', '1101,1110'))).toEqual([1101]);
    expect(await query('--route', 'SCI', '--apid', '1100')).toBe('');
    // A products route (from the apids declarations): what the catalogue and the Co-I grants name.
    expect(apidsOf(await query('--route', 'SIM_HK_SLOW'))).toEqual([1101]);
    const gaps = await idoc('archive', 'gaps', '--json', '--route', 'EVT');
    expect(gaps.code).toBeLessThan(2);
    const g = (JSON.parse(gaps.out) as { result: { gaps: { apid: number }[] } }).result.gaps;
    expect(g.every((x) => x.apid === 1120)).toBe(true);
  });

  it('refuses a route the config does not have, naming the config\'s routes (exit 2, one line)', async () => {
    const r = await idoc('archive', 'query', '--route', 'HK,NOPE');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/--route NOPE: not a configured route \(SIM_HK_FAST, SIM_HK_SLOW, SIM_SCI, SIM_EVT, HK, SCI, EVT\)/);
    expect((await idoc('archive', 'gaps', '--route', 'quarantine')).code).toBe(2);
  });
});

describe('users add|grant route names', () => {
  it('grants routes of the config and refuses others before anything is stored', async () => {
    expect((await idoc('users', 'add', 'carol', '--role', 'co-investigator', '--route', 'SCI')).code).toBe(0);
    const bad = await idoc('users', 'add', 'dave', '--role', 'co-investigator', '--route', 'SCIENCE');
    expect([bad.code, bad.err.trim().split('\n').length]).toEqual([2, 1]);
    expect(bad.err).toMatch(/route SCIENCE: not a configured route/);
    expect((await idoc('users', 'grant', 'carol', 'HKX')).code).toBe(2);
    expect((await idoc('users', 'grant', 'carol', 'HK')).code).toBe(0);
    expect((await idoc('users', 'grant', 'carol', 'SIM_EVT')).code).toBe(0);
    const list = (JSON.parse((await idoc('users', 'list', '--json')).out) as { result: { users: { name: string; routes: string[] }[] } }).result.users;
    expect(list.map((u) => [u.name, [...u.routes].sort()])).toEqual([['carol', ['HK', 'SCI', 'SIM_EVT']]]);
  });
});
