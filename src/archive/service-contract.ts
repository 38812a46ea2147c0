/**
 * @module The service port's contract suite (issue 19): {@link serviceContract} registers the vitest tests every
 * implementation of service-port.ts passes (SQLite: src/store/service-contract.test.ts; PostgreSQL:
 * src/postgres/service-contract.test.ts), as contract.ts does for the archive port. Each test gets a fresh, empty
 * store; a second handle on the same store (another process, another host) sees what the first wrote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AuditEntry, JobRecord, ServiceStore, UserRecord } from './service-port.js';

/** A fresh, empty service store of the implementation under test. */
export interface ServiceUnderTest {
  /** Open a handle (may be called more than once: handles share the store). */
  open(): Promise<ServiceStore>;
  /** Remove the store (after every handle was closed). */
  dispose?(): Promise<void>;
}

const T = Date.UTC(2026, 0, 1);
const u = (name: string, role: UserRecord['role'] = 'co-investigator', extra: Partial<UserRecord> = {}): UserRecord =>
  ({ name, role, passwordHash: undefined, createdUnixMs: T, disabled: false, ...extra });
const jobOf = (id: string, owner: string, created: number, extra: Partial<JobRecord> = {}): JobRecord => ({
  id, owner, kind: 'tap', phase: 'PENDING', parameters: { QUERY: 'SELECT * FROM epn_core', LANG: 'ADQL' }, runId: undefined, createdUnixMs: created,
  startedUnixMs: undefined, endedUnixMs: undefined, executionDuration: 600, destructionUnixMs: undefined, error: undefined, results: [], ...extra,
});
/** What a record looks like once stored and read back (undefined fields absent, as JSON makes them). */
const stored = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/**
 * Register the contract tests of a service store implementation.
 * @param name the implementation, for the describe block
 * @param fresh makes a fresh, empty store for each test
 */
