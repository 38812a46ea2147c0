/**
 * @module One ingest at a time per archive: a lock file created exclusively (O_EXCL) holding the owner's pid
 * and start time. A lock whose process is gone (a crash, a SIGKILL) is stale and taken over.
 */
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../src/errors.js';

export interface Lock {
  readonly file: string;
  release(): Promise<void>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Take the lock in `dir`, or throw InputError naming the running ingest. */
export async function takeLock(dir: string, name = 'ingest.lock'): Promise<Lock> {
  const file = path.join(dir, name);
  const body = `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(body);
      await fh.close();
      return { file, release: () => unlink(file).catch(() => undefined) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner: { pid?: number; since?: string } = {};
    try {
      owner = JSON.parse(await readFile(file, 'utf8')) as typeof owner;
    } catch {
      // Unreadable or half-written lock: treat as stale below only if it stays that way.
    }
    if (typeof owner.pid === 'number' && alive(owner.pid)) {
      throw new InputError(`${file}: another ingest is running (pid ${owner.pid} since ${owner.since ?? '?'})`);
    }
    // Stale: replace it atomically by renaming our own file over it, then re-check on the next loop.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, file);
    const now = JSON.parse(await readFile(file, 'utf8')) as { pid?: number };
    if (now.pid === process.pid) return { file, release: () => unlink(file).catch(() => undefined) };
  }
  throw new InputError(`${file}: could not take the ingest lock`);
}
