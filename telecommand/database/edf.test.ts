import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { edfRules, edfToTcDatabase, modeResources, parseEdf } from './edf.js';
import { parseTcDatabase } from './load.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const jx = (p: string) => path.join(root, 'fixtures/planning/juice', p);
const include = (name: string, from: string) => { const f = path.join(path.dirname(from), name); return { text: readFileSync(f, 'utf8'), file: f }; };

describe('EDF (EPS experiment description files)', () => {
  const edf = parseEdf(readFileSync(jx('majis.edf'), 'utf8'), jx('majis.edf'), include);

  it('reads experiments, modules and states, modes with module states (continued lines), transitions, and included actions', () => {
    expect(edf.files).toEqual([jx('majis.edf'), jx('majis/majis_actions.edf')]);
    const [majis] = edf.experiments;
    expect(majis!.modes.map((m) => [m.name, m.transitions])).toEqual([['OFF', ['STANDBY']], ['STANDBY', ['OFF', 'SCIENCE', 'CALIBRATION']], ['CALIBRATION', ['STANDBY']], ['SCIENCE', ['STANDBY']]]);
    expect(majis!.modes[3]!.moduleStates).toEqual({ MAJIS_VISNIR: 'ON', MAJIS_IR: 'ON' });
    // 12 W own + 8.5 + 10.5; 600 + 900 kbit/s from the module states.
    expect(modeResources(majis!, majis!.modes[3]!)).toEqual({ powerW: 31, dataRateBps: 1.5e6 });
    expect(majis!.actions[0]).toMatchObject({ name: 'MAJIS_ACQ_CUBE', allowedModes: ['SCIENCE'], durationS: 600, powerW: 3, dataRateBps: 5e5 });
    expect(majis!.actions[1]!.durationS).toBe(60);
  });

  it('the database it gives passes the tcdb schema and checks; the rules carry one mode machine per experiment', () => {
    const db = edfToTcDatabase(edf, { apid: 0x3c0 });
    expect(() => parseTcDatabase(JSON.stringify(db), 'edf.tcdb.json')).not.toThrow();
    expect(db.commands[0]).toMatchObject({ name: 'MAJIS_MODE', apid: 0x3c0, parameters: [{ name: 'MODE', type: 'enumerated', enumeration: [{ value: 0, label: 'OFF' }, { value: 1, label: 'STANDBY' }, { value: 2, label: 'CALIBRATION' }, { value: 3, label: 'SCIENCE' }] }] });
    expect(db.commands.find((c) => c.name === 'MAJIS_ACQ_CUBE')!.parameters.map((p) => [p.name, p.type])).toEqual([['TARGET', 'enumerated'], ['EXPOSURE', 'float'], ['LINES', 'signed']]);
    const rules = edfRules(edf, { powerLimitW: 50 }).rules as { kind: string; options?: Record<string, unknown> }[];
    expect(rules.map((r) => r.kind)).toEqual(['syntax', 'timing', 'mode', 'power']);
    expect(rules[2]!.options).toMatchObject({ initialMode: 'OFF', allowed: { MAJIS_ACQ_CUBE: ['SCIENCE'], MAJIS_DARK: ['SCIENCE', 'CALIBRATION'] } });
    expect(rules[3]!.options).toMatchObject({ commandDurationS: { MAJIS_ACQ_CUBE: 600 } });
  });

  it.each([
    ['Mode: SAFE\n', 'x.edf:1: Mode before any Experiment:'],
    ['Experiment: X\nMode: A\n  Nominal_power: 5 [horsepower]\n', 'x.edf:3: Nominal_power: unknown unit [horsepower] (power: w, watt, watts, mw, kw)'],
    ['Experiment: X\nMode: A\n  Nominal_power: 5\n', 'x.edf:3: Nominal_power: 5 has no [unit] (power: w, watt, watts, mw, kw)'],
    ['Experiment: X\nMode: A\n  Mode_transitions: B\n', 'x.edf:2: mode A: transition to unknown mode B'],
    ['Experiment: X\nMode: A\n  Module_states: M ON\n', 'x.edf:2: mode A: unknown module M of X'],
    ['Experiment: X\nAction: GO\n  Allowed_modes: Z\n', 'x.edf:2: action GO: allowed mode Z is not a mode of X'],
    ['Experiment: X\nColour: blue\n', 'x.edf:2: unknown keyword Colour:'],
    ['Experiment: X\nAction: GO\n  Power_increase: 1 [W]\n  Nominal_power: 1 [W]\n', 'x.edf:4: Nominal_power belongs to a Module_state or Mode'],
    ['# nothing\n', 'x.edf: no Experiment: found'],
  ])('refuses %j naming the line', (text, message) => {
    try {
      parseEdf(text, 'x.edf');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      const p = (e as InputError).problems[0]!;
      expect(`${p.path}: ${p.message}`.startsWith(message)).toBe(true);
    }
  });

  it('refuses an include cycle', () => {
    const files: Record<string, string> = { 'a.edf': 'Include_file: "b.edf"\n', 'b.edf': 'Experiment: X\nInclude_file: "a.edf"\n' };
    expect(() => parseEdf(files['a.edf']!, 'a.edf', (n) => ({ text: files[n]!, file: n }))).toThrow('b.edf:2: Include_file "a.edf" includes a.edf again (a.edf → b.edf → a.edf): include cycle refused');
  });
});
