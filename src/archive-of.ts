/**
 * @module The archive and service store a command opens, by the config's `archive.kind` (issue 19): the embedded
 * SQLite store (`index.sqlite` and `service.sqlite` in the archive directory) or PostgreSQL (schema
 * `archive.schema`, connection string from the environment only, never printed; packet segment files and service
 * job results in the archive directory, a file system every host shares). Both behind the same ports.
 */
import type { MissionConfig } from './config/index.js';
import type { ArchiveReader } from './archive/port.js';
import type { ServiceStore } from './archive/service-port.js';
import type { SegmentFixityReport } from './store/index.js';
import { archiveKind } from './store/config.js';

/** Where the configured archive is, for messages (a directory, or `postgres://host:port/db#schema` without credentials). */
export async function configuredArchiveName(config: MissionConfig, dir: string): Promise<string> {
  const { kind, schema } = archiveKind(config);
  if (kind === 'sqlite') return dir;
  const pg = await import('./postgres/index.js');
  return pg.pgName(pg.pgTarget(schema));
}

/** Open the configured archive for reading. @throws InputError (one line) when it cannot be opened. */
export async function openConfiguredReader(config: MissionConfig, dir: string): Promise<ArchiveReader> {
  const { kind, schema } = archiveKind(config);
  if (kind === 'sqlite') return (await import('./store/index.js')).openSqliteArchiveReader(dir);
  return (await import('./postgres/index.js')).openPgArchiveReader({ dir, schema });
}

/** Open the configured service store (users, tokens, grants, audit, jobs). @throws InputError when it cannot be opened. */
export async function openConfiguredServiceStore(config: MissionConfig, dir: string): Promise<ServiceStore> {
  const { kind, schema } = archiveKind(config);
  if (kind === 'sqlite') return (await import('./store/service-store.js')).openServiceStore(dir);
  return (await import('./postgres/index.js')).openPgServiceStore({ schema });
}

/** Fixity of the configured archive's segment files (`idoc archive verify`). @throws InputError when it cannot be opened. */
export async function verifyConfiguredSegments(config: MissionConfig, dir: string): Promise<SegmentFixityReport> {
  const { kind, schema } = archiveKind(config);
  if (kind === 'sqlite') {
    const store = await import('./store/index.js');
    // The same checks a reader does before trusting the index (schema, an archive being created).
    store.openArchive(dir, { readonly: true }).close();
    return store.verifySegments(dir);
  }
  const pg = await import('./postgres/index.js');
  const target = pg.pgTarget(schema);
  // Opening a reader checks reachability and the schema version, in one line naming the archive.
  await (await pg.openPgArchiveReader({ dir, target })).close();
  const sql = pg.pgConnect(target, 1);
  try {
    return await pg.verifyPgSegments(sql, dir);
  } finally {
    await sql.end({ timeout: 2 });
  }
}
