/**
 * `/metrics` (Prometheus text format 0.0.4, formats-wave2 §8) and `/health` of the ingest daemon: the text is
 * well-formed (HELP and TYPE before each metric's samples, cumulative histogram buckets ending in +Inf = count,
 * escaped labels, `\n` after the last line), and a daemon on a live UDP link serves counts that match what it stored.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../fixtures/raw-http.js';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSamples } from '../../fixtures/generate.js';
import { PROFILE_PRESETS, type PacketProfile } from '../../src/ccsds/profile.js';
import { openArchiveWriter } from '../../src/store/index.js';
import { splitBuffer } from '../framing/index.js';
import { udpFeed } from '../feeds/udp-feed.js';
import { LatencyHistogram, LATENCY_BUCKETS, renderMetrics, startMetricsServer } from './metrics.js';
import fc from 'fast-check';
import net from 'node:net';
import { apidCounters, apidStatsOf, newFeedStats } from './types.js';
import { runWatch } from './watch.js';
import { crc16 } from '../../src/ccsds/crc16.js';
import { openSqliteArchiveReader } from '../../src/store/index.js';
import { findGaps, type ArchiveReset } from '../gaps/index.js';
import { loadConfig } from '../../src/config/index.js';
import { fileURLToPath } from 'node:url';
import { silentLogger } from './log.js';

let packets: Buffer[];
const cleanups: Array<() => Promise<void> | void> = [];
beforeAll(async () => {
  const { batch } = splitBuffer((await buildSamples()).files.get('sim.dds')!, { framing: 'dds', crc: 'auto' });
  packets = batch.packets.map((p) => Buffer.from(p.buf.subarray(p.offset, p.offset + p.length)));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Parse an exposition text strictly enough for these tests: metric → { type, samples }. */
function parseExposition(text: string): Map<string, { type: string; samples: Array<{ labels: Record<string, string>; value: number; name: string }> }> {
  expect(text.endsWith('\n')).toBe(true);
  const out = new Map<string, { type: string; samples: Array<{ labels: Record<string, string>; value: number; name: string }> }>();
  let current: string | undefined;
  const helped = new Set<string>();
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line);
    if (m) { helped.add(m[1]!); continue; }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) {
      expect(out.has(m[1]!)).toBe(false); // one TYPE per metric, samples grouped
      expect(helped.has(m[1]!)).toBe(true);
      out.set(m[1]!, { type: m[2]!, samples: [] });
      current = m[1]!;
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const name = m![1]!;
    expect(current !== undefined && (name === current || name.startsWith(`${current}_`))).toBe(true);
    const labels: Record<string, string> = {};
    for (const lm of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]!] = lm[2]!;
    const v = m![3]!;
    out.get(current!)!.samples.push({ name, labels, value: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v) });
  }
  return out;
}

describe('renderMetrics()', () => {
  it('writes valid exposition text: grouped metrics, escaped labels, a cumulative histogram ending in +Inf', () => {
    const s = newFeedStats('feed "one"\\x');
    s.stored = 5;
    const a = apidCounters(apidStatsOf(s), 1100);
    a.packets = 7; a.bytes = 385; a.gaps = 1; a.missing = 3;
    const h = new LatencyHistogram();
    for (const x of [0.001, 0.02, 0.3, 0.3, 7, 60]) h.observe(x);
    const m = parseExposition(renderMetrics({ feeds: [s], latency: h, backlog: [2], version: '0.1.0' }));
    expect(m.get('idoc_ingest_packets_total')!.samples).toEqual([{ name: 'idoc_ingest_packets_total', labels: { feed: 'feed \\"one\\"\\\\x', apid: '1100' }, value: 7 }]);
    expect(m.get('idoc_ingest_missing_packets_total')!.samples[0]!.value).toBe(3);
    expect(m.get('idoc_ingest_backlog_units')!.samples[0]!.value).toBe(2);
    const hist = m.get('idoc_ingest_commit_latency_seconds')!;
    expect(hist.type).toBe('histogram');
    const buckets = hist.samples.filter((x) => x.name.endsWith('_bucket'));
    expect(buckets.map((b) => b.labels['le'])).toEqual([...LATENCY_BUCKETS.map(String), '+Inf']);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    expect(buckets.at(-1)!.value).toBe(6);
    expect(hist.samples.find((x) => x.name.endsWith('_count'))!.value).toBe(6);
    expect(buckets.find((b) => b.labels['le'] === '0.5')!.value).toBe(4);
  });
});

