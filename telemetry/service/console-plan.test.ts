import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveMission } from '../../src/config/mission.js';
import * as planning from '../../planning/index.js';
import * as edf from '../../telecommand/database/edf.js';
import { loadTcDatabase, parseTcDatabase } from '../../telecommand/database/load.js';
import { hashPassword, parseUsers, sessions, type ConsoleUser } from './console-auth.js';
import { registerConsoleRoutes } from './console-routes.js';
import { benchPlanJson } from '../../bench/planning.bench.js';
import { planCommands, planPageData, visiblePlans, type PlanSource } from './console-plan.js';

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
    expect((await visiblePlans(src, OP)).filter((n) => n !== 'bench.plan.json')).toEqual(['broken.plan.json', 'resources.plan.json']);
    expect(await visiblePlans(src, EVT)).toEqual([]);
    expect(await planPageData(src, EVT, 'resources.plan.json')).toBeUndefined();
    expect(await planPageData(src, OP, '../resources.plan.json')).toBeUndefined();
    expect(await visiblePlans(undefined, OP)).toEqual([]);
  });

  it('sends the power as steps from the range start, the memory fill, passes, eclipses and findings in UTC', async () => {
    const t = (await planPageData(src, OP, 'resources.plan.json'))!;
    // Per column of 1,000 over the six hours (21.6 s): 0 W from the start, 8 W from 00:05:00 (column 13.9 → 13).
    const p = t.power[0]!;
    expect([p.startW, p.peakW, t.columns]).toEqual([0, 23, 1000]);
    expect(p.columns.slice(0, 15)).toEqual([...new Array(13).fill(null), [0, 8, 8], null]);
    expect(Math.max(...p.columns.map((c) => c?.[1] ?? 0))).toBe(23);
    expect(t.dataVolume[0]!.overflows).toEqual([{ start: '2025-01-01T00:34:03.277Z', end: '2025-01-01T01:10:00.000Z' }]);
    expect(t.power[0]!.over).toEqual([{ start: '2025-01-01T00:26:00.000Z', end: '2025-01-01T00:27:00.000Z' }]);
    expect(t.modeLanes.map((l) => [l.rule, l.modes.map((m) => m.mode)])).toEqual([['MODES', ['OFF', 'STANDBY', 'SCIENCE', 'STANDBY']]]);
    // A small plan: every command its own column, every finding its own mark.
    expect(t.commandBins.map((b) => b.count)).toEqual(t.commands.filter((c) => c.time).map(() => 1));
    expect(t.findingBins.reduce((n, b) => n + b.count, 0)).toBe(t.findings.filter((f) => f.time).length);
    expect(t.passes[0]).toEqual({ station: 'KIRUNA', start: '2025-01-01T00:16:49.375Z', end: '2025-01-01T00:21:36.357Z' });
    expect(t.eclipses[0]!.kind).toBe('umbra');
    expect(t.findings.map((f) => f.rule)).toEqual(['POWER', 'MEMORY', 'SCHEDULE']);
  });

  it('reduces the bench\'s 10,000-command 7-day plan to the timeline\'s columns: bounded series, a small JSON, pages of commands', async () => {
    const big = planning.plan.planFromJson(benchPlanJson(), 'bench.plan.json');
    writeFileSync(path.join(dir, 'bench.plan.json'), JSON.stringify(benchPlanJson()));
    const simRules = planning.parseRules(readFileSync(fx('sim.rules.json'), 'utf8').replace('"maxCommands": 100', '"maxCommands": 20000'), 'sim.rules.json');
    const bigSrc: PlanSource = { ...src, overview: async (f) => { const plan = planning.plan.loadPlan(f); return { plan, overview: planning.planOverview({ plan, db, rules: simRules, ephemeris }) }; } };
    const full = planning.planOverview({ plan: big, db, rules: simRules, ephemeris });
    const t = (await planPageData(bigSrc, OP, 'bench.plan.json', 1000))!;
    expect(t.commandCount).toBe(10_000);
    expect(t.columns).toBe(1000);
    // Every timed command counted once, in at most one bin per column.
    expect(t.commandBins.reduce((n, b) => n + b.count, 0)).toBe(10_000);
    expect(t.commandBins.length).toBeLessThanOrEqual(1000);
    expect(t.commands).toHaveLength(100);
    expect(t.findings).toHaveLength(100);
    for (const w of t.windows) expect(w.commandBins.length).toBeLessThanOrEqual(1000);
    expect(t.windows.map((w) => w.commandBins.reduce((n, b) => n + b[1], 0))).toEqual(full.windows.map((w) => w.commands.length));
    // Curves: one entry a column, the peaks kept.
    expect(t.power[0]!.columns).toHaveLength(1000);
    expect(t.power[0]!.peakW).toBe(Math.max(full.power[0]!.initialW, ...full.power[0]!.steps.map((s) => s.levelW)));
    expect(Math.max(...t.power[0]!.columns.map((c) => c?.[1] ?? 0))).toBe(t.power[0]!.peakW);
    expect(t.dataVolume[0]!.columns).toHaveLength(1000);
    expect(Math.max(...t.dataVolume[0]!.columns.map((c) => c?.[1] ?? 0))).toBe(Math.round(Math.max(...full.dataVolume[0]!.points.map((q) => q.bits))));
    for (const l of t.modeLanes) expect(l.modes.length).toBeLessThanOrEqual(1000);
    expect(t.findingBins.reduce((n, b) => n + b.count, 0)).toBe(full.report.violations.filter((v) => v.time).length);
    expect(t.findingCount).toBe(full.report.violations.length);
    const bytes = JSON.stringify(t).length;
    expect(bytes).toBeLessThan(300_000);
    // The commands by page, from the plan file alone.
    const p = (await planCommands(bigSrc, OP, 'bench.plan.json', 9_990, 50))!;
    expect([p.total, p.offset, p.commands.length, p.commands[0]!.index]).toEqual([10_000, 9_990, 10, 9_990]);
    expect(p.commands[0]!.time).toBe(new Date(big.commands[9_990]!.t).toISOString());
    expect(await planCommands(bigSrc, EVT, 'bench.plan.json', 0, 10)).toBeUndefined();
  });

  it('sends one mode lane per mode rule (the two experiments of JUICE-like EDFs), each named by its rule', async () => {
    const jx = (f: string) => path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/planning/juice', f);
    const include = (n: string, from: string) => { const f = path.isAbsolute(n) ? n : path.join(path.dirname(from), n); return { text: readFileSync(f, 'utf8'), file: f }; };
    const read = edf.parseEdf([jx('majis.edf'), jx('janus.edf')].map((f) => `Include_file: "${f}"`).join('\n'), 'edfs', include);
    const both = { ...read, files: read.files.slice(1) };
    const jdb = parseTcDatabase(JSON.stringify(edf.edfToTcDatabase(both)), 'juice.tcdb.json');
    const jrules = planning.parseRules(JSON.stringify(edf.edfRules(both)), 'juice.rules.json');
    const at = (hh: string) => `2032-07-04T${hh}:00:00Z`;
    const jdir = mkdtempSync(path.join(os.tmpdir(), 'idoc-console-plan-juice-'));
    try {
      writeFileSync(path.join(jdir, 'juice.plan.json'), JSON.stringify({
        formatVersion: 1, name: 'juice', instrument: 'MAJIS', validity: { start: at('00'), end: at('06') },
        commands: [{ time: at('01'), command: 'MAJIS_MODE', parameters: { MODE: 'STANDBY' } }, { time: at('02'), command: 'JANUS_MODE', parameters: { MODE: 'STANDBY' } },
          { time: at('04'), command: 'JANUS_MODE', parameters: { MODE: 'IMAGING' } }],
      }));
      const jsrc: PlanSource = { dir: jdir, load: (f) => planning.plan.loadPlan(f), overview: async (f) => { const plan = planning.plan.loadPlan(f); return { plan, overview: planning.planOverview({ plan, db: jdb, rules: jrules }) }; } };
      const t = (await planPageData(jsrc, OP, 'juice.plan.json'))!;
      expect(t.modeLanes.map((l) => [l.rule, l.modes.map((m) => `${m.mode} ${m.start.slice(11, 13)}-${m.end.slice(11, 13)}`)])).toEqual([
        ['MAJIS-MODES', ['OFF 00-01', 'STANDBY 01-06']], ['JANUS-MODES', ['OFF 00-02', 'STANDBY 02-04', 'IMAGING 04-06']],
      ]);
    } finally { rmSync(jdir, { recursive: true, force: true }); }
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
    // The commands by page need no layout: the plan file alone.
    const page = await get('resources.plan.json/commands?offset=2&limit=3');
    expect(page.statusCode).toBe(200);
    expect(page.json<{ total: number; offset: number; commands: { index: number }[] }>()).toMatchObject({ total: 14, offset: 2, commands: [{ index: 2 }, { index: 3 }, { index: 4 }] });
    expect((await get('resources.plan.json/commands?offset=-1')).statusCode).toBe(400);
    expect((await get('nothere.plan.json/commands')).statusCode).toBe(404);
    await app.close();
  });
});
