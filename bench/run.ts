/**
 * @module `npm run bench`: idoc's performance figures, each a median of several runs, printed beside the
 * baselines measured on the same run (these machines are shared and noisy: compare within a run).
 *
 * packets inspect: a 1,000,000-packet mixed capture (about 300 MB) in a fresh process per run, against
 *   (a) a plain Node walk over the packet headers and (b) the same walk with a byte-at-a-time table CRC.
 * Peak RSS is measured for the capture and for one twice its size: flat memory means they match.
 * Then the other stages' benches, where present (geometry, planning, PDS4 validation, whole processes).
 * Options: `--packets N` (default 1,000,000), `--runs N` (default 5), `--keep` (keep the capture),
 * `--only inspect,ingest,live,archive,pgingest,l0,geometry,mars,planning,pds4,process,decode,follow,startup,service` (a subset).
 */
import { execFile } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { crc16, crc16Bytewise } from '../src/ccsds/crc16.js';
import { writeMixedCapture } from './capture.js';

const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const PACKETS = arg('packets', 1_000_000);
const RUNS = arg('runs', 5);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const log = (s: string) => process.stdout.write(`${s}\n`);

/** Walk packet headers of a file in 1 MiB chunks (carrying a split packet), optionally with a CRC. */
async function walk(file: string, crc: ((b: Uint8Array, s: number, e: number) => number) | undefined): Promise<{ seconds: number; packets: number }> {
  const t = performance.now();
  const fh = await open(file, 'r');
  let carry = new Uint8Array(0);
  let packets = 0;
  let pos = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(1 << 20);
    const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
    if (!bytesRead) break;
    pos += bytesRead;
    let buf: Uint8Array = chunk.subarray(0, bytesRead);
    if (carry.length) { const j = new Uint8Array(carry.length + buf.length); j.set(carry); j.set(buf, carry.length); buf = j; }
    let p = 0;
    while (p + 6 <= buf.length) {
      const len = ((buf[p + 4]! << 8) | buf[p + 5]!) + 7;
      if (p + len > buf.length) break;
      if (crc && crc(buf, p, p + len) !== 0) throw new Error('bad CRC in bench capture');
      packets++;
      p += len;
    }
    carry = buf.slice(p);
  }
  await fh.close();
  return { seconds: (performance.now() - t) / 1000, packets };
}

async function inspectChild(file: string) {
  const { stdout } = await exec(process.execPath, [path.join(here, 'inspect-child.js'), file], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as { seconds: number; packets: number; bytes: number; crcErrors: number; maxRssMB: number };
}

async function main(): Promise<void> {
  if (process.argv.includes('--only') && !process.argv[process.argv.indexOf('--only') + 1]!.split(',').includes('inspect')) return stagesOnly();
  const file = path.join(tmpdir(), `idoc-bench-${process.pid}.bin`);
  const file2 = path.join(tmpdir(), `idoc-bench-${process.pid}-x2.bin`);
  try {
    log(`generating ${PACKETS.toLocaleString('en-US')} packets …`);
    const bytes = await writeMixedCapture(file, PACKETS);
    const mb = bytes / 1e6;
    log(`capture: ${mb.toFixed(0)} MB, ${PACKETS.toLocaleString('en-US')} packets; ${RUNS} runs each; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores\n`);
    const plain: number[] = [], bytewise: number[] = [], slicing: number[] = [], inspect: number[] = [], rss: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      plain.push((await walk(file, undefined)).seconds);
      bytewise.push((await walk(file, crc16Bytewise)).seconds);
      slicing.push((await walk(file, crc16)).seconds);
      const c = await inspectChild(file);
      if (c.packets !== PACKETS || c.crcErrors) throw new Error(`inspect saw ${c.packets} packets, ${c.crcErrors} CRC errors`);
      inspect.push(c.seconds);
      rss.push(c.maxRssMB);
    }
    const row = (name: string, s: number[]) =>
      log(`${name.padEnd(46)} median ${(mb / median(s)).toFixed(0).padStart(5)} MB/s ${(PACKETS / median(s) / 1e3).toFixed(0).padStart(5)} k packets/s   best ${(mb / Math.min(...s)).toFixed(0).padStart(5)} MB/s`);
    row('baseline: plain header walk', plain);
    row('baseline: header walk + byte-at-a-time CRC', bytewise);
    row('header walk + slicing-by-8 CRC (idoc crc16)', slicing);
    row('idoc packets inspect (CRC, seq, time, stats)', inspect);
    log(`inspect peak RSS: ${median(rss).toFixed(0)} MB (target < 200 MB; target speed >= 400 MB/s)`);
    await writeMixedCapture(file2, PACKETS * 2);
    const big = await inspectChild(file2);
    log(`inspect peak RSS on a capture twice the size: ${big.maxRssMB.toFixed(0)} MB (${(2 * mb / big.seconds).toFixed(0)} MB/s)`);
  } finally {
    if (!process.argv.includes('--keep')) { await rm(file, { force: true }); await rm(file2, { force: true }); }
  }
  await stagesOnly();
}

async function stagesOnly(): Promise<void> {
  // The other stages' benches (each reports a median and its own figures; see their files for targets).
  const stages = [
    ['./ingest.bench.js', 'benchIngest'],
    ['./live.bench.js', 'benchLive'],
    ['./archive.bench.js', 'benchArchive'],
    ['./pg-ingest.bench.js', 'benchPgIngest'],
    ['./l0.bench.js', 'benchL0'],
    ['./geometry.bench.js', 'benchGeometry'],
    ['./mars.bench.js', 'benchMars'],
    ['./planning.bench.js', 'benchPlanning'],
    ['./plan-overview.bench.js', 'benchPlanOverview'],
    ['./pds4-validate.bench.js', 'benchPds4Validate'],
    ['./process.bench.js', 'benchProcess'],
    ['./decode.bench.js', 'benchDecode'],
    ['./follow.bench.js', 'benchFollow'],
    ['./startup.bench.js', 'benchStartup'],
    ['./service.bench.js', 'benchService'],
  ] as const;
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : undefined;
  for (const [mod, fn] of stages) {
    if (only && !only.some((o) => fn.toLowerCase().includes(o.toLowerCase()))) continue;
    try {
      const m = (await import(mod)) as Record<string, () => Promise<{ name: string; medianMs: number; runs: number } & Record<string, unknown>>>;
      const { name, medianMs, runs, ...extra } = await m[fn]!();
      const more = Object.entries(extra).map(([k, v]) => `${k} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(1)) : String(v)}`).join(', ');
      log(`${name}: median ${medianMs.toFixed(1)} ms over ${runs} runs${more ? `; ${more}` : ''}`);
    } catch (e) {
      log(`${fn}: not run (${(e as Error).message.split('\n')[0]})`);
    }
  }
  // L0 builds in fresh processes (the first build of a cron job), beside a fresh-process baseline: l0-fresh.bench.ts.
  if (!only || only.some((o) => 'l0fresh'.includes(o.toLowerCase()))) {
    try {
      const m = (await import('./l0-fresh.bench.js')) as { benchL0Fresh: () => Promise<string> };
      log((await m.benchL0Fresh()).trimEnd());
    } catch (e) {
      log(`benchL0Fresh: not run (${(e as Error).message.split('\n')[0]})`);
    }
  }
}

await main();
