/**
 * @module The data L0 processing works on: the input packet (from the archive or from packet files), the
 * per-packet quality flags (bit flags, one 32-bit word per packet, written into each product's index file),
 * and the findings of a processed stream.
 */

/** One packet handed to L0 processing: its bytes and what ingest already knows about it. */
export interface L0Packet {
  /** The whole packet, primary header first; owned by the packet (not a view into a reused buffer). */
  readonly bytes: Uint8Array;
  readonly apid: number;
  readonly sequenceCount: number;
  /** Sequence flags (CCSDS 133.0-B-2 §4.1.3.4.2.1): 0 continuation, 1 first, 2 last, 3 unsegmented. */
  readonly sequenceFlags: number;
  /**
   * The packet's time on the mission's chosen axis, TAI seconds since 1958 (src/time/packet-times.ts): UTC from
   * on-board time where synchronised, else the ground time. Undefined only when neither is known.
   */
  readonly tai: number | undefined;
  /** PEC check done at framing: `none` when the packets are read as carrying no CRC. */
  readonly crc: 'ok' | 'bad' | 'none';
  /** Ground reception time (DDS header, archive), Unix ms. */
  readonly receivedUnixMs?: number;
  /** On-board time as decoded (TAI with the profile's epoch, before correlation); undefined without one. */
  readonly obt?: number;
  /** Ground time, Unix ms: the DDS header's time, else the receipt time (archive) or the file's modification time. */
  readonly groundUnixMs?: number;
  /** Why `tai` is (not) UTC from on-board time: src/time TimeStatus (0 = synchronised). */
  readonly timeStatus?: number;
  /** DDS header ground station and virtual channel, when it came with one. */
  readonly station?: number;
  readonly virtualChannel?: number;
  /** Where it came from (file, feed), for messages and `Source_Product_External`. */
  readonly source?: string;
}

/**
 * Quality flags of one packet (bit values of the 32-bit word in the product's index file). 0 = clean.
 * The meaning of every bit is also written into each PDS4 label (the `quality_flags` field description).
 */
export const QualityFlag = {
  /** The packet's length differs from its primary header's data length + 7 (CCSDS 133.0-B-2 §4.1.3.5.3). */
  Length: 1 << 0,
  /** The PEC (CRC-16/CCITT-FALSE) does not match. */
  Crc: 1 << 1,
  /** Sequence count gap before this packet (packets of the APID missing, wrap-aware modulo 16384). */
  SequenceGap: 1 << 2,
  /** Sequence count repeated or stepping back (a different packet with the count of an earlier one). */
  SequenceOrder: 1 << 3,
  /** No usable on-board time (none, not covered by a correlation, implausible, flagged unsynchronised): timed by ground time. */
  TimeMissing: 1 << 4,
  /** Packet time earlier than the previous packet of the same APID in arrival order. */
  TimeNotMonotonic: 1 << 5,
  /** Packet time outside the mission's plausible range. */
  TimeOutOfRange: 1 << 6,
  /** Secondary header not valid for the profile (PUS version, too short, flag missing). */
  PusHeader: 1 << 7,
  /** A segment that belongs to no frame (continuation or last segment without its first). */
  OrphanSegment: 1 << 8,
  /** A segment of a frame that was not completed (missing segments, segment cap, end of data). */
  IncompleteFrame: 1 << 9,
  /** A segment (or unsegmented packet) of a frame whose decompression or check failed; the raw packet is kept. */
  DecompressionFailed: 1 << 10,
} as const;
export type QualityFlag = (typeof QualityFlag)[keyof typeof QualityFlag];

