/**
 * @module L0 building speed: packets in memory → products on disk (sort, de-duplicate, check, reassemble,
 * decompress, index, md5, PDS4 labels, collection), in MB/s of packet bytes. Label validation is measured
 * separately (`pds4-validate.bench.ts`). The input is generated once: SIM telemetry (housekeeping, events,
 * segmented lz4/zstd science frames) for a few hours, plus a dense 1 KiB-packet housekeeping APID so the input
 * is large; target 200 MB/s. Run: `node dist/bench/l0.bench.js [--hours N] [--runs N]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPacket, pusCTmSecondaryHeader } from '../src/ccsds/packet.js';
import { DEFAULT_PROFILE } from '../src/ccsds/profile.js';
import { defaultConfig } from '../src/config/index.js';
import { encodeCuc } from '../src/time/index.js';
import { generateSim, SIM_TIME } from '../fixtures/sim-instrument.js';
import { buildL0, productsConfig, type L0Packet, type ProductsConfig } from '../telemetry/products/index.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };

/** SIM telemetry for `seconds` plus a 20 Hz APID of 1 KiB packets (APID 1130). */
export async function benchInput(seconds: number): Promise<L0Packet[]> {
  const sim = await generateSim({ seconds, scienceEvery: 5 });
  const out: L0Packet[] = sim.map((p) => ({ bytes: p.bytes, apid: p.apid, sequenceCount: p.sequenceCount, sequenceFlags: p.bytes[2]! >>> 6, tai: p.tai, crc: 'ok', source: 'bench' }));
  const t0 = sim[0]!.tai;
  const data = new Uint8Array(1000).map((_, i) => i & 0xff);
  for (let k = 0; k < seconds * 20; k++) {
    const tai = t0 + k / 20;
    const sh = pusCTmSecondaryHeader({ service: 3, subtype: 25, time: encodeCuc(tai, SIM_TIME) });
    const bytes = buildPacket({ type: 0, apid: 1130, sequenceFlags: 3, sequenceCount: k % 16384, secondaryHeader: sh, data, crc: true });
    out.push({ bytes, apid: 1130, sequenceCount: k % 16384, sequenceFlags: 3, tai, crc: 'ok', source: 'bench' });
  }
  return out;
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

/** Median time of building products from the generated input into a fresh folder. */
export async function benchL0(): Promise<{ name: string; medianMs: number; runs: number; mbPerSecond: number }> {
  const hours = arg('hours', 2);
  const runs = arg('runs', 3);
  const input = await benchInput(hours * 3600);
  const bytes = input.reduce((n, p) => n + p.bytes.length, 0);
  const products = benchConfig();
  const profile = { ...DEFAULT_PROFILE, time: SIM_TIME, crc: 'yes' as const };
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const out = await mkdtemp(path.join(tmpdir(), 'idoc-l0-bench-'));
    const t = performance.now();
    await buildL0(input, { out, products, profile, mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, window: { kind: 'duration', seconds: 3600, text: 'PT1H' } });
    times.push(performance.now() - t);
    await rm(out, { recursive: true, force: true });
  }
  const medianMs = median(times);
  return { name: `l0 build (${input.length} packets, ${(bytes / 1e6).toFixed(0)} MB)`, medianMs, runs, mbPerSecond: bytes / 1e6 / (medianMs / 1000) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const r = await benchL0();
  process.stdout.write(`${r.name}: median ${r.medianMs.toFixed(0)} ms over ${r.runs} runs, ${r.mbPerSecond.toFixed(0)} MB/s (target 200)\n`);
}
