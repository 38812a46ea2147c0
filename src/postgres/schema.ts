/**
 * @module The PostgreSQL archive's schema and its versioned migrations (`idoc archive migrate`). Table
 * `schema_migrations` holds one row per applied migration; {@link migratePg} applies the missing ones in order in
 * one transaction under an advisory lock (two hosts migrating at once apply each version once), and
 * refuses a schema written by a newer idoc. Running it again changes nothing.
 *
 * Rows mirror the SQLite store (src/store/schema.ts, version 2): the key (APID, time on the chosen axis, count |
 * repeat number << 14, digest), `meta`, `obt`, `ground`, `dds`, `origin` (route id × 2^24 + source id), `soff`,
 * `raw` (segment id × 2^32 + offset in that segment file on the shared file system), `len`; `receipts` per
 * batch, `loose` for packets timed by ground time, per-APID counters, cursors, segment fixity.
 *
 * Partitioning (PostgreSQL declarative partitioning, docs §5.11): the mission is the schema; `packets` is
 * `PARTITION BY LIST (apid)`, each APID's table `PARTITION BY RANGE (tkey)` in spans of {@link TIME_SPAN} seconds
 * of TAI (30 days). Partitions are created on demand by the writer (partitions.ts) before the batch that needs
 * them. The primary key holds both partition keys, as PostgreSQL requires of a unique index on a partitioned table.
 */
import { InputError } from '../errors.js';
import { pgConnect, pgError, pgName, type PgTarget, type Sql } from './connection.js';

export interface PgMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** Width of a time partition, TAI seconds (30 days). */
export const TIME_SPAN = 30 * 86_400;

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'packet index partitioned by APID and time, sources, routes, segments and fixity, cursors, receipts, loose copies, per-APID counters',
    sql: `
      CREATE TABLE packets (
        apid integer NOT NULL, tkey double precision NOT NULL, seq integer NOT NULL, digest integer NOT NULL,
        meta integer NOT NULL, obt double precision, ground double precision, dds integer,
        origin bigint NOT NULL, soff bigint NOT NULL, raw bigint NOT NULL, len integer NOT NULL,
        PRIMARY KEY (apid, tkey, seq, digest)
      ) PARTITION BY LIST (apid);
      CREATE TABLE sources (id serial PRIMARY KEY, feed text NOT NULL, source text NOT NULL, UNIQUE (feed, source));
      CREATE TABLE routes (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
      CREATE TABLE segments (id bigserial PRIMARY KEY, file text NOT NULL, length bigint NOT NULL DEFAULT 0, created_utc timestamptz NOT NULL DEFAULT now());
      CREATE TABLE segment_fixity (segment bigint NOT NULL, off bigint NOT NULL, length bigint NOT NULL, sha256 bytea NOT NULL, PRIMARY KEY (segment, off));
      CREATE TABLE cursors (feed text PRIMARY KEY, value text NOT NULL, updated_ms double precision NOT NULL);
      CREATE TABLE apid_stats (apid integer PRIMARY KEY, duplicates bigint NOT NULL, repeats bigint NOT NULL, last_ingest_ms double precision NOT NULL);
      CREATE TABLE receipts (raw bigint PRIMARY KEY, received double precision NOT NULL);
      CREATE TABLE loose (
        apid integer NOT NULL, seq integer NOT NULL, digest integer NOT NULL, ground double precision NOT NULL, source integer NOT NULL, soff bigint NOT NULL,
        PRIMARY KEY (apid, seq, digest, ground, source, soff)
      );
    `,
  },
  {
    version: 2,
    description: 'products registry',
    sql: `
      CREATE TABLE products (
        lidvid text PRIMARY KEY, product_id text NOT NULL, version integer NOT NULL, level text NOT NULL, route text NOT NULL,
        start_tai double precision NOT NULL, stop_tai double precision NOT NULL, registered_ms double precision NOT NULL, record jsonb NOT NULL
      );
      CREATE INDEX products_route_time ON products (route, start_tai, stop_tai);
      CREATE INDEX products_id_version ON products (product_id, version);
    `,
  },
  {
    version: 3,
    description: 'Co-I service store: users, token digests, grants, embargoes, audit log, UWS jobs',
    sql: `
      CREATE TABLE users (name text PRIMARY KEY, role text NOT NULL, password text, created_ms double precision NOT NULL, disabled boolean NOT NULL DEFAULT false);
      CREATE TABLE tokens (id text PRIMARY KEY, owner text NOT NULL REFERENCES users(name), digest text NOT NULL UNIQUE, created_ms double precision NOT NULL, revoked_ms double precision);
      CREATE INDEX tokens_owner ON tokens (owner, created_ms);
      CREATE TABLE grants (owner text NOT NULL REFERENCES users(name), route text NOT NULL, PRIMARY KEY (owner, route));
      CREATE TABLE embargoes (route text PRIMARY KEY, months integer NOT NULL);
      CREATE TABLE audit (n bigserial PRIMARY KEY, at_ms double precision NOT NULL, who text NOT NULL, token text, method text NOT NULL, what text NOT NULL, status integer NOT NULL, source text NOT NULL);
      CREATE TABLE jobs (id text PRIMARY KEY, owner text NOT NULL, body text NOT NULL, created_ms double precision NOT NULL);
      CREATE INDEX jobs_owner ON jobs (owner, created_ms);
    `,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;

/**
 * The arrival index (as the SQLite store's, src/store/schema.ts): `packets` by `raw`, so the rows stored after an
 * arrival are found without reading the rest (PacketQuery `afterArrival`). Created by a writer opened with
 * `arrivalIndex` (ingest of a config with a decoding route), beside the versioned schema: it changes no row, and
 * without it `afterArrival` is answered by a full read. On the partitioned table, so on every APID and time
 * partition, present and future (PostgreSQL docs §5.11.2.2). Under the migration lock: two hosts create it once.
 */
export async function ensurePgArrivalIndex(sql: Sql, schema: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    await tx.unsafe(`CREATE INDEX IF NOT EXISTS packets_arrival ON ${schema}.packets (raw)`);
  });
}

