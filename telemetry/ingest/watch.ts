/**
 * @module `idoc ingest --watch`: the daemon. Each feed is an rxjs loop (pull what is new, ingest it unit by
 * unit, wait — the poll interval, or a growing backoff after a failure — and pull again); the loops are merged
 * and run until the stop signal. Realtime feeds (TCP, UDP) stream units until stopped. A stop (SIGTERM, SIGINT)
 * lets the unit in flight finish and commit, then resolves. A status file is rewritten periodically for
 * `idoc ingest status`.
 */
import { defer, from, merge, interval, timer, EMPTY, lastValueFrom } from 'rxjs';
import { catchError, map, repeat, takeUntil, ignoreElements } from 'rxjs/operators';
import { fromEvent } from 'rxjs';
import { setMaxListeners } from 'node:events';
import type { Feed } from '../feeds/types.js';
import { nextDelay } from '../feeds/backoff.js';
import { ArchiveWriteError, ingestUnit, type UnitContext } from './ingest-unit.js';
import { newFeedStats, type FeedStats } from './types.js';
import type { Logger } from './log.js';
import { InputError } from '../../src/errors.js';
import { LatencyHistogram, startMetricsServer } from './metrics.js';
import { writeStatusFile } from './status.js';

export interface WatchOptions {
  /** Between pulls of a feed that is up, ms. Default 10 000. */
  readonly pollMs?: number;
  /** Status file rewritten every `statusEveryMs` (default 2 000). */
  readonly statusFile?: string;
  readonly statusEveryMs?: number;
  /** Serve `/metrics` and `/health` on this port (0: any free one) of `metricsHost` (default 127.0.0.1). */
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  /** Bearer token the metrics endpoint asks for (default: IDOC_METRICS_TOKEN when set, else none). */
  readonly metricsToken?: string;
  /** Called once the metrics endpoint listens, with its URL. */
  readonly onMetrics?: (url: string) => void;
  /** Version shown in `idoc_build_info`. */
  readonly version?: string;
}

export interface WatchStatus {
  /** `once`: the last `ingest --once` run (finished at `updated`); `watch` (or absent): the daemon. */
  readonly mode?: 'once' | 'watch';
  /** Exit code of a finished `--once` run. */
  readonly exitCode?: number;
  readonly pid: number;
  readonly started: string;
  readonly updated: string;
  /** Per feed: counters, the storing rate over the last second or more, and the units waiting when known. */
  readonly feeds: readonly (FeedStats & { packetsPerSecond: number; backlog?: number })[];
}

