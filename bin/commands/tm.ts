/**
 * @module `idoc tm decode|limits|import`: telemetry parameters from packet files with a mission database
 * (XTCE or idoc's JSON form). Thin: options → telemetry/parameters.
 */
import { Option, type Command } from 'commander';
import type { CommandContext, RegisterCommand } from './context.js';
import { addReadOptions, type ReadFlags } from '../../src/cli/read-options.js';

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
}

function withDecodeOptions(cmd: Command): Command {
  return addReadOptions(cmd)
    .requiredOption('--defs <file>', 'mission database: XTCE (.xml), a SCOS-2000 MIB folder, a CCSDSPy-style field list (.csv), or idoc JSON (idoc tm import)')
    .option('--param <names...>', 'only these parameters (all are still decoded)')
    .option('--apid <list>', 'only these APIDs, e.g. 1136,1120-1129')
    .option('--from <utc>', 'only packets with a packet time at or after this UTC time')
    .option('--to <utc>', 'only packets with a packet time before this UTC time');
}

async function decodeWith(files: string[], flags: TmFlags, ctx: CommandContext) {
  const [{ readSetup }, { parseApidList, parseUtcFlag }, { UsageError }, { loadTmDatabase }, { decodeFiles }, { createProgress }] = await Promise.all([
    import('../../src/cli/read-setup.js'), import('../../src/cli/options.js'), import('../../src/errors.js'),
    import('../../src/mdb/load.js'), import('../../telemetry/parameters/decode-files.js'), import('../../src/cli/progress.js'),
  ]);
  if (!files.length) throw new UsageError('no input file given');
  if (flags.csv && flags.json) throw new UsageError('--csv and --json exclude each other');
  const db = loadTmDatabase(flags.defs, (n) => ctx.io.err(`idoc: note: ${n.path}: ${n.message}\n`));
  let keep: Set<string> | undefined;
  if (flags.param?.length) {
    const known = new Set(db.parameters.map((p) => p.name));
    const names = flags.param.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length) throw new UsageError(`--param: ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not defined in ${flags.defs}`);
    keep = new Set(names);
  }
  const { mission, read } = await readSetup(flags);
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
        ctx.io.out(`${JSON.stringify({ violations: rep.violations, transitions: rep.transitions.map((t) => ({ ...t, tai: undefined, time: time(t.tai) })), parameters: rep.summaries }, null, 2)}\n`);
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

  tm.command('import')
    .description('convert definitions to idoc\'s JSON mission database (checked against schemas/tmdb.schema.json)')
    .argument('<format>', 'xtce, mib or csv')
    .argument('<file>', 'the XTCE file, the MIB folder or the CSV field list')
    .requiredOption('--out <file>', 'JSON file to write (written to a temporary name, then renamed)')
    .option('--json', 'print {file, parameterTypes, parameters, containers} as JSON')
    .action(async (format: string, file: string, opts: { out: string; json?: boolean }) => {
      const [{ UsageError }, { loadXtce }, { loadMibTm }, { parseTmDatabaseJson }, fs] = await Promise.all([
        import('../../src/errors.js'), import('../../src/mdb/xtce/load.js'), import('../../src/mdb/mib/load.js'), import('../../src/mdb/load.js'), import('node:fs'),
      ]);
      if (format !== 'xtce' && format !== 'mib' && format !== 'csv') throw new UsageError(`tm import: format "${format}" is not supported (xtce, mib, csv)`);
      let db;
      if (format === 'xtce') db = loadXtce(fs.readFileSync(file, 'utf8'), file);
      else if (format === 'csv') db = (await import('../../src/mdb/fields/load.js')).loadFieldList(fs.readFileSync(file, 'utf8'), file);
      else {
        const r = loadMibTm(file);
        for (const n of r.notes) ctx.io.err(`idoc: note: ${n.path}: ${n.message}\n`);
        db = r.db;
      }
      const text = `${JSON.stringify(db, null, 1)}\n`;
      parseTmDatabaseJson(text, opts.out); // what is written must read back
      const tmp = `${opts.out}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, opts.out);
      ctx.io.out(opts.json
        ? `${JSON.stringify({ file: opts.out, parameterTypes: db.parameterTypes.length, parameters: db.parameters.length, containers: db.containers.length }, null, 2)}\n`
        : `${opts.out}: ${db.parameterTypes.length} parameter types, ${db.parameters.length} parameters, ${db.containers.length} containers\n`);
    });
};
