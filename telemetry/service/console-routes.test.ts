/**
 * The console's HTTP surface without a browser: deny by default (401 on every data route without a session),
 * Co-I grants, hostile input (bad JSON, oversized bodies, path tricks, bad instants, random paths and queries:
 * a 4xx with one line, never a 500 or a stack trace), and the session cookie's attributes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMission } from '../../src/config/mission.js';
import { hashPassword, parseUsers, sessions } from './console-auth.js';
import { registerConsoleRoutes } from './console-routes.js';

let app: FastifyInstance;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'idoc-console-routes-'));
  const mission = await resolveMission({ config: path.join(import.meta.dirname, '../../fixtures/sample-mission/idoc.json') });
  const users = parseUsers(JSON.stringify({ users: [
    { name: 'op', role: 'operator', password: hashPassword('op-pass') },
    { name: 'coi', role: 'coi', instruments: ['OTHER'], password: hashPassword('coi-pass') },
  ] }), 'users.json');
  app = Fastify({ bodyLimit: 64 * 1024 });
  app.setErrorHandler((e: { statusCode?: number; message: string }, _req, reply) => {
    const code = e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    void reply.code(code).send({ error: code === 500 ? 'internal error' : e.message.split('\n')[0] });
  });
  registerConsoleRoutes(app, { sources: { mission, archiveDir: path.join(dir, 'archive'), productsDir: path.join(dir, 'l0'), requestsDir: path.join(dir, 'req') }, sessions: sessions(users), staticDir: dir });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function login(user: string, password: string): Promise<string> {
  const r = await app.inject({ method: 'POST', url: '/api/console/login', payload: { user, password } });
  expect(r.statusCode).toBe(200);
  return String(r.headers['set-cookie']).split(';')[0]!;
}

const DATA_ROUTES = ['/api/console/me', '/api/console/status', '/api/console/live', '/api/console/gaps', '/api/console/products', '/api/console/products/x',
  '/api/console/products/x/label', '/api/console/products/x/files/y', '/api/console/parameters', '/api/console/parameters/series?names=A', '/api/console/plans', '/api/console/plans/x', '/api/console/products/x/validation'];

describe('console routes', () => {
  it('deny every data route without a session, and with a made-up one', async () => {
    for (const url of DATA_ROUTES) {
      for (const cookie of [undefined, 'idoc_console=forged', 'idoc_console=']) {
        const r = await app.inject({ method: 'GET', url, ...(cookie ? { headers: { cookie } } : {}) });
        expect(r.statusCode, `${url} ${cookie}`).toBe(401);
      }
    }
    expect((await app.inject({ method: 'POST', url: '/api/console/gaps/request', payload: { id: 'x' } })).statusCode).toBe(401);
  });

  it('logs in with the right password only; the cookie is HttpOnly and SameSite=Strict; logout ends the session', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/console/login', payload: { user: 'op', password: 'nope' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/console/login', payload: { user: 'nobody', password: 'op-pass' } })).statusCode).toBe(401);
    const r = await app.inject({ method: 'POST', url: '/api/console/login', payload: { user: 'op', password: 'op-pass' } });
    expect(String(r.headers['set-cookie'])).toMatch(/^idoc_console=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = String(r.headers['set-cookie']).split(';')[0]!;
    expect((await app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie } })).json()).toEqual({ name: 'op', role: 'operator', instruments: ['*'] });
    await app.inject({ method: 'POST', url: '/api/console/logout', headers: { cookie }, payload: {} });
    expect((await app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('answers malformed requests with a 4xx and one line', async () => {
    const cookie = await login('op', 'op-pass');
    const cases = [
      { method: 'POST' as const, url: '/api/console/login', payload: '{"user": ', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/api/console/login', payload: { user: 1, password: [] } },
      { method: 'POST' as const, url: '/api/console/login', payload: 'x'.repeat(70_000), headers: { 'content-type': 'application/json' } },
      { method: 'GET' as const, url: '/api/console/gaps?from=yesterday', headers: { cookie } },
      { method: 'GET' as const, url: '/api/console/products?to=2026-13-45T00:00:00Z', headers: { cookie } },
      { method: 'GET' as const, url: '/api/console/parameters/series?names=', headers: { cookie } },
      { method: 'GET' as const, url: '/api/console/parameters/series?names=NOPE', headers: { cookie } },
      { method: 'POST' as const, url: '/api/console/gaps/request', payload: { id: '../../etc/passwd' }, headers: { cookie } },
      { method: 'GET' as const, url: '/api/console/products/..%2F..%2Fetc%2Fpasswd/files/passwd', headers: { cookie } },
      { method: 'GET' as const, url: '/console/assets/..%2F..%2Fpackage.json' },
    ];
    for (const c of cases) {
      const r = await app.inject(c);
      expect(r.statusCode, c.url).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, c.url).toBeLessThan(500);
      expect(r.body, c.url).not.toMatch(/\n\s+at /);
      expect(Object.keys(r.json() as object), c.url).toEqual(['error']);
    }
  });

  it('a Co-I without the instrument may not write DDS requests', async () => {
    const cookie = await login('coi', 'coi-pass');
    expect((await app.inject({ method: 'POST', url: '/api/console/gaps/request', payload: { id: 'IDOC_1100_20260101T000011Z--20260101T000015Z' }, headers: { cookie } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie } })).json()).toEqual({ name: 'coi', role: 'coi', instruments: ['OTHER'] });
  });

  it('never answers 500 to random paths, queries and bodies (property)', async () => {
    const cookie = await login('op', 'op-pass');
    const seg = fc.stringMatching(/^[\w.%~-]{0,24}$/);
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('status', 'gaps', 'products', 'parameters', 'parameters/series', 'plans', 'gaps/request', 'login'),
      fc.array(seg, { maxLength: 3 }), fc.dictionary(fc.constantFrom('from', 'to', 'names', 'instrument', 'apid', 'quality'), fc.string({ maxLength: 30 })),
      fc.constantFrom('GET', 'POST'), fc.option(fc.string({ maxLength: 200 })), fc.boolean(),
      async (base, rest, query, method, body, withSession) => {
        const url = `/api/console/${[base, ...rest].filter(Boolean).join('/')}?${new URLSearchParams(query)}`;
        const r = await app.inject({ method: method as 'GET' | 'POST', url, ...(body !== null && method === 'POST' ? { payload: body, headers: { 'content-type': 'application/json', ...(withSession ? { cookie } : {}) } } : withSession ? { headers: { cookie } } : {}) });
        expect(r.statusCode, `${method} ${url}`).toBeLessThan(500);
      },
    ), { numRuns: 300 });
  });
});
