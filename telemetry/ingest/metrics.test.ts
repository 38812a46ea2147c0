/**
 * `/metrics` (Prometheus text format 0.0.4, formats-wave2 §8) and `/health` of the ingest daemon: the text is
 * well-formed (HELP and TYPE before each metric's samples, cumulative histogram buckets ending in +Inf = count,
 * escaped labels, `\n` after the last line), and a daemon on a live UDP link serves counts that match what it stored.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSamples } from '../../fixtures/generate.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { openArchiveWriter } from '../../src/store/index.js';
import { splitBuffer } from '../framing/index.js';
import { udpFeed } from '../feeds/udp-feed.js';
import { LatencyHistogram, LATENCY_BUCKETS, renderMetrics, startMetricsServer } from './metrics.js';
import fc from 'fast-check';
import net from 'node:net';
import { apidCounters, apidStatsOf, newFeedStats } from './types.js';
import { runWatch } from './watch.js';
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
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-metrics-'));
    const archive = await openArchiveWriter(dir, { fsync: false, synchronous: 'normal' });
    const ac = new AbortController();
    let udpPort = 0;
    let metricsUrl = '';
    let ready!: () => void;
    const bound = new Promise<void>((r) => (ready = r));
    const feed = udpFeed({ name: 'sim', host: '127.0.0.1', port: 0, onListening: (a) => { udpPort = a.port; ready(); } });
    const run = runWatch([feed], { archive, router: { dispatch: () => ({ name: 'SIM', archive: true }) }, profile: PROFILE_PRESETS['pus-c']!, read: { crc: 'auto' } }, silentLogger, ac.signal, {
      metricsPort: 0, onMetrics: (u) => { metricsUrl = u; }, version: 'test',
    });
    cleanups.push(async () => { ac.abort(); await run; await archive.close(); await rm(dir, { recursive: true, force: true }); });
    await bound;
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

/** Raw bytes to a port; the response (until the server closes or one response came whole). */
function rawRequest(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(got);
      if (end >= 0 && len && got.length >= end + 4 + Number(len[1])) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
    socket.write(bytes, () => socket.end());
  });
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
});
