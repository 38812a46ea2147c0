/**
 * @module The archive port (issue 15): the async contract every archive implementation honours (the embedded
 * SQLite + segment files store in src/store today; PostgreSQL + shared files later, issue 19). Every reader (L0,
 * gaps, queries, the feed server, the Co-I service) goes through an {@link ArchiveReader}; ingest writes through an
 * {@link ArchiveWriter}. Access control is one wrapper around a reader. Refs to packet octets are opaque: only the
 * implementation that produced a row can turn it into octets.
 *
 * A shared contract suite (`./contract.ts`) runs against every implementation.
 */
import type { ArchiveSummary, PacketQuery, PacketRow, StoreResult } from './types.js';
import type { PackedBatchBuilder } from './packed-batch.js';
import type { Tai, UtcUnixMs } from '../time/tai.js';

export type { ArchiveSummary, ApidSummary, PacketQuery, PacketRow, StoreResult } from './types.js';

/** A feed's resumption point, saved in the same transaction as the batch it covers. */
export interface FeedCursor { readonly feed: string; readonly value: string }

/** Ingest's side: packed batches stored exactly once, each with its feed cursor in the same transaction. */
export interface ArchiveWriter {
  /** Where it is (a directory, a connection name without credentials): for messages. */
  readonly name: string;
  /** A fresh batch to fill (columnar, octets packed end to end). */
  batch(): PackedBatchBuilder;
  /**
   * Store a batch in one transaction, deduplicated; the cursor, when given, is saved in the same transaction.
   * @throws InputError when the store is full or fails (neither the batch nor the cursor is then stored).
   */
  store(batch: PackedBatchBuilder, cursor?: FeedCursor): Promise<StoreResult>;
  /** The cursor last saved for a feed. */
  cursor(feed: string): Promise<string | undefined>;
  /** Wait for what is in flight, then close. */
  close(): Promise<void>;
}

/**
 * Rows of a scan, as columns (index i = row i): APID by APID in the order asked, each in (time, sequence count)
 * order. An implementation may reuse the arrays: they are valid until the next {@link ArchiveReader.scan} on the
 * same reader.
 */
export interface RowColumns {
  readonly count: number;
  readonly apid: Uint16Array;
  /** Time on the chosen axis, TAI seconds since 1958; NaN without one. */
  readonly tai: Float64Array;
  readonly seq: Uint16Array;
  /** Bits 0-1 sequence flags, 2-3 CRC (0 none, 1 ok, 2 bad), 8-10 time status (src/time TimeStatus). */
  readonly meta: Uint16Array;
  /** Arrival order (archive-wide, increasing). */
  readonly arrival: Float64Array;
  /** Ground time, Unix ms. */
  readonly received: Float64Array;
  /** Index into {@link ArchiveReader.sources}. */
  readonly source: Int32Array;
  /** Opaque ref to the octets (meaningful only to the implementation that returned it). */
  readonly raw: Float64Array;
  readonly length: Uint32Array;
  /** DDS station << 16 | virtual channel (0 without a DDS header). */
  readonly dds: Uint32Array;
}

/** What {@link ArchiveReader.scan} selects: one or more APIDs over a window on the chosen axis. */
export interface ScanQuery {
  readonly apids: readonly number[];
  /** Time on the chosen axis, inclusive. */
  readonly fromTai: Tai;
  /** Time on the chosen axis, exclusive. */
  readonly toTai: Tai;
}

/** A product as the registry holds it (L0, L1, geometry, ancillary). */
export interface ProductRecord {
  /** PDS4 logical identifier with version (`urn:…::1.0`). */
  readonly lidvid: string;
  readonly productId: string;
  readonly version: number;
  readonly level: 'L0' | 'L1' | 'geometry' | 'ancillary';
  /** The route (instrument stream) the product belongs to; access is granted per route. */
  readonly route: string;
  readonly instrument?: string;
  readonly apids: readonly number[];
  /** UTC ISO-8601 with Z. */
  readonly start: string;
  readonly stop: string;
  /** The label, relative to the products root. */
  readonly label: string;
  /** Every file of the product, relative to the products root, with size and SHA-256. */
  readonly files: readonly { readonly path: string; readonly bytes: number; readonly sha256: string }[];
  /** Quality counts (packets, gaps, crcErrors, duplicates, resets, unsynchronised, …). */
  readonly quality: Readonly<Record<string, number>>;
  readonly target?: string;
  readonly orbit?: number;
  /** RFC 7946 geometry (ground track / footprint) when the product has geometry beside it. */
  readonly footprint?: unknown;
  /** When it was registered, Unix ms. */
  readonly registeredUnixMs: number;
}

