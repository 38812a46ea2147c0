/**
 * @module The operations console's HTTP routes on a Fastify instance: login/logout (session cookie), the data the
 * pages show (`/api/console/...`: live status and its server-sent events stream, gaps and DDS re-requests,
 * products with facets, footprints, label and download, parameters and their series, plans with findings) and the
 * built single-page front end (`/console/`). Every data route asks for a session (deny by default: 401) and
 * filters by the user's instruments (someone else's product is 404, as if absent). Hostile input gets a 4xx and
 * one line, never a stack trace.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InputError, UsageError } from '../../src/errors.js';
import type { ConsoleUser, Sessions } from './console-auth.js';
import {
  gapsReport, liveStatus, parameterList, parameterSeries, product, products, writeRequest, type ConsoleSources,
} from './console-data.js';
import { PLAN_COLUMNS, PLAN_LIST_LIMIT, planCommands, planPageData, visiblePlans } from './console-plan.js';
import { productValidation } from './console-validate.js';

export const SESSION_COOKIE = 'idoc_console';

export interface ConsoleRouteOptions {
  readonly sources: ConsoleSources;
  readonly sessions: Sessions;
  /** The built front end (index.html and assets/); absent: API only. */
  readonly staticDir?: string;
  /** Live stream period, ms (default 1000). */
  readonly liveEveryMs?: number;
  /** Redirect `/` to the console (default true; off when another service owns `/`). */
  readonly rootRedirect?: boolean;
  /** Cookie `Secure` attribute (set when served over TLS). */
  readonly secureCookie?: boolean;
  /** Who a request without a session is, from its own credentials (on `idoc serve`: its bearer token or Basic). */
  readonly credentialUser?: (req: FastifyRequest) => Promise<ConsoleUser | undefined>;
}

