/**
 * @module Ingest: feeds → framing → routing → archive, once (cron) or as a daemon. Public door of telemetry/ingest.
 */
export { ingestUnit, ArchiveWriteError, type UnitContext, type UnitResult } from './ingest-unit.js';
export { ingestOnce, dataProblems, type OnceResult } from './run-once.js';
export { runWatch, type WatchOptions, type WatchStatus } from './watch.js';
export { frameChunks, type FramedUnit } from './frame-unit.js';
export { takeLock, type Lock } from './lock.js';
export { jsonLineLogger, silentLogger, type Logger } from './log.js';
export { statusFileOf, readStatus, formatSummary, formatStatus } from './status.js';
export { newFeedStats, type FeedStats, type IngestArchive, type IngestRouter } from './types.js';
