/**
 * @module L0 builds in a FRESH process (`l0-child.ts`), as a cron job's `idoc l0 build` runs: MB/s of packet
 * bytes and peak RSS, beside the baseline of reading the same packets with the archive's own query in a fresh
 * process of the same run. Two inputs: the ~300 MB capture of `l0.bench.ts` (SIM + 20 Hz 1 KiB APID, 4 h, PT1H
 * windows) and a day of 1,000,000 mixed-length packets (4 APIDs, lengths 19..170 octets at random, one product
 * per APID for the day: the case that crashed with `RangeError: Invalid string length` when every run of equal
 * lengths was a label table); then a ~1 GB day for peak RSS. Baselines in the same run: the archive's object query,
 * the port's columnar scan, and a plain better-sqlite3 read (l0-child.ts). Each line gives wall-clock MB/s, the
 * process's CPU time (all threads) and peak RSS: on a loaded machine the CPU time moves less than the wall clock.
 * Run: `node dist/bench/l0-fresh.bench.js [--runs N] [--packets N] [--hours N] [--gb-runs N] [--gb-day]`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildPacket, pusCTmSecondaryHeader } from '../src/ccsds/packet.js';
import { encodeCuc, utcToTai } from '../src/time/index.js';
import { SIM_TIME } from '../fixtures/sim-instrument.js';
import { ingestBench } from './l0.bench.js';

const run = promisify(execFile);
const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'l0-child.js');

/** `n` PUS-C packets over one day, 4 APIDs, lengths 19..(18 + spread) octets (seeded), in time order. */
export function* mixedDay(n: number, spread = 152): Generator<{ bytes: Uint8Array }> {
  const t0 = utcToTai('2026-01-01T00:00:00Z');
  const seq = [0, 0, 0, 0];
  let x = 12345;
  const data = new Uint8Array(spread + 20).map((_, i) => (i * 37) & 0xff);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const k = x & 3;
    const len = 19 + ((x >>> 8) % spread);
    const sh = pusCTmSecondaryHeader({ service: 3, subtype: 25, time: encodeCuc(t0 + (i * 86_399) / n, SIM_TIME) });
    yield { bytes: buildPacket({ type: 0, apid: 1200 + k, sequenceFlags: 3, sequenceCount: seq[k]!++ & 0x3fff, secondaryHeader: sh, data: data.subarray(0, len - 6 - sh.length - 2), crc: true }) };
  }
}

interface Child { ms: number; cpuMs: number; bytes: number; packets: number; products: number; maxRssMB: number }
type Mode = 'build' | 'read' | 'scan' | 'plain';
async function child(mode: Mode, archive: string, out: string, window: string, routes: object): Promise<Child> {
  const { stdout } = await run(process.execPath, [CHILD, mode, archive, out, window, JSON.stringify(routes)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Child;
}

/** Fresh processes in turn per run (build and its baselines side by side, so load changes hit all alike). */
async function scenario(name: string, work: string, window: string, routes: object, runs: number, baselines: readonly Mode[] = ['read', 'scan', 'plain']): Promise<string> {
  const archive = path.join(work, 'archive');
  const build: Child[] = [];
  const base = new Map<Mode, Child[]>(baselines.map((m) => [m, []]));
  for (let r = 0; r < runs; r++) {
    for (const m of baselines) base.get(m)!.push(await child(m, archive, '', window, routes));
    const out = path.join(work, `out-${r}`);
    build.push(await child('build', archive, out, window, routes));
    await rm(out, { recursive: true, force: true });
  }
  const mb = build[0]!.bytes / 1e6;
  const rate = (c: Child) => mb / (c.ms / 1000);
  const line = (cs: Child[]) => {
    const rates = cs.map(rate);
    return `median ${median(rates).toFixed(0)} MB/s (runs ${rates.map((x) => x.toFixed(0)).join(' ')}), CPU median ${median(cs.map((c) => c.cpuMs)).toFixed(0)} ms, peak RSS median ${median(cs.map((c) => c.maxRssMB)).toFixed(0)} MB`;
  };
  const label: Record<Mode, string> = {
    build: 'build', read: 'archive query read (apidRows + bytesOf)', scan: 'archive port scan + scanOctets (what L0 reads)', plain: 'plain better-sqlite3 iterate of the rows + segment files read sequentially',
  };
  return `${name} (${build[0]!.packets} packets, ${mb.toFixed(0)} MB, ${build[0]!.products} products), ${runs} fresh process(es) each, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}:\n`
    + `  build:    ${line(build)} (target 200 MB/s)\n`
    + baselines.map((m) => `  baseline: ${label[m]}, fresh process: ${line(base.get(m)!)}\n`).join('');
}

/** A ~1 GB day of 1,000,000 packets of 19..2018 octets, 4 APIDs, one product per APID: peak RSS (target < 300 MB). */
async function gbDay(runs: number): Promise<string> {
  const big = await mkdtemp(path.join(tmpdir(), 'idoc-l0-gb-'));
  try {
    await ingestBench(big, 0, mixedDay(arg('packets', 1_000_000), 2000));
    const routes = { A: { apids: [1200] }, B: { apids: [1201] }, C: { apids: [1202] }, D: { apids: [1203] } };
    return await scenario('~1 GB mixed-length day (in pieces; peak RSS target < 300 MB)', big, 'day', routes, runs, ['plain']);
  } finally {
    await rm(big, { recursive: true, force: true });
  }
}

/** Both scenarios and the 1 GB day (`--gb-runs N`, default 1; 0 leaves it out; `--gb-day`: only it); returns the report text. */
export async function benchL0Fresh(): Promise<string> {
  const runs = arg('runs', 3);
  if (process.argv.includes('--gb-day')) return gbDay(runs);
  let text = '';
  const day = await mkdtemp(path.join(tmpdir(), 'idoc-l0-day-'));
  try {
    await ingestBench(day, 0, mixedDay(arg('packets', 1_000_000)));
    const routes = { A: { apids: [1200] }, B: { apids: [1201] }, C: { apids: [1202] }, D: { apids: [1203] } };
    text += await scenario('mixed-length day', day, 'day', routes, runs);
  } finally {
    await rm(day, { recursive: true, force: true });
  }
  const cap = await mkdtemp(path.join(tmpdir(), 'idoc-l0-cap-'));
  try {
    await ingestBench(cap, arg('hours', 4) * 3600);
    const routes = { HK_FAST: { apids: [1100] }, HK_SLOW: { apids: [1101] }, SCI: { apids: [1110], reassemble: true, compression: 'science-frame' }, EVT: { apids: [1120] }, DENSE: { apids: [1130] } };
    text += await scenario(`capture (${arg('hours', 4)} h, PT1H windows)`, cap, 'PT1H', routes, runs);
  } finally {
    await rm(cap, { recursive: true, force: true });
  }
  const gbRuns = arg('gb-runs', 1);
  if (gbRuns > 0) text += await gbDay(gbRuns);
  return text;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.stdout.write(await benchL0Fresh());
}
