/**
 * @module The archive port (issue 15): contracts only. Implementations: src/store (SQLite + segment files).
 */
export type {
  ArchiveReader, ArchiveWriter, ArchiveSummary, ApidSummary, FeedCursor, PacketQuery, PacketRow, ProductQuery,
  ProductRecord, ProductRegistry, RowColumns, ScanQuery, StoreResult,
} from './port.js';
