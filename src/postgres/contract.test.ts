/**
 * The archive port's shared contract suite (src/archive/contract.ts), unchanged, against the PostgreSQL archive:
 * each test gets a fresh schema (dropped afterwards) and a fresh shared-files directory. Skipped, saying so,
 * when no PostgreSQL server answers.
 */
import { describe, it } from 'vitest';
import { archiveContract } from '../archive/contract.js';
import { freshPgArchive, PG_DOWN } from './_test-pg.js';
import { openPgArchiveReader, openPgArchiveWriter } from './index.js';

if (PG_DOWN === undefined) {
  archiveContract('PostgreSQL + shared segment files', async () => {
    const pg = await freshPgArchive('ct');
    return {
      writer: () => openPgArchiveWriter({ target: pg.target, dir: pg.dir, fsync: false, arrivalIndex: true }),
      reader: () => openPgArchiveReader({ target: pg.target, dir: pg.dir }),
      dispose: pg.drop,
    };
  });
} else {
  describe('archive port contract: PostgreSQL', () => {
    it.skip(`skipped: PostgreSQL not reachable (${PG_DOWN})`, () => undefined);
  });
}
