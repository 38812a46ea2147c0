/**
 * The service's packet, parameter and job tests (data.test.ts), unchanged, on PostgreSQL: the packets stored in a
 * fresh migrated schema (segment files in the archive directory), products registry and service store there too;
 * extraction, decoding and rebuild jobs open the archive in their worker from a config naming the schema. Skipped,
 * saying so, when no PostgreSQL server answers.
 */
import { describe, it } from 'vitest';
import { PG_DOWN } from '../../src/postgres/_test-pg.js';
import { useArchiveKind } from './_test-service.js';

if (PG_DOWN === undefined) {
  useArchiveKind('postgres');
  await import('./data.test.js');
} else {
  describe('Co-I service data and jobs on PostgreSQL', () => {
    it.skip(`skipped: PostgreSQL not reachable (${PG_DOWN})`, () => undefined);
  });
}
