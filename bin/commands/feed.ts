/**
 * @module `idoc feed serve|list`: run the DDS-like HTTP feed server over a folder of packet files, and list
 * the feeds a mission configuration declares. Thin: options → telemetry/feeds.
 */
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

interface ServeFlags {
  root?: string;
  port?: string;
  host?: string;
  timeSource?: string;
  config?: string;
  crc?: string;
  profile?: string;
  time?: string;
  epoch?: string;
  json?: boolean;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  maxClients?: string;
}

const TIME_SOURCES = ['auto', 'dds', 'packet'] as const;

export const registerFeed: RegisterCommand = (program, ctx) => {
  const feed = program.command('feed').description('telemetry feeds: serve packets over HTTP, list the configured feeds');

  feed
    .command('serve')
    .description('serve the packets of a folder (DDS, raw, prefixed, pcap files) by APID and UTC window as DDS records over HTTP (GET /packets, GET /status)')
    .requiredOption('--root <dir>', 'folder of packet files (indexed once at start, sub-folders included)')
    .requiredOption('--port <n>', 'TCP port (0: any free port, printed)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--time-source <which>', `time packets are served by: ${TIME_SOURCES.join(', ')} (auto: DDS time when the file has one, else packet time)`, 'auto')
    .option('--config <file>', 'mission config, for packet times (default: ./idoc.json when present)')
    .option('--crc <mode>', 'CRC-16 per APID: packet (PEC over the packet; yes), data-field, none (no), auto; or APIDS=MODE entries, e.g. auto,1136=data-field')
    .option('--profile <name>', 'secondary header: pus-c, pus-a, rosetta, cds, cuc (time code only) or none (default: config, else guessed)')
    .option('--time <code>', 'time code in the secondary header, e.g. cuc4.2, cuc4.3, cuc-p, cds-us')
    .option('--epoch <iso>', 'time code epoch (UTC ISO-8601, or ccsds for 1958 TAI)')
    .option('--token-file <file>', 'bearer tokens clients must present, one a line (a token, or sha256:<hex> of one); default: IDOC_FEED_TOKEN when set')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (with --tls-key)')
    .option('--tls-key <file>', 'private key of --tls-cert')
    .option('--max-clients <n>', 'connections served at once; more are answered 503', '64')
    .option('--json', 'the start-up line as JSON')
    .action(async (flags: ServeFlags) => {
      const [{ InputError, UsageError }, { parseIntFlag, parseChoice }, { resolveMission }, { indexPacketFolder, startFeedServer, readTokenFile, tokenDigests, FEED_TOKEN_ENV }, { stat, readFile }, net] = await Promise.all([
        import('../../src/errors.js'), import('../cli/options.js'), import('../../src/config/mission.js'), import('../../telemetry/feeds/index.js'), import('node:fs/promises'), import('node:net'),
      ]);
      const port = parseIntFlag('--port', flags.port ?? '', 0, 65535);
      const maxClients = parseIntFlag('--max-clients', flags.maxClients ?? '64', 1, 100_000);
      const host = flags.host ?? '127.0.0.1';
      const envToken = process.env[FEED_TOKEN_ENV];
      const digests = flags.tokenFile !== undefined ? await readTokenFile(flags.tokenFile) : envToken ? tokenDigests(envToken, FEED_TOKEN_ENV) : undefined;
      const loopback = host === 'localhost' || (net.isIP(host) === 4 ? host.startsWith('127.') : host === '::1');
      if (!digests && !loopback) throw new UsageError(`feed serve: --host ${host} is not a loopback address: give --token-file or ${FEED_TOKEN_ENV} (no one is served without a token off this machine)`);
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UsageError('feed serve: --tls-cert and --tls-key go together');
      const readPem = async (p: string, what: string): Promise<Buffer> =>
        readFile(p).catch((e: NodeJS.ErrnoException) => { throw new InputError(`${what} ${p}: ${e.code ?? e.message}`); });
      const tls = flags.tlsCert !== undefined ? { cert: await readPem(flags.tlsCert, '--tls-cert'), key: await readPem(flags.tlsKey!, '--tls-key') } : undefined;
      const timeSource = parseChoice('--time-source', flags.timeSource ?? 'auto', TIME_SOURCES);
      const root = flags.root!;
      const s = await stat(root).catch(() => undefined);
      if (!s?.isDirectory()) throw new InputError(`--root ${root}: not a folder`);
      const mission = await resolveMission(flags);
      // --root naming the configured archive directory of a PostgreSQL archive (archive.kind postgres): served from it.
      const { archiveKind, archiveSettings } = await import('../../src/store/config.js');
      const pg = archiveKind(mission.config).kind === 'postgres' && (await import('node:path')).resolve(root) === archiveSettings(mission.config).dir;
      const archive = pg ? async () => (await import('../../src/archive-of.js')).openConfiguredReader(mission.config, archiveSettings(mission.config).dir) : undefined;
      const index = await indexPacketFolder(root, { read: { crc: mission.crc, maxPacketLength: mission.config.maxPacketLength }, profile: mission.profile, timeSource, ...(archive ? { archive } : {}) });
      for (const p of index.problems) ctx.io.err(`idoc feed serve: ${p.file}: ${p.message}\n`);
      const log = (level: string, message: string): void => ctx.io.err(`${new Date().toISOString()} ${level} feed serve: ${message}\n`);
      if (!digests) log('warn', `no token (--token-file, ${FEED_TOKEN_ENV}): any process on this machine may read the feed`);
      const server = await startFeedServer(index, port, host, {
        maxClients, log, ...(digests ? { tokenDigests: digests } : {}), ...(tls ? { tls } : {}),
      }).catch((e: NodeJS.ErrnoException) => {
        throw new InputError(`feed serve: cannot listen on ${host}:${port} (${e.code ?? e.message})`);
      });
      const info = { url: server.url, root, files: index.files.length, packets: index.count, untimed: index.untimed, token: Boolean(digests), tls: Boolean(tls) };
      ctx.io.out(flags.json ? jsonOut('feed serve', info, { compact: true }) : `serving ${info.packets} packets from ${info.files} files in ${root} at ${info.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });

  feed
    .command('list')
    .description('the feeds the mission configuration declares (the feeds section checked against its schema)')
    .option('--config <file>', 'mission config (default: ./idoc.json)')
    .option('--json', 'machine-readable output')
    .action(async (flags: { config?: string; json?: boolean }) => {
      const [{ resolveMission }, { feedsFromConfig }] = await Promise.all([import('../../src/config/mission.js'), import('../../telemetry/feeds/index.js')]);
      const mission = await resolveMission(flags);
      const feeds = feedsFromConfig(mission.config, { includeDisabled: true });
      const raw = ((mission.config.raw as Record<string, unknown>)['feeds'] ?? {}) as Record<string, { enabled?: boolean }>;
      const rows = feeds.map((f) => ({ name: f.name, kind: f.kind, realtime: f.realtime, enabled: raw[f.name]?.enabled !== false }));
      if (flags.json) ctx.io.out(jsonOut('feed list', rows));
      else if (!rows.length) ctx.io.out('no feeds declared\n');
      else for (const r of rows) ctx.io.out(`${r.name.padEnd(20)} ${r.kind.padEnd(13)}${r.realtime ? ' realtime' : ''}${r.enabled ? '' : ' (disabled)'}\n`);
    });
};
