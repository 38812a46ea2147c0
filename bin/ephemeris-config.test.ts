/** `--config` with an `ephemeris` section (schemas/config-ephemeris.schema.json) for `idoc orbit` and `idoc plan`, end to end. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runIdoc } from './_run-in-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DE440S = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');
const MARS = path.join(root, 'fixtures/orbits/mars-orbiter.oem');

const idoc = (...argv: string[]) => runIdoc(argv);

describe('idoc orbit and plan with --config: the ephemeris section, end to end', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'idoc-ephem-config-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const config = (name: string, ephemeris: unknown): string => {
    const file = path.join(tmp, name);
    writeFileSync(file, JSON.stringify({ mission: { name: 'T' }, ephemeris }));
    return file;
  };

  it('a TLE named by the config, relative to it; --tle wins; a bad section is one problem a line, exit 2', async () => {
    writeFileSync(path.join(tmp, 'iss.tle'), readFileSync(path.join(root, 'fixtures/orbits/iss-2014.tle')));
    const cfg = config('tle.json', { file: 'iss.tle' });
    const at = ['--at', '2014-01-21T00:00:00Z', '--json'];
    const viaConfig = await idoc('orbit', 'state', '--config', cfg, ...at);
    const viaFlag = await idoc('orbit', 'state', '--tle', path.join(root, 'fixtures/orbits/iss-2014.tle'), ...at);
    expect([viaConfig.code, viaConfig.err]).toEqual([0, '']);
    const strip = (t: string) => { const j = (JSON.parse(t) as { result: Record<string, unknown> }).result; delete j['source']; delete j['file']; return j; };
    expect(strip(viaConfig.out)).toEqual(strip(viaFlag.out));
    // The flag wins: the config's file does not exist, --tle does.
    const missing = config('missing.json', { file: 'nope.tle' });
    expect((await idoc('orbit', 'state', '--config', missing, ...at)).code).toBe(2);
    expect((await idoc('orbit', 'state', '--config', missing, '--tle', path.join(root, 'fixtures/orbits/iss-2014.tle'), ...at)).code).toBe(0);
    // A TLE never has another centre.
    const mars = config('tle-mars.json', { file: 'iss.tle', centralBody: 'MARS' });
    const refused = await idoc('orbit', 'state', '--config', mars, ...at);
    expect([refused.code, refused.err]).toEqual([2, expect.stringMatching(/^idoc: .*iss\.tle: a TLE is relative to the Earth; central body MARS does not apply\n$/)]);
    const bad = config('bad.json', { file: 'iss.tle', spk: 'de440s.bsp', kernels: [] });
    const b = await idoc('orbit', 'events', '--config', bad, '--from', '2014-01-21T00:00:00Z', '--to', '2014-01-22T00:00:00Z');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/bad\.json: 2 problems in the ephemeris section/);
    expect(b.err).toMatch(/bad\.json#\/ephemeris\/spk: must be an array/);
    expect(b.err).not.toMatch(/\n\s+at /);
    // No source anywhere: a usage error naming the config.
    const empty = config('empty.json', {});
    const e = await idoc('orbit', 'state', '--config', empty, ...at);
    expect([e.code, e.err]).toEqual([2, expect.stringMatching(/empty\.json has no ephemeris\.file or ephemeris\.spk/)]);
  });

  it.skipIf(!existsSync(DE440S))('a Mars orbiter with its kernels from the config: the same events as with the flags; plan generate takes them too (../shared/orbits; skipped when absent)', async () => {
    const cfg = config('mars.json', { file: path.relative(tmp, MARS), spk: [path.relative(tmp, DE440S)] });
    const range = ['--from', '2026-03-01T00:00:00Z', '--to', '2026-03-02T00:00:00Z', '--json'];
    const viaConfig = await idoc('orbit', 'events', '--config', cfg, ...range);
    const viaFlags = await idoc('orbit', 'events', '--oem', MARS, '--spk', DE440S, ...range);
    expect([viaConfig.code, viaConfig.err]).toEqual([0, '']);
    expect(viaConfig.out).toBe(viaFlags.out);
    // The centre override by NAIF id: the OEM's own MARS, named 499 in the config.
    const centre = await idoc('orbit', 'state', '--config', config('mars-centre.json', { file: path.relative(tmp, MARS), spk: [path.relative(tmp, DE440S)], centralBody: '499' }), '--at', '2026-03-01T06:00:00Z', '--json');
    expect(centre.code).toBe(0);
    expect((JSON.parse(centre.out).result as { centralBody: string }).centralBody).toBe('MARS');
    const fx = (f: string) => path.join(root, 'fixtures/planning', f);
    const out = path.join(tmp, 'mars.plan.json');
    const g = await idoc('plan', 'generate', '--config', cfg, '--requests', fx('sim.requests.json'), '--tcdb', fx('sim.tcdb.json'),
      '--from', '2026-03-01T00:00:00Z', '--to', '2026-03-02T00:00:00Z', '--out', out, '--initial-mode', 'OFF', '--json');
    expect([0, 1]).toContain(g.code);
    expect((JSON.parse(g.out).result as { placed: unknown[] }).placed.length).toBeGreaterThan(0);
    const v = await idoc('plan', 'validate', out, '--config', cfg, '--tcdb', fx('sim.tcdb.json'), '--rules', fx('sim.rules.json'), '--json');
    expect(v.err).toBe('');
    expect([0, 1]).toContain(v.code);
  });
});
