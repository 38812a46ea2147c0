/**
 * @module `idoc plan`: generate a command plan from observation requests, validate it against rules and an
 * ephemeris, export it for uplink (PUS TC[11,4] stack, EPS ITL, POR), and import an existing ITL.
 *   plan generate   --requests FILE --tcdb FILE --ephemeris FILE [--station S…] --from T --to T --out PLAN
 *   plan validate   PLAN --tcdb FILE [--ephemeris FILE] [--rules FILE] [--station S…] [--json | --junit FILE]
 *   plan export     PLAN --format pus|itl|por --out FILE --tcdb FILE [--rules FILE --ephemeris FILE] [--force --waiver TEXT]
 *   plan import-itl FILE [--evf FILE] [--out PLAN]
 *   plan import-edf EDF... --out-tcdb FILE --out-rules FILE [--power-limit W] [--memory-bits N --downlink-rate BPS] [--apid N] [--json]
 * generate, validate and export also take --spk FILE… (kernels for a non-Earth centre), --center BODY and
 * --config PATH (the mission configuration's ephemeris section gives what the flags leave out, --ephemeris included).
 * Thin: the work is in planning/ and telecommand/export/, loaded only when a subcommand runs. Exit 0 clean,
 * 1 when a check found problems (violations, unplaced requests, refused export), 2 for bad input.
 */
import { UsageError } from '../../src/errors.js';
import { schemaFile as schemaPath } from '../../src/schema-file.js';
import type { Command } from 'commander';
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

async function instant(text: string, option: string): Promise<number> {
  const { parseUtcInstant } = await import('../../planning/ephemeris/epoch.js');
  const t = parseUtcInstant(text);
  if (t === undefined) throw new UsageError(`${option} "${text}": expected an ISO-8601 UTC time such as 2025-01-01T00:00:00Z`);
  return t;
}

