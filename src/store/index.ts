/**
 * @module The embedded archive (issue 3): SQLite index + raw segment files, exactly-once batches with feed
 * cursors, status and queries, behind the archive port (src/archive) through sqlite-archive.ts. Public door of
 * src/store.
 */
export { QUARANTINE_ROUTE } from '../config/routes.js';
export { openArchive, INDEX_FILE, type Archive, type ArchiveOptions } from './archive.js';
export type { ApidSummary, ArchiveSummary, PacketQuery, PacketRow, StoredPacketInput, StoreResult } from './types.js';
export { packetDigest } from '../archive/digest.js';
export { SCHEMA_VERSION, MIGRATIONS, type Migration } from './schema.js';
export { DEFAULT_SEGMENT_BYTES } from './segments.js';
export { verifySegments, type FixityProblem, type SegmentFixityReport } from './fixity.js';
export { archiveKind, archiveSettings, DEFAULT_ARCHIVE_DIR } from './config.js';
export { checkedSection, configRelative } from '../config/section.js';
export { openArchiveWriter, warmUpArchiveWriter, type ArchiveWriter, type WriterOptions } from './writer.js';
export { PackedBatchBuilder, packItems, I, INTS, R, REALS, type PackedBatch } from '../archive/packed-batch.js';
// The archive port (src/archive/port.ts) over this store:
export { openSqliteArchiveReader, openSqliteArchiveWriter, type SqliteReaderOptions } from './sqlite-archive.js';
export { ArchiveScan, releaseReadBuffers } from './scan.js';
export { SqliteProducts, ensureProductsTable } from './products.js';
