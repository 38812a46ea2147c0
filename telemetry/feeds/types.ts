/**
 * @module The feed contract (issue 3): what every feed yields and what ingest calls back. Shared with
 * the archive and the ingest runner; change only together with them.
 */
import type { FramingName } from '../framing/index.js';

/** One unit of delivery: a dropped file, one HTTP response, a DDS .DAT, a realtime connection's stream. */
export interface FeedUnit {
  /** Feed name from the config. */
  readonly feed: string;
  /** Where the bytes come from, for records and messages: a file path, a URL, `tcp://host:port`, `udp://…`. */
  readonly source: string;
  /** How to frame it (`auto` = detect from the head). */
  readonly framing: FramingName | 'auto';
  readonly prefixBytes?: number;
  /** The bytes, in chunks; may throw mid-way when a transfer drops (ingest keeps what it committed, retries the unit later). */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Each chunk is a datagram framed on its own (UDP): garbage in one never spills into the next. */
  readonly datagrams?: boolean;
  /** Live units: what arrived is committed at most this long after (ms), even when the link goes quiet. Default 1 000. */
  readonly commitIntervalMs?: number;
  /** Cursor value the feed resumes from once this unit is fully committed (opaque string; stored by ARCHIVE in the same transaction as the unit's last packets). undefined for realtime units. */
  readonly cursorAfter: string | undefined;
  /** After the unit's packets and cursor are committed: e.g. move the file to done/, delete the .DAT. */
  complete(): Promise<void>;
  /** The unit could not be read at all (not a packet file): e.g. move to rejected/ with a .reason file. */
  reject(reason: string): Promise<void>;
}

export interface Feed {
  readonly name: string;
  readonly kind: 'dds-exchange' | 'http' | 'drop-folder' | 'tcp' | 'udp';
  /** Units available now after `cursor` (one-shot mode: finite; the daemon calls again with backoff). */
  pull(cursor: string | undefined, signal: AbortSignal): AsyncIterable<FeedUnit>;
  /** Realtime feeds: a never-ending stream of units (reconnecting with backoff) until the signal aborts. */
  readonly realtime: boolean;
  /** Units waiting (files in a drop folder, DDS windows due), when the feed can tell; for status reports. */
  backlog?(): Promise<number | undefined>;
  /** Datagrams the kernel dropped on this feed's socket since it was bound (UDP, Linux /proc/net/udp), when known. */
  kernelDrops?(): Promise<number | undefined>;
}