/** Run until `signal` aborts; resolves with the final per-feed counters. */
export async function runWatch(feeds: readonly Feed[], ctx0: Omit<UnitContext, 'stats'>, log: Logger, signal: AbortSignal, opts: WatchOptions = {}): Promise<FeedStats[]> {
  const pollMs = opts.pollMs ?? 10_000;
  let ctx = ctx0;
  // Every feed loop, timer and request listens to the one stop signal: many listeners, by design.
  setMaxListeners(16 + 8 * feeds.length, signal);
  const started = new Date();
  const stats = feeds.map((f) => newFeedStats(f.name));
  const latency = new LatencyHistogram();
  const userOnCommit = ctx.onCommit;
  ctx = { ...ctx, onCommit: (ms, stored) => { latency.observe(ms / 1000); userOnCommit?.(ms, stored); } };
  const backlogs = async (): Promise<(number | undefined)[]> => {
    const drops = await Promise.all(feeds.map((f) => (f.kernelDrops ? f.kernelDrops().catch(() => undefined) : Promise.resolve(undefined))));
    drops.forEach((d, i) => { if (d !== undefined) stats[i]!.kernelDrops = d; });
    return Promise.all(feeds.map((f) => (f.backlog ? f.backlog().catch(() => undefined) : Promise.resolve(undefined))));
  };
  const metricsToken = opts.metricsToken ?? (process.env['IDOC_METRICS_TOKEN'] || undefined);
  const metrics = opts.metricsPort !== undefined
    ? await startMetricsServer(async () => ({ feeds: stats, latency, backlog: await backlogs(), version: opts.version ?? 'unknown' }), opts.metricsPort, opts.metricsHost ?? '127.0.0.1', metricsToken)
      .catch((e: NodeJS.ErrnoException) => { throw new InputError(`--metrics ${opts.metricsPort}: cannot listen on ${opts.metricsHost ?? '127.0.0.1'} (${e.code ?? e.message})`); })
    : undefined;
  if (metrics) {
    opts.onMetrics?.(metrics.url);
    log.event('metrics-listening', { url: metrics.url });
  }
  const stop$ = fromEvent(signal, 'abort');
  const rateBase = stats.map(() => ({ t: Date.now(), stored: 0, rate: 0 }));

  // Pulls in flight: a stop unsubscribes at once, but the unit being stored must finish before we return.
  const running = new Set<Promise<void>>();
  const track = (p: Promise<void>): Promise<void> => {
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => undefined);
    return p;
  };

  const loop = (feed: Feed, s: FeedStats) => {
    let failures = 0;
    const pull = defer(() => from(track((async () => {
      s.state = 'pulling';
      for await (const unit of feed.pull(await ctx.archive.cursor(feed.name), signal)) {
        const r = await ingestUnit(unit, { ...ctx, stats: s });
        log.event(r.rejected ? 'unit-rejected' : 'unit-ingested', { feed: feed.name, source: unit.source, packets: r.packets, framing: r.framing, cursor: unit.cursorAfter });
        if (signal.aborted) break;
      }
      s.state = 'idle';
      failures = 0;
    })()))).pipe(
      catchError((e: Error) => {
        if (e instanceof ArchiveWriteError) throw e; // disk full: the daemon stops with the error
        s.state = 'failed';
        s.failures++;
        s.lastError = e.message;
        failures++;
        log.event('feed-failed', { feed: feed.name, error: e.message, retryInMs: nextDelay(failures - 1) });
        return EMPTY;
      }),
    );
    // Poll again after the interval, or after the backoff while the feed keeps failing.
    return pull.pipe(repeat({ delay: () => timer(failures ? nextDelay(failures - 1) : pollMs).pipe(takeUntil(stop$)) }), takeUntil(stop$));
  };

  const writeStatus = async () => {
    if (!opts.statusFile) return;
    const now = Date.now();
    const backlog = await backlogs();
    const status: WatchStatus = {
      mode: 'watch', pid: process.pid, started: started.toISOString(), updated: new Date(now).toISOString(),
      feeds: stats.map((s, i) => {
        const b = rateBase[i]!;
        if (now - b.t >= 1000) { b.rate = ((s.stored - b.stored) * 1000) / (now - b.t); b.t = now; b.stored = s.stored; }
        const waiting = backlog[i];
        return { ...s, packetsPerSecond: Math.round(b.rate), ...(waiting !== undefined ? { backlog: waiting } : {}) };
      }),
    };
    await writeStatusFile(opts.statusFile, status);
  };

  log.event('watch-started', { feeds: feeds.map((f) => ({ name: f.name, kind: f.kind })) });
  const status$ = interval(opts.statusEveryMs ?? 2000).pipe(map(() => void writeStatus().catch(() => undefined)), ignoreElements(), takeUntil(stop$));
  await lastValueFrom(merge(...feeds.map((f, i) => loop(f, stats[i]!)), status$), { defaultValue: undefined });
  await Promise.allSettled([...running]); // drain: the units in flight commit before we stop
  await metrics?.close();
  for (const s of stats) if (s.state !== 'failed') s.state = 'stopped';
  await writeStatus().catch(() => undefined);
  log.event('watch-stopped', { feeds: stats });
  return stats;
}
