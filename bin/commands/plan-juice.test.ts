import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIdoc } from '../_run-in-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const jx = (p: string) => path.join(root, 'fixtures/planning/juice', p);

const idoc = (...argv: string[]) => runIdoc(['plan', ...argv]);

describe('a JUICE-like timeline: import-edf → import-itl (includes, EVF, two experiments) → validate → export → import again', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idoc-juice-'));
  const tcdb = path.join(dir, 'juice.tcdb.json');
  const rules = path.join(dir, 'juice.rules.json');
  const plan = path.join(dir, 'juice.plan.json');

  it('import-edf builds the modes, a command per action and per mode switch, and the mode/power rules', async () => {
    const r = await idoc('import-edf', jx('majis.edf'), jx('janus.edf'), '--out-tcdb', tcdb, '--out-rules', rules, '--power-limit', '60', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).result.experiments).toEqual([
      { experiment: 'MAJIS', modes: 4, modules: 2, actions: 3 },
      { experiment: 'JANUS', modes: 3, modules: 0, actions: 1 },
    ]);
    const db = JSON.parse(readFileSync(tcdb, 'utf8'));
    expect(db.modes).toEqual(['OFF', 'STANDBY', 'CALIBRATION', 'SCIENCE', 'IMAGING']);
    expect(db.commands.map((c: { name: string }) => c.name)).toEqual(['MAJIS_MODE', 'MAJIS_ACQ_CUBE', 'MAJIS_DARK', 'MAJIS_HK_REPORT', 'JANUS_MODE', 'JANUS_IMAGE']);
    const rs = JSON.parse(readFileSync(rules, 'utf8'));
    const power = rs.rules.find((x: { kind: string }) => x.kind === 'power');
    // SCIENCE = 12 W of its own + MAJIS_VISNIR ON 8.5 W + MAJIS_IR ON 10.5 W (the module states add up).
    expect(power.options.modes[0].levels).toEqual({ OFF: 0, STANDBY: 12, CALIBRATION: 20.5, SCIENCE: 31 });
    expect(power.options.modes[1].levels).toEqual({ OFF: 0, STANDBY: 9, IMAGING: 20 });
    // The $schema written resolves, relative to the file.
    expect(readFileSync(path.resolve(dir, db.$schema), 'utf8')).toContain('"$schema"');
  });

  it('import-itl follows the includes, resolves events from an EVF in both date forms and keeps each experiment', async () => {
    const r = await idoc('import-itl', jx('juice_top.itl'), '--evf', jx('events.evf'), '--out', plan);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${plan}: 17 commands of MAJIS, JANUS from ${jx('juice_top.itl')} and 2 included file(s)\n`);
    const p = JSON.parse(readFileSync(plan, 'utf8'));
    expect(p.instrument).toBe('MAJIS');
    // The $schema written resolves relative to the plan file, to the package's plan schema.
    expect(JSON.parse(readFileSync(path.resolve(dir, p.$schema), 'utf8')).title).toBe('idoc command plan');
    expect(p.validity).toEqual({ start: '2032-07-04T00:00:00.000Z', end: '2032-07-05T00:00:00.000Z' });
    const janus = p.commands.filter((c: { experiment?: string }) => c.experiment === 'JANUS');
    expect(janus.map((c: { time: string; command: string }) => `${c.time} ${c.command}`)).toEqual([
      '2032-07-04T19:00:00.000Z JANUS_MODE', '2032-07-04T19:30:00.000Z JANUS_MODE', '2032-07-04T20:00:10.000Z JANUS_IMAGE',
      '2032-07-04T21:00:00.500Z JANUS_IMAGE', '2032-07-04T22:30:00.000Z JANUS_MODE',
    ]);
    // PERIJOVE (COUNT = 1) at 09:12:30 (ISO in the EVF) − 2 min 30 s; DL_END at 23:00 (ISO), DL_START 20:00 (dd-Mon).
    expect(p.commands.find((c: { time: string }) => c.time === '2032-07-04T09:10:00.000Z').command).toBe('MAJIS_DARK');
    const cube = p.commands.find((c: { request?: string }) => c.request === 'MAJ_GAN_CUBE_01');
    expect(cube).toMatchObject({
      command: 'MAJIS_ACQ_CUBE', parameters: { TARGET: 'GANYMEDE', EXPOSURE: 120.5, LINES: 400 },
      powerProfile: [{ offset: '00:00:00', value: 3, unit: 'Watts' }, { offset: '00:05:00', value: 4.5, unit: 'Watts' }],
      dataRateProfile: [{ offset: '0', offsetUnit: 'sec', value: 500, unit: 'kbits/sec' }, { offset: '300', offsetUnit: 'sec', value: 650, unit: 'kbits/sec' }],
    });
  });

  it('the imported timeline validates against the EDF database with no hand-written rules (same-instant mode switches allowed)', async () => {
    const r = await idoc('validate', plan, '--tcdb', tcdb, '--rules', rules);
    expect(r.out).toMatch(/17 commands, 5 rules: no violations/);
    expect(r.code).toBe(0);
  });

  it('the EDF resources are applied: a 33 W allocation is exceeded while each 3 W cube runs in MAJIS SCIENCE (31 W), and only then', async () => {
    const tight = path.join(dir, 'tight.rules.json');
    expect((await idoc('import-edf', jx('majis.edf'), jx('janus.edf'), '--out-tcdb', path.join(dir, 't.tcdb.json'), '--out-rules', tight, '--power-limit', '33')).code).toBe(0);
    const r = await idoc('validate', plan, '--tcdb', tcdb, '--rules', tight, '--json');
    expect(r.code).toBe(1);
    const v = JSON.parse(r.out).result.violations as { rule: string; command: string; message: string }[];
    expect(v.map((x) => `${x.rule} ${x.command}`)).toEqual(['POWER MAJIS_ACQ_CUBE', 'POWER MAJIS_ACQ_CUBE']);
    expect(v[0]!.message).toBe('MAJIS_ACQ_CUBE raises the power to 34 W, above the 33 W allocation (until 2032-07-04T08:40:10.000Z, the end of command 6)');
  });

  it('a transition the EDF does not allow is a violation naming it', async () => {
    const bad = path.join(dir, 'bad.plan.json');
    expect((await idoc('import-itl', jx('bad/forbidden_transition.itl'), '--out', bad)).code).toBe(0);
    const r = await idoc('validate', bad, '--tcdb', tcdb, '--rules', rules);
    expect(r.code).toBe(1);
    expect(r.out).toContain('MAJIS_MODE switches OFF → SCIENCE, not an allowed transition (from OFF: STANDBY)');
  });

  it('export keeps each entry\'s experiment, mode switches and profiles: re-imported, the plan is the same', async () => {
    const itl = path.join(dir, 'back.itl');
    expect((await idoc('export', plan, '--format', 'itl', '--out', itl, '--tcdb', tcdb, '--rules', rules)).code).toBe(0);
    const text = readFileSync(itl, 'utf8');
    expect(text).toContain('04-Jul-2032_20:00:10  JANUS  *  JANUS_IMAGE  ( FILTER=RED \\\n');
    expect(text).toContain('04-Jul-2032_07:05:00  MAJIS  SCIENCE\n');
    const back = path.join(dir, 'back.plan.json');
    expect((await idoc('import-itl', itl, '--out', back, '--name', 'juice_top')).code).toBe(0);
    const a = JSON.parse(readFileSync(plan, 'utf8'));
    const b = JSON.parse(readFileSync(back, 'utf8'));
    expect(b.commands).toEqual(a.commands.map((c: { request?: string }) => c)); // requests are kept as REQUEST metadata
    expect(b.instrument).toBe(a.instrument);
  });

  it('include cycles and imports without commands are refused with exit 2 and one line naming the file', async () => {
    const c = await idoc('import-itl', jx('bad/cycle_a.itl'));
    expect(c.code).toBe(2);
    expect(c.err.split('\n')[0]).toMatch(/^idoc: .*cycle_b\.itl:1: Include_file "cycle_a\.itl" includes .*cycle_a\.itl again \(.*\): include cycle refused$/);
    const n = await idoc('import-itl', jx('bad/no_commands.itl'));
    expect(n.code).toBe(2);
    expect(n.err).toBe(`idoc: ${jx('bad/no_commands.itl')}: no command entries found in the timeline nor in the 1 file(s) it includes: nothing to import\n`);
    const e = await idoc('import-edf', jx('majis.edf'), '--out-tcdb', path.join(dir, 'x.json'), '--out-rules', path.join(dir, 'y.json'), '--memory-bits', '1');
    expect(e).toMatchObject({ code: 2, err: 'idoc: --memory-bits and --downlink-rate go together\n' });
  });
});
