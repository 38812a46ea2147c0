/**
 * The Co-I service end to end over HTTP, on products built from the simulated instrument (fixtures): access
 * matrix, tokens, OpenAPI (and every JSON response checked against its schema there), catalogue facets, downloads,
 * GeoJSON, EPN-TAP sync, UWS jobs, audit, rate limits.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestService, type TestService } from './_test-service.js';
import { newToken, tokenDigest } from './auth.js';
import { buildService } from './server.js';

let s: TestService;
beforeAll(async () => { s = await startTestService(); }, 180_000);
afterAll(async () => { await s?.close(); });

const enc = encodeURIComponent;
const LID = (route: string, hour: '00' | '01' = '00') => `urn:esa:psa:sample_sim:data_raw:${route.toLowerCase()}_l0_20250101t${hour}0000::1.0`;
const json = <T = Record<string, unknown>>(body: string): T => JSON.parse(body) as T;

// ---- responses against the OpenAPI document ---------------------------------------------------------------------
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: { schemas: Record<string, unknown> } };
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
(addFormats as unknown as typeof addFormats.default)(ajv);
const inline = (x: unknown): unknown => Array.isArray(x) ? x.map(inline)
  : x && typeof x === 'object' ? ((x as { $ref?: string }).$ref?.startsWith('#/components/schemas/') ? doc.components.schemas[(x as { $ref: string }).$ref.split('/').pop()!]
    : Object.fromEntries(Object.entries(x).map(([k, v]) => [k, inline(v)]))) : x;
/** Validate a JSON body against the documented schema of (method, path template, status). */
function conforms(method: string, template: string, status: number, body: string): void {
  const r = doc.paths[template]?.[method]?.responses[String(status)];
  expect(r, `${method} ${template} ${status} documented`).toBeDefined();
  const content = Object.values(r!.content ?? {})[0];
  if (!content) return;
  const validate = ajv.compile(inline(content.schema) as object);
  const ok = validate(JSON.parse(body));
  expect(ok, `${method} ${template} ${status}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

describe('service basics', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const r = await call(s, '/openapi.json');
    expect(r.status).toBe(200);
    doc = json(r.body);
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
    for (const p of ['/catalogue/products', '/catalogue/products/{lidvid}', '/catalogue/products/{lidvid}/files/{name}', '/tap/sync', '/tap/async', '/tap/async/{id}/phase', '/jobs',
      '/packets', '/parameters', '/parameters/{name}', '/jobs/extract', '/jobs/decode', '/jobs/rebuild', '/jobs/extract/{id}/results/{result}']) expect(doc.paths[p], p).toBeDefined();
    expect(Object.keys((doc.paths['/packets']!['get'] as unknown as { responses: { 200: { content: Record<string, unknown> } } }).responses[200].content)).toEqual(['application/x-ndjson', 'application/octet-stream']);
    conforms('get', '/parameters', 200, (await call(s, '/parameters', s.tokens.pub)).body);
    const params = (doc.paths['/catalogue/products']!['get'] as unknown as { parameters: { name: string }[] }).parameters.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['route', 'level', 'from', 'to', 'bbox', 'gaps', 'crcErrors', 'sort', 'limit', 'offset']));
    // The document's own schemas compile (JSON Schema 2020-12, as OpenAPI 3.1 requires).
    for (const [p, ops] of Object.entries(doc.paths)) for (const op of Object.values(ops)) for (const res of Object.values(op.responses)) for (const c of Object.values(res.content ?? {})) expect(() => ajv.compile(inline(c.schema) as object), p).not.toThrow();
  });

  it('answers errors as RFC 9457 problem documents without stack traces', async () => {
    for (const [p, status] of [['/nope', 404], ['/catalogue/products?limit=0', 400], ['/catalogue/products?bbox=1,2,3', 400], ['/catalogue/products?sort=evil', 400], ['/catalogue/products?from=yesterday', 400]] as const) {
      const r = await call(s, p, s.tokens.operator);
      expect(r.status, p).toBe(status);
      expect(r.type).toMatch(/^application\/problem\+json/);
      const d = json<{ status: number; title: string; type: string }>(r.body);
      expect(d.status).toBe(status);
      expect(r.body).not.toMatch(/at .*\.(ts|js):\d+/);
    }
    const r = await call(s, '/catalogue/products', 'garbage-token');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/Bearer/);
    conforms('get', '/catalogue/products', 401, r.body);
  });
});

describe('access control (deny by default; grants per route; embargo)', () => {
  const who = () => ({ operator: s.tokens.operator, 'coi-own': s.tokens.coi, 'coi-other': s.tokens.other, public: s.tokens.pub, anonymous: undefined });
  const endpoints = (lid: string) => [
    `/catalogue/products/${enc(lid)}`, `/catalogue/products/${enc(lid)}/label`, `/catalogue/products/${enc(lid)}/geojson`,
    `/catalogue/products/${enc(lid)}/files/${lid.split(':')[5]!}_v1.dat`,
  ];
  // SIM_HK_FAST granted to alice (coi-own), SIM_SCI to bob; SIM_EVT public 6 months after stop; SIM_HK_SLOW never.
  const matrix: Record<string, Record<string, number>> = {
    SIM_HK_FAST: { operator: 200, 'coi-own': 200, 'coi-other': 404, public: 404, anonymous: 404 },
    SIM_HK_SLOW: { operator: 200, 'coi-own': 404, 'coi-other': 404, public: 404, anonymous: 404 },
    SIM_EVT: { operator: 200, 'coi-own': 200, 'coi-other': 200, public: 200, anonymous: 200 },
  };
  it('every product endpoint × every role × own/other route × embargo', async () => {
    for (const [route, expected] of Object.entries(matrix)) {
      for (const [role, token] of Object.entries(who())) {
        for (const e of endpoints(LID(route))) {
          const r = await call(s, e, token);
          expect(r.status, `${role} ${e}`).toBe(expected[role]);
        }
      }
    }
  });
  it('an embargo not yet over keeps products from the public; deny wins over nothing granted', async () => {
    await s.store.grants.setEmbargo('SIM_EVT', 1200);
    try {
      expect((await call(s, `/catalogue/products/${enc(LID('SIM_EVT'))}`, s.tokens.pub)).status).toBe(404);
      expect((await call(s, `/catalogue/products/${enc(LID('SIM_EVT'))}`)).status).toBe(404);
      expect((await call(s, `/catalogue/products/${enc(LID('SIM_EVT'))}`, s.tokens.operator)).status).toBe(200);
    } finally { await s.store.grants.setEmbargo('SIM_EVT', 6); }
  });
  it('searches, facet counts and TAP rows only ever include readable products', async () => {
    const facets = async (token?: string) => json<{ total: number; facets: { route: Record<string, number> } }>((await call(s, '/catalogue/products', token)).body);
    expect((await facets(s.tokens.operator)).facets.route).toEqual({ SIM_EVT: 4, SIM_HK_FAST: 4, SIM_HK_SLOW: 4, SIM_SCI: 4 });
    expect((await facets(s.tokens.coi)).facets.route).toEqual({ SIM_EVT: 4, SIM_HK_FAST: 4 });
    expect((await facets()).facets.route).toEqual({ SIM_EVT: 4 });
    const tap = await call(s, `/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=${enc('SELECT route FROM idoc.epn_core ORDER BY route')}`, s.tokens.other);
    expect(new Set(tap.body.trim().split('\r\n').slice(1))).toEqual(new Set(['SIM_EVT', 'SIM_SCI']));
  });
  it('a revoked token is refused at once; HTTP Basic with the scrypt-checked password works', async () => {
    const t = newToken();
    await s.store.tokens.add({ id: t.id, user: 'alice', digest: tokenDigest(t.secret), createdUnixMs: Date.now(), revokedUnixMs: undefined });
    expect((await call(s, '/whoami', t.secret)).body).toContain('"alice"');
    await s.store.tokens.revoke(t.id, Date.now());
    expect((await call(s, '/whoami', t.secret)).status).toBe(401);
    const basic = (pw: string) => call(s, '/whoami', undefined, { headers: { authorization: `Basic ${Buffer.from(`alice:${pw}`).toString('base64')}` } });
    const ok = await basic('alice-secret');
    expect(ok.status).toBe(200);
    expect(json(ok.body)).toEqual({ user: 'alice', role: 'co-investigator', routes: ['SIM_HK_FAST'] });
    expect((await basic('wrong')).status).toBe(401);
  });
  it('limits requests per token: 429 with Retry-After as a problem, other tokens unaffected', async () => {
    const app = await buildService({ reader: s.reader, store: s.store, jobsDir: path.join(s.archiveDir, 'jobs-rate'), rate: { perMinute: 60, burst: 2 } });
    try {
      const hit = (token: string) => app.inject({ method: 'GET', url: '/whoami', headers: { authorization: `Bearer ${token}` } });
      expect((await hit(s.tokens.coi)).statusCode).toBe(200);
      expect((await hit(s.tokens.coi)).statusCode).toBe(200);
      const limited = await hit(s.tokens.coi);
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await hit(s.tokens.other)).statusCode).toBe(200);
    } finally { await app.close(); }
  });
  it('writes every access to the audit log (who, what, when, status)', async () => {
    const before = Date.now();
    await call(s, `/catalogue/products/${enc(LID('SIM_HK_SLOW'))}`, s.tokens.coi);
    await new Promise((r) => setTimeout(r, 50));
    const recent = await s.store.audit.recent(5);
    const e = recent.find((x) => x.what.includes('sim_hk_slow'))!;
    expect(e).toMatchObject({ who: 'alice', method: 'GET', status: 404, from: '127.0.0.1' });
    expect(e.atUnixMs).toBeGreaterThanOrEqual(before);
  });
});

describe('catalogue', () => {
  it('filters by facets (OR within, AND across), counts each facet ignoring its own filter, sorts and pages', async () => {
    const r = await call(s, '/catalogue/products?route=SIM_HK_FAST&route=SIM_SCI&level=L0&sort=start&order=desc&limit=3&offset=0', s.tokens.operator);
    expect(r.status).toBe(200);
    conforms('get', '/catalogue/products', 200, r.body);
    const b = json<{ total: number; facets: Record<string, Record<string, number>>; products: { route: string; start: string; level: string }[] }>(r.body);
    expect(b.total).toBe(4);
    expect(b.products).toHaveLength(3);
    expect(b.products.every((p) => p.level === 'L0' && ['SIM_HK_FAST', 'SIM_SCI'].includes(p.route))).toBe(true);
    expect(b.products.map((p) => p.start)).toEqual([...b.products.map((p) => p.start)].sort().reverse());
    // route counts ignore the route filter (L0 only): 2 per route; level counts ignore the level filter.
    expect(b.facets['route']).toEqual({ SIM_EVT: 2, SIM_HK_FAST: 2, SIM_HK_SLOW: 2, SIM_SCI: 2 });
    expect(b.facets['level']).toEqual({ L0: 4, geometry: 4 });
    const page2 = json<{ products: unknown[] }>((await call(s, '/catalogue/products?route=SIM_HK_FAST&route=SIM_SCI&level=L0&sort=start&order=desc&limit=3&offset=3', s.tokens.operator)).body);
    expect(page2.products).toHaveLength(1);
  });
  it('filters by time range, orbit, target and quality flags', async () => {
    const total = async (q: string) => json<{ total: number }>((await call(s, `/catalogue/products?level=L0&${q}`, s.tokens.operator)).body).total;
    expect(await total('from=2025-01-01T01:00:00Z')).toBe(4);
    expect(await total('from=2025-01-01T00:30:00Z&to=2025-01-01T00:40:00Z')).toBe(4);
    expect(await total('to=2024-12-31T00:00:00Z')).toBe(0);
    expect(await total('target=Earth')).toBe(8);
    expect(await total('target=Mars')).toBe(0);
    expect(await total('gaps=no&crcErrors=no')).toBe(8);
    expect(await total('crcErrors=yes')).toBe(0);
    const orbits = json<{ facets: { orbit: Record<string, number> } }>((await call(s, '/catalogue/products?level=L0', s.tokens.operator)).body).facets.orbit;
    const [o, n] = Object.entries(orbits)[0]!;
    expect(await total(`orbit=${o}`)).toBe(n);
  });
  it("fills each product's APIDs from its L0 index (the geometry product its L0 product's) and filters and counts by APID", async () => {
    const configured: Record<string, number> = { SIM_HK_FAST: 1100, SIM_HK_SLOW: 1101, SIM_SCI: 1110, SIM_EVT: 1120 };
    const all = await s.reader.products.list();
    expect(all.length).toBe(16);
    for (const p of all) expect(p.apids, p.lidvid).toEqual([configured[p.route]]);
    const r = json<{ total: number; facets: { apid: Record<string, number> }; products: { route: string; apids: number[] }[] }>((await call(s, '/catalogue/products?apid=1110&apid=1120&level=L0', s.tokens.operator)).body);
    expect(r.total).toBe(4);
    expect(new Set(r.products.map((p) => p.route))).toEqual(new Set(['SIM_SCI', 'SIM_EVT']));
    expect(r.facets.apid).toEqual({ 1100: 2, 1101: 2, 1110: 2, 1120: 2 });
  });
  it('downloads a file with its checksum, ETag, Range and If-None-Match', async () => {
    const lid = LID('SIM_HK_FAST');
    const name = 'sim_hk_fast_l0_20250101t000000_v1.dat';
    const file = readFileSync(path.join(s.products, 'data_raw', 'sim_hk_fast', name));
    const sha = createHash('sha256').update(file).digest('hex');
    const url = `/catalogue/products/${enc(lid)}/files/${name}`;
    const whole = await fetch(`${s.url}${url}`, { headers: { authorization: `Bearer ${s.tokens.coi}` } });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(file)).toBe(true);
    expect(whole.headers.get('etag')).toBe(`"${sha}"`);
    expect(whole.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(sha, 'hex').toString('base64')}:`);
    const part = await fetch(`${s.url}${url}`, { headers: { authorization: `Bearer ${s.tokens.coi}`, range: 'bytes=6-15' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 6-15/${file.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(file.subarray(6, 16))).toBe(true);
    const tail = await fetch(`${s.url}${url}`, { headers: { authorization: `Bearer ${s.tokens.coi}`, range: 'bytes=-4' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(file.subarray(file.length - 4))).toBe(true);
    expect((await call(s, url, s.tokens.coi, { headers: { range: `bytes=${file.length}-` } })).status).toBe(416);
    expect((await call(s, url, s.tokens.coi, { headers: { 'if-none-match': `"${sha}"` } })).status).toBe(304);
    for (const evil of ['..%2F..%2F..%2Fetc%2Fpasswd', '..%2Fsim_hk_slow%2Fsim_hk_slow_l0_20250101t000000_v1.dat', '%2Fetc%2Fpasswd', 'sim_hk_fast_l0_20250101t000000_v1.dat%00.xml']) {
      const r = await call(s, `/catalogue/products/${enc(lid)}/files/${evil}`, s.tokens.operator);
      expect(r.status, evil).toBe(404);
    }
  });
});

describe('GeoJSON (RFC 7946)', () => {
  // A JSON Schema of the RFC 7946 objects used here (§3.1.1 positions, §3.1.4-5 lines, §3.2-3.3, §5 bbox).
  const position = { type: 'array', minItems: 2, maxItems: 3, prefixItems: [{ type: 'number', minimum: -180, maximum: 180 }, { type: 'number', minimum: -90, maximum: 90 }], items: { type: 'number' } };
  const line = { type: 'array', minItems: 2, items: position };
  const geometry = { oneOf: [
    { type: 'object', required: ['type', 'coordinates'], properties: { type: { const: 'LineString' }, coordinates: line } },
    { type: 'object', required: ['type', 'coordinates'], properties: { type: { const: 'MultiLineString' }, coordinates: { type: 'array', items: line } } },
  ] };
  const featureSchema = { type: 'object', required: ['type', 'geometry', 'properties'], properties: { type: { const: 'Feature' }, id: { type: ['string', 'number'] }, bbox: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } }, geometry: { oneOf: [{ type: 'null' }, geometry] }, properties: { type: ['object', 'null'] } } };
  const collection = { type: 'object', required: ['type', 'features'], properties: { type: { const: 'FeatureCollection' }, features: { type: 'array', items: featureSchema } } };

  it('a search is a valid FeatureCollection whose lines never cross the antimeridian (§3.1.9)', async () => {
    const r = await call(s, '/catalogue/products.geojson?level=L0', s.tokens.operator);
    expect(r.type).toMatch(/^application\/geo\+json/);
    const fcObj = json<{ features: { geometry: { type: string; coordinates: number[][][] } | null; bbox?: number[] }[] }>(r.body);
    const validate = ajv.compile(collection);
    expect(validate(fcObj), JSON.stringify(validate.errors)).toBe(true);
    expect(fcObj.features).toHaveLength(8);
    let cut = 0;
    for (const f of fcObj.features) {
      const parts = f.geometry!.type === 'LineString' ? [f.geometry!.coordinates as unknown as number[][]] : f.geometry!.coordinates;
      for (const part of parts) for (let i = 1; i < part.length; i++) expect(Math.abs(part[i]![0]! - part[i - 1]![0]!)).toBeLessThanOrEqual(180);
      if (parts.length > 1) {
        cut++;
        // Each cut ends one part at ±180 and starts the next at ∓180 at the same latitude.
        for (let k = 1; k < parts.length; k++) {
          const end = parts[k - 1]!.at(-1)!; const start = parts[k]![0]!;
          expect(Math.abs(end[0]!)).toBe(180);
          expect(start[0]).toBe(-end[0]!);
          expect(start[1]).toBeCloseTo(end[1]!, 9);
        }
        expect(f.bbox![0]).toBeGreaterThan(f.bbox![2]!); // §5.2: west > east across the antimeridian
      }
    }
    expect(cut).toBeGreaterThan(0); // an hour of a LEO orbit crosses it
  });
  it('filters by bbox (§5), a product Feature has its own bbox', async () => {
    const all = json<{ total: number }>((await call(s, '/catalogue/products?level=L0', s.tokens.operator)).body).total;
    const none = json<{ total: number }>((await call(s, '/catalogue/products?level=L0&bbox=10,-89,10.000001,-88.9', s.tokens.operator)).body).total;
    const world = json<{ total: number }>((await call(s, '/catalogue/products?level=L0&bbox=-180,-90,180,90', s.tokens.operator)).body).total;
    expect(world).toBe(all);
    expect(none).toBe(0);
    const f = json<{ type: string; bbox: number[] }>((await call(s, `/catalogue/products/${enc(LID('SIM_HK_FAST'))}/geojson`, s.tokens.coi)).body);
    expect(ajv.compile(featureSchema)(f)).toBe(true);
    const onIt = json<{ total: number }>((await call(s, `/catalogue/products?route=SIM_HK_FAST&level=L0&bbox=${f.bbox[0]},${f.bbox[1]},${f.bbox[0]},${f.bbox[1]}`, s.tokens.coi)).body).total;
    expect(onIt).toBeGreaterThanOrEqual(1);
  });
});

