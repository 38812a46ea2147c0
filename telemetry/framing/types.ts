/**
 * @module The contract of every framing: a byte stream in chunks → batches of packet views and skip records.
 * A packet view points into a buffer owned by the splitter; it stays valid until the next push.
 */
import type { DdsHeader } from './dds/layout.js';
import type { CrcTable } from '../../src/ccsds/crc-policy.js';

/** One CCSDS packet found in the stream, as a view plus its decoded primary-header numbers. */
export interface FramedPacket {
  /** Buffer holding the packet: bytes [offset, offset + length). */
  readonly buf: Uint8Array;
  readonly offset: number;
  /** Packet length in octets (primary header data length + 7). */
  readonly length: number;
  /** Offset of the packet's first byte in the source (file offset; for captures, the capture file offset). */
  streamOffset: number;
  readonly apid: number;
  /** 0 TM, 1 TC. */
  readonly type: 0 | 1;
  readonly secondaryHeader: boolean;
  readonly sequenceFlags: number;
  readonly sequenceCount: number;
  /** CRC check of its APID's mode (packet or data field): `ok`, `bad`, or `none` when its APID carries no CRC. */
  readonly crc: 'ok' | 'bad' | 'none';
  /** The DDS header of the record when the framing is DDS, else undefined (always present: one object shape). */
  readonly dds: DdsHeader | undefined;
  /**
   * Capture timestamp (Unix µs) of the pcap/pcapng record holding the packet's first octet; NaN when the packet
   * did not come from a capture or its block has no timestamp (pcapng Simple Packet Block). Always present.
   */
  captureUs: number;
}

/** How a packet's ground time was found (issue 11): DDS header, capture timestamp, or neither (receipt time). */
export type GroundKind = 'dds' | 'pcap' | 'receipt';

/**
 * A packet's acquisition ground time, Unix ms: the DDS header's time (formats.md §4.3), else its capture record's
 * timestamp; NaN when it has neither (its ground time is then the receipt time).
 */
export function acquiredMs(p: FramedPacket): number {
  const dds = p.dds;
  if (dds) return dds.seconds * 1000 + dds.microseconds / 1000;
  return p.captureUs / 1000;
}

/** Which ground time {@link acquiredMs} found. */
export const groundKindOf = (p: FramedPacket): GroundKind => (p.dds ? 'dds' : p.captureUs === p.captureUs ? 'pcap' : 'receipt');

/** Why bytes were skipped. */
export type SkipReason =
  /** Bytes that are neither a packet nor zero fill. */
  | 'garbage'
  /** A run of zero bytes (tolerated padding between DDS records; a problem elsewhere). */
  | 'zero-fill'
  /**
   * The range starts with a plausible packet header that could not be confirmed (its PEC and its successor
   * fail): typically a length field that lies. Garbage that happens to start like a header is reported so too.
   */
  | 'bad-length'
  /** The stream ended inside a packet. */
  | 'truncated'
  /** Capture-level damage (pcap/pcapng records, TCP holes). */
  | 'capture';

/** A byte range of the source that yielded no packet. */
export interface Skip {
  /** Source offset of the first skipped byte. */
  readonly offset: number;
  readonly length: number;
  readonly reason: SkipReason;
  /** Extra words for a person (capture reasons). */
  readonly detail?: string;
}

/** What one push (or the end) produced. */
export interface Batch {
  readonly packets: FramedPacket[];
  readonly skips: Skip[];
  /** Idle packets (APID 0x7FF) seen: counted, not passed on (CCSDS 133.0-B-2 §4.1.3.3.4.4). */
  idle: number;
  idleBytes: number;
}

/** A streaming splitter: feed chunks of any size, get the same packets and skips whatever the chunking. */
export interface Splitter {
  /** Framing name: `raw`, `dds`, `prefix:N`, `pcap`, `pcapng`. */
  readonly framing: string;
  push(chunk: Uint8Array): Batch;
  /** End of stream: decide what is left (a truncated packet, trailing bytes). */
  end(): Batch;
  /** CRC modes of `auto` APIDs the splitter decided itself (absent from the head), in the order decided. */
  crcDecidedLate?(): readonly { apid: number; mode: string }[];
  /**
   * The source went quiet (a live link, no byte for a while; the stream goes on): decide what can be decided
   * without the bytes that have not come — a packet ending exactly at the last byte is taken, and while
   * resynchronising a candidate longer than what arrived is garbage (it would hold a trickle back forever).
   */
  quiet?(): Batch;
}

/** Options common to every framing. */
export interface SplitOptions {
  /**
   * CRC per APID (src/ccsds/crc-policy.ts: a {@link CrcTable}), or true for a PEC over the whole packet on every
   * APID: check it, and use it to confirm packets. Default false (none).
   */
  readonly crc?: boolean | CrcTable;
  /**
   * Declared APIDs (2048 entries, non-zero = declared). When set, resynchronisation after skipped bytes only
   * accepts a declared APID; packets that follow a good packet directly are accepted whatever their APID
   * (so unknown APIDs reach the quarantine instead of being skipped). Default: none (any APID).
   */
  readonly knownApids?: Uint8Array;
  /** Longest packet accepted, octets. Default 65542 (the CCSDS maximum). */
  readonly maxPacketLength?: number;
  /**
   * When a packet spans two chunks, how many octets of the new chunk are copied behind the carried tail to decide
   * it (the rest of the chunk is read in place; a decision needing more joins the rest). Default 65536.
   */
  readonly stitchBytes?: number;
  /**
   * Whether the stream starts in step (its first bytes begin a record). False when detection found the records
   * only further on (a damaged head): the head is then read as while resynchronising. Default true.
   */
  readonly startInSync?: boolean;
}

export const emptyBatch = (): Batch => ({ packets: [], skips: [], idle: 0, idleBytes: 0 });
