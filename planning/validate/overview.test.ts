import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { edfRules, edfToTcDatabase, parseEdf } from '../../telecommand/database/edf.js';
import { loadTcDatabase, parseTcDatabase } from '../../telecommand/database/load.js';
import { isoUtc } from '../ephemeris/epoch.js';
import { ephemerisFromFile } from '../ephemeris/load.js';
import { sampleAt, shadowOf } from '../geometry/sample.js';
import { elevationDeg, stationFrame } from '../geometry/station.js';
import { loadPlan, planFromJson } from '../plan/load.js';
import { planOverview } from './overview.js';
import { defaultRuleSet, loadRules, ruleSetFromJson } from './rules-file.js';
import { validatePlan } from './validate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fx = (p: string) => path.join(root, 'fixtures/planning', p);
const T = (s: string) => Date.parse(s);

describe('planOverview() on the golden plans', async () => {
  const db = loadTcDatabase(fx('sim.tcdb.json'));
  const rules = loadRules(fx('golden/golden.rules.json'));
  const ephemeris = await ephemerisFromFile(fx('samplesat.tle'));
  const resources = loadPlan(fx('golden/resources.plan.json'));
  const o = planOverview({ plan: resources, db, rules, ephemeris });

  it('reports what validatePlan reports (the extra eclipse and pass scans change no finding)', () => {
    for (const f of ['resources', 'geometry', 'state']) {
      const plan = loadPlan(fx(`golden/${f}.plan.json`));
      expect(planOverview({ plan, db, rules, ephemeris }).report).toEqual(validatePlan({ plan, db, rules, ephemeris }));
    }
  });

  it('steps the power by each command\'s database effect, above the 18 W allocation where the finding is', () => {
    expect(o.power).toHaveLength(1);
    const p = o.power[0]!;
    expect([p.rule, p.limitW, p.initialW]).toEqual(['POWER', 18, 0]);
    // SIM_POWER_ON +8, SIM_HV_ON +3, SIM_OBS_START +6 twice, SIM_OBS_STOP −6 twice, SIM_HV_OFF −3, SIM_MODE/DOOR/PING 0.
    expect(p.steps.map((s) => [new Date(s.t).toISOString().slice(11, 19), s.levelW])).toEqual([
      ['00:05:00', 8], ['00:24:00', 11], ['00:25:00', 17], ['00:26:00', 23], ['00:27:00', 17], ['01:10:00', 11], ['01:15:00', 8],
    ]);
    const over = o.report.violations.find((v) => v.rule === 'POWER')!;
    expect(p.steps.find((s) => s.levelW > p.limitW)!.index).toBe(over.index);
  });

  it('fills the memory at the generation rate, drains it in passes, and marks the overflow the rule reports', () => {
    const d = o.dataVolume[0]!;
    expect([d.rule, d.memoryBits, d.downlinkRateBps]).toEqual(['MEMORY', 1e9, 2e7]);
    for (let i = 1; i < d.points.length; i++) expect(d.points[i]!.t).toBeGreaterThanOrEqual(d.points[i - 1]!.t);
    for (const q of d.points) { expect(q.bits).toBeGreaterThanOrEqual(0); expect(q.bits).toBeLessThanOrEqual(d.memoryBits); }
    // Independent arithmetic: empty at the Svalbard LOS (the pass drains 20 Mbit/s, more than the 4 Mbit/s of two
    // observations), then 4 Mbit/s until the first SIM_OBS_STOP at 00:27:00.
    const los = o.passes.find((p) => p.station === 'SVALBARD')!.end;
    expect(d.points.find((q) => q.t === los)!.bits).toBe(0);
    expect(d.points.find((q) => q.t === T('2025-01-01T00:27:00Z'))!.bits).toBeCloseTo(4e6 * (T('2025-01-01T00:27:00Z') - los) / 1000, 0);
    // Full until the next pass, which empties the 1 Gbit at 20 Mbit/s (nothing generated since 01:10): 50 s.
    const next = o.passes.find((p) => p.station === 'SVALBARD' && p.start > T('2025-01-01T01:10:00Z'))!;
    expect(d.points.find((q) => q.t === next.start)!.bits).toBe(1e9);
    expect(d.points.find((q) => q.bits === 0 && q.t > next.start)!.t - next.start).toBeCloseTo(50_000, 3);
    const mem = o.report.violations.find((v) => v.rule === 'MEMORY')!;
    expect(d.overflows.map((f) => isoUtc(f.t))).toEqual([mem.time]);
    expect(d.points.find((q) => q.t === d.overflows[0]!.t)!.bits).toBe(1e9);
  });

  it('follows the mode as the mode rule does: SIM_POWER_ON sets STANDBY (database), SIM_MODE its MODE parameter', () => {
    expect(o.modeLanes.map((l) => l.rule)).toEqual(['MODES']);
    expect(o.modeLanes[0]!.modes.map((m) => [m.mode, new Date(m.start).toISOString().slice(11, 19), new Date(m.end).toISOString().slice(11, 19)])).toEqual([
      ['OFF', '00:00:00', '00:05:00'], ['STANDBY', '00:05:00', '00:06:00'], ['SCIENCE', '00:06:00', '01:17:00'], ['STANDBY', '01:17:00', '06:00:00'],
    ]);
  });

  it('lists each station\'s passes (the station sees the spacecraft above its mask inside, not just outside)', () => {
    expect(new Set(o.passes.map((p) => p.station))).toEqual(new Set(['KIRUNA', 'SVALBARD', 'MALARGUE']));
    const masks: Record<string, { latDeg: number; lonDeg: number; altM: number; maskDeg: number }> = {
      KIRUNA: { latDeg: 67.857, lonDeg: 20.964, altM: 402, maskDeg: 5 }, SVALBARD: { latDeg: 78.23, lonDeg: 15.39, altM: 500, maskDeg: 5 },
      MALARGUE: { latDeg: -35.776, lonDeg: -69.398, altM: 1550, maskDeg: 10 },
    };
    const elev = (station: string, t: number) => {
      const g = sampleAt(ephemeris, t);
      if (!('r' in g)) throw new Error('no state');
      return elevationDeg(stationFrame({ name: station, ...masks[station]! }), g.r);
    };
    for (const p of o.passes) {
      expect(elev(p.station, (p.start + p.end) / 2)).toBeGreaterThan(masks[p.station]!.maskDeg);
      if (p.start > o.range.start) expect(elev(p.station, p.start - 30_000)).toBeLessThan(masks[p.station]!.maskDeg);
      if (p.end < o.range.end) expect(elev(p.station, p.end + 30_000)).toBeLessThan(masks[p.station]!.maskDeg);
    }
  });

  it('lists the eclipses: the Sun fully hidden in the umbra, partly in the penumbra', () => {
    expect(o.eclipses.filter((e) => e.kind === 'umbra').length).toBeGreaterThanOrEqual(3); // 6 h of a 99-minute orbit
    for (const e of o.eclipses) {
      const g = sampleAt(ephemeris, (e.start + e.end) / 2);
      if (!('r' in g)) throw new Error('no state');
      const s = shadowOf(g);
      if (e.kind === 'umbra') expect(s.umbraMargin).toBeLessThan(0);
      else { expect(s.penumbraMargin).toBeLessThanOrEqual(0); expect(s.umbraMargin).toBeGreaterThanOrEqual(0); }
    }
  });

  it('gives each constraint set its windows: the commands the geometry rule flags lie outside them, the others inside', () => {
    let flaggedAll = 0;
    let checked = 0;
    for (const f of ['geometry', 'resources']) {
      const plan = loadPlan(fx(`golden/${f}.plan.json`));
      const g = planOverview({ plan, db, rules, ephemeris });
      const flagged = new Set(g.report.violations.filter((v) => v.rule === 'GEOMETRY' && v.messageId === 'constraint').map((v) => v.index));
      flaggedAll += flagged.size;
      for (const w of g.windows) {
        expect(w.label).not.toBe('');
        for (const i of w.commands) {
          const t = plan.commands[i]!.t;
          expect(w.spans.some((s) => s.start <= t && t < s.end), `${f}: command ${i} (${w.label})`).toBe(!flagged.has(i));
          checked++;
        }
      }
    }
    // geometry: four commands outside their windows (the one naming an unknown station has none); resources: SIM_HV_ON inside.
    expect([flaggedAll, checked]).toEqual([4, 5]);
  });
});

