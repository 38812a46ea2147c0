/**
 * @module The contract of every framing: a byte stream in chunks → batches of packet views and skip records.
 * A packet view points into a buffer owned by the splitter; it stays valid until the next push.
 */
import type { PacketView } from '../../src/ccsds/packet-view.js';
import type { CrcTable } from '../../src/ccsds/crc-policy.js';

/** One CCSDS packet found in the stream: the packet view of src/ccsds (the one packet type). */
export type FramedPacket = PacketView;
export { acquiredMs, groundKindOf, type GroundKind } from '../../src/ccsds/packet-view.js';

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
