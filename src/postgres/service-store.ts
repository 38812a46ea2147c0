/**
 * @module The Co-I service store ({@link ServiceStore} of src/archive/service-port.ts) in PostgreSQL (issue 19):
 * users, token digests, grants, embargoes, the audit log and UWS jobs in the mission's archive schema (migration
 * 3 of schema.ts), so every `idoc serve` host and `idoc users` see the same accounts. Behaves as the SQLite store
 * (src/store/service-store.ts); both pass src/archive/service-contract.ts. Secrets never enter it in clear.
 */
import { InputError } from '../errors.js';
import type { AuditEntry, JobRecord, Role, ServiceStore, TokenRecord, UserRecord } from '../archive/service-port.js';
import { pgTarget, type PgTarget, type Sql } from './connection.js';
import { openMigrated } from './schema.js';

interface UserRow { name: string; role: string; password: string | null; created_ms: number; disabled: boolean }
interface TokenRow { id: string; owner: string; digest: string; created_ms: number; revoked_ms: number | null }
interface AuditRow { at_ms: number; who: string; token: string | null; method: string; what: string; status: number; source: string }

const user = (r: UserRow): UserRecord => ({ name: r.name, role: r.role as Role, passwordHash: r.password ?? undefined, createdUnixMs: r.created_ms, disabled: r.disabled });
const token = (r: TokenRow): TokenRecord => ({ id: r.id, user: r.owner, digest: r.digest, createdUnixMs: r.created_ms, revokedUnixMs: r.revoked_ms ?? undefined });
const job = (body: string): JobRecord => JSON.parse(body) as JobRecord;
const rows = <T>(r: unknown): T[] => r as T[];

/**
 * Open the service store of the archive in `schema` (connection from the environment).
 * @throws InputError naming the archive (without credentials) when the server cannot be reached or the schema is
 * not migrated to this idoc's version.
 */
export async function openPgServiceStore(opts: { readonly schema?: string; readonly target?: PgTarget } = {}): Promise<ServiceStore> {
  return openMigrated(opts.target ?? pgTarget(opts.schema), 2, 'uses', 'cannot open the service store', async (sql, name) => pgServiceStore(sql, name));
}

function pgServiceStore(sql: Sql, name: string): ServiceStore {
  let closed = false;
  const q = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    if (closed) throw new Error(`${name}: service store closed`);
    return rows<T>(await sql.unsafe(text, params as never[]));
  };
  const changed = async (text: string, params: unknown[]): Promise<number> => {
    if (closed) throw new Error(`${name}: service store closed`);
    return (await sql.unsafe(text, params as never[])).count;
  };
  return {
    name,
    users: {
      async add(u) {
        try {
          await q('INSERT INTO users (name, role, password, created_ms, disabled) VALUES ($1, $2, $3, $4, $5)', [u.name, u.role, u.passwordHash ?? null, u.createdUnixMs, u.disabled]);
        } catch (e) {
          if ((e as { code?: string }).code === '23505') throw new InputError(`user ${u.name} exists already`);
          throw e;
        }
      },
      async get(n) { const r = await q<UserRow>('SELECT * FROM users WHERE name = $1', [n]); return r[0] ? user(r[0]) : undefined; },
      async list() { return (await q<UserRow>('SELECT * FROM users ORDER BY name COLLATE "C"')).map(user); },
      async setDisabled(n, disabled) { return (await changed('UPDATE users SET disabled = $1 WHERE name = $2', [disabled, n])) > 0; },
    },
    tokens: {
      async add(t) {
        try {
          await q('INSERT INTO tokens (id, owner, digest, created_ms, revoked_ms) VALUES ($1, $2, $3, $4, NULL)', [t.id, t.user, t.digest, t.createdUnixMs]);
        } catch (e) {
          if ((e as { code?: string }).code === '23503') throw new InputError(`token ${t.id}: no user ${t.user}`);
          throw e;
        }
      },
      async byDigest(d) { const r = await q<TokenRow>('SELECT * FROM tokens WHERE digest = $1 AND revoked_ms IS NULL', [d]); return r[0] ? token(r[0]) : undefined; },
      async list(u) {
        return (u === undefined ? await q<TokenRow>('SELECT * FROM tokens ORDER BY owner COLLATE "C", created_ms')
          : await q<TokenRow>('SELECT * FROM tokens WHERE owner = $1 ORDER BY created_ms', [u])).map(token);
      },
      async revoke(id, at) { return (await changed('UPDATE tokens SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL', [at, id])) > 0; },
      async revokeAll(u, at) { return changed('UPDATE tokens SET revoked_ms = $1 WHERE owner = $2 AND revoked_ms IS NULL', [at, u]); },
    },
    grants: {
      async grant(u, route) {
        try {
          await q('INSERT INTO grants (owner, route) VALUES ($1, $2) ON CONFLICT DO NOTHING', [u, route]);
        } catch (e) {
          if ((e as { code?: string }).code === '23503') throw new InputError(`grant ${route}: no user ${u}`);
          throw e;
        }
      },
      async ungrant(u, route) { return (await changed('DELETE FROM grants WHERE owner = $1 AND route = $2', [u, route])) > 0; },
      async routes(u) { return (await q<{ route: string }>('SELECT route FROM grants WHERE owner = $1 ORDER BY route COLLATE "C"', [u])).map((r) => r.route); },
      async setEmbargo(route, months) {
        if (months === undefined) await q('DELETE FROM embargoes WHERE route = $1', [route]);
        else await q('INSERT INTO embargoes (route, months) VALUES ($1, $2) ON CONFLICT (route) DO UPDATE SET months = excluded.months', [route, months]);
      },
      async embargoes() { return new Map((await q<{ route: string; months: number }>('SELECT route, months FROM embargoes')).map((r) => [r.route, r.months])); },
    },
    audit: {
      async record(e: AuditEntry) {
        await q('INSERT INTO audit (at_ms, who, token, method, what, status, source) VALUES ($1, $2, $3, $4, $5, $6, $7)', [e.atUnixMs, e.who, e.token ?? null, e.method, e.what.slice(0, 2048), e.status, e.from]);
      },
      async recent(limit) {
        return (await q<AuditRow>('SELECT * FROM audit ORDER BY n DESC LIMIT $1', [limit]))
          .map((r) => ({ atUnixMs: r.at_ms, who: r.who, token: r.token ?? undefined, method: r.method, what: r.what, status: r.status, from: r.source }));
      },
    },
    jobs: {
      async put(j) { await q('INSERT INTO jobs (id, owner, body, created_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET body = excluded.body', [j.id, j.owner, JSON.stringify(j), j.createdUnixMs]); },
      async get(id) { const r = await q<{ body: string }>('SELECT body FROM jobs WHERE id = $1', [id]); return r[0] ? job(r[0].body) : undefined; },
      async list(owner) {
        return (owner === undefined ? await q<{ body: string }>('SELECT body FROM jobs ORDER BY created_ms, id')
          : await q<{ body: string }>('SELECT body FROM jobs WHERE owner = $1 ORDER BY created_ms, id', [owner])).map((r) => job(r.body));
      },
      async delete(id) { return (await changed('DELETE FROM jobs WHERE id = $1', [id])) > 0; },
    },
    async close() {
      if (closed) return;
      closed = true;
      await sql.end({ timeout: 5 });
    },
  };
}
