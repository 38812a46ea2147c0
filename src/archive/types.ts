/**
 * @module The shapes the archive port (port.ts) speaks: rows, queries, summaries, what a stored batch did. Every
 * implementation returns these (src/store: SQLite + segment files).
 */
import type { Tai } from '../time/tai.js';

/** What one stored batch did. */
export interface StoreResult {
  /** New packets stored. */
  readonly stored: number;
  /** Packets already in the archive (or earlier in the batch): counted, not stored again. */
  readonly duplicates: number;
  /** Of `stored`: identical to a stored packet but received further apart than the duplicate window (repeats). */
  readonly repeats: number;
  /**
   * Per APID, only for APIDs that had a duplicate or a repeat in the batch (absent when none did): triples
   * (APID, duplicates, repeats) laid end to end. Ingest counts them per feed and APID for `/metrics`.
   */
  readonly perApid?: Int32Array;
}

/** One packet as the index knows it. */
export interface PacketRow {
  readonly apid: number;
  /**
   * The packet's time on the mission's chosen axis (src/time/packet-times.ts), TAI: UTC from on-board time where
   * synchronised, else the ground time. Always known for rows of schema version 2.
   */
  readonly tai: Tai | undefined;
  /** On-board time as decoded (TAI with the profile's epoch, before correlation); undefined without one. */
  readonly obt: number | undefined;
  /** Ground time, Unix ms: the DDS header's time, else the capture record's timestamp, else the receipt time. */
  readonly groundUnixMs: number;
  /** Where {@link groundUnixMs} comes from. */
  readonly groundKind: 'dds' | 'pcap' | 'receipt';
  /** src/time TimeStatus: 0 when `tai` is UTC from on-board time, else why the ground time is used. */
  readonly timeStatus: number;
  /** A repeat: identical octets were stored before, received further apart than the duplicate window. */
  readonly repeat: boolean;
  readonly sequenceCount: number;
  readonly sequenceFlags: number;
  readonly type: 0 | 1;
  readonly crc: 'none' | 'ok' | 'bad';
  /** Ground receipt time (of its batch), Unix ms. */
  readonly receivedUnixMs: number;
  /** DDS header fields when the packet came behind one. */
  readonly dds: { readonly unixMs: number; readonly groundStation: number; readonly virtualChannel: number; readonly timeQuality: number } | undefined;
  readonly route: string;
  readonly feed: string;
  readonly source: string;
  /** Offset of the packet in its source. */
  readonly sourceOffset: number;
  readonly length: number;
  /** Arrival order (archive-wide, increasing; the octets' position, which grows in storage order). */
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
  readonly firstTai: Tai | undefined;
  readonly lastTai: Tai | undefined;
  readonly duplicates: number;
  /** Stored packets identical to an earlier one but received further apart than the duplicate window. */
  readonly repeats: number;
  /** Packets timed by ground time (on-board time missing, not covered, implausible or flagged). */
  readonly unsynchronised: number;
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
  readonly repeats: number;
  readonly crcErrors: number;
  readonly apids: readonly ApidSummary[];
  readonly cursors: readonly { readonly feed: string; readonly value: string; readonly updatedUnixMs: number }[];
}

/** Which packets a query returns. */
export interface PacketQuery {
  /** APID predicate ranges (inclusive); all when absent. */
  readonly apids?: readonly (readonly [number, number])[];
  /** Time window on the mission's chosen axis, TAI, inclusive start, exclusive end. */
  readonly fromTai?: Tai;
  readonly toTai?: Tai;
  /** Only this route. */
  readonly route?: string;
  /**
   * Only rows stored after this arrival ({@link PacketRow.arrival} greater than it): what a follower (decoding
   * during ingest) has not seen yet. Found through an index on the arrival order: the cost grows with the rows
   * stored since, not with the archive. The order stays the time order above.
   */
  readonly afterArrival?: number;
}
