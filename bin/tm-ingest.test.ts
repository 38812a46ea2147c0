/**
 * Decoding during ingest (issue 16): a route with `decode` in idoc.json has its packets decoded into the
 * parameter archive when `idoc ingest` commits; `idoc tm query` then answers what `idoc tm decode --long` prints
 * for the same file. Ingesting the same packets again (duplicates, dropped by the archive) adds no sample.
 * The same on a PostgreSQL archive (read through the port; skipped, saying so, without a server), where a later
 * run's new packets are found by their arrival (PacketQuery afterArrival) and decoded once.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { runIdoc } from './_run-in-process.js';
import Database from 'better-sqlite3';
import { freshPgArchive, PG_DOWN, TEST_PG_URL } from '../src/postgres/_test-pg.js';
import { pgConnect } from '../src/postgres/index.js';
import { generateSim } from '../fixtures/sim-instrument.js';
import { writeWithDamage } from '../fixtures/damage.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const idoc = (...argv: string[]) => runIdoc(argv, { cwd: ROOT });

const work = mkdtempSync(path.join(tmpdir(), 'idoc-tm-ingest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('idoc ingest with a decoding route', () => {
  test('tm query answers what tm decode prints, once per packet', async () => {
    const base = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown>;
    mkdirSync(path.join(work, 'incoming'));
    mkdirSync(path.join(work, 'defs'));
    copyFileSync(path.join(ROOT, 'fixtures/sample-mission/sim-tm.xml'), path.join(work, 'defs', 'sim-tm.xml'));
    const config = path.join(work, 'idoc.json');
    writeFileSync(config, JSON.stringify({
      ...base,
      $schema: undefined,
      feeds: { incoming: { kind: 'drop-folder', dir: 'incoming' } },
      routes: { HK: { apids: [1100, 1101], decode: { defs: 'defs/sim-tm.xml' } }, SCI: { apids: [1110, 1120] } },
      archive: { dir: 'archive' },
    }));
    copyFileSync(path.join(ROOT, 'fixtures/sample/sim.dds'), path.join(work, 'incoming', 'a.dds'));
    const ing = await idoc('ingest', '--once', '--quiet', '--config', config);
    expect(ing.code, ing.err).toBe(0);

    const archive = path.join(work, 'archive');
    // A config with a decoding route keeps the arrival index (the new rows of each decoding are found through it).
    const index = new Database(path.join(archive, 'index.sqlite'), { readonly: true });
    expect(index.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'packets_arrival'").pluck().get()).toBe('packets_arrival');
    index.close();
    const q = await idoc('tm', 'query', 'DET_TEMP', 'HV_LEVEL', '--config', config, '--archive', archive);
    expect(q.code, q.err).toBe(0);
    const d = await idoc('tm', 'decode', 'fixtures/sample/sim.dds', '--config', 'fixtures/sample-mission/idoc.json', '--defs', 'fixtures/sample-mission/sim-tm.xml', '--long', '--param', 'DET_TEMP', 'HV_LEVEL');
    expect(d.code, d.err).toBe(0);
    const fromDecode = d.out.trim().split('\n').slice(1).map((l) => l.split(',')).map((c) => [c[0], c[1], c[3], c[4], c[5], c[6], c[7], c[8]].join(','));
    const fromQuery = q.out.trim().split('\n').slice(1);
    expect(fromQuery.length).toBe(600);
    expect([...fromQuery].sort()).toEqual([...fromDecode].sort());
    // The SCI route does not decode: none of its parameters is in the parameter archive.
    const sci = await idoc('tm', 'query', 'EVENT_TEXT', '--config', config, '--archive', archive);
    expect(sci.out.trim().split('\n').length).toBe(1);

    // The same packets again: the archive drops them as duplicates, nothing more is decoded.
    copyFileSync(path.join(ROOT, 'fixtures/sample/sim.dds'), path.join(work, 'incoming', 'b.dds'));
    const again = await idoc('ingest', '--once', '--quiet', '--config', config);
    expect(again.code, again.err).toBe(0);
    const q2 = await idoc('tm', 'query', 'DET_TEMP', '--config', config, '--archive', archive, '--stats');
    expect(q2.code, q2.err).toBe(0);
    expect(q2.out).toMatch(/DET_TEMP,[^,]*,[^,]*,300,/);
  });
});

describe.skipIf(PG_DOWN !== undefined)('idoc ingest with a decoding route on a PostgreSQL archive', () => {
  test('tm query answers what tm decode prints; duplicates add nothing; a later run adds exactly its packets', async () => {
    if (TEST_PG_URL !== undefined) process.env['IDOC_PG_URL'] ??= TEST_PG_URL;
    const pg = await freshPgArchive('tmi');
    try {
      const base = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown>;
      const at = path.join(work, 'pg');
      mkdirSync(path.join(at, 'incoming'), { recursive: true });
      const config = path.join(at, 'idoc.json');
      writeFileSync(config, JSON.stringify({
        ...base,
        $schema: undefined,
        feeds: { incoming: { kind: 'drop-folder', dir: 'incoming' } },
        routes: { HK: { apids: [1100, 1101], decode: { defs: path.join(ROOT, 'fixtures/sample-mission/sim-tm.xml') } }, SCI: { apids: [1110, 1120] } },
        archive: { kind: 'postgres', schema: pg.target.schema, dir: pg.dir },
      }));
      const ingest = async (name: string, bytes: Uint8Array) => {
        writeFileSync(path.join(at, 'incoming', name), bytes);
        const r = await idoc('ingest', '--once', '--quiet', '--config', config);
        expect(r.code, r.err).toBe(0);
      };
      const query = async () => {
        const q = await idoc('tm', 'query', 'DET_TEMP', 'HV_LEVEL', '--config', config, '--archive', pg.dir);
        expect(q.code, q.err).toBe(0);
        return q.out.trim().split(/\r?\n/).slice(1);
      };
      const decoded = async (file: string) => {
        const d = await idoc('tm', 'decode', file, '--config', 'fixtures/sample-mission/idoc.json', '--defs', 'fixtures/sample-mission/sim-tm.xml', '--long', '--param', 'DET_TEMP', 'HV_LEVEL');
        expect(d.code, d.err).toBe(0);
        return d.out.trim().split(/\r?\n/).slice(1).map((l) => l.split(',')).map((c) => [c[0], c[1], c[3], c[4], c[5], c[6], c[7], c[8]].join(','));
      };
      await ingest('a.dds', readFileSync(path.join(ROOT, 'fixtures/sample/sim.dds')));
      // The config decodes: its writer made the arrival index (on the partitioned table).
      const sql = pgConnect(pg.target, 1);
      try {
        const ix = await sql.unsafe('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [pg.target.schema, 'packets']);
        expect((ix as unknown as { indexname: string }[]).map((x) => x.indexname)).toContain('packets_arrival');
      } finally {
        await sql.end();
      }
      const first = await query();
      expect(first.length).toBe(600);
      expect([...first].sort()).toEqual([...(await decoded('fixtures/sample/sim.dds'))].sort());
      await ingest('b.dds', readFileSync(path.join(ROOT, 'fixtures/sample/sim.dds'))); // duplicates
      expect((await query()).length).toBe(600);
      // Another pass, a day later: only its packets are decoded (the earlier ones not twice).
      const later = path.join(at, 'later.dds');
      writeFileSync(later, writeWithDamage('x', await generateSim({ start: '2026-01-02T00:00:00Z', seconds: 120, seed: 7 }), 'dds', []).bytes);
      await ingest('c.dds', readFileSync(later));
      const all = await query();
      const added = await decoded(later);
      expect(added.length).toBeGreaterThan(0);
      expect([...all].sort()).toEqual([...first, ...added].sort());
    } finally {
      await pg.drop();
    }
  }, 60_000);
});
