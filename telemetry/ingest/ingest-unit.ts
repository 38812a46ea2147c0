/**
 * @module Ingesting one feed unit: frame its chunks, time and route every packet, store batch by batch, and
 * save the feed cursor in the same transaction as the unit's last packets (the last batch is held back until
 * the unit ends, so "cursor committed" always means "every packet before it committed").
 *
 * Transactions. Consecutive framing batches (one per chunk) are gathered into one archive transaction, up to
 * {@link TX_BATCHES} batches, {@link TX_PACKETS} packets or {@link TX_MS} ms since the first: the per-transaction
 * costs (two fsyncs, WAL pages rewritten) are then spread over ~16,000 packets when a file is read in 1 MiB
 * chunks, while a feed delivering small chunks (a realtime link, a slow transfer) still commits every few chunks.
 *
 * Pipeline. Packets go straight from framing into a packed batch (no object per packet). One batch at most is
 * being stored (on the archive's writer thread) while the next is filled; before a batch is handed over the
 * previous one must have committed, so batches commit in order, the cursor batch last, and memory stays bounded
 * (two batches, plus the chunks of the one being filled).
 *
 * Chunk buffers must not be reused by a feed after they are yielded (packets are copied into the batch lazily,
 * run by run); Node streams and the feeds in telemetry/feeds allocate per chunk.
 */
import { packetTimeOf, timeOffsetOf } from '../../src/ccsds/secondary-header.js';
import { DEFAULT_TIME_SETTINGS, obtFlaggedUnsynchronised, PacketTimer, TimeStatus, type TimeSettings } from '../../src/time/index.js';
import { usableObt } from '../checks/continuity.js';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { acquiredMs, type Batch, type ReadOptions } from '../framing/index.js';
import type { PackedBatchBuilder } from '../../src/store/index.js';
import type { FeedUnit } from '../feeds/types.js';
import { frameChunks, type FramedUnit } from './frame-unit.js';
import { TICK, withTicks } from './_ticks.js';
import { InputError } from '../../src/errors.js';
import { apidCounters, apidStatsOf, type ApidCounters, type FeedStats, type IngestArchive, type IngestRouter } from './types.js';

const QUARANTINE = 'quarantine';
/** Most framing batches gathered into one transaction. */
export const TX_BATCHES = 4;
/** A transaction is committed once it holds this many packets… */
export const TX_PACKETS = 16_384;
/** …or once its first batch has waited this long (ms, checked as batches arrive). */
export const TX_MS = 250;
/** What arrived is committed at most this long after (ms), even when the source goes quiet (`commitInterval`). */
export const DEFAULT_COMMIT_INTERVAL_MS = 1000;

/** The archive could not take a batch (disk full, I/O error): the run must stop, whatever the feed. */
export class ArchiveWriteError extends InputError {}

export interface UnitContext {
  readonly archive: IngestArchive;
  readonly router: IngestRouter;
  readonly profile: PacketProfile;
  /** Time axes and correlation (the config's `time` section); defaults without. */
  readonly time?: TimeSettings;
  readonly read: ReadOptions;
  readonly stats: FeedStats;
  readonly now?: () => number;
  /** Nominal period of an APID, seconds (the config's `apids[].periodSeconds`): the cadence gaps and resets are judged with. */
  readonly periodOf?: (apid: number) => number | undefined;
  /** After each commit: ms from the first packet of the batch being held to its commit, and packets stored (metrics). */
  readonly onCommit?: (latencyMs: number, stored: number) => void;
}

export interface UnitResult {
  readonly packets: number;
  readonly framing: string | undefined;
  readonly rejected: boolean;
}

/**
 * Ingest `unit`. Throws when its chunks throw (a transfer dropped): what was stored stays stored, the cursor is
 * not advanced, and the unit is pulled again later (its repeated packets are deduplicated by the archive).
 */
