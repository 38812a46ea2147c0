/**
 * @module `idoc ingest --watch --metrics PORT`: the daemon's counters in the Prometheus text exposition format
 * 0.0.4 (formats-wave2.md §8) at `GET /metrics`, and `GET /health` (200 `ok` while the daemon runs, JSON per feed).
 * Bound to 127.0.0.1 unless told otherwise; a bearer token is asked when `IDOC_METRICS_TOKEN` is set. Any other
 * method or path → 405/404; the request target is compared as a string, never parsed as a URL.
 *
 * Metric names carry the `idoc_ingest_` prefix; counters end `_total` and only grow while the daemon runs.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { bearerAllowed, sha256 } from '../feeds/feed-tokens.js';
import { apidStatsOf, type FeedStats } from './types.js';

/** Upper bounds (seconds) of the commit-latency histogram's buckets. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** A cumulative histogram of commit latencies (seconds). */
export class LatencyHistogram {
  readonly counts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  count = 0;
  sum = 0;
  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) this.counts[i]!++;
  }
}

/** What one scrape shows. */
export interface MetricsSnapshot {
  readonly feeds: readonly FeedStats[];
  readonly latency: LatencyHistogram;
  /** Units waiting, per feed (same order), when the feed can tell. */
  readonly backlog: readonly (number | undefined)[];
  readonly version: string;
  /** More exposition lines (ending in `\n`), appended: the bus's consumer lag (telemetry/bus/lag.ts). */
  readonly extra?: string;
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const num = (n: number): string => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');

/** The exposition text of `s` (every line ends in `\n`). */
export function renderMetrics(s: MetricsSnapshot): string {
  const out: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: Array<[Record<string, string>, number]>): void => {
    out.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`).join(',');
      out.push(`${name}${l ? `{${l}}` : ''} ${num(v)}`);
    }
  };
  const perFeed = (get: (f: FeedStats) => number | undefined): Array<[Record<string, string>, number]> =>
    s.feeds.flatMap((f) => { const v = get(f); return v === undefined ? [] : [[{ feed: f.feed }, v] as [Record<string, string>, number]]; });
  const perApid = (get: (a: ReturnType<typeof apidStatsOf> extends Map<number, infer C> ? C : never) => number): Array<[Record<string, string>, number]> =>
    s.feeds.flatMap((f) => [...apidStatsOf(f).entries()].sort((a, b) => a[0] - b[0]).map(([apid, c]) => [{ feed: f.feed, apid: String(apid) }, get(c)] as [Record<string, string>, number]));

  metric('idoc_build_info', 'gauge', 'idoc version running the daemon.', [[{ version: s.version }, 1]]);
  metric('idoc_ingest_packets_total', 'counter', 'CCSDS packets framed, by feed and APID.', perApid((a) => a.packets));
  metric('idoc_ingest_bytes_total', 'counter', 'Packet octets framed, by feed and APID.', perApid((a) => a.bytes));
  metric('idoc_ingest_crc_errors_total', 'counter', 'Packets whose CRC-16 PEC failed, by feed and APID.', perApid((a) => a.crcErrors));
  metric('idoc_ingest_sequence_gaps_total', 'counter', 'Sequence-count gaps (the rule of archive gaps), by feed and APID.', perApid((a) => a.gaps));
  metric('idoc_ingest_missing_packets_total', 'counter', 'Packets missing by sequence count, by feed and APID.', perApid((a) => a.missing));
  metric('idoc_ingest_quarantined_total', 'counter', 'Packets routed to quarantine (unknown APID), by feed and APID.', perApid((a) => a.quarantined));
  metric('idoc_ingest_stored_packets_total', 'counter', 'Packets committed to the archive, by feed.', perFeed((f) => f.stored));
  metric('idoc_ingest_resets_total', 'counter', 'Sequence-counter resets (a jump the elapsed time cannot hold at the cadence: telemetry/checks/continuity.ts), by feed and APID.', perApid((a) => a.resets));
  metric('idoc_ingest_duplicates_total', 'counter', 'Packets already in the archive (dropped), by feed and APID.', perApid((a) => a.duplicates));
  metric('idoc_ingest_repeats_total', 'counter', 'Packets stored as repeats (identical octets received further apart than the duplicate window), by feed and APID.', perApid((a) => a.repeats));
  metric('idoc_ingest_skipped_bytes_total', 'counter', 'Octets skipped as garbage or truncated, by feed.', perFeed((f) => f.skippedBytes));
  metric('idoc_ingest_received_bytes_total', 'counter', 'Octets received, by feed.', perFeed((f) => f.bytes));
  metric('idoc_ingest_units_total', 'counter', 'Units ingested (files, responses, connections), by feed.', perFeed((f) => f.units));
  metric('idoc_ingest_rejected_units_total', 'counter', 'Units set aside as not packet data, by feed.', perFeed((f) => f.rejectedUnits));
  metric('idoc_ingest_failures_total', 'counter', 'Pulls that failed (feed down, transfer dropped), by feed.', perFeed((f) => f.failures));
  metric('idoc_ingest_kernel_drops_total', 'counter', 'Datagrams the kernel dropped on the UDP socket, by feed.', perFeed((f) => f.kernelDrops));
  metric('idoc_ingest_backlog_units', 'gauge', 'Units waiting, by feed (when the feed can tell).', s.feeds.flatMap((f, i) => (s.backlog[i] === undefined ? [] : [[{ feed: f.feed }, s.backlog[i]!] as [Record<string, string>, number]])));
  metric('idoc_ingest_up', 'gauge', '1 when the feed is idle or pulling, 0 when it failed or stopped, by feed.', perFeed((f) => (f.state === 'idle' || f.state === 'pulling' ? 1 : 0)));
  metric('idoc_ingest_last_commit_timestamp_seconds', 'gauge', 'When the feed last committed packets (Unix seconds), by feed.', perFeed((f) => (f.lastIngestUnixMs === undefined ? undefined : f.lastIngestUnixMs / 1000)));
  const h = s.latency;
  out.push('# HELP idoc_ingest_commit_latency_seconds From the first packet of a batch being held to its commit.', '# TYPE idoc_ingest_commit_latency_seconds histogram');
  LATENCY_BUCKETS.forEach((le, i) => out.push(`idoc_ingest_commit_latency_seconds_bucket{le="${le}"} ${h.counts[i]}`));
  out.push(`idoc_ingest_commit_latency_seconds_bucket{le="+Inf"} ${h.count}`, `idoc_ingest_commit_latency_seconds_sum ${num(h.sum)}`, `idoc_ingest_commit_latency_seconds_count ${h.count}`);
  return `${out.join('\n')}\n${s.extra ?? ''}`;
}

export interface MetricsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Connections the metrics endpoint serves at once (a scraper or two, a health check, an operator's curl). */
export const DEFAULT_METRICS_MAX_CLIENTS = 16;

/**
 * Serve `/metrics` and `/health` on host:port (0: any free port). `token`: a bearer token asked of every request.
 * At most `maxClients` connections at once (as the feed server's `--max-clients`): more are answered 503 and
 * closed, so idle or slow clients cannot hold the daemon's memory or file descriptors; idle ones are dropped
 * after 10 s (headers) and keep-alive after 5 s.
 */
export async function startMetricsServer(snapshot: () => Promise<MetricsSnapshot> | MetricsSnapshot, port: number, host = '127.0.0.1', token?: string,
  opts: { readonly maxClients?: number } = {}): Promise<MetricsServer> {
  const digests = token ? [sha256(token)] : undefined;
  const maxClients = opts.maxClients ?? DEFAULT_METRICS_MAX_CLIENTS;
  let clients = 0;
  const server = http.createServer({ maxHeaderSize: 8192, requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => {
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'use GET\n', { Allow: 'GET, HEAD' });
    if (digests && !bearerAllowed(req.headers.authorization, digests)) return send(401, 'text/plain', 'a bearer token is needed\n', { 'WWW-Authenticate': 'Bearer' });
    const target = req.url ?? '';
    const pathOnly = target.split('?')[0];
    if (pathOnly !== '/metrics' && pathOnly !== '/health') return send(404, 'text/plain', 'use /metrics or /health\n');
    Promise.resolve(snapshot()).then((s) => {
      if (pathOnly === '/metrics') return send(200, 'text/plain; version=0.0.4; charset=utf-8', renderMetrics(s));
      const failed = s.feeds.filter((f) => f.state === 'failed').map((f) => f.feed);
      send(200, 'application/json', `${JSON.stringify({ status: failed.length ? 'degraded' : 'ok', failed, feeds: s.feeds.map((f) => ({ feed: f.feed, state: f.state, stored: f.stored })) })}\n`);
    }, (e: Error) => send(500, 'text/plain', `${e.message}\n`));
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    clients++;
    socket.once('close', () => { clients--; });
    if (clients > maxClients) socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    const status = e.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  server.on('error', () => undefined);
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
