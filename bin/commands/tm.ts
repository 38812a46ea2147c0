/**
 * @module `idoc tm decode|limits|import`: telemetry parameters from packet files with a mission database
 * (XTCE or idoc's JSON form). Thin: options → telemetry/parameters.
 */
import { Option, type Command } from 'commander';
import type { CommandContext, RegisterCommand } from './context.js';
import { addReadOptions, type ReadFlags } from '../cli/read-options.js';
import { jsonOut } from '../cli/json.js';
import type { Mission } from '../../src/config/mission.js';

/** The mission's packet time epoch (config, --profile, --epoch): the epoch of a MIB's absolute times (PTC 9). */
const epochOf = (m: Mission): { epochTai: number } => ({ epochTai: (m.profile === 'auto' ? m.guessHint.base : m.profile).time.epochTai });

interface TmFlags extends ReadFlags {
  defs: string;
  param?: string[];
  apid?: string;
  from?: string;
  to?: string;
  csv?: boolean;
  json?: boolean;
  long?: boolean;
  raw?: boolean;
  archive?: string;
  timeParam?: string;
  timeEpoch?: string;
}

interface QueryFlags {
  archive?: string;
  config?: string;
  from?: string;
  to?: string;
  stats?: boolean;
  bin?: string;
  json?: boolean;
  csv?: boolean;
  parquet?: string;
}

function withDecodeOptions(cmd: Command): Command {
  return addReadOptions(cmd)
    .requiredOption('--defs <file>', 'mission database: XTCE (.xml), a SCOS-2000 MIB folder, a CCSDSPy-style field list (.csv), or idoc JSON (idoc tm import)')
    .option('--param <names...>', 'only these parameters (all are still decoded)')
    .option('--apid <list>', 'only these APIDs, e.g. 1136,1120-1129')
    .option('--from <utc>', 'only packets with a packet time at or after this UTC time')
    .option('--to <utc>', 'only packets with a packet time before this UTC time');
}

/** The parameter names of --param, checked against the definitions. */
async function keepOf(flags: TmFlags, known: ReadonlySet<string>): Promise<Set<string> | undefined> {
  if (!flags.param?.length) return undefined;
  const { UsageError } = await import('../../src/errors.js');
  const names = flags.param.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new UsageError(`--param: ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not defined in ${flags.defs}`);
  return new Set(names);
}

async function decodeWith(files: string[], flags: TmFlags, ctx: CommandContext) {
  const [{ readSetup }, { parseApidList, parseUtcFlag }, { UsageError }, { loadTmDatabase }, { decodeFiles }, { createProgress }] = await Promise.all([
    import('../cli/read-setup.js'), import('../cli/options.js'), import('../../src/errors.js'),
    import('../../src/mdb/load.js'), import('../../telemetry/parameters/decode-files.js'), import('../cli/progress.js'),
  ]);
  if (!files.length) throw new UsageError('no input file given');
  if (flags.csv && flags.json) throw new UsageError('--csv and --json exclude each other');
  const { mission, read } = await readSetup(flags);
  const db = loadTmDatabase(flags.defs, (n) => ctx.io.err(`idoc: note: ${n.path}: ${n.message}\n`), epochOf(mission));
  const keep = await keepOf(flags, new Set(db.parameters.map((p) => p.name)));
  const apids = flags.apid !== undefined ? parseApidList('--apid', flags.apid) : undefined;
  const fromTai = flags.from !== undefined ? parseUtcFlag('--from', flags.from) : undefined;
  const toTai = flags.to !== undefined ? parseUtcFlag('--to', flags.to) : undefined;
  const progress = createProgress(ctx.io);
  const result = await decodeFiles(files, db, {
    read,
    profile: mission.profile,
    filter: { ...(apids ? { apid: apids.has } : {}), ...(fromTai !== undefined ? { fromTai } : {}), ...(toTai !== undefined ? { toTai } : {}) },
    progress: (file, done, total) => progress.update(file, done, total),
    ...(keep ? { keep } : {}),
  });
  progress.done();
  const tables = result.decoder.tables().filter((t) => t.columns.length > 0);
  for (const u of result.undecoded) ctx.io.err(`idoc: APID ${u.apid}: ${u.packets} packet(s) not decoded: ${u.reason} (first at ${u.first})\n`);
  for (const t of tables) {
    if (t.lengthMismatches) ctx.io.err(`idoc: note: ${t.container.name}: ${t.lengthMismatches} packet(s) of another length than the entries (first: ${t.firstMismatch!.usedBits} bits decoded of ${t.firstMismatch!.packetBits})\n`);
  }
  return { ...result, tables };
}

