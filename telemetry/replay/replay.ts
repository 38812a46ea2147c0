/**
 * @module Replaying captures for test benches: the packets of any file idoc reads (raw, DDS, prefixed,
 * pcap/pcapng) sent as raw CCSDS packets at the pace of their timestamps (packet time from the secondary
 * header, else the DDS time; the first packet at t = 0), at `speed` times that, or as fast as the receiver
 * takes them (`'max'`). Packets without a time, or earlier than the one before, go at once.
 */
import { packetTimeOf, timeOffsetOf } from '../../src/ccsds/secondary-header.js';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { taiToUtcUnix } from '../../src/time/index.js';
import { openPacketFile, type ReadOptions } from '../framing/index.js';
import { guessProfile } from '../inspect/walk.js';
import { sleep } from '../feeds/backoff.js';
import type { PacketSender } from './senders.js';

/** A packet to send and its time (UTC Unix seconds), when it has one. */
export interface TimedPacket {
  readonly bytes: Uint8Array;
  readonly time: number | undefined;
}

/** The packets of `files` in order, copied out of the reader's buffers, with their times. */
export async function* capturePackets(files: readonly string[], read: ReadOptions, profile: PacketProfile | 'auto'): AsyncGenerator<TimedPacket> {
  for (const file of files) {
    const src = await openPacketFile(file, read);
    const p0 = profile === 'auto' ? await guessProfile(file, read) : profile;
    const timeOffset = timeOffsetOf(p0);
    for await (const batch of src.batches) {
      for (const p of batch.packets) {
        let time: number | undefined;
        const tai = p.type === 0 && p.secondaryHeader ? packetTimeOf(p.buf, p.offset, p.length, p0, timeOffset) : undefined;
        if (tai !== undefined) time = taiToUtcUnix(tai);
        else if (p.dds) time = p.dds.seconds + p.dds.microseconds / 1e6;
        yield { bytes: p.buf.slice(p.offset, p.offset + p.length), time };
      }
    }
  }
}

export interface ReplayOptions {
  readonly read?: ReadOptions;
  /** Default `auto` (guessed per file). */
  readonly profile?: PacketProfile | 'auto';
  /** Times real time, or `max`. Default 1. */
  readonly speed?: number | 'max';
  /** Start again from the first file after the last. Default false. */
  readonly loop?: boolean;
  /** Stop after this many packets (over all loops). */
  readonly limit?: number;
  readonly signal?: AbortSignal;
  /** Called after each packet sent. */
  readonly onPacket?: (sent: ReplaySummary) => void;
  /** Clock, ms (tests). Default `performance.now`. */
  readonly now?: () => number;
}

export interface ReplaySummary {
  packets: number;
  bytes: number;
  /** Wall-clock seconds from the start of the replay. */
  seconds: number;
  /** Passes over the captures started. */
  passes: number;
}

/** Send the packets of `files` through `sender`; resolves with what was sent (also when aborted). */
export async function replay(files: readonly string[], sender: PacketSender, options: ReplayOptions = {}): Promise<ReplaySummary> {
  const speed = options.speed ?? 1;
  const now = options.now ?? (() => performance.now());
  const limit = options.limit ?? Infinity;
  const summary: ReplaySummary = { packets: 0, bytes: 0, seconds: 0, passes: 0 };
  const started = now();
  do {
    summary.passes++;
    let t0: number | undefined;
    let passStart = 0;
    let sentThisPass = 0;
    for await (const p of capturePackets(files, options.read ?? {}, options.profile ?? 'auto')) {
      if (options.signal?.aborted || summary.packets >= limit) break;
      if (speed !== 'max' && p.time !== undefined) {
        if (t0 === undefined) {
          t0 = p.time;
          passStart = now();
        }
        const wait = passStart + ((p.time - t0) * 1000) / speed - now();
        // Timers below a millisecond are not worth it: such packets go in the same burst.
        if (wait >= 1 && !(await sleep(wait, options.signal))) break;
      }
      await sender.send(p.bytes);
      sentThisPass++;
      summary.packets++;
      summary.bytes += p.bytes.length;
      summary.seconds = (now() - started) / 1000;
      options.onPacket?.(summary);
    }
    // A capture without packets would loop forever doing nothing.
    if (!sentThisPass) break;
  } while (options.loop && !options.signal?.aborted && summary.packets < limit);
  summary.seconds = (now() - started) / 1000;
  return summary;
}
