/**
 * A reader opening an archive that a writer is still creating (issue 13; the daemon test's old flake: "schema
 * version 0 … migrate"): it waits for the schema instead of failing, and says plainly when none comes.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { INDEX_FILE, openArchive } from './archive.js';

const DIST_ARCHIVE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src/store/archive.js');

describe('openArchive({ readonly }) on an archive being created', () => {
  it.skipIf(!existsSync(DIST_ARCHIVE))('waits until the writer has committed the schema (writer in another process; needs dist/)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-creating-'));
    try {
      // The index file exists without a schema: what a reader sees between the writer's open and its migration.
      new Database(path.join(dir, INDEX_FILE)).close();
      const writer = spawn(process.execPath, ['-e', `setTimeout(() => import(${JSON.stringify(pathToFileURL(DIST_ARCHIVE).href)}).then((m) => m.openArchive(${JSON.stringify(dir)}).close()), 400)`], { stdio: 'ignore' });
      const exited = new Promise((r) => writer.on('exit', r));
      // A loaded CI machine can take seconds to start the writer's process: wait as long as the test may run.
      const a = openArchive(dir, { readonly: true, creatingWaitMs: 50_000 });
      expect(a.apids()).toEqual([]);
      a.close();
      await exited;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('says the archive is being created when no schema comes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-creating-'));
    try {
      new Database(path.join(dir, INDEX_FILE)).close();
      expect(() => openArchive(dir, { readonly: true })).toThrow(/is being created \(no schema yet after 5 s\)/);
      expect(() => openArchive(dir, { readonly: true, creatingWaitMs: 200 })).toThrow(/is being created \(no schema yet after 0\.2 s\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
