/**
 * @module A standalone host for the operations console (`idoc console`, `idoc demo --serve`): Fastify on
 * 127.0.0.1 with the console routes, JSON bodies of at most 64 KiB, one-line 4xx answers to malformed requests.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import type { Sessions } from './console-auth.js';
import { registerConsoleRoutes } from './console-routes.js';
import type { ConsoleSources } from './console-data.js';

/** The built front end beside this module (dist/telemetry/service/console). */
export const CONSOLE_STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'console');

export interface ConsoleServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startConsoleServer(o: { sources: ConsoleSources; sessions: Sessions; host?: string; port?: number; liveEveryMs?: number; staticDir?: string }): Promise<ConsoleServer> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.setErrorHandler((e: { statusCode?: number; message: string }, _req, reply) => {
    const code = e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    void reply.code(code).send({ error: code === 500 ? 'internal error' : e.message.split('\n')[0] });
    if (code === 500) process.stderr.write(`idoc console: ${e.message.split('\n')[0]}\n`);
  });
  registerConsoleRoutes(app, { sources: o.sources, sessions: o.sessions, staticDir: o.staticDir ?? CONSOLE_STATIC_DIR, ...(o.liveEveryMs !== undefined ? { liveEveryMs: o.liveEveryMs } : {}) });
  const host = o.host ?? '127.0.0.1';
  await app.listen({ host, port: o.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/console/`, close: () => app.close() };
}

/**
 * The console over a demo folder (`idoc demo`): the sample mission with ground tracks from the sample TLE moved
 * to the data's epoch, the archive and L0 products the demo writes, the sample telemetry database, the golden
 * plans (`plans`, built by the caller); one operator `demo` with a random password. Started before the chain runs: its pages fill as it goes.
 */
export async function startDemoConsole(dir: string, root: string, plans: ConsoleSources['plans'], port = 0): Promise<ConsoleServer & { user: string; password: string }> {
  const [{ mkdirSync, readFileSync, writeFileSync }, { randomBytes }, { movedTle }, { hashPassword, sessions, parseUsers }, { resolveMission }, { loadTmDatabase }] = await Promise.all([
    import('node:fs'), import('node:crypto'), import('./console-fixture.js'), import('./console-auth.js'), import('../../src/config/mission.js'), import('../../src/mdb/load.js'),
  ]);
  const f = (p: string) => path.join(root, 'fixtures', p);
  const cfg = JSON.parse(readFileSync(f('l0/idoc.json'), 'utf8')) as Record<string, unknown> & { products: Record<string, unknown> };
  delete cfg['$schema'];
  cfg.products['ephemeris'] = 'console-samplesat.tle';
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'console-samplesat.tle'), movedTle(readFileSync(f('planning/samplesat.tle'), 'utf8'), '26001'));
  writeFileSync(path.join(dir, 'console.json'), JSON.stringify(cfg, null, 1));
  const mission = await resolveMission({ config: path.join(dir, 'console.json') });
  const password = randomBytes(9).toString('base64url');
  const users = parseUsers(JSON.stringify({ users: [{ name: 'demo', role: 'operator', password: hashPassword(password) }] }), 'demo users');
  const server = await startConsoleServer({
    sources: {
      mission, archiveDir: path.join(dir, 'archive'), productsDir: path.join(dir, 'l0'), requestsDir: path.join(dir, 'dds-requests'),
      tmdb: loadTmDatabase(f('sample-mission/sim-tm.xml')),
      ...(plans ? { plans } : {}),
    },
    sessions: sessions(users), port,
  });
  return { ...server, user: 'demo', password };
}
