/**
 * @module The archive writer an ingest (or a bus consumer) stores into, by `archive.kind`: the embedded SQLite
 * store (its writer thread, src/store) or PostgreSQL (src/postgres; segment files under the archive directory,
 * a file system every host shares). Both as {@link IngestWriter}: ingest asks a feed's cursor synchronously, so
 * the PostgreSQL writer's cursors are read once at open and kept as each batch commits.
 */
import type { Mission } from '../../src/config/mission.js';
import { archiveKind, openArchiveWriter, type ArchiveOptions } from '../../src/store/index.js';
import { openPgArchiveWriter } from '../../src/postgres/index.js';
import type { TimeSettings } from '../../src/time/packet-times.js';
import type { IngestArchive } from './types.js';

export type IngestWriter = IngestArchive & { readonly name: string; close(): Promise<void> };

/** Open the configured archive for writing. @throws InputError when it cannot be opened (one line). */
export async function openConfiguredWriter(mission: Mission, dir: string, options: ArchiveOptions, time: TimeSettings, epochTai: number): Promise<IngestWriter> {
  const { kind, schema } = archiveKind(mission.config);
  if (kind === 'sqlite') {
    const w = await openArchiveWriter(dir, { ...options, time, epochTai });
    return Object.assign(w, { name: dir });
  }
  const w = await openPgArchiveWriter({ dir, schema, time, ...(options.segmentBytes !== undefined ? { segmentBytes: options.segmentBytes } : {}), ...(options.fsync !== undefined ? { fsync: options.fsync } : {}) });
  const cursors = new Map(await w.cursors());
  return {
    name: w.name,
    batch: () => w.batch(),
    store: async (b, cursor) => {
      const r = await w.store(b, cursor);
      if (cursor) cursors.set(cursor.feed, cursor.value);
      return r;
    },
    cursor: (feed) => cursors.get(feed),
    close: () => w.close(),
  };
}
