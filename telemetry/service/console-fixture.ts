/**
 * @module Test and demo set-up for the operations console: a working folder with the sample mission (APID 1120
 * declared as a second instrument, EVT, so grants can be seen), the damaged sample ingested (one gap of three
 * packets in APID 1100), L0 products with ground tracks (a copy of the sample TLE moved to the data's epoch),
 * the golden plans, a users file (an operator and a Co-I of EVT), and a fresh minute of telemetry to replay live.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tleChecksum } from '../../planning/index.js';
import { hashPassword } from './console-auth.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The repository root (or dist/ when run from the build): where fixtures/ and dist/bin/idoc.js are. */
export const REPO = ROOT.endsWith(`${path.sep}dist`) ? path.dirname(ROOT) : ROOT;
export const IDOC = path.join(REPO, 'dist', 'bin', 'idoc.js');

export const USERS = { operator: { name: 'op', password: 'op-console-pass' }, coi: { name: 'coi-evt', password: 'coi-console-pass' } } as const;

/** A TLE's epoch moved to `yyddd`, checksums recomputed (a TLE propagates only ± about a month around its epoch). */
export function movedTle(text: string, yyddd: string): string {
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l) => l.startsWith('1 '));
  const l1 = `${lines[i]!.slice(0, 18)}${yyddd}${lines[i]!.slice(23, 68)}`;
  lines[i] = `${l1}${tleChecksum(l1)}`;
  return lines.join('\n');
}

function run(args: string[], cwd: string): number {
  const r = spawnSync(process.execPath, [IDOC, ...args], { cwd, encoding: 'utf8' });
  if (r.status === null || r.status > 1) throw new Error(`idoc ${args.join(' ')}: exit ${r.status}: ${r.stderr.split('\n')[0]}`);
  return r.status;
}

export interface ConsoleScenario {
  readonly dir: string;
  readonly livePort: number;
  /** The flags of `idoc console` for this folder (cwd = dir). */
  readonly consoleArgs: string[];
}

/** Build the scenario in `dir` (empty); `livePort` is the TCP port the live feed connects to. */
export async function consoleScenario(dir: string, livePort: number): Promise<ConsoleScenario> {
  const f = (p: string) => path.join(REPO, 'fixtures', p);
  const cfg = JSON.parse(readFileSync(f('l0/idoc.json'), 'utf8')) as Record<string, unknown> & { apids: { apid: number; instrument?: string }[]; products: Record<string, unknown> };
  delete cfg['$schema'];
  for (const a of cfg.apids) if (a.apid === 1120) a.instrument = 'EVT';
  cfg['feeds'] = {
    drop: { kind: 'drop-folder', dir: 'drop' },
    live: { kind: 'tcp', host: '127.0.0.1', port: livePort, commitIntervalSeconds: 0.2, backoff: { initialSeconds: 0.1, maxSeconds: 0.5 } },
  };
  cfg['routes'] = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
  cfg['archive'] = { dir: 'archive' };
  cfg.products['ephemeris'] = 'samplesat-2026.tle';
  writeFileSync(path.join(dir, 'samplesat-2026.tle'), movedTle(readFileSync(f('planning/samplesat.tle'), 'utf8'), '26001'));
  // Ingest needs only the drop feed now: the live one is for `ingest --watch` later.
  const once = structuredClone(cfg) as typeof cfg;
  once['feeds'] = { drop: (cfg['feeds'] as Record<string, unknown>)['drop'] };
  writeFileSync(path.join(dir, 'idoc.json'), JSON.stringify(once, null, 1));
  mkdirSync(path.join(dir, 'drop'));
  copyFileSync(f('sample/sim_damaged.dds'), path.join(dir, 'drop', 'sim_damaged.dds'));
  run(['ingest', '--once', '--quiet'], dir);
  run(['l0', 'build', '--out', 'l0'], dir);
  writeFileSync(path.join(dir, 'idoc.json'), JSON.stringify(cfg, null, 1));
  mkdirSync(path.join(dir, 'plans'));
  for (const p of ['resources.plan.json', 'syntax.plan.json']) copyFileSync(f(`planning/golden/${p}`), path.join(dir, 'plans', p));
  writeFileSync(path.join(dir, 'users.json'), JSON.stringify({
    users: [
      { name: USERS.operator.name, role: 'operator', password: hashPassword(USERS.operator.password) },
      { name: USERS.coi.name, role: 'coi', instruments: ['EVT'], password: hashPassword(USERS.coi.password) },
    ],
  }, null, 1));
  // A fresh minute of telemetry an hour later, raw packets back to back, for `idoc replay`.
  const { generateSim } = await import('../../fixtures/sim-instrument.js');
  const packets = await generateSim({ start: '2026-01-01T01:00:00Z', seconds: 120, seed: 7 });
  writeFileSync(path.join(dir, 'live.bin'), Buffer.concat(packets.map((p) => p.bytes)));
  return {
    dir, livePort,
    consoleArgs: ['console', '--users', 'users.json', '--products', 'l0', '--dds-request', 'dds-requests', '--tmdb', f('sample-mission/sim-tm.xml'),
      '--plans', 'plans', '--tcdb', f('planning/sim.tcdb.json'), '--rules', f('planning/golden/golden.rules.json'), '--ephemeris', f('planning/samplesat.tle')],
  };
}
