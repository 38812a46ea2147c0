/**
 * Locks per products folder and window (window-lock.ts): one holder at a time, waiters told who holds the lock,
 * a dead holder's lock (this host, pid gone) and an untouched lock of another host taken over, locks released
 * when the work throws; across processes, two writers of "the next version" in one folder never write the same
 * version. Waits are for conditions, never for a fixed time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { withWindowLocks } from './window-lock.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILT = path.join(ROOT, 'dist/telemetry/bus/window-lock.js');

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'idoc-lock-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const lockFile = (key: string) => path.join(dir, '.idoc-locks', `${key}.lock`);
/** A pid that is certainly gone: a child that ran and exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('window locks', () => {
  it('one holder at a time: the second waits (told who holds it) and runs after the first released', async () => {
    const order: string[] = [];
    let release!: () => void;
    const first = withWindowLocks(dir, ['hk@100'], async () => {
      order.push('first in');
      await new Promise<void>((r) => { release = r; });
      order.push('first out');
    });
    while (!existsSync(lockFile('hk@100'))) await sleep(5);
    const waits: { host: string; pid: number }[] = [];
    const second = withWindowLocks(dir, ['sci@100', 'hk@100'], async () => { order.push('second'); }, { pollMs: 10, onWait: (_k, h) => waits.push(h) });
    while (!waits.length) await sleep(5);
    expect(waits).toEqual([{ host: hostname(), pid: process.pid }]);
    expect(order).toEqual(['first in']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second']);
    expect(await readdir(path.join(dir, '.idoc-locks'))).toEqual([]);
  });

  it('takes over the lock of a dead process on this host at once', async () => {
    await mkdir(path.join(dir, '.idoc-locks'));
    await writeFile(lockFile('hk@0'), JSON.stringify({ host: hostname(), pid: deadPid(), nonce: 'x', started: '2026-01-01T00:00:00Z' }));
    const waits: string[] = [];
    expect(await withWindowLocks(dir, ['hk@0'], async () => 7, { onWait: (k) => waits.push(k) })).toBe(7);
    expect(waits).toEqual([]);
    expect(existsSync(lockFile('hk@0'))).toBe(false);
  });

  it('another host\'s lock: waited for while touched, taken over once untouched for staleMs', async () => {
    await mkdir(path.join(dir, '.idoc-locks'));
    await writeFile(lockFile('hk@0'), JSON.stringify({ host: 'elsewhere', pid: 1, nonce: 'y', started: '2026-01-01T00:00:00Z' }));
    const waits: { host: string; pid: number }[] = [];
    let ran = false;
    const run = withWindowLocks(dir, ['hk@0'], async () => { ran = true; }, { staleMs: 3_600_000, pollMs: 10, onWait: (_k, h) => waits.push(h) });
    while (!waits.length) await sleep(5);
    expect(waits).toEqual([{ host: 'elsewhere', pid: 1 }]);
    expect(ran).toBe(false);
    // Its holder stopped touching it two hours ago.
    const old = new Date(Date.now() - 7_200_000);
    await utimes(lockFile('hk@0'), old, old);
    await run;
    expect(ran).toBe(true);
  });

  it('released when the work throws', async () => {
    await expect(withWindowLocks(dir, ['hk@0'], async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(existsSync(lockFile('hk@0'))).toBe(false);
    expect(await withWindowLocks(dir, ['hk@0'], async () => 1, { onWait: () => { throw new Error('waited'); } })).toBe(1);
  });

  it.skipIf(!existsSync(BUILT))('two processes writing the next version of one window never write the same version', async () => {
    // Each process, 25 times, under the lock: find the highest version in the folder, yield, write the next with O_EXCL.
    const script = `
      const { withWindowLocks } = await import(${JSON.stringify(BUILT)});
      const fs = await import('node:fs/promises');
      const dir = process.argv[1];
      for (let i = 0; i < 25; i++) {
        await withWindowLocks(dir, ['hk@0'], async () => {
          const v = (await fs.readdir(dir)).filter((f) => f.startsWith('v')).map((f) => Number(f.slice(1))).reduce((a, b) => Math.max(a, b), 0);
          for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
          await fs.writeFile(dir + '/v' + (v + 1), String(process.pid), { flag: 'wx' });
        }, { pollMs: 2 });
      }`;
    const runs = [0, 1].map(() => new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      c.on('exit', (code) => resolve({ code, err }));
    }));
    for (const r of await Promise.all(runs)) expect(r.code, r.err).toBe(0);
    const versions = (await readdir(dir)).filter((f) => f.startsWith('v')).map((f) => Number(f.slice(1))).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  }, 60_000);
});