describe('EPN-TAP 2.0 over TAP 1.1', () => {
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
  it('capabilities, tables (epn_core with the mandatory columns) and availability are anonymous', async () => {
    const caps = await call(s, '/tap/capabilities');
    expect(caps.status).toBe(200);
    expect(caps.body).toContain('standardID="ivo://ivoa.net/std/TAP"');
    expect(caps.body).toMatch(/role="std" version="1\.1"/);
    const tables = await call(s, '/tap/tables');
    for (const c of ['granule_uid', 'granule_gid', 'obs_id', 'dataproduct_type', 'target_name', 'target_class', 'time_min', 'time_max', 'spatial_frame_type', 'service_title', 'creation_date', 'modification_date', 'release_date', 's_region', 'c1min', 'c3max', 'incidence_min', 'phase_max', 'instrument_host_name'])
      expect(tables.body, c).toContain(`<name>${c}</name>`);
    expect((await call(s, '/tap/availability')).body).toContain('<vosi:available>true</vosi:available>');
  });
  it('a sync query returns VOTable 1.4 with TABLEDATA, known Julian days, and the mandatory values', async () => {
    const q = "SELECT granule_uid, time_min, time_max, dataproduct_type, target_class, processing_level, spatial_frame_type FROM idoc.epn_core WHERE route = 'SIM_HK_FAST' AND level = 'L0' ORDER BY time_min";
    const r = await call(s, '/tap/sync', s.tokens.coi, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ lang: 'ADQL', query: q }).toString() });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/application\/x-votable\+xml/);
    const v = xml.parse(r.body) as { VOTABLE: { version: string; xmlns: string; RESOURCE: { type: string; INFO: { name: string; value: string } | { name: string; value: string }[]; TABLE: { FIELD: { name: string; datatype: string }[]; DATA: { TABLEDATA: { TR: { TD: (string | number)[] }[] } } } } } };
    expect(v.VOTABLE.version).toBe('1.4');
    expect(v.VOTABLE.xmlns).toBe('http://www.ivoa.net/xml/VOTable/v1.3');
    expect(v.VOTABLE.RESOURCE.type).toBe('results');
    expect([v.VOTABLE.RESOURCE.INFO].flat()[0]).toEqual({ name: 'QUERY_STATUS', value: 'OK' });
    expect(v.VOTABLE.RESOURCE.TABLE.FIELD.map((f) => f.name)).toEqual(['granule_uid', 'time_min', 'time_max', 'dataproduct_type', 'target_class', 'processing_level', 'spatial_frame_type']);
    const rows = v.VOTABLE.RESOURCE.TABLE.DATA.TABLEDATA.TR.map((t) => t.TD);
    expect(rows).toHaveLength(2);
    // 2025-01-01T00:00:00Z is JD 2460676.5; 00:59:59 is 3599 s later.
    expect(rows[0]![0]).toBe(LID('SIM_HK_FAST'));
    expect(Number(rows[0]![1])).toBe(2460676.5);
    expect(Number(rows[0]![2])).toBeCloseTo(2460676.5 + 3599 / 86400, 9);
    expect(rows[0]!.slice(3)).toEqual(['ts', 'planet', 2, 'body']);
  });
  it('CSV and JSON outputs; MAXREC overflow; errors as VOTable ERROR or problem', async () => {
    const q = enc('SELECT TOP 3 obs_id FROM idoc.epn_core ORDER BY obs_id');
    const c = await call(s, `/tap/sync?LANG=ADQL&QUERY=${q}&RESPONSEFORMAT=csv`, s.tokens.operator);
    expect(c.type).toMatch(/^text\/csv/);
    expect(c.body.split('\r\n')[0]).toBe('obs_id');
    const j = json<{ columns: { name: string }[]; rows: unknown[][]; overflow: boolean }>((await call(s, `/tap/sync?LANG=ADQL&QUERY=${q}&RESPONSEFORMAT=json&MAXREC=2`, s.tokens.operator)).body);
    expect(j.rows).toHaveLength(2);
    expect(j.overflow).toBe(true);
    const over = await call(s, `/tap/sync?LANG=ADQL&QUERY=${q}&MAXREC=1`, s.tokens.operator);
    expect(over.body).toMatch(/<\/TABLE>\s*<INFO name="QUERY_STATUS" value="OVERFLOW"\/>/);
    const bad = await call(s, `/tap/sync?LANG=ADQL&QUERY=${enc('SELECT password FROM users')}`, s.tokens.operator);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('<INFO name="QUERY_STATUS" value="ERROR">');
    const badCsv = await call(s, `/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=${enc('SELECT x FROM')}`, s.tokens.operator);
    expect(badCsv.status).toBe(400);
    expect(json<{ detail: string }>(badCsv.body).detail).toMatch(/position 14/);
    expect((await call(s, `/tap/sync?QUERY=${q}`, s.tokens.operator)).status).toBe(400);
    expect((await call(s, `/tap/sync?LANG=SQL&QUERY=${q}`, s.tokens.operator)).status).toBe(400);
  });
});