const positiveInt = (name: string, max: number) => (text: string): number => {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${name} ${JSON.stringify(text)}: expected an integer 0..${max}`);
  return n;
};

/** Where a plan command's ephemeris comes from: the flags, over the config's ephemeris section with --config. */
interface EphemerisOpts { ephemeris?: string; object?: string; spk?: string[]; center?: string; config?: string }
interface CheckOpts extends EphemerisOpts { tcdb: string; rules?: string; station?: string[] }

/** Add --spk, --center and --config (the ephemeris options every plan command shares with `idoc orbit`). */
function addEphemerisOptions(cmd: Command): Command {
  return cmd
    .option('--spk <file>', 'JPL SPK kernel (repeatable): the Sun and planets for an ephemeris centred on another body (Mars, Jupiter…)', collect)
    .option('--center <body>', 'central body of the ephemeris when the file names it otherwise or not at all (MARS, JUPITER, 499…); the states are not translated')
    .option('--config <file>', 'mission configuration whose ephemeris section gives the ephemeris, kernels and centre (flags win)');
}

/**
 * The ephemeris of a plan: a TLE or OEM around the Earth, or around another body whose position SPK kernels
 * give; undefined when neither the flags nor the config name one.
 */
async function loadPlanEphemeris(o: EphemerisOpts) {
  let src: import('../../planning/config.js').EphemerisSource = {
    ...(o.ephemeris !== undefined ? { file: o.ephemeris } : {}),
    ...(o.object !== undefined ? { object: o.object } : {}),
    spk: o.spk ?? [],
    ...(o.center !== undefined ? { centralBody: o.center } : {}),
  };
  if (o.config !== undefined) {
    const [{ loadConfig }, { ephemerisSection, mergeEphemerisSource }] = await Promise.all([import('../../src/config/index.js'), import('../../planning/config.js')]);
    src = mergeEphemerisSource(src, ephemerisSection(await loadConfig(o.config)));
  }
  if (src.file === undefined) return undefined;
  const planning = await import('../../planning/orbits.js');
  const spk = src.spk.length > 0 ? await planning.loadSpkFiles(src.spk) : undefined;
  let ephemeris = await planning.ephemerisFromFile(src.file, {
    anyCenter: true,
    ...(src.object !== undefined ? { object: src.object } : {}),
    ...(src.tleMaxAgeDays !== undefined ? { tleMaxAgeDays: src.tleMaxAgeDays } : {}),
    ...(src.maxGapSteps !== undefined ? { maxGapSteps: src.maxGapSteps } : {}),
  });
  if (src.centralBody !== undefined) ephemeris = planning.withCenterName(ephemeris, src.centralBody);
  return planning.withCentralBody(ephemeris, spk);
}

/** Load what validation needs besides the plan: database, rules, stations, ephemeris (once for all plans). */
async function loadValidationInputs(o: CheckOpts) {
  const { loadTcDatabase } = await import('../../telecommand/database/load.js');
  const { loadRules, defaultRuleSet } = await import('../../planning/validate/rules-file.js');
  const { parseStation } = await import('../../planning/geometry/station.js');
  const db = loadTcDatabase(o.tcdb);
  const rules = o.rules !== undefined ? loadRules(o.rules) : defaultRuleSet();
  const stations = (o.station ?? []).map((s) => parseStation(s));
  const ephemeris = await loadPlanEphemeris(o);
  return { db, rules, stations, ...(ephemeris ? { ephemeris } : {}) };
}

/** Load what validation needs and validate one plan. */
async function runValidation(planFile: string, o: CheckOpts) {
  const { loadPlan } = await import('../../planning/plan/load.js');
  const { validatePlan } = await import('../../planning/validate/validate.js');
  const plan = loadPlan(planFile);
  const inputs = await loadValidationInputs(o);
  const report = validatePlan({ plan, ...inputs });
  return { plan, db: inputs.db, report };
}

/** `$schema` of a plan written to `file`: the package's plan schema, relative to the file (so it resolves). */
function planSchemaRef(path: typeof import('node:path'), file: string): string {
  return path.relative(path.dirname(path.resolve(file)), schemaPath('plan.schema.json')).split(path.sep).join('/');
}

const isPattern = (arg: string): boolean => /[*?]/.test(arg);

/**
 * Plan arguments with patterns expanded: `*` and `?` in the file name part (not in directories), sorted;
 * a pattern matching nothing is a usage error.
 */
async function expandPlanArgs(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of args) {
    if (!isPattern(a)) { out.push(a); continue; }
    const path = await import('node:path');
    const { readdirSync } = await import('node:fs');
    const dir = path.dirname(a);
    if (isPattern(dir)) throw new UsageError(`${a}: patterns only in the file name, not in directories`);
    const re = new RegExp(`^${path.basename(a).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    let names: string[];
    try { names = readdirSync(dir); } catch { names = []; }
    const hits = names.filter((n) => re.test(n)).sort().map((n) => (dir === '.' && !a.startsWith('./') ? n : path.join(dir, n)));
    if (!hits.length) throw new UsageError(`${a}: no file matches`);
    out.push(...hits);
  }
  return out;
}

