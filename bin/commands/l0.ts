/**
 * @module `idoc l0`: PDS4 L0 products. `l0 build` (packets → versioned products per route and window, from
 * the archive, or from packet files with `--from-files`), `l0 list` (what an output folder holds) and `l0 validate` (PDS4 labels
 * against the IM 1.26.0.0 XSD and Schematron). Thin: the work is in `telemetry/products/`, loaded only when a
 * subcommand runs.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../src/errors.js';
import type { CommandContext, RegisterCommand } from './context.js';
import { addReadOptions, type ReadFlags } from '../cli/read-options.js';
import { addAliases } from '../cli/aliases.js';
import { jsonOut } from '../cli/json.js';

/** `l0 validate PATH [--json] [--schema-dir DIR]`. Exit 0 clean (warnings alone do not fail, as with PDS validate),
 * 1 when any error was found, 2 unreadable input or missing schema files. */
function addValidate(l0: Command, ctx: CommandContext): void {
  l0
    .command('validate')
    .description('Validate a PDS4 label, or every *.xml/*.lblx under a folder, against the IM 1.26.0.0 XSD and Schematron')
    .argument('<path>', 'a label file or a folder of labels (searched recursively)')
    .option('--schema-dir <dir>', 'folder holding PDS4_PDS_1Q00.xsd and .sch (default: $IDOC_PDS4_DIR, else ../shared/pds4 beside the package)')
    .option('--json', 'print {files, problems[]} as JSON')
    .action(async (target: string, opts: { schemaDir?: string; json?: boolean }) => {
      try {
        statSync(target);
      } catch (e) {
        throw new InputError(`${target}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const { validatePath, formatProblem } = await import('../../telemetry/products/pds4/index.js');
      const result = await validatePath(target, opts.schemaDir === undefined ? {} : { schemaDir: opts.schemaDir });
      if (opts.json) {
        ctx.io.out(jsonOut('l0 validate', result, { ok: !result.problems.some((p) => p.severity === 'error') }));
      } else {
        for (const p of result.problems) ctx.io.out(`${formatProblem(p)}\n`);
        const errors = result.problems.filter((p) => p.severity === 'error').length;
        const warnings = result.problems.length - errors;
        ctx.io.err(`${result.files} label(s): ${errors} error(s), ${warnings} warning(s)\n`);
      }
      if (result.problems.some((p) => p.severity === 'error')) ctx.setExit(1);
    });
}

/** The configuration's digest for the products' provenance (issue 20): the file's bytes, else the defaults' JSON. */
async function configProvenance(config: { file: string | undefined; raw: unknown }): Promise<{ configDigest: string; configFile?: string }> {
  const { configDigest } = await import('../../telemetry/preservation/provenance.js');
  if (config.file === undefined) return { configDigest: configDigest(JSON.stringify(config.raw ?? {})) };
  const { readFile } = await import('node:fs/promises');
  return { configDigest: configDigest(await readFile(config.file)), configFile: path.basename(config.file) };
}

interface BuildFlags extends ReadFlags {
  fromFiles?: string[];
  archive?: string;
  route?: string;
  from?: string;
  to?: string;
  window?: string;
  ephemeris?: string;
  object?: string;
  outDir: string;
  productTime?: string;
  pds3?: boolean;
  json?: boolean;
}

/** `l0 build [--archive DIR | --from-files FILE...] [--route R] [--from T] [--to T] [--window W] [--out-dir DIR] [--product-time T] [--pds3] [--json]`.
 * Exit 0 when every product of the run is clean, 1 when a product has quality findings (flagged packets: gaps,
 * CRC errors…; failed or incomplete frames, orphan segments), 2 on bad input (no archive, bad flags or config). */
function addBuild(l0: Command, ctx: CommandContext): void {
  const build = addReadOptions(l0
    .command('build')
    .description('Build L0 products from the archive (or packet files): one per route per window, a new version when the data changed, and the collection')
    .option('--archive <dir>', 'archive to read (default: config archive.dir, else ./idoc-archive)')
    .option('--from-files <files...>', 'read packets from these packet files (raw, DDS, prefixed, pcap/pcapng) instead of the archive'))
    .option('--route <names>', 'only these routes (comma-separated, as named in the config)')
    .option('--from <utc>', 'only packets at or after this UTC time')
    .option('--to <utc>', 'only packets before this UTC time')
    .option('--window <w>', 'product window: day, orbit or an ISO-8601 duration such as PT1H (default: config, else day)')
    .option('--ephemeris <file>', 'TLE or OEM file for orbit windows (ascending node to ascending node; default: config products.ephemeris)')
    .option('--object <name>', 'the object in an ephemeris file holding several (name or catalogue number / OBJECT_ID)')
    .option('--out-dir <dir>', 'output folder', 'l0')
    .option('--product-time <utc>', 'product time written into labels (default: $SOURCE_DATE_EPOCH, else the archive\'s last ingest time, else the newest packet time of each product)')
    .option('--pds3', 'write OMEGA-heritage PDS3 (ODL) labels instead of PDS4 (no collection)')
    .option('--json', 'print the build report as JSON')
    .action(async (flags: BuildFlags) => {
      const [{ readSetup }, opts, { UsageError }, products, time] = await Promise.all([
        import('../cli/read-setup.js'), import('../cli/options.js'), import('../../src/errors.js'),
        import('../../telemetry/products/index.js'), import('../../src/time/index.js'),
      ]);
      if (flags.fromFiles?.length && flags.archive !== undefined) throw new UsageError('l0 build: give either --archive DIR or --from-files FILE..., not both');
      const { mission, read } = await readSetup(flags);
      const configured = products.productsConfig(mission.config);
      const object = flags.object ?? configured.orbitSource?.object;
      const config = flags.ephemeris === undefined ? configured
        : { ...configured, orbitSource: { file: path.resolve(flags.ephemeris), ...(object !== undefined ? { object } : {}) } };
      let window;
      try {
        window = flags.window !== undefined ? products.parseWindow(flags.window) : undefined;
      } catch (e) {
        throw new UsageError(`--window: ${(e as Error).message}`);
      }
      if ((window ?? config.window).kind === 'orbit' && !config.orbitSource) {
        throw new UsageError('--window orbit: orbit windows need an ephemeris (products.ephemeris in the config, or --ephemeris FILE)');
      }
      const fromTai = flags.from !== undefined ? opts.parseUtcFlag('--from', flags.from) : undefined;
      const toTai = flags.to !== undefined ? opts.parseUtcFlag('--to', flags.to) : undefined;
      // --product-time, else SOURCE_DATE_EPOCH (reproducible-builds.org), else (archive) its last ingest time.
      const sde = process.env['SOURCE_DATE_EPOCH'];
      if (flags.productTime === undefined && sde !== undefined && sde !== '' && !/^\d{1,12}$/.test(sde)) {
        throw new UsageError(`SOURCE_DATE_EPOCH=${JSON.stringify(sde)}: not a whole number of seconds since 1970-01-01T00:00:00Z`);
      }
      const productTime = flags.productTime !== undefined ? time.taiToUtcIso(opts.parseUtcFlag('--product-time', flags.productTime), 3)
        : sde !== undefined && sde !== '' ? time.taiToUtcIso(time.utcUnixToTai(Number(sde)), 3) : undefined;
      const routes = flags.route?.split(',').map((r) => r.trim()).filter(Boolean);
      const common = {
        out: flags.outDir, products: routes ? products.selectRoutes(config, routes) : config,
        mission: {
          name: mission.config.mission.name,
          ...(mission.config.mission.spacecraft !== undefined ? { spacecraft: mission.config.mission.spacecraft } : {}),
          ...(mission.config.mission.instrument !== undefined ? { instrument: mission.config.mission.instrument } : {}),
        },
        ...(routes ? { routes } : {}),
        ...(fromTai !== undefined ? { fromTai } : {}),
        ...(toTai !== undefined ? { toTai } : {}),
        ...(window ? { window } : {}),
        ...(productTime !== undefined ? { productTime } : {}),
        format: flags.pds3 ? 'pds3' as const : 'pds4' as const,
        periodOf: mission.periodOf,
        provenance: await configProvenance(mission.config),
        citation: await (async () => {
          const d = (await import('../../telemetry/preservation/config.js')).preservationConfig(mission.config).doi;
          return { dois: d.assigned, authors: d.creators };
        })(),
      };
      const { buildL0FromMission } = await import('../../telemetry/products/from-mission.js');
      const { createProgress } = await import('../cli/progress.js');
      const bar = createProgress(ctx.io);
      let built;
      try {
        built = await buildL0FromMission({ mission, read, fromFiles: flags.fromFiles, archive: flags.archive, ...(ctx.io.errIsTty ? { progress: bar.update } : {}) }, common);
      } finally {
        bar.done();
      }
      const { report, inputs, leftOut } = built;
      const problems = report.products.some((p) => p.summary.flaggedPackets > 0 || p.findings.length > 0);
      if (flags.json) {
        ctx.io.out(jsonOut('l0 build', { ...report, ...inputs }, { ok: !problems }));
      } else {
        for (const p of report.products) {
          const s = p.summary;
          ctx.io.out(`${p.status.padEnd(9)} ${p.lidvid}  ${p.start} .. ${p.stop}\n`);
          ctx.io.out(`          ${p.label}\n`);
          ctx.io.out(`          packets ${s.packets}, gaps ${s.gaps} (${s.missingPackets} missing), counter resets ${s.resets}, CRC errors ${s.crcErrors}, duplicates removed ${s.duplicates}, frames ${s.frames} (${s.decompressionFailures} failed, ${s.incompleteFrames} incomplete), orphan segments ${s.orphanSegments}\n`);
          for (const f of p.findings) ctx.io.out(`          ${f}\n`);
        }
        if (report.collection) ctx.io.out(`${report.collection.status.padEnd(9)} ${report.collection.lidvid}  ${report.collection.members} member(s)  ${report.collection.label}\n`);
        ctx.io.err(`${report.packets} packet(s), ${report.products.length} product(s)${leftOut}\n`);
      }
      if (problems) ctx.setExit(1);
    });
  addAliases(build, ctx.io, [{ flags: '--out <dir>', to: '--out-dir' }]);
}

/** `l0 list [--out-dir DIR] [--json]`. */
function addList(l0: Command, ctx: CommandContext): void {
  addAliases(l0.command('list'), ctx.io, [{ flags: '--out <dir>', to: '--out-dir' }])
    .description('List the L0 products and collections in an output folder (versions, time spans, quality)')
    .option('--out-dir <dir>', 'output folder', 'l0')
    .option('--json', 'print {products[], collections[]} as JSON')
    .action(async (flags: { outDir: string; json?: boolean }) => {
      try {
        statSync(flags.outDir);
      } catch (e) {
        throw new InputError(`${flags.outDir}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const { listL0 } = await import('../../telemetry/products/index.js');
      const list = await listL0(flags.outDir);
      if (flags.json) {
        ctx.io.out(jsonOut('l0 list', list));
        return;
      }
      const observational = list.products.filter((p) => p.kind === 'observational');
      const ancillary = list.products.length - observational.length;
      for (const p of observational) {
        ctx.io.out(`${p.latest ? '*' : ' '} ${p.productId} v${p.version} ${p.format}  ${p.start ?? '?'} .. ${p.stop ?? '?'}  ${p.quality ?? ''}\n`);
      }
      for (const c of list.collections) ctx.io.out(`  collection ${c.collection} v${c.version}: ${c.members} member(s)  ${c.label}\n`);
      ctx.io.err(`${observational.length} product label(s), ${ancillary} geometry label(s) (--json lists them, kind "ancillary"), ${list.collections.length} collection label(s); * = latest version\n`);
    });
}

/** `l0 worker (--once | --watch) [--archive DIR] [--out-dir DIR] [--durable NAME] [--json] [--quiet]`: rebuild the windows the
 * archive workers announce as committed (NATS JetStream, `idoc.<mission>.committed.<route>`). Exit 0, or 2 when NATS or the archive fails. */
function addWorker(l0: Command, ctx: CommandContext): void {
  addReadOptions(l0
    .command('worker')
    .description('Build L0 products as the archive workers (ingest --consume) commit packets: consume the committed-window announcements on NATS JetStream (durable), rebuild each window they touch (late data: a new version)')
    .option('--archive <dir>', 'archive to read (default: config archive.dir, else ./idoc-archive)'))
    .option('--out-dir <dir>', 'output folder', 'l0')
    .option('--durable <name>', 'durable consumer name (builders sharing it share the announcements)', 'l0')
    .option('--once', 'rebuild what is announced, then exit when nothing is pending')
    .option('--watch', 'run until SIGTERM/SIGINT (the rebuild in progress finishes first)')
    .option('--json', 'print the totals as JSON')
    .option('--quiet', 'no JSON event lines on stderr')
    .action(async (flags: ReadFlags & { archive?: string; outDir: string; durable: string; once?: boolean; watch?: boolean; json?: boolean; quiet?: boolean }) => {
      const [{ readSetup }, { UsageError }, products, { runL0Worker }] = await Promise.all([
        import('../cli/read-setup.js'), import('../../src/errors.js'), import('../../telemetry/products/index.js'), import('../../telemetry/bus/l0-worker.js'),
      ]);
      if (Boolean(flags.once) === Boolean(flags.watch)) throw new UsageError('l0 worker: give exactly one of --once or --watch');
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(flags.durable)) throw new UsageError(`--durable: ${JSON.stringify(flags.durable.slice(0, 80))}: letters, digits, _ and - (at most 64)`);
      const { mission, read } = await readSetup(flags);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      try {
        const t = await runL0Worker({
          mission, read, ...(flags.archive !== undefined ? { archive: flags.archive } : {}), durable: flags.durable, untilIdle: Boolean(flags.once), signal: stop.signal,
          build: {
            out: flags.outDir, products: products.productsConfig(mission.config), format: 'pds4', periodOf: mission.periodOf,
            mission: {
              name: mission.config.mission.name,
              ...(mission.config.mission.spacecraft !== undefined ? { spacecraft: mission.config.mission.spacecraft } : {}),
              ...(mission.config.mission.instrument !== undefined ? { instrument: mission.config.mission.instrument } : {}),
            },
            provenance: await configProvenance(mission.config),
          },
          ...(flags.quiet ? {} : {
            onLockWait: (key, h) => ctx.io.err(`${JSON.stringify({ event: 'lock-wait', window: key, holder: h })}\n`),
            onRebuilt: (e) => ctx.io.err(`${JSON.stringify({ event: 'rebuilt', route: e.route, products: e.products.map((p) => ({ lidvid: p.lidvid, status: p.status })) })}\n`),
          }),
        });
        ctx.io.out(flags.json ? jsonOut('l0 worker', t, { compact: true }) : `${t.announcements} announcement(s), ${t.rebuilds} rebuild(s): ${t.new} new, ${t.updated} updated, ${t.unchanged} unchanged product(s)\n`);
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}

export const registerL0: RegisterCommand = (program, ctx) => {
  const l0 = program.command('l0').description('PDS4 L0 raw-telemetry products: build, list, validate, worker');
  addBuild(l0, ctx);
  addWorker(l0, ctx);
  addList(l0, ctx);
  addValidate(l0, ctx);
};
