/**
 * @module The SQLite archive's per-packet input (storeBatch); the shapes its read side returns are the port's
 * (src/archive/types.ts), re-exported here.
 */
import type { PacketView as FramedPacket } from '../ccsds/packet-view.js';

/** One packet to store, with where it came from and where it is routed. */
export interface StoredPacketInput {
  readonly packet: FramedPacket;
  /**
   * The packet's time on the mission's chosen axis (src/time/packet-times.ts), TAI seconds since 1958; undefined:
   * none known (its ground time is used).
   */
  readonly tai: number | undefined;
  /** On-board time as decoded (TAI with the profile's epoch); default `tai`. */
  readonly obt?: number | undefined;
  /** src/time TimeStatus; default synchronised when `tai` is given, no on-board time otherwise. */
  readonly timeStatus?: number;
  /** Route name (`quarantine` for unknown APIDs). */
  readonly route: string;
  /** Feed name. */
  readonly feed: string;
  /** File path or URL the packet was read from (its offset is `packet.streamOffset`). */
  readonly source: string;
  /** Ground receipt time, Unix milliseconds. */
  readonly receivedUnixMs: number;
}

export type { ApidSummary, ArchiveSummary, PacketQuery, PacketRow, StoreResult } from '../archive/types.js';
