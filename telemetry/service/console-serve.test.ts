/**
 * `idoc serve` with the console's data options, without a browser: the flags `idoc console` takes, one-line usage
 * errors, and the console API answering the service's bearer tokens (`--probe` with IDOC_TOKEN) with the token
 * user's rights, plans included.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleScenario, IDOC, type ConsoleScenario } from './console-fixture.js';

const run = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [IDOC, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });

describe('idoc serve: the console\'s data options and tokens', () => {
  let work: string;
  let sc: ConsoleScenario;
  let data: string[];
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'idoc-console-serve-'));
    sc = await consoleScenario(work, 0);
    data = sc.consoleArgs.slice(1).filter((_, i, a) => a[i] !== '--users' && a[i - 1] !== '--users');
    for (const [name, role, route] of [['op', 'operator', ''], ['coi', 'co-investigator', 'SIM_EVT']] as const) {
      expect(run(['users', 'add', name, '--role', role, ...(route ? ['--route', route] : [])], sc.dir).status).toBe(0);
    }
  }, 120_000);
  afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  const tokenOf = (user: string) => (JSON.parse(run(['users', 'token', user, '--json'], sc.dir).stdout) as { result: { token: string } }).result.token;
  const probe = (p: string, token?: string) => {
    const r = run(['serve', '--port', '0', ...data, '--probe', p], sc.dir, token ? { IDOC_TOKEN: token } : {});
    const [status, ...body] = r.stdout.split('\n');
    return { exit: r.status, status: Number(status!.split(' ')[0]), body: body.join('\n').trim() };
  };

  it('answers a Co-I\'s token with their instruments and their instruments\' plans only', () => {
    const coi = tokenOf('coi');
    expect(JSON.parse(probe('/api/console/me', coi).body)).toEqual({ name: 'coi', role: 'coi', instruments: ['EVT'] });
    expect(JSON.parse(probe('/api/console/plans', coi).body)).toEqual({ plans: [] });
    expect(probe('/api/console/plans/resources.plan.json', coi)).toMatchObject({ exit: 1, status: 404 });
    const products = JSON.parse(probe('/api/console/products', coi).body) as { products: { id: string }[] };
    expect(products.products.map((p) => p.id)).toEqual(['sim_evt_l0_20260101_v1']);
  });

  it('answers an operator\'s token with every plan and a plan\'s timeline from --plans', () => {
    const op = tokenOf('op');
    expect(JSON.parse(probe('/api/console/plans', op).body)).toEqual({ plans: ['resources.plan.json', 'syntax.plan.json'] });
    const t = JSON.parse(probe('/api/console/plans/resources.plan.json', op).body) as { passes: unknown[]; power: { limitW: number }[]; findings: { rule: string }[] };
    expect(t.passes.length).toBeGreaterThan(0);
    expect(t.power[0]!.limitW).toBe(18);
    expect(t.findings.map((f) => f.rule)).toEqual(['POWER', 'MEMORY', 'SCHEDULE']);
  });

  it('without credentials the console API is 401, and the plan flags need --plans (exit 2, one line)', () => {
    expect(probe('/api/console/me')).toMatchObject({ exit: 1, status: 401 });
    const r = run(['serve', '--port', '0', '--tcdb', 'x.json', '--probe', '/whoami'], sc.dir);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--tcdb, --rules and --ephemeris are for the plans: give --plans DIR/);
  });
});
