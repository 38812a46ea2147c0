/**
 * @module L0 processing of one stream (one route in one window) as a pure function over packets: sort and
 * de-duplicate, check every packet, reassemble segmented user data, decompress frames as configured. Nothing is
 * dropped: a frame that fails keeps its raw data and flags its packets.
 */
import { decodeSecondaryHeader } from '../../src/ccsds/secondary-header.js';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { checkPackets, type SequenceCarry } from './checks.js';
import { reassemble, DEFAULT_MAX_SEGMENTS, type RawFrame } from './reassemble.js';
import { decodeScienceFrame, DEFAULT_MAX_FRAME_LENGTH } from './science-frame.js';
import { sortPackets } from './sort.js';
import { QualityFlag, type L0Frame, type L0Gap, type L0Orphan, type L0Packet, type L0Summary } from './types.js';

/** How a route's user data is compressed: `none`, or the SIM science-frame format (fixtures/README.md). */
export type Compression = 'none' | 'science-frame';

export interface ProcessOptions {
  readonly profile: PacketProfile;
  /** Reassemble segmented packets into frames. Default false. */
  readonly reassemble?: boolean;
  /** Default `none`. With `science-frame` and no reassembly, each packet's user data is one frame. */
  readonly compression?: Compression;
  /** Cap on segments per frame. Default 4096. */
  readonly maxSegments?: number;
  /** Cap on a frame's declared uncompressed length, octets. Default 16 MiB. */
  readonly maxFrameLength?: number;
  /** Plausible packet times (TAI, inclusive). Default: not checked. */
  readonly timeRange?: { readonly minTai: number; readonly maxTai: number };
  /** Declared nominal period of an APID (s): counter resets are told from gaps with it (else it is learned). */
  readonly periodOf?: (apid: number) => number | undefined;
  /** Sequence state from the route's previous window (see `checkPackets`), updated in place. */
  readonly carry?: SequenceCarry;
}

/** A processed stream: the packets in L0 order with their flags, the frames, and the findings. */
export interface ProcessedStream {
  readonly packets: readonly L0Packet[];
  readonly flags: Uint32Array;
  readonly frames: readonly L0Frame[];
  readonly orphans: readonly L0Orphan[];
  readonly gaps: readonly L0Gap[];
  readonly summary: L0Summary;
}

/**
 * User data of a packet: after the primary and secondary headers, before the PEC (when the packet was read
 * as carrying one). Falls back to everything after the primary header when the secondary header is unreadable.
 */
export function userDataOf(p: L0Packet, profile: PacketProfile): Uint8Array {
  const b = p.bytes;
  const end = Math.max(6, b.length - (p.crc === 'none' ? 0 : 2));
  let start = 6;
  if (b.length > 6 && (b[0]! & 0x08) !== 0 && profile.secondaryHeader !== 'none') {
    const h = decodeSecondaryHeader(b, 0, b.length, ((b[0]! >>> 4) & 1) as 0 | 1, profile);
    if (h.ok) start = Math.min(end, 6 + h.header.length);
  }
  return b.subarray(start, end);
}

/** Process one stream. Call `prepareCodecs()` first when a route uses zstd-compressed frames. */
export function processStream(input: readonly L0Packet[], options: ProcessOptions): ProcessedStream {
  const sorted = sortPackets(input);
  const packets = sorted.packets;
  const { flags, gaps, resets } = checkPackets(packets, { profile: options.profile, ...(options.timeRange ? { timeRange: options.timeRange } : {}), ...(options.periodOf ? { periodOf: options.periodOf } : {}), ...(options.carry ? { carry: options.carry } : {}) }, sorted.arrival);
  const compression = options.compression ?? 'none';
  const frames: L0Frame[] = [];
  let orphans: L0Orphan[] = [];
  if (options.reassemble || compression !== 'none') {
    const payload = (p: L0Packet) => userDataOf(p, options.profile);
    let raw: RawFrame[];
    if (options.reassemble) {
      const r = reassemble(packets, { apids: () => true, payload, maxSegments: options.maxSegments ?? DEFAULT_MAX_SEGMENTS });
      raw = r.frames;
      orphans = r.orphans;
    } else {
      raw = packets.map((p, i) => ({ apid: p.apid, packets: [i], complete: true, data: payload(p) }));
    }
    for (const o of orphans) flags[o.packet] = flags[o.packet]! | QualityFlag.OrphanSegment;
    for (const f of raw) {
      const first = packets[f.packets[0]!]!;
      const last = packets[f.packets[f.packets.length - 1]!]!;
      const base = { apid: f.apid, firstPacket: f.packets[0]!, segments: f.packets.length, packetIndices: f.packets, startTai: first.tai, stopTai: last.tai };
      const mark = (bit: number) => { for (const i of f.packets) flags[i] = flags[i]! | bit; };
      if (!f.complete) {
        mark(QualityFlag.IncompleteFrame);
        frames.push({ ...base, status: 'incomplete', reason: f.reason ?? 'incomplete', data: f.data, codec: -1, frameId: -1 });
      } else if (compression === 'science-frame') {
        const d = decodeScienceFrame(f.data, options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH);
        const ids = { codec: d.header?.codec ?? -1, frameId: d.header?.frameId ?? -1 };
        if (d.ok) {
          frames.push({ ...base, status: 'ok', data: d.data, ...ids });
        } else {
          mark(QualityFlag.DecompressionFailed);
          frames.push({ ...base, status: 'failed', reason: d.reason, data: f.data, ...ids });
        }
      } else {
        frames.push({ ...base, status: 'ok', data: f.data, codec: -1, frameId: -1 });
      }
    }
  }
  return { packets, flags, frames, orphans, gaps, summary: summarize(packets, flags, frames, orphans, gaps, sorted.duplicates, resets.length) };
}

function summarize(packets: readonly L0Packet[], flags: Uint32Array, frames: readonly L0Frame[], orphans: readonly L0Orphan[], gaps: readonly L0Gap[], duplicates: number, resets: number): L0Summary {
  let bytes = 0, crc = 0, length = 0, time = 0, pus = 0, flagged = 0;
  const timeBits = QualityFlag.TimeMissing | QualityFlag.TimeNotMonotonic | QualityFlag.TimeOutOfRange;
  for (let i = 0; i < packets.length; i++) {
    bytes += packets[i]!.bytes.length;
    const f = flags[i]!;
    if (f) flagged++;
    if (f & QualityFlag.Crc) crc++;
    if (f & QualityFlag.Length) length++;
    if (f & timeBits) time++;
    if (f & QualityFlag.PusHeader) pus++;
  }
  return {
    packets: packets.length, bytes, duplicates,
    gaps: gaps.length, missingPackets: gaps.reduce((n, g) => n + g.missing, 0), resets,
    crcErrors: crc, lengthErrors: length, timeProblems: time, pusHeaderErrors: pus,
    frames: frames.length,
    decompressionFailures: frames.filter((f) => f.status === 'failed').length,
    incompleteFrames: frames.filter((f) => f.status === 'incomplete').length,
    orphanSegments: orphans.length,
    flaggedPackets: flagged,
  };
}
