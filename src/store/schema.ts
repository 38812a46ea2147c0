/**
 * @module The archive index's SQL schema and its migrations. `schema_version` holds one row per applied
 * migration; opening an archive applies the missing ones in order, each in its own transaction, and refuses an
 * archive written by a newer idoc.
 *
 * The packet table is `WITHOUT ROWID` with the dedupe key as its primary key, so the key is the only B-tree a
 * store writes to, and it is also the order every query wants (APID, packet time, count):
 * - `tkey`: packet time, TAI seconds since 1958, or -1 when the packet has none (profile `none`, TC, short packet);
 * - `digest`: {@link packetDigest} of the packet's octets.
 * `n` is the arrival number (global, increasing): the order of packets without a packet time.
 * `meta` packs small fields: bits 0-1 sequence flags, 2-3 CRC (0 none, 1 ok, 2 bad), 4 packet type,
 * 5 secondary header flag, 6-7 DDS time quality + 1 (0 = no DDS header).
 * `raw` is where the octets are: segment id × 2^32 + offset in that segment file.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'packets, sources, routes, segments, cursors, per-APID counters',
    sql: `
      CREATE TABLE packets (
        apid INTEGER NOT NULL, tkey REAL NOT NULL, seq INTEGER NOT NULL, digest INTEGER NOT NULL,
        n INTEGER NOT NULL, meta INTEGER NOT NULL, received REAL NOT NULL,
        dds_time REAL, station INTEGER, vc INTEGER,
        route INTEGER NOT NULL, source INTEGER NOT NULL, soff INTEGER NOT NULL, raw INTEGER NOT NULL, len INTEGER NOT NULL,
        PRIMARY KEY (apid, tkey, seq, digest)
      ) WITHOUT ROWID;
      CREATE TABLE sources (id INTEGER PRIMARY KEY, feed TEXT NOT NULL, source TEXT NOT NULL, UNIQUE (feed, source));
      CREATE TABLE routes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE segments (id INTEGER PRIMARY KEY, file TEXT NOT NULL, length INTEGER NOT NULL);
      CREATE TABLE cursors (feed TEXT PRIMARY KEY, value TEXT NOT NULL, updated_ms REAL NOT NULL);
      CREATE TABLE apid_stats (apid INTEGER PRIMARY KEY, duplicates INTEGER NOT NULL, last_ingest_ms REAL NOT NULL);
      CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT INTO counters (name, value) VALUES ('arrival', 0);
    `,
  },
];

/** The schema version this idoc writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The version of an opened index (0 = empty database). */
export function schemaVersionOf(db: Database.Database): number {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!has) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Bring the index up to {@link SCHEMA_VERSION}. Returns the version found before.
 * @throws Error when the index is newer than this idoc (the caller names the archive).
 */
export function migrate(db: Database.Database, nowMs = Date.now()): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_utc TEXT NOT NULL)');
  const found = schemaVersionOf(db);
  if (found > SCHEMA_VERSION) throw new Error(`archive schema version ${found} is newer than this idoc understands (${SCHEMA_VERSION})`);
  for (const m of MIGRATIONS) {
    if (m.version <= found) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, description, applied_utc) VALUES (?, ?, ?)').run(m.version, m.description, new Date(nowMs).toISOString());
    })();
  }
  return found;
}