/** Advisory lock key of migrations (any constant; one per database). */
const MIGRATE_LOCK = 0x1d0c_0001;

/** The version of the schema (0: none yet). */
export async function pgSchemaVersion(sql: Sql, schema: string): Promise<number> {
  const has = await sql.unsafe('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, 'schema_migrations']);
  if (has.length === 0) return 0;
  const r = await sql.unsafe(`SELECT COALESCE(MAX(version), 0)::int AS v FROM ${schema}.schema_migrations`);
  return (r[0] as unknown as { v: number }).v;
}

export interface MigrateResult {
  readonly before: number;
  readonly after: number;
  readonly applied: readonly { readonly version: number; readonly description: string }[];
}

/**
 * Bring the schema up to {@link PG_SCHEMA_VERSION} (creating it when missing).
 * @throws Error when the schema is newer than this idoc.
 */
export async function migratePg(sql: Sql, schema: string): Promise<MigrateResult> {
  return sql.begin(async (tx) => {
    await tx.unsafe('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.unsafe(`SET LOCAL search_path TO ${schema}`);
    await tx.unsafe('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_utc timestamptz NOT NULL DEFAULT now())');
    const before = await pgSchemaVersion(tx as unknown as Sql, schema);
    if (before > PG_SCHEMA_VERSION) throw new Error(`archive schema version ${before} is newer than this idoc understands (${PG_SCHEMA_VERSION})`);
    const applied: { version: number; description: string }[] = [];
    for (const m of PG_MIGRATIONS) {
      if (m.version <= before) continue;
      await tx.unsafe(m.sql).simple();
      await tx.unsafe('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [m.version, m.description]);
      applied.push({ version: m.version, description: m.description });
    }
    return { before, after: PG_SCHEMA_VERSION, applied };
  });
}

/**
 * Connect to the archive in `target` with `max` connections, check that its schema is this idoc's version, then run
 * `setUp` on the connection; on any failure the connection is closed and one located InputError thrown (`verb`:
 * what this idoc does with it, `what`: the open that failed).
 */
export async function openMigrated<T>(target: PgTarget, max: number, verb: 'reads' | 'writes' | 'uses', what: string, setUp: (sql: Sql, name: string) => Promise<T>): Promise<T> {
  const name = pgName(target);
  const sql = pgConnect(target, max);
  try {
    const v = await pgSchemaVersion(sql, target.schema);
    if (v !== PG_SCHEMA_VERSION) {
      throw new InputError(`${name}: archive schema version ${v}, this idoc ${verb} ${PG_SCHEMA_VERSION}${v < PG_SCHEMA_VERSION ? ': run idoc archive migrate' : ''}`);
    }
    return await setUp(sql, name);
  } catch (e) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    if (e instanceof InputError) throw e;
    throw pgError(e, name, what);
  }
}
