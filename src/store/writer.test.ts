import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../ccsds/profile.js';
import { InputError } from '../errors.js';
import { INDEX_FILE, openArchive, openArchiveWriter, type ArchiveWriter, type WriterOptions } from './index.js';
import { BUILT_WRITER_WORKER, framed, items, pusPacket } from './_test-packets.js';
import type { StoredPacketInput } from './types.js';

const P = DEFAULT_PROFILE;
const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-writer-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

/** Fill one of the writer's builders with `its`. */
function fill(w: ArchiveWriter, its: readonly StoredPacketInput[]) {
  const b = w.batch();
  for (const it of its) b.add(it.packet, it.tai, it.route, it.feed, it.source, it.receivedUnixMs);
  return b;
}
const hk = (from: number, n: number) => items(framed(Array.from({ length: n }, (_, i) => pusPacket(1100, from + i, 1000 + from + i, i & 0xff))), P, { route: 'HK' });
const stored = (dir: string) => {
  const a = openArchive(dir, { readonly: true });
  const rows = [...a.query()].map((r) => [r.apid, r.sequenceCount, r.route, Buffer.from(a.bytesOf(r)).toString('hex')]);
  a.close();
  return rows;
};

// The threaded writer needs its compiled worker (npm test builds it first); from sources alone it is skipped.
const modes: [string, WriterOptions | undefined][] = [
  ['on its worker thread', BUILT_WRITER_WORKER ? { workerFile: BUILT_WRITER_WORKER } : undefined],
  ['on the calling thread', { thread: 'never' }],
];

describe.each(modes)('openArchiveWriter() %s', (_name, opts) => {
  const maybe = opts ? it : it.skip; // skipped visibly when dist/ is not built

  maybe('stores batches in order, deduplicates, and commits each cursor with its batch', async () => {
    const dir = tmp();
    const w = await openArchiveWriter(dir, opts);
    expect(w.threaded).toBe(opts!.thread !== 'never');
    // Three batches handed over without waiting: they commit in order; the third repeats the first.
    const rs = await Promise.all([
      w.store(fill(w, hk(0, 300))),
      w.store(fill(w, hk(300, 300)), { feed: 'f', value: 'c1' }),
      w.store(fill(w, hk(0, 300)), { feed: 'f', value: 'c2' }),
    ]);
    expect(rs).toMatchObject([{ stored: 300, duplicates: 0, repeats: 0 }, { stored: 300, duplicates: 0, repeats: 0 }, { stored: 0, duplicates: 300, repeats: 0 }]);
    expect(w.cursor('f')).toBe('c2');
    await w.close();
    const reference = openArchive(tmp());
    reference.storeBatch([...hk(0, 300), ...hk(300, 300)]);
    const want = [...reference.query()].map((r) => [r.apid, r.sequenceCount, r.route, Buffer.from(reference.bytesOf(r)).toString('hex')]);
    reference.close();
    expect(stored(dir)).toEqual(want);
    // Reopened: the cursor is read back.
    const again = await openArchiveWriter(dir, opts);
    expect(again.cursor('f')).toBe('c2');
    expect(await again.store(again.batch(), { feed: 'g', value: 'x' })).toMatchObject({ stored: 0, duplicates: 0, repeats: 0 });
    await again.close();
    const a = openArchive(dir, { readonly: true });
    expect(a.cursor('g')).toBe('x');
    a.close();
  });

  maybe('close() waits for what is in flight', async () => {
    const dir = tmp();
    const w = await openArchiveWriter(dir, opts);
    const pending = w.store(fill(w, hk(0, 5000)), { feed: 'f', value: 'end' });
    await w.close();
    expect(await pending).toMatchObject({ stored: 5000, duplicates: 0, repeats: 0 });
    expect(stored(dir)).toHaveLength(5000);
  });

  maybe('a disk that fills rejects the batch with an InputError naming the archive; what committed stays', async () => {
    const dir = tmp();
    const w = await openArchiveWriter(dir, { ...opts, maxPageCount: 40 });
    let committed = 0;
    let error: unknown;
    for (let k = 0; k < 50 && !error; k++) {
      try {
        committed += (await w.store(fill(w, hk(k * 1000, 1000)), { feed: 'f', value: `c${k}` })).stored;
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: archive disk full`));
    expect(committed).toBeGreaterThan(0);
    expect(w.cursor('f')).toBe(`c${committed / 1000 - 1}`);
    await w.close();
    expect(stored(dir)).toHaveLength(committed);
  });

  maybe('an archive that cannot be opened is an InputError naming it', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, INDEX_FILE), 'not a database, just text '.repeat(200));
    const e = await openArchiveWriter(dir, opts).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message.startsWith(`${dir}: `)).toBe(true);
  });
});
