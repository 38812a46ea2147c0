/**
 * @module L0 building speed, from an ARCHIVE to products on disk: read the packets of each route and window
 * from the SQLite index and the segment files, sort, de-duplicate, check, reassemble, decompress, write the
 * data, index and frames files (md5, fsync, rename) and the PDS4 labels, then the collection; in MB/s of
 * packet bytes. Label validation is measured separately (`pds4-validate.bench.ts`).
 *
 * The input is generated and ingested once: SIM telemetry (housekeeping, events, segmented lz4/zstd science
 * frames) plus a dense 20 Hz APID of 1 KiB packets, interleaved in time order, PT1H windows. The machine is
 * shared and noisy, so every run also measures, on the same archive, the baseline of reading the same packets
 * with the archive's own query (`apidRows` + `bytesOf`, what `idoc archive query` does), and reports medians
 * and best runs of both. Target: 200 MB/s for building. Run: `node dist/bench/l0.bench.js [--hours N] [--runs N]`.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPacket, pusCTmSecondaryHeader } from '../src/ccsds/packet.js';
import { DEFAULT_PROFILE } from '../src/ccsds/profile.js';
import { packetTimeOf, timeOffsetOf } from '../src/ccsds/secondary-header.js';
import { defaultConfig } from '../src/config/index.js';
import { openArchive, openSqliteArchiveReader, type StoredPacketInput } from '../src/store/index.js';
import { encodeCuc } from '../src/time/index.js';
import { generateSim, SIM_TIME } from '../fixtures/sim-instrument.js';
import { openPacketFile } from '../telemetry/framing/index.js';
import { buildL0FromArchive, productsConfig, type ProductsConfig } from '../telemetry/products/index.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const PROFILE = { ...DEFAULT_PROFILE, time: SIM_TIME, crc: 'yes' as const };

/** SIM telemetry for `seconds` plus a 20 Hz APID of 1 KiB packets (APID 1130), in time order. */
export async function benchPackets(seconds: number): Promise<{ bytes: Uint8Array; tai: number }[]> {
  const sim = await generateSim({ seconds, scienceEvery: 5 });
  const out = sim.map((p) => ({ bytes: p.bytes, tai: p.tai }));
  const t0 = sim[0]!.tai;
  const data = new Uint8Array(1000).map((_, i) => i & 0xff);
  for (let k = 0; k < seconds * 20; k++) {
    const tai = t0 + k / 20;
    const sh = pusCTmSecondaryHeader({ service: 3, subtype: 25, time: encodeCuc(tai, SIM_TIME) });
    out.push({ bytes: buildPacket({ type: 0, apid: 1130, sequenceFlags: 3, sequenceCount: k % 16384, secondaryHeader: sh, data, crc: true }), tai });
  }
  return out.sort((a, b) => a.tai - b.tai);
}

/** Ingest the generated telemetry into a new archive in `dir` (as ingest would: framed, timed, batched). */
export async function ingestBench(dir: string, seconds: number, packets?: Iterable<{ bytes: Uint8Array }>): Promise<void> {
  const file = path.join(dir, 'capture.bin');
  const fh = await open(file, 'w');
  // Written in 4 MiB pieces (a million small writes would dominate the setup).
  let buf = Buffer.alloc(4 << 20), used = 0;
  for (const p of packets ?? await benchPackets(seconds)) {
    if (used + p.bytes.length > buf.length) { await fh.write(buf.subarray(0, used)); buf = Buffer.alloc(4 << 20); used = 0; }
    buf.set(p.bytes, used);
    used += p.bytes.length;
  }
  await fh.write(buf.subarray(0, used));
  await fh.close();
  const archive = openArchive(path.join(dir, 'archive'), { synchronous: 'normal' });
  const src = await openPacketFile(file, { framing: 'raw', crc: 'yes', chunkSize: 4 << 20 });
  const timeOffset = timeOffsetOf(PROFILE);
  for await (const b of src.batches) {
    const items: StoredPacketInput[] = b.packets.map((packet) => ({
      packet, tai: packetTimeOf(packet.buf, packet.offset, packet.length, PROFILE, timeOffset), route: 'bench', feed: 'bench', source: file, receivedUnixMs: 1_767_225_600_000,
    }));
    archive.storeBatch(items, { feed: 'bench', value: String(b.packets.at(-1)?.streamOffset ?? 0) });
  }
  archive.close();
  await rm(file);
}

