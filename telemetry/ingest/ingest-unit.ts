/**
 * @module Ingesting one feed unit: frame its chunks, time and route every packet, store batch by batch, and
 * save the feed cursor in the same transaction as the unit's last packets (the last batch is held back until
 * the unit ends, so "cursor committed" always means "every packet before it committed").
 *
 * Transactions. Consecutive framing batches (one per chunk) are gathered into one archive transaction, up to
 * {@link TX_BATCHES} batches, {@link TX_PACKETS} packets or {@link TX_MS} ms since the first: the per-transaction
 * costs (two fsyncs, WAL pages rewritten) are then spread over ~16,000 packets when a file is read in 1 MiB
 * chunks, while a feed delivering small chunks (a realtime link, a slow transfer) still commits every few chunks.
 * Memory stays bounded: at most that many chunks are held.
 *
 * Chunk buffers must not be reused by a feed after they are yielded (packet views point into them until the
 * held batch is stored); Node streams and the feeds in telemetry/feeds allocate per chunk.
 */
import { packetTimeOf, timeOffsetOf } from '../../src/ccsds/secondary-header.js';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import type { Batch, ReadOptions } from '../framing/index.js';
import type { FeedUnit } from '../feeds/types.js';
import { frameChunks, type FramedUnit } from './frame-unit.js';
import { InputError } from '../../src/errors.js';
import type { FeedStats, IngestArchive, IngestItem, IngestRouter } from './types.js';

const QUARANTINE = 'quarantine';
/** Most framing batches gathered into one transaction. */
export const TX_BATCHES = 4;
/** A transaction is committed once it holds this many packets… */
export const TX_PACKETS = 16_384;
/** …or once its first batch has waited this long (ms, checked as batches arrive). */
export const TX_MS = 250;

/** The archive could not take a batch (disk full, I/O error): the run must stop, whatever the feed. */
export class ArchiveWriteError extends InputError {}

export interface UnitContext {
  readonly archive: IngestArchive;
  readonly router: IngestRouter;
  readonly profile: PacketProfile;
  readonly read: ReadOptions;
  readonly stats: FeedStats;
  /** Called after each stored batch (progress, rates). */
  readonly onBatch?: (stored: number, bytes: number) => void;
  readonly now?: () => number;
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
  const info: FramedUnit = { framing: undefined, crc: undefined, bytes: 0 };
  const readOpts: ReadOptions = {
    ...ctx.read,
    framing: unit.framing,
    ...(unit.prefixBytes !== undefined ? { prefixBytes: unit.prefixBytes } : {}),
  };
  /** The items of the transaction being gathered, from how many batches, since when. */
  let held: IngestItem[] | undefined;
  let heldBatches = 0;
  let heldSince = 0;
  let packets = 0;
  let skipped = 0;
  const toItems = (b: Batch, items: IngestItem[]): IngestItem[] => {
    const received = now();
    for (const p of b.packets) {
      const route = ctx.router.dispatch(p);
      if (route.name === QUARANTINE) ctx.stats.quarantined++;
      if (p.crc === 'bad') ctx.stats.crcErrors++;
      if (!route.archive) continue;
      const tai = p.type === 0 && p.secondaryHeader ? packetTimeOf(p.buf, p.offset, p.length, ctx.profile, timeOffset) : undefined;
      items.push({ packet: p, tai, route: route.name, feed: unit.feed, source: unit.source, receivedUnixMs: received });
    }
    return items;
  };
  const store = (items: IngestItem[], cursor?: { feed: string; value: string }) => {
    let r: { stored: number; duplicates: number };
    try {
      r = ctx.archive.storeBatch(items, cursor);
    } catch (e) {
      throw new ArchiveWriteError((e as Error).message, [], { cause: e });
    }
    ctx.stats.stored += r.stored;
    ctx.stats.duplicates += r.duplicates;
    ctx.onBatch?.(r.stored, 0);
  };
  for await (const batch of frameChunks(unit.chunks, readOpts, info)) {
    for (const s of batch.skips) {
      if (info.framing?.framing === 'dds' && s.reason === 'zero-fill') continue; // tolerated DDS padding
      skipped += s.length;
    }
    if (batch.packets.length === 0) continue;
    if (held && (heldBatches >= TX_BATCHES || held.length >= TX_PACKETS || performance.now() - heldSince >= TX_MS)) {
      store(held);
      held = undefined;
    }
    if (!held) {
      held = [];
      heldBatches = 0;
      heldSince = performance.now();
    }
    toItems(batch, held);
    heldBatches++;
    packets += batch.packets.length;
  }
  ctx.stats.units++;
  ctx.stats.packets += packets;
  ctx.stats.skippedBytes += skipped;
  ctx.stats.bytes += info.bytes;
  const cursor = unit.cursorAfter !== undefined ? { feed: unit.feed, value: unit.cursorAfter } : undefined;
  if (packets === 0 && info.bytes > 0) {
    // Bytes but not one packet: not a packet file. Set it aside; the cursor still moves past it.
    if (cursor) store([], cursor);
    ctx.stats.rejectedUnits++;
    await unit.reject(`no CCSDS packet found in ${info.bytes} bytes (framing ${info.framing?.framing ?? 'unknown'})`);
    return { packets, framing: info.framing?.framing, rejected: true };
  }
  if (held || cursor) store(held ?? [], cursor);
  ctx.stats.lastIngestUnixMs = now();
  await unit.complete();
  return { packets, framing: info.framing?.framing, rejected: false };
}
