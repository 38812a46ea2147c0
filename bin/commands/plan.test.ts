import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIdoc } from '../_run-in-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fx = (p: string) => path.join(root, 'fixtures/planning', p);
const common = ['--tcdb', fx('sim.tcdb.json'), '--ephemeris', fx('samplesat.tle')];

const idoc = (...argv: string[]) => runIdoc(['plan', ...argv]);
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('idoc plan', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idoc-plan-'));
  const planFile = path.join(dir, 'sim.plan.json');

  it('generate → validate → export itl/por/pus → import-itl → validate again', async () => {
    const g = await idoc('generate', '--requests', fx('sim.requests.json'), ...common, '--from', '2025-01-01T00:00:00Z', '--to', '2025-01-02T00:00:00Z',
      '--out', planFile, '--uplink', '2025-01-01T00:00:00Z', '--latency', '30', '--initial-mode', 'OFF');
    expect(g.code).toBe(1); // four requests cannot be placed
    expect(g.out).toMatch(/7 requests placed, 32 commands, 4 not placed/);
    expect(g.out).toMatch(/unplaced OBS-POLAR +no time in/);

    const v = await idoc('validate', planFile, ...common, '--rules', fx('sim.rules.json'), '--json');
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out).result).toMatchObject({ commands: 32, errors: 0, violations: [] });

    for (const format of ['itl', 'por', 'pus']) {
      const out = path.join(dir, `sim.${format}`);
      const e = await idoc('export', planFile, '--format', format, '--out', out, ...common, '--rules', fx('sim.rules.json'));
      expect(e.code, e.err).toBe(0);
      expect(readFileSync(`${out}.sha256`, 'utf8')).toBe(`${sha(out)}  sim.${format}\n`);
    }
    expect(JSON.parse(readFileSync(path.join(dir, 'sim.pus.manifest.json'), 'utf8')).packets).toHaveLength(32);

    const back = path.join(dir, 'back.plan.json');
    const i = await idoc('import-itl', path.join(dir, 'sim.itl'), '--out', back, '--name', 'sim');
    expect(i).toMatchObject({ code: 0 });
    const a = JSON.parse(readFileSync(planFile, 'utf8')) as { commands: unknown[] };
    const b = JSON.parse(readFileSync(back, 'utf8')) as { commands: unknown[] };
    expect(b.commands).toEqual(a.commands);
    const v2 = await idoc('validate', back, ...common, '--rules', fx('sim.rules.json'));
    expect(v2.code).toBe(0);
    // No temporary files left behind.
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('validate: exit 1 with a table, --json and --junit for a golden plan with violations', async () => {
    const plan = fx('golden/state.plan.json');
    const args = [plan, ...common, '--rules', fx('golden/golden.rules.json')];
    const t = await idoc('validate', ...args);
    expect(t.code).toBe(1);
    expect(t.out).toMatch(/^RULE +INDEX +TIME +COMMAND +MESSAGE\n/);
    expect(t.out).toMatch(/HV-AFTER-DOOR +3 +2025-01-01T00:33:00\.000Z +SIM_HV_ON +SIM_HV_ON without a preceding SIM_DOOR_OPEN/);
    expect(t.out).toMatch(/6 errors, 0 warnings\n$/);
    const junit = path.join(dir, 'report.xml');
    const j = await idoc('validate', ...args, '--junit', junit);
    expect(j.code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="idoc plan validate" tests="\d+" failures="6"/);
    expect(xml.match(/<failure /g)).toHaveLength(6);
    expect(xml).toMatch(/<testcase classname="plan.mode" name="MODES command 0 at 2025-01-01T00:30:00.000Z">/);
    const both = await idoc('validate', ...args, '--json', '--junit', junit);
    expect(both.code).toBe(1);
    expect(JSON.parse(both.out).result.errors).toBe(6);
    expect(readFileSync(junit, 'utf8')).toBe(xml);
  });

  it('validate: several plans (a quoted pattern and a plain file) → one JUnit file with a test suite per plan, --json an array', async () => {
    const junit = path.join(dir, 'all.xml');
    const pattern = path.join(fx('golden'), '*.plan.json');
    const golden = readdirSync(fx('golden')).filter((n) => n.endsWith('.plan.json')).sort();
    const broken = path.join(dir, 'unreadable.plan.json');
    writeFileSync(broken, '{"formatVersion": 1, "name": "x"}');
    const r = await idoc('validate', pattern, broken, ...common, '--rules', fx('golden/golden.rules.json'), '--json', '--junit', junit);
    expect(r.code).toBe(2); // one plan is not a valid plan
    const reports = JSON.parse(r.out).result as { file: string; errors?: number; error?: string }[];
    expect(reports.map((x) => path.basename(x.file))).toEqual([...golden, 'unreadable.plan.json']);
    expect(reports.at(-1)!.error).toMatch(/unreadable\.plan\.json: not a valid plan/);
    expect(r.err).toMatch(/^idoc: .*unreadable\.plan\.json: not a valid plan/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(golden.length + 1);
    for (const g of golden) expect(xml).toContain(`file="${path.join(fx('golden'), g)}"`);
    expect(xml).toMatch(/<testsuites name="idoc plan validate" tests="\d+" failures="\d+" errors="1" skipped="\d+">/);
    expect(xml).toContain('<error message=');
    // Without the unreadable plan: exit 1 (violations), a summary line.
    const t = await idoc('validate', pattern, ...common, '--rules', fx('golden/golden.rules.json'));
    expect(t.code).toBe(1);
    expect(t.out).toMatch(new RegExp(`\n${golden.length} plan\\(s\\): \\d+ clean, \\d+ with errors, 0 unreadable\n$`));
    expect(await idoc('validate', path.join(dir, 'nothing*.json'), ...common)).toMatchObject({ code: 2, err: `idoc: ${path.join(dir, 'nothing*.json')}: no file matches\n` });
  });

  it('export refuses a plan with errors; --force needs --waiver, which is recorded in the file', async () => {
    const plan = fx('golden/state.plan.json');
    const out = path.join(dir, 'state.itl');
    const args = [plan, '--format', 'itl', '--out', out, ...common, '--rules', fx('golden/golden.rules.json')];
    const r = await idoc('export', ...args);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refusing to export a plan with 6 validation errors/);
    expect(readdirSync(dir)).not.toContain('state.itl');
    expect((await idoc('export', ...args, '--force')).code).toBe(2);
    expect((await idoc('export', ...args, '--waiver', 'why')).code).toBe(2);
    const f = await idoc('export', ...args, '--force', '--waiver', 'Test campaign, PI approved (ticket 42)');
    expect(f.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^# WAIVER: exported with 6 validation error\(s\): Test campaign, PI approved \(ticket 42\)$/m);
    expect(readFileSync(`${out}.sha256`, 'utf8')).toBe(`${sha(out)}  state.itl\n`);
    // A command the database does not know cannot be encoded, waiver or not.
    const pus = await idoc('export', fx('golden/syntax.plan.json'), '--format', 'pus', '--out', path.join(dir, 'x.pus'), ...common, '--force', '--waiver', 'w');
    expect(pus.code).toBe(2);
    expect(pus.err).toMatch(/cannot be encoded\n[\s\S]*command 1: SIM_FLY is not in the telecommand database/);
  });

  it('bad inputs: malformed JSON, unknown rule kind, bad time, unknown format, missing ephemeris: exit 2 with one clear line', async () => {
    const broken = path.join(dir, 'broken.plan.json');
    writeFileSync(broken, '{ "formatVersion": 1, ');
    const a = await idoc('validate', broken, ...common);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/broken\.plan\.json: not valid JSON\n {2}.*broken\.plan\.json:1:\d+: /);
    const rules = path.join(dir, 'bad.rules.json');
    writeFileSync(rules, JSON.stringify({ formatVersion: 1, rules: [{ id: 'X', kind: 'horoscope' }] }));
    const b = await idoc('validate', fx('golden/state.plan.json'), ...common, '--rules', rules);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/bad\.rules\.json#\/rules\/0\/kind: unknown rule kind horoscope/);
    const c = await idoc('generate', '--requests', fx('sim.requests.json'), ...common, '--from', 'soon', '--to', '2025-01-02T00:00:00Z', '--out', path.join(dir, 'x.json'));
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/--from "soon": expected an ISO-8601 UTC time/);
    expect((await idoc('export', planFile, '--format', 'csv', '--out', path.join(dir, 'x'), ...common)).code).toBe(2);
    const d = await idoc('validate', fx('golden/geometry.plan.json'), '--tcdb', fx('sim.tcdb.json'), '--rules', fx('golden/golden.rules.json'));
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/need an ephemeris .*give --ephemeris FILE/);
  });
});

