/**
 * @module One L0 build (or the archive-read baseline) in this process, for `l0-fresh.bench.ts`: a fresh process
 * pays for every page it touches, so this is what a cron job's `idoc l0 build` costs. Prints one JSON line:
 * `{ ms, bytes, packets, products, maxRssMB }`. Usage: `node dist/bench/l0-child.js build|read ARCHIVE OUT WINDOW ROUTES_JSON`.
 */
import { DEFAULT_PROFILE } from '../src/ccsds/profile.js';
import { defaultConfig } from '../src/config/index.js';
import { openArchive, openSqliteArchiveReader } from '../src/store/index.js';
import { SIM_TIME } from '../fixtures/sim-instrument.js';
import { buildL0FromArchive, parseWindow, productsConfig } from '../telemetry/products/index.js';

const [mode, archiveDir, out, window, routes] = process.argv.slice(2) as [string, string, string, string, string];
const PROFILE = { ...DEFAULT_PROFILE, time: SIM_TIME, crc: 'yes' as const };
const mission = { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' };
const t = performance.now();
let bytes = 0, packets = 0, products = 0;
if (mode === 'read') {
  const a = openArchive(archiveDir, { readonly: true });
  for (const apid of a.apids()) for (const r of a.apidRows(apid)) { bytes += a.bytesOf(r).length; packets++; }
  a.close();
} else {
  const config = { ...defaultConfig(), mission };
  const cfg = productsConfig({ ...config, raw: { products: { bundle: 'urn:esa:psa:bench', routes: JSON.parse(routes) as Record<string, unknown> } } });
  const archive = await openSqliteArchiveReader(archiveDir);
  const r = await buildL0FromArchive(archive, { out, products: cfg, profile: PROFILE, mission, window: parseWindow(window), productTime: '2026-01-02T00:00:00Z' });
  await archive.close();
  bytes = r.bytes; packets = r.packets; products = r.products.length;
}
const ms = performance.now() - t;
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes, packets, products, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
