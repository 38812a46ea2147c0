/**
 * @module What the ingest runner needs from the archive and the routing table: the narrow interfaces it
 * codes against (the archive in src/store and the table in telemetry/routing provide them).
 */

import type { ArchiveWriter } from '../../src/archive/port.js';
import type { FramedPacket } from '../framing/index.js';
import { ContinuityState } from '../checks/continuity.js';

/**
 * The archive as ingest uses it: the archive port's writer (src/archive/port.ts `ArchiveWriter`; SQLite and
 * PostgreSQL implement it) or anything with its `batch`/`store`/`cursor` (the bus publisher of `--publish`):
 * batches are filled in builders it hands out, and each `store` is one transaction holding the batch and, when
 * given, the feed cursor. Stores run in the order they were called; the promise settles when the transaction
 * has committed (or failed). A feed's cursor is asked once, before the feed is pulled (a synchronous answer
 * is taken as it is).
 */
export interface IngestArchive extends Pick<ArchiveWriter, 'batch' | 'store'> {
  cursor(feed: string): Promise<string | undefined> | string | undefined;
}

/**
 * Routing as ingest uses it: `dispatch` counts the packet, writes or forwards it per its route's targets, and
 * returns the route (its name is stored; `archive: false` keeps it out of the archive). Unknown APIDs go to
 * `quarantine`. telemetry/routing's RouteDispatcher is one.
 */
export interface IngestRouter {
  dispatch(p: FramedPacket): { readonly name: string; readonly archive: boolean };
}

/** Per-feed counters, for the summary, the status file and the exit code. */
export interface FeedStats {
  feed: string;
  state: 'idle' | 'pulling' | 'failed' | 'stopped';
  units: number;
  packets: number;
  stored: number;
  duplicates: number;
  /** Of `stored`: identical to stored packets but received further apart than the duplicate window. */
  repeats: number;
  quarantined: number;
  crcErrors: number;
  skippedBytes: number;
  rejectedUnits: number;
  bytes: number;
  failures: number;
  lastError: string | undefined;
  lastIngestUnixMs: number | undefined;
  /** Packets missing by sequence count, over every APID (counted as packets arrive, per feed). */
  missing?: number;
  /** Sequence gaps and counter resets, over every APID (the rule of telemetry/checks/continuity.ts, as `archive gaps`). */
  gaps?: number;
  resets?: number;
  /** Datagrams the kernel dropped (UDP feeds, when the system tells). */
  kernelDrops?: number;
  /** Per APID, for metrics (kept out of the JSON status: see {@link apidStatsOf}). */
  readonly [APID_STATS]?: Map<number, ApidCounters>;
}

/**
 * Counters of one APID of one feed. `cont` keeps the APID's sequence continuity across the feed's units (gaps and
 * resets judged by telemetry/checks/continuity.ts, the rule `archive gaps` applies).
 */
export interface ApidCounters {
  packets: number;
  bytes: number;
  crcErrors: number;
  quarantined: number;
  gaps: number;
  missing: number;
  resets: number;
  /** From the archive's store results: copies not stored, and copies stored as repeats. */
  duplicates: number;
  repeats: number;
  readonly cont: ContinuityState;
  /** Chosen-axis time (TAI s) of the last packet the continuity moved on to (NaN before the first). */
  lastTai: number;
}

export const APID_STATS: unique symbol = Symbol('apid-stats');

/** The per-APID counters of a feed (created on first use; a symbol key, so JSON.stringify leaves them out). */
export function apidStatsOf(stats: FeedStats): Map<number, ApidCounters> {
  const s = stats as FeedStats & { [APID_STATS]?: Map<number, ApidCounters> };
  return (s[APID_STATS] ??= new Map());
}

/** The counters of `apid` (created on first use; `periodSeconds`: the APID's declared cadence, `apids[].periodSeconds`). */
export function apidCounters(m: Map<number, ApidCounters>, apid: number, periodSeconds?: number): ApidCounters {
  let c = m.get(apid);
  if (!c) {
    m.set(apid, (c = { packets: 0, bytes: 0, crcErrors: 0, quarantined: 0, gaps: 0, missing: 0, resets: 0, duplicates: 0, repeats: 0, cont: new ContinuityState(periodSeconds), lastTai: NaN }));
  }
  return c;
}

export const newFeedStats = (feed: string): FeedStats => ({
  feed, state: 'idle', units: 0, packets: 0, stored: 0, duplicates: 0, repeats: 0, quarantined: 0, crcErrors: 0, skippedBytes: 0,
  rejectedUnits: 0, bytes: 0, failures: 0, lastError: undefined, lastIngestUnixMs: undefined,
});
