/**
 * A disk that fills during ingest (issue 3): the run stops with one clear error naming the archive, every batch
 * committed before stays, nothing half-written is visible, the file being ingested stays in the drop folder (no
 * cursor moved past it), and a later run with room completes the archive exactly.
 */
import { describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { openArchive, openArchiveWriter, type ArchiveWriter } from '../../src/store/index.js';
import { BUILT_WRITER_WORKER } from '../../src/store/_test-packets.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { dropFolderFeed } from '../feeds/drop-folder.js';
import { generateSim, SIM_TIME } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { ingestOnce } from './run-once.js';
import { ArchiveWriteError } from './ingest-unit.js';
import { silentLogger } from './log.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const router = { dispatch: () => ({ name: 'ALL', archive: true }) };

describe('ingest when the archive disk fills', () => {
  it('stops with one line naming the archive; committed batches stay; a run with room completes it exactly', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'idoc-full-'));
    const drop = path.join(work, 'drop');
    const archiveDir = path.join(work, 'archive');
    await (await import('node:fs/promises')).mkdir(drop);
    const { bytes, truth } = writeWithDamage('big.dds', await generateSim({ seconds: 3600 }), 'dds', []);
    await writeFile(path.join(drop, 'big.dds'), bytes);
    await copyFile(path.join(ROOT, 'fixtures/sample/sim.bin'), path.join(drop, 'a_small.bin'));
    const feed = dropFolderFeed({ name: 'drop', dir: drop, pollMs: 20 });
    // The SIM time code (CUC 4+2 from 2000): its packets carry synchronised on-board times, the same in both files.
    const ctx = (archive: ArchiveWriter) => ({ archive, router, profile: { ...PROFILE_PRESETS['pus-c']!, time: SIM_TIME }, read: { crc: 'auto' as const } });

    // A tiny page budget: the index fills partway through the big file. The writer on its thread, as the
    // command runs it (when built; from sources on this thread).
    const thread = BUILT_WRITER_WORKER ? { workerFile: BUILT_WRITER_WORKER } : {};
    const small = await openArchiveWriter(archiveDir, { maxPageCount: 60, ...thread });
    let error: unknown;
    try {
      await ingestOnce([feed], ctx(small), silentLogger);
    } catch (e) {
      error = e;
    } finally {
      await small.close();
    }
    expect(error).toBeInstanceOf(ArchiveWriteError);
    expect((error as Error).message).toMatch(new RegExp(`^${archiveDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: archive disk full`));
    expect((error as Error).message.split('\n')).toHaveLength(1);
    // What was committed is readable and consistent; the big file was not moved to done/.
    const partial = openArchive(archiveDir, { readonly: true });
    const kept = partial.status().packets;
    partial.close();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(truth.packets);
    expect(await readdir(drop)).toContain('big.dds');

    // With room again, the next run stores the rest: exactly the distinct packets of both files.
    const roomy = await openArchiveWriter(archiveDir, thread);
    try {
      const r = await ingestOnce([dropFolderFeed({ name: 'drop', dir: drop, pollMs: 20 })], ctx(roomy), silentLogger);
      expect(r.exitCode).toBe(0);
    } finally {
      await roomy.close();
    }
    // sim.bin holds the same first 300 s of SIM telemetry as big.dds: its packets are duplicates (the same
    // synchronised on-board times; a plain file's receipt time says nothing of when they were sent).
    const full = openArchive(archiveDir, { readonly: true });
    expect(full.status().packets).toBe(truth.packets);
    full.close();
    expect((await readdir(path.join(drop, 'done'))).sort()).toEqual(['a_small.bin', 'big.dds']);
  }, 60_000);
});
