/**
 * @module `idoc serve`: the Co-I access service over an archive (telemetry/service): catalogue with facets, GeoJSON,
 * EPN-TAP 2.0 over TAP 1.1, UWS 1.1 jobs, users and tokens from `idoc users`. Thin: options → telemetry/service.
 */
import { consoleDataOptions, type ConsoleFlags } from './console.js';
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

interface ServeFlags extends Pick<ConsoleFlags, 'ddsRequest' | 'tmdb' | 'plans' | 'tcdb' | 'rules' | 'ephemeris' | 'schemaDir'> {
  archive?: string;
  config?: string;
  defs?: string;
  products?: string;
  host?: string;
  port?: string;
  tlsCert?: string;
  tlsKey?: string;
  rate?: string;
  probe?: string;
  json?: boolean;
}

/** The environment variable `--probe` takes its bearer token from. */
const PROBE_TOKEN_ENV = 'IDOC_TOKEN';

export const registerServe: RegisterCommand = (program, ctx) => {
  consoleDataOptions(program
    .command('serve')
    .description('serve the archive\'s products to co-investigators over HTTP: catalogue with facets, GeoJSON, EPN-TAP (TAP 1.1 /tap/sync, UWS /tap/async), packets and parameters, UWS jobs (extract, decode, rebuild), OpenAPI at /openapi.json')
    .option('--archive <dir>', 'archive directory (default: the config\'s archive.dir, else ./idoc-archive); users and the audit log are in its service.sqlite (archive.kind postgres: in the PostgreSQL schema)')
    .option('--config <file>', 'mission config (default: ./idoc.json when present)')
    .option('--defs <file>', 'mission database (XTCE .xml, MIB folder, field list .csv, idoc JSON): decoding jobs may then decode the stored packets (SOURCE=packets)')
    .option('--products <dir>', 'L0 output folder: its product labels are registered in the archive\'s products registry at start, and downloads are served from it')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'TCP port (0: any free port, printed)', '8080')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (with --tls-key)')
    .option('--tls-key <file>', 'private key of --tls-cert')
    .option('--rate <n>', 'requests per minute per token (or per address without one)', '600')
    .option('--probe <path>', `start, GET this path once (bearer token from ${PROBE_TOKEN_ENV} when set), print status and body, stop; exit 1 unless 2xx`)
    .option('--json', 'the start-up line as JSON'))
    .action(async (flags: ServeFlags) => {
      const [{ InputError, UsageError }, { parseIntFlag }, { resolveMission }, store, { openConfiguredReader, openConfiguredServiceStore, configuredArchiveName }, service, { readFile }, path] = await Promise.all([
        import('../../src/errors.js'), import('../cli/options.js'), import('../../src/config/mission.js'), import('../../src/store/index.js'),
        import('../../src/archive-of.js'), import('../../telemetry/service/index.js'), import('node:fs/promises'), import('node:path'),
      ]);
      const port = parseIntFlag('--port', flags.port ?? '8080', 0, 65535);
      const perMinute = parseIntFlag('--rate', flags.rate ?? '600', 1, 1_000_000);
      const host = flags.host ?? '127.0.0.1';
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UsageError('serve: --tls-cert and --tls-key go together');
      const readPem = async (p: string, what: string): Promise<Buffer> =>
        readFile(p).catch((e: NodeJS.ErrnoException) => { throw new InputError(`${what} ${p}: ${e.code ?? e.message}`); });
      const tls = flags.tlsCert !== undefined ? { cert: await readPem(flags.tlsCert, '--tls-cert'), key: await readPem(flags.tlsKey!, '--tls-key') } : undefined;
      if (flags.defs !== undefined) {
        const { stat } = await import('node:fs/promises');
        await stat(flags.defs).catch((e: NodeJS.ErrnoException) => { throw new InputError(`--defs ${flags.defs}: ${e.code ?? e.message}`); });
      }
      const mission = await resolveMission(flags);
      const { dir } = store.archiveSettings(mission.config, flags.archive);
      const reader = await openConfiguredReader(mission.config, dir);
      const log = (level: string, message: string): void => ctx.io.err(`${new Date().toISOString()} ${level} serve: ${message}\n`);
      let registered = 0;
      if (flags.products !== undefined) registered = await service.registerProductFolder(reader.products, path.resolve(flags.products));
      const svc = await openConfiguredServiceStore(mission.config, dir).catch(async (e: unknown) => { await reader.close(); throw e; });
      const app = await service.buildService({
        reader, store: svc, jobsDir: path.join(dir, 'service-jobs'), rate: { perMinute, burst: Math.max(10, Math.ceil(perMinute / 6)) },
        archiveDir: dir, ...(mission.config.file !== undefined ? { config: mission.config.file } : {}), ...(flags.defs !== undefined ? { tmDatabase: path.resolve(flags.defs) } : {}),
        spacecraft: mission.config.mission?.spacecraft ?? '', log,
        ...(flags.products !== undefined ? { productsRoot: path.resolve(flags.products) } : {}), ...(tls ? { tls } : {}),
      });
      // The operations console (issue 18) at /console/, logging in with these users.
      const [{ registerConsoleOnService }, { CONSOLE_STATIC_DIR }] = await Promise.all([import('../../telemetry/service/console-service-auth.js'), import('../../telemetry/service/console-server.js')]);
      // Its data options are those of `idoc console` (mission database, plans folder, DDS requests, PDS4 schemas).
      const extras = await (await import('./console.js')).consoleExtras(flags);
      registerConsoleOnService(app, svc, { mission, archiveDir: dir, openReader: () => openConfiguredReader(mission.config, dir), ...extras, ...(flags.products !== undefined ? { productsDir: path.resolve(flags.products) } : {}) }, CONSOLE_STATIC_DIR);
      const shutdown = async (): Promise<void> => { await app.close(); await svc.close(); await reader.close(); };
      try {
        await app.listen({ port, host });
      } catch (e) {
        await shutdown();
        throw new InputError(`serve: cannot listen on ${host}:${port} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      const addr = app.server.address() as { port: number };
      const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
      const info = { url, archive: await configuredArchiveName(mission.config, dir), products: app.catalogue.size, registered, users: (await svc.users.list()).length, tls: Boolean(tls) };
      if (flags.probe !== undefined) {
        const token = process.env[PROBE_TOKEN_ENV]?.trim();
        try {
          const res = await fetch(`${url}${flags.probe.startsWith('/') ? '' : '/'}${flags.probe}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
          ctx.io.out(`${res.status} ${res.headers.get('content-type') ?? ''}\n${await res.text()}\n`);
          if (res.status < 200 || res.status > 299) ctx.setExit(1);
        } finally {
          await shutdown();
        }
        return;
      }
      ctx.io.out(flags.json ? jsonOut('serve', info, { compact: true }) : `serving ${info.products} products from ${info.archive} at ${url} (${info.users} users; OpenAPI at ${url}/openapi.json; console at ${url}/console/)\n`);
      if (info.users === 0) log('warn', 'no users yet: only public products are visible (idoc users add)');
      await new Promise<void>((resolve) => {
        const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await shutdown();
    });
};