function benchConfig(): ProductsConfig {
  const config = { ...defaultConfig(), mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' } };
  return productsConfig({
    ...config,
    raw: { products: { bundle: 'urn:esa:psa:bench', routes: {
      HK_FAST: { apids: [1100] }, HK_SLOW: { apids: [1101] }, SCI: { apids: [1110], reassemble: true, compression: 'science-frame' }, EVT: { apids: [1120] }, DENSE: { apids: [1130] },
    } } },
  });
}

/** Baseline: every packet of the archive read through its own query (rows by APID and time, octets by `bytesOf`). */
function readArchive(dir: string): { ms: number; bytes: number } {
  const t = performance.now();
  const a = openArchive(dir, { readonly: true });
  let bytes = 0;
  for (const apid of a.apids()) for (const r of a.apidRows(apid)) bytes += a.bytesOf(r).length;
  a.close();
  return { ms: performance.now() - t, bytes };
}

/** Median (and best) time of building products from an archive into a fresh folder, beside the archive-read baseline. */
export async function benchL0(): Promise<{ name: string; medianMs: number; runs: number; mbPerSecond: number; bestMbPerSecond: number; firstRunMbPerSecond: number; baselineMbPerSecond: number; baselineBestMbPerSecond: number }> {
  const hours = arg('hours', 2);
  const runs = arg('runs', 5);
  const work = await mkdtemp(path.join(tmpdir(), 'idoc-l0-bench-'));
  try {
    await ingestBench(work, hours * 3600);
    const archiveDir = path.join(work, 'archive');
    const products = benchConfig();
    const times: number[] = [];
    const base: number[] = [];
    let bytes = 0, packets = 0;
    for (let r = 0; r < runs; r++) {
      base.push(readArchive(archiveDir).ms);
      const out = path.join(work, `out-${r}`);
      const archive = await openSqliteArchiveReader(archiveDir);
      const t = performance.now();
      const report = await buildL0FromArchive(archive, { out, products, profile: PROFILE, mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, window: { kind: 'duration', seconds: 3600, text: 'PT1H' } });
      times.push(performance.now() - t);
      await archive.close();
      bytes = report.bytes;
      packets = report.packets;
      await rm(out, { recursive: true, force: true });
    }
    const mb = bytes / 1e6;
    const rate = (ms: number) => mb / (ms / 1000);
    return {
      name: `l0 build from an archive (${packets} packets, ${mb.toFixed(0)} MB, ${hours} h, PT1H windows)`, medianMs: median(times), runs,
      mbPerSecond: rate(median(times)), bestMbPerSecond: rate(Math.min(...times)), firstRunMbPerSecond: rate(times[0]!),
      baselineMbPerSecond: rate(median(base)), baselineBestMbPerSecond: rate(Math.min(...base)),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const r = await benchL0();
  process.stdout.write(`${r.name}: median ${r.medianMs.toFixed(0)} ms over ${r.runs} runs\n`
    + `  build:    median ${r.mbPerSecond.toFixed(0)} MB/s, best ${r.bestMbPerSecond.toFixed(0)} MB/s, first run (fresh process memory) ${r.firstRunMbPerSecond.toFixed(0)} MB/s (target 200)\n`
    + `  baseline: reading the same packets with the archive query: median ${r.baselineMbPerSecond.toFixed(0)} MB/s, best ${r.baselineBestMbPerSecond.toFixed(0)} MB/s\n`);
}
