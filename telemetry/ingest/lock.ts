/**
 * @module One ingest at a time per archive: a lock file created exclusively (O_EXCL) holding the owner's pid, its
 * start time (Linux: field 22 of /proc/<pid>/stat, clock ticks since boot) and host. A lock is stale, and taken
 * over, when its process is gone, or when a process with that pid runs but started at another time (the pid was
 * reused after a crash or a reboot). A lock from another host cannot be checked from here: it is refused, naming
 * the host.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../src/errors.js';

export interface Lock {
  readonly file: string;
  release(): Promise<void>;
}

/** What a lock file holds. */
export interface LockOwner {
  readonly pid?: number;
  readonly since?: string;
  /** Process start time, clock ticks since boot (Linux), when known. */
  readonly start?: number;
  readonly host?: string;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Start time of `pid` in clock ticks since boot (Linux /proc), or undefined. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(rest[19]); // field 22 overall: fields 3.. start at rest[0]
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Why the lock `owner` still holds, or undefined when it is stale. */
export function lockHeldBy(owner: LockOwner, here = hostname()): string | undefined {
  if (typeof owner.pid !== 'number') return undefined;
  if (owner.host !== undefined && owner.host !== here) {
    return `held by pid ${owner.pid} on host ${owner.host} since ${owner.since ?? '?'} (cannot be checked from ${here}: remove the lock file if that ingest is gone)`;
  }
  if (!alive(owner.pid)) return undefined;
  if (owner.start !== undefined) {
    const now = processStartTicks(owner.pid);
    if (now !== undefined && now !== owner.start) return undefined; // the pid was reused by another process
  }
  return `another ingest is running (pid ${owner.pid} since ${owner.since ?? '?'})`;
}

const bodyOf = (): string => {
  const start = processStartTicks(process.pid);
  return `${JSON.stringify({ pid: process.pid, since: new Date().toISOString(), ...(start !== undefined ? { start } : {}), host: hostname() })}\n`;
};

/** Take the lock in `dir`, or throw InputError naming the running ingest. */
export async function takeLock(dir: string, name = 'ingest.lock'): Promise<Lock> {
  const file = path.join(dir, name);
  const body = bodyOf();
  const lock: Lock = { file, release: () => unlink(file).catch(() => undefined) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx');
      try {
        await fh.writeFile(body);
      } catch (e) {
        await fh.close().catch(() => undefined);
        await unlink(file).catch(() => undefined); // a full disk: no half-written lock left behind
        throw e;
      }
      await fh.close();
      return lock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner: LockOwner = {};
    try {
      owner = JSON.parse(await readFile(file, 'utf8')) as LockOwner;
    } catch {
      // Unreadable or half-written lock: treat as stale below only if it stays that way.
    }
    const held = lockHeldBy(owner);
    if (held) throw new InputError(`${file}: ${held}`);
    // Stale: replace it atomically by renaming our own file over it, then re-check on the next loop.
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, body);
      await rename(tmp, file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    const now = JSON.parse(await readFile(file, 'utf8')) as LockOwner;
    if (now.pid === process.pid) return lock;
  }
  throw new InputError(`${file}: could not take the ingest lock`);
}
