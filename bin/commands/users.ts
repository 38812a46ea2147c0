/**
 * @module `idoc users add|token|revoke|grant|embargo|list`: the Co-I service's users (scrypt-hashed passwords),
 * API tokens (shown once, stored as SHA-256), route grants and per-route embargoes, in the archive's service.sqlite.
 */
import type { Command } from 'commander';
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

interface Flags { archive?: string; config?: string; json?: boolean }

const common = (cmd: Command): Command => cmd
  .option('--archive <dir>', 'archive directory (default: the config\'s archive.dir, else ./idoc-archive)')
  .option('--config <file>', 'mission config (default: ./idoc.json when present)');

/** The environment variable `users add --password-env` reads by default. */
const PASSWORD_ENV = 'IDOC_PASSWORD';

/** The service store of the configured archive; `routes` named by the user are first checked against the config. */
async function openStore(flags: Flags, routes: readonly string[] = []) {
  const [{ resolveMission }, store, { openConfiguredServiceStore }] = await Promise.all([
    import('../../src/config/mission.js'), import('../../src/store/index.js'), import('../../src/archive-of.js'),
  ]);
  const mission = await resolveMission(flags);
  if (routes.length && mission.config.file !== undefined) {
    // Grants name the routes products are catalogued by (as `l0 build --route` resolves them).
    const { apidsOfNamedRoutes, productsConfig } = await import('../../telemetry/products/index.js');
    apidsOfNamedRoutes(productsConfig(mission.config), routes, 'route');
  }
  const { dir } = store.archiveSettings(mission.config, flags.archive);
  return openConfiguredServiceStore(mission.config, dir);
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export const registerUsers: RegisterCommand = (program, ctx) => {
  const users = program.command('users').description('users, API tokens, route grants and embargoes of the Co-I service (idoc serve)');

  common(users.command('add <name>'))
    .description('add a user with a role; a password (scrypt-hashed) is read from $IDOC_PASSWORD when set')
    .requiredOption('--role <role>', 'operator, co-investigator or public')
    .option('--route <names>', 'routes (instrument streams) granted to the user (comma-separated, as named in the config)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, flags: Flags & { role: string; route?: string }) => {
      const routes = flags.route?.split(',').map((r) => r.trim()).filter(Boolean) ?? [];
      const [{ UsageError }, { parseChoice }, { ROLES }, { hashPassword }] = await Promise.all([
        import('../../src/errors.js'), import('../cli/options.js'), import('../../src/archive/service-port.js'), import('../../telemetry/service/index.js'),
      ]);
      if (!NAME.test(name)) throw new UsageError(`users add: name ${JSON.stringify(name.slice(0, 80))}: letters, digits, . _ @ - (at most 64)`);
      const role = parseChoice('--role', flags.role, ROLES);
      const password = process.env[PASSWORD_ENV];
      const s = await openStore(flags, routes);
      try {
        await s.users.add({ name, role, passwordHash: password ? await hashPassword(password) : undefined, createdUnixMs: Date.now(), disabled: false });
        for (const r of routes) await s.grants.grant(name, r);
      } finally { await s.close(); }
      const out = { name, role, routes, password: Boolean(password) };
      ctx.io.out(flags.json ? jsonOut('users add', out) : `added ${name} (${role}${out.routes.length ? `; routes ${out.routes.join(', ')}` : ''}${out.password ? '; password set' : ''})\n`);
    });

  common(users.command('token <name>'))
    .description('issue an API token for a user: printed once (only its SHA-256 is kept)')
    .option('--out <file>', 'write the token to this file (mode 600) instead of stdout')
    .option('--json', 'machine-readable output')
    .action(async (name: string, flags: Flags & { out?: string }) => {
      const [{ InputError }, { newToken, tokenDigest }, { writeFile }] = await Promise.all([import('../../src/errors.js'), import('../../telemetry/service/index.js'), import('node:fs/promises')]);
      const s = await openStore(flags);
      const t = newToken();
      try {
        if (!(await s.users.get(name))) throw new InputError(`users token: no user ${name}`);
        await s.tokens.add({ id: t.id, user: name, digest: tokenDigest(t.secret), createdUnixMs: Date.now(), revokedUnixMs: undefined });
      } finally { await s.close(); }
      if (flags.out !== undefined) {
        await writeFile(flags.out, `${t.secret}\n`, { mode: 0o600 });
        ctx.io.out(flags.json ? jsonOut('users token', { id: t.id, user: name, file: flags.out }) : `token ${t.id} for ${name} written to ${flags.out}\n`);
      } else ctx.io.out(flags.json ? jsonOut('users token', { id: t.id, user: name, token: t.secret }) : `${t.secret}\n`);
    });

  common(users.command('revoke <id-or-user>'))
    .description('revoke one token (by its id) or every token of a user; takes effect at the next request')
    .option('--json', 'machine-readable output')
    .action(async (which: string, flags: Flags) => {
      const s = await openStore(flags);
      let n = 0;
      try {
        if (await s.tokens.revoke(which, Date.now())) n = 1;
        else n = await s.tokens.revokeAll(which, Date.now());
      } finally { await s.close(); }
      ctx.io.out(flags.json ? jsonOut('users revoke', { revoked: n }, { ok: n > 0 }) : `${n} token(s) revoked\n`);
      if (n === 0) ctx.setExit(1);
    });

  common(users.command('grant <name> <route...>'))
    .description('grant routes (instrument streams) to a user')
    .action(async (name: string, routes: string[], flags: Flags) => {
      const { InputError } = await import('../../src/errors.js');
      const s = await openStore(flags, routes);
      try {
        if (!(await s.users.get(name))) throw new InputError(`users grant: no user ${name}`);
        for (const r of routes) await s.grants.grant(name, r);
      } finally { await s.close(); }
      ctx.io.out(`granted ${routes.join(', ')} to ${name}\n`);
    });

  common(users.command('embargo <route> <months>'))
    .description('make products of a route public this many months after their stop time (`none`: never public, the default)')
    .action(async (route: string, months: string, flags: Flags) => {
      const { parseIntFlag } = await import('../cli/options.js');
      const m = months === 'none' ? undefined : parseIntFlag('<months>', months, 0, 1200);
      const s = await openStore(flags);
      try { await s.grants.setEmbargo(route, m); } finally { await s.close(); }
      ctx.io.out(m === undefined ? `${route}: never public\n` : `${route}: public ${m} month(s) after each product's stop\n`);
    });

  common(users.command('list'))
    .description('users with role, routes and live tokens; embargoes')
    .option('--json', 'machine-readable output')
    .action(async (flags: Flags) => {
      const s = await openStore(flags);
      try {
        const rows = [];
        for (const u of await s.users.list()) {
          const tokens = (await s.tokens.list(u.name)).filter((t) => t.revokedUnixMs === undefined).map((t) => t.id);
          rows.push({ name: u.name, role: u.role, routes: await s.grants.routes(u.name), tokens, password: u.passwordHash !== undefined, created: new Date(u.createdUnixMs).toISOString() });
        }
        const embargoes = Object.fromEntries(await s.grants.embargoes());
        if (flags.json) { ctx.io.out(jsonOut('users list', { users: rows, embargoes })); return; }
        if (!rows.length) ctx.io.out('no users\n');
        else {
          ctx.io.out(`${'user'.padEnd(16)} ${'role'.padEnd(16)} ${'tokens'.padStart(6)}  routes\n`);
          for (const r of rows) ctx.io.out(`${r.name.padEnd(16)} ${r.role.padEnd(16)} ${String(r.tokens.length).padStart(6)}  ${r.routes.join(',') || '-'}\n`);
        }
        for (const [route, m] of Object.entries(embargoes)) ctx.io.out(`embargo ${route}: ${m} month(s)\n`);
      } finally { await s.close(); }
    });
};
