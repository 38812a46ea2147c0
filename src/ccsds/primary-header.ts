/**
 * @module CCSDS Space Packet primary header (CCSDS 133.0-B-2 §4.1.3): 6 octets, big-endian.
 *
 *   byte 0  0xE0 version (000) | 0x10 type (0 TM, 1 TC) | 0x08 secondary header flag | 0x07 APID high bits
 *   byte 1  APID low byte (APID: 11 bits, 0x7FF = idle packet, §4.1.3.3.4.4)
 *   byte 2  0xC0 sequence flags | 0x3F sequence count high bits (count: 14 bits, modulo 16384)
 *   byte 3  sequence count low byte
 *   byte 4-5 packet data length = octets in the data field - 1 (§4.1.3.5.3)
 */

/** Length of the primary header in octets. */
export const PRIMARY_HEADER_LENGTH = 6;
/** Smallest packet: header + one data octet (§4.1.4.1). */
export const MIN_PACKET_LENGTH = 7;
/** Largest packet: header + 65536 data octets. */
export const MAX_PACKET_LENGTH = 65542;
/** APID of idle packets (§4.1.3.3.4.4): all ones. */
export const IDLE_APID = 0x7ff;
/** Sequence counts run modulo 2^14 (§4.1.3.4.2.2). */
export const SEQUENCE_MODULO = 16384;

/** Packet type (§4.1.3.3.2). */
export const PacketType = { TM: 0, TC: 1 } as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** Sequence flags (§4.1.3.4.2.1). */
export const SequenceFlags = {
  /** 00: continuation segment of user data. */
  Continuation: 0,
  /** 01: first segment. */
  First: 1,
  /** 10: last segment. */
  Last: 2,
  /** 11: unsegmented user data. */
  Unsegmented: 3,
} as const;
export type SequenceFlags = (typeof SequenceFlags)[keyof typeof SequenceFlags];

export const SEQUENCE_FLAG_NAMES: readonly string[] = ['continuation', 'first', 'last', 'unsegmented'];

/** The decoded primary header. */
export interface PrimaryHeader {
  /** Packet version number, 3 bits; 0 for version-1 CCSDS packets. */
  readonly version: number;
  /** 0 telemetry (report), 1 telecommand (request). */
  readonly type: PacketType;
  /** Secondary header flag: true when a secondary (PUS data field) header follows. */
  readonly secondaryHeader: boolean;
  /** Application process identifier, 0..2047. */
  readonly apid: number;
  /** Sequence flags, see {@link SequenceFlags}. */
  readonly sequenceFlags: SequenceFlags;
  /** Packet sequence count (TM) or packet name (TC), 0..16383. */
  readonly sequenceCount: number;
  /** Packet data length field: data field octets - 1. */
  readonly dataLength: number;
}

/** Total packet length from the data length field. */
export const packetLengthOf = (dataLength: number): number => dataLength + 7;

/** Decode the header at `buf[offset]`; the caller ensures 6 bytes are there. */
export function decodePrimaryHeader(buf: Uint8Array, offset = 0): PrimaryHeader {
  const b0 = buf[offset]!;
  const b2 = buf[offset + 2]!;
  return {
    version: b0 >>> 5,
    type: ((b0 >>> 4) & 1) as PacketType,
    secondaryHeader: (b0 & 0x08) !== 0,
    apid: ((b0 & 0x07) << 8) | buf[offset + 1]!,
    sequenceFlags: (b2 >>> 6) as SequenceFlags,
    sequenceCount: ((b2 & 0x3f) << 8) | buf[offset + 3]!,
    dataLength: (buf[offset + 4]! << 8) | buf[offset + 5]!,
  };
}

/** Encode a header into `buf[offset..offset+6)`; throws RangeError on out-of-range fields (misuse). */
export function encodePrimaryHeader(h: PrimaryHeader, buf: Uint8Array = new Uint8Array(6), offset = 0): Uint8Array {
  check('version', h.version, 7);
  check('apid', h.apid, 0x7ff);
  check('sequenceFlags', h.sequenceFlags, 3);
  check('sequenceCount', h.sequenceCount, 0x3fff);
  check('dataLength', h.dataLength, 0xffff);
  buf[offset] = (h.version << 5) | (h.type << 4) | (h.secondaryHeader ? 0x08 : 0) | (h.apid >>> 8);
  buf[offset + 1] = h.apid & 0xff;
  buf[offset + 2] = (h.sequenceFlags << 6) | (h.sequenceCount >>> 8);
  buf[offset + 3] = h.sequenceCount & 0xff;
  buf[offset + 4] = h.dataLength >>> 8;
  buf[offset + 5] = h.dataLength & 0xff;
  return buf;
}

function check(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`primary header ${name} ${value} outside 0..${max}`);
  }
}

/** Hot-path accessors: read one field without building an object. */
export const apidAt = (buf: Uint8Array, o: number): number => ((buf[o]! & 0x07) << 8) | buf[o + 1]!;
export const sequenceCountAt = (buf: Uint8Array, o: number): number => ((buf[o + 2]! & 0x3f) << 8) | buf[o + 3]!;
export const sequenceFlagsAt = (buf: Uint8Array, o: number): SequenceFlags => (buf[o + 2]! >>> 6) as SequenceFlags;
export const packetLengthAt = (buf: Uint8Array, o: number): number => ((buf[o + 4]! << 8) | buf[o + 5]!) + 7;
export const packetTypeAt = (buf: Uint8Array, o: number): PacketType => ((buf[o]! >>> 4) & 1) as PacketType;

/**
 * Difference between two sequence counts modulo 2^14, in 0..16383: the number of steps from `prev` to
 * `next`. 1 means consecutive; 0 a repeat; anything else `diff - 1` missing packets (or a reorder).
 */
export const sequenceStep = (prev: number, next: number): number => (next - prev + SEQUENCE_MODULO) % SEQUENCE_MODULO;
