/**
 * @module Benchmark: start-up. Wall-clock medians of fresh processes of `idoc --help` and of `idoc packets inspect`
 * on a small fixture (fixtures/sample/sim.bin with the sample mission config: config read and checked, 700 packets),
 * beside a bare `node -e 0` measured in the same run, runs interleaved (issue 15 target: each under 150 ms over
 * `node -e 0`). Options through run.ts: `--runs N` (default 21 here, at least 5).
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The package root (this file runs from dist/bench). */
const root = path.resolve(here, '../..');
const idoc = path.join(root, 'dist/bin/idoc.js');

function timed(args: readonly string[], codes: readonly number[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    execFile(process.execPath, args, { cwd: root }, (err) => {
      const ms = performance.now() - t;
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (!codes.includes(code)) reject(new Error(`${args.join(' ')} exited ${code}`));
      else resolve(ms);
    });
  });
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };

/** The three commands, `runs` fresh processes each, interleaved; medians in ms. */
export async function benchStartup(runs = Math.max(5, Number(process.argv[process.argv.indexOf('--runs') + 1]) || 21)) {
  const cases = {
    node: [['-e', '0'], [0]],
    help: [[idoc, '--help'], [0]],
    inspect: [[idoc, 'packets', 'inspect', '--config', 'fixtures/sample-mission/idoc.json', 'fixtures/sample/sim.bin'], [0, 1]],
  } as const;
  const ms: Record<keyof typeof cases, number[]> = { node: [], help: [], inspect: [] };
  const load = loadavg()[0]!;
  for (let i = 0; i < runs; i++) for (const [k, [args, codes]] of Object.entries(cases)) ms[k as keyof typeof cases].push(await timed(args, codes));
  const node = median(ms.node), help = median(ms.help), inspect = median(ms.inspect);
  return {
    name: 'start-up (idoc --help; packets inspect on sim.bin) beside node -e 0',
    medianMs: help, runs,
    nodeMs: node, helpMs: help, inspectMs: inspect, helpOverNodeMs: help - node, inspectOverNodeMs: inspect - node,
    loadBefore: load, loadAfter: loadavg()[0]!,
  };
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  const r = await benchStartup();
  process.stdout.write(`${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(1)) : v), 2)}\n`);
}
