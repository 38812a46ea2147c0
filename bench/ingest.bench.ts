/**
 * @module Benchmark: ingest into the archive END TO END (issue 3 performance target: ≥ 300,000 packets/s on a
 * 2-core machine, memory flat as files grow). A 1,000,000-packet mixed capture (bench/capture.ts, ~300 MB) is
 * dropped into a drop folder and a real `node dist/bin/idoc.js ingest --once --quiet --json` child process takes
 * it into a fresh archive (default durability: `synchronous = full`, segment fdatasync before each commit),
 * routed by APID (1100/1101 → SIM_HK, 1110 → SIM_SCI, 1120 → SIM_EVT). The time is the child's wall time, from
 * spawn to exit (Node start-up and the drop folder's two looks, 10 ms apart, included); its peak RSS is its
 * own peak (VmHWM), written at exit by a preload module (`node --import`).
 *
 * Baseline, measured in the same run on the same file (these machines are shared and noisy: compare within a
 * run): `idoc packets inspect --framing raw --crc yes` in a child process, which frames, checks CRCs and
 * decodes times but stores nothing.
 *
 * Memory flatness: one more ingest of a capture twice the size; its peak RSS should match the 1M one's.
 *
 * Options: `--ingest-packets N` (default 1,000,000), `--ingest-runs N` (default 3), `--ingest-synchronous
 * full|normal`, `--ingest-no-double` (skip the 2× capture), `--ingest-ab OTHER/dist/bin/idoc.js` (each run also ingests
 * with another build, interleaved with this one's: an A/B of a change on a loaded machine; `abPacketsPerSecond`). Run alone: `node dist/bench/ingest.bench.js`.
 */
import { spawn } from 'node:child_process';
import { link, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { arg, BIN, median, SAMPLE_CONFIG } from './_common.js';
import { writeMixedCapture } from './capture.js';



/** Preload for the children: write their peak RSS (kB) to $IDOC_BENCH_RSS_FILE at exit. */
const PRELOAD = `import { readFileSync, writeFileSync } from 'node:fs';
// VmHWM, kB (getrusage's maxRSS survives execve: a child of a large bench process would report the parent's size).
process.on('exit', () => { const f = process.env.IDOC_BENCH_RSS_FILE; if (!f) return; let kb = process.resourceUsage().maxRSS; try { const m = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8')); if (m) kb = Number(m[1]); } catch {} writeFileSync(f, String(kb)); });
`;

interface ChildRun { readonly ms: number; readonly rssMB: number; readonly stdout: string }

/** Run `node --import preload BIN args` in `cwd`; wall time from spawn to exit, and the child's peak RSS. */
async function runChild(work: string, cwd: string, args: readonly string[], bin = BIN): Promise<ChildRun> {
  const preload = path.join(work, 'rss-preload.mjs');
  const rssFile = path.join(cwd, `.rss-${Math.random().toString(36).slice(2)}`);
  const t = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(preload).href, bin, ...args], {
      cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IDOC_BENCH_RSS_FILE: rssFile },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.on('error', reject);
    child.on('exit', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const ms = performance.now() - t;
  if (code !== 0) throw new Error(`idoc ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n')[0] ?? ''}`);
  const rssKB = Number(await readFile(rssFile, 'utf8'));
  await rm(rssFile, { force: true });
  return { ms, rssMB: rssKB / 1024, stdout };
}

/** A run folder: config (drop folder, routes, archive), the capture linked into drop/. */
async function prepareRun(work: string, name: string, capture: string, synchronous: string): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(path.join(dir, 'drop'), { recursive: true });
  const config = JSON.parse(await readFile(SAMPLE_CONFIG, 'utf8')) as Record<string, unknown>;
  delete config['$schema'];
  config['feeds'] = { drop: { kind: 'drop-folder', dir: 'drop', framing: 'raw', pollSeconds: 0.01 } };
  config['routes'] = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
  config['archive'] = { dir: 'archive', synchronous };
  await writeFile(path.join(dir, 'idoc.json'), JSON.stringify(config));
  const target = path.join(dir, 'drop', 'capture.bin');
  await link(capture, target).catch(() => copyFile(capture, target));
  return dir;
}