export const registerPlan: RegisterCommand = (program, ctx) => {
  const plan = program.command('plan').description('Command plans: generate from observation requests, validate against rules and an ephemeris, export for uplink (PUS TC[11,4], ITL, POR), import an ITL');

  addEphemerisOptions(plan.command('generate'))
    .description('Place each request (by priority) in the first window meeting its constraints and expand it into timed commands; exit 1 when some request could not be placed')
    .requiredOption('--requests <file>', 'observation requests JSON (schemas/requests.schema.json)')
    .requiredOption('--tcdb <file>', 'telecommand database JSON')
    .option('--ephemeris <file>', 'TLE or CCSDS OEM (KVN or XML); required unless --config gives ephemeris.file')
    .requiredOption('--from <utc>', 'planning start, UTC ISO-8601')
    .requiredOption('--to <utc>', 'planning end, UTC ISO-8601')
    .requiredOption('--out <file>', 'plan JSON to write (temporary name, then renamed)')
    .option('--station <NAME:LAT:LON:ALT_M:MASK_DEG>', 'ground station (repeatable), added to the requests file\'s', collect)
    .option('--object <name|number>', 'the object, when the ephemeris holds several')
    .option('--name <name>', 'plan name (default: the --out file name without extension)')
    .option('--uplink <utc>', 'uplink time, UTC ISO-8601 (recorded in the plan)')
    .option('--latency <s>', 'uplink latency, s (default 0)')
    .option('--initial-mode <mode>', 'instrument mode at the start of the plan')
    .option('--json', 'print placements and unplaced requests as JSON')
    .action(async (o: EphemerisOpts & { requests: string; tcdb: string; from: string; to: string; out: string; station?: string[]; object?: string; spk?: string[]; name?: string; uplink?: string; latency?: string; initialMode?: string; json?: boolean }) => {
      const range = { start: await instant(o.from, '--from'), end: await instant(o.to, '--to') };
      if (!(range.end > range.start)) throw new UsageError(`--to ${o.to} is not after --from ${o.from}`);
      const latency = o.latency === undefined ? 0 : Number(o.latency);
      if (!(latency >= 0)) throw new UsageError(`--latency "${o.latency}": expected seconds ≥ 0`);
      const uplink = o.uplink !== undefined ? { t: await instant(o.uplink, '--uplink'), latencyS: latency } : undefined;
      const { loadRequests } = await import('../../planning/requests/load.js');
      const { loadTcDatabase } = await import('../../telecommand/database/load.js');
      const { parseStation } = await import('../../planning/geometry/station.js');
      const { atomsOf, buildPlanGeometry } = await import('../../planning/requests/constraints.js');
      const { generatePlan } = await import('../../planning/generate/generate.js');
      const { mergeStations } = await import('../../planning/validate/validate.js');
      const { planText, writeAtomic } = await import('../../planning/plan/write.js');
      const { isoUtc } = await import('../../planning/ephemeris/epoch.js');
      const path = await import('node:path');
      const requests = loadRequests(o.requests);
      const db = loadTcDatabase(o.tcdb);
      const ephem = await loadPlanEphemeris(o);
      if (!ephem) throw new UsageError(`plan generate: give --ephemeris FILE${o.config !== undefined ? ` (${o.config} has no ephemeris.file)` : ''}`);
      const stations = mergeStations(requests.stations, (o.station ?? []).map((s) => parseStation(s)));
      const atoms = requests.requests.flatMap((r) => atomsOf(r.constraints, stations));
      const geometry = buildPlanGeometry(ephem, range, stations, atoms);
      const name = o.name ?? path.basename(o.out).replace(/(\.plan)?\.json$/, '');
      const r = generatePlan({ db, requests, geometry, range, name, ...(uplink ? { uplink } : {}), ...(o.initialMode !== undefined ? { initialMode: o.initialMode } : {}) });
      writeAtomic(o.out, planText(r.plan, planSchemaRef(path, o.out)));
      if (o.json) {
        ctx.io.out(jsonOut('plan generate', {
          plan: o.out, commands: r.plan.commands.length,
          placed: r.placements.map((p) => ({ request: p.request, start: isoUtc(p.start), end: isoUtc(p.end), commands: p.commands.length })),
          unplaced: r.unplaced,
        }, { ok: !r.unplaced.length }));
      } else {
        const lines = [`${o.out}: ${r.placements.length} requests placed, ${r.plan.commands.length} commands, ${r.unplaced.length} not placed`];
        for (const p of [...r.placements].sort((a, b) => a.start - b.start)) lines.push(`  placed   ${p.request.padEnd(16)} ${isoUtc(p.start)} .. ${isoUtc(p.end)}  ${p.commands.length} commands`);
        for (const u of r.unplaced) lines.push(`  unplaced ${u.request.padEnd(16)} ${u.reason}`);
        ctx.io.out(`${lines.join('\n')}\n`);
      }
      if (r.unplaced.length) ctx.setExit(1);
    });

  addEphemerisOptions(plan.command('validate'))
    .description('Check every command of one or more plans against the rules (syntax, timing, modes, orderings, geometry, power, data volume, schedule); exit 0 clean, 1 violations, 2 bad input')
    .argument('<plan...>', 'plan JSON files (schemas/plan.schema.json); a pattern with * or ? in the file name (quoted) is expanded, e.g. "plans/*.plan.json"')
    .requiredOption('--tcdb <file>', 'telecommand database JSON')
    .option('--ephemeris <file>', 'TLE or CCSDS OEM: needed by geometry, event and data-volume rules and by command constraints')
    .option('--rules <file>', 'rules JSON (schemas/rules.schema.json); default: syntax and timing only')
    .option('--station <NAME:LAT:LON:ALT_M:MASK_DEG>', 'ground station (repeatable), added to the plan\'s and the rules\'', collect)
    .option('--object <name|number>', 'the object, when the ephemeris holds several')
    .option('--json', 'print the report as JSON (an array when several plans or a pattern are given)')
    .option('--junit <file>', 'also write one JUnit XML file with a test suite per plan (for Jenkins / GitLab CI)')
    .action(async (planArgs: string[], o: CheckOpts & { json?: boolean; junit?: string }) => {
      const files = await expandPlanArgs(planArgs);
      const inputs = await loadValidationInputs(o);
      const { loadPlan } = await import('../../planning/plan/load.js');
      const { validatePlan } = await import('../../planning/validate/validate.js');
      const { reportJunit, reportText } = await import('../../planning/validate/report.js');
      const { InputError } = await import('../../src/errors.js');
      const reports = [];
      const unreadable: { file: string; message: string; problems: { path: string; message: string }[] }[] = [];
      for (const f of files) {
        try {
          reports.push(validatePlan({ plan: loadPlan(f), ...inputs }));
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          if (e instanceof InputError) unreadable.push({ file: f, message: e.message, problems: e.problems.map((p) => ({ path: p.path, message: p.message })) });
          else if (typeof err?.code === 'string' && typeof err.path === 'string') unreadable.push({ file: f, message: `${err.path}: ${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}`, problems: [] });
          else throw e;
        }
      }
      if (o.junit !== undefined) {
        const { writeAtomic } = await import('../../planning/plan/write.js');
        writeAtomic(o.junit, reportJunit(reports, unreadable));
      }
      for (const u of unreadable) {
        ctx.io.err(`idoc: ${u.message}\n`);
        for (const p of u.problems) ctx.io.err(`  ${p.path}: ${p.message}\n`);
      }
      const several = files.length > 1 || planArgs.some(isPattern);
      if (o.json) {
        const unread = unreadable.map((u) => ({ file: u.file, error: u.message, problems: u.problems }));
        ctx.io.out(jsonOut('plan validate', several ? [...reports, ...unread] : reports[0] ?? unread[0], { ok: !unreadable.length && !reports.some((r) => r.errors) }));
      } else ctx.io.out(reports.map(reportText).join(several ? '\n' : ''));
      if (several && !o.json) {
        const bad = reports.filter((r) => r.errors).length;
        ctx.io.out(`${files.length} plan(s): ${reports.length - bad} clean, ${bad} with errors, ${unreadable.length} unreadable\n`);
      }
      if (unreadable.length) ctx.setExit(2);
      else if (reports.some((r) => r.errors)) ctx.setExit(1);
    });

  addEphemerisOptions(plan.command('export'))
    .description('Export a plan for uplink: PUS TC[11,4] time-tagged stack (binary, + manifest), EPS ITL or POR; refuses a plan with validation errors unless --force --waiver TEXT; writes a .sha256 sidecar')
    .argument('<plan>', 'plan JSON')
    .requiredOption('--format <format>', 'pus | itl | por')
    .requiredOption('--out <file>', 'file to write (temporary name, then renamed)')
    .requiredOption('--tcdb <file>', 'telecommand database JSON')
    .option('--ephemeris <file>', 'TLE or CCSDS OEM for the validation run before export')
    .option('--rules <file>', 'rules JSON for the validation run before export; default: syntax and timing only')
    .option('--station <NAME:LAT:LON:ALT_M:MASK_DEG>', 'ground station (repeatable)', collect)
    .option('--object <name|number>', 'the object, when the ephemeris holds several')
    .option('--force', 'export even when validation finds errors (needs --waiver)')
    .option('--waiver <text>', 'why the errors are accepted: recorded in the exported file (PUS: in its manifest)')
    .option('--activities-per-packet <n>', 'PUS: activities per TC[11,4] packet (default 1)', positiveInt('--activities-per-packet', 255))
    .option('--schedule-apid <n>', 'PUS: APID of the on-board scheduler (default 0)', positiveInt('--schedule-apid', 2046))
    .option('--json', 'print {released, format, files[], waived} (or {released: false, errors}) as JSON')
    .action(async (planFile: string, o: CheckOpts & { format: string; out: string; force?: boolean; waiver?: string; activitiesPerPacket?: number; scheduleApid?: number; json?: boolean }) => {
      const { checkReleaseOptions, releasePlan } = await import('../../telecommand/export/release.js');
      checkReleaseOptions(o);
      const { plan, db, report } = await runValidation(planFile, o);
      const timeline = { name: plan.name, instrument: plan.instrument, validity: plan.validity, commands: plan.commands };
      const r = releasePlan({ timeline, db, report, format: o.format, out: o.out, force: o.force, waiver: o.waiver, activitiesPerPacket: o.activitiesPerPacket, scheduleApid: o.scheduleApid });
      if (!r.released) {
        const { reportText } = await import('../../planning/validate/report.js');
        ctx.io.err(reportText(report));
        ctx.io.err(`idoc: ${planFile}: refusing to export a plan with ${r.errors} validation error${r.errors === 1 ? '' : 's'} (use --force --waiver TEXT to override)\n`);
        if (o.json) ctx.io.out(jsonOut('plan export', { released: false, errors: r.errors }, { ok: false }));
        ctx.setExit(1);
        return;
      }
      ctx.io.out(o.json
        ? jsonOut('plan export', { released: true, format: r.format, files: r.files, waived: r.waived })
        : `${r.summary}${r.waived ? `; exported WITH ${r.waived} errors under waiver` : ''}\n`);
    });

  plan.command('import-itl')
    .description('Read an EPS/MAPPS ITL timeline into a plan JSON, so existing timelines can be validated too')
    .argument('<itl>', 'ITL file')
    .option('--evf <file>', 'event file resolving relative entries (LABEL (COUNT = n) +hh:mm:ss)')
    .option('--name <name>', 'plan name (default: the ITL file name)')
    .option('--out <file>', 'plan JSON to write (default: standard output)')
    .option('--json', 'with --out: print {file, commands, experiments[], includes} as JSON (without --out the plan JSON itself is printed)')
    .action(async (file: string, o: { evf?: string; name?: string; out?: string; json?: boolean }) => {
      const { readFileSync } = await import('node:fs');
      const { parseItl, parseEvf } = await import('../../telecommand/export/itl.js');
      const { planText, writeAtomic } = await import('../../planning/plan/write.js');
      const evf = o.evf !== undefined ? parseEvf(readFileSync(o.evf, 'utf8'), o.evf) : undefined;
      const include = await includeReader(); // Include_file paths are relative to the including file
      const { timeline, files } = parseItl(readFileSync(file, 'utf8'), file, { include, ...(evf ? { evf } : {}), ...(o.name !== undefined ? { name: o.name } : {}) });
      const path = await import('node:path');
      const text = planText(timelineToPlan(timeline, file), planSchemaRef(path, o.out ?? path.join(process.cwd(), 'stdout')));
      if (o.out !== undefined) {
        writeAtomic(o.out, text);
        const exps = new Set([timeline.instrument, ...timeline.commands.flatMap((c) => (c.experiment !== undefined ? [c.experiment] : []))]);
        ctx.io.out(o.json
          ? jsonOut('plan import-itl', { file: o.out, commands: timeline.commands.length, experiments: [...exps], includes: files.length - 1 })
          : `${o.out}: ${timeline.commands.length} commands of ${[...exps].join(', ')} from ${file}${files.length > 1 ? ` and ${files.length - 1} included file(s)` : ''}\n`);
      } else ctx.io.out(text);
    });

  plan.command('import-edf')
    .description('Build a telecommand database (modes, a command per action and per mode switch) and rules (modes, transitions, power, data volume) from EPS experiment description files, so imported ITL timelines validate without a hand-written database')
    .argument('<edf...>', 'EDF files (Include_file lines are followed, relative to the including file)')
    .requiredOption('--out-tcdb <file>', 'telecommand database JSON to write (schemas/tcdb.schema.json)')
    .requiredOption('--out-rules <file>', 'rules JSON to write (schemas/rules.schema.json)')
    .option('--power-limit <W>', 'power allocation of the experiments together, W: adds a power rule')
    .option('--memory-bits <n>', 'on-board memory, bits: with --downlink-rate adds a data-volume rule')
    .option('--downlink-rate <bps>', 'downlink rate during station passes, bit/s')
    .option('--apid <n>', 'APID written for every command (EDFs carry none; default 0)', positiveInt('--apid', 2047))
    .option('--json', 'print a summary as JSON')
    .action(async (files: string[], o: { outTcdb: string; outRules: string; powerLimit?: string; memoryBits?: string; downlinkRate?: string; apid?: number; json?: boolean }) => {
      const num = (v: string | undefined, flag: string) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} "${v}": expected a number ≥ 0`);
        return n;
      };
      const powerLimitW = num(o.powerLimit, '--power-limit');
      const memoryBits = num(o.memoryBits, '--memory-bits');
      const downlinkRateBps = num(o.downlinkRate, '--downlink-rate');
      if ((memoryBits === undefined) !== (downlinkRateBps === undefined)) throw new UsageError('--memory-bits and --downlink-rate go together');
      const { parseEdf, edfToTcDatabase, edfRules } = await import('../../telecommand/database/edf.js');
      const { parseTcDatabase } = await import('../../telecommand/database/load.js');
      const { parseRules } = await import('../../planning/validate/rules-file.js');
      const { writeAtomic } = await import('../../planning/plan/write.js');
      const path = await import('node:path');
      const include = await includeReader();
      // Several EDFs are read as one: each file as if included by the first.
      const text = files.map((f) => `Include_file: "${f.replace(/"/g, '')}"`).join('\n');
      const read = parseEdf(text, 'command line', include);
      const edf = { ...read, files: read.files.slice(1) };
      const rel = (to: string, schema: string) => path.relative(path.dirname(path.resolve(to)), schemaPath(schema)).split(path.sep).join('/');
      const db = { $schema: rel(o.outTcdb, 'tcdb.schema.json'), ...edfToTcDatabase(edf, o.apid !== undefined ? { apid: o.apid } : {}) };
      const rules = {
        $schema: rel(o.outRules, 'rules.schema.json'),
        ...edfRules(edf, {
          ...(powerLimitW !== undefined ? { powerLimitW } : {}), ...(memoryBits !== undefined ? { memoryBits } : {}), ...(downlinkRateBps !== undefined ? { downlinkRateBps } : {}),
        }),
      };
      const dbText = `${JSON.stringify(db, null, 2)}\n`;
      const rulesText = `${JSON.stringify(rules, null, 2)}\n`;
      // What is written must read back: check both against their schemas and rules first.
      parseTcDatabase(dbText, o.outTcdb);
      parseRules(rulesText, o.outRules);
      writeAtomic(o.outTcdb, dbText);
      writeAtomic(o.outRules, rulesText);
      const summary = edf.experiments.map((e) => ({ experiment: e.name, modes: e.modes.length, modules: e.modules.length, actions: e.actions.length }));
      if (o.json) ctx.io.out(jsonOut('plan import-edf', { tcdb: o.outTcdb, rules: o.outRules, commands: db.commands.length, experiments: summary }));
      else {
        ctx.io.out(`${o.outTcdb}: ${db.commands.length} commands, ${db.modes.length} modes; ${o.outRules}: ${rules.rules.length} rules\n`);
        for (const e of summary) ctx.io.out(`  ${e.experiment}: ${e.modes} modes, ${e.modules} modules, ${e.actions} actions\n`);
      }
    });
};

