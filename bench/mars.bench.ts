/**
 * @module Benchmark: 7 days of events for an orbiter at Mars with the SPK kernel loaded, as a whole process
 * (`idoc orbit events --oem fixtures/orbits/mars-orbiter.oem --spk de440s…`, start-up included; target < 0.3 s),
 * beside baselines measured in the same run: a bare `node` start-up, `idoc --help`, and the same command for
 * the Earth (the bundled ISS element set with 3 stations). Also the in-process median of `findEvents` alone.
 * Needs `npm run build` and ../shared/orbits/de440s_2025-2030_excerpt.bsp (skipped, saying so, when absent).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ephemerisFromText, findEvents, readSpk, spkSet, withCentralBody } from '../planning/index.js';

const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };

/** The repository root, whether run from source or from dist/. */
function repoRoot(): string {
  for (const up of ['..', '../..']) { const r = path.resolve(here, up); if (existsSync(path.join(r, 'fixtures/orbits/mars-orbiter.oem'))) return r; }
  throw new Error('fixtures/orbits/mars-orbiter.oem not found');
}

async function wall(args: readonly string[], cwd: string): Promise<number> {
  const t = performance.now();
  await exec(process.execPath, args, { cwd, maxBuffer: 1 << 24 });
  return performance.now() - t;
}

/** Run the Mars benchmark: medians of `runs` (≥ 5) whole processes, interleaved with their baselines. */
export async function benchMars(runs = 7): Promise<Record<string, number | string> & { name: string; medianMs: number; runs: number }> {
  const root = repoRoot();
  const kernel = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');
  if (!existsSync(kernel)) throw new Error(`${kernel} absent: Mars benchmark skipped`);
  const idoc = path.join(root, 'dist/bin/idoc.js');
  const mars = [idoc, 'orbit', 'events', '--oem', 'fixtures/orbits/mars-orbiter.oem', '--spk', kernel, '--from', '2026-03-01T00:00:00Z', '--to', '2026-03-08T00:00:00Z'];
  const earth = [idoc, 'orbit', 'events', '--tle', 'fixtures/orbits/iss-2014.tle', '--from', '2014-01-20T00:00:00Z', '--to', '2014-01-27T00:00:00Z',
    '--station', 'KIRUNA:67.857:20.964:402:5', '--station', 'SVALBARD:78.23:15.39:500:5', '--station', 'MALARGUE:-35.776:-69.398:1550:10'];
  const n = Math.max(5, runs);
  const t: Record<string, number[]> = { mars: [], earth: [], node: [], help: [], compute: [] };
  // In-process: the event search alone (kernel and OEM already read).
  const spk = spkSet([readSpk(await readFile(kernel), kernel)]);
  const file = path.join(root, 'fixtures/orbits/mars-orbiter.oem');
  const ephem = withCentralBody(ephemerisFromText(await readFile(file, 'utf8'), file, { anyCenter: true }), spk);
  const start = Date.UTC(2026, 2, 1);
  for (let i = 0; i < n; i++) {
    t['node']!.push(await wall(['-e', ''], root));
    t['help']!.push(await wall([idoc, '--help'], root));
    t['earth']!.push(await wall(earth, root));
    t['mars']!.push(await wall(mars, root));
    const c = performance.now();
    findEvents(ephem, { start, end: start + 7 * 86400000 });
    t['compute']!.push(performance.now() - c);
  }
  return {
    name: 'Mars orbiter, 7 days of events with the DE440s SPK, whole process (target < 300 ms)', medianMs: median(t['mars']!), runs: n,
    'Earth (ISS TLE, 3 stations) whole process ms': median(t['earth']!), 'node start-up ms': median(t['node']!), 'idoc --help ms': median(t['help']!),
    'Mars findEvents in-process ms': median(t['compute']!), 'load average': loadavg()[0]!,
  };
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  benchMars().then((r) => {
    const { name, medianMs, runs, ...extra } = r;
    console.log(`${name}: median ${medianMs.toFixed(1)} ms over ${runs} runs`);
    for (const [k, v] of Object.entries(extra)) console.log(`  ${k}: ${typeof v === 'number' ? v.toFixed(1) : v}`);
  }, (e: Error) => console.log(`mars: not run (${e.message})`));
}