const DE440S = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');
describe.skipIf(!existsSync(DE440S))('idoc plan around Mars (--spk, ../shared/orbits)', () => {
  const marsOem = path.join(root, 'fixtures/orbits/mars-orbiter.oem');
  const marsCommon = ['--tcdb', fx('sim.tcdb.json'), '--ephemeris', marsOem];
  it('generate places the sample requests with a Mars ephemeris once kernels are given, and asks for them otherwise', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idoc-plan-mars-'));
    const out = path.join(dir, 'mars.plan.json');
    const range = ['--from', '2026-03-01T00:00:00Z', '--to', '2026-03-02T00:00:00Z', '--out', out, '--initial-mode', 'OFF'];
    const bare = await idoc('generate', '--requests', fx('sim.requests.json'), ...marsCommon, ...range);
    expect(bare.code).toBe(2);
    expect(bare.err.trim().split('\n')).toHaveLength(1);
    expect(bare.err).toMatch(/spk/i);
    const g = await idoc('generate', '--requests', fx('sim.requests.json'), ...marsCommon, '--spk', DE440S, ...range, '--json');
    expect([0, 1]).toContain(g.code);
    const placed = JSON.parse(g.out).result as { placed: unknown[] };
    expect(placed.placed.length).toBeGreaterThan(0);
    const v = await idoc('validate', out, ...marsCommon, '--spk', DE440S, '--rules', fx('sim.rules.json'), '--json');
    expect(v.err).toBe('');
    expect([0, 1]).toContain(v.code);
  });
});
