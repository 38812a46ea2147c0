/**
 * The Co-I service's end-to-end tests (service.test.ts), unchanged, on PostgreSQL: products registry and service
 * store (users, tokens, grants, embargoes, audit, UWS jobs) in a fresh migrated schema. Skipped, saying so, when
 * no PostgreSQL server answers.
 */
import { describe, it } from 'vitest';
import { PG_DOWN } from '../../src/postgres/_test-pg.js';
import { useArchiveKind } from './_test-service.js';

if (PG_DOWN === undefined) {
  useArchiveKind('postgres');
  await import('./service.test.js');
} else {
  describe('Co-I service on PostgreSQL', () => {
    it.skip(`skipped: PostgreSQL not reachable (${PG_DOWN})`, () => undefined);
  });
}
