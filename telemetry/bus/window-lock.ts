/**
 * @module Locks per products folder and product window (issue 19): two `idoc l0 worker` processes writing into the
 * same folder (announcements of separate durables, or a redelivery racing the first delivery) must not both write
 * the next version of one window. Each (route, window) is a lock file `.idoc-locks/<route>@<window start>.lock`
 * in the products folder, created with O_EXCL (`wx`): atomic on a local file system and on NFSv3+/CephFS, the
 * shared folders the deployment uses. The file holds the holder's host, pid and a random nonce; the holder touches
 * it every quarter of `staleMs`.
 *
 * A lock is stale, and taken over, when its holder is on this host and its pid is gone, or when it was not touched
 * for `staleMs` (a holder on another host, whose pid cannot be checked). Take-over renames the file aside and
 * checks it renamed the stale holder's file (same nonce); a lock that a third process took meanwhile is put back.
 * Locks are taken in sorted order, so two workers needing overlapping sets wait rather than deadlock.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

interface Holder { readonly host: string; readonly pid: number; readonly nonce: string; readonly started: string }

export interface WindowLockOptions {
  /** A lock not touched for this long is stale (default 60 s). */
  readonly staleMs?: number;
  /** Wait between tries while another process holds a lock (default 100 ms). */
  readonly pollMs?: number;
  /** Called once per lock the caller has to wait for, with its holder. */
  readonly onWait?: (key: string, holder: { host: string; pid: number }) => void;
}

/** The lock file name of a key (route and window): letters, digits, `@ . _ -` kept. */
const fileOf = (dir: string, key: string): string => path.join(dir, '.idoc-locks', `${key.replace(/[^A-Za-z0-9@._-]/g, '_')}.lock`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Holder;
  } catch {
    return undefined; // gone, or being written (treated as held)
  }
}

/** Try once: true when the lock is now ours. */
async function tryTake(file: string, me: Holder, staleMs: number): Promise<{ ok: true } | { ok: false; now?: true; holder?: Holder }> {
  try {
    const fh = await open(file, 'wx');
    try {
      await fh.writeFile(JSON.stringify(me));
      await fh.sync();
    } finally {
      await fh.close();
    }
    return { ok: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const holder = await readHolder(file);
  const st = await stat(file).catch(() => undefined);
  if (!st) return { ok: false, now: true }; // released meanwhile: try again at once
  const stale = (holder !== undefined && holder.host === me.host && !alive(holder.pid)) || Date.now() - st.mtimeMs > staleMs;
  if (!stale) return holder ? { ok: false, holder } : { ok: false };
  const aside = `${file}.stale-${me.nonce}`;
  try {
    await rename(file, aside);
  } catch {
    return { ok: false, now: true }; // another process took it over first
  }
  const moved = await readHolder(aside);
  if (moved?.nonce !== holder?.nonce) {
    // A live lock taken between the check and the rename: put it back (link fails if yet another one is there).
    await link(aside, file).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
  return { ok: false, now: true };
}

/**
 * Run `fn` holding the locks of `keys` in `dir` (a products folder), taken in sorted order, waiting while other
 * processes hold them; released afterwards, also when `fn` throws.
 */
export async function withWindowLocks<T>(dir: string, keys: readonly string[], fn: () => Promise<T>, o: WindowLockOptions = {}): Promise<T> {
  const staleMs = o.staleMs ?? 60_000;
  const me: Holder = { host: hostname(), pid: process.pid, nonce: randomBytes(8).toString('hex'), started: new Date().toISOString() };
  const files = [...new Set(keys)].sort().map((k) => ({ key: k, file: fileOf(dir, k) }));
  if (files.length) await mkdir(path.dirname(files[0]!.file), { recursive: true });
  const held: string[] = [];
  const touch = setInterval(() => {
    const now = new Date();
    for (const f of held) void utimes(f, now, now).catch(() => undefined);
  }, staleMs / 4);
  try {
    for (const { key, file } of files) {
      let told = false;
      for (;;) {
        const r = await tryTake(file, me, staleMs);
        if (r.ok) break;
        if (r.now) continue;
        if (r.holder && !told) {
          told = true;
          o.onWait?.(key, { host: r.holder.host, pid: r.holder.pid });
        }
        await sleep(o.pollMs ?? 100);
      }
      held.push(file);
    }
    return await fn();
  } finally {
    clearInterval(touch);
    for (const f of held.reverse()) {
      // Release only our own lock (a holder judged stale may have lost it).
      if ((await readHolder(f))?.nonce === me.nonce) await unlink(f).catch(() => undefined);
    }
  }
}
