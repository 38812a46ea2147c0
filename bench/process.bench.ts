/**
 * @module Benchmark: whole-process wall-clock of the commands planners run, start-up included (what a user
 * waits for), each a median of fresh `node dist/bin/idoc.js …` processes, beside two baselines measured in
 * the same run: a bare `node -e 0` and `idoc --help` (Node start plus the CLI wiring).
 *   events:   `idoc orbit events` over 7 days for one orbiter (SAMPLESAT TLE) and 3 stations; target < 0.3 s.
 *   validate: `idoc plan validate` of 10,000 commands over 7 days (the planning bench's plan) against every
 *             rule kind, the TLE and 3 stations; target < 0.5 s.
 * These machines are shared: compare the figures with the baselines of the same run, and read the load
 * average printed beside them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPlanJson } from './planning.bench.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The package root (this file runs from dist/bench). */
const root = path.resolve(here, '../..');
const idoc = path.join(root, 'dist/bin/idoc.js');
const fx = (p: string) => path.join(root, 'fixtures/planning', p);
const STATIONS = ['KIRUNA:67.857:20.964:402:5', 'SVALBARD:78.23:15.39:500:5', 'MALARGUE:-35.776:-69.398:1550:10'].flatMap((s) => ['--station', s]);

/** Wall-clock of one process, ms; its exit code must be one of `codes`. */
function timed(args: readonly string[], codes: readonly number[] = [0]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    execFile(process.execPath, args, { maxBuffer: 1 << 26 }, (err) => {
      const ms = performance.now() - t;
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (!codes.includes(code)) reject(new Error(`${args.slice(1, 4).join(' ')} exited ${code}: ${err?.message.split('\n')[0]}`));
      else resolve(ms);
    });
  });
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };

/** Run the whole-process bench: `runs` (≥ 5) fresh processes per command, interleaved. */
export async function benchProcess(runs = 7): Promise<{ name: string; medianMs: number; runs: number } & Record<string, number | string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'idoc-bench-process-'));
  try {
    const plan = path.join(dir, 'bench.plan.json');
    writeFileSync(plan, JSON.stringify(benchPlanJson()));
    const rules = path.join(dir, 'rules.json');
    writeFileSync(rules, readFileSync(fx('sim.rules.json'), 'utf8').replace('"maxCommands": 100', '"maxCommands": 20000').replace('"$schema": "../../schemas/rules.schema.json",', ''));
    const events = [idoc, 'orbit', 'events', '--tle', fx('samplesat.tle'), '--from', '2025-01-01T00:00:00Z', '--to', '2025-01-08T00:00:00Z', ...STATIONS];
    const validate = [idoc, 'plan', 'validate', plan, '--tcdb', fx('sim.tcdb.json'), '--rules', rules, '--ephemeris', fx('samplesat.tle')];
    const n = Math.max(5, runs);
    const t = { node: [] as number[], help: [] as number[], events: [] as number[], validate: [] as number[] };
    const load0 = loadavg()[0]!;
    for (let i = 0; i < n; i++) {
      t.node.push(await timed(['-e', '0']));
      t.help.push(await timed([idoc, '--help']));
      t.events.push(await timed(events));
      t.validate.push(await timed(validate, [1])); // the bench plan has violations by design
    }
    return {
      name: `whole process (start-up included), load ${load0.toFixed(1)}→${loadavg()[0]!.toFixed(1)}: orbit events 7 days 3 stations (target < 300 ms)`,
      medianMs: median(t.events), runs: n,
      'plan validate 10,000 commands ms (target < 500)': median(t.validate),
      'baseline node -e 0 ms': median(t.node),
      'baseline idoc --help ms': median(t.help),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  benchProcess().then((r) => {
    const { name, medianMs, runs, ...extra } = r;
    console.log(`${name}: median ${medianMs.toFixed(1)} ms over ${runs} runs; ${Object.entries(extra).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(1) : v}`).join(', ')}`);
  });
}
