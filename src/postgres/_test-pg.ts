/**
 * @module Test helpers for the PostgreSQL archive: whether a server is reachable (tests skip visibly when not),
 * and a fresh schema per test (dropped afterwards) so test files run in parallel on one database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { migratePg } from './schema.js';
import { pgConnect, pgTarget, type PgTarget } from './connection.js';

/** The server tests use: IDOC_PG_URL, else PG* variables, else the machine's local server (trust auth, database test). */
export const TEST_PG_URL = process.env['IDOC_PG_URL'] ?? (process.env['PGHOST'] ? undefined : 'postgres://postgres@127.0.0.1:5432/test');

async function reachable(): Promise<string | undefined> {
  const sql = TEST_PG_URL !== undefined ? postgres(TEST_PG_URL, { max: 1, connect_timeout: 3, onnotice: false }) : postgres({ max: 1, connect_timeout: 3, onnotice: false });
  try {
    await sql.unsafe('SELECT 1');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** Why PostgreSQL tests are skipped (undefined: a server answered). */
export const PG_DOWN = await reachable();
if (PG_DOWN !== undefined) console.warn(`PostgreSQL not reachable (${PG_DOWN}): the PostgreSQL archive tests are skipped`);

let n = 0;
/** A fresh, migrated schema and a shared-files directory; `drop()` removes both. */
export async function freshPgArchive(prefix = 't'): Promise<{ target: PgTarget; dir: string; drop: () => Promise<void> }> {
  const schema = `idoc_${prefix}_${process.pid}_${Date.now().toString(36)}_${n++}`;
  const base = pgTarget(schema, { ...process.env, ...(TEST_PG_URL !== undefined ? { IDOC_PG_URL: TEST_PG_URL } : {}) });
  const sql = pgConnect(base, 1);
  await migratePg(sql, schema);
  await sql.end();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-pg-'));
  return {
    target: base, dir,
    drop: async () => {
      const s = pgConnect(base, 1);
      await s.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await s.end();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
