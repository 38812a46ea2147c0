/**
 * @module Credentials and access decisions. Passwords: scrypt (RFC 7914) with a random 16-octet salt, stored as
 * `scrypt$N$r$p$salt$hash` (base64), compared in constant time. API tokens: 32 random octets (base64url) with a
 * public id; only the SHA-256 digest is stored. Access: deny by default; an operator reads everything, a
 * co-investigator the routes granted to them, anyone (the `public` role, anonymous callers) a product whose route
 * has an embargo and whose stop time is that many months past.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../src/archive/service-port.js';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

const scryptAsync = (password: string, salt: Buffer, n: number, r: number, p: number, len: number): Promise<Buffer> =>
  new Promise((resolve, reject) => scrypt(password, salt, len, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (e, k) => (e ? reject(e) : resolve(k))));

/** Hash a password for storage. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P, KEYLEN);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Check a password against a stored hash (constant-time compare; false on any malformed hash). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (n > 1 << 20 || r > 32 || p > 16) return false;
  const want = Buffer.from(m[5]!, 'base64');
  const got = await scryptAsync(password, Buffer.from(m[4]!, 'base64'), n, r, p, want.length);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** SHA-256 hex of a token secret (what the store keeps). */
export const tokenDigest = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** A new token: its public id and its secret (shown once). The secret carries the id: `idoc_<id>_<random>`. */
export function newToken(): { id: string; secret: string } {
  const id = randomBytes(6).toString('hex');
  return { id, secret: `idoc_${id}_${randomBytes(32).toString('base64url')}` };
}

/** Who is asking: resolved once per request. */
export interface Principal {
  /** User name, or `anonymous`. */
  readonly user: string;
  readonly role: Role;
  readonly routes: ReadonlySet<string>;
  /** Token id when the request carried a token. */
  readonly token: string | undefined;
}

export const ANONYMOUS: Principal = { user: 'anonymous', role: 'public', routes: new Set(), token: undefined };

/** `iso` plus `months` calendar months (UTC; the day clamped to the month's length). */
export function addMonths(iso: string, months: number): number {
  const d = new Date(iso);
  const day = d.getUTCDate();
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(Math.min(day, last));
  return t.getTime();
}

/** When a product of `route` ending at `stop` becomes public (Unix ms), undefined when its route has no embargo. */
export function releaseTime(route: string, stop: string, embargoes: ReadonlyMap<string, number>): number | undefined {
  const months = embargoes.get(route);
  return months === undefined ? undefined : addMonths(stop, months);
}

/** Whether `who` may read a product of `route` ending at `stop` (deny by default). */
export function mayRead(who: Principal, route: string, stop: string, embargoes: ReadonlyMap<string, number>, nowUnixMs: number): boolean {
  if (who.role === 'operator') return true;
  if (who.role === 'co-investigator' && who.routes.has(route)) return true;
  const release = releaseTime(route, stop, embargoes);
  return release !== undefined && release <= nowUnixMs;
}
