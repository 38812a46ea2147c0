/**
 * The service port's contract suite (src/archive/service-contract.ts), unchanged, against the PostgreSQL service
 * store: a fresh migrated schema per test (dropped afterwards). Skipped, saying so, when no server answers.
 */
import { describe, it } from 'vitest';
import { serviceContract } from '../archive/service-contract.js';
import { freshPgArchive, PG_DOWN } from './_test-pg.js';
import { openPgServiceStore } from './index.js';

if (PG_DOWN === undefined) {
  serviceContract('PostgreSQL', async () => {
    const pg = await freshPgArchive('sv');
    return { open: () => openPgServiceStore({ target: pg.target }), dispose: pg.drop };
  });
} else {
  describe('service port contract: PostgreSQL', () => {
    it.skip(`skipped: PostgreSQL not reachable (${PG_DOWN})`, () => undefined);
  });
}