/** A product search (every field optional; all given fields must match). Results in (route, start, lidvid) order. */
export interface ProductQuery {
  readonly routes?: readonly string[];
  readonly levels?: readonly ProductRecord['level'][];
  /** Overlapping [from, to), UTC ISO-8601. */
  readonly from?: string;
  readonly to?: string;
  /** Only the highest version of each productId. */
  readonly latestOnly?: boolean;
}

/** The products registry: what was built, where, with what quality. */
export interface ProductRegistry {
  /** Add or replace (same lidvid) a product record; durable when the promise resolves. */
  register(p: ProductRecord): Promise<void>;
  get(lidvid: string): Promise<ProductRecord | undefined>;
  list(q?: ProductQuery): Promise<ProductRecord[]>;
}

/**
 * Where octets are: the opaque refs and lengths of rows (a {@link RowColumns} is one; so is a pair of arrays a
 * caller kept from earlier rows' `raw` and `length`). {@link ArchiveReader.scanBytes} reads nothing else.
 */
export type OctetRefs = Pick<RowColumns, 'count' | 'raw' | 'length'>;

/** Everyone else's side: queries, columnar scans, octets, summaries, products. */
export interface ArchiveReader {
  /** Where it is (a directory, a connection name without credentials): for messages. */
  readonly name: string;
  /** The APIDs present, ascending. */
  apids(): Promise<number[]>;
  /**
   * Rows as objects, in batches (queries, gaps, the feed server, the service): in time order on the chosen axis
   * across APIDs (ties: ascending APID, then sequence count), within the query's window.
   */
  rows(q?: PacketQuery): AsyncIterable<readonly PacketRow[]>;
  /** Rows as columns (L0 building): no object per row. See {@link RowColumns} for the order and lifetime. */
  scan(q: ScanQuery): Promise<RowColumns>;
  /**
   * Optional: true when `scan` and `scanOctets` run elsewhere (another thread) and `scan` never reuses the arrays it
   * returned: a caller may then ask for the next scan or octets before it is done with the last ones (read-ahead).
   */
  readonly scanAhead?: boolean;
  /** First time ≥ fromTai of an APID (window planning), undefined when none. */
  firstTime(apid: number, fromTai: Tai): Promise<Tai | undefined>;
  /** The sources (file path or URL) the `source` column of {@link RowColumns} indexes. */
  sources(): Promise<ReadonlyMap<number, string>>;
  /**
   * The octets of rows, in the order given: views into large reads.
   * @throws Error naming the place when octets the index references are missing.
   */
  bytes(rows: readonly PacketRow[]): Promise<Uint8Array[]>;
  /**
   * The octets of scanned rows `order[k]` (k = 0…; all rows in order when absent) as views into a few large reads.
   * Views stay valid until the reader is closed, unless {@link recycle} is used.
   */
  scanBytes(cols: OctetRefs, order?: Int32Array): Promise<Uint8Array[]>;
  /**
   * Optional (a reader without it is served by {@link scanBytes}): the octets of scanned rows `order[k]` (k = 0…;
   * all rows in order when absent) copied end to end into `into` from 0, which must hold their total length:
   * no object per row (L0 building of windows of many small packets).
   * @throws Error naming the place when octets the index references are missing.
   */
  scanOctets?(cols: OctetRefs, into: Uint8Array, order?: Int32Array): Promise<void>;
  /**
   * Optional speed hint for long scans: from now on reuse read buffers, `sets` sets in turn, moving to the next
   * set at each call: a view returned by {@link scanBytes} is then valid only until `sets` more calls.
   */
  recycle?(sets: number): void;
  /** Per-APID totals and cursors. */
  status(): Promise<ArchiveSummary>;
  /** When a batch last stored packets (the newest of the per-APID last ingest times), undefined when never. */
  lastIngest(): Promise<UtcUnixMs | undefined>;
  /** Every feed's saved cursor. */
  cursors(): Promise<ReadonlyMap<string, string>>;
  readonly products: ProductRegistry;
  /** Release everything; any later call rejects. */
  close(): Promise<void>;
}
