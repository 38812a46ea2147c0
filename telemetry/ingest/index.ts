/**
 * @module Ingest: feeds → framing → routing → archive, once (cron) or as a daemon. Public door of telemetry/ingest.
 */
export { ingestUnit, ArchiveWriteError, type UnitContext, type UnitResult } from './ingest-unit.js';
export { ingestOnce, dataProblems, type OnceResult } from './run-once.js';
export { runWatch, type WatchOptions, type WatchStatus } from './watch.js';
export { frameChunks, type FramedUnit } from './frame-unit.js';
export { takeLock, type Lock } from './lock.js';
export { jsonLineLogger, silentLogger, levelOf, type Logger, type LogLevel } from './log.js';
export { statusFileOf, readStatus, formatSummary, formatStatus, writeStatusFile } from './status.js';
export { renderMetrics, startMetricsServer, LatencyHistogram, LATENCY_BUCKETS, type MetricsSnapshot, type MetricsServer } from './metrics.js';
export { newFeedStats, type FeedStats, type IngestArchive, type IngestRouter } from './types.js';