/** Read a file named in an include line, relative to the including file. */
async function includeReader(): Promise<(name: string, from: string) => { text: string; file: string }> {
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  return (name, from) => {
    const f = path.isAbsolute(name) ? name : path.join(path.dirname(from), name);
    return { text: readFileSync(f, 'utf8'), file: f };
  };
}

/** A timeline read from an ITL as a plan. */
function timelineToPlan(tl: import('../../telecommand/export/itl.js').Timeline, file: string): import('../../planning/plan/types.js').Plan {
  return {
    file, name: tl.name, instrument: tl.instrument, validity: tl.validity, stations: [], unplaced: [],
    commands: tl.commands.map((c, index) => ({
      index, t: c.t, command: c.command, parameters: c.parameters,
      ...(c.request !== undefined ? { request: c.request } : {}),
      ...(c.constraints !== undefined ? { constraints: c.constraints as import('../../planning/requests/types.js').GeometryConstraints } : {}),
      ...(c.experiment !== undefined ? { experiment: c.experiment } : {}),
      ...(c.mode !== undefined ? { mode: c.mode } : {}),
      ...(c.powerProfile !== undefined ? { powerProfile: c.powerProfile } : {}),
      ...(c.dataRateProfile !== undefined ? { dataRateProfile: c.dataRateProfile } : {}),
    })),
  };
}
