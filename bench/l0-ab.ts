/**
 * @module Benchmark helper: L0 builds of this build against another build of idoc (`--base DIR`: a checkout of an
 * earlier commit with its own `dist/`), each in a fresh process (`l0-child.js` of each build), alternated run by run so
 * that both see the same load, on the inputs of `l0-fresh.bench.ts`: the 1,000,000-packet mixed-length day, the 4 h
 * capture and (`--gb-day`) the ~1 GB day. Prints per input the median wall time, MB/s, CPU and peak RSS of each.
 *   node dist/bench/l0-ab.js --base ../idoc-before [--runs 5] [--gb-day]
 * Not part of `npm run bench` (it needs the second build).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { arg, median } from './_common.js';
import { mixedDay } from './l0-fresh.bench.js';
import { ingestBench } from './l0.bench.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const i = process.argv.indexOf('--base');
const base = i > 0 ? process.argv[i + 1] : undefined;
interface Child { ms: number; cpuMs: number; bytes: number; maxRssMB: number }

async function build(child: string, archive: string, window: string, routes: object): Promise<Child> {
  const out = await mkdtemp(path.join(tmpdir(), 'idoc-l0ab-out-'));
  try {
    const { stdout } = await run(process.execPath, [child, 'build', archive, out, window, JSON.stringify(routes)], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as Child;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

async function input(name: string, fill: (dir: string) => Promise<unknown>, window: string, routes: object, runs: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idoc-l0ab-'));
  try {
    await fill(dir);
    const archive = path.join(dir, 'archive');
    const builds = { before: path.join(base!, 'dist/bench/l0-child.js'), this: path.join(here, 'l0-child.js') };
    const got: Record<keyof typeof builds, Child[]> = { before: [], this: [] };
    for (let r = 0; r < runs; r++) for (const k of ['before', 'this'] as const) got[k].push(await build(builds[k], archive, window, routes));
    const line = (cs: Child[]): string => {
      const ms = median(cs.map((c) => c.ms));
      return `median ${ms.toFixed(0)} ms = ${(cs[0]!.bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s (runs ${cs.map((c) => c.ms.toFixed(0)).join(' ')}), CPU ${median(cs.map((c) => c.cpuMs)).toFixed(0)} ms, peak RSS ${median(cs.map((c) => c.maxRssMB)).toFixed(0)} MB`;
    };
    return `${name}, ${runs} run(s) each, alternated, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}:\n  before: ${line(got.before)}\n  this:   ${line(got.this)}\n`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (base === undefined || !existsSync(path.join(base, 'dist/bench/l0-child.js'))) {
  console.log('l0-ab: not run (give --base DIR, a built idoc checkout)');
} else {
  const runs = arg('runs', 5);
  const four = { A: { apids: [1200] }, B: { apids: [1201] }, C: { apids: [1202] }, D: { apids: [1203] } };
  process.stdout.write(await input('mixed-length day (1,000,000 packets, 97 MB, 4 routes)', (d) => ingestBench(d, 0, mixedDay(1_000_000)), 'day', four, runs));
  const capture = { HK_FAST: { apids: [1100] }, HK_SLOW: { apids: [1101] }, SCI: { apids: [1110], reassemble: true, compression: 'science-frame' }, EVT: { apids: [1120] }, DENSE: { apids: [1130] } };
  process.stdout.write(await input('capture (4 h, PT1H, 304 MB)', (d) => ingestBench(d, 4 * 3600), 'PT1H', capture, runs));
  if (process.argv.includes('--gb-day')) process.stdout.write(await input('~1 GB mixed-length day (1,000,000 packets of 19-2018 octets)', (d) => ingestBench(d, 0, mixedDay(1_000_000, 2000)), 'day', four, Math.min(runs, 3)));
}
