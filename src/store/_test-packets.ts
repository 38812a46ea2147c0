/**
 * @module Test helpers: SIM-like PUS-C packets (CUC 4+2 from the 2000 epoch of the sample mission) framed by the
 * real splitters, and storing whole fixture files into an archive the way ingest does.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildPacket, pusCTmSecondaryHeader } from '../ccsds/packet.js';
import { encodeDdsHeader, openPacketFile, splitBuffer, type FramedPacket } from '../../telemetry/framing/index.js';
import { packetTimeOf } from '../ccsds/secondary-header.js';
import type { PacketProfile } from '../ccsds/profile.js';
import type { Archive } from './archive.js';
import type { StoredPacketInput } from './types.js';

/** A PUS-C TM packet with a CUC 4+2 time of `coarse` s (+ `fine`/65536) and a PEC. */
export function pusPacket(apid: number, seq: number, coarse: number, fill = 0, fine = 0): Uint8Array {
  const time = new Uint8Array(6);
  new DataView(time.buffer).setUint32(0, coarse);
  new DataView(time.buffer).setUint16(4, fine);
  const data = new Uint8Array(20).fill(fill);
  return buildPacket({ type: 0, apid, sequenceFlags: 3, sequenceCount: seq & 0x3fff, secondaryHeader: pusCTmSecondaryHeader({ service: 3, subtype: 25, time }), data, crc: true });
}

/** Concatenate packets and frame them (raw, CRC on). */
export function framed(packets: readonly Uint8Array[]): FramedPacket[] {
  const all = new Uint8Array(packets.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of packets) { all.set(p, o); o += p.length; }
  return splitBuffer(all, { framing: 'raw', crc: 'yes' }).batch.packets;
}

/** The same packets behind DDS headers of a ground station (time = `unixSeconds`). */
export function framedDds(packets: readonly Uint8Array[], groundStation: number, unixSeconds: number): FramedPacket[] {
  const recs = packets.map((p) => {
    const r = new Uint8Array(18 + p.length);
    encodeDdsHeader({ seconds: unixSeconds, microseconds: 0, packetSize: p.length, groundStation, virtualChannel: 3, sleService: 0xf0, timeQuality: 0 }, r, 0);
    r.set(p, 18);
    return r;
  });
  const all = new Uint8Array(recs.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const r of recs) { all.set(r, o); o += r.length; }
  return splitBuffer(all, { framing: 'dds', crc: 'yes' }).batch.packets;
}

/** Items for storeBatch, with packet times read by `profile` (CUC 4+2 at 2000-01-01 by default in tests). */
export function items(packets: readonly FramedPacket[], profile: PacketProfile, extra: Partial<Pick<StoredPacketInput, 'route' | 'feed' | 'source' | 'receivedUnixMs'>> = {}): StoredPacketInput[] {
  return packets.map((packet) => ({
    packet,
    tai: packetTimeOf(packet.buf, packet.offset, packet.length, profile),
    route: extra.route ?? 'test', feed: extra.feed ?? 'f', source: extra.source ?? 'mem', receivedUnixMs: extra.receivedUnixMs ?? 1_700_000_000_000,
  }));
}

/** Store a packet file batch by batch (what ingest does, minus feeds and routing): returns totals. */
export async function storeFile(archive: Archive, file: string, profile: PacketProfile, route: (apid: number) => string, feed = 'files'): Promise<{ stored: number; duplicates: number }> {
  const src = await openPacketFile(file, { crc: profile.crc });
  let stored = 0, duplicates = 0;
  for await (const b of src.batches) {
    const r = archive.storeBatch(b.packets.map((packet) => ({
      packet, tai: packetTimeOf(packet.buf, packet.offset, packet.length, profile), route: route(packet.apid), feed, source: file, receivedUnixMs: 1_700_000_000_000,
    })));
    stored += r.stored;
    duplicates += r.duplicates;
  }
  return { stored, duplicates };
}

/**
 * The archive writer's worker as built by `npm run build` (`npm test` builds before it runs the tests): tests
 * running from sources pass it to openArchiveWriter to exercise the threaded writer. Undefined when not built.
 */
export const BUILT_WRITER_WORKER: URL | undefined = (() => {
  const url = new URL('../../dist/src/store/writer-worker.js', import.meta.url);
  return fs.existsSync(fileURLToPath(url)) ? url : undefined;
})();

/** The archive scan's worker as built (see {@link BUILT_WRITER_WORKER}): tests pass it to openSqliteArchiveReader. */
export const BUILT_SCAN_WORKER: URL | undefined = (() => {
  const url = new URL('../../dist/src/store/scan-worker.js', import.meta.url);
  return fs.existsSync(fileURLToPath(url)) ? url : undefined;
})();