/** One end-to-end ingest; checks that every packet was stored. */
async function ingestRun(work: string, name: string, capture: string, packets: number, synchronous: string, bin = BIN): Promise<ChildRun> {
  const dir = await prepareRun(work, name, capture, synchronous);
  try {
    const r = await runChild(work, dir, ['ingest', '--once', '--quiet', '--json'], bin);
    // The --json envelope's result (bin/cli/json.ts); a build from before the envelope printed the result bare.
    const parsed = JSON.parse(r.stdout) as { result?: unknown };
    const summary = (parsed.result ?? parsed) as { feeds: { stored: number; duplicates: number }[] };
    const stored = summary.feeds.reduce((t, f) => t + f.stored, 0);
    if (stored !== packets) throw new Error(`ingest stored ${stored} of ${packets} packets`);
    return r;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Run the ingest benchmark: median and best of the runs, baseline, peak RSS for 1× and 2× captures. */
export async function benchIngest(): Promise<{
  name: string; medianMs: number; runs: number; packetsPerSecond: number; peakRssMB: number; baselinePacketsPerSecond: number;
  bestPacketsPerSecond: number; bestBaselinePacketsPerSecond: number; peakRssMB2x: number; packetsPerSecond2x: number; loadAverage: number;
  ab?: { bin: string; packetsPerSecond: number; bestPacketsPerSecond: number; peakRssMB: number };
}> {
  const packets = arg('ingest-packets', 1_000_000);
  const runs = arg('ingest-runs', 3);
  const si = process.argv.indexOf('--ingest-synchronous');
  const synchronous = si > 0 ? process.argv[si + 1]! : 'full';
  const ai = process.argv.indexOf('--ingest-ab');
  const abBin = ai > 0 ? path.resolve(process.argv[ai + 1]!) : undefined;
  const abTimes: number[] = [];
  let abPeak = 0;
  const work = await mkdtemp(path.join(tmpdir(), 'idoc-ingest-bench-'));
  try {
    await writeFile(path.join(work, 'rss-preload.mjs'), PRELOAD);
    const capture = path.join(work, 'capture.bin');
    await writeMixedCapture(capture, packets);
    const load = loadavg()[0]!;
    const times: number[] = [];
    const base: number[] = [];
    let peak = 0;
    for (let r = 0; r < runs; r++) {
      base.push((await runChild(work, work, ['packets', 'inspect', '--config', SAMPLE_CONFIG, '--framing', 'raw', '--crc', 'yes', '--json', capture])).ms);
      // A and B alternate which goes first, so neither always follows the baseline's page-cache warm-up.
      const other = async () => { if (!abBin) return; const b = await ingestRun(work, `ab-${r}`, capture, packets, synchronous, abBin); abTimes.push(b.ms); abPeak = Math.max(abPeak, b.rssMB); };
      if (r % 2 === 1) await other();
      const run = await ingestRun(work, `run-${r}`, capture, packets, synchronous);
      times.push(run.ms);
      peak = Math.max(peak, run.rssMB);
      if (r % 2 === 0) await other();
    }
    let peak2 = 0;
    let ms2 = 0;
    if (!process.argv.includes('--ingest-no-double')) {
      await rm(capture, { force: true });
      const capture2 = path.join(work, 'capture-2x.bin');
      await writeMixedCapture(capture2, packets * 2);
      const run = await ingestRun(work, 'run-2x', capture2, packets * 2, synchronous);
      peak2 = run.rssMB;
      ms2 = run.ms;
    }
    const medianMs = median(times);
    const rate = (ms: number, n = packets) => (ms > 0 ? Math.round(n / (ms / 1000)) : 0);
    return {
      name: `ingest: idoc ingest --once of a ${packets.toLocaleString('en-US')}-packet capture from a drop folder into a fresh archive (synchronous=${synchronous}, child process, end to end)`,
      medianMs, runs,
      packetsPerSecond: rate(medianMs),
      peakRssMB: Math.round(peak),
      baselinePacketsPerSecond: rate(median(base)),
      bestPacketsPerSecond: rate(Math.min(...times)),
      bestBaselinePacketsPerSecond: rate(Math.min(...base)),
      peakRssMB2x: Math.round(peak2),
      packetsPerSecond2x: rate(ms2, packets * 2),
      loadAverage: load,
      ...(abBin ? { ab: { bin: abBin, packetsPerSecond: rate(median(abTimes)), bestPacketsPerSecond: rate(Math.min(...abTimes)), peakRssMB: Math.round(abPeak) } } : {}),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchIngest();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
