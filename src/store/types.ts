/**
 * @module The archive's contract with ingest (issue 3 ingest contract) and the shapes its read side returns.
 */
import type { FramedPacket } from '../../telemetry/framing/index.js';

/** One packet to store, with where it came from and where it is routed. */
export interface StoredPacketInput {
  readonly packet: FramedPacket;
  /** Packet time, TAI seconds since 1958, when the packet carries one. */
  readonly tai: number | undefined;
  /** Route name (`quarantine` for unknown APIDs). */
  readonly route: string;
  /** Feed name. */
  readonly feed: string;
  /** File path or URL the packet was read from (its offset is `packet.streamOffset`). */
  readonly source: string;
  /** Ground receipt time, Unix milliseconds. */
  readonly receivedUnixMs: number;
}

/** What one stored batch did. */
export interface StoreResult {
  /** New packets stored. */
  readonly stored: number;
  /** Packets already in the archive (or earlier in the batch): counted, not stored again. */
  readonly duplicates: number;
}

/** One packet as the index knows it. */
export interface PacketRow {
  readonly apid: number;
  /** Packet time, TAI; undefined when the packet has none. */
  readonly tai: number | undefined;
  readonly sequenceCount: number;
  readonly sequenceFlags: number;
  readonly type: 0 | 1;
  readonly crc: 'none' | 'ok' | 'bad';
  /** Ground receipt time, Unix ms. */
  readonly receivedUnixMs: number;
  /** DDS header fields when the packet came behind one. */
  readonly dds: { readonly unixMs: number; readonly groundStation: number; readonly virtualChannel: number; readonly timeQuality: number } | undefined;
  readonly route: string;
  readonly feed: string;
  readonly source: string;
  /** Offset of the packet in its source. */
  readonly sourceOffset: number;
  readonly length: number;
  /** Arrival number (archive-wide, increasing). */
  readonly arrival: number;
  /** Position of the octets (segment × 2^32 + offset). */
  readonly raw: number;
}

/** Per-APID totals of `archive status` (gaps are added by telemetry/gaps). */
export interface ApidSummary {
  readonly apid: number;
  readonly packets: number;
  readonly bytes: number;
  /** Packets without a packet time. */
  readonly untimed: number;
  readonly firstTai: number | undefined;
  readonly lastTai: number | undefined;
  readonly duplicates: number;
  readonly crcErrors: number;
  /** Last time a batch held packets of this APID (Unix ms). */
  readonly lastIngestUnixMs: number | undefined;
  readonly routes: readonly string[];
}

export interface ArchiveSummary {
  readonly dir: string;
  readonly schemaVersion: number;
  readonly packets: number;
  readonly bytes: number;
  readonly duplicates: number;
  readonly crcErrors: number;
  readonly apids: readonly ApidSummary[];
  readonly cursors: readonly { readonly feed: string; readonly value: string; readonly updatedUnixMs: number }[];
}

/** Which packets a query returns. */
export interface PacketQuery {
  /** APID predicate ranges (inclusive); all when absent. */
  readonly apids?: readonly (readonly [number, number])[];
  /** Packet time window, TAI, inclusive start, exclusive end; untimed packets are left out when either is set. */
  readonly fromTai?: number;
  readonly toTai?: number;
  /** Only this route. */
  readonly route?: string;
}
