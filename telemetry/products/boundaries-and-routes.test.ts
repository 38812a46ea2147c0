import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { loadConfig } from '../../src/config/index.js';
import { utcToTai } from '../../src/time/index.js';
import { generateSim, SIM_APIDS, type SimPacket } from '../../fixtures/sim-instrument.js';
import { SIM_PROFILE, toL0 } from './_test-helpers.js';
import { buildL0, type BuildOptions } from './build.js';
import { productsConfig } from './config.js';
import { parseWindow } from './window.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(ROOT, 'fixtures/l0/idoc.json');
const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(path.join(tmpdir(), 'idoc-l0b-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

let sim: SimPacket[];
let options: Omit<BuildOptions, 'out'>;
beforeAll(async () => {
  sim = await generateSim({ start: '2026-01-01T00:58:00Z', seconds: 240 });
  options = { products: productsConfig(await loadConfig(CONFIG)), mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, profile: SIM_PROFILE };
});

describe('gaps at a window boundary', () => {
  it('are reported by the product after the boundary: hourly products report as many gaps as the day', async () => {
    // Three holes in the fast housekeeping: 00:59:00-00:59:03, across 01:00 (00:59:58-01:00:02), 01:01:00-01:01:03.
    const holes = [['00:59:00', '00:59:03'], ['00:59:58', '01:00:02'], ['01:01:00', '01:01:03']].map(([a, b]) => [utcToTai(`2026-01-01T${a}Z`), utcToTai(`2026-01-01T${b}Z`)] as const);
    const kept = sim.filter((p) => !(p.apid === SIM_APIDS.hkFast && holes.some(([a, b]) => p.tai >= a && p.tai < b)));
    const fast = (r: Awaited<ReturnType<typeof buildL0>>) => r.products.filter((p) => p.route === 'SIM_HK_FAST');
    const day = fast(await buildL0(kept.map((p) => toL0(p)), { ...options, out: tmp() }));
    const hours = fast(await buildL0(kept.map((p) => toL0(p)), { ...options, out: tmp(), window: parseWindow('PT1H') }));
    expect(day.map((p) => p.summary.gaps)).toEqual([3]);
    expect(hours.map((p) => [p.window, p.summary.gaps, p.summary.missingPackets])).toEqual([
      ['20260101t000000', 1, 3],
      ['20260101t010000', 2, 7], // the boundary gap (00:59:58..01:00:01, 4 packets) and 01:01:00..01:01:02 (3)
    ]);
    expect(hours.reduce((n, p) => n + p.summary.gaps, 0)).toBe(day[0]!.summary.gaps);
  });
});

describe('l0 build --route', () => {
  const io = (out: string[], err: string[]) => ({ out: (s: string) => out.push(s), err: (s: string) => err.push(s), errIsTty: false });
  it('builds an ingest route of the config (routes section) when the products section names no routes', async () => {
    const dir = tmp();
    const cfg = JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, unknown> & { products: Record<string, unknown> };
    delete cfg['apids'];
    delete cfg.products['routes'];
    cfg['$schema'] = undefined;
    cfg['routes'] = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] } };
    writeFileSync(path.join(dir, 'idoc.json'), JSON.stringify(cfg));
    const out: string[] = [], err: string[] = [];
    const code = await run(['l0', 'build', '--config', path.join(dir, 'idoc.json'), '--from-files', path.join(ROOT, 'fixtures/sample/sim.bin'), '--route', 'SIM_HK', '--out-dir', path.join(dir, 'l0'), '--json'], io(out, err));
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out.join('')).result as { products: { productId: string; summary: { packets: number } }[] };
    expect(report.products.map((p) => [p.productId, p.summary.packets])).toEqual([['sim_hk_l0_20260101', 600]]);
    // an unknown name is a usage error naming the known routes, never an empty build with exit 0
    err.length = 0;
    expect(await run(['l0', 'build', '--config', path.join(dir, 'idoc.json'), '--from-files', path.join(ROOT, 'fixtures/sample/sim.bin'), '--route', 'SIM_EVT', '--out', path.join(dir, 'l1')], io([], err))).toBe(2);
    expect(err.join('')).toMatch(/--route "SIM_EVT": not a configured route \(SIM_HK, SIM_SCI\)/);
  });
});
