/**
 * @module The Co-I access service (issue 17): one Fastify app over an archive's products registry and the service
 * store. Every route declares JSON Schemas for its query, body and responses; Fastify's ajv checks requests, and
 * the OpenAPI 3.1 document at `/openapi.json` is generated from the same schemas (openapi.ts). Every error is an
 * RFC 9457 problem document without a stack trace. Who asks is resolved once per request (bearer token or HTTP
 * Basic with a scrypt-checked password; none = anonymous, role public), rate-limited per token (token bucket),
 * and every request is written to the audit log with its status.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import { createReadStream, existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ArchiveReader, ProductRecord } from '../../src/archive/port.js';
import type { JobRecord, ServiceStore } from '../../src/archive/service-port.js';
import { ANONYMOUS, mayRead, releaseTime, tokenDigest, verifyPassword, type Principal } from './auth.js';
import { Catalogue, FACETS, productType, SORT_KEYS, type Access, type CatalogueEntry, type Facet } from './catalogue.js';
import { feature, parseBbox } from './geojson.js';
import { AdqlError, type Value } from './adql.js';
import { EPN_COLUMNS, EPN_SCHEMA, EPN_TABLE, epnRow } from './epn-core.js';
import { capabilities, formatOf, votableError, vosiTables } from './tap-output.js';
import { runTap, runTapJob, type TapJobSpec, type TapParams } from './tap-run.js';
import { FINAL_PHASES, filterJobs, jobListXml, jobXml } from './uws.js';
import { openApiDocument } from './openapi.js';
import { HttpProblem, problem, PROBLEM_SCHEMA, PROBLEM_TYPE } from './problem.js';
import { TokenBuckets } from './rate-limit.js';
import { apidTimeGate, routeTimeGate, type AccessSpec } from './data-access.js';
import { JOB_KINDS, jobParameters, routesOfApids, rowUnixMs, runJob, visibleSeries, type JobKind, type JobOutput, type JobSpec } from './job-run.js';
import { ParameterArchiveReader } from '../parameters/archive.js';
import { SAMPLE_HEADER, sampleLine } from '../parameters/query.js';
import { taiToUtcIso, utcToTai } from '../../src/time/index.js';
import type { Tai } from '../../src/time/tai.js';

export interface ServiceOptions {
  readonly reader: ArchiveReader;
  readonly store: ServiceStore;
  /** Folder the registry's product paths are relative to (downloads); none: no downloads. */
  readonly productsRoot?: string;
  /** Folder for UWS job results. */
  readonly jobsDir: string;
  /**
   * The archive directory: its packet archive for extraction and rebuild jobs (opened again in the job's worker
   * thread) and its parameter archive (`parameters.sqlite`) for `/parameters` and decoding jobs. None: those
   * endpoints and jobs answer that the service has no archive.
   */
  readonly archiveDir?: string;
  /** Mission config file, for rebuilding products. */
  readonly config?: string;
  /** Mission database file (XTCE, MIB folder, field list, idoc JSON), for decoding jobs with SOURCE=packets. */
  readonly tmDatabase?: string;
  /** The job worker script (default: job-worker.js beside this module; absent, e.g. from sources: jobs run on this thread). */
  readonly jobWorker?: URL;
  /** Test-only: every job stops after the first chunk of its first result file, until aborted or out of time. */
  readonly holdJobsForTests?: boolean;
  /** Requests per minute per token (or per address when anonymous), and the burst. */
  readonly rate?: { readonly perMinute: number; readonly burst: number };
  readonly spacecraft?: string;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** Clock (tests). */
  readonly now?: () => number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

declare module 'fastify' {
  interface FastifyRequest { principal: Principal }
  /** OpenAPI members kept beside the route schemas (openapi.ts reads them). */
  interface FastifySchema { summary?: string; tags?: readonly string[]; consumes?: readonly string[] }
}

const JOB_LIFETIME_MS = 7 * 86_400_000;
const FORM = 'application/x-www-form-urlencoded';

const problemRef = { $ref: 'problem#' };
const errors = { 400: problemRef, 401: problemRef, 403: problemRef, 404: problemRef, 429: problemRef };

const productSchema = {
  type: 'object',
  required: ['lidvid', 'productId', 'version', 'level', 'route', 'start', 'stop', 'quality', 'links'],
  properties: {
    lidvid: { type: 'string' }, productId: { type: 'string' }, version: { type: 'number' },
    level: { type: 'string', enum: ['L0', 'L1', 'geometry', 'ancillary'] }, productType: { type: 'string' }, route: { type: 'string' },
    instrument: { type: 'string' }, target: { type: 'string' }, orbit: { type: 'integer' }, apids: { type: 'array', items: { type: 'integer' } },
    start: { type: 'string', format: 'date-time' }, stop: { type: 'string', format: 'date-time' },
    quality: { type: 'object', additionalProperties: { type: 'number' } },
    release: { type: 'string' },
    bbox: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
    files: { type: 'array', items: { type: 'object', required: ['name', 'bytes', 'sha256'], properties: { name: { type: 'string' }, bytes: { type: 'integer' }, sha256: { type: 'string' } } } },
    links: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

const listOf = (description: string) => ({ type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 50, description });
const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    route: listOf('route (repeatable: any of)'), level: listOf('L0, L1, geometry, ancillary'), productType: listOf('packets, ground-track, …'),
    target: listOf('target name'), orbit: listOf('orbit number at start'), instrument: listOf('instrument'),
    gaps: listOf('yes: products with sequence gaps; no: without'), crcErrors: listOf('yes: products with CRC errors; no: without'),
    apid: listOf('APID (decimal) the product holds packets of'),
    from: { type: 'string', format: 'date-time', description: 'overlapping [from, to), UTC' }, to: { type: 'string', format: 'date-time' },
    bbox: { type: 'string', pattern: '^[-+0-9.,eE ]{1,200}$', description: 'west,south,east,north (RFC 7946 §5; west > east crosses the antimeridian)' },
    latest: { type: 'boolean', default: false },
    sort: { type: 'string', enum: [...SORT_KEYS], default: 'start' }, order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, offset: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
  },
} as const;

interface SearchQs {
  route?: string[]; level?: string[]; productType?: string[]; target?: string[]; orbit?: string[]; instrument?: string[]; gaps?: string[]; crcErrors?: string[]; apid?: string[];
  from?: string; to?: string; bbox?: string; latest: boolean; sort: (typeof SORT_KEYS)[number]; order: 'asc' | 'desc'; limit: number; offset: number;
}

