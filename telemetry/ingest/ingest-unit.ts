/**
 * @module Ingesting one feed unit: frame its chunks, time and route every packet, store batch by batch, and
 * save the feed cursor in the same transaction as the unit's last packets (the last batch is held back until
 * the unit ends, so "cursor committed" always means "every packet before it committed").
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
  let held: IngestItem[] | undefined;
  let packets = 0;
  let skipped = 0;
  const toItems = (b: Batch): IngestItem[] => {
    const received = now();
    const items: IngestItem[] = [];
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
    if (held) store(held);
    held = toItems(batch);
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
