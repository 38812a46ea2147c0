/**
 * @module The console on the Co-I service (`idoc serve`): logins checked against the service's users (scrypt
 * hashes in service.sqlite), an operator seeing every instrument, a co-investigator the instruments of the routes
 * granted to them (the APIDs of each route → their declared instrument), the public role no console at all; and
 * the console's routes registered on the service's Fastify app (its rate limit and audit log apply to them).
 */
import type { FastifyInstance } from 'fastify';
import type { ServiceStore } from '../../src/archive/service-port.js';
import { verifyPassword, type Principal } from './auth.js';
import { sessionTable, type ConsoleUser, type Sessions } from './console-auth.js';
import { instrumentOf, type ConsoleSources } from './console-data.js';
import { registerConsoleRoutes } from './console-routes.js';

/** The instruments of the routes a co-investigator was granted: each route's APIDs (config `routes` or `products.routes`). */
export function instrumentsOfRoutes(sources: ConsoleSources, routes: readonly string[]): string[] {
  const raw = (sources.mission.config.raw ?? {}) as { routes?: Record<string, { apids?: unknown[] }>; products?: { routes?: Record<string, { apids?: unknown[] }> } };
  const out = new Set<string>();
  for (const r of routes) {
    const apids = raw.routes?.[r]?.apids ?? raw.products?.routes?.[r]?.apids ?? [];
    for (const a of apids) {
      const lo = typeof a === 'number' ? a : Array.isArray(a) && typeof a[0] === 'number' ? a[0] : (a as { from?: number } | null)?.from;
      const inst = lo !== undefined ? instrumentOf(sources.mission, lo) : undefined;
      if (inst !== undefined) out.add(inst);
    }
  }
  return [...out].sort();
}

export function serviceSessions(store: ServiceStore, sources: ConsoleSources): Sessions {
  const table = sessionTable();
  return {
    async login(name, password) {
      const u = await store.users.get(name);
      if (!u || u.disabled || u.passwordHash === undefined || u.role === 'public') return undefined;
      if (!(await verifyPassword(password, u.passwordHash))) return undefined;
      const user: ConsoleUser = u.role === 'operator'
        ? { name: u.name, role: 'operator', instruments: ['*'] }
        : { name: u.name, role: 'coi', instruments: instrumentsOfRoutes(sources, await store.grants.routes(u.name)) };
      return table.open(user);
    },
    user: (id) => table.user(id),
    logout: (id) => table.logout(id),
  };
}

/** The console user of a service principal (the service's onRequest hook resolved its token or Basic credentials). */
export function consoleUserOf(sources: ConsoleSources, p: Principal | undefined): ConsoleUser | undefined {
  if (!p || p.user === 'anonymous' || p.role === 'public') return undefined;
  return p.role === 'operator'
    ? { name: p.user, role: 'operator', instruments: ['*'] }
    : { name: p.user, role: 'coi', instruments: instrumentsOfRoutes(sources, [...p.routes]) };
}

/**
 * Serve the console at /console/ on the service's app (before it listens). Its API also answers a request that
 * carries the service's credentials instead of a session (`Authorization: Bearer <token from idoc users token>`),
 * with the same rights as that user's login.
 */
export function registerConsoleOnService(app: FastifyInstance, store: ServiceStore, sources: ConsoleSources, staticDir: string): void {
  registerConsoleRoutes(app, {
    sources, sessions: serviceSessions(store, sources), staticDir, rootRedirect: false,
    credentialUser: async (req) => consoleUserOf(sources, (req as { principal?: Principal }).principal),
  });
}