export const registerTm: RegisterCommand = (program, ctx) => {
  const tm = program.command('tm').description('telemetry parameters: decode packets with XTCE or JSON definitions, check limits, import definitions');

  withDecodeOptions(tm.command('decode').argument('<files...>'))
    .addOption(new Option('--json', 'NDJSON: one object per packet and container (per sample with --long)').conflicts('csv'))
    .option('--csv', 'CSV output (the default; RFC 4180, CRLF)')
    .option('--long', 'one row per sample: time, apid, container, parameter, raw, engineering, unit, validity, limit')
    .option('--raw', 'wide rows hold raw values instead of engineering values')
    .description('decode packets into parameter values: one row per packet and container (wide) or per sample (--long)')
    .action(async (files: string[], flags: TmFlags) => {
      const r = await decodeWith(files, flags, ctx);
      const { wideCsv, wideJson, longRows, LONG_HEADER } = await import('../../telemetry/parameters/format.js');
      const { UsageError } = await import('../../src/errors.js');
      const out: string[] = [];
      const flush = (force = false) => {
        if (out.length && (force || out.length >= 2000)) {
          ctx.io.out(out.join(''));
          out.length = 0;
        }
      };
      if (flags.long) {
        if (!flags.json) out.push(`${LONG_HEADER.join(',')}\r\n`);
        for (const t of r.tables) for (const line of longRows(r.decoder, t, Boolean(flags.json))) { out.push(line); flush(); }
      } else if (flags.json) {
        for (const t of r.tables) for (const line of wideJson(r.decoder, t, { raw: Boolean(flags.raw) })) { out.push(line); flush(); }
      } else {
        if (r.tables.length > 1) throw new UsageError(`${r.tables.length} containers decoded (${r.tables.map((t) => t.container.name).join(', ')}): wide CSV holds one; choose with --apid, or use --long or --json`);
        for (const t of r.tables) for (const line of wideCsv(r.decoder, t, { raw: Boolean(flags.raw) })) { out.push(line); flush(); }
      }
      flush(true);
      ctx.io.err(`idoc: ${r.decoded} packet(s) decoded into ${r.tables.length} container(s)${r.undecoded.length ? `, ${r.undecoded.reduce((s, u) => s + u.packets, 0)} not decoded` : ''}\n`);
      ctx.setExit(r.undecoded.length ? 1 : 0);
    });

  withDecodeOptions(tm.command('limits').argument('<files...>'))
    .option('--json', 'print {violations, transitions[], parameters[]} as JSON')
    .description('limit violations (static alarm ranges, enumeration alarms) and out-of-limit transitions; exit 1 when any')
    .action(async (files: string[], flags: TmFlags) => {
      const r = await decodeWith(files, flags, ctx);
      const [{ limitReport }, { taiToUtcIso }] = await Promise.all([import('../../telemetry/parameters/limits.js'), import('../../src/time/index.js')]);
      const rep = limitReport(r.decoder, r.tables);
      const time = (tai: number) => (Number.isNaN(tai) ? null : taiToUtcIso(tai, 6));
      if (flags.json) {
        ctx.io.out(jsonOut('tm limits', { violations: rep.violations, transitions: rep.transitions.map((t) => ({ ...t, tai: undefined, time: time(t.tai) })), parameters: rep.summaries }));
      } else {
        for (const t of rep.transitions) ctx.io.out(`${time(t.tai) ?? '(no time)'}  APID ${t.apid}  ${t.parameter}  ${t.from} -> ${t.to}  value ${t.value}\n`);
        const bad = rep.summaries.filter((s) => s.violations > 0);
        if (bad.length) {
          ctx.io.out(`\n${bad.length} parameter(s) out of limits:\n`);
          for (const s of bad) ctx.io.out(`  ${s.parameter} (${s.container}): ${s.violations} of ${s.samples} samples, worst ${s.worst}\n`);
        }
        ctx.io.out(`${rep.summaries.length} parameter(s) with limits checked, ${rep.violations} sample(s) out of limits\n`);
      }
      ctx.setExit(rep.violations > 0 || r.undecoded.length ? 1 : 0);
    });

  withDecodeOptions(tm.command('archive').argument('[files...]'))
    .option('--archive <dir>', 'archive directory: parameters.sqlite is written there (default: the config\'s archive.dir, else ./idoc-archive)')
    .option('--time-param <name>', 'time each sample by this parameter of its packet (an absolute time, or seconds from --time-epoch) instead of the packet time')
    .option('--time-epoch <utc>', 'epoch of a --time-param counting seconds, e.g. 2010-01-01T00:00:00Z')
    .option('--json', 'print the summary (packets, samples, parameters, failures) as JSON')
    .description('store decoded parameter values (raw and engineering) in the parameter archive: from FILES (added), or without files from the packet archive in --archive (rebuilt)')
    .action(async (files: string[], flags: TmFlags) => {
      const [{ readSetup }, { parseApidList, parseUtcFlag }, { UsageError, InputError }, { loadTmDatabase }, fill, { createProgress }, { archiveSettings }] = await Promise.all([
        import('../cli/read-setup.js'), import('../cli/options.js'), import('../../src/errors.js'),
        import('../../src/mdb/load.js'), import('../../telemetry/parameters/fill.js'), import('../cli/progress.js'), import('../../src/store/index.js'),
      ]);
      const { mission, read } = await readSetup(flags);
      const db = loadTmDatabase(flags.defs, (n) => ctx.io.err(`idoc: note: ${n.path}: ${n.message}\n`), epochOf(mission));
      const known = new Set(db.parameters.map((p) => p.name));
      const keep = await keepOf(flags, known);
      if (flags.timeEpoch !== undefined && flags.timeParam === undefined) throw new UsageError('--time-epoch needs --time-param');
      if (flags.timeParam !== undefined && !known.has(flags.timeParam)) throw new UsageError(`--time-param: ${flags.timeParam} is not defined in ${flags.defs}`);
      if (flags.timeEpoch !== undefined) parseUtcFlag('--time-epoch', flags.timeEpoch);
      if (flags.timeParam !== undefined && flags.timeEpoch === undefined) {
        const p = db.parameters.find((x) => x.name === flags.timeParam)!;
        if (db.parameterTypes.find((t) => t.name === p.type)?.kind !== 'absoluteTime') throw new UsageError(`--time-param: ${flags.timeParam} is not an absolute time; give --time-epoch for a seconds counter`);
      }
      const time = flags.timeParam !== undefined ? { parameter: flags.timeParam, ...(flags.timeEpoch !== undefined ? { epoch: flags.timeEpoch } : {}) } : undefined;
      const { dir } = archiveSettings(mission.config, flags.archive);
      const apids = flags.apid !== undefined ? parseApidList('--apid', flags.apid) : undefined;
      const fromTai = flags.from !== undefined ? parseUtcFlag('--from', flags.from) : undefined;
      const toTai = flags.to !== undefined ? parseUtcFlag('--to', flags.to) : undefined;
      let r;
      try {
        if (files.length) {
          const progress = createProgress(ctx.io);
          r = await fill.fillFromFiles(dir, files, db, {
            read,
            profile: mission.profile,
            filter: { ...(apids ? { apid: apids.has } : {}), ...(fromTai !== undefined ? { fromTai } : {}), ...(toTai !== undefined ? { toTai } : {}) },
            progress: (file, done, total) => progress.update(file, done, total),
            ...(keep ? { keep } : {}),
          }, time ? { time } : {});
          progress.done();
        } else {
          // The packet archive of the config's kind (SQLite in dir, or PostgreSQL); parameters.sqlite in dir either way.
          const reader = await (await import('../../src/archive-of.js')).openConfiguredReader(mission.config, dir);
          r = await fill.fillFromPacketArchive(dir, db, {
            reader, ...(keep ? { keep } : {}), ...(apids ? { apids: apids.ranges } : {}), ...(fromTai !== undefined ? { fromTai } : {}), ...(toTai !== undefined ? { toTai } : {}),
            ...(time ? { time } : {}),
          });
        }
      } catch (e) {
        if (e instanceof Error && !(e instanceof UsageError) && !(e instanceof InputError) && /parameter archive|not an idoc archive/.test(e.message)) throw new InputError(e.message);
        throw e;
      }
      for (const f of r.skipped) ctx.io.err(`idoc: note: ${f}: loaded before (same content), skipped\n`);
      for (const u of r.undecoded) ctx.io.err(`idoc: APID ${u.apid}: ${u.packets} packet(s) not decoded: ${u.reason} (first at ${u.first})\n`);
      const summary = { archive: dir, packets: r.packets, samples: r.samples, chunks: r.chunks, skipped: r.skipped, undecoded: r.undecoded.reduce((s, u) => s + u.packets, 0) };
      if (flags.json) ctx.io.out(jsonOut('tm archive', summary, { ok: !r.undecoded.length }));
      else ctx.io.out(`${dir}: ${r.packets} packet(s) decoded, ${r.samples} sample(s) stored in ${r.chunks} chunk(s)\n`);
      ctx.setExit(r.undecoded.length ? 1 : 0);
    });

  tm.command('query')
    .argument('<params...>', 'parameter names')
    .option('--archive <dir>', 'archive directory holding parameters.sqlite (default: the config\'s archive.dir, else ./idoc-archive)')
    .option('--config <file>', 'mission configuration (for archive.dir)')
    .option('--from <utc>', 'samples at or after this UTC time')
    .option('--to <utc>', 'samples before this UTC time')
    .option('--stats', 'count, min, max, mean of the valid engineering values per parameter (per --bin)')
    .option('--bin <duration>', 'with --stats: bin width, an ISO-8601 duration such as PT1M, PT1H, P1D')
    .option('--csv', 'CSV output (the default)')
    .option('--json', 'NDJSON output')
    .option('--parquet <file>', 'write the samples to this Apache Parquet file instead of printing them')
    .description('parameter values (time, apid, parameter, raw, engineering, unit, validity, limit) or statistics from the parameter archive')
    .action(async (params: string[], flags: QueryFlags) => {
      const [{ UsageError, InputError }, { parseUtcFlag }, { resolveMission }, { archiveSettings }, { ParameterArchiveReader }, q, { parseIsoDuration }] = await Promise.all([
        import('../../src/errors.js'), import('../cli/options.js'), import('../../src/config/mission.js'), import('../../src/store/index.js'),
        import('../../telemetry/parameters/archive.js'), import('../../telemetry/parameters/query.js'), import('../../planning/index.js'),
      ]);
      if (flags.csv && flags.json) throw new UsageError('--csv and --json exclude each other');
      if (flags.bin !== undefined && !flags.stats) throw new UsageError('--bin needs --stats');
      if (flags.parquet !== undefined && (flags.csv || flags.json || flags.stats)) throw new UsageError('--parquet writes samples: it excludes --csv, --json and --stats');
      const fromTai = flags.from !== undefined ? parseUtcFlag('--from', flags.from) : undefined;
      const toTai = flags.to !== undefined ? parseUtcFlag('--to', flags.to) : undefined;
      if (fromTai !== undefined && toTai !== undefined && toTai <= fromTai) throw new UsageError('--to must be after --from');
      let binSeconds: number | undefined;
      if (flags.bin !== undefined) {
        const ms = parseIsoDuration(flags.bin);
        if (ms === undefined || ms <= 0) throw new UsageError(`--bin: "${flags.bin}" is not an ISO-8601 duration such as PT1M`);
        binSeconds = ms / 1000;
      }
      const mission = await resolveMission(flags);
      const { dir } = archiveSettings(mission.config, flags.archive);
      let reader;
      try {
        reader = new ParameterArchiveReader(dir);
      } catch (e) {
        throw new InputError((e as Error).message);
      }
      try {
        const names = params.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
        const unknown = names.filter((n) => !reader.parameter(n));
        if (unknown.length) throw new UsageError(`${unknown.join(', ')}: not in the parameter archive ${dir}`);
        const json = Boolean(flags.json);
        const out: string[] = [];
        const flush = (force = false) => {
          if (out.length && (force || out.length >= 2000)) {
            ctx.io.out(out.join(''));
            out.length = 0;
          }
        };
        let rows = 0;
        if (flags.parquet !== undefined) {
          const file = flags.parquet;
          try {
            rows = await q.writeParquet(names.map((n) => reader.series(n, fromTai, toTai)!), file);
          } catch (e) {
            throw new InputError(`${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
          }
        } else if (flags.stats) {
          if (!json) out.push(`${q.STATS_HEADER.join(',')}\r\n`);
          for (const n of names) {
            for (const b of q.parameterStats(reader, n, { ...(fromTai !== undefined ? { fromTai } : {}), ...(toTai !== undefined ? { toTai } : {}), ...(binSeconds !== undefined ? { binSeconds } : {}) })) {
              out.push(q.statsLine(b, json));
              rows++;
              flush();
            }
          }
        } else {
          if (!json) out.push(`${q.SAMPLE_HEADER.join(',')}\r\n`);
          for (const n of names) {
            const s = reader.series(n, fromTai, toTai)!;
            for (let k = 0; k < s.length; k++) {
              out.push(q.sampleLine(s, k, json));
              flush();
            }
            rows += s.length;
          }
        }
        flush(true);
        ctx.io.err(`idoc: ${rows} row(s)\n`);
      } finally {
        reader.close();
      }
    });

  tm.command('plot')
    .argument('<params...>', 'parameter names (one panel each)')
    .requiredOption('--out <file>', 'chart to write: .svg, or .png (rasterised by resvg)')
    .option('--archive <dir>', 'archive directory holding parameters.sqlite (default: the config\'s archive.dir, else ./idoc-archive)')
    .option('--config <file>', 'mission configuration (for archive.dir)')
    .option('--from <utc>', 'start of the time axis (default: the first sample)')
    .option('--to <utc>', 'end of the time axis (default: the last sample)')
    .option('--width <pixels>', 'image width', '1000')
    .description('time-series chart of parameters from the parameter archive, limits drawn and out-of-limit samples marked')
    .action(async (params: string[], flags: QueryFlags & { out: string; width: string }) => {
      const [{ UsageError, InputError }, { parseUtcFlag, parseIntFlag }, { resolveMission }, { archiveSettings }, { ParameterArchiveReader }, plot, fs] = await Promise.all([
        import('../../src/errors.js'), import('../cli/options.js'), import('../../src/config/mission.js'), import('../../src/store/index.js'),
        import('../../telemetry/parameters/archive.js'), import('../../telemetry/parameters/plot.js'), import('node:fs'),
      ]);
      const ext = flags.out.toLowerCase().match(/\.(svg|png)$/)?.[1];
      if (!ext) throw new UsageError(`--out: ${flags.out} must end in .svg or .png`);
      const width = parseIntFlag('--width', flags.width, 200, 20000);
      const fromTai = flags.from !== undefined ? parseUtcFlag('--from', flags.from) : undefined;
      const toTai = flags.to !== undefined ? parseUtcFlag('--to', flags.to) : undefined;
      if (fromTai !== undefined && toTai !== undefined && toTai <= fromTai) throw new UsageError('--to must be after --from');
      const mission = await resolveMission(flags);
      const { dir } = archiveSettings(mission.config, flags.archive);
      let reader;
      try {
        reader = new ParameterArchiveReader(dir);
      } catch (e) {
        throw new InputError((e as Error).message);
      }
      let svg: string;
      let samples = 0;
      try {
        const names = params.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
        const unknown = names.filter((n) => !reader.parameter(n));
        if (unknown.length) throw new UsageError(`${unknown.join(', ')}: not in the parameter archive ${dir}`);
        const series = names.map((n) => reader.series(n, fromTai, toTai)!);
        samples = series.reduce((a, s) => a + s.length, 0);
        svg = plot.plotSvg(series, { ...(fromTai !== undefined ? { fromTai } : {}), ...(toTai !== undefined ? { toTai } : {}), width });
      } finally {
        reader.close();
      }
      const data = ext === 'png' ? await plot.svgToPng(svg) : svg;
      const tmp = `${flags.out}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, data);
        fs.renameSync(tmp, flags.out);
      } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw new InputError(`${flags.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      ctx.io.err(`idoc: ${flags.out}: ${samples} sample(s) of ${params.length} parameter(s)\n`);
    });

  tm.command('l1')
    .argument('<params...>', 'parameter names (one field each)')
    .requiredOption('--out-dir <dir>', 'folder for the table (.csv) and its PDS4 label (.xml)')
    .option('--archive <dir>', 'archive directory holding parameters.sqlite (default: the config\'s archive.dir, else ./idoc-archive)')
    .option('--config <file>', 'mission configuration (mission and instrument names, products.bundle and target)')
    .option('--from <utc>', 'samples at or after this UTC time')
    .option('--to <utc>', 'samples before this UTC time')
    .option('--name <name>', 'product id stem (the start time is appended)', 'parameters')
    .option('--json', 'print the product as JSON')
    .description('L1 product: engineering values of parameters from the parameter archive as a PDS4 Table_Character and its label')
    .action(async (params: string[], flags: QueryFlags & { outDir: string; name: string }) => {
      const [{ UsageError, InputError }, { parseUtcFlag }, { resolveMission }, { archiveSettings }, { ParameterArchiveReader }, { writeL1 }, { productsConfig }] = await Promise.all([
        import('../../src/errors.js'), import('../cli/options.js'), import('../../src/config/mission.js'), import('../../src/store/index.js'),
        import('../../telemetry/parameters/archive.js'), import('../../telemetry/parameters/l1.js'), import('../../telemetry/products/index.js'),
      ]);
      const fromTai = flags.from !== undefined ? parseUtcFlag('--from', flags.from) : undefined;
      const toTai = flags.to !== undefined ? parseUtcFlag('--to', flags.to) : undefined;
      if (fromTai !== undefined && toTai !== undefined && toTai <= fromTai) throw new UsageError('--to must be after --from');
      const mission = await resolveMission(flags);
      const products = productsConfig(mission.config);
      const { dir } = archiveSettings(mission.config, flags.archive);
      let reader;
      try {
        reader = new ParameterArchiveReader(dir);
      } catch (e) {
        throw new InputError((e as Error).message);
      }
      try {
        const names = params.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
        const unknown = names.filter((n) => !reader.parameter(n));
        if (unknown.length) throw new UsageError(`${unknown.join(', ')}: not in the parameter archive ${dir}`);
        const m = mission.config.mission;
        let r;
        try {
          r = writeL1(reader, {
            names, outDir: flags.outDir, name: flags.name, bundle: products.bundle,
            ...(fromTai !== undefined ? { fromTai } : {}), ...(toTai !== undefined ? { toTai } : {}),
            label: {
              missionName: m.name, instrumentName: m.instrument ?? m.name, ...(m.spacecraft !== undefined ? { instrumentHostName: m.spacecraft } : {}),
              targetName: products.target.name, targetType: products.target.type, source: `the parameter archive (${names.length} parameter(s))`,
              ...(products.context.investigation !== undefined ? { investigationLid: products.context.investigation } : {}),
            },
          });
        } catch (e) {
          if (e instanceof Error && /no timed sample/.test(e.message)) throw new InputError(e.message);
          throw e;
        }
        if (flags.json) ctx.io.out(jsonOut('tm l1', r));
        else ctx.io.out(`${r.labelFile}: ${r.records} record(s), ${r.lid}\n`);
      } finally {
        reader.close();
      }
    });

  tm.command('l1-worker')
    .argument('<params...>', 'parameter names (one column each)')
    .requiredOption('--defs <file>', 'mission database: XTCE, MIB folder, field list or JSON')
    .requiredOption('--out-dir <dir>', 'folder for the L1 tables (.csv) and their PDS4 labels (.xml)')
    .option('--archive <dir>', 'packet archive (default: the config\'s archive.dir, else ./idoc-archive; archive.kind postgres: the shared segment files)')
    .option('--config <file>', 'mission configuration (mission, archive, products.window, bundle and target)')
    .option('--name <name>', 'product id stem (the window\'s first sample time is appended)', 'parameters')
    .option('--durable <name>', 'durable consumer name (builders sharing it share the announcements)', 'l1')
    .option('--once', 'build what is announced, then exit when nothing is pending')
    .option('--watch', 'run until SIGTERM/SIGINT (the window in progress finishes first)')
    .option('--json', 'print the totals as JSON')
    .option('--quiet', 'no JSON event lines on stderr')
    .description('L1 products as the archive workers (ingest --consume) commit packets: for each product window a committed-window announcement touches (NATS JetStream, durable), decode the window\'s packets from the archive and write its L1 table and label')
    .action(async (params: string[], flags: { defs: string; outDir: string; archive?: string; config?: string; name: string; durable: string; once?: boolean; watch?: boolean; json?: boolean; quiet?: boolean }) => {
      const [{ UsageError }, { resolveMission }, { loadTmDatabase }, { runL1Worker }] = await Promise.all([
        import('../../src/errors.js'), import('../../src/config/mission.js'), import('../../src/mdb/load.js'), import('../../telemetry/bus/l1-worker.js'),
      ]);
      if (Boolean(flags.once) === Boolean(flags.watch)) throw new UsageError('tm l1-worker: give exactly one of --once or --watch');
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(flags.durable)) throw new UsageError(`--durable: ${JSON.stringify(flags.durable.slice(0, 80))}: letters, digits, _ and - (at most 64)`);
      const mission = await resolveMission(flags);
      const db = loadTmDatabase(flags.defs, (n) => ctx.io.err(`idoc: note: ${n.path}: ${n.message}\n`), epochOf(mission));
      const names = params.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
      const known = new Set(db.parameters.map((p) => p.name));
      const unknown = names.filter((n) => !known.has(n));
      if (unknown.length) throw new UsageError(`${unknown.join(', ')}: not in the mission database ${flags.defs}`);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      try {
        const t = await runL1Worker({
          mission, db, names, outDir: flags.outDir, name: flags.name, durable: flags.durable, untilIdle: Boolean(flags.once), signal: stop.signal,
          ...(flags.archive !== undefined ? { archive: flags.archive } : {}),
          ...(flags.quiet ? {} : { onWritten: (p) => ctx.io.err(`${JSON.stringify({ event: 'written', lidvid: `${p.lid}::${p.vid}`, status: p.status, records: p.records, label: p.labelFile })}\n`) }),
        });
        ctx.io.out(flags.json ? jsonOut('tm l1-worker', t, { compact: true }) : `${t.announcements} announcement(s), ${t.windows} window(s), ${t.products} L1 product(s) written\n`);
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });

  tm.command('import')
    .description('convert definitions to idoc\'s JSON mission database (checked against schemas/tmdb.schema.json)')
    .argument('<format>', 'xtce, mib or csv')
    .argument('<file>', 'the XTCE file, the MIB folder or the CSV field list')
    .requiredOption('--out <file>', 'JSON file to write (written to a temporary name, then renamed)')
    .option('--json', 'print {file, parameterTypes, parameters, containers} as JSON')
    .option('--config <file>', 'mission configuration: its packet time epoch is the epoch of a MIB\'s absolute times (PTC 9; default TAI 1958)')
    .action(async (format: string, file: string, opts: { out: string; json?: boolean; config?: string }) => {
      const [{ UsageError }, { loadXtce }, { loadMibTm, timeEpochOfTai }, { parseTmDatabaseJson }, fs, { resolveMission }] = await Promise.all([
        import('../../src/errors.js'), import('../../src/mdb/xtce/load.js'), import('../../src/mdb/mib/load.js'), import('../../src/mdb/load.js'), import('node:fs'),
        import('../../src/config/mission.js'),
      ]);
      if (format !== 'xtce' && format !== 'mib' && format !== 'csv') throw new UsageError(`tm import: format "${format}" is not supported (xtce, mib, csv)`);
      let db;
      if (format === 'xtce') db = loadXtce(fs.readFileSync(file, 'utf8'), file);
      else if (format === 'csv') db = (await import('../../src/mdb/fields/load.js')).loadFieldList(fs.readFileSync(file, 'utf8'), file);
      else {
        const r = loadMibTm(file, { epoch: timeEpochOfTai(epochOf(await resolveMission(opts.config !== undefined ? { config: opts.config } : {})).epochTai) });
        for (const n of r.notes) ctx.io.err(`idoc: note: ${n.path}: ${n.message}\n`);
        db = r.db;
      }
      const text = `${JSON.stringify(db, null, 1)}\n`;
      parseTmDatabaseJson(text, opts.out); // what is written must read back
      const tmp = `${opts.out}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, opts.out);
      ctx.io.out(opts.json
        ? jsonOut('tm import', { file: opts.out, parameterTypes: db.parameterTypes.length, parameters: db.parameters.length, containers: db.containers.length })
        : `${opts.out}: ${db.parameterTypes.length} parameter types, ${db.parameters.length} parameters, ${db.containers.length} containers\n`);
    });
};
