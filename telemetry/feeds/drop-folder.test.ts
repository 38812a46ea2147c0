import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropFolderFeed } from './drop-folder.js';
import { pullAll, SAMPLE, unitBytes } from './_testing.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idoc-drop-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const signal = (): AbortSignal => new AbortController().signal;

describe('dropFolderFeed()', () => {
  it('takes a finished file after two looks, once; complete() moves it to done/', async () => {
    const bytes = await readFile(SAMPLE('sim.bin'));
    await writeFile(path.join(dir, 'pass1.bin'), bytes);
    const feed = dropFolderFeed({ name: 'drop', dir, pollMs: 20 });
    const units = await pullAll(feed.pull(undefined, signal()));
    expect(units.map((u) => [u.unit.source, u.unit.cursorAfter, u.unit.framing])).toEqual([[path.join(dir, 'pass1.bin'), 'pass1.bin', 'auto']]);
    expect(units[0]!.bytes.equals(bytes)).toBe(true);
    expect(await readdir(dir)).toEqual(['done']);
    expect((await readFile(path.join(dir, 'done', 'pass1.bin'))).equals(bytes)).toBe(true);
    expect(await pullAll(feed.pull(undefined, signal()))).toEqual([]);
  });

  it('leaves a file that is still growing, and takes it whole once it stops', async () => {
    const file = path.join(dir, 'growing.dds');
    const bytes = await readFile(SAMPLE('sim.dds'));
    await writeFile(file, bytes.subarray(0, 1000));
    const feed = dropFolderFeed({ name: 'drop', dir, pollMs: 60 });
    let at = 1000;
    let chain = Promise.resolve();
    const writer = setInterval(() => {
      const next = Math.min(bytes.length, at + 500);
      const part = bytes.subarray(at, next);
      chain = chain.then(() => appendFile(file, part));
      at = next;
    }, 10);
    try {
      expect(await pullAll(feed.pull(undefined, signal()), false)).toEqual([]);
    } finally {
      clearInterval(writer);
    }
    await chain;
    await appendFile(file, bytes.subarray(at));
    const units = await pullAll(feed.pull(undefined, signal()));
    expect(units).toHaveLength(1);
    expect(units[0]!.bytes.equals(bytes)).toBe(true);
  });

  it('a file not completed is offered again by the next pull', async () => {
    await writeFile(path.join(dir, 'a.bin'), 'x');
    const feed = dropFolderFeed({ name: 'drop', dir, pollMs: 10 });
    expect(await pullAll(feed.pull(undefined, signal()), false)).toHaveLength(1);
    expect(await pullAll(feed.pull(undefined, signal()), false)).toHaveLength(1);
  });

  it('a name already in done/ gets a suffix', async () => {
    await mkdir(path.join(dir, 'done'));
    await writeFile(path.join(dir, 'done', 'a.bin'), 'first');
    await writeFile(path.join(dir, 'done', 'a.1.bin'), 'second');
    await writeFile(path.join(dir, 'a.bin'), 'third');
    await pullAll(dropFolderFeed({ name: 'drop', dir, pollMs: 10 }).pull(undefined, signal()));
    expect((await readdir(path.join(dir, 'done'))).sort()).toEqual(['a.1.bin', 'a.2.bin', 'a.bin']);
    expect(await readFile(path.join(dir, 'done', 'a.2.bin'), 'utf8')).toBe('third');
  });

  it('reject() moves the file to rejected/ with <name>.reason beside it', async () => {
    await writeFile(path.join(dir, 'junk.txt'), 'hello');
    for await (const u of dropFolderFeed({ name: 'drop', dir, pollMs: 10 }).pull(undefined, signal())) {
      await unitBytes(u);
      await u.reject('no packets found\nin the whole file');
    }
    expect((await readdir(path.join(dir, 'rejected'))).sort()).toEqual(['junk.txt', 'junk.txt.reason']);
    expect(await readFile(path.join(dir, 'rejected', 'junk.txt.reason'), 'utf8')).toBe('no packets found in the whole file\n');
  });

  it('ignores dot files, copies in progress (*.tmp, *.part) and folders; uses the configured framing and folders', async () => {
    await writeFile(path.join(dir, '.hidden'), 'x');
    await writeFile(path.join(dir, 'a.tmp'), 'x');
    await writeFile(path.join(dir, 'b.part'), 'x');
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'p.bin'), 'x');
    const done = path.join(dir, 'archive-done');
    const units = await pullAll(dropFolderFeed({ name: 'drop', dir, pollMs: 10, framing: 'prefix', prefixBytes: 4, doneDir: done }).pull(undefined, signal()));
    expect(units.map((u) => [u.unit.cursorAfter, u.unit.framing, u.unit.prefixBytes])).toEqual([['p.bin', 'prefix', 4]]);
    expect(await readdir(done)).toEqual(['p.bin']);
  });
});
