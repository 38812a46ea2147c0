/**
 * @module Benchmark: the Co-I service's catalogue search with facets over 100,000 products, on loopback, under 50
 * concurrent clients (keep-alive fetch), each asking a filtered, faceted, paged search; p50/p95 latency beside a
 * baseline measured in the same run (the same clients asking the trivial `/tap/availability`, which goes through
 * the same authentication, rate limiting and audit hooks). RSS before and after shows whether memory stays flat.
 * A third pass changes the time window on every request, so no answer comes from the result cache. Issue 17's
 * target: p95 < 50 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArchiveReader, ProductRecord } from '../src/archive/port.js';
import { openServiceStore } from '../src/store/service-store.js';
import { buildService, newToken, tokenDigest } from '../telemetry/service/index.js';

const PRODUCTS = 100_000;
const CLIENTS = 50;
const PER_CLIENT = 20;
const ROUTES = ['SIM_HK_FAST', 'SIM_HK_SLOW', 'SIM_SCI', 'SIM_EVT', 'SIM_DIAG'];

function records(n: number): ProductRecord[] {
  const out: ProductRecord[] = [];
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const route = ROUTES[i % ROUTES.length]!;
    const start = t0 + Math.floor(i / ROUTES.length) * 3_600_000;
    const id = `${route.toLowerCase()}_l0_${i}`;
    out.push({
      lidvid: `urn:x:y:${id}::1.0`, productId: id, version: 1, level: i % 7 === 0 ? 'geometry' : 'L0', route, instrument: 'SIM', apids: [1100],
      start: new Date(start).toISOString(), stop: new Date(start + 3_599_000).toISOString(), label: `${id}.xml`, files: [{ path: `${id}.dat`, bytes: 1000, sha256: '0'.repeat(64) }],
      quality: { packets: 3600, sequenceGaps: i % 13 === 0 ? 1 : 0, crcErrors: i % 17 === 0 ? 2 : 0 }, target: 'Earth', orbit: Math.floor(i / 80), registeredUnixMs: t0,
    });
  }
  return out;
}

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]!; };

export async function benchService(): Promise<{ name: string; medianMs: number; runs: number } & Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'idoc-bench-service-'));
  const list = records(PRODUCTS);
  const reader = { name: 'bench', products: { list: async () => list, get: async () => undefined, register: async () => undefined } } as unknown as ArchiveReader;
  const store = openServiceStore(dir);
  await store.users.add({ name: 'ops', role: 'operator', passwordHash: undefined, createdUnixMs: Date.now(), disabled: false });
  const t = newToken();
  await store.tokens.add({ id: t.id, user: 'ops', digest: tokenDigest(t.secret), createdUnixMs: Date.now(), revokedUnixMs: undefined });
  const app = await buildService({ reader, store, jobsDir: path.join(dir, 'jobs'), rate: { perMinute: 10_000_000, burst: 1_000_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const headers = { authorization: `Bearer ${t.secret}` };
  /** CPU time of this process (server and clients) per request of the last run, µs: less sensitive to other load than latency. */
  let cpuPerRequest = 0;
  const run = async (pathFor: (c: number, k: number) => string): Promise<number[]> => {
    const lat: number[] = [];
    const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
      for (let k = 0; k < PER_CLIENT; k++) {
        const t0 = performance.now();
        const r = await fetch(`${url}${pathFor(c, k)}`, { headers });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`bench: ${r.status}`);
        lat.push(performance.now() - t0);
      }
    }));
    const cpu = process.cpuUsage(cpu0);
    cpuPerRequest = (cpu.user + cpu.system) / lat.length;
    return lat;
  };
  const search = (c: number, k: number) => `/catalogue/products?route=${ROUTES[(c + k) % ROUTES.length]}&level=L0&gaps=no&from=2025-03-01T00:00:00Z&to=2026-01-01T00:00:00Z&sort=start&order=desc&limit=50&offset=${k * 50}`;
  // Every request a different window: no answer comes from the result cache (the index alone).
  const uncached = (c: number, k: number) => `/catalogue/products?route=${ROUTES[(c + k) % ROUTES.length]}&level=L0&gaps=no&from=2025-03-01T00:00:00Z&to=${new Date(Date.parse('2026-01-01T00:00:00Z') - (c * PER_CLIENT + k) * 60_000).toISOString()}&sort=start&order=desc&limit=50&offset=${k * 50}`;
  await run(search); // warm-up
  const rss0 = process.memoryUsage().rss;
  const base = await run(() => '/tap/availability');
  const cpuBase = cpuPerRequest;
  const lat = await run(search);
  const lat2 = await run(search);
  const cpuSearch = cpuPerRequest;
  const cold = await run(uncached);
  const cpuCold = cpuPerRequest;
  const rss1 = process.memoryUsage().rss;
  // Memory flat: the same passes again (new windows again) end at about the same RSS.
  await run(search);
  await run((c, k) => uncached(c + CLIENTS, k));
  const rss2 = process.memoryUsage().rss;
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const all = [...lat, ...lat2];
  return {
    name: `service: faceted catalogue search, ${PRODUCTS} products, ${CLIENTS} concurrent clients x ${PER_CLIENT * 2} requests (p95 ${pct(all, 0.95).toFixed(1)} ms; every request a new window, uncached: p95 ${pct(cold, 0.95).toFixed(1)} ms, median ${pct(cold, 0.5).toFixed(1)} ms; baseline /tap/availability p95 ${pct(base, 0.95).toFixed(1)} ms; CPU per request ${cpuSearch.toFixed(0)} µs, uncached ${cpuCold.toFixed(0)} µs, baseline ${cpuBase.toFixed(0)} µs; RSS ${(rss0 / 2 ** 20).toFixed(0)} -> ${(rss1 / 2 ** 20).toFixed(0)} -> ${(rss2 / 2 ** 20).toFixed(0)} MiB after the passes again)`,
    medianMs: pct(all, 0.5), runs: all.length, p95Ms: pct(all, 0.95), uncachedP95Ms: pct(cold, 0.95), cpuUsPerRequest: cpuSearch, uncachedCpuUsPerRequest: cpuCold, baselineCpuUsPerRequest: cpuBase, baselineP95Ms: pct(base, 0.95), rssBeforeMiB: rss0 / 2 ** 20, rssAfterMiB: rss1 / 2 ** 20, rssAgainMiB: rss2 / 2 ** 20,
  };
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) benchService().then((r) => console.log(`${r.name}: median ${r.medianMs.toFixed(1)} ms over ${r.runs} requests`));
