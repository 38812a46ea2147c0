import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTcDatabase } from '../../telecommand/database/load.js';
import { ephemerisFromFile } from '../ephemeris/load.js';
import { sampleAt, shadowOf } from '../geometry/sample.js';
import { planFromJson } from '../plan/load.js';
import { planToJson } from '../plan/write.js';
import { atomsOf, buildPlanGeometry } from '../requests/constraints.js';
import { loadRequests } from '../requests/load.js';
import type { RequestsFile } from '../requests/types.js';
import { loadRules } from '../validate/rules-file.js';
import { validatePlan } from '../validate/validate.js';
import { generatePlan } from './generate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fx = (p: string) => path.join(root, 'fixtures/planning', p);
const range = { start: Date.parse('2025-01-01T00:00:00Z'), end: Date.parse('2025-01-02T00:00:00Z') };

describe('generatePlan() on the sample mission (SIM on SAMPLESAT, TLE)', async () => {
  const db = loadTcDatabase(fx('sim.tcdb.json'));
  const requests = loadRequests(fx('sim.requests.json'));
  const ephemeris = await ephemerisFromFile(fx('samplesat.tle'));
  const atoms = requests.requests.flatMap((r) => atomsOf(r.constraints, requests.stations));
  const geometry = buildPlanGeometry(ephemeris, range, requests.stations, atoms);
  const gen = (rs: RequestsFile = requests) => generatePlan({ db, requests: rs, geometry, range, name: 'sim', uplink: { t: range.start, latencyS: 30 }, initialMode: 'OFF' });
  const r = gen();

  it('places the placeable requests and reports every other one with its reason', () => {
    expect(r.placements.map((p) => p.request).sort()).toEqual(['DARK-01', 'HTR-A', 'OBS-01', 'OBS-02', 'OBS-EUR', 'PING-KIR', 'PWR-UP']);
    const why = Object.fromEntries(r.unplaced.map((u) => [u.request, u.reason]));
    expect(Object.keys(why).sort()).toEqual(['HTR-B', 'OBS-BADPARAM', 'OBS-LONG', 'OBS-POLAR']);
    expect(why['HTR-B']).toMatch(/collides with requests placed before it \(HTR-A\)/);
    expect(why['OBS-BADPARAM']).toMatch(/EXPOSURE: value 20000 outside the range 1\.\.10000 ms/);
    expect(why['OBS-LONG']).toMatch(/longest is \d+ s, shorter than its 5000 s/);
    expect(why['OBS-POLAR']).toMatch(/latitude ≥ 85°/);
  });

  it('places by priority in the first fitting window: power-up at the range start + margin, then each request after its earliest time', () => {
    const at = Object.fromEntries(r.placements.map((p) => [p.request, p]));
    expect(new Date(at['PWR-UP']!.start).toISOString()).toBe('2025-01-01T00:01:00.000Z');
    expect(at['HTR-A']!.start).toBe(Date.parse('2025-01-01T23:01:00Z'));
    for (const id of ['OBS-01', 'OBS-02', 'OBS-EUR', 'DARK-01', 'PING-KIR']) expect(at[id]!.start).toBeGreaterThanOrEqual(Date.parse('2025-01-01T01:00:00Z'));
    // No two requests overlap, and 30 s (gapS) stay free between them.
    const spans = [...r.placements].sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start - spans[i - 1]!.end).toBeGreaterThanOrEqual(30_000);
  });

  it('expands sequences into timed commands that honour the constraints (checked by sampling the ephemeris directly)', () => {
    const cmds = r.plan.commands;
    expect(cmds.length).toBe(32);
    for (let i = 1; i < cmds.length; i++) expect(cmds[i]!.t).toBeGreaterThan(cmds[i - 1]!.t);
    const obs2 = cmds.filter((c) => c.request === 'OBS-02');
    expect(obs2.map((c) => c.command)).toEqual(['SIM_MODE', 'SIM_DOOR_OPEN', 'SIM_HV_ON', 'SIM_OBS_START', 'SIM_OBS_STOP', 'SIM_HV_OFF', 'SIM_DOOR_CLOSE', 'SIM_MODE']);
    expect(obs2[3]!.parameters).toMatchObject({ OBS_ID: 'OBS00002', EXPOSURE: 250, BINNING: 'B2' });
    expect(obs2[3]!.t - obs2[0]!.t).toBe(100_000);
    for (const c of obs2) {
      const s = sampleAt(ephemeris, c.t);
      if ('ok' in s) throw new Error(s.message);
      expect(s.geodetic.latDeg).toBeGreaterThan(0);
      expect(s.geodetic.latDeg).toBeLessThan(60);
      expect(shadowOf(s).state).toBe('sunlit');
    }
    for (const c of cmds.filter((x) => x.request === 'DARK-01')) {
      const s = sampleAt(ephemeris, c.t);
      if ('ok' in s) throw new Error(s.message);
      expect(shadowOf(s).state).toBe('umbra');
    }
  });

  it('is deterministic whatever the order of the requests in the file', () => {
    const shuffled = { ...requests, requests: [...requests.requests].reverse() };
    expect(planToJson(gen(shuffled).plan)).toEqual(planToJson(r.plan));
  });

  it('the generated plan validates clean against the SIM flight rules', () => {
    const plan = planFromJson(planToJson(r.plan), 'generated.plan.json');
    const report = validatePlan({ plan, db, rules: loadRules(fx('sim.rules.json')), ephemeris });
    expect(report.violations).toEqual([]);
  });

  it('refuses requests naming a station nobody declared', () => {
    const bad = { ...requests, requests: [{ ...requests.requests[5]!, constraints: { stationVisible: ['NOWHERE'] } }] };
    expect(() => gen(bad)).toThrow(/unknown station/);
  });
});
