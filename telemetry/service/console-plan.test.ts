import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveMission } from '../../src/config/mission.js';
import * as planning from '../../planning/index.js';
import { loadTcDatabase } from '../../telecommand/database/load.js';
import { hashPassword, parseUsers, sessions, type ConsoleUser } from './console-auth.js';
import { registerConsoleRoutes } from './console-routes.js';
import { planPageData, visiblePlans, type PlanSource } from './console-plan.js';

const fx = (p: string) => path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/planning', p);
const OP: ConsoleUser = { name: 'op', role: 'operator', instruments: ['*'] };
const EVT: ConsoleUser = { name: 'c', role: 'coi', instruments: ['EVT'] };

describe('console plans: who sees which plan, and the page\'s series', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idoc-console-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(fx('golden/resources.plan.json'), path.join(dir, 'resources.plan.json'));
  writeFileSync(path.join(dir, 'broken.plan.json'), '{"formatVersion": 1');
  writeFileSync(path.join(dir, 'notes.txt'), 'not a plan');
  const db = loadTcDatabase(fx('sim.tcdb.json'));
  const rules = planning.loadRules(fx('golden/golden.rules.json'));
  const ephemeris = await planning.ephemerisFromFile(fx('samplesat.tle'));
  const src: PlanSource = {
    dir, load: (f) => planning.plan.loadPlan(f),
    overview: async (f) => { const plan = planning.plan.loadPlan(f); return { plan, overview: planning.planOverview({ plan, db, rules, ephemeris }) }; },
  };

  it('lists every plan file to operators (a broken one too: they fix it), a Co-I only their instruments\' plans', async () => {
    expect(await visiblePlans(src, OP)).toEqual(['broken.plan.json', 'resources.plan.json']);
    expect(await visiblePlans(src, EVT)).toEqual([]);
    expect(await planPageData(src, EVT, 'resources.plan.json')).toBeUndefined();
    expect(await planPageData(src, OP, '../resources.plan.json')).toBeUndefined();
    expect(await visiblePlans(undefined, OP)).toEqual([]);
  });

  it('sends the power as steps from the range start, the memory fill, passes, eclipses and findings in UTC', async () => {
    const t = (await planPageData(src, OP, 'resources.plan.json'))!;
    expect(t.power[0]!.points.slice(0, 2)).toEqual([{ time: '2025-01-01T00:00:00.000Z', watts: 0 }, { time: '2025-01-01T00:05:00.000Z', watts: 8, index: 0 }]);
    expect(t.dataVolume[0]!.overflows).toEqual([{ time: '2025-01-01T00:34:03.277Z', until: '2025-01-01T01:10:00.000Z', index: 5 }]);
    expect(t.modes.map((m) => m.mode)).toEqual(['OFF', 'STANDBY', 'SCIENCE', 'STANDBY']);
    expect(t.passes[0]).toEqual({ station: 'KIRUNA', start: '2025-01-01T00:16:49.375Z', end: '2025-01-01T00:21:36.357Z' });
    expect(t.eclipses[0]!.kind).toBe('umbra');
    expect(t.findings.map((f) => f.rule)).toEqual(['POWER', 'MEMORY', 'SCHEDULE']);
  });

  it('answers a plan that cannot be laid out with a 400 and one line (a broken file, rules needing an ephemeris not given)', async () => {
    const noEphemeris: PlanSource = { ...src, overview: async (f) => { const plan = planning.plan.loadPlan(f); return { plan, overview: planning.planOverview({ plan, db, rules }) }; } };
    const mission = await resolveMission({ config: fx('../sample-mission/idoc.json') });
    const app = Fastify();
    registerConsoleRoutes(app, { sources: { mission, archiveDir: path.join(dir, 'archive'), requestsDir: path.join(dir, 'req'), plans: noEphemeris }, sessions: sessions(parseUsers(JSON.stringify({ users: [{ name: 'op', role: 'operator', password: hashPassword('p') }] }), 'u.json')) });
    const login = await app.inject({ method: 'POST', url: '/api/console/login', payload: { user: 'op', password: 'p' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const get = (n: string) => app.inject({ url: `/api/console/plans/${n}`, headers: { cookie } });
    const [broken, geometry] = await Promise.all([get('broken.plan.json'), get('resources.plan.json')]);
    expect([broken.statusCode, geometry.statusCode]).toEqual([400, 400]);
    expect(broken.json<{ error: string }>().error).toMatch(/broken\.plan\.json/);
    expect(geometry.json<{ error: string }>().error).toMatch(/need an ephemeris .*give --ephemeris FILE/);
    for (const r of [broken, geometry]) expect(r.json<{ error: string }>().error).not.toContain('\n');
    await app.close();
  });
});
