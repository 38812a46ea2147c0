/**
 * @module `idoc ingest --once | --watch` and `idoc ingest status`: pull every configured feed into the archive.
 * Thin: config, feeds, routes and archive are built by their modules; telemetry/ingest runs them.
 */
import type { Command } from 'commander';
import type { RegisterCommand } from './context.js';
import { IDOC_VERSION, jsonOut } from '../cli/json.js';

interface IngestFlags {
  config?: string;
  archive?: string;
  once?: boolean;
  watch?: boolean;
  poll?: string;
  json?: boolean;
  quiet?: boolean;
  metrics?: string;
  publish?: boolean;
  consume?: boolean;
}

export const registerIngest: RegisterCommand = (program, ctx) => {
  const ingest = program
    .command('ingest')
    .description('pull telemetry from every configured feed into the archive (--once for cron, --watch as a daemon)')
    .option('--config <file>', 'mission config (default: ./idoc.json)')
    .option('--archive <dir>', 'archive directory (default: config archive.dir, else ./idoc-archive)')
    .option('--once', 'pull what is new from every feed, then exit (0 all well, 1 data problems, 2 a feed or the config failed)')
    .option('--watch', 'run as a daemon until SIGTERM/SIGINT (drains and commits, exit 0); SIGUSR1 logs the status')
    .option('--poll <seconds>', 'seconds between pulls of a feed with --watch (default 10)')
    .option('--metrics <port>', 'with --watch: serve Prometheus /metrics and /health on 127.0.0.1:PORT (0: any free port, logged); IDOC_METRICS_TOKEN asks a bearer token')
    .option('--publish', 'publish the packet batches to NATS JetStream (IDOC_NATS_URL, default nats://127.0.0.1:4222) instead of storing them')
    .option('--consume', 'store the batches published on NATS JetStream into the archive (durable consumer; --once: until none is pending)')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no JSON event lines on stderr')
    .action(async (flags: IngestFlags) => {
      const [{ UsageError }, { resolveMission }, { parseIntFlag }] = await Promise.all([
        import('../../src/errors.js'), import('../../src/config/mission.js'), import('../cli/options.js'),
      ]);
      if (Boolean(flags.once) === Boolean(flags.watch)) throw new UsageError('ingest: give exactly one of --once or --watch');
      if (flags.publish && flags.consume) throw new UsageError('ingest: give at most one of --publish or --consume');
      if (flags.consume) {
        const { consumeCommand } = await import('../../telemetry/bus/command.js');
        if (flags.metrics !== undefined && !flags.watch) throw new UsageError('ingest: --metrics goes with --watch');
        const mission = await resolveMission({ ...(flags.config !== undefined ? { config: flags.config } : {}) });
        const r = await consumeCommand(mission, {
          ...(flags.archive !== undefined ? { archive: flags.archive } : {}), once: Boolean(flags.once), quiet: Boolean(flags.quiet), err: (l) => ctx.io.err(l),
          ...(flags.metrics !== undefined ? { metricsPort: parseIntFlag('--metrics', flags.metrics, 0, 65535) } : {}),
        });
        ctx.io.out(flags.json ? jsonOut('ingest', r) : `consumed ${r.messages} message(s), ${r.packets} packets: ${r.stored} stored, ${r.duplicates} duplicates, ${r.repeats} repeats\n`);
        return;
      }
      // The archive writer's thread loads SQLite while this one reads and checks the config.
      (await import('../../src/store/writer.js')).warmUpArchiveWriter();
      const mission = await resolveMission({ ...(flags.config !== undefined ? { config: flags.config } : {}) });
      if (!mission.config.file) throw new UsageError('ingest: no mission config (./idoc.json or --config PATH) declaring feeds');
      const [ingestMod, { openIngest }, { jsonLineLogger, silentLogger }, { createProgress }] = await Promise.all([
        // run-once and status, not the index: the daemon's rxjs is loaded only with --watch (cron start-up).
        Promise.all([import('../../telemetry/ingest/run-once.js'), import('../../telemetry/ingest/status.js')]).then(([a, b]) => ({ ...a, ...b })),
        import('../../telemetry/ingest/setup.js'), import('../../telemetry/ingest/log.js'),
        import('../cli/progress.js'),
      ]);
      const pollMs = flags.poll !== undefined ? parseIntFlag('--poll', flags.poll, 1, 86_400) * 1000 : 10_000;
      if (flags.metrics !== undefined && !flags.watch) throw new UsageError('ingest: --metrics goes with --watch');
      const metricsPort = flags.metrics !== undefined ? parseIntFlag('--metrics', flags.metrics, 0, 65535) : undefined;
      // Progress on a terminal (packets, MB, MB/s); nothing when stderr is not a terminal. Log lines go through it.
      const progress = createProgress(ctx.io);
      const log = flags.quiet ? silentLogger : jsonLineLogger((l) => progress.log(l));
      const publisher = flags.publish ? (await import('../../telemetry/bus/index.js')).BusPublisher : undefined;
      const busLimits = publisher ? (await import('../../src/store/config.js')).busLimitsOf(mission.config) : undefined;
      // Back-pressure (archive.bus): a publisher waiting for the archive says so, and again when it goes on.
      const setup = await openIngest(mission, flags.archive, publisher ? () => publisher.open({
        mission: mission.config.mission.name, ...(busLimits ? { limits: busLimits } : {}),
        onThrottle: (t) => log.event(t ? 'publish-throttled' : 'publish-resumed', t ? { reason: t.reason, routes: t.routes } : {}),
      }) : undefined);
      const { dir, archive, feeds } = setup;
      let packets = 0, bytes = 0;
      const counted = ctx.io.errIsTty
        ? {
            batch: () => archive.batch(),
            store: (b: Parameters<typeof archive.store>[0], cursor?: Parameters<typeof archive.store>[1]) => {
              packets += b.count;
              bytes += b.bytes;
              progress.update(`ingest: ${packets.toLocaleString('en-US')} packets`, bytes, undefined);
              return archive.store(b, cursor);
            },
            cursor: (feed: string) => archive.cursor(feed),
          }
        : archive;
      const unitCtx = { ...setup.unitCtx, archive: counted };
      const stop = new AbortController();
      const onSignal = () => { log.event('stop-requested', {}); stop.abort(); };
      try {
        if (flags.once) {
          process.once('SIGTERM', onSignal);
          process.once('SIGINT', onSignal);
          const started = new Date().toISOString();
          const r = await ingestMod.ingestOnce(feeds, unitCtx, log, stop.signal);
          progress.done();
          // `idoc ingest status` shows the last run.
          await ingestMod.writeStatusFile(ingestMod.statusFileOf(dir), {
            mode: 'once', exitCode: r.exitCode, pid: process.pid, started, updated: new Date().toISOString(),
            feeds: r.feeds.map((f) => ({ ...f, packetsPerSecond: 0 })),
          }).catch((e: Error) => log.event('status-write-failed', { error: e.message }));
          ctx.io.out(flags.json ? jsonOut('ingest', { archive: dir, ...r }, { ok: r.exitCode === 0 }) : ingestMod.formatSummary(dir, r.feeds));
          ctx.setExit(r.exitCode);
        } else {
          const statusFile = ingestMod.statusFileOf(dir);
          // SIGUSR1: the latest status (rewritten every 2 s) as one JSON event line on stderr.
          const onUsr1 = () => {
            ingestMod.readStatus(dir).then((st) => log.event('status', { ...st }), (e: Error) => log.event('status', { file: statusFile, error: e.message }));
          };
          process.on('SIGTERM', onSignal);
          process.on('SIGINT', onSignal);
          process.on('SIGUSR1', onUsr1);
          try {
            const { runWatch } = await import('../../telemetry/ingest/watch.js');
            const stats = await runWatch(feeds, unitCtx, log, stop.signal, { pollMs, statusFile, version: IDOC_VERSION, ...(metricsPort !== undefined ? { metricsPort } : {}) });
            ctx.io.out(flags.json ? jsonOut('ingest', { archive: dir, feeds: stats }) : ingestMod.formatSummary(dir, stats));
          } finally {
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
            process.off('SIGUSR1', onUsr1);
          }
        }
        await setup.finish(true); // raw packet files renamed into place, forwards drained, archive closed, unlocked
        for (const r of setup.decoded()) for (const u of r.undecoded) ctx.io.err(`idoc: route ${r.route}: APID ${u.apid}: ${u.packets} packet(s) not decoded into parameters: ${u.reason} (first at ${u.first})\n`);
      } catch (e) {
        await setup.finish(false);
        throw e;
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });

  ingest
    .command('status')
    .description('per-feed state, rates and counters of the running ingest daemon, or of the last run (--once or --watch)')
    .option('--config <file>', 'mission config (default: ./idoc.json)')
    .option('--archive <dir>', 'archive directory')
    .option('--json', 'machine-readable output')
    .option('--bus', 'the NATS JetStream bus instead: per route, messages published and not yet committed into the archive (consumer lag), the archive consumer\'s and the product builders\' pending counts')
    .action(async (_flags: IngestFlags, cmd: Command) => {
      // `--json`, `--config` and `--archive` are also options of `ingest`, which takes them first: read both levels.
      const flags = cmd.optsWithGlobals<IngestFlags & { bus?: boolean }>();
      if (flags.bus) {
        const [{ resolveMission }, { archiveSettings }, { busLagOfMission, formatBusLag }] = await Promise.all([
          import('../../src/config/mission.js'), import('../../src/store/index.js'), import('../../telemetry/bus/index.js'),
        ]);
        const mission = await resolveMission({ ...(flags.config !== undefined ? { config: flags.config } : {}) });
        const lag = await busLagOfMission(mission.config, archiveSettings(mission.config, flags.archive).dir);
        ctx.io.out(flags.json ? jsonOut('ingest status', lag) : formatBusLag(lag));
        return;
      }
      const [{ resolveMission }, { archiveSettings }, ingestMod] = await Promise.all([
        import('../../src/config/mission.js'), import('../../src/store/index.js'), import('../../telemetry/ingest/status.js'),
      ]);
      const mission = await resolveMission({ ...(flags.config !== undefined ? { config: flags.config } : {}) });
      const status = await ingestMod.readStatus(archiveSettings(mission.config, flags.archive).dir);
      ctx.io.out(flags.json ? jsonOut('ingest status', status) : ingestMod.formatStatus(status));
    });
};
