/**
 * @module Packets for L0 building read from packet files (any framing telemetry/framing reads: raw, DDS,
 * prefixed, pcap/pcapng), in file order: each packet copied out of the reader's buffer, its time taken from the
 * secondary header per the profile, its reception time from the DDS header, else the capture record's timestamp.
 */
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { packetTimeOf, timeOffsetOf } from '../../src/ccsds/secondary-header.js';
import { stat } from 'node:fs/promises';
import { DEFAULT_TIME_SETTINGS, obtFlaggedUnsynchronised, PacketTimer, type TimeSettings } from '../../src/time/index.js';
import { acquiredMs, openPacketFile, type ReadOptions, type Skip } from '../framing/index.js';
import type { L0Packet } from './types.js';

/** What reading found besides packets (skipped bytes per file, idle packets). */
export interface FileReadStats {
  readonly files: { readonly file: string; readonly packets: number; readonly skips: Skip[]; readonly idle: number }[];
}

/**
 * Read `files` in order into L0 packets, one array per read batch; `stats` (when given) receives each file's skips
 * and counts. Packets are timed on the mission's axis (src/time/packet-times.ts); the ground time of a packet
 * without a DDS header or capture timestamp is its file's modification time (when the file was received), so builds repeat exactly.
 */
export async function* packetsFromFiles(files: readonly string[], read: ReadOptions, profile: PacketProfile, stats?: FileReadStats, time: TimeSettings = DEFAULT_TIME_SETTINGS): AsyncGenerator<L0Packet[]> {
  const timeOffset = timeOffsetOf(profile);
  const timer = new PacketTimer(time, profile.time.epochTai);
  for (const file of files) {
    const src = await openPacketFile(file, read);
    const fileMs = (await stat(file)).mtimeMs;
    const entry = { file, packets: 0, skips: [] as Skip[], idle: 0 };
    stats?.files.push(entry);
    for await (const batch of src.batches) {
      entry.skips.push(...batch.skips);
      entry.idle += batch.idle;
      const out: L0Packet[] = [];
      for (const p of batch.packets) {
        entry.packets++;
        const bytes = p.buf.slice(p.offset, p.offset + p.length);
        const timed = p.type === 0 && p.secondaryHeader;
        const obt = timed ? packetTimeOf(bytes, 0, bytes.length, profile, timeOffset) : undefined;
        const acquired = acquiredMs(p);
        const received = acquired === acquired ? acquired : undefined;
        const ground = received ?? fileMs;
        const tai = timer.time(p.apid, obt ?? NaN, timed && obtFlaggedUnsynchronised(bytes, 0, bytes.length, profile, timeOffset), ground, received !== undefined);
        out.push({
          bytes, apid: p.apid, sequenceCount: p.sequenceCount, sequenceFlags: p.sequenceFlags, tai, crc: p.crc, source: file,
          ...(received !== undefined ? { receivedUnixMs: received } : {}),
          ...(obt !== undefined ? { obt } : {}), groundUnixMs: ground, timeStatus: timer.status,
          ...(p.dds ? { station: p.dds.groundStation, virtualChannel: p.dds.virtualChannel } : {}),
        });
      }
      if (out.length) yield out;
    }
  }
}