describe('UWS 1.1 async jobs', () => {
  const form = (token: string, p: string, body: Record<string, string>) => call(s, p, token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
  it('lifecycle: create (303) → PENDING → RUN → COMPLETED with a result; owner only; delete', async () => {
    const created = await form(s.tokens.coi, '/tap/async', { LANG: 'ADQL', QUERY: 'SELECT granule_uid FROM idoc.epn_core ORDER BY granule_uid', RESPONSEFORMAT: 'csv', RUNID: 'r1' });
    expect(created.status).toBe(303);
    const loc = created.headers.get('location')!;
    expect(loc).toMatch(/^\/tap\/async\/[A-Za-z0-9_-]+$/);
    expect((await call(s, `${loc}/phase`, s.tokens.coi)).body).toBe('PENDING');
    const job0 = await call(s, loc, s.tokens.coi);
    expect(job0.body).toContain('<uws:job xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0"');
    expect(job0.body).toContain('version="1.1"');
    expect(job0.body).toContain('<uws:ownerId>alice</uws:ownerId>');
    // Another user sees neither the job nor it in their list.
    expect((await call(s, loc, s.tokens.other)).status).toBe(403);
    expect((await call(s, `${loc}/results/result`, s.tokens.other)).status).toBe(403);
    expect((await call(s, '/tap/async', s.tokens.other)).body).not.toContain(loc.split('/').pop()!);
    expect((await call(s, loc)).status).toBe(401);
    const run = await form(s.tokens.coi, `${loc}/phase`, { PHASE: 'RUN' });
    expect(run.status).toBe(303);
    const done = await call(s, `${loc}?WAIT=10`, s.tokens.coi);
    let phase = /<uws:phase>(\w+)</.exec(done.body)![1];
    for (let i = 0; i < 100 && phase !== 'COMPLETED' && phase !== 'ERROR'; i++) phase = (await call(s, `${loc}?WAIT=1`, s.tokens.coi)).body.match(/<uws:phase>(\w+)</)![1];
    expect(phase).toBe('COMPLETED');
    const result = await call(s, `${loc}/results/result`, s.tokens.coi);
    expect(result.status).toBe(200);
    const uids = result.body.trim().split('\r\n').slice(1);
    expect(uids).toHaveLength(8); // SIM_HK_FAST (4) and the public SIM_EVT (4): alice's view, not everything
    expect((await form(s.tokens.coi, `${loc}/phase`, { PHASE: 'RUN' })).status).toBe(403);
    const list = json<{ jobs: { id: string; phase: string }[] }>((await call(s, '/jobs', s.tokens.coi)).body);
    expect(list.jobs.map((x) => x.id)).toContain(loc.split('/').pop());
    conforms('get', '/jobs', 200, JSON.stringify(list));
    const del = await call(s, loc, s.tokens.coi, { method: 'DELETE' });
    expect(del.status).toBe(303);
    expect(del.headers.get('location')).toBe('/tap/async');
    expect((await call(s, loc, s.tokens.coi)).status).toBe(404);
  });
  it('a failing query ends in ERROR with the message at /error; abort of a pending job', async () => {
    const loc = (await form(s.tokens.coi, '/tap/async', { LANG: 'ADQL', QUERY: 'SELECT nope FROM idoc.epn_core', PHASE: 'RUN' })).headers.get('location')!;
    let body = '';
    for (let i = 0; i < 100; i++) { body = (await call(s, `${loc}?WAIT=1`, s.tokens.coi)).body; if (/<uws:phase>(ERROR|COMPLETED)</.test(body)) break; }
    expect(body).toContain('<uws:phase>ERROR</uws:phase>');
    expect((await call(s, `${loc}/error`, s.tokens.coi)).body).toContain('no column');
    const p = (await form(s.tokens.coi, '/tap/async', { LANG: 'ADQL', QUERY: 'SELECT obs_id FROM idoc.epn_core' })).headers.get('location')!;
    expect((await form(s.tokens.coi, `${p}/phase`, { PHASE: 'ABORT' })).status).toBe(303);
    expect((await call(s, `${p}/phase`, s.tokens.coi)).body).toBe('ABORTED');
  });
});
