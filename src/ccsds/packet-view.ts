/**
 * @module The one packet type (issue 15): a CCSDS space packet (CCSDS 133.0-B-2 §4.1) found in a stream, as a
 * view into a buffer plus its decoded primary-header numbers and where it came from. Every framing produces
 * it (telemetry/framing), the archive stores it (src/store), checks and products read it. A view points into a
 * buffer owned by whoever framed it: valid until that owner reuses the buffer (a splitter: the next push).
 */

/**
 * The DDS header in front of a packet delivered by ESA's Data Distribution System (reference formats.md §4.3):
 * 18 octets, big-endian `>IIIHHBB`.
 */
export interface DdsHeader {
  /** Time, seconds since 1970-01-01T00:00:00 UTC (SCET or ERT: not established, formats.md §4.3). */
  readonly seconds: number;
  /** Time, microseconds 0..999999. */
  readonly microseconds: number;
  /** Octets of the packet that follows (= CCSDS data length + 7). */
  readonly packetSize: number;
  /** Ground station ID (table in formats.md §4.3, e.g. 0x15 Kourou, 0x18 Cebreros). */
  readonly groundStation: number;
  /** Virtual channel ID. */
  readonly virtualChannel: number;
  /** SLE / service type byte: opaque, kept raw. */
  readonly sleService: number;
  /** Time quality: 0 good, 1 inaccurate, 2 bad. */
  readonly timeQuality: number;
}

/** One CCSDS packet found in a stream, as a view plus its decoded primary-header numbers. */
export interface PacketView {
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
export function acquiredMs(p: PacketView): number {
  const dds = p.dds;
  if (dds) return dds.seconds * 1000 + dds.microseconds / 1000;
  return p.captureUs / 1000;
}

/** Which ground time {@link acquiredMs} found. */
export const groundKindOf = (p: PacketView): GroundKind => (p.dds ? 'dds' : p.captureUs === p.captureUs ? 'pcap' : 'receipt');
