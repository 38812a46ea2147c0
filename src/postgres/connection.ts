/**
 * @module Where the PostgreSQL archive is: the connection string comes from the environment only
 * (`IDOC_PG_URL`, else libpq's `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`), never from a file in
 * the repository and never printed: {@link pgName} gives host, port, database and schema without credentials.
 *
 * One PostgreSQL schema holds one mission's archive (`archive.schema` in idoc.json, default `idoc`): the mission
 * level of the partitioning (README "PostgreSQL archive"). Client: `postgres` (postgres.js): no dependencies, COPY
 * as Node streams, pipelined queries.
 */
import postgres from 'postgres';
import { InputError } from '../errors.js';

export type Sql = postgres.Sql;

export interface PgTarget {
  /** postgres:// URL with credentials, or undefined to use the PG* variables. Never printed. */
  readonly url: string | undefined;
  /** The schema (one mission's archive). */
  readonly schema: string;
}

/** Default schema of an archive. */
export const DEFAULT_PG_SCHEMA = 'idoc';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The connection target from the environment and the configured schema. @throws InputError on a bad schema name. */
export function pgTarget(schema = DEFAULT_PG_SCHEMA, env: NodeJS.ProcessEnv = process.env): PgTarget {
  if (!SCHEMA_NAME.test(schema)) throw new InputError(`archive.schema: "${schema}" is not a plain PostgreSQL schema name (lower-case letters, digits, _; at most 63)`);
  const url = env['IDOC_PG_URL'];
  return { url: url !== undefined && url !== '' ? url : undefined, schema };
}

/** Host, port, database and schema, without user or password (for messages). */
export function pgName(t: PgTarget, env: NodeJS.ProcessEnv = process.env): string {
  if (t.url !== undefined) {
    try {
      const u = new URL(t.url);
      return `postgres://${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}#${t.schema}`;
    } catch {
      return `postgres (IDOC_PG_URL unparsable)#${t.schema}`;
    }
  }
  return `postgres://${env['PGHOST'] ?? 'localhost'}:${env['PGPORT'] ?? '5432'}/${env['PGDATABASE'] ?? env['PGUSER'] ?? ''}#${t.schema}`;
}

/** A client whose search_path is the archive's schema. `max` connections (a writer uses one). */
export function pgConnect(t: PgTarget, max = 4): Sql {
  const opts = {
    max,
    onnotice: false as const,
    connect_timeout: 10,
    idle_timeout: 0,
    connection: { search_path: t.schema, application_name: 'idoc' },
  };
  return t.url !== undefined ? postgres(t.url, opts) : postgres(opts);
}

/** One line for a failure to reach or use the server, naming the archive without credentials. */
export function pgError(e: unknown, name: string, what: string): InputError {
  const code = (e as { code?: unknown })?.code;
  const msg = (e as Error)?.message ?? String(e);
  return new InputError(`${name}: ${what}: ${msg}${typeof code === 'string' ? ` (${code})` : ''}`, [], { cause: e });
}
