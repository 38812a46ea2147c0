/**
 * @module Benchmark: live TCP ingest (issue 13 target: ≥ 200,000 packets/s), beside file ingest in the same run.
 * A `node dist/bin/idoc.js ingest --watch --quiet --metrics 0` child process has one `tcp` feed pointing at a
 * server in this process; once it connects, the server writes the mixed capture (bench/capture.ts) as fast as the
 * socket takes it and keeps the connection open. The time runs from the connection to the moment `/metrics` says
 * every packet is committed (polled every 20 ms). Baseline, same run, same capture: `idoc ingest --once` of the
 * capture from a drop folder (child wall time, as ingest.bench.ts measures it).
 *
 * Options: `--live-packets N` (default 500,000), `--live-runs N` (default 3). Run alone: `node dist/bench/live.bench.js`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { link, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, BIN, median, SAMPLE_CONFIG } from './_common.js';
import { writeMixedCapture } from './capture.js';


async function config(dir: string, feeds: Record<string, unknown>): Promise<void> {
  const c = JSON.parse(await readFile(SAMPLE_CONFIG, 'utf8')) as Record<string, unknown>;
  delete c['$schema'];
  c['feeds'] = feeds;
  c['routes'] = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
  c['archive'] = { dir: 'archive' };
  await writeFile(path.join(dir, 'idoc.json'), JSON.stringify(c));
}

/** Stored count from a Prometheus text. */
const storedOf = (text: string): number => {
  let n = 0;
  for (const m of text.matchAll(/^idoc_ingest_stored_packets_total\{[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
};

async function liveRun(work: string, name: string, capture: string, packets: number): Promise<number> {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await config(dir, { bench: { kind: 'tcp', host: '127.0.0.1', port, framing: 'raw' } });
  let child: ChildProcess | undefined;
  try {
    let metricsUrl = '';
    const connected = new Promise<{ socket: net.Socket; t: number }>((resolve) => server.once('connection', (socket) => resolve({ socket, t: performance.now() })));
    child = spawn(process.execPath, [BIN, 'ingest', '--watch', '--metrics', '0'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => {
      err += String(d);
      const m = /"event":"metrics-listening","url":"([^"]+)"/.exec(err);
      if (m) metricsUrl = m[1]!;
    });
    const { socket, t } = await connected;
    socket.on('error', () => undefined);
    createReadStream(capture, { highWaterMark: 1 << 20 }).pipe(socket, { end: false });
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      if (!metricsUrl) continue;
      const text = await (await fetch(`${metricsUrl}/metrics`)).text();
      if (storedOf(text) >= packets) break;
      if (child.exitCode !== null) throw new Error(`ingest --watch exited: ${err.split('\n').find((l) => l.includes('error')) ?? ''}`);
    }
    const ms = performance.now() - t;
    socket.destroy();
    return ms;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  }
}

async function fileRun(work: string, name: string, capture: string, packets: number): Promise<number> {
  const dir = path.join(work, name);
  await mkdir(path.join(dir, 'drop'), { recursive: true });
  await config(dir, { drop: { kind: 'drop-folder', dir: 'drop', framing: 'raw', pollSeconds: 0.01 } });
  await link(capture, path.join(dir, 'drop', 'capture.bin')).catch(() => copyFile(capture, path.join(dir, 'drop', 'capture.bin')));
  try {
    const t = performance.now();
    const out = await new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, [BIN, 'ingest', '--once', '--quiet', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
      let s = '';
      c.stdout.on('data', (d) => { s += String(d); });
      c.on('error', reject);
      c.on('exit', () => resolve(s));
    });
    const ms = performance.now() - t;
    const stored = (JSON.parse(out) as { result: { feeds: { stored: number }[] } }).result.feeds.reduce((n, f) => n + f.stored, 0);
    if (stored !== packets) throw new Error(`file ingest stored ${stored} of ${packets}`);
    return ms;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchLive(): Promise<{ name: string; medianMs: number; runs: number; packetsPerSecond: number; filePacketsPerSecond: number; loadAverage: number }> {
  const packets = arg('live-packets', 500_000);
  const runs = arg('live-runs', 3);
  const work = await mkdtemp(path.join(tmpdir(), 'idoc-live-bench-'));
  try {
    const capture = path.join(work, 'capture.bin');
    await writeMixedCapture(capture, packets);
    const load = loadavg()[0]!;
    const live: number[] = [];
    const file: number[] = [];
    for (let r = 0; r < runs; r++) {
      file.push(await fileRun(work, `file-${r}`, capture, packets));
      live.push(await liveRun(work, `live-${r}`, capture, packets));
    }
    const rate = (ms: number) => Math.round(packets / (ms / 1000));
    return {
      name: `live: idoc ingest --watch of a ${packets.toLocaleString('en-US')}-packet stream over one loopback TCP connection (connection → every packet committed, per /metrics), beside ingest --once of the same capture`,
      medianMs: median(live), runs, packetsPerSecond: rate(median(live)), filePacketsPerSecond: rate(median(file)), loadAverage: load,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchLive(), null, 2)}\n`);
}
