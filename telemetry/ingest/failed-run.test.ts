/**
 * A failed run leaves nothing behind (issue 13): `ingest --once` whose feed is down exits 2 with one line and
 * leaves no lock and no temporary file; a full archive disk gives the same one-line error on every retry, and no
 * temporary file either.
 */
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../bin/idoc.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { openArchiveWriter } from '../../src/store/index.js';
import { dropFolderFeed } from '../feeds/drop-folder.js';
import { ingestOnce } from './run-once.js';
import { silentLogger } from './log.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every file under `dir`, relative. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
  return out.sort();
}

describe('a failed run leaves nothing behind', () => {
  it('feed down: exit 2, one line, no lock and no temporary file in the archive', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-failed-'));
    try {
      const s = net.createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      const port = (s.address() as AddressInfo).port;
      await new Promise<void>((r) => s.close(() => r()));
      const config = JSON.parse(await readFile(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown>;
      delete config['$schema'];
      config['feeds'] = { web: { kind: 'http', url: `http://127.0.0.1:${port}`, timeoutSeconds: 5 } };
      config['archive'] = { dir: 'archive' };
      await writeFile(path.join(dir, 'idoc.json'), JSON.stringify(config));
      const err: string[] = [];
      const code = await run(['ingest', '--once', '--quiet', '--config', path.join(dir, 'idoc.json')], { out: () => undefined, err: (t) => void err.push(t), errIsTty: false });
      expect(code).toBe(2);
      const files = await filesUnder(path.join(dir, 'archive'));
      expect(files.filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'))).toEqual([]);
      expect(err.join('')).not.toMatch(/\n\s+at /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('archive disk full: the same one line on every retry, no temporary file', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'idoc-full-again-'));
    try {
      const drop = path.join(work, 'drop');
      const archiveDir = path.join(work, 'archive');
      await mkdir(drop);
      for (let i = 0; i < 6; i++) await copyFile(path.join(ROOT, 'fixtures/sample/sim.dds'), path.join(drop, `sim${i}.dds`));
      const messages: string[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const a = await openArchiveWriter(archiveDir, { maxPageCount: 12, fsync: false });
        try {
          await ingestOnce([dropFolderFeed({ name: 'drop', dir: drop, pollMs: 10 })], { archive: a, router: { dispatch: (p) => ({ name: `R${p.apid}`, archive: true }) }, profile: PROFILE_PRESETS['pus-c']!, read: { crc: 'auto' } }, silentLogger);
          messages.push('no error');
        } catch (e) {
          messages.push((e as Error).message);
        } finally {
          await a.close();
        }
      }
      expect(messages[0]).toMatch(/archive disk full/);
      expect(messages[0]!.split('\n')).toHaveLength(1);
      expect(new Set(messages).size).toBe(1);
      expect((await filesUnder(archiveDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);
});
