/**
 * @module `idoc ingest --once` (for cron): pull what is new from every feed, store it, and say how it went.
 * Exit codes: 0 all well, 1 data problems (CRC errors, skipped bytes, unknown APIDs, rejected units),
 * 2 a feed failed (down, dropped mid-transfer, timed out) or the config is bad.
 */
import type { Feed } from '../feeds/types.js';
import { ArchiveWriteError, ingestUnit, type UnitContext } from './ingest-unit.js';
import { newFeedStats, type FeedStats } from './types.js';
import type { Logger } from './log.js';

export interface OnceResult {
  readonly feeds: FeedStats[];
  /** 0, 1 or 2 as above. */
  readonly exitCode: 0 | 1 | 2;
}

export const dataProblems = (s: FeedStats): boolean => s.crcErrors > 0 || s.skippedBytes > 0 || s.quarantined > 0 || s.rejectedUnits > 0;

/** Pull every non-realtime feed once (realtime feeds need the daemon). */
export async function ingestOnce(
  feeds: readonly Feed[],
  ctx: Omit<UnitContext, 'stats'>,
  log: Logger,
  signal: AbortSignal = new AbortController().signal,
): Promise<OnceResult> {
  const all: FeedStats[] = [];
  for (const feed of feeds) {
    const stats = newFeedStats(feed.name);
    all.push(stats);
    if (feed.realtime) {
      stats.state = 'stopped';
      log.event('feed-skipped', { feed: feed.name, reason: 'realtime feeds run with --watch' });
      continue;
    }
    stats.state = 'pulling';
    try {
      for await (const unit of feed.pull(await ctx.archive.cursor(feed.name), signal)) {
        if (signal.aborted) break;
        const r = await ingestUnit(unit, { ...ctx, stats });
        log.event(r.rejected ? 'unit-rejected' : 'unit-ingested', { feed: feed.name, source: unit.source, packets: r.packets, framing: r.framing, cursor: unit.cursorAfter });
      }
      stats.state = 'idle';
    } catch (e) {
      if (e instanceof ArchiveWriteError) throw e; // the archive is full or failing: stop the whole run
      stats.state = 'failed';
      stats.failures++;
      stats.lastError = (e as Error).message;
      log.event('feed-failed', { feed: feed.name, error: stats.lastError });
    }
  }
  const exitCode = all.some((s) => s.state === 'failed') ? 2 : all.some(dataProblems) ? 1 : 0;
  return { feeds: all, exitCode };
}
