/**
 * @module Benchmark helper: whole-process `idoc orbit events` (7 days; a Mars orbiter with the DE440s SPK, and
 * the SAMPLESAT TLE with 3 stations) of this build against another build of idoc (`--base DIR`: a checkout of
 * an earlier commit with its own `dist/`), interleaved run by run so that both see the same load, beside a
 * bare `node` start-up. Prints medians and best runs with the load average from `uptime`.
 *   node dist/bench/orbit-ab.js --base ../idoc-before [--runs 9]
 * Not part of `npm run bench` (it needs the second build). Needs ../shared/orbits/de440s_2025-2030_excerpt.bsp.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const arg = (name: string): string | undefined => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();

function commands(build: string, kernel: string): Record<string, string[]> {
  const idoc = path.join(build, 'dist/bin/idoc.js');
  return {
    mars: [idoc, 'orbit', 'events', '--oem', 'fixtures/orbits/mars-orbiter.oem', '--spk', kernel, '--from', '2026-03-01T00:00:00Z', '--to', '2026-03-08T00:00:00Z'],
    earth: [idoc, 'orbit', 'events', '--tle', 'fixtures/planning/samplesat.tle', '--from', '2025-01-01T00:00:00Z', '--to', '2025-01-08T00:00:00Z',
      '--station', 'KIRUNA:67.857:20.964:402:5', '--station', 'SVALBARD:78.23:15.39:500:5', '--station', 'MALARGUE:-35.776:-69.398:1550:10'],
  };
}

function wall(args: readonly string[]): number {
  const t = performance.now();
  execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  return performance.now() - t;
}

const base = arg('base');
const kernel = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');
if (base === undefined || !existsSync(path.join(base, 'dist/bin/idoc.js'))) {
  console.log('orbit-ab: not run (give --base DIR, a built idoc checkout)');
} else if (!existsSync(kernel)) {
  console.log(`orbit-ab: not run (${kernel} absent)`);
} else {
  const runs = Math.max(5, Number(arg('runs') ?? 9));
  const builds = { this: root, base: path.resolve(base) };
  const t: Record<string, number[]> = {};
  console.log(`before: ${uptime()}`);
  for (let i = 0; i < runs; i++) {
    (t['node -e ""'] ??= []).push(wall(['-e', '']));
    for (const [b, dir] of Object.entries(builds)) for (const [k, args] of Object.entries(commands(dir, kernel))) (t[`${k} (${b})`] ??= []).push(wall(args));
  }
  for (const [k, v] of Object.entries(t)) console.log(`${k.padEnd(14)} median ${median(v).toFixed(0)} ms, best ${Math.min(...v).toFixed(0)} ms over ${v.length}`);
  console.log(`after:  ${uptime()}`);
}
