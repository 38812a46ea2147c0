/**
 * @module The PostgreSQL archive (issue 19): the archive port (src/archive/port.ts) over a PostgreSQL schema per
 * mission (packet index partitioned by APID and time, cursors, products) and segment files on a shared file
 * system. Public door of src/postgres.
 */
export { pgTarget, pgName, pgConnect, DEFAULT_PG_SCHEMA, type PgTarget, type Sql } from './connection.js';
export { migratePg, pgSchemaVersion, PG_MIGRATIONS, PG_SCHEMA_VERSION, TIME_SPAN, type MigrateResult, type PgMigration } from './schema.js';
export { openPgArchiveWriter, PgArchiveWriter, type PgArchiveOptions } from './writer.js';
export { openPgArchiveReader, PgArchiveReader, type PgReaderOptions } from './reader.js';
export { verifyPgSegments } from './fixity.js';
export { openPgServiceStore } from './service-store.js';
