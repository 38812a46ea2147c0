import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { parseRequests } from '../requests/load.js';
import { parseRules } from '../validate/rules-file.js';
import { parsePlan } from './load.js';
import { planText, planToJson } from './write.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The problems of an InputError as `path: message` lines. */
function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  throw new Error('no error');
}

const base = { formatVersion: 1, name: 'p', validity: { start: '2025-01-01T00:00:00Z', end: '2025-01-02T00:00:00Z' }, commands: [{ time: '2025-01-01T01:00:00Z', command: 'SIM_PING' }] };
const with_ = (patch: Record<string, unknown>) => JSON.stringify({ ...base, ...patch });

describe('parsePlan(): bad input, each with a clear error', () => {
  it('malformed JSON names file, line and column', () => {
    expect(problems(() => parsePlan('{\n  "formatVersion": 1,\n  "name": "x",,\n}', 'p.json'))).toEqual([expect.stringMatching(/^p\.json:3:15: unexpected ','/)]);
  });

  it('schema problems are located by JSON pointer', () => {
    expect(problems(() => parsePlan(with_({ commands: [{ time: '2025-01-01T01:00:00Z' }] }), 'p.json'))).toEqual(['p.json#/commands/0/command: required property is missing']);
    expect(problems(() => parsePlan(with_({ colour: 'red' }), 'p.json'))).toEqual(['p.json#/colour: unknown property']);
    expect(problems(() => parsePlan(with_({ commands: [{ time: '2025-01-01T01:00:00Z', command: 'X', parameters: { A: [1] } }] }), 'p.json'))).toEqual(['p.json#/commands/0/parameters/A: must be number,string,boolean']);
  });

  it('impossible times, an empty validity and bad stations are reported, all at once', () => {
    const text = with_({
      validity: { start: '2025-01-02T00:00:00Z', end: '2025-01-01T00:00:00Z' },
      stations: ['KIRUNA:99:20:402:5'],
      commands: [{ time: '2025-02-30T01:00:00Z', command: 'SIM_PING' }, { time: 'yesterday noon', command: 'SIM_PING', constraints: { altitudeKm: { min: 600, max: 500 } } }],
    });
    expect(problems(() => parsePlan(text, 'p.json'))).toEqual([
      'p.json#/validity: validity ends before it starts',
      'p.json#/stations/0: "KIRUNA:99:20:402:5": latitude must be a number in [-90, 90]',
      'p.json#/commands/0/time: "2025-02-30T01:00:00Z" is not a UTC instant (e.g. 2014-01-21T06:00:00Z)',
      'p.json#/commands/1/constraints/altitudeKm: min 600 is above max 500',
      'p.json#/commands/1/time: "yesterday noon" is not a UTC instant (e.g. 2014-01-21T06:00:00Z)',
    ]);
  });

  it('unsorted times are NOT a load error: validation reports them with rule, index and time', () => {
    const p = parsePlan(with_({ commands: [{ time: '2025-01-01T02:00:00Z', command: 'A' }, { time: '2025-01-01T01:00:00Z', command: 'B' }] }), 'p.json');
    expect(p.commands.map((c) => c.index)).toEqual([0, 1]);
  });

  it('planText() round-trips through parsePlan()', () => {
    const file = path.join(root, 'fixtures/planning/golden/geometry.plan.json');
    const p = parsePlan(readFileSync(file, 'utf8'), file);
    const again = parsePlan(planText(p), 'again.json');
    expect(planToJson(again)).toEqual(planToJson(p));
  });
});

describe('parseRequests() and parseRules(): bad input', () => {
  const req = (requests: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ formatVersion: 1, requests, ...extra });
  it('duplicate ids, reversed windows and unknown properties', () => {
    expect(problems(() => parseRequests(req([
      { id: 'A', sequence: 'S', priority: 1, time: { window: { start: '2025-01-02T00:00:00Z', end: '2025-01-01T00:00:00Z' } } },
      { id: 'A', sequence: 'S', priority: 1 },
    ]), 'r.json'))).toEqual(['r.json#/requests/0/time/window: the window ends before it starts', 'r.json#/requests/1/id: request id A is used twice']);
    expect(problems(() => parseRequests(req([{ id: 'A', sequence: 'S', priority: 1, constraints: { sunny: true } }]), 'r.json'))).toEqual(['r.json#/requests/0/constraints/sunny: unknown property']);
    expect(problems(() => parseRequests(req([{ id: 'A', sequence: 'S', priority: -1 }]), 'r.json'))).toEqual(['r.json#/requests/0/priority: must be >= 0']);
  });

  it('rules: unknown kind lists the known ones; options are checked by the kind\'s own schema', () => {
    const rules = (list: unknown[]) => JSON.stringify({ formatVersion: 1, rules: list });
    expect(problems(() => parseRules(rules([{ id: 'X', kind: 'astrology' }]), 'x.json'))[0]).toMatch(/^x\.json#\/rules\/0\/kind: unknown rule kind astrology \(known: syntax, timing, mode, ordering, event-state, geometry, power, data-volume, schedule-capacity\)$/);
    expect(problems(() => parseRules(rules([{ id: 'P', kind: 'power', options: { limit: 3 } }]), 'x.json'))).toEqual([
      'x.json#/rules/0/options/limitW: power: required property is missing',
      'x.json#/rules/0/options/limit: power: unknown property',
    ]);
    expect(problems(() => parseRules(rules([{ id: 'G', kind: 'geometry', options: { commands: { HV: { eclipse: 'no' } } } }]), 'x.json'))).toEqual(['x.json#/rules/0/options/commands/HV/eclipse: geometry: must be boolean']);
    expect(problems(() => parseRules(rules([{ id: 'S', kind: 'syntax' }, { id: 'S', kind: 'timing' }]), 'x.json'))).toEqual(['x.json#/rules/1/id: rule id S is used twice']);
  });

  it('the bundled SIM requests and rules files are valid', () => {
    expect(parseRequests(readFileSync(path.join(root, 'fixtures/planning/sim.requests.json'), 'utf8'), 'sim.requests.json').requests.length).toBe(11);
    expect(parseRules(readFileSync(path.join(root, 'fixtures/planning/sim.rules.json'), 'utf8'), 'sim.rules.json').rules.length).toBe(10);
  });
});

describe('precompiled schema validators', () => {
  it('the generated planning and tcdb validator modules are up to date with schemas/ and the rule option schemas (npm run validators)', async () => {
    const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
    const { planningValidatorsCode } = await import('./_validators-generate.js');
    const { tcdbValidatorCode } = await import('../../telecommand/database/_validator-generate.js');
    expect(readFileSync(here('./_validators.generated.ts'), 'utf8')).toBe(planningValidatorsCode());
    expect(readFileSync(here('../../telecommand/database/_validator.generated.ts'), 'utf8')).toBe(tcdbValidatorCode());
  });
});
