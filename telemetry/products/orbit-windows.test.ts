import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { generateSim, type SimPacket } from '../../fixtures/sim-instrument.js';
import { ephemerisFromFile, findEvents } from '../../planning/index.js';
import { parseConfig } from '../../src/config/index.js';
import { InputError } from '../../src/errors.js';
import { taiToUtcUnix, utcToTai } from '../../src/time/index.js';
import { SIM_PROFILE, toL0 } from './_test-helpers.js';
import { buildL0, type BuildOptions } from './build.js';
import { productsConfig } from './config.js';
import { orbitNumbering } from './orbit-windows.js';
import { HAVE_SHARED_PDS4, SKIP_MESSAGE } from './pds4/_test-fixtures.js';
import { validateLabel } from './pds4/validate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(ROOT, 'fixtures/l0/idoc.json');
const TLE = path.join(ROOT, 'fixtures/planning/samplesat.tle');
const SAMPLE = path.join(ROOT, 'fixtures/sample');
const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(path.join(tmpdir(), 'idoc-l0-orbit-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** The L0 sample config with orbit windows, the ephemeris named relative to the config file (fixtures/l0/). */
function orbitConfig(extra: Record<string, unknown> = {}): ReturnType<typeof productsConfig> {
  const raw = JSON.parse(readFileSync(CONFIG, 'utf8')) as { products: Record<string, unknown> };
  Object.assign(raw.products, { window: 'orbit', ephemeris: '../planning/samplesat.tle' }, extra);
  return productsConfig(parseConfig(JSON.stringify(raw), CONFIG));
}

const START = '2025-01-01T00:00:00Z';
let sim: SimPacket[];
let options: Omit<BuildOptions, 'out'>;
/** Ascending nodes (UTC ms) and their orbit numbers over the packets' span, from planning's event finder. */
let nodes: { t: number; orbit: number }[];
beforeAll(async () => {
  sim = await generateSim({ start: START, seconds: 3 * 3600, scienceEvery: 60 });
  options = { products: orbitConfig(), mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, profile: SIM_PROFILE };
  const ephem = await ephemerisFromFile(TLE);
  const range = { start: Date.parse(START) - 3 * 3600_000, end: Date.parse(START) + 6 * 3600_000 };
  nodes = findEvents(ephem, range, { kinds: ['ascending-node'] }).events.map((e) => ({ t: e.t, orbit: e.orbit }));
});

describe('orbit windows', () => {
  it('the config resolves the ephemeris against the config file and requires it with window orbit', () => {
    expect(orbitConfig().orbitSource).toEqual({ file: TLE });
    expect(orbitConfig({ object: 'SAMPLESAT' }).orbitSource).toEqual({ file: TLE, object: 'SAMPLESAT' });
    expect(() => orbitConfig({ ephemeris: undefined })).toThrow(InputError);
    try {
      orbitConfig({ ephemeris: undefined });
    } catch (e) {
      expect(JSON.stringify((e as InputError).problems)).toContain('ephemeris');
    }
  });

  it('products run from ascending node to ascending node, numbered as findEvents numbers the orbits', async () => {
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    const out = tmp();
    const report = await buildL0(sim.map((p) => toL0(p)), { ...options, out });
    const hk = report.products.filter((p) => p.route === 'SIM_HK_FAST');
    const first = sim[0]!.tai, last = sim.at(-1)!.tai;
    const ms = (tai: number) => taiToUtcUnix(tai) * 1000;
    // One product per orbit touched by the packets: the nodes inside the span split it.
    const inside = nodes.filter((n) => n.t > ms(first) && n.t <= ms(last));
    expect(hk).toHaveLength(inside.length + 1);
    for (const p of hk) {
      const orbit = Number(/^sim_hk_fast_l0_orb(\d{6})$/.exec(p.productId)![1]);
      expect(p.window).toBe(`orb${String(orbit).padStart(6, '0')}`);
      const startNode = nodes.find((n) => n.orbit === orbit);
      const stopNode = nodes.find((n) => n.orbit === orbit + 1);
      const t0 = Date.parse(p.start), t1 = Date.parse(p.stop);
      // Every packet of orbit N lies in [node N, node N+1); HK_FAST is 1 Hz, so the first packet after a node
      // is less than a second after it (the node found by the event finder, to its 5 ms tolerance).
      if (startNode && startNode.t > ms(first)) { expect(t0).toBeGreaterThanOrEqual(startNode.t - 10); expect(t0 - startNode.t).toBeLessThan(1010); }
      if (stopNode && stopNode.t <= ms(last)) { expect(t1).toBeLessThan(stopNode.t + 10); expect(stopNode.t - t1).toBeLessThan(1010); }
      expect(startNode !== undefined || stopNode !== undefined).toBe(true);
    }
    // Every packet went into exactly one product.
    expect(hk.reduce((n, p) => n + p.summary.packets, 0)).toBe(sim.filter((p) => p.apid === 1100).length);
    const label = readFileSync(hk[1]!.label, 'utf8');
    expect(label).toContain(`<title>Sample SIM L0 SIM_HK_FAST orbit ${Number(hk[1]!.window.slice(3))}</title>`);
    expect(label).toContain(`:sim_hk_fast_l0_${hk[1]!.window}</logical_identifier>`);
  });

  it.skipIf(!HAVE_SHARED_PDS4)('an orbit product label is valid PDS4 (XSD and Schematron)', async () => {
    const out = tmp();
    const report = await buildL0(sim.filter((p) => p.apid === 1101).map((p) => toL0(p)), { ...options, out, routes: ['SIM_HK_SLOW'] });
    const p = report.products[1]!;
    expect(p.productId).toMatch(/^sim_hk_slow_l0_orb\d{6}$/);
    expect(await validateLabel(readFileSync(p.label, 'utf8'), p.label)).toEqual([]);
  });
  if (!HAVE_SHARED_PDS4) it.skip(`orbit label validation: ${SKIP_MESSAGE}`, () => undefined); // a visible skip, not a passing test

  it('a packet time outside the ephemeris coverage is an InputError naming the file', async () => {
    const ephem = await ephemerisFromFile(TLE);
    const orbits = orbitNumbering(ephem);
    expect(() => orbits(utcToTai('2026-01-01T00:00:00Z'))).toThrow(/samplesat\.tle: packet time 2026-01-01T00:00:00\.000Z is outside the ephemeris coverage/);
    const o = orbits(utcToTai(START));
    expect(orbits(o.startTai).orbit).toBe(o.orbit);
    expect(orbits(o.stopTai).orbit).toBe(o.orbit + 1);
    await expect(buildL0([toL0((await generateSim({ seconds: 10 }))[0]!)], { ...options, out: tmp() })).rejects.toThrow(/samplesat\.tle/);
  });

  it('idoc l0 build --window orbit --ephemeris FILE; exit 2 outside the coverage or without an ephemeris', async () => {
    const dir = tmp();
    const file = path.join(dir, 'sim2025.bin');
    writeFileSync(file, Buffer.concat(sim.filter((p) => p.apid === 1101).map((p) => p.bytes)));
    const text: string[] = [], err: string[] = [];
    const io = { out: (s: string) => text.push(s), err: (s: string) => err.push(s), errIsTty: false };
    expect(await run(['l0', 'build', '--config', CONFIG, '--from-files', file, '--window', 'orbit', '--ephemeris', TLE, '--out', path.join(dir, 'l0'), '--json'], io)).toBe(0);
    const report = JSON.parse(text.join('')).result as { products: { productId: string }[] };
    expect(report.products.length).toBeGreaterThanOrEqual(2);
    for (const p of report.products) expect(p.productId).toMatch(/^sim_hk_slow_l0_orb\d{6}$/);
    expect(await run(['l0', 'build', '--config', CONFIG, '--from-files', path.join(SAMPLE, 'sim.bin'), '--window', 'orbit', '--ephemeris', TLE, '--out', path.join(dir, 'x')], io)).toBe(2);
    expect(err.join('')).toMatch(/samplesat\.tle: packet time 2026-.*outside the ephemeris coverage/);
    expect(await run(['l0', 'build', '--config', CONFIG, '--from-files', file, '--window', 'orbit', '--out', path.join(dir, 'y')], io)).toBe(2);
    expect(err.join('')).toMatch(/--window orbit: orbit windows need an ephemeris/);
  });
});