/** `name: meaning` of each flag bit, lowest first (written into labels and the README). */
export const QUALITY_FLAG_DESCRIPTIONS: readonly { readonly bit: number; readonly name: string; readonly meaning: string }[] = [
  { bit: 0, name: 'length', meaning: 'packet length differs from its header' },
  { bit: 1, name: 'crc', meaning: 'PEC mismatch' },
  { bit: 2, name: 'sequence_gap', meaning: 'sequence count gap before this packet' },
  { bit: 3, name: 'sequence_order', meaning: 'sequence count repeated or stepping back' },
  { bit: 4, name: 'time_missing', meaning: 'no usable on-board time: timed by ground time' },
  { bit: 5, name: 'time_not_monotonic', meaning: 'time earlier than the previous packet of the APID as received' },
  { bit: 6, name: 'time_out_of_range', meaning: 'time outside the plausible mission range' },
  { bit: 7, name: 'pus_header', meaning: 'secondary header invalid for the profile' },
  { bit: 8, name: 'orphan_segment', meaning: 'segment without its first segment' },
  { bit: 9, name: 'incomplete_frame', meaning: 'segment of an incomplete frame' },
  { bit: 10, name: 'decompression_failed', meaning: 'frame failed decompression or its checks (raw kept)' },
];

/** Names of the flags set in a word, lowest bit first. */
export const flagNames = (word: number): string[] =>
  QUALITY_FLAG_DESCRIPTIONS.filter((d) => (word & (1 << d.bit)) !== 0).map((d) => d.name);

/** A sequence-count gap inside one APID of a processed stream. */
export interface L0Gap {
  readonly apid: number;
  readonly afterSeq: number;
  readonly beforeSeq: number;
  /** Packets missing, wrap-aware. */
  readonly missing: number;
  /** Times (TAI) of the packets around the gap. */
  readonly afterTai: number | undefined;
  readonly beforeTai: number | undefined;
}

/** Status of a source frame (reassembled user data of one APID). */
export type FrameStatus =
  /** Complete and, when compression is configured, decompressed and checked. */
  | 'ok'
  /** Complete, but decompression or a check failed: the raw frame is kept. */
  | 'failed'
  /** Segments missing (or cap reached, or the data ended first): raw segments kept, not decompressed. */
  | 'incomplete';

/** One source frame. */
export interface L0Frame {
  readonly apid: number;
  /** Index (in the processed stream's packet order) of the frame's first packet. */
  readonly firstPacket: number;
  /** Packets (segments) it was made from. */
  readonly segments: number;
  /** Indices of those packets in the processed stream's packet order. */
  readonly packetIndices: readonly number[];
  /** Time (TAI) of the first and last segment. */
  readonly startTai: number | undefined;
  readonly stopTai: number | undefined;
  readonly status: FrameStatus;
  /** Why it failed or is incomplete. */
  readonly reason?: string;
  /** Decompressed data when ok (with compression), else the reassembled raw user data. */
  readonly data: Uint8Array;
  /** Science-frame codec byte when decoded (0 none, 1 lz4, 2 zstd), else -1. */
  readonly codec: number;
  /** Science-frame id when the header could be read, else -1. */
  readonly frameId: number;
}

/** Segments that belong to no frame: a continuation or last segment without a first. */
export interface L0Orphan {
  readonly apid: number;
  readonly packet: number;
  readonly sequenceCount: number;
  readonly tai: number | undefined;
}

/** Counts of one processed stream (one route in one window). */
export interface L0Summary {
  /** Packets kept (after duplicates were removed). */
  readonly packets: number;
  readonly bytes: number;
  /** Identical packets removed. */
  readonly duplicates: number;
  readonly gaps: number;
  readonly missingPackets: number;
  /** Sequence counter restarts (reboot, mode change): not gaps, no packets missing (telemetry/checks/continuity.ts). */
  readonly resets: number;
  readonly crcErrors: number;
  readonly lengthErrors: number;
  readonly timeProblems: number;
  readonly pusHeaderErrors: number;
  readonly frames: number;
  readonly decompressionFailures: number;
  readonly incompleteFrames: number;
  readonly orphanSegments: number;
  /** Packets with any flag set. */
  readonly flaggedPackets: number;
}
