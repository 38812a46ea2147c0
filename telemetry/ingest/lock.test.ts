/**
 * The ingest lock against reused pids and other hosts (issue 13): a lock whose pid now belongs to another process
 * (another start time) is stale and taken over; one from another host is refused, naming it; a lock with the
 * right pid and start time holds.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { lockHeldBy, processStartTicks, takeLock } from './lock.js';

const haveProc = processStartTicks(process.pid) !== undefined;

describe('takeLock() and reused pids', () => {
  it.skipIf(!haveProc)('takes over a lock whose pid is alive but started at another time (a reused pid); skipped without /proc', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-lock2-'));
    try {
      const ppid = process.ppid; // alive for sure
      const start = processStartTicks(ppid)!;
      await writeFile(path.join(dir, 'ingest.lock'), JSON.stringify({ pid: ppid, since: 'x', start: start + 1, host: hostname() }));
      const lock = await takeLock(dir);
      expect(JSON.parse(await readFile(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, start: processStartTicks(process.pid), host: hostname() });
      await lock.release();
      // The same pid with its real start time holds.
      await writeFile(path.join(dir, 'ingest.lock'), JSON.stringify({ pid: ppid, since: 'x', start, host: hostname() }));
      await expect(takeLock(dir)).rejects.toThrow(new RegExp(`another ingest is running \\(pid ${ppid}`));
      // No temporary file left by the takeover.
      expect((await readdir(dir)).sort()).toEqual(['ingest.lock']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a lock from another host, naming it', () => {
    expect(lockHeldBy({ pid: 1, since: 's', host: 'ground-2' }, 'ground-1')).toMatch(/pid 1 on host ground-2 .*remove the lock file/);
    expect(lockHeldBy({ pid: 2 ** 22 + 99, host: 'ground-1' }, 'ground-1')).toBeUndefined();
    expect(lockHeldBy({})).toBeUndefined();
  });

  it('release removes the lock; nothing else is left in the folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-lock3-'));
    try {
      const lock = await takeLock(dir);
      await lock.release();
      expect(existsSync(lock.file)).toBe(false);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