describe('ingest --watch metrics endpoint', () => {
  it('serves /metrics and /health on loopback while a UDP link is ingested; other paths and methods are refused', async () => {
    const { udpPort, metricsUrl } = await watchUdp(PROFILE_PRESETS['pus-c']!);
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sender = dgram.createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => sender.close(() => r())));
    const sent = packets.slice(0, 200);
    for (const p of sent) await new Promise<void>((r, j) => sender.send(p, udpPort, '127.0.0.1', (e) => (e ? j(e) : r())));
    let m = new Map<string, { type: string; samples: Array<{ labels: Record<string, string>; value: number; name: string }> }>();
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`${metricsUrl}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      m = parseExposition(await res.text());
      if (m.get('idoc_ingest_stored_packets_total')?.samples[0]?.value === sent.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(m.get('idoc_ingest_stored_packets_total')!.samples).toEqual([{ name: 'idoc_ingest_stored_packets_total', labels: { feed: 'sim' }, value: sent.length }]);
    const perApid = m.get('idoc_ingest_packets_total')!.samples;
    expect(perApid.reduce((n, s) => n + s.value, 0)).toBe(sent.length);
    expect(perApid.every((s) => s.labels['feed'] === 'sim' && /^\d+$/.test(s.labels['apid']!))).toBe(true);
    expect(m.get('idoc_ingest_commit_latency_seconds')!.samples.find((s) => s.name.endsWith('_count'))!.value).toBeGreaterThan(0);
    const health = await fetch(`${metricsUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', feeds: [{ feed: 'sim', state: 'pulling', stored: sent.length }] });
    expect((await fetch(`${metricsUrl}/other`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405);
  }, 60_000);
});

describe('per-APID continuity, duplicates and repeats in /metrics', () => {
  it('a live UDP stream with a real gap of 5 and a counter reset: gaps 1, missing 5, resets 1, as archive gaps says', async () => {
    // APID 1100 of the sample (1 s cadence, synchronised on-board time): counts 0..104 less 40..44 (a gap of 5
    // within 6 s: losses), then from packet 105 on the counter restarted at 9000 (a jump of ~8900 in 1 s: a reset).
    const hk = packets.filter((p) => ((p[0]! << 8 | p[1]!) & 0x7ff) === 1100);
    expect(hk.length).toBe(300);
    const sent: Buffer[] = [];
    hk.forEach((p, i) => {
      if (i >= 40 && i < 45) return;
      if (i >= 150) return;
      const q = Buffer.from(p);
      if (i >= 105) {
        const seq = 9000 + i - 105;
        q[2] = (q[2]! & 0xc0) | (seq >> 8);
        q[3] = seq & 0xff;
        q.writeUInt16BE(crc16(q, 0, q.length - 2), q.length - 2); // PEC, ECSS-E-ST-70-41C §7.4.3.1
      }
      sent.push(q);
    });
    const { dir, udpPort, metricsUrl, stop } = await watchUdp((await loadConfig(fileURLToPath(new URL('../../fixtures/sample-mission/idoc.json', import.meta.url)))).profile);
    const sender = dgram.createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => sender.close(() => r())));
    for (const p of sent) await new Promise<void>((r, j) => sender.send(p, udpPort, '127.0.0.1', (e) => (e ? j(e) : r())));
    let text = '';
    for (let i = 0; i < 400; i++) {
      text = await (await fetch(`${metricsUrl}/metrics`)).text();
      if (text.includes(`idoc_ingest_stored_packets_total{feed="sim"} ${sent.length}\n`)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(text).toContain(`idoc_ingest_stored_packets_total{feed="sim"} ${sent.length}\n`);
    expect(text).toContain('idoc_ingest_sequence_gaps_total{feed="sim",apid="1100"} 1\n');
    expect(text).toContain('idoc_ingest_missing_packets_total{feed="sim",apid="1100"} 5\n');
    expect(text).toContain('idoc_ingest_resets_total{feed="sim",apid="1100"} 1\n');
    expect(text).toContain('idoc_ingest_duplicates_total{feed="sim",apid="1100"} 0\n');
    // The same packets again: every one a duplicate of what is stored, counted on its APID; no new gap or reset
    // (a step back to count 0 after 9044 with the time going back is out of order, then continuity resumes).
    for (const p of sent.slice(0, 20)) await new Promise<void>((r, j) => sender.send(p, udpPort, '127.0.0.1', (e) => (e ? j(e) : r())));
    for (let i = 0; i < 400; i++) {
      text = await (await fetch(`${metricsUrl}/metrics`)).text();
      if (text.includes('idoc_ingest_duplicates_total{feed="sim",apid="1100"} 20\n')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(text).toContain('idoc_ingest_duplicates_total{feed="sim",apid="1100"} 20\n');
    expect(text).toContain('idoc_ingest_repeats_total{feed="sim",apid="1100"} 0\n');
    await stop();
    // `archive gaps` on the archive: the same gap and the same reset.
    const ro = await openSqliteArchiveReader(dir);
    try {
      const resets: ArchiveReset[] = [];
      const gaps = await findGaps(ro, {}, resets);
      expect(gaps.map((g) => g.missing)).toEqual([5]);
      expect(resets.map((r) => [r.afterSeq, r.beforeSeq])).toEqual([[104, 9000]]);
    } finally {
      await ro.close();
    }
  }, 60_000);
});

/** `ingest --watch` of one UDP link into a fresh archive with its metrics endpoint; stopped and removed after the test. */
async function watchUdp(profile: PacketProfile): Promise<{ dir: string; udpPort: number; metricsUrl: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idoc-metrics-'));
  const archive = await openArchiveWriter(dir, { fsync: false, synchronous: 'normal' });
  const ac = new AbortController();
  let udpPort = 0;
  let metricsUrl = '';
  let ready!: () => void;
  const bound = new Promise<void>((r) => (ready = r));
  const feed = udpFeed({ name: 'sim', host: '127.0.0.1', port: 0, onListening: (a) => { udpPort = a.port; ready(); } });
  const run = runWatch([feed], { archive, router: { dispatch: () => ({ name: 'SIM', archive: true }) }, profile, read: { crc: 'auto' } }, silentLogger, ac.signal, {
    metricsPort: 0, onMetrics: (u) => { metricsUrl = u; }, version: 'test',
  });
  let closed = false;
  const stop = async () => { if (closed) return; closed = true; ac.abort(); await run; await archive.close(); };
  cleanups.push(async () => { await stop(); await rm(dir, { recursive: true, force: true }); });
  await bound;
  return { dir, udpPort, metricsUrl, stop };
}


describe('metrics endpoint under hostile requests', () => {
  it('answers 4xx to malformed requests and fuzzed bytes, asks the token when set, and keeps serving', async () => {
    const stats = newFeedStats('sim');
    const server = await startMetricsServer(() => ({ feeds: [stats], latency: new LatencyHistogram(), backlog: [undefined], version: 't' }), 0, '127.0.0.1', 'metrics-token');
    cleanups.push(() => server.close());
    const status = (r: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(r)?.[1] ?? 0);
    for (const [req, want] of [
      ['GET //[ HTTP/1.1\r\nHost: x\r\n\r\n', 401],
      ['GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n', 401],
      ['GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer metrics-token\r\n\r\n', 200],
      ['GET http://evil/metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer metrics-token\r\n\r\n', 404],
      ['DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n', 405],
      [`GET /metrics HTTP/1.1\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['\x16\x03\x01\x00\xff\r\n\r\n', 400],
    ] as const) expect(status(await rawRequest(server.port, req)), req.slice(0, 30)).toBe(want);
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (b) => {
      const st = status(await rawRequest(server.port, Buffer.from(b)));
      expect(st === 0 || (st >= 400 && st < 500)).toBe(true);
    }), { numRuns: 40 });
    expect((await fetch(`${server.url}/health`, { headers: { Authorization: 'Bearer metrics-token' } })).status).toBe(200);
  }, 60_000);

  it('serves at most maxClients connections at once (more get 503), and serves again once they are gone (property)', async () => {
    const stats = newFeedStats('sim');
    const max = 4;
    const server = await startMetricsServer(() => ({ feeds: [stats], latency: new LatencyHistogram(), backlog: [undefined], version: 't' }), 0, '127.0.0.1', undefined, { maxClients: max });
    cleanups.push(() => server.close());
    const status = (r: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(r)?.[1] ?? 0);
    /** A client holding its connection: a keep-alive request answered (so the server has counted it), then a request left half-sent. */
    const hold = (junk: Uint8Array): Promise<net.Socket> => new Promise((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      let got = '';
      socket.on('data', (d) => {
        got += d.toString('latin1');
        if (/\r\n\r\n[\s\S]*ok|degraded/.test(got) || status(got) === 503) { socket.write(junk); resolve(socket); }
      });
      socket.on('close', () => resolve(socket));
      socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    });
    const closed = (s: net.Socket) => new Promise<void>((r) => { if (s.destroyed) r(); else { s.once('close', () => r()); s.destroy(); } });
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 2 * max }), fc.integer({ min: 0, max: 40 }), async (n, cut) => {
      // A slow client: the next request sent only in part (bytes a parser must wait for, not refuse).
      const junk = Buffer.from('GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n'.slice(0, cut));
      const holders: net.Socket[] = [];
      for (let i = 0; i < n; i++) holders.push(await hold(junk));
      const probe = status(await rawRequest(server.port, 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'));
      expect(probe).toBe(n >= max ? 503 : 200);
      await Promise.all(holders.map(closed));
      // Served again once they are gone (the server sees the closes shortly after the clients).
      let again = 0;
      for (let i = 0; i < 200 && again !== 200; i++) again = status(await rawRequest(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
      expect(again).toBe(200);
    }), { numRuns: 15 });
  }, 60_000);
});
