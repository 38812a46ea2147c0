/**
 * @module `idoc console --users FILE [--archive DIR] [--products DIR] [--dds-request DIR] [--tmdb FILE]
 * [--plans DIR --tcdb FILE [--rules FILE] [--ephemeris FILE]] [--schema-dir DIR] [--host H] [--port N]`: serve the
 * operations web console on 127.0.0.1 until SIGINT/SIGTERM, printing its URL; `idoc console hash-password` reads a
 * password on stdin and prints the users-file hash. The data options are shared with `idoc serve`
 * ({@link consoleDataOptions}), which mounts the same console at /console/. Thin: options → telemetry/service/console-*.
 */
import type { Command } from 'commander';
import type { RegisterCommand } from './context.js';

export interface ConsoleFlags {
  users?: string;
  config?: string;
  archive?: string;
  products?: string;
  ddsRequest?: string;
  tmdb?: string;
  plans?: string;
  tcdb?: string;
  rules?: string;
  ephemeris?: string;
  schemaDir?: string;
  host?: string;
  port?: string;
}

/**
 * Plans of `dir` (an input folder, read at each request) validated and laid out (planOverview: eclipses, passes,
 * windows, power and data volume) against a TC database, rules (default: built in) and an ephemeris (optional).
 */
export async function planChecker(dir: string, tcdb: string, rulesFile?: string, ephemerisFile?: string) {
  const [{ loadTcDatabase }, planning, path] = await Promise.all([import('../../telecommand/database/load.js'), import('../../planning/index.js'), import('node:path')]);
  const db = loadTcDatabase(tcdb);
  const rules = rulesFile !== undefined ? planning.loadRules(rulesFile) : planning.defaultRuleSet();
  const ephemeris = ephemerisFile !== undefined ? await planning.ephemerisFromFile(ephemerisFile, { anyCenter: true }) : undefined;
  return {
    dir: path.resolve(dir),
    load: (file: string) => planning.plan.loadPlan(file),
    overview: async (file: string) => {
      const plan = planning.plan.loadPlan(file);
      return { plan, overview: planning.planOverview({ plan, db, rules, ...(ephemeris ? { ephemeris } : {}) }) };
    },
  };
}

/** The console's data options, on `idoc console` and on `idoc serve` (which mounts the console at /console/). */
export function consoleDataOptions(cmd: Command): Command {
  return cmd
    .option('--dds-request <dir>', 'console: folder the DDS re-requests are written to (default ./dds-requests)')
    .option('--tmdb <file>', 'console: telemetry database for parameter plots (XTCE, MIB folder, field list or JSON)')
    .option('--plans <dir>', 'console: folder of *.plan.json files (read at each request; needs --tcdb)')
    .option('--tcdb <file>', 'console: telecommand database plans are validated against')
    .option('--rules <file>', 'console: plan rules (default: the built-in rule set)')
    .option('--ephemeris <file>', 'console: TLE or OEM file for the plans\' eclipses, passes, windows and geometric rules')
    .option('--schema-dir <dir>', 'console: PDS4 schema folder for the products\' label validation (default: as idoc l0 validate)');
}

/** What the console adds to a mission and archive, from {@link consoleDataOptions}'s flags. */
export async function consoleExtras(flags: Omit<ConsoleFlags, 'users'>) {
  const [path, { UsageError }] = await Promise.all([import('node:path'), import('../../src/errors.js')]);
  let plans;
  if (flags.plans !== undefined) {
    if (flags.tcdb === undefined) throw new UsageError('--plans needs --tcdb FILE (the telecommand database plans are validated against)');
    plans = await planChecker(flags.plans, flags.tcdb, flags.rules, flags.ephemeris);
  } else if (flags.tcdb !== undefined || flags.rules !== undefined || flags.ephemeris !== undefined) {
    throw new UsageError('--tcdb, --rules and --ephemeris are for the plans: give --plans DIR');
  }
  const tmdb = flags.tmdb !== undefined ? (await import('../../src/mdb/load.js')).loadTmDatabase(flags.tmdb) : undefined;
  return {
    requestsDir: path.resolve(flags.ddsRequest ?? 'dds-requests'),
    ...(tmdb ? { tmdb } : {}), ...(plans ? { plans } : {}), ...(flags.schemaDir !== undefined ? { schemaDir: path.resolve(flags.schemaDir) } : {}),
  };
}

/** What the console serves, from the flags (shared with `idoc demo --serve`). */
export async function consoleSources(flags: Omit<ConsoleFlags, 'users'>) {
  const [{ resolveMission }, store, path] = await Promise.all([import('../../src/config/mission.js'), import('../../src/store/index.js'), import('node:path')]);
  const mission = await resolveMission(flags);
  const { dir } = store.archiveSettings(mission.config, flags.archive);
  // archive.kind postgres: live status, gaps and parameter plots read PostgreSQL through the port.
  const pg = (await import('../../src/store/config.js')).archiveKind(mission.config).kind === 'postgres';
  const openReader = pg ? async () => (await import('../../src/archive-of.js')).openConfiguredReader(mission.config, dir) : undefined;
  return {
    mission, archiveDir: dir, ...(openReader ? { openReader } : {}), ...(await consoleExtras(flags)),
    ...(flags.products !== undefined ? { productsDir: path.resolve(flags.products) } : {}),
  };
}

export const registerConsole: RegisterCommand = (program, ctx) => {
  const cmd = consoleDataOptions(program.command('console').description('serve the operations web console (live status, gaps and DDS re-requests, products, parameters, plans) on 127.0.0.1')
    .option('--users <file>', 'users file: {"users":[{"name","password":"scrypt$…","role":"operator"|"coi","instruments":[…]}]}')
    .option('--config <file>', 'mission config (default: ./idoc.json when present)')
    .option('--archive <dir>', 'archive directory (default: the config\'s archive.dir, else ./idoc-archive)')
    .option('--products <dir>', 'L0 products folder'))
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', '8470')
    .action(async (flags: ConsoleFlags) => {
      const [{ loadUsers, sessions }, { startConsoleServer }, { UsageError }] = await Promise.all([
        import('../../telemetry/service/console-auth.js'), import('../../telemetry/service/console-server.js'), import('../../src/errors.js'),
      ]);
      if (flags.users === undefined) throw new UsageError('--users FILE is required (the console\'s users: idoc console hash-password makes their password hashes)');
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${flags.port}: expected 0 to 65535`);
      const users = await loadUsers(flags.users);
      const server = await startConsoleServer({ sources: await consoleSources(flags), sessions: sessions(users), port, ...(flags.host !== undefined ? { host: flags.host } : {}) });
      ctx.io.out(`console ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
  cmd.command('hash-password').description('read a password on stdin, print its scrypt hash for the users file')
    .action(async () => {
      const { hashPassword } = await import('../../telemetry/service/console-auth.js');
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      const pw = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
      if (!pw) throw new (await import('../../src/errors.js')).UsageError('stdin: empty password');
      ctx.io.out(`${hashPassword(pw)}\n`);
    });
};