export function serviceContract(name: string, fresh: () => Promise<ServiceUnderTest>): void {
  describe(`service port contract: ${name}`, () => {
    let open: { s: ServiceUnderTest; handles: ServiceStore[] } | undefined;
    afterEach(async () => {
      if (!open) return;
      for (const h of open.handles) await h.close();
      await open.s.dispose?.();
      open = undefined;
    });
    const setup = async (): Promise<{ store: ServiceStore; another: () => Promise<ServiceStore> }> => {
      const s = await fresh();
      open = { s, handles: [] };
      const another = async () => { const h = await s.open(); open!.handles.push(h); return h; };
      return { store: await another(), another };
    };

    it('users: added once, read back, listed by name, disabled and enabled; a second handle sees them', async () => {
      const { store, another } = await setup();
      await store.users.add(u('zoe', 'operator', { passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', createdUnixMs: T + 5 }));
      await store.users.add(u('Alice'));
      await store.users.add(u('bob', 'public'));
      await expect(store.users.add(u('bob', 'operator'))).rejects.toThrow(/^user bob exists already$/);
      expect(await store.users.get('zoe')).toEqual({ name: 'zoe', role: 'operator', passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', createdUnixMs: T + 5, disabled: false });
      expect(await store.users.get('nobody')).toBeUndefined();
      expect((await store.users.list()).map((x) => x.name)).toEqual(['Alice', 'bob', 'zoe']);
      expect(await store.users.setDisabled('bob', true)).toBe(true);
      expect(await store.users.setDisabled('nobody', true)).toBe(false);
      const other = await another();
      expect(await other.users.get('bob')).toMatchObject({ role: 'public', disabled: true, passwordHash: undefined });
      expect(await other.users.setDisabled('bob', false)).toBe(true);
      expect((await store.users.get('bob'))?.disabled).toBe(false);
    });

    it('tokens: found by digest while live, listed per user in creation order, revoked one by one or all', async () => {
      const { store } = await setup();
      await store.users.add(u('alice'));
      await store.users.add(u('bob'));
      const tok = (id: string, user: string, at: number) => ({ id, user, digest: `d-${id}`, createdUnixMs: at, revokedUnixMs: undefined });
      await store.tokens.add(tok('t2', 'alice', T + 2));
      await store.tokens.add(tok('t1', 'alice', T + 1));
      await store.tokens.add(tok('t3', 'bob', T + 3));
      await expect(store.tokens.add(tok('t4', 'nobody', T))).rejects.toThrow();
      expect(await store.tokens.byDigest('d-t1')).toEqual(tok('t1', 'alice', T + 1));
      expect(await store.tokens.byDigest('d-none')).toBeUndefined();
      expect((await store.tokens.list('alice')).map((t) => t.id)).toEqual(['t1', 't2']);
      expect((await store.tokens.list()).map((t) => t.id)).toEqual(['t1', 't2', 't3']);
      expect(await store.tokens.revoke('t1', T + 10)).toBe(true);
      expect(await store.tokens.revoke('t1', T + 11)).toBe(false);
      expect(await store.tokens.revoke('unknown', T + 11)).toBe(false);
      expect(await store.tokens.byDigest('d-t1')).toBeUndefined();
      expect((await store.tokens.list('alice'))[0]).toEqual({ ...tok('t1', 'alice', T + 1), revokedUnixMs: T + 10 });
      expect(await store.tokens.revokeAll('alice', T + 20)).toBe(1);
      expect(await store.tokens.revokeAll('alice', T + 21)).toBe(0);
      expect(await store.tokens.byDigest('d-t2')).toBeUndefined();
      expect(await store.tokens.byDigest('d-t3')).toMatchObject({ user: 'bob' });
    });

    it('grants and embargoes: idempotent grants, sorted routes, embargoes set, replaced and lifted', async () => {
      const { store, another } = await setup();
      await store.users.add(u('alice'));
      for (const r of ['SIM_SCI', 'SIM_HK', 'SIM_SCI']) await store.grants.grant('alice', r);
      expect(await store.grants.routes('alice')).toEqual(['SIM_HK', 'SIM_SCI']);
      expect(await store.grants.routes('nobody')).toEqual([]);
      expect(await store.grants.ungrant('alice', 'SIM_HK')).toBe(true);
      expect(await store.grants.ungrant('alice', 'SIM_HK')).toBe(false);
      expect(await store.grants.routes('alice')).toEqual(['SIM_SCI']);
      await store.grants.setEmbargo('SIM_EVT', 6);
      await store.grants.setEmbargo('SIM_SCI', 12);
      await store.grants.setEmbargo('SIM_EVT', 0);
      await store.grants.setEmbargo('SIM_SCI', undefined);
      await store.grants.setEmbargo('NEVER_SET', undefined);
      expect(await (await another()).grants.embargoes()).toEqual(new Map([['SIM_EVT', 0]]));
    });

    it('audit log: most recent first, limited, what truncated to 2 KiB', async () => {
      const { store } = await setup();
      const e = (k: number): AuditEntry => ({ atUnixMs: T + k, who: k % 2 ? 'alice' : 'anonymous', token: k % 2 ? `t${k}` : undefined, method: 'GET', what: `/api/products?page=${k}`, status: 200 + k, from: '127.0.0.1' });
      for (let k = 0; k < 5; k++) await store.audit.record(e(k));
      await store.audit.record({ ...e(9), what: `/x?${'a'.repeat(5000)}` });
      const recent = await store.audit.recent(3);
      expect(recent.map((r) => r.atUnixMs)).toEqual([T + 9, T + 4, T + 3]);
      expect(recent[0]!.what).toHaveLength(2048);
      expect(recent[1]).toEqual(e(4));
      expect(recent[2]).toEqual(e(3));
      expect(await store.audit.recent(100)).toHaveLength(6);
    });

    it('UWS jobs: put replaces, get, list (all or one owner) in creation order, delete', async () => {
      const { store, another } = await setup();
      const a = jobOf('j-a', 'alice', T + 3);
      const b = jobOf('j-b', 'bob', T + 1);
      const c = jobOf('j-c', 'alice', T + 2, { runId: 'run 1', parameters: { z: '1', a: 'ü', m: '' } });
      for (const j of [a, b, c]) await store.jobs.put(j);
      const done = { ...a, phase: 'COMPLETED' as const, startedUnixMs: T + 4, endedUnixMs: T + 5, results: [{ id: 'result', mimeType: 'text/xml', size: 12, file: 'j-a/result.xml' }] };
      await store.jobs.put(done);
      const other = await another();
      expect(await other.jobs.get('j-a')).toEqual(stored(done));
      expect(Object.keys((await other.jobs.get('j-c'))!.parameters)).toEqual(['z', 'a', 'm']);
      expect(await other.jobs.get('nope')).toBeUndefined();
      expect((await other.jobs.list()).map((j) => j.id)).toEqual(['j-b', 'j-c', 'j-a']);
      expect((await other.jobs.list('alice')).map((j) => j.id)).toEqual(['j-c', 'j-a']);
      expect(await store.jobs.delete('j-c')).toBe(true);
      expect(await store.jobs.delete('j-c')).toBe(false);
      expect((await other.jobs.list('alice')).map((j) => j.id)).toEqual(['j-a']);
    });

    it('property: any sequence of grants and ungrants leaves the routes a set model holds', async () => {
      const { store } = await setup();
      await store.users.add(u('alice'));
      await fc.assert(fc.asyncProperty(
        fc.array(fc.record({ add: fc.boolean(), route: fc.constantFrom('A', 'B', 'C_1', 'b') }), { maxLength: 20 }),
        async (ops) => {
          for (const r of await store.grants.routes('alice')) await store.grants.ungrant('alice', r);
          const model = new Set<string>();
          for (const op of ops) {
            if (op.add) { await store.grants.grant('alice', op.route); model.add(op.route); } else {
              expect(await store.grants.ungrant('alice', op.route)).toBe(model.delete(op.route));
            }
          }
          expect(await store.grants.routes('alice')).toEqual([...model].sort());
        }), { numRuns: 25 });
    });
  });
}