function cookieOf(req: FastifyRequest): string | undefined {
  const h = req.headers.cookie;
  if (typeof h !== 'string') return undefined;
  for (const part of h.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return v.join('=');
  }
  return undefined;
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Register the console on `app` (its own error handler is the caller's; bad input here answers 400 itself). */
export function registerConsoleRoutes(app: FastifyInstance, o: ConsoleRouteOptions): void {
  const userOf = async (req: FastifyRequest): Promise<ConsoleUser | undefined> => o.sessions.user(cookieOf(req)) ?? (await o.credentialUser?.(req));
  const guard = async (req: FastifyRequest, reply: FastifyReply): Promise<ConsoleUser | undefined> => {
    const u = await userOf(req);
    if (!u) void reply.code(401).send({ error: 'not logged in' });
    return u;
  };
  const bad = (reply: FastifyReply, e: unknown) => {
    // A plan that does not read, or rules that need an ephemeris the console was not given: say it in one line.
    if (e instanceof InputError || e instanceof UsageError) return reply.code(400).send({ error: e.message.split('\n')[0] });
    throw e;
  };

  app.post('/api/console/login', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const name = str(b['user']);
    const password = str(b['password']);
    if (name === undefined || password === undefined || name.length > 64 || password.length > 1024) return reply.code(400).send({ error: 'body: expected {"user": "...", "password": "..."}' });
    const s = await o.sessions.login(name, password);
    if (!s) return reply.code(401).send({ error: 'wrong user or password' });
    void reply.header('set-cookie', `${SESSION_COOKIE}=${s.id}; Path=/; HttpOnly; SameSite=Strict${o.secureCookie ? '; Secure' : ''}`);
    return s.user;
  });
  app.post('/api/console/logout', async (req, reply) => {
    o.sessions.logout(cookieOf(req));
    void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return { ok: true };
  });
  app.get('/api/console/me', async (req, reply) => await guard(req, reply) ?? reply);

  app.get('/api/console/status', async (req, reply) => {
    const u = await guard(req, reply);
    return u ? liveStatus(o.sources, u) : reply;
  });

  // Server-sent events (WHATWG HTML Living Standard §9.2): one `status` event per period, a comment as heartbeat.
  app.get('/api/console/live', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    const bySession = o.sessions.user(cookieOf(req)) !== undefined;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      if (closed) return;
      if (bySession && !o.sessions.user(cookieOf(req))) { res.end('event: logout\ndata: {}\n\n'); closed = true; return; }
      try {
        res.write(`event: status\ndata: ${JSON.stringify(await liveStatus(o.sources, u))}\n\n`);
      } catch (e) {
        res.write(`event: problem\ndata: ${JSON.stringify({ error: (e as Error).message })}\n\n`);
      }
      if (!closed) timer = setTimeout(() => void tick(), o.liveEveryMs ?? 1000);
    };
    req.raw.on('close', () => { closed = true; if (timer) clearTimeout(timer); });
    res.write('retry: 2000\n\n');
    await tick();
  });

  app.get('/api/console/gaps', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    const q = req.query as Record<string, unknown>;
    try {
      const from = str(q['from']);
      const to = str(q['to']);
      return await gapsReport(o.sources, u, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
    } catch (e) { return bad(reply, e); }
  });
  app.post('/api/console/gaps/request', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    if (u.role !== 'operator') return reply.code(403).send({ error: 'only operators write DDS requests' });
    const id = str(((req.body ?? {}) as Record<string, unknown>)['id']);
    if (id === undefined || !/^[\w.-]{1,128}$/.test(id)) return reply.code(400).send({ error: 'body: expected {"id": "<request id of a gap window>"}' });
    const r = await writeRequest(o.sources, u, id);
    return r ?? reply.code(404).send({ error: `no gap window ${id}` });
  });

  const query = (req: FastifyRequest): Record<string, string | undefined> =>
    Object.fromEntries(Object.entries(req.query as Record<string, unknown>).map(([k, v]) => [k, str(v)]));
  app.get('/api/console/products', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    try { return await products(o.sources, u, query(req)); } catch (e) { return bad(reply, e); }
  });
  app.get('/api/console/products/:id', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    const p = await product(o.sources, u, (req.params as { id: string }).id);
    if (!p) return reply.code(404).send({ error: 'no such product' });
    return { ...p.entry, files: p.files, fixity: p.fixity };
  });
  app.get('/api/console/products/:id/label', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    const p = await product(o.sources, u, (req.params as { id: string }).id);
    if (!p) return reply.code(404).send({ error: 'no such product' });
    return reply.type('application/xml; charset=utf-8').send(p.labelText);
  });
  // The label validated now (XML Schema + Schematron, in process), not a result stored at build time.
  app.get('/api/console/products/:id/validation', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    const v = await productValidation(o.sources, u, (req.params as { id: string }).id);
    return v ?? reply.code(404).send({ error: 'no such product' });
  });
  app.get('/api/console/products/:id/files/:file', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    const { id, file } = req.params as { id: string; file: string };
    const p = await product(o.sources, u, id);
    // Only a file listed beside the label (never a path the client makes up).
    if (!p || (file !== p.entry.label && !p.files.includes(file))) return reply.code(404).send({ error: 'no such file' });
    const full = path.join(p.dir, file);
    const size = (await stat(full)).size;
    return reply.header('content-disposition', `attachment; filename="${file}"`).header('content-length', size).type('application/octet-stream').send(createReadStream(full));
  });

  app.get('/api/console/parameters', async (req, reply) => (await guard(req, reply) ? { parameters: parameterList(o.sources) } : reply));
  app.get('/api/console/parameters/series', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    const q = query(req);
    const names = (q['names'] ?? '').split(',').filter(Boolean);
    if (names.length === 0 || names.length > 8) return reply.code(400).send({ error: 'names: expected 1 to 8 parameter names, comma-separated' });
    try {
      return await parameterSeries(o.sources, u, { names, ...(q['from'] ? { from: q['from'] } : {}), ...(q['to'] ? { to: q['to'] } : {}) });
    } catch (e) { return bad(reply, e); }
  });

  app.get('/api/console/plans', async (req, reply) => {
    const u = await guard(req, reply);
    return u ? { plans: await visiblePlans(o.sources.plans, u) } : reply;
  });
  app.get('/api/console/plans/:name', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    try {
      const cols = Number((req.query as { cols?: string }).cols ?? PLAN_COLUMNS.default);
      const t = await planPageData(o.sources.plans, u, (req.params as { name: string }).name, Number.isFinite(cols) ? cols : PLAN_COLUMNS.default);
      return t ?? reply.code(404).send({ error: 'no such plan' });
    } catch (e) { return bad(reply, e); }
  });
  // A page of the plan's commands (the timeline sends the first PLAN_LIST_LIMIT).
  app.get('/api/console/plans/:name/commands', async (req, reply) => {
    const u = await guard(req, reply);
    if (!u) return reply;
    const q = req.query as { offset?: string; limit?: string };
    const offset = Number(q.offset ?? 0);
    const limit = Number(q.limit ?? PLAN_LIST_LIMIT);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) return reply.code(400).send({ error: 'offset, limit: expected integers ≥ 0 and ≥ 1' });
    try {
      const t = await planCommands(o.sources.plans, u, (req.params as { name: string }).name, offset, limit);
      return t ?? reply.code(404).send({ error: 'no such plan' });
    } catch (e) { return bad(reply, e); }
  });

  if (o.staticDir !== undefined) {
    const root = path.resolve(o.staticDir);
    const send = async (reply: FastifyReply, rel: string) => {
      const full = path.resolve(root, rel);
      if (!full.startsWith(root + path.sep) || !existsSync(full)) return reply.code(404).send({ error: 'not found' });
      return reply
        .header('content-security-policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'")
        .header('x-content-type-options', 'nosniff')
        .type(MIME[path.extname(full)] ?? 'application/octet-stream').send(await readFile(full));
    };
    if (o.rootRedirect !== false) app.get('/', async (_req, reply) => reply.redirect('/console/'));
    app.get('/console', async (_req, reply) => reply.redirect('/console/'));
    app.get('/console/', async (_req, reply) => send(reply, 'index.html'));
    app.get('/console/assets/:file', async (req, reply) => {
      const f = (req.params as { file: string }).file;
      if (!/^[\w.-]+$/.test(f)) return reply.code(404).send({ error: 'not found' });
      return send(reply, path.join('assets', f));
    });
  }
}
