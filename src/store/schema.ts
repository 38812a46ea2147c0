/**
 * @module The archive index's SQL schema and its migrations. `schema_version` holds one row per applied
 * migration; opening an archive for writing applies the missing ones in order, each in its own transaction, and
 * refuses an archive written by a newer idoc; reading refuses any other version (archive.ts).
 *
 * Version 2 (issue 11: time axes, repeats). The packet table is `WITHOUT ROWID` with the key as its primary key,
 * so the key is the only B-tree a store writes to, and it is also the order every query wants (APID, time, count):
 * - `tkey`: the packet's time on the mission's chosen axis (src/time/packet-times.ts), TAI seconds since 1958:
 *   UTC from on-board time where synchronised, else the ground time (never -1 any more);
 * - `seq`: sequence count | repeat number << 14 (0 for the first reception, 1, 2, … for repeats: identical
 *   octets received further apart than the duplicate window);
 * - `digest`: {@link packetDigest} of the packet's octets.
 * `meta` packs small fields: bits 0-1 sequence flags, 2-3 CRC (0 none, 1 ok, 2 bad), 4 packet type,
 * 5 secondary header flag, 6-7 DDS time quality + 1 (0 = no DDS header), 8-10 time status (src/time TimeStatus),
 * 11 repeat (identical octets stored before), 12 the ground time is a capture timestamp (pcap/pcapng record).
 * `obt`: on-board time as decoded (TAI with the profile's epoch); NULL when it equals `tkey` (synchronised, no
 * correlation: most packets) or when there is none (time status 1). `ground`: the DDS header's time, else the
 * capture record's timestamp (meta bit 12), Unix ms; NULL without either, the ground time then being the receipt time of the row's batch (`receipts`: one row per
 * batch, keyed by the position of its first packet). `dds`: ground station << 16 | virtual channel, NULL without.
 * `origin`: route id × 2^24 + source id (one column for both: fewer values per row).
 * `raw` is where the octets are: segment id × 2^32 + offset in that segment file; it grows in storage order and
 * is the arrival order. Receipt times are kept per stored batch in `receipts` (raw of its first packet).
 * `loose` holds the packets timed by ground time (time status ≠ 0), keyed by (APID, count, digest): where their
 * copies are found, since their key's time differs from copy to copy.
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
  {
    version: 2,
    description: 'time axes (tkey on the chosen axis, obt, ground), repeats, receipts per batch (issue 11)',
    // Rows are re-timed by idoc_retime(apid, obt, ground, acquired) → chosen-axis time and idoc_status(same) → time
    // status: functions the opener registers with the mission's time settings (archive.ts).
    sql: `
      CREATE TABLE packets_v2 (
        apid INTEGER NOT NULL, tkey REAL NOT NULL, seq INTEGER NOT NULL, digest INTEGER NOT NULL,
        meta INTEGER NOT NULL, obt REAL, ground REAL, dds INTEGER,
        origin INTEGER NOT NULL, soff INTEGER NOT NULL, raw INTEGER NOT NULL, len INTEGER NOT NULL,
        PRIMARY KEY (apid, tkey, seq, digest)
      ) WITHOUT ROWID;
      INSERT INTO packets_v2 (apid, tkey, seq, digest, meta, obt, ground, dds, origin, soff, raw, len)
        SELECT apid, idoc_retime(apid, tkey, COALESCE(dds_time, received), dds_time IS NOT NULL), seq, digest,
          (meta & 255) | (idoc_status(apid, tkey, COALESCE(dds_time, received), dds_time IS NOT NULL) << 8), CASE WHEN tkey >= 0 THEN tkey END, dds_time,
          CASE WHEN dds_time IS NOT NULL THEN (station << 16) | vc END, route * 16777216 + source, soff, raw, len
        FROM packets ORDER BY raw;
      CREATE TABLE receipts (raw INTEGER PRIMARY KEY, received REAL NOT NULL);
      INSERT OR IGNORE INTO receipts (raw, received) SELECT MIN(raw), received FROM packets GROUP BY received;
      DROP TABLE packets;
      ALTER TABLE packets_v2 RENAME TO packets;
      CREATE TABLE loose (
        apid INTEGER NOT NULL, seq INTEGER NOT NULL, digest INTEGER NOT NULL, ground REAL NOT NULL, source INTEGER NOT NULL, soff INTEGER NOT NULL,
        PRIMARY KEY (apid, seq, digest, ground, source, soff)
      ) WITHOUT ROWID;
      INSERT INTO loose SELECT apid, seq, digest,
          COALESCE(ground, (SELECT received FROM receipts r WHERE r.raw <= packets.raw ORDER BY r.raw DESC LIMIT 1)), origin % 16777216, soff
        FROM packets WHERE (meta >> 8) & 7 != 0;
      ALTER TABLE apid_stats ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
    `,
  },
];

/**
 * The arrival index: `packets` by `raw` (the arrival order), so the rows stored after a given arrival are found
 * without reading the rest (PacketQuery `afterArrival`: decoding during ingest follows the archive). Created by a
 * writer opened with `arrivalIndex` (ingest of a config with a decoding route), beside the versioned schema like
 * the fixity and products tables: it changes no row, so readers of version 2 read an archive with or without it
 * (without it, `afterArrival` filters a full read). Its entries go in at the right edge of its B-tree, since
 * `raw` grows in storage order; still, it is a second B-tree insert per stored packet, paid only where wanted.
 */
export const ARRIVAL_INDEX = 'packets_arrival';

/** Create the arrival index when missing (writer open; on a large archive written before it, one pass). */
export function ensureArrivalIndex(db: Database.Database): void {
  db.exec(`CREATE INDEX IF NOT EXISTS ${ARRIVAL_INDEX} ON packets (raw)`);
}

/** Whether the archive has the arrival index. */
export function hasArrivalIndex(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(ARRIVAL_INDEX) !== undefined;
}

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
  // Every pending migration in one transaction: a reader opening the archive meanwhile sees the version before
  // or the version after, never one in between (which it would call an old archive to migrate).
  db.transaction(() => {
    for (const m of MIGRATIONS) {
      if (m.version <= found) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, description, applied_utc) VALUES (?, ?, ?)').run(m.version, m.description, new Date(nowMs).toISOString());
    }
  })();
  return found;
}
