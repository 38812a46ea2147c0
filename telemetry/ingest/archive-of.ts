/**
 * @module The archive writer an ingest (or a bus consumer) stores into, by `archive.kind`, always through the
 * archive port (src/archive/port.ts `ArchiveWriter`): the embedded SQLite store (src/store/sqlite-archive.ts,
 * batches committed on the writer's own thread) or PostgreSQL (src/postgres; segment files under the archive
 * directory, a file system every host shares). Another implementation of the port plugs in here.
 */
import type { ArchiveWriter } from '../../src/archive/port.js';
import type { Mission } from '../../src/config/mission.js';
import { archiveKind, openSqliteArchiveWriter, type ArchiveOptions } from '../../src/store/index.js';
import { openPgArchiveWriter } from '../../src/postgres/index.js';
import type { TimeSettings } from '../../src/time/packet-times.js';
import type { IngestArchive } from './types.js';

/** What an ingest stores into: the port's writer, or the bus publisher of `--publish` (telemetry/bus). */
export type IngestWriter = IngestArchive & Pick<ArchiveWriter, 'name' | 'close'>;

/** Open the configured archive for writing. @throws InputError when it cannot be opened (one line). */
export async function openConfiguredWriter(mission: Mission, dir: string, options: ArchiveOptions, time: TimeSettings, epochTai: number): Promise<ArchiveWriter> {
  const { kind, schema } = archiveKind(mission.config);
  if (kind === 'sqlite') return openSqliteArchiveWriter(dir, { ...options, time, epochTai });
  return openPgArchiveWriter({ dir, schema, time, ...(options.segmentBytes !== undefined ? { segmentBytes: options.segmentBytes } : {}), ...(options.fsync !== undefined ? { fsync: options.fsync } : {}), ...(options.arrivalIndex ? { arrivalIndex: true } : {}) });
}
