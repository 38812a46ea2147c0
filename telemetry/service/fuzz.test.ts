/**
 * Hostile requests against the running service (fast-check): random paths, methods, headers, huge and garbage
 * bodies, ADQL injection, path traversal in downloads, bad tokens, malformed HTTP. The service answers 4xx with a
 * problem document (a TAP query asking VOTable: a VOTable with QUERY_STATUS ERROR, DALI 1.1 §4.4.1), never 5xx, never shows another route's products, and stays up.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../fixtures/raw-http.js';
import { startTestService, type TestService } from './_test-service.js';

let s: TestService;
beforeAll(async () => { s = await startTestService(); }, 180_000);
afterAll(async () => { await s?.close(); });

/** Routes bob (SIM_SCI) must never see, unless his own request named them (a 404 detail echoes the path). */
const SECRET = /sim_hk_fast|sim_hk_slow/i;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;
const KNOWN = ['/catalogue/products', '/catalogue/products.geojson', '/catalogue/products/x', '/tap/sync', '/tap/async', '/tap/async/abc/phase', '/jobs', '/whoami', '/tap/tables', '/catalogue/refresh', '/openapi.json',
  '/packets', '/parameters', '/parameters/PKT_APID', '/parameters/DET_TEMP', '/jobs/extract', '/jobs/decode', '/jobs/rebuild', '/jobs/extract/abc', '/jobs/decode/abc/results/parameters'];

