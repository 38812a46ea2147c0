/**
 * @module The archive port (issue 15): the async contract every archive implementation honours (the embedded
 * SQLite + segment files store in src/store today; PostgreSQL + shared files later, issue 19). Every reader (L0,
 * gaps, queries, the feed server, the Co-I service) goes through an {@link ArchiveReader}; ingest writes through an
 * {@link ArchiveWriter}. Access control is one wrapper around a reader. Refs to packet octets are opaque: only the
 * implementation that produced a row can turn it into octets.
 *
 * A shared contract suite (`./contract.ts`) runs against every implementation.
 */
import type { ArchiveSummary, PacketQuery, PacketRow, StoreResult } from '../store/types.js';
import type { PackedBatchBuilder } from '../store/packed-batch.js';

export type { ArchiveSummary, ApidSummary, PacketQuery, PacketRow, StoreResult } from '../store/types.js';

/** A feed's resumption point, saved in the same transaction as the batch it covers. */
export interface FeedCursor { readonly feed: string; readonly value: string }

/** Ingest's side: packed batches stored exactly once, each with its feed cursor in the same transaction. */
export interface ArchiveWriter {
  /** A fresh batch to fill (columnar, octets packed end to end). */
  batch(): PackedBatchBuilder;
  /**
   * Store a batch in one transaction, deduplicated; the cursor, when given, is saved in the same transaction.
   * @throws InputError when the store is full or fails (neither the batch nor the cursor is then stored).
   */
  store(batch: PackedBatchBuilder, cursor?: FeedCursor): Promise<StoreResult>;
  /** The cursor last saved for a feed. */
  cursor(feed: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Rows of a query, as columns (index i = row i, in (time, sequence count) order; untimed rows first). */
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
  /** TAI, inclusive. */
  readonly fromTai: number;
  /** TAI, exclusive. */
  readonly toTai: number;
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

/** A product search (every field optional; all given fields must match). */
export interface ProductQuery {
  readonly routes?: readonly string[];
  readonly levels?: readonly ProductRecord['level'][];
  /** Overlapping [from, to), UTC ISO-8601. */
  readonly from?: string;
  readonly to?: string;
  readonly latestOnly?: boolean;
}

/** The products registry: what was built, where, with what quality. */
export interface ProductRegistry {
  /** Add or replace (same lidvid) a product record. */
  register(p: ProductRecord): Promise<void>;
  get(lidvid: string): Promise<ProductRecord | undefined>;
  list(q?: ProductQuery): Promise<ProductRecord[]>;
}

/** Everyone else's side: queries, columnar scans, octets, summaries, products. */
export interface ArchiveReader {
  /** Where it is (a directory, a connection name without credentials): for messages. */
  readonly name: string;
  /** The APIDs present. */
  apids(): Promise<number[]>;
  /** Rows as objects, in batches (queries, gaps, the feed server, the service). */
  rows(q?: PacketQuery): AsyncIterable<readonly PacketRow[]>;
  /** Rows as columns (L0 building): no object per row. */
  scan(q: ScanQuery): Promise<RowColumns>;
  /** First time ≥ fromTai of an APID (window planning), undefined when none. */
  firstTime(apid: number, fromTai: number): Promise<number | undefined>;
  /** The sources (file path or URL) the `source` column indexes. */
  sources(): Promise<ReadonlyMap<number, string>>;
  /** The octets of rows, in the order given: views into large reads. */
  bytes(rows: readonly PacketRow[]): Promise<Uint8Array[]>;
  /** The octets of scanned rows i in [from, to) as views. */
  scanBytes(cols: RowColumns, from: number, to: number): Promise<Uint8Array[]>;
  /** Per-APID totals and cursors. */
  status(): Promise<ArchiveSummary>;
  /** Every feed's saved cursor. */
  cursors(): Promise<ReadonlyMap<string, string>>;
  readonly products: ProductRegistry;
  close(): Promise<void>;
}
