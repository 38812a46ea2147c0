/**
 * @module The console's users and sessions: a users file (`{"users":[{name, password, role, instruments}]}`,
 * passwords as `scrypt$N$r$p$salt$hash`, base64url), logins that hand out a random session id in an HttpOnly,
 * SameSite=Strict cookie, and grants: an operator sees every instrument, a Co-I only those listed. Deny by
 * default: an unknown or expired session is no one.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError } from '../../src/errors.js';

export type Role = 'operator' | 'coi';

export interface ConsoleUser {
  readonly name: string;
  readonly role: Role;
  /** Instruments this user may see; `*` for all (operators always see all). */
  readonly instruments: readonly string[];
}

interface StoredUser extends ConsoleUser {
  readonly password: string;
}

const N = 16384;
const R = 8;
const P = 1;

/** A password hash for the users file (scrypt, RFC 7914, random 16-octet salt). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

function checkPassword(password: string, stored: string): boolean {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const got = scryptSync(password, Buffer.from(m[4]!, 'base64url'), expected.length, { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), maxmem: 256 << 20 });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Parse a users file's text; one clear line on a bad entry. */
export function parseUsers(text: string, file: string): StoredUser[] {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new InputError(`${file}: not JSON (${(e as Error).message})`); }
  const list = (doc as { users?: unknown }).users;
  if (!Array.isArray(list)) throw new InputError(`${file}: field users: expected an array`);
  return list.map((u: unknown, i) => {
    const o = u as Record<string, unknown>;
    const where = `${file}: users[${i}]`;
    if (typeof o['name'] !== 'string' || !/^[\w.@-]{1,64}$/.test(o['name'])) throw new InputError(`${where}.name: expected 1-64 letters, digits, . @ _ -`);
    if (typeof o['password'] !== 'string' || !o['password'].startsWith('scrypt$')) throw new InputError(`${where}.password: expected an scrypt$… hash (idoc console hash-password)`);
    if (o['role'] !== 'operator' && o['role'] !== 'coi') throw new InputError(`${where}.role: expected "operator" or "coi"`);
    const inst = o['instruments'] ?? (o['role'] === 'operator' ? ['*'] : []);
    if (!Array.isArray(inst) || inst.some((x) => typeof x !== 'string')) throw new InputError(`${where}.instruments: expected an array of instrument names`);
    return { name: o['name'], password: o['password'], role: o['role'], instruments: inst as string[] };
  });
}

export async function loadUsers(file: string): Promise<StoredUser[]> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (e) { throw new InputError(`${file}: cannot read the users file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  return parseUsers(text, file);
}

export interface Sessions {
  login(name: string, password: string): Promise<{ id: string; user: ConsoleUser } | undefined>;
  user(sessionId: string | undefined): ConsoleUser | undefined;
  logout(sessionId: string | undefined): void;
}

/** Sessions in memory, each valid `ttlMs` (default 12 h) from its login. */
export function sessions(users: readonly StoredUser[], ttlMs = 12 * 3600_000, now: () => number = Date.now): Sessions {
  const byName = new Map(users.map((u) => [u.name, u]));
  const s = sessionTable(ttlMs, now);
  // A hash to compare against when the name is unknown, so a wrong name costs the same as a wrong password.
  const decoy = hashPassword(randomBytes(12).toString('hex'));
  return {
    async login(name, password) {
      const u = byName.get(name);
      const ok = checkPassword(password, u?.password ?? decoy);
      if (!u || !ok) return undefined;
      return s.open({ name: u.name, role: u.role, instruments: u.role === 'operator' ? ['*'] : u.instruments });
    },
    user: (id) => s.user(id),
    logout: (id) => s.logout(id),
  };
}

/** Open sessions in memory, each valid `ttlMs` from its login; ids of 32 random octets. */
export function sessionTable(ttlMs = 12 * 3600_000, now: () => number = Date.now) {
  const open = new Map<string, { user: ConsoleUser; until: number }>();
  return {
    open(user: ConsoleUser): { id: string; user: ConsoleUser } {
      const id = randomBytes(32).toString('base64url');
      open.set(id, { user, until: now() + ttlMs });
      return { id, user };
    },
    user(id: string | undefined): ConsoleUser | undefined {
      if (id === undefined) return undefined;
      const s = open.get(id);
      if (!s) return undefined;
      if (s.until < now()) { open.delete(id); return undefined; }
      return s.user;
    },
    logout(id: string | undefined): void { if (id !== undefined) open.delete(id); },
  };
}

/** May `user` see data of `instrument`? */
export const maySee = (user: ConsoleUser, instrument: string | undefined): boolean =>
  user.instruments.includes('*') || (instrument !== undefined && user.instruments.includes(instrument));