async function send(method: string, url: string, headers: Record<string, string>, body?: string | Uint8Array): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${s.url}${url}`, { method, headers, redirect: 'manual', ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]) } : {}) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

function checkAnswer(r: { status: number; type: string; text: string }, method: string, url: string): void {
  expect(r.status, `${method} ${url}`).toBeLessThan(500);
  if (r.status >= 400 && method !== 'HEAD' && url.startsWith('/tap/sync') && r.type.startsWith('application/x-votable+xml')) {
    // TAP errors for a VOTable request are VOTables with QUERY_STATUS ERROR (DALI 1.1 §4.4.1).
    expect(r.text).toContain('<INFO name="QUERY_STATUS" value="ERROR">');
  } else if (r.status >= 400 && method !== 'HEAD') {
    expect(r.type, `${method} ${url}`).toMatch(/^application\/problem\+json/);
    const d = JSON.parse(r.text) as { status: number };
    expect(d.status).toBe(r.status);
    expect(r.text).not.toMatch(/\.(ts|js):\d+/);
  }
  let decoded = url;
  try { decoded = decodeURIComponent(url); } catch { /* keep */ }
  if (SECRET.test(r.text)) expect(SECRET.test(decoded) || SECRET.test(url), `${method} ${url} leaked another route`).toBe(true);
}

const segment = fc.oneof(fc.constantFrom('..', '.', '%2e%2e', '%2F', 'catalogue', 'products', 'tap', 'async', 'sync', 'files', 'label', 'jobs', '%00', '%ff', '~', 'phase', 'packets', 'parameters', 'extract', 'decode', 'rebuild', 'results'), fc.string({ maxLength: 12 }).map(encodeURIComponent));
const fuzzPath = fc.oneof(fc.constantFrom(...KNOWN), fc.array(segment, { minLength: 1, maxLength: 6 }).map((p) => `/${p.join('/')}`));
const query = fc.oneof(fc.constant(''), fc.dictionary(fc.constantFrom('route', 'limit', 'offset', 'bbox', 'from', 'to', 'LANG', 'QUERY', 'MAXREC', 'sort', 'PHASE', 'WAIT', 'level', 'x', 'apid', 'format'), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('1100', '1101', '1120', '2047', '-1', '2025-01-01T00:00:00Z', 'binary', 'csv')), { maxKeys: 4 })
  .map((d) => `?${new URLSearchParams(d).toString()}`));
const auth = fc.oneof(fc.constant(undefined), fc.constant('bob'), fc.string({ maxLength: 40 }).map((x) => `Bearer ${x}`), fc.string({ maxLength: 40 }).map((x) => `Basic ${Buffer.from(x).toString('base64')}`), fc.constantFrom('Bearer', 'Basic', 'Basic ::::', 'Digest x', 'Bearer idoc_000000000000_AAAA'));
const contentType = fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', 'application/xml', 'garbage/\u00ff');
const body = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 300 }), fc.json(), fc.constantFrom('{"LANG":"ADQL","QUERY":"SELECT * FROM idoc.epn_core"}', 'LANG=ADQL&QUERY=SELECT%20*%20FROM%20idoc.epn_core', 'LANG=ADQL&LANG=ADQL', '{"a":'.repeat(1000), 'null', '[]',
  'APID=1100,1101&FROM=2025-01-01T00:00:00Z&TO=2025-01-01T00:01:00Z&PHASE=RUN', 'APID=1100&FROM=x&TO=y', 'PARAMETER=../../etc/passwd&FORMAT=parquet', "PARAMETER=DET_TEMP'--&PHASE=RUN", 'ROUTE=SIM_HK_FAST&FROM=2025-01-01T00:00:00Z&TO=2025-01-01T00:01:00Z&PHASE=RUN', 'ROUTE=..%2F..&FROM=2025-01-01T00:00:00Z&TO=2025-01-01T00:01:00Z'));

describe('fuzzing the service', () => {
  it('random requests: never a 5xx, every error a problem document, no other route shown', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...METHODS), fuzzPath, query, auth, contentType, body, async (method, p, q, a, ct, b) => {
      const headers: Record<string, string> = {};
      if (a === 'bob') headers['authorization'] = `Bearer ${s.tokens.other}`;
      else if (a !== undefined) headers['authorization'] = a;
      if (ct !== undefined) headers['content-type'] = ct;
      let r;
      try { r = await send(method, p + q, headers, b); } catch (e) {
        // fetch itself refuses some header values (non-Latin-1): nothing reached the server.
        if (e instanceof TypeError) return;
        throw e;
      }
      checkAnswer(r, method, p + q);
    }), { numRuns: 400 });
  }, 120_000);

  it('ADQL injection and garbage queries are 400s, never other tables or rows bob may not read', async () => {
    const piece = fc.constantFrom('SELECT', '*', 'FROM', 'idoc.epn_core', 'users', 'tokens', 'WHERE', "'x'", "' OR '1'='1", ';', '--', 'DROP', 'TABLE', 'UNION', 'route', '=', 'OR', '1', '(', ')', 'LIKE', "'%'", 'password', 'sqlite_master', '"', "'");
    await fc.assert(fc.asyncProperty(fc.array(piece, { maxLength: 14 }), fc.constantFrom('votable', 'csv', 'json'), async (parts, fmt) => {
      const qtext = parts.join(' ');
      const url = `/tap/sync?LANG=ADQL&RESPONSEFORMAT=${fmt}&QUERY=${encodeURIComponent(qtext)}`;
      const r = await send('GET', url, { authorization: `Bearer ${s.tokens.other}` });
      expect(r.status, qtext).toBeLessThan(500);
      expect(r.text).not.toMatch(/scrypt\$|idoc_[0-9a-f]{12}_/);
      if (r.status === 200) expect(SECRET.test(r.text), qtext).toBe(false);
    }), { numRuns: 300 });
  }, 120_000);

  it('path traversal in downloads and huge bodies are refused cleanly', async () => {
    const lid = encodeURIComponent('urn:esa:psa:sample_sim:data_raw:sim_sci_l0_20250101t000000::1.0');
    await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom('..', '%2e%2e', '..%2f', '%2F', 'etc', 'passwd', 'service.sqlite', 'index.sqlite', 'archive', '%00', 'sim_hk_fast'), { minLength: 1, maxLength: 8 }), async (parts) => {
      const url = `/catalogue/products/${lid}/files/${parts.join('%2F')}`;
      const r = await send('GET', url, { authorization: `Bearer ${s.tokens.other}` });
      expect(r.status, url).toBe(404);
      checkAnswer(r, 'GET', url);
    }), { numRuns: 100 });
    const big = await send('POST', '/tap/sync', { authorization: `Bearer ${s.tokens.other}`, 'content-type': 'application/json' }, Buffer.alloc(3 << 20, 0x61));
    expect(big.status).toBe(413);
    checkAnswer(big, 'POST', '/tap/sync');
  }, 60_000);

  it('bob never gets packets or samples of routes not his, whatever the query; job result names never reach the file system', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 1095, max: 1125 }), { minLength: 1, maxLength: 5 }), fc.constantFrom('ndjson', 'binary'), async (apids, format) => {
      const url = `/packets?${apids.map((a) => `apid=${a}`).join('&')}&format=${format}`;
      const r = await send('GET', url, { authorization: `Bearer ${s.tokens.other}` });
      expect(r.status).toBe(200);
      if (format === 'ndjson') for (const l of r.text.split('\n').filter(Boolean)) expect(['SIM_SCI', 'SIM_EVT']).toContain((JSON.parse(l) as { route: string }).route);
    }), { numRuns: 40 });
    const res = await fetch(`${s.url}/jobs/extract`, { method: 'POST', redirect: 'manual', headers: { authorization: `Bearer ${s.tokens.other}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'APID=1110&FROM=2025-01-01T00:00:00Z&TO=2025-01-01T00:01:00Z' });
    expect(res.status).toBe(303);
    const loc = res.headers.get('location')!;
    await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom('..', '%2e%2e', '..%2f', '%2F', 'etc', 'passwd', 'service.sqlite', 'index.sqlite', 'packets.dat', 'index.csv', '%00', 'result'), { minLength: 1, maxLength: 6 }), async (parts) => {
      const url = `${loc}/results/${parts.join('%2F')}`;
      const r = await send('GET', url, { authorization: `Bearer ${s.tokens.other}` });
      expect([400, 404], url).toContain(r.status);
      checkAnswer(r, 'GET', url);
    }), { numRuns: 60 });
  }, 60_000);

  it('malformed HTTP gets a 4xx and the service stays up', async () => {
    for (const raw of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', `GET /${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, `GET / HTTP/1.1\r\nHost: x\r\nX: ${'b'.repeat(20_000)}\r\n\r\n`, 'GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', '\x00\x01\x02\r\n\r\n']) {
      const got = await rawRequest(s.port, raw);
      if (got !== '') expect(got, JSON.stringify(raw.slice(0, 30))).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    const r = await send('GET', '/tap/availability', {});
    expect(r.status).toBe(200);
  });
});