/** Build the app (not listening). */
export async function buildService(opts: ServiceOptions): Promise<FastifyInstance & { catalogue: Catalogue; refresh(): Promise<number>; jobWorkers(): number }> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const store = opts.store;
  const catalogue = new Catalogue();
  /** Each product's summary as JSON, for the embargo table it was made with (the release date depends on it). */
  let summaries = new Map<string, string>();
  let summariesFor = '';
  /** The routes each APID is filed under (archive status), kept a minute and dropped on refresh. */
  let apidRoutes: { map: Map<number, string[]>; at: number } | undefined;
  const refresh = async (): Promise<number> => {
    catalogue.load(await opts.reader.products.list());
    summaries = new Map();
    apidRoutes = undefined;
    return catalogue.size;
  };
  await refresh();
  const buckets = new TokenBuckets(opts.rate?.perMinute ?? 600, opts.rate?.burst ?? 120, now);
  const routes: RouteOptions[] = [];

  const sendProblem = (reply: FastifyReply, status: number, detail: string, headers: Readonly<Record<string, string>> = {}): FastifyReply =>
    reply.code(status).headers(headers).type(PROBLEM_TYPE).send(JSON.stringify(problem(status, detail, reply.request?.url?.split('?')[0])));

  const app = Fastify({
    logger: false,
    bodyLimit: 1 << 20,
    routerOptions: { maxParamLength: 500 },
    return503OnClosing: true,
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
    // Unparseable URLs and other framework errors, before routing (RFC 9457 problem, no stack).
    frameworkErrors: (error, _req, reply) => {
      sendProblem(reply, error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400, error.message);
    },
    // Malformed HTTP (bad request line, headers too large): answered on the socket.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) { socket.destroy(); return; }
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify(problem(status, 'malformed HTTP request'));
      socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
  }) as unknown as FastifyInstance;
  app.addSchema(PROBLEM_SCHEMA);
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRoute', (r) => { routes.push(r); });

  // TAP and UWS take form posts (TAP 1.1 §2.7; UWS §2.2.3).
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 1 << 18 }, (_req, body, done) => {
    const params: Record<string, string> = {};
    try {
      for (const [k, v] of new URLSearchParams(body as string)) {
        const key = k.toUpperCase(); // TAP/DALI parameter names are case-insensitive (DALI 1.1 §3.1)
        if (key in params && key !== 'PHASE') { done(new HttpProblem(400, `parameter ${key} given twice (DALI 1.1 §3.2)`), undefined); return; }
        params[key] = v;
      }
    } catch { done(new HttpProblem(400, 'malformed form body'), undefined); return; }
    done(null, params);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown; code?: string; headers?: Record<string, string> }, req, reply) => {
    if (error instanceof HttpProblem) return sendProblem(reply, error.status, error.message, error.headers);
    if (error instanceof AdqlError) return sendProblem(reply, 400, error.message);
    if (error.validation) return sendProblem(reply, 400, `${req.method} ${req.url.split('?')[0]}: ${error.message}`);
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) return sendProblem(reply, status, error.message);
    log('error', `${req.method} ${req.url.slice(0, 200)}: ${error.message}`);
    return sendProblem(reply, 500, 'internal error (logged on the server)');
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, 404, `no resource ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`));

  // Who asks: a bearer token, or HTTP Basic (RFC 7617) with a password; a bad credential is 401, none anonymous.
  app.addHook('onRequest', async (req, reply) => {
    req.principal = ANONYMOUS;
    const h = req.headers.authorization;
    if (h !== undefined) {
      const principal = await authenticate(h);
      if (!principal) {
        sendProblem(reply, 401, 'invalid, revoked or unknown credentials', { 'WWW-Authenticate': 'Bearer realm="idoc", Basic realm="idoc"' });
        return reply;
      }
      req.principal = principal;
    }
    const key = req.principal.token !== undefined ? `t:${req.principal.token}` : req.principal.user !== 'anonymous' ? `u:${req.principal.user}` : `a:${req.ip}`;
    const wait = buckets.take(key);
    if (wait > 0) {
      sendProblem(reply, 429, `rate limit: try again in ${Math.ceil(wait)} s`, { 'Retry-After': String(Math.ceil(wait)) });
      return reply;
    }
    return undefined;
  });
  app.addHook('onResponse', async (req, reply) => {
    await store.audit.record({ atUnixMs: now(), who: req.principal.user, token: req.principal.token, method: req.method, what: req.url, status: reply.statusCode, from: req.ip })
      .catch((e: Error) => log('error', `audit: ${e.message}`));
  });

  async function authenticate(header: string): Promise<Principal | undefined> {
    const m = /^(Bearer|Basic) +([A-Za-z0-9._~+/=-]{1,1024})$/i.exec(header.trim());
    if (!m) return undefined;
    let user: string;
    let token: string | undefined;
    if (m[1]!.toLowerCase() === 'bearer') {
      const t = await store.tokens.byDigest(tokenDigest(m[2]!));
      if (!t) return undefined;
      user = t.user;
      token = t.id;
    } else {
      const text = Buffer.from(m[2]!, 'base64').toString('utf8');
      const colon = text.indexOf(':');
      if (colon <= 0) return undefined;
      const u = await store.users.get(text.slice(0, colon));
      if (!u?.passwordHash || !(await verifyPassword(text.slice(colon + 1), u.passwordHash))) return undefined;
      user = u.name;
    }
    const u = await store.users.get(user);
    if (!u || u.disabled) return undefined;
    return { user: u.name, role: u.role, routes: new Set(await store.grants.routes(u.name)), token };
  }

  const baseOf = (req: FastifyRequest): string => `${opts.tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
  const visibility = async (who: Principal): Promise<{ visible: (e: CatalogueEntry) => boolean; access: Access; embargoes: ReadonlyMap<string, number> }> => {
    const embargoes = await store.grants.embargoes();
    const t = now();
    const access: Access = { all: who.role === 'operator', routes: who.role === 'co-investigator' ? who.routes : new Set(), embargoes, nowUnixMs: t };
    return { embargoes, access, visible: (e) => mayRead(who, e.record.route, e.record.stop, embargoes, t) };
  };
  /** `who`'s rights as plain data (for packets, samples and job workers). */
  const accessSpec = async (who: Principal): Promise<AccessSpec> => ({
    all: who.role === 'operator', routes: who.role === 'co-investigator' ? [...who.routes] : [], embargoes: [...await store.grants.embargoes()], nowUnixMs: now(),
  });
  const routesByApid = async (): Promise<Map<number, string[]>> => {
    if (!apidRoutes || Date.now() - apidRoutes.at > 60_000) apidRoutes = { map: await routesOfApids(opts.reader), at: Date.now() };
    return apidRoutes.map;
  };
  let parameterArchive: ParameterArchiveReader | undefined;
  const parameters = (): ParameterArchiveReader => {
    if (parameterArchive) return parameterArchive;
    if (opts.archiveDir === undefined) throw new HttpProblem(404, 'this service has no parameter archive');
    try { parameterArchive = new ParameterArchiveReader(opts.archiveDir); } catch { throw new HttpProblem(404, 'no parameter archive (fill it with idoc tm archive)'); }
    return parameterArchive;
  };
  app.addHook('onClose', async () => { parameterArchive?.close(); });
  /** The entry if `who` may read it; 404 otherwise (a product one may not read does not exist for them). */
  const readable = async (req: FastifyRequest, lidvid: string): Promise<{ entry: CatalogueEntry; embargoes: ReadonlyMap<string, number> }> => {
    const { visible, embargoes } = await visibility(req.principal);
    const entry = catalogue.get(lidvid);
    if (!entry || !visible(entry)) throw new HttpProblem(404, `no product ${lidvid.slice(0, 200)}`);
    return { entry, embargoes };
  };
  const summary = (e: CatalogueEntry, embargoes: ReadonlyMap<string, number>) => {
    const p = e.record;
    const self = `/catalogue/products/${encodeURIComponent(p.lidvid)}`;
    const release = releaseTime(p.route, p.stop, embargoes);
    return {
      lidvid: p.lidvid, productId: p.productId, version: p.version, level: p.level, productType: productType(p), route: p.route,
      ...(p.instrument !== undefined ? { instrument: p.instrument } : {}), ...(p.target !== undefined ? { target: p.target } : {}),
      ...(p.orbit !== undefined ? { orbit: p.orbit } : {}), apids: [...p.apids], start: p.start, stop: p.stop, quality: p.quality,
      ...(release !== undefined ? { release: new Date(release).toISOString() } : {}), ...(e.bbox ? { bbox: [...e.bbox] } : {}),
      files: p.files.map((f) => ({ name: path.posix.basename(f.path), bytes: f.bytes, sha256: f.sha256 })),
      links: { self, label: `${self}/label`, geojson: `${self}/geojson`, ...Object.fromEntries(p.files.map((f) => [path.posix.basename(f.path), `${self}/files/${encodeURIComponent(path.posix.basename(f.path))}`])) },
    };
  };
  const search = async (req: FastifyRequest<{ Querystring: SearchQs }>) => {
    const q = req.query;
    const bbox = q.bbox !== undefined ? parseBbox(q.bbox) : undefined;
    if (q.bbox !== undefined && !bbox) throw new HttpProblem(400, 'bbox: expected west,south,east,north in degrees (RFC 7946 §5)');
    if (q.from !== undefined && q.to !== undefined && !(Date.parse(q.from) < Date.parse(q.to))) throw new HttpProblem(400, 'from: must be before to');
    const filters: Partial<Record<Facet, readonly string[]>> = {};
    for (const f of FACETS) { const v = q[f]; if (v !== undefined) filters[f] = v; }
    const { access, embargoes } = await visibility(req.principal);
    const r = catalogue.search({
      filters, ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}), ...(bbox ? { bbox } : {}),
      latestOnly: q.latest, sort: q.sort, descending: q.order === 'desc', offset: q.offset, limit: q.limit,
    }, access);
    return { r, embargoes };
  };

  // ---- Service -------------------------------------------------------------------------------------------
  app.get('/openapi.json', { schema: { summary: 'This OpenAPI 3.1 document', tags: ['service'], response: { 200: { type: 'object', additionalProperties: true } } } },
    async (req) => openApiDocument(routes, baseOf(req)));
  app.get('/whoami', {
    schema: {
      summary: 'Who the credentials identify, with role and granted routes', tags: ['service'],
      response: { 200: { type: 'object', required: ['user', 'role', 'routes'], properties: { user: { type: 'string' }, role: { type: 'string' }, routes: { type: 'array', items: { type: 'string' } } } }, ...errors },
    },
  }, async (req) => ({ user: req.principal.user, role: req.principal.role, routes: [...req.principal.routes].sort() }));
  app.post('/catalogue/refresh', {
    schema: { summary: 'Reload the catalogue from the products registry (operators)', tags: ['catalogue'], response: { 200: { type: 'object', required: ['products'], properties: { products: { type: 'integer' } } }, ...errors } },
  }, async (req) => {
    if (req.principal.role !== 'operator') throw new HttpProblem(req.principal.user === 'anonymous' ? 401 : 403, 'operators only');
    return { products: await refresh() };
  });

  // ---- Catalogue -----------------------------------------------------------------------------------------
  app.get<{ Querystring: SearchQs }>('/catalogue/products', {
    schema: {
      summary: 'Search products with facets (counts per facet value, each ignoring its own filter); sorted, paged', tags: ['catalogue'],
      querystring: searchQuery,
      response: {
        200: {
          type: 'object', required: ['total', 'offset', 'limit', 'facets', 'products'],
          properties: {
            total: { type: 'integer' }, offset: { type: 'integer' }, limit: { type: 'integer' },
            facets: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } } },
            products: { type: 'array', items: productSchema },
          },
        },
        ...errors,
      },
    },
  }, async (req, reply) => {
    const { r, embargoes } = await search(req);
    // Written directly (the same shape the response schema describes): facet counts and product summaries are
    // serialised once and reused while the catalogue and the embargo table do not change.
    const key = JSON.stringify([...embargoes]);
    if (key !== summariesFor || summaries.size > 10_000) { summaries = new Map(); summariesFor = key; } // bounded: memory stays flat
    const products = r.entries.map((e) => {
      let t = summaries.get(e.record.lidvid);
      if (t === undefined) { t = JSON.stringify(summary(e, embargoes)); summaries.set(e.record.lidvid, t); }
      return t;
    });
    return reply.type('application/json; charset=utf-8').send(`{"total":${r.total},"offset":${r.offset},"limit":${r.limit},"facets":${r.facetsJson},"products":[${products.join(',')}]}`);
  });
  app.get<{ Querystring: SearchQs }>('/catalogue/products.geojson', {
    schema: {
      summary: 'A search as an RFC 7946 FeatureCollection (ground tracks cut at the antimeridian)', tags: ['catalogue', 'geojson'], querystring: searchQuery,
      response: { 200: { type: 'object', required: ['type', 'features'], properties: { type: { const: 'FeatureCollection' }, bbox: { type: 'array' }, features: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, ...errors },
    },
  }, async (req, reply) => {
    const { r, embargoes } = await search(req);
    reply.type('application/geo+json');
    return { type: 'FeatureCollection', features: r.entries.map((e) => feature(e.record.lidvid, e.record.footprint, geoProperties(e, embargoes))) };
  });
  const geoProperties = (e: CatalogueEntry, embargoes: ReadonlyMap<string, number>): Record<string, unknown> => {
    const s = summary(e, embargoes);
    return { lidvid: s.lidvid, route: s.route, level: s.level, start: s.start, stop: s.stop, ...(s.orbit !== undefined ? { orbit: s.orbit } : {}), ...(s.target ? { body: s.target } : {}) };
  };
  const lidParams = { type: 'object', required: ['lidvid'], properties: { lidvid: { type: 'string', minLength: 1, maxLength: 400 } } } as const;
  app.get<{ Params: { lidvid: string } }>('/catalogue/products/:lidvid', {
    schema: { summary: 'One product', tags: ['catalogue'], params: lidParams, response: { 200: productSchema, ...errors } },
  }, async (req) => {
    const { entry, embargoes } = await readable(req, req.params.lidvid);
    return summary(entry, embargoes);
  });
  app.get<{ Params: { lidvid: string } }>('/catalogue/products/:lidvid/geojson', {
    schema: { summary: "A product's ground track as an RFC 7946 Feature", tags: ['geojson'], params: lidParams, response: { 200: { type: 'object', required: ['type'], additionalProperties: true }, ...errors } },
  }, async (req, reply) => {
    const { entry, embargoes } = await readable(req, req.params.lidvid);
    reply.type('application/geo+json');
    return feature(entry.record.lidvid, entry.record.footprint, geoProperties(entry, embargoes));
  });
  app.get<{ Params: { lidvid: string } }>('/catalogue/products/:lidvid/label', {
    schema: { summary: "A product's PDS4 label", tags: ['catalogue'], params: lidParams, response: { 200: { type: 'string' }, ...errors } },
  }, async (req, reply) => {
    const { entry } = await readable(req, req.params.lidvid);
    return sendFile(req, reply, entry.record, entry.record.label, 'application/xml');
  });
  app.get<{ Params: { lidvid: string; name: string } }>('/catalogue/products/:lidvid/files/:name', {
    schema: {
      summary: 'Download one file of a product (Range, ETag = SHA-256, Repr-Digest)', tags: ['catalogue'],
      params: { type: 'object', required: ['lidvid', 'name'], properties: { lidvid: lidParams.properties.lidvid, name: { type: 'string', minLength: 1, maxLength: 255 } } },
      response: { 200: { type: 'string' }, 206: { type: 'string' }, 304: { type: 'null' }, 416: problemRef, ...errors },
    },
  }, async (req, reply) => {
    const { entry } = await readable(req, req.params.lidvid);
    // Only a file the record lists, by its exact base name: no path from the request reaches the file system.
    const f = entry.record.files.find((x) => path.posix.basename(x.path) === req.params.name);
    if (!f) throw new HttpProblem(404, `no file ${req.params.name.slice(0, 100)} in ${entry.record.lidvid}`);
    return sendFile(req, reply, entry.record, f.path, f.path.endsWith('.xml') ? 'application/xml' : f.path.endsWith('.csv') ? 'text/csv' : f.path.endsWith('.geojson') ? 'application/geo+json' : 'application/octet-stream', f);
  });

  async function sendFile(req: FastifyRequest, reply: FastifyReply, p: ProductRecord, rel: string, type: string, listed?: { bytes: number; sha256: string }): Promise<FastifyReply> {
    if (opts.productsRoot === undefined) throw new HttpProblem(404, 'this service has no products folder (--products)');
    const root = path.resolve(opts.productsRoot);
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) throw new HttpProblem(404, `no file for ${p.lidvid}`);
    if (!(await stat(file).catch(() => undefined))?.isFile()) throw new HttpProblem(404, `${rel}: missing from the products folder`);
    return serveFile(req, reply, file, type, (listed ?? p.files.find((x) => x.path === rel))?.sha256);
  }
  /** A file with Range (RFC 9110 §14), and with ETag and Repr-Digest when its SHA-256 is known. */
  async function serveFile(req: FastifyRequest, reply: FastifyReply, file: string, type: string, sha256: string | undefined): Promise<FastifyReply> {
    const s = await stat(file).catch(() => undefined);
    if (!s?.isFile()) throw new HttpProblem(404, `${path.basename(file)}: gone`);
    if (sha256 !== undefined) {
      const meta = { sha256 };
      const etag = `"${meta.sha256}"`;
      reply.header('ETag', etag).header('Repr-Digest', `sha-256=:${Buffer.from(meta.sha256, 'hex').toString('base64')}:`); // RFC 9530 §3
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    }
    reply.header('Accept-Ranges', 'bytes').type(type);
    const range = req.headers.range;
    if (range !== undefined) {
      // RFC 9110 §14.1.2: one byte range; several ranges are answered whole (§14.2 lets a server ignore Range).
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] !== '' || m[2] !== '')) {
        let start: number; let end: number;
        if (m[1] === '') { start = Math.max(0, s.size - Number(m[2])); end = s.size - 1; } else { start = Number(m[1]); end = m[2] === '' ? s.size - 1 : Math.min(Number(m[2]), s.size - 1); }
        if (!(start <= end) || start >= s.size) throw new HttpProblem(416, `range ${range.slice(0, 50)} outside 0-${s.size - 1}`, { 'Content-Range': `bytes */${s.size}` });
        reply.code(206).header('Content-Range', `bytes ${start}-${end}/${s.size}`).header('Content-Length', String(end - start + 1));
        return reply.send(createReadStream(file, { start, end }));
      }
    }
    reply.header('Content-Length', String(s.size));
    return reply.send(createReadStream(file));
  }

  // ---- Packets and parameters (read-only; each packet and sample checked against the caller's rights) ---------
  const timeQuery = { from: { type: 'string', format: 'date-time', description: 'from (inclusive), UTC' }, to: { type: 'string', format: 'date-time', description: 'to (exclusive), UTC' } } as const;
  const window = (q: { from?: string; to?: string }): { fromTai?: Tai; toTai?: Tai } => {
    if (q.from !== undefined && q.to !== undefined && !(Date.parse(q.from) < Date.parse(q.to))) throw new HttpProblem(400, 'from: must be before to');
    return { ...(q.from !== undefined ? { fromTai: utcToTai(q.from) } : {}), ...(q.to !== undefined ? { toTai: utcToTai(q.to) } : {}) };
  };
  const packetSchema = {
    type: 'object', required: ['apid', 'time', 'sequenceCount', 'route', 'crc', 'length', 'data'], description: 'One line of the NDJSON stream',
    properties: {
      apid: { type: 'integer' }, time: { type: ['string', 'null'], description: 'packet time, UTC' }, ground: { type: 'string', description: 'ground time, UTC' },
      sequenceCount: { type: 'integer' }, route: { type: 'string' }, crc: { type: 'string', enum: ['none', 'ok', 'bad'] }, length: { type: 'integer' },
      data: { type: 'string', contentEncoding: 'base64', description: 'the whole space packet (CCSDS 133.0-B-2), base64' },
    },
  } as const;
  app.get<{ Querystring: { apid?: number[]; from?: string; to?: string; format: 'ndjson' | 'binary'; limit: number } }>('/packets', {
    schema: {
      summary: 'Stored packets of some APIDs over a window, streamed: NDJSON (one object per packet) or binary (space packets back to back); only packets you may read', tags: ['data'],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          apid: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 2047 }, minItems: 1, maxItems: 64, description: 'APID (repeatable)' }, ...timeQuery,
          format: { type: 'string', enum: ['ndjson', 'binary'], default: 'ndjson' }, limit: { type: 'integer', minimum: 1, maximum: 10_000_000, default: 1_000_000 },
        },
        required: ['apid'],
      },
      response: { 200: { description: 'application/x-ndjson of the packet schema, or application/octet-stream', content: { 'application/x-ndjson': { schema: packetSchema }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors },
    },
  }, async (req, reply) => {
    const q = req.query;
    const gate = routeTimeGate(await accessSpec(req.principal));
    const query = { apids: q.apid!.map((a) => [a, a] as const), ...window(q) };
    const reader = opts.reader;
    const binary = q.format === 'binary';
    async function* lines(): AsyncGenerator<Buffer> {
      let left = q.limit;
      for await (const batch of reader.rows(query)) {
        const ok = batch.filter((r) => gate(r.route, rowUnixMs(r))).slice(0, left);
        if (ok.length === 0) continue;
        const bytes = await reader.bytes(ok);
        if (binary) yield Buffer.concat(bytes);
        else {
          yield Buffer.from(ok.map((r, k) => `${JSON.stringify({
            apid: r.apid, time: r.tai !== undefined ? taiToUtcIso(r.tai, 6) : null, ground: new Date(r.groundUnixMs).toISOString(), sequenceCount: r.sequenceCount,
            route: r.route, crc: r.crc, length: bytes[k]!.length, data: Buffer.from(bytes[k]!.buffer, bytes[k]!.byteOffset, bytes[k]!.byteLength).toString('base64'),
          })}\n`).join(''), 'utf8');
        }
        left -= ok.length;
        if (left <= 0) return;
      }
    }
    return reply.type(binary ? 'application/octet-stream' : 'application/x-ndjson').send(Readable.from(lines()));
  });
  app.get('/parameters', {
    schema: {
      summary: 'The parameters of the parameter archive (names and types are not data: listed to everyone)', tags: ['data'],
      response: { 200: { type: 'object', required: ['parameters'], properties: { parameters: { type: 'array', items: { type: 'object', required: ['name', 'kind'], properties: { name: { type: 'string' }, description: { type: 'string' }, kind: { type: 'string' }, unit: { type: 'string' } } } } } }, ...errors },
    },
  }, async () => ({
    parameters: parameters().parameters().map((p) => ({ name: p.name, kind: p.type.kind, ...(p.description !== undefined ? { description: p.description } : {}), ...(p.type.unit !== undefined ? { unit: p.type.unit } : {}) })),
  }));
  const sampleSchema = {
    type: 'object', required: ['time', 'apid', 'parameter', 'raw', 'engineering', 'validity', 'limit'], description: 'One line of the NDJSON stream (CSV: the same columns)',
    properties: {
      time: { type: ['string', 'null'] }, apid: { type: 'integer' }, parameter: { type: 'string' }, raw: {}, engineering: {}, unit: { type: ['string', 'null'] },
      validity: { type: 'string' }, limit: { type: 'string' },
    },
  } as const;
  app.get<{ Params: { name: string }; Querystring: { from?: string; to?: string; format: 'ndjson' | 'csv'; limit: number } }>('/parameters/:name', {
    schema: {
      summary: "A parameter's samples over a window from the parameter archive (raw and engineering, validity, limit), NDJSON or CSV; only samples of APIDs and times you may read", tags: ['data'],
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_.:/-]{1,200}$' } } },
      querystring: { type: 'object', additionalProperties: false, properties: { ...timeQuery, format: { type: 'string', enum: ['ndjson', 'csv'], default: 'ndjson' }, limit: { type: 'integer', minimum: 1, maximum: 10_000_000, default: 1_000_000 } } },
      response: { 200: { description: 'application/x-ndjson of the sample schema, or text/csv', content: { 'application/x-ndjson': { schema: sampleSchema }, 'text/csv': { schema: { type: 'string' } } } }, ...errors },
    },
  }, async (req, reply) => {
    const { fromTai, toTai } = window(req.query);
    const pa = parameters();
    const all = pa.series(req.params.name, fromTai, toTai);
    if (!all) throw new HttpProblem(404, `no parameter ${req.params.name.slice(0, 200)}`);
    const s = visibleSeries(all, apidTimeGate(await accessSpec(req.principal), await routesByApid()));
    const csvOut = req.query.format === 'csv';
    const n = Math.min(s.length, req.query.limit);
    async function* lines(): AsyncGenerator<string> {
      if (csvOut) yield `${SAMPLE_HEADER.join(',')}\r\n`;
      for (let k = 0; k < n; k += 4096) {
        let chunk = '';
        for (let i = k; i < Math.min(n, k + 4096); i++) chunk += sampleLine(s, i, !csvOut);
        yield chunk;
      }
    }
    return reply.type(csvOut ? 'text/csv; charset=utf-8' : 'application/x-ndjson').send(Readable.from(lines()));
  });

  // ---- TAP (TAP 1.1 §2), EPN-TAP 2.0 -------------------------------------------------------------------------
  const xml = (reply: FastifyReply, text: string, type = 'text/xml'): FastifyReply => reply.type(type).send(text);
  app.get('/tap/availability', { schema: { summary: 'VOSI availability (anonymous)', tags: ['tap'], response: { 200: { type: 'string' } } } },
    async (_req, reply) => xml(reply, '<?xml version="1.0" encoding="UTF-8"?>\n<vosi:availability xmlns:vosi="http://www.ivoa.net/xml/VOSIAvailability/v1.0"><vosi:available>true</vosi:available></vosi:availability>\n'));
  app.get('/tap/capabilities', { schema: { summary: 'VOSI capabilities (anonymous)', tags: ['tap'], response: { 200: { type: 'string' } } } },
    async (req, reply) => xml(reply, capabilities(baseOf(req))));
  app.get('/tap/tables', { schema: { summary: 'VOSI tables: idoc.epn_core (EPN-TAP 2.0)', tags: ['tap'], response: { 200: { type: 'string' } } } },
    async (_req, reply) => xml(reply, vosiTables(EPN_SCHEMA, EPN_TABLE, EPN_COLUMNS)));

  const tapParams = {
    type: 'object',
    properties: {
      LANG: { type: 'string', maxLength: 20 }, QUERY: { type: 'string', maxLength: 20_000 }, REQUEST: { type: 'string', maxLength: 20 },
      RESPONSEFORMAT: { type: 'string', maxLength: 100 }, FORMAT: { type: 'string', maxLength: 100 }, MAXREC: { type: 'string', pattern: '^[0-9]{1,9}$' },
      RUNID: { type: 'string', maxLength: 100 },
    },
  } as const;
  /** TAP parameters from a query string or a form (names case-insensitive, DALI 1.1 §3.1). */
  const tapInput = (req: FastifyRequest): TapParams => {
    const src = req.method === 'GET' ? (req.query as Record<string, unknown>) : (req.body as Record<string, unknown> | undefined) ?? {};
    if (typeof src !== 'object' || src === null) throw new HttpProblem(400, 'expected form parameters');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(src)) {
      if (Array.isArray(v)) throw new HttpProblem(400, `parameter ${k.toUpperCase()} given twice (DALI 1.1 §3.2)`);
      if (typeof v === 'string') out[k.toUpperCase()] = v;
    }
    return out;
  };
  /** The `epn_core` rows of the products `who` may read. */
  const tapRows = async (who: Principal, base: string): Promise<() => Record<string, Value>[]> => {
    const { access, embargoes } = await visibility(who);
    const sc = opts.spacecraft ?? '';
    return () => catalogue.visibleEntries(access).map((e) => epnRow(e, releaseTime(e.record.route, e.record.stop, embargoes), base, sc));
  };
  const syncHandler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const p = tapInput(req);
    try {
      const rows = await tapRows(req.principal, baseOf(req));
      const out = runTap(p, rows);
      return reply.type(out.mime).send(out.body);
    } catch (e) {
      // A query error is a VOTable with QUERY_STATUS ERROR when VOTable was asked (DALI 1.1 §4.4.1), else a problem.
      if ((e instanceof AdqlError || e instanceof HttpProblem) && formatOf(p.RESPONSEFORMAT ?? p.FORMAT)?.kind === 'votable' && (e instanceof AdqlError || e.status === 400)) {
        return reply.code(400).type('application/x-votable+xml').send(votableError(e.message));
      }
      throw e;
    }
  };
  const tapSchema = (summary: string, where: 'querystring' | 'body') => ({
    summary, tags: ['tap'], [where]: tapParams, ...(where === 'body' ? { consumes: [FORM] } : {}),
    response: { 200: { type: 'string', description: 'VOTable 1.4, CSV or JSON' }, ...errors },
  });
  app.get('/tap/sync', { schema: tapSchema('TAP 1.1 synchronous ADQL query over idoc.epn_core', 'querystring') }, syncHandler);
  app.post('/tap/sync', { schema: tapSchema('TAP 1.1 synchronous ADQL query (form post)', 'body') }, syncHandler);

  // ---- UWS 1.1 async jobs, owner only: TAP queries (/tap/async), and /jobs/{extract,decode,rebuild} ---------------
  const UWS_LISTS: readonly { readonly base: string; readonly kind: 'tap' | JobKind }[] = [{ base: '/tap/async', kind: 'tap' }, ...JOB_KINDS.map((k) => ({ base: `/jobs/${k}`, kind: k }))];
  const listOfKind = (kind: string): string => UWS_LISTS.find((l) => l.kind === kind)?.base ?? '/tap/async';
  const needUser = (req: FastifyRequest): string => {
    if (req.principal.user === 'anonymous') throw new HttpProblem(401, 'jobs need credentials', { 'WWW-Authenticate': 'Bearer realm="idoc", Basic realm="idoc"' });
    return req.principal.user;
  };
  /** The job if the caller owns it: unknown (or in another list) → 404, another owner's → 403 (UWS 1.1 §3.6). */
  const ownJobOf = async (req: FastifyRequest<{ Params: { id: string } }>, kind: string): Promise<JobRecord> => {
    const user = needUser(req);
    const j = await store.jobs.get(req.params.id);
    if (!j || j.kind !== kind) throw new HttpProblem(404, `no job ${req.params.id.slice(0, 64)}`);
    if (j.owner !== user) throw new HttpProblem(403, 'this job belongs to another user');
    return j;
  };
  const JOB_SUMMARY: Readonly<Record<JobKind, string>> = {
    extract: 'Create a packet extraction job (UWS 1.1 §2.2.3.1): APID, FROM, TO; results `packets` (space packets back to back) and `index` (CSV); only packets you may read',
    decode: 'Create a parameter decoding job: PARAMETER, FROM, TO, FORMAT csv|parquet, SOURCE archive|packets (the parameter archive, or the stored packets decoded by the mission database); result `parameters`; only samples you may read',
    rebuild: 'Create a product rebuild job: ROUTE (each granted to you), FROM, TO; every file of the rebuilt PDS4 L0 products is a result',
  };
  const archiveDir = (): string => {
    if (opts.archiveDir === undefined) throw new HttpProblem(404, 'this service has no archive for jobs');
    return opts.archiveDir;
  };
  const jobWorker = opts.jobWorker ?? new URL('./job-worker.js', import.meta.url);
  /** The job worker threads alive. */
  const workers = new Set<Worker>();
  /**
   * Run a job in a worker thread (on this thread when the worker script is absent, e.g. from sources). On abort or
   * when its execution duration (UWS 1.1 §2.1.4) runs out, the thread is terminated, and the promise settles once it
   * has ended (nothing of the job writes after that).
   */
  const runInWorker = (spec: JobSpec | TapJobSpec, signal: AbortSignal, seconds: number): Promise<JobOutput[]> => {
    if (!existsSync(fileURLToPath(jobWorker))) {
      if (spec.hold) return Promise.reject(new Error('holding a job (tests) needs the job worker'));
      return spec.kind === 'tap' ? runTapJob(spec) : runJob(spec);
    }
    return new Promise((resolve, reject) => {
      const w = new Worker(jobWorker, { workerData: spec });
      workers.add(w);
      let done = false;
      const finish = (f: () => void): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        void w.terminate().catch(() => undefined).finally(() => { workers.delete(w); f(); });
      };
      const timer = seconds > 0 ? setTimeout(() => finish(() => reject(new Error(`execution duration ${seconds} s exceeded`))), seconds * 1000) : undefined;
      w.once('message', (m: { ok: boolean; results?: JobOutput[]; error?: string }) => finish(() => (m.ok ? resolve(m.results!) : reject(new Error(m.error)))));
      w.once('error', (e) => finish(() => reject(e)));
      w.once('exit', (code) => finish(() => reject(new Error(`job worker stopped (exit ${code})`))));
      if (signal.aborted) finish(() => reject(new Error('aborted')));
      signal.addEventListener('abort', () => finish(() => reject(new Error('aborted'))));
    });
  };
  /** Jobs executing: their abort and the end of their execution (worker ended, partial results removed). */
  const running = new Map<string, { readonly ctl: AbortController; readonly ended: Promise<void> }>();
  /** Abort a job if it is executing; resolves once it has stopped. */
  const stopJob = async (id: string): Promise<void> => {
    const r = running.get(id);
    if (!r) return;
    r.ctl.abort();
    await r.ended;
  };
  /** The service is closing: jobs it stops are queued again. */
  let closing = false;
  const queue: string[] = [];
  let active = 0;
  const MAX_ACTIVE = 2;
  const pump = (): void => {
    while (active < MAX_ACTIVE && queue.length) {
      const id = queue.shift()!;
      active++;
      // A job's failure is its own (ERROR phase); a store failure here is logged, never an unhandled rejection.
      void execute(id).catch((e: Error) => log('error', `job ${id}: ${e.message}`)).finally(() => { active--; pump(); });
    }
  };
  const enqueue = async (j: JobRecord): Promise<void> => {
    await store.jobs.put({ ...j, phase: 'QUEUED' });
    queue.push(j.id);
    setImmediate(pump);
  };
  async function execute(id: string): Promise<void> {
    const j = await store.jobs.get(id);
    if (!j || j.phase !== 'QUEUED') return;
    const ctl = new AbortController();
    let ended!: () => void;
    running.set(id, { ctl, ended: new Promise<void>((r) => { ended = r; }) });
    const dir = path.join(opts.jobsDir, id);
    try {
      await store.jobs.put({ ...j, phase: 'EXECUTING', startedUnixMs: now() });
      await rm(dir, { recursive: true, force: true }); // a job run again after a restart starts clean
      const u = await store.users.get(j.owner);
      if (!u || u.disabled) throw new HttpProblem(403, `owner ${j.owner} no longer exists or is disabled`);
      const who: Principal = { user: u.name, role: u.role, routes: new Set(await store.grants.routes(u.name)), token: undefined };
      // Every kind runs in a worker thread with the owner's rights as they are now: a TAP query over the epn_core
      // rows the owner may read (made here, from the catalogue), the others from the archive.
      const hold = opts.holdJobsForTests === true ? { hold: true } : {};
      const spec: JobSpec | TapJobSpec = j.kind === 'tap'
        ? { kind: 'tap', parameters: j.parameters, rows: (await tapRows(who, j.parameters['BASE'] ?? ''))(), outDir: dir, ...hold }
        : { kind: j.kind as JobKind, parameters: j.parameters, archiveDir: archiveDir(), config: opts.config, tmDatabase: opts.tmDatabase, access: await accessSpec(who), outDir: dir, ...hold };
      const outputs = await runInWorker(spec, ctl.signal, j.executionDuration);
      const cur = await store.jobs.get(id);
      if (!cur || cur.phase !== 'EXECUTING') { await rm(dir, { recursive: true, force: true }); return; }
      await store.jobs.put({ ...cur, phase: 'COMPLETED', endedUnixMs: now(), results: outputs.map((o) => ({ id: o.id, mimeType: o.mimeType, size: o.size, file: path.join(id, o.file), sha256: o.sha256 })) });
    } catch (e) {
      // Nothing of a job that did not complete is kept (a result file half written when it was stopped).
      await rm(dir, { recursive: true, force: true });
      const cur = await store.jobs.get(id);
      // Stopped by the service closing: queued again (it runs at the next start); aborted: ABORTED; else ERROR.
      if (cur && cur.phase === 'EXECUTING') {
        await store.jobs.put(closing ? { ...cur, phase: 'QUEUED', startedUnixMs: undefined }
          : ctl.signal.aborted ? { ...cur, phase: 'ABORTED', endedUnixMs: now() }
            : { ...cur, phase: 'ERROR', endedUnixMs: now(), error: (e as Error).message.slice(0, 500) });
      }
    } finally {
      running.delete(id);
      ended();
    }
  }
  const destroy = async (j: JobRecord): Promise<void> => {
    await stopJob(j.id);
    await rm(path.join(opts.jobsDir, j.id), { recursive: true, force: true });
    await store.jobs.delete(j.id);
  };
  // Jobs survive a restart: queued or interrupted ones run again.
  for (const j of await store.jobs.list()) {
    if (j.phase === 'QUEUED' || j.phase === 'EXECUTING') await enqueue({ ...j, startedUnixMs: undefined });
  }
  const sweep = setInterval(() => {
    void (async () => {
      for (const j of await store.jobs.list()) if (j.destructionUnixMs !== undefined && j.destructionUnixMs <= now()) await destroy(j);
    })().catch((e: Error) => log('error', `job sweep: ${e.message}`));
  }, 60_000);
  sweep.unref();
  app.addHook('onClose', async () => { closing = true; clearInterval(sweep); await Promise.all([...running.keys()].map(stopJob)); });

  const seeOther = (reply: FastifyReply, where: string): FastifyReply => reply.code(303).header('Location', where).send();
  const formBody = (req: FastifyRequest): Record<string, string> => {
    const b = req.body;
    if (b === undefined || b === null) return {};
    if (typeof b !== 'object') throw new HttpProblem(415, `expected ${FORM}`);
    return b as Record<string, string>;
  };
  const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } } as const;
  const uwsListQuery = {
    type: 'object',
    properties: { PHASE: { type: 'array', items: { type: 'string', enum: ['PENDING', 'QUEUED', 'EXECUTING', 'COMPLETED', 'ERROR', 'ABORTED', 'UNKNOWN', 'HELD', 'SUSPENDED', 'ARCHIVED'] }, maxItems: 10 }, AFTER: { type: 'string', format: 'date-time' }, LAST: { type: 'integer', minimum: 1, maximum: 100000 } },
  } as const;
  const ownJobsOf = async (req: FastifyRequest<{ Querystring: { PHASE?: string[]; AFTER?: string; LAST?: number } }>, kind?: string): Promise<JobRecord[]> => {
    const user = needUser(req);
    const q = req.query;
    return filterJobs((await store.jobs.list(user)).filter((j) => kind === undefined || j.kind === kind), q.PHASE ?? [], q.AFTER !== undefined ? Date.parse(q.AFTER) : undefined, q.LAST);
  };
  const xmlResponse = { 200: { type: 'string', description: 'UWS 1.1 XML' }, ...errors };
  app.get<{ Querystring: { PHASE?: string[]; AFTER?: string; LAST?: number } }>('/jobs', {
    schema: {
      summary: 'Your jobs of every kind as JSON', tags: ['uws'], querystring: uwsListQuery,
      response: { 200: { type: 'object', required: ['jobs'], properties: { jobs: { type: 'array', items: { type: 'object', required: ['id', 'phase', 'created'], properties: { id: { type: 'string' }, kind: { type: 'string' }, phase: { type: 'string' }, created: { type: 'string' }, href: { type: 'string' }, runId: { type: 'string' } } } } } }, ...errors },
    },
  }, async (req) => ({ jobs: (await ownJobsOf(req)).map((j) => ({ id: j.id, kind: j.kind, phase: j.phase, created: new Date(j.createdUnixMs).toISOString(), href: `${listOfKind(j.kind)}/${j.id}`, ...(j.runId !== undefined ? { runId: j.runId } : {}) })) }));
  const jobBody = {
    type: 'object',
    properties: {
      PHASE: { type: 'string', enum: ['RUN'] }, RUNID: { type: 'string', maxLength: 100 },
      FROM: { type: 'string', maxLength: 40, description: 'UTC ISO-8601 (required but for decode)' }, TO: { type: 'string', maxLength: 40 },
      APID: { type: 'string', maxLength: 400, description: 'extract: APIDs, comma-separated' },
      PARAMETER: { type: 'string', maxLength: 20_000, description: 'decode: parameter names, comma-separated' },
      FORMAT: { type: 'string', maxLength: 20, description: 'decode: csv (default) or parquet' },
      SOURCE: { type: 'string', maxLength: 20, description: 'decode: archive (the parameter archive, default) or packets (decode the stored packets with the mission database; needs FROM and TO)' },
      ROUTE: { type: 'string', maxLength: 2000, description: 'rebuild: routes, comma-separated (each granted to you)' },
    },
  } as const;
  for (const { base: ASYNC, kind } of UWS_LISTS) {
  const ownJob = (req: FastifyRequest<{ Params: { id: string } }>): Promise<JobRecord> => ownJobOf(req, kind);
  const ownJobs = (req: FastifyRequest<{ Querystring: { PHASE?: string[]; AFTER?: string; LAST?: number } }>): Promise<JobRecord[]> => ownJobsOf(req, kind);
  app.get<{ Querystring: { PHASE?: string[]; AFTER?: string; LAST?: number } }>(ASYNC, {
    schema: { summary: `UWS 1.1 list of your ${kind === 'tap' ? 'TAP query' : kind} jobs (PHASE, AFTER, LAST filters)`, tags: ['uws'], querystring: uwsListQuery, response: xmlResponse },
  }, async (req, reply) => xml(reply, jobListXml(await ownJobs(req), `${baseOf(req)}${ASYNC}`)));
  app.post(ASYNC, {
    schema: kind === 'tap'
      ? { summary: 'Create a TAP async job (UWS 1.1 §2.2.3.1): 303 to it; PHASE=RUN starts it', tags: ['uws'], body: { type: 'object', properties: { ...tapParams.properties, PHASE: { type: 'string', enum: ['RUN'] } } }, consumes: [FORM], response: { 303: { type: 'null' }, ...errors } }
      : { summary: JOB_SUMMARY[kind], tags: ['uws'], body: jobBody, consumes: [FORM], response: { 303: { type: 'null' }, ...errors } },
  }, async (req, reply) => {
    const owner = needUser(req);
    const b = formBody(req);
    const id = randomBytes(9).toString('base64url');
    let parameters: Record<string, string> = {};
    if (kind === 'tap') {
      for (const k of ['LANG', 'QUERY', 'RESPONSEFORMAT', 'FORMAT', 'MAXREC']) if (b[k] !== undefined) parameters[k] = b[k]!;
      parameters['BASE'] = baseOf(req);
    } else {
      if (opts.archiveDir === undefined) throw new HttpProblem(404, 'this service has no archive for jobs');
      try { parameters = jobParameters(kind, b); } catch (e) { throw new HttpProblem(400, (e as Error).message); }
      if (kind === 'rebuild' && req.principal.role !== 'operator') {
        const denied = parameters['ROUTE']!.split(',').filter((r) => req.principal.role !== 'co-investigator' || !req.principal.routes.has(r));
        if (denied.length) throw new HttpProblem(403, `not granted: ${denied.join(', ').slice(0, 200)}`);
      }
    }
    const job: JobRecord = {
      id, owner, kind, phase: 'PENDING', parameters, runId: b['RUNID'], createdUnixMs: now(), startedUnixMs: undefined, endedUnixMs: undefined,
      executionDuration: 600, destructionUnixMs: now() + JOB_LIFETIME_MS, error: undefined, results: [],
    };
    if (b['PHASE'] === 'RUN') await enqueue(job); else await store.jobs.put(job);
    return seeOther(reply, `${ASYNC}/${id}`);
  });
  app.get<{ Params: { id: string }; Querystring: { WAIT?: number; PHASE?: string } }>(`${ASYNC}/:id`, {
    schema: { summary: 'A job (UWS 1.1 §2.2.2.2); WAIT=n blocks up to n s (at most 30) while the phase does not change', tags: ['uws'], params: idParams, querystring: { type: 'object', properties: { WAIT: { type: 'integer', minimum: -1, maximum: 3600 }, PHASE: { type: 'string' } } }, response: xmlResponse },
  }, async (req, reply) => {
    let j = await ownJob(req);
    const wait = req.query.WAIT;
    if (wait !== undefined && wait !== 0 && ['PENDING', 'QUEUED', 'EXECUTING'].includes(j.phase) && (req.query.PHASE === undefined || req.query.PHASE === j.phase)) {
      const until = Date.now() + 1000 * (wait < 0 ? 30 : Math.min(wait, 30));
      const phase = j.phase;
      while (Date.now() < until && j.phase === phase) {
        await new Promise((r) => setTimeout(r, 50));
        j = (await store.jobs.get(j.id)) ?? j;
      }
    }
    return xml(reply, jobXml(j, `${baseOf(req)}${ASYNC}`));
  });
  const deleteJob = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<FastifyReply> => {
    await destroy(await ownJob(req));
    return seeOther(reply, ASYNC);
  };
  app.delete<{ Params: { id: string } }>(`${ASYNC}/:id`, { schema: { summary: 'Destroy a job (UWS 1.1 §2.2.3.2)', tags: ['uws'], params: idParams, response: { 303: { type: 'null' }, ...errors } } }, deleteJob);
  app.post<{ Params: { id: string } }>(`${ASYNC}/:id`, {
    schema: { summary: 'ACTION=DELETE destroys the job (UWS 1.1 §2.2.3.2)', tags: ['uws'], params: idParams, body: { type: 'object', properties: { ACTION: { type: 'string', enum: ['DELETE'] } }, required: ['ACTION'] }, consumes: [FORM], response: { 303: { type: 'null' }, ...errors } },
  }, deleteJob);
  const text = (reply: FastifyReply, t: string): FastifyReply => reply.type('text/plain').send(t);
  const textResponse = { 200: { type: 'string' }, ...errors };
  app.get<{ Params: { id: string } }>(`${ASYNC}/:id/phase`, { schema: { summary: 'The phase', tags: ['uws'], params: idParams, response: textResponse } }, async (req, reply) => text(reply, (await ownJob(req)).phase));
  app.post<{ Params: { id: string } }>(`${ASYNC}/:id/phase`, {
    schema: { summary: 'PHASE=RUN or PHASE=ABORT (UWS 1.1 §2.2.3.5-6)', tags: ['uws'], params: idParams, body: { type: 'object', required: ['PHASE'], properties: { PHASE: { type: 'string', enum: ['RUN', 'ABORT'] } } }, consumes: [FORM], response: { 303: { type: 'null' }, ...errors } },
  }, async (req, reply) => {
    const j = await ownJob(req);
    const phase = formBody(req)['PHASE'];
    if (phase === 'RUN') {
      if (j.phase !== 'PENDING' && j.phase !== 'HELD') throw new HttpProblem(403, `cannot run a job in phase ${j.phase}`);
      await enqueue(j);
    } else {
      if (FINAL_PHASES.includes(j.phase)) throw new HttpProblem(403, `cannot abort a job in phase ${j.phase}`);
      const at = queue.indexOf(j.id);
      if (at >= 0) queue.splice(at, 1);
      // ABORTED first (the job's end then leaves it so), then the worker is terminated and its partial results go.
      await store.jobs.put({ ...j, phase: 'ABORTED', endedUnixMs: now() });
      await stopJob(j.id);
    }
    return seeOther(reply, `${ASYNC}/${j.id}`);
  });
  app.get<{ Params: { id: string } }>(`${ASYNC}/:id/executionduration`, { schema: { summary: 'Execution duration, s (0 = unlimited)', tags: ['uws'], params: idParams, response: textResponse } }, async (req, reply) => text(reply, String((await ownJob(req)).executionDuration)));
  app.post<{ Params: { id: string } }>(`${ASYNC}/:id/executionduration`, {
    schema: { summary: 'Set the execution duration while PENDING (UWS 1.1 §2.2.3.4)', tags: ['uws'], params: idParams, body: { type: 'object', required: ['EXECUTIONDURATION'], properties: { EXECUTIONDURATION: { type: 'string', pattern: '^[0-9]{1,7}$' } } }, consumes: [FORM], response: { 303: { type: 'null' }, ...errors } },
  }, async (req, reply) => {
    const j = await ownJob(req);
    if (j.phase !== 'PENDING') throw new HttpProblem(403, `cannot change a job in phase ${j.phase}`);
    await store.jobs.put({ ...j, executionDuration: Math.min(Number(formBody(req)['EXECUTIONDURATION']), 3600) });
    return seeOther(reply, `${ASYNC}/${j.id}`);
  });
  app.get<{ Params: { id: string } }>(`${ASYNC}/:id/destruction`, { schema: { summary: 'Destruction time', tags: ['uws'], params: idParams, response: textResponse } }, async (req, reply) => {
    const j = await ownJob(req);
    return text(reply, j.destructionUnixMs !== undefined ? new Date(j.destructionUnixMs).toISOString() : '');
  });
  app.post<{ Params: { id: string } }>(`${ASYNC}/:id/destruction`, {
    schema: { summary: 'Set the destruction time (at most 30 days ahead; UWS 1.1 §2.2.3.3 lets the server substitute)', tags: ['uws'], params: idParams, body: { type: 'object', required: ['DESTRUCTION'], properties: { DESTRUCTION: { type: 'string', format: 'date-time' } } }, consumes: [FORM], response: { 303: { type: 'null' }, ...errors } },
  }, async (req, reply) => {
    const j = await ownJob(req);
    const at = Date.parse(formBody(req)['DESTRUCTION']!);
    await store.jobs.put({ ...j, destructionUnixMs: Math.min(at, now() + 30 * 86_400_000) });
    return seeOther(reply, `${ASYNC}/${j.id}`);
  });
  app.get<{ Params: { id: string } }>(`${ASYNC}/:id/error`, { schema: { summary: 'The error (404 when none)', tags: ['uws'], params: idParams, response: textResponse } }, async (req, reply) => {
    const j = await ownJob(req);
    if (j.error === undefined) throw new HttpProblem(404, 'no error');
    return kind === 'tap' ? reply.type('application/x-votable+xml').send(votableError(j.error)) : text(reply, j.error);
  });
  app.get<{ Params: { id: string } }>(`${ASYNC}/:id/quote`, { schema: { summary: 'Quote (unknown: empty)', tags: ['uws'], params: idParams, response: textResponse } }, async (req, reply) => { await ownJob(req); return text(reply, ''); });
  app.get<{ Params: { id: string } }>(`${ASYNC}/:id/owner`, { schema: { summary: 'Owner', tags: ['uws'], params: idParams, response: textResponse } }, async (req, reply) => text(reply, (await ownJob(req)).owner));
  app.get<{ Params: { id: string } }>(`${ASYNC}/:id/parameters`, { schema: { summary: 'Parameters', tags: ['uws'], params: idParams, response: xmlResponse } }, async (req, reply) => {
    const j = await ownJob(req);
    const body = jobXml(j, `${baseOf(req)}${ASYNC}`);
    return xml(reply, `<?xml version="1.0" encoding="UTF-8"?>\n${/<uws:parameters>[\s\S]*?<\/uws:parameters>/.exec(body)![0].replace('<uws:parameters>', '<uws:parameters xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0">')}\n`);
  });
  app.get<{ Params: { id: string } }>(`${ASYNC}/:id/results`, { schema: { summary: 'Results', tags: ['uws'], params: idParams, response: xmlResponse } }, async (req, reply) => {
    const j = await ownJob(req);
    const body = jobXml(j, `${baseOf(req)}${ASYNC}`);
    return xml(reply, `<?xml version="1.0" encoding="UTF-8"?>\n${/<uws:results>[\s\S]*?<\/uws:results>/.exec(body)![0].replace('<uws:results>', '<uws:results xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" xmlns:xlink="http://www.w3.org/1999/xlink">')}\n`);
  });
  app.get<{ Params: { id: string; result: string } }>(`${ASYNC}/:id/results/:result`, {
    schema: { summary: kind === 'tap' ? 'A result (TAP 1.1 §2.2: `result`)' : 'A result file (Range; ETag = SHA-256)', tags: ['uws'], params: { type: 'object', required: ['id', 'result'], properties: { id: idParams.properties.id, result: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,200}$' } } }, response: { 200: { type: 'string' }, 206: { type: 'string' }, 304: { type: 'null' }, 416: problemRef, ...errors } },
  }, async (req, reply) => {
    const j = await ownJob(req);
    const r = j.results.find((x) => x.id === req.params.result);
    if (!r) throw new HttpProblem(404, `no result ${req.params.result}`);
    // The stored record names the file (relative to the jobs folder); nothing from the request reaches the path.
    return serveFile(req, reply, path.join(opts.jobsDir, r.file), r.mimeType, r.sha256);
  });
  }

  const out = app as FastifyInstance & { catalogue: Catalogue; refresh(): Promise<number>; jobWorkers(): number };
  out.catalogue = catalogue;
  out.refresh = refresh;
  out.jobWorkers = () => workers.size;
  return out;
}
