/**
 * @module Benchmark: storing a 1,000,000-packet mixed capture (bench/capture.ts) into a fresh archive, read
 * with the real framing (raw, CRC checked) and packet times decoded, batch by batch (one transaction and one
 * segment write + fdatasync per read chunk), with the default durability (`synchronous = FULL`).
 * Target: ≥ 300,000 packets/s, memory flat (peak RSS is reported beside the rate).
 * `--archive-packets N` and `--archive-runs N` change the size and the number of runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_PROFILE } from '../src/ccsds/profile.js';
import { packetTimeOf, timeOffsetOf } from '../src/ccsds/secondary-header.js';
import { openArchive, type StoredPacketInput } from '../src/store/index.js';
import { openPacketFile } from '../telemetry/framing/index.js';
import { writeMixedCapture } from './capture.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

/**
 * Store `file` into a new archive in `dir` (or, with `dir` undefined, only frame it and build the items: the
 * baseline measured on the same run, as these machines are shared and noisy); returns seconds and packets.
 */
async function storeCapture(file: string, dir: string | undefined): Promise<{ seconds: number; stored: number }> {
  const t = performance.now();
  const archive = dir === undefined ? undefined : openArchive(dir);
  const src = await openPacketFile(file, { framing: 'raw', crc: 'yes', chunkSize: 4 << 20 }); // batches of ~14,000 packets
  const timeOffset = timeOffsetOf(DEFAULT_PROFILE);
  let stored = 0;
  const batch: StoredPacketInput[] = [];
  for await (const b of src.batches) {
    const now = Date.now();
    batch.length = 0;
    for (const packet of b.packets) {
      batch.push({ packet, tai: packetTimeOf(packet.buf, packet.offset, packet.length, DEFAULT_PROFILE, timeOffset), route: 'bench', feed: 'bench', source: file, receivedUnixMs: now });
    }
    stored += archive ? archive.storeBatch(batch, { feed: 'bench', value: String(b.packets.at(-1)?.streamOffset ?? 0) }).stored : batch.length;
  }
  archive?.close();
  return { seconds: (performance.now() - t) / 1000, stored };
}

/** Run the archive benchmark: median of the runs, packets/s, peak RSS. */
export async function benchArchive(): Promise<{ name: string; medianMs: number; runs: number; packetsPerSecond: number; peakRssMB: number; baselinePacketsPerSecond: number }> {
  const packets = arg('archive-packets', 1_000_000);
  const runs = arg('archive-runs', 3);
  const work = await mkdtemp(path.join(tmpdir(), 'idoc-archive-bench-'));
  try {
    const file = path.join(work, 'capture.bin');
    await writeMixedCapture(file, packets);
    const times: number[] = [];
    const base: number[] = [];
    let peak = 0;
    for (let r = 0; r < runs; r++) {
      base.push((await storeCapture(file, undefined)).seconds * 1000);
      const dir = path.join(work, `archive-${r}`);
      const { seconds, stored } = await storeCapture(file, dir);
      if (stored !== packets) throw new Error(`stored ${stored} of ${packets} packets`);
      times.push(seconds * 1000);
      peak = Math.max(peak, process.memoryUsage().rss / 1e6);
      await rm(dir, { recursive: true, force: true });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const medianMs = median(times);
    return {
      name: `archive: store ${packets.toLocaleString('en-US')} packets (framing, time, dedupe key, index, segments)`, medianMs, runs,
      packetsPerSecond: Math.round(packets / (medianMs / 1000)), peakRssMB: Math.round(peak),
      baselinePacketsPerSecond: Math.round(packets / (median(base) / 1000)),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
