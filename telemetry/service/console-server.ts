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
