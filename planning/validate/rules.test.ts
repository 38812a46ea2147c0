import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTcDatabase } from '../../telecommand/database/load.js';
import type { JsonValue } from '../../src/mdb/commands/types.js';
import { planFromJson } from '../plan/load.js';
import type { PlanCommandJson } from '../plan/types.js';
import { ruleSetFromJson } from './rules-file.js';
import { validatePlan } from './validate.js';
import { reportJunit, reportText } from './report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const db = loadTcDatabase(path.join(root, 'fixtures/planning/sim.tcdb.json'));

type Row = readonly [number, string, Record<string, JsonValue>?];
/** A tiny plan: one row per command, times in seconds after 2025-01-01T00:00Z. */
const plan = (rows: readonly Row[], extra: Record<string, unknown> = {}) =>
  planFromJson({
    formatVersion: 1, name: 't', validity: { start: '2025-01-01T00:00:00Z', end: '2025-01-02T00:00:00Z' }, initialMode: 'STANDBY',
    commands: rows.map(([s, command, parameters]): PlanCommandJson => ({ time: new Date(Date.UTC(2025, 0, 1) + s * 1000).toISOString(), command, ...(parameters ? { parameters } : {}) })),
    ...extra,
  }, 'test.plan.json');
const run = (kind: string, options: Record<string, unknown>, rows: readonly Row[]) =>
  validatePlan({ plan: plan(rows), db, rules: ruleSetFromJson({ rules: [{ id: 'R', kind, options }] }, 'test.rules.json') })
    .violations.map((v) => [v.index, v.messageId]);

describe('rule kinds: valid and invalid cases', () => {
  it('ordering required withinS: the prerequisite must be recent enough', () => {
    const o = { type: 'required', command: { command: 'SIM_HV_ON' }, after: { command: 'SIM_DOOR_OPEN' }, withinS: 60 };
    expect(run('ordering', o, [[0, 'SIM_DOOR_OPEN'], [30, 'SIM_HV_ON', { VOLTAGE: 1000 }]])).toEqual([]);
    expect(run('ordering', o, [[0, 'SIM_DOOR_OPEN'], [90, 'SIM_HV_ON', { VOLTAGE: 1000 }]])).toEqual([[1, 'tooLate']]);
  });

  it('ordering matches parameter values and ranges (engineering values, labels case-insensitive)', () => {
    const o = { type: 'forbidden', command: { command: 'SIM_HV_ON', parameters: { VOLTAGE: { min: 1300 } } }, after: { command: 'SIM_MODE', parameters: { MODE: 'science' } } };
    expect(run('ordering', o, [[0, 'SIM_MODE', { MODE: 'SCIENCE' }], [10, 'SIM_HV_ON', { VOLTAGE: 1200 }]])).toEqual([]);
    expect(run('ordering', o, [[0, 'SIM_MODE', { MODE: 'SCIENCE' }], [10, 'SIM_HV_ON', { VOLTAGE: 1400 }]])).toEqual([[1, 'forbidden']]);
    expect(run('ordering', o, [[0, 'SIM_MODE', { MODE: 'SAFE' }], [10, 'SIM_HV_ON', { VOLTAGE: 1400 }]])).toEqual([]);
  });

  it('mode: the rule\'s allowed table overrides the database, rules follow release order not file order', () => {
    expect(run('mode', { allowed: { SIM_PING: ['SCIENCE'] } }, [[0, 'SIM_PING']])).toEqual([[0, 'notAllowed']]);
    const o = { modeParameters: [{ command: 'SIM_MODE', parameter: 'MODE' }] };
    // File order: OBS_START first, but it is released after the mode change.
    expect(run('mode', o, [[20, 'SIM_OBS_START', { OBS_ID: 'A', EXPOSURE: 5 }], [10, 'SIM_MODE', { MODE: 'SCIENCE' }]])).toEqual([]);
  });

  it('power: one violation per excursion, and switching off more than is on', () => {
    const rows = [[0, 'SIM_HV_ON', { VOLTAGE: 1000 }], [10, 'SIM_OBS_START', { OBS_ID: 'A', EXPOSURE: 5 }], [20, 'SIM_OBS_STOP'], [30, 'SIM_OBS_START', { OBS_ID: 'B', EXPOSURE: 5 }]] as const;
    expect(run('power', { limitW: 8 }, rows)).toEqual([[1, 'overLimit'], [3, 'overLimit']]);
    expect(run('power', { limitW: 9 }, rows)).toEqual([]);
    expect(run('power', { limitW: 9 }, [[0, 'SIM_HV_OFF']])).toEqual([[0, 'negative']]);
  });

  it('schedule-capacity: reported once at the first command that does not fit', () => {
    const rows = [[0, 'SIM_PING'], [1, 'SIM_PING'], [2, 'SIM_PING']] as const;
    expect(run('schedule-capacity', { maxCommands: 3 }, rows)).toEqual([]);
    expect(run('schedule-capacity', { maxCommands: 2 }, rows)).toEqual([[2, 'full']]);
  });

  it('data-volume without passes: memory fills at the computed instant', () => {
    // 2 Mbit/s into 100 Mbit: full 50 s after the start.
    const r = validatePlan({
      plan: plan([[100, 'SIM_OBS_START', { OBS_ID: 'A', EXPOSURE: 5 }], [200, 'SIM_OBS_STOP']]), db,
      rules: ruleSetFromJson({ rules: [{ id: 'M', kind: 'data-volume', options: { memoryBits: 1e8, downlinkRateBps: 0 } }] }, 'r.json'),
    });
    expect(r.violations.map((v) => [v.index, v.time])).toEqual([[0, '2025-01-01T00:02:30.000Z']]);
    expect(r.violations[0]!.message).toMatch(/until 2025-01-01T00:03:20\.000Z/);
  });

  it('severity warning is reported but is not an error; the text and JUnit reports show it', () => {
    const r = validatePlan({
      plan: plan([[0, 'SIM_PING'], [0, 'SIM_PING']]), db,
      rules: ruleSetFromJson({ rules: [{ id: 'T', kind: 'timing', severity: 'warning' }, { id: 'S', kind: 'syntax' }] }, 'r.json'),
    });
    expect([r.errors, r.warnings]).toEqual([0, 1]);
    expect(reportText(r)).toMatch(/T +1 +2025-01-01T00:00:00\.000Z +SIM_PING +warning: released at/);
    const x = reportJunit(r);
    expect(x).toMatch(/<testsuites name="idoc plan validate" tests="2" failures="0" errors="0" skipped="1">/);
    expect(x).toMatch(/<testcase classname="plan.syntax" name="S"\/>/);
    expect(x).toMatch(/<skipped message="released at [^"]*" type="notOrdered">/);
  });

  it('geometry rules without an ephemeris are a usage error naming --ephemeris', () => {
    const rules = ruleSetFromJson({ rules: [{ id: 'E', kind: 'event-state', options: { state: 'hv', on: { command: 'SIM_HV_ON' }, off: { command: 'SIM_HV_OFF' }, events: ['umbra-entry'] } }] }, 'r.json');
    expect(() => validatePlan({ plan: plan([[0, 'SIM_PING']]), db, rules })).toThrow(/--ephemeris/);
  });
});
