/**
 * @module The embedded {@link ServiceStore} (issue 17): `service.sqlite` beside the archive's `index.sqlite`
 * (better-sqlite3, WAL), holding users, token digests, grants, embargoes, the audit log and UWS jobs. Kept apart
 * from the archive index so ingest's write lock never waits on a web request, and an archive copied for
 * science goes without credentials.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type {
  AuditEntry, JobRecord, Phase, Role, ServiceStore, TokenRecord, UserRecord,
} from '../archive/service-port.js';

/** The service store's file inside an archive directory. */
export const SERVICE_FILE = 'service.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT, created REAL NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name), digest TEXT NOT NULL UNIQUE, created REAL NOT NULL, revoked REAL);
CREATE TABLE IF NOT EXISTS grants (user TEXT NOT NULL REFERENCES users(name), route TEXT NOT NULL, PRIMARY KEY (user, route));
CREATE TABLE IF NOT EXISTS embargoes (route TEXT PRIMARY KEY, months INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit (n INTEGER PRIMARY KEY, at REAL NOT NULL, who TEXT NOT NULL, token TEXT, method TEXT NOT NULL, what TEXT NOT NULL, status INTEGER NOT NULL, source TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, owner TEXT NOT NULL, body TEXT NOT NULL, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs (owner, created);
`;

interface UserRow { name: string; role: string; password: string | null; created: number; disabled: number }
interface TokenRow { id: string; user: string; digest: string; created: number; revoked: number | null }
interface AuditRow { at: number; who: string; token: string | null; method: string; what: string; status: number; source: string }

const user = (r: UserRow): UserRecord => ({ name: r.name, role: r.role as Role, passwordHash: r.password ?? undefined, createdUnixMs: r.created, disabled: r.disabled !== 0 });
const token = (r: TokenRow): TokenRecord => ({ id: r.id, user: r.user, digest: r.digest, createdUnixMs: r.created, revokedUnixMs: r.revoked ?? undefined });

/**
 * Open (creating when absent) the service store of the archive directory `dir`.
 * @throws InputError naming the file when it cannot be opened.
 */
export function openServiceStore(dir: string): ServiceStore {
  const file = path.join(dir, SERVICE_FILE);
  let db: Database.Database;
  try {
    fs.mkdirSync(dir, { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
  } catch (e) {
    throw new InputError(`${file}: cannot open the service store (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const q = {
    userAdd: db.prepare('INSERT INTO users (name, role, password, created, disabled) VALUES (?, ?, ?, ?, ?)'),
    userGet: db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?'),
    userList: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY name'),
    userDisable: db.prepare('UPDATE users SET disabled = ? WHERE name = ?'),
    tokenAdd: db.prepare('INSERT INTO tokens (id, user, digest, created, revoked) VALUES (?, ?, ?, ?, NULL)'),
    tokenByDigest: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE digest = ? AND revoked IS NULL'),
    tokenList: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY user, created'),
    tokenListUser: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE user = ? ORDER BY created'),
    tokenRevoke: db.prepare('UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL'),
    tokenRevokeAll: db.prepare('UPDATE tokens SET revoked = ? WHERE user = ? AND revoked IS NULL'),
    grant: db.prepare('INSERT OR IGNORE INTO grants (user, route) VALUES (?, ?)'),
    ungrant: db.prepare('DELETE FROM grants WHERE user = ? AND route = ?'),
    routes: db.prepare<[string], { route: string }>('SELECT route FROM grants WHERE user = ? ORDER BY route'),
    embargoSet: db.prepare('INSERT INTO embargoes (route, months) VALUES (?, ?) ON CONFLICT (route) DO UPDATE SET months = excluded.months'),
    embargoDel: db.prepare('DELETE FROM embargoes WHERE route = ?'),
    embargoes: db.prepare<[], { route: string; months: number }>('SELECT route, months FROM embargoes'),
    audit: db.prepare('INSERT INTO audit (at, who, token, method, what, status, source) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    auditRecent: db.prepare<[number], AuditRow>('SELECT * FROM audit ORDER BY n DESC LIMIT ?'),
    jobPut: db.prepare('INSERT INTO jobs (id, owner, body, created) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body'),
    jobGet: db.prepare<[string], { body: string }>('SELECT body FROM jobs WHERE id = ?'),
    jobList: db.prepare<[], { body: string }>('SELECT body FROM jobs ORDER BY created'),
    jobListOwner: db.prepare<[string], { body: string }>('SELECT body FROM jobs WHERE owner = ? ORDER BY created'),
    jobDel: db.prepare('DELETE FROM jobs WHERE id = ?'),
  };
  const job = (body: string): JobRecord => JSON.parse(body) as JobRecord;
  return {
    name: file,
    users: {
      async add(u) {
        try {
          q.userAdd.run(u.name, u.role, u.passwordHash ?? null, u.createdUnixMs, u.disabled ? 1 : 0);
        } catch (e) {
          if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new InputError(`user ${u.name} exists already`);
          throw e;
        }
      },
      async get(name) { const r = q.userGet.get(name); return r ? user(r) : undefined; },
      async list() { return q.userList.all().map(user); },
      async setDisabled(name, disabled) { return q.userDisable.run(disabled ? 1 : 0, name).changes > 0; },
    },
    tokens: {
      async add(t) { q.tokenAdd.run(t.id, t.user, t.digest, t.createdUnixMs); },
      async byDigest(digest) { const r = q.tokenByDigest.get(digest); return r ? token(r) : undefined; },
      async list(u) { return (u === undefined ? q.tokenList.all() : q.tokenListUser.all(u)).map(token); },
      async revoke(id, at) { return q.tokenRevoke.run(at, id).changes > 0; },
      async revokeAll(u, at) { return q.tokenRevokeAll.run(at, u).changes; },
    },
    grants: {
      async grant(u, route) { q.grant.run(u, route); },
      async ungrant(u, route) { return q.ungrant.run(u, route).changes > 0; },
      async routes(u) { return q.routes.all(u).map((r) => r.route); },
      async setEmbargo(route, months) { if (months === undefined) q.embargoDel.run(route); else q.embargoSet.run(route, months); },
      async embargoes() { return new Map(q.embargoes.all().map((r) => [r.route, r.months])); },
    },
    audit: {
      async record(e: AuditEntry) { q.audit.run(e.atUnixMs, e.who, e.token ?? null, e.method, e.what.slice(0, 2048), e.status, e.from); },
      async recent(limit) {
        return q.auditRecent.all(limit).map((r) => ({ atUnixMs: r.at, who: r.who, token: r.token ?? undefined, method: r.method, what: r.what, status: r.status, from: r.source }));
      },
    },
    jobs: {
      async put(j) { q.jobPut.run(j.id, j.owner, JSON.stringify(j), j.createdUnixMs); },
      async get(id) { const r = q.jobGet.get(id); return r ? job(r.body) : undefined; },
      async list(owner) { return (owner === undefined ? q.jobList.all() : q.jobListOwner.all(owner)).map((r) => job(r.body)); },
      async delete(id) { return q.jobDel.run(id).changes > 0; },
    },
    async close() { db.close(); },
  };
}

/** Phases in which a job still runs or waits (UWS §2.1.3). */
export const ACTIVE_PHASES: readonly Phase[] = ['QUEUED', 'EXECUTING'];