describe('planOverview() with several mode rules (one per EDF experiment)', () => {
  const jx = (p: string) => path.join(root, 'fixtures/planning/juice', p);
  const include = (name: string, from: string) => { const f = path.isAbsolute(name) ? name : path.join(path.dirname(from), name); return { text: readFileSync(f, 'utf8'), file: f }; };
  const read = parseEdf([jx('majis.edf'), jx('janus.edf')].map((f) => `Include_file: "${f}"`).join('\n'), 'edfs', include);
  const edf = { ...read, files: read.files.slice(1) };
  const db = parseTcDatabase(JSON.stringify(edfToTcDatabase(edf)), 'juice.tcdb.json');
  const rules = ruleSetFromJson(edfRules(edf) as Parameters<typeof ruleSetFromJson>[0], 'juice.rules.json');
  const at = (hh: string) => `2032-07-04T${hh}:00:00Z`;
  const plan = planFromJson({
    formatVersion: 1, name: 'two', instrument: 'MAJIS', validity: { start: at('00'), end: at('06') },
    commands: [
      { time: at('01'), command: 'MAJIS_MODE', parameters: { MODE: 'STANDBY' } }, { time: at('02'), command: 'JANUS_MODE', parameters: { MODE: 'STANDBY' } },
      { time: at('03'), command: 'MAJIS_MODE', parameters: { MODE: 'SCIENCE' } }, { time: at('04'), command: 'JANUS_MODE', parameters: { MODE: 'IMAGING' } },
    ],
  }, 'two.plan.json');
  const o = planOverview({ plan, db, rules });
  const spans = (l: { modes: readonly { mode: string; start: number; end: number }[] }) => l.modes.map((m) => `${m.mode} ${new Date(m.start).toISOString().slice(11, 13)}-${new Date(m.end).toISOString().slice(11, 13)}`);

  it('lays out one lane per mode rule, each following only its experiment\'s mode command', () => {
    expect(rules.rules.filter((r) => r.kind === 'mode').map((r) => r.id)).toEqual(['MAJIS-MODES', 'JANUS-MODES']);
    expect(o.modeLanes.map((l) => l.rule)).toEqual(['MAJIS-MODES', 'JANUS-MODES']);
    expect(spans(o.modeLanes[0]!)).toEqual(['OFF 00-01', 'STANDBY 01-03', 'SCIENCE 03-06']);
    expect(spans(o.modeLanes[1]!)).toEqual(['OFF 00-02', 'STANDBY 02-04', 'IMAGING 04-06']);
  });

  it('with no mode rule, one lane (rule null) following the database\'s setsMode', async () => {
    const sim = loadTcDatabase(fx('sim.tcdb.json'));
    const golden = loadPlan(fx('golden/resources.plan.json'));
    const lanes = planOverview({ plan: golden, db: sim, rules: defaultRuleSet() }).modeLanes;
    expect(lanes.map((l) => l.rule)).toEqual([null]);
    // SIM_POWER_ON sets STANDBY in the database; SIM_MODE's parameter is not followed without a rule naming it.
    expect(lanes[0]!.modes.map((m) => m.mode)).toEqual(['OFF', 'STANDBY']);
  });
});
