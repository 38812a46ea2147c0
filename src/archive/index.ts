/**
 * @module The archive port (issue 15): the contract every archive implements (port.ts), the shapes it speaks
 * (types.ts) and the packed batch ingest hands to a writer (packed-batch.ts). Implementations: src/store (SQLite
 * + segment files, `idoc/archive/sqlite`). The shared contract suite is contract.ts (vitest).
 */
export type {
  ArchiveReader, ArchiveWriter, ArchiveSummary, ApidSummary, FeedCursor, PacketQuery, PacketRow, ProductQuery,
  OctetRefs, ProductRecord, ProductRegistry, RowColumns, ScanQuery, StoreResult,
} from './port.js';
export { PackedBatchBuilder, packItems, CAPTURE_TIME_BIT, I, INTS, R, REALS, metaOf, type PackedBatch } from './packed-batch.js';
export { packetDigest } from './digest.js';
export { checkProductRecord, PRODUCT_LEVELS } from './product-record.js';