export async function ingestUnit(unit: FeedUnit, ctx: UnitContext): Promise<UnitResult> {
  const now = ctx.now ?? Date.now;
  const timeOffset = timeOffsetOf(ctx.profile);
  const timer = new PacketTimer(ctx.time ?? DEFAULT_TIME_SETTINGS, ctx.profile.time.epochTai);
  const info: FramedUnit = { framing: undefined, crc: undefined, bytes: 0 };
  const readOpts: ReadOptions = {
    ...ctx.read,
    framing: unit.framing,
    ...(unit.prefixBytes !== undefined ? { prefixBytes: unit.prefixBytes } : {}),
  };
  /** The batch being gathered, from how many framing batches, since when. */
  let held: PackedBatchBuilder | undefined;
  let heldBatches = 0;
  let heldSince = 0;
  let packets = 0;
  let countedBytes = 0;
  /** The batch being stored: settles to its error (already an ArchiveWriteError) or undefined. */
  let inFlight: Promise<Error | undefined> | undefined;
  const commitMs = unit.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS;
  // Held at most this long when batches keep coming; a quarter of the interval when the source goes quiet.
  const holdMs = Math.min(TX_MS, commitMs / 2);
  const apids = apidStatsOf(ctx.stats);
  let lastApid = -1;
  let a = undefined as unknown as ApidCounters; // set at the first packet
  const fill = (b: Batch, into: PackedBatchBuilder): void => {
    const received = now();
    for (const p of b.packets) {
      const route = ctx.router.dispatch(p);
      // Runs of one APID are common: look the counters up only when the APID changes.
      if (p.apid !== lastApid) { lastApid = p.apid; a = apids.get(p.apid) ?? apidCounters(apids, p.apid, ctx.periodOf?.(p.apid)); }
      a.packets++;
      a.bytes += p.length;
      if (route.name === QUARANTINE) { ctx.stats.quarantined++; a.quarantined++; }
      if (p.crc === 'bad') { ctx.stats.crcErrors++; a.crcErrors++; }
      // The three times (src/time/packet-times.ts): on-board as decoded, ground (DDS header, else capture timestamp,
      // else receipt), chosen axis.
      const timed = p.type === 0 && p.secondaryHeader;
      const obt = timed ? packetTimeOf(p.buf, p.offset, p.length, ctx.profile, timeOffset) : undefined;
      const acquired = acquiredMs(p);
      const ground = acquired === acquired ? acquired : received;
      const t = timer.time(p.apid, obt ?? NaN, timed && obtFlaggedUnsynchronised(p.buf, p.offset, p.length, ctx.profile, timeOffset), ground, acquired === acquired);
      // Continuity, the one rule of telemetry/checks/continuity.ts with the times `archive gaps` gives it
      // (telemetry/gaps/find-gaps.ts): the chosen-axis time where synchronised on-board time, else none; the DDS or
      // capture ground time (a receipt time says nothing about the time between packets). No object per packet.
      const dsec = acquired === acquired ? acquired / 1000 : undefined;
      const before = a.cont.lastSeq;
      const kind = a.cont.stepAt(p.sequenceCount, timer.status === TimeStatus.synchronised ? usableObt(t, dsec) : undefined, dsec);
      if (kind === 'gap') {
        let missing = ((p.sequenceCount - before) & 0x3fff) - 1;
        // Whole counter wraps when the declared period says more went by (CCSDS 133.0-B-2 §4.1.3.4.2.2; as find-gaps.ts).
        const period = ctx.periodOf?.(p.apid);
        if (period !== undefined && a.lastTai === a.lastTai && t === t) {
          const byTime = Math.max(0, Math.round((t - a.lastTai) / period) - 1);
          if (byTime > missing + 8192) missing += Math.round((byTime - missing) / 16384) * 16384;
        }
        a.gaps++; a.missing += missing;
        ctx.stats.gaps = (ctx.stats.gaps ?? 0) + 1;
        ctx.stats.missing = (ctx.stats.missing ?? 0) + missing;
      } else if (kind === 'reset') {
        a.resets++;
        ctx.stats.resets = (ctx.stats.resets ?? 0) + 1;
      }
      if (kind !== 'out-of-order') a.lastTai = t;
      if (!route.archive) continue;
      into.add(p, t, route.name, unit.feed, unit.source, received, obt, timer.status);
    }
  };
  /** Wait for the batch in flight; throw its error. */
  const settle = async (): Promise<void> => {
    const e = await inFlight;
    inFlight = undefined;
    if (e) throw e;
  };
  /** Hand `b` over once the previous batch committed. */
  const submit = async (b: PackedBatchBuilder, cursor?: { feed: string; value: string }, since = performance.now()): Promise<void> => {
    await settle();
    inFlight = ctx.archive.store(b, cursor).then(
      (r) => {
        ctx.stats.stored += r.stored;
        ctx.stats.duplicates += r.duplicates;
        ctx.stats.repeats += r.repeats;
        const per = r.perApid;
        if (per) for (let k = 0; k < per.length; k += 3) {
          const c = apidCounters(apids, per[k]!, ctx.periodOf?.(per[k]!));
          c.duplicates += per[k + 1]!;
          c.repeats += per[k + 2]!;
        }
        if (r.stored) ctx.stats.lastIngestUnixMs = now();
        ctx.onCommit?.(performance.now() - since, r.stored);
        return undefined;
      },
      (e: Error) => new ArchiveWriteError(e.message, [], { cause: e }),
    );
  };
  try {
    for await (const batch of frameChunks(withTicks(unit.chunks, commitMs / 4), readOpts, info, unit.datagrams)) {
      if (batch === TICK) {
        // Quiet source: commit what is held (never the cursor: that waits for the unit's end).
        if (held) {
          const full = held;
          held = undefined;
          await submit(full, undefined, heldSince);
        }
        continue;
      }
      for (const s of batch.skips) {
        if (info.framing?.framing === 'dds' && s.reason === 'zero-fill') continue; // tolerated DDS padding
        ctx.stats.skippedBytes += s.length;
      }
      // Counted as they come (a live unit may never end): status shows a link's progress.
      ctx.stats.bytes += info.bytes - countedBytes;
      countedBytes = info.bytes;
      if (batch.packets.length === 0) continue;
      if (held && (heldBatches >= TX_BATCHES || held.count >= TX_PACKETS || performance.now() - heldSince >= holdMs)) {
        const full = held;
        held = undefined;
        await submit(full, undefined, heldSince);
      }
      if (!held) {
        held = ctx.archive.batch();
        heldBatches = 0;
        heldSince = performance.now();
      }
      fill(batch, held);
      heldBatches++;
      packets += batch.packets.length;
      ctx.stats.packets += batch.packets.length;
    }
  } catch (e) {
    // A dropped transfer: what was handed over is stored (or its failure, which then wins); the held batch is not.
    await settle();
    throw e;
  }
  ctx.stats.units++;
  ctx.stats.bytes += info.bytes - countedBytes;
  const cursor = unit.cursorAfter !== undefined ? { feed: unit.feed, value: unit.cursorAfter } : undefined;
  if (packets === 0 && info.bytes > 0) {
    // Bytes but not one packet (so nothing held): not a packet file. Set it aside; the cursor still moves past it.
    if (cursor) await submit(ctx.archive.batch(), cursor);
    await settle();
    ctx.stats.rejectedUnits++;
    // The reason names what was tried and why it was chosen (a CRC mismatch no longer rejects a file: such
    // packets are kept and flagged), so the operator sees the real cause.
    await unit.reject(`no CCSDS packet found in ${info.bytes} bytes (framing ${info.framing?.framing ?? 'unknown'}: ${info.framing?.reason ?? 'nothing read'})`);
    return { packets, framing: info.framing?.framing, rejected: true };
  }
  if (held || cursor) await submit(held ?? ctx.archive.batch(), cursor, held ? heldSince : undefined);
  await settle();
  ctx.stats.lastIngestUnixMs = now();
  await unit.complete();
  return { packets, framing: info.framing?.framing, rejected: false };
}
