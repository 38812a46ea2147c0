/**
 * @module `idoc orbit`: spacecraft state, events and geometry tables from a TLE, an OEM or SPK kernels.
 *   orbit state    SOURCE --at TIME [--station S ...] [--json]
 *   orbit events   SOURCE --from T --to T [--station S ...] [--altitude KM ...] [--latitude DEG ...] [--json | --csv]
 *   orbit geometry SOURCE --from T --to T --step PT10S [--station S ...] [--json]
 *   orbit check    FILE... [--max-gap-steps N] [--json]
 * SOURCE is --ephemeris FILE (TLE or OEM; --tle/--oem are aliases), or --spk FILE... --object NAIF_ID (a spacecraft in the kernels); --spk
 * kernels (repeatable, later ones win) also give the Sun and the planets for an orbiter of another body (OEM
 * CENTER_NAME MARS, JUPITER, MOON…), whose geometry is then in that body's IAU frame.
 * Common: --tle-max-age DAYS (how far from an element set's epoch SGP4 is used), --max-gap-steps N (an OEM
 * step longer than N sampling steps is a coverage hole), --center BODY (the centre when the file names it
 * otherwise), --config PATH (the mission configuration's ephemeris section gives whatever the flags leave out:
 * planning/config.ts; read only when --config is given).
 * Thin: the work is in planning/, loaded only when a subcommand runs. Bad input → one line naming the file
 * and line, exit 2; a time outside the ephemeris' coverage is bad input too.
 */
import { Option, type Command } from 'commander';
import { InputError, UsageError } from '../../src/errors.js';
import type { CommandContext, RegisterCommand } from './context.js';
import { addAliases } from '../cli/aliases.js';
import { jsonOut } from '../cli/json.js';

interface SourceOpts { ephemeris?: string; ephemerisFormat?: 'tle' | 'oem'; spk?: string[]; object?: string; center?: string; config?: string; station?: string[]; json?: boolean; tleMaxAge?: string; maxGapSteps?: string }

const collect = (v: string, prev: string[] = []) => [...prev, v];

function addSource(cmd: Command, ctx: CommandContext): Command {
  addAliases(cmd, ctx.io, (['tle', 'oem'] as const).map((format) => ({
    flags: `--${format} <file>`, to: '--ephemeris', deprecated: false,
    onUse: (c: Command) => {
      if (c.getOptionValue('ephemerisFormat') !== undefined || c.getOptionValue('ephemeris') !== undefined) throw new UsageError('give one ephemeris: --ephemeris FILE (--tle FILE and --oem FILE are its aliases)');
      c.setOptionValue('ephemerisFormat', format);
    },
  })));
  return cmd
    .option('--ephemeris <file>', 'TLE (SGP4; several sets of one object are each used around their epoch) or CCSDS OEM (KVN or XML, version 2 or 3); --tle FILE and --oem FILE are aliases that also fix the format')
    .option('--spk <file>', 'JPL SPK kernel (DAF, types 2, 3, 13; repeatable): planets and the Sun for a non-Earth centre, or the spacecraft itself with --object', collect)
    .option('--object <name|number>', 'the object, when the file holds several (with --spk alone: the spacecraft\'s NAIF id, e.g. -41)')
    .option('--center <body>', 'central body of the ephemeris when the file names it otherwise or not at all (MARS, JUPITER, 499…); the states are not translated')
    .option('--config <file>', 'mission configuration whose ephemeris section gives the source, kernels and centre (flags win)')
    .option('--station <NAME:LAT:LON:ALT_M:MASK_DEG>', 'ground station (repeatable), e.g. KIRUNA:67.857:20.964:402:5', collect)
    .option('--tle-max-age <days>', 'TLE: use an element set up to this many days from its epoch (default 30)')
    .option('--max-gap-steps <n>', 'OEM: a step longer than n times the sampling is a coverage hole, never interpolated across (default 5)');
}

/** A positive number given on the command line. */
function positive(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${option} "${text}": expected a positive number`);
  return n;
}

async function load(opts: SourceOpts) {
  const tleMaxAgeDays = positive(opts.tleMaxAge, '--tle-max-age');
  const maxGapSteps = positive(opts.maxGapSteps, '--max-gap-steps');
  const flagFile = opts.ephemeris;
  const flags = {
    ...(flagFile !== undefined ? { file: flagFile } : {}),
    ...(opts.object !== undefined ? { object: opts.object } : {}),
    spk: opts.spk ?? [],
    ...(opts.center !== undefined ? { centralBody: opts.center } : {}),
    ...(tleMaxAgeDays !== undefined ? { tleMaxAgeDays } : {}),
    ...(maxGapSteps !== undefined ? { maxGapSteps } : {}),
  };
  // The config's ephemeris section, only when --config names one (flags win field by field).
  const src = opts.config === undefined ? flags : await configuredSource(opts.config, flags);
  const fromSpk = src.file === undefined && src.spk.length > 0;
  if (!fromSpk && src.file === undefined) {
    throw new UsageError(`give --ephemeris FILE, or --spk FILE... --object NAIF_ID${opts.config !== undefined ? ` (${opts.config} has no ephemeris.file or ephemeris.spk)` : ''}`);
  }
  const id = Number(src.object);
  if (fromSpk && (src.object === undefined || !Number.isInteger(id))) throw new UsageError('--spk without --ephemeris: give the spacecraft\'s NAIF id with --object (e.g. --object -41)');
  const planning = await import('../../planning/orbits.js');
  const spk = src.spk.length > 0 ? await planning.loadSpkFiles(src.spk) : undefined;
  let ephem: import('../../planning/orbits.js').Ephemeris;
  if (fromSpk) {
    ephem = planning.spkEphemeris(spk!, id);
  } else {
    ephem = await planning.ephemerisFromFile(src.file!, {
      ...(opts.ephemerisFormat !== undefined ? { format: opts.ephemerisFormat } : {}),
      anyCenter: true,
      ...(src.object !== undefined ? { object: src.object } : {}),
      ...(src.tleMaxAgeDays !== undefined ? { tleMaxAgeDays: src.tleMaxAgeDays } : {}),
      ...(src.maxGapSteps !== undefined ? { maxGapSteps: src.maxGapSteps } : {}),
    });
  }
  if (src.centralBody !== undefined) ephem = planning.withCenterName(ephem, src.centralBody);
  ephem = planning.withCentralBody(ephem, spk);
  const stations = (opts.station ?? []).map((s) => planning.parseStation(s));
  if (ephem.centralBody && stations.length > 0) throw new UsageError(`--station: ground stations are on the Earth, and ${ephem.source} is centred on ${ephem.centralBody.name}`);
  const sampleOptions = ephem.centralBody ? { body: ephem.centralBody } : {};
  return { planning, ephem, stations, sampleOptions };
}

/** The ephemeris section of the config file `file` under the flags (see planning/config.ts). */
async function configuredSource(file: string, flags: import('../../planning/config.js').EphemerisSource) {
  const [{ loadConfig }, { ephemerisSection, mergeEphemerisSource }] = await Promise.all([import('../../src/config/index.js'), import('../../planning/config.js')]);
  return mergeEphemerisSource(flags, ephemerisSection(await loadConfig(file)));
}

function instant(planning: typeof import('../../planning/orbits.js'), text: string, option: string): number {
  const t = planning.parseUtcInstant(text);
  if (t === undefined) throw new UsageError(`${option} "${text}": expected an ISO-8601 UTC time such as 2025-11-02T12:00:00Z`);
  return t;
}

function range(planning: typeof import('../../planning/orbits.js'), from: string, to: string) {
  const r = { start: instant(planning, from, '--from'), end: instant(planning, to, '--to') };
  if (!(r.end > r.start)) throw new UsageError(`--to ${to} is not after --from ${from}`);
  return r;
}

/** Refuse a range reaching outside the ephemeris' coverage; warn on gaps inside it. */
function checkCoverage(ctx: CommandContext, planning: typeof import('../../planning/orbits.js'), ephem: import('../../planning/orbits.js').Ephemeris, r: { start: number; end: number }): void {
  const cov = ephem.coverage;
  const first = cov[0]!;
  const last = cov.at(-1)!;
  for (const t of [r.start, r.end]) {
    const s = ephem.stateAt(t);
    if (!s.ok && s.reason === 'outside-coverage' && (t < first.start || t > last.end)) throw new InputError(s.message);
  }
  const covered = planning.coveredParts(ephem, r);
  const gaps = planning.notWindows(covered, r);
  for (const g of gaps) ctx.io.err(`idoc: warning: ${ephem.source}: no ephemeris ${planning.isoUtc(g.start)}…${planning.isoUtc(g.end)} (a gap between segments or a coverage hole); nothing computed there\n`);
}

function addState(orbit: Command, ctx: CommandContext): void {
  addSource(orbit.command('state').description('Position, velocity, geodetic coordinates, Sun, eclipse and station look angles at one instant'), ctx)
    .requiredOption('--at <utc>', 'UTC instant, ISO-8601 (e.g. 2025-11-02T12:00:00Z)')
    .option('--json', 'print the state as JSON')
    .action(async (opts: SourceOpts & { at: string }) => {
      const { planning, ephem, stations, sampleOptions } = await load(opts);
      const t = instant(planning, opts.at, '--at');
      const s = ephem.stateAt(t);
      if (!s.ok) throw new InputError(s.message);
      const rec = planning.geometryRecord(planning.sampleFromState(s.state, sampleOptions), stations.map(planning.stationFrame));
      const orbitNo = planning.orbitCounter(ephem, { start: t, end: t }).orbitAt(t);
      if (opts.json) ctx.io.out(jsonOut('orbit state', { object: ephem.objectName, objectId: ephem.objectId, source: ephem.source, ...planning.geometryJson(rec, orbitNo) }));
      else ctx.io.out(`object          ${ephem.objectName} (${ephem.objectId}) from ${ephem.source}\n${planning.geometryText(rec, orbitNo)}`);
    });
}

function addEvents(orbit: Command, ctx: CommandContext): void {
  addSource(orbit.command('events').description('Eclipse entry/exit, station passes (AOS, LOS, maximum elevation), nodes, thresholds, terminator crossings; pericentre/apocentre around other bodies'), ctx)
    .requiredOption('--from <utc>', 'start, UTC ISO-8601')
    .requiredOption('--to <utc>', 'end, UTC ISO-8601')
    .option('--altitude <km>', 'report crossings of this altitude (repeatable)', collect)
    .option('--latitude <deg>', 'report crossings of this geodetic latitude (repeatable)', collect)
    .option('--kinds <list>', 'comma-separated event kinds to report (default all)')
    .option('--step <duration>', 'search grid step, ISO-8601 duration (default PT30S; PT60S around a body other than the Earth)')
    .option('--json', 'print {events, passes, covered} as JSON')
    .addOption(new Option('--csv', 'print events as CSV (RFC 4180, CRLF)').conflicts('json'))
    .action(async (opts: SourceOpts & { from: string; to: string; altitude?: string[]; latitude?: string[]; kinds?: string; step?: string; csv?: boolean }) => {
      if (opts.json && opts.csv) throw new UsageError('give at most one of --json and --csv');
      const { planning, ephem, stations } = await load(opts);
      const r = range(planning, opts.from, opts.to);
      const nums = (list: string[] | undefined, what: string) => (list ?? []).map((v) => {
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${what} "${v}" is not a number`);
        return n;
      });
      const kinds = opts.kinds?.split(',').map((k) => k.trim());
      for (const k of kinds ?? []) if (!(planning.EVENT_KINDS as readonly string[]).includes(k)) throw new UsageError(`--kinds: unknown event kind "${k}" (${planning.EVENT_KINDS.join(', ')})`);
      const stepMs = opts.step === undefined ? undefined : planning.parseIsoDuration(opts.step);
      if (stepMs !== undefined && !(stepMs >= 1000)) throw new UsageError(`--step ${opts.step}: expected an ISO-8601 duration of at least 1 s, e.g. PT30S`);
      if (opts.step !== undefined && stepMs === undefined) throw new UsageError(`--step ${opts.step}: expected an ISO-8601 duration such as PT30S`);
      checkCoverage(ctx, planning, ephem, r);
      const res = planning.findEvents(ephem, r, {
        stations, altitudesKm: nums(opts.altitude, 'altitude'), latitudesDeg: nums(opts.latitude, 'latitude'),
        ...(kinds ? { kinds: kinds as import('../../planning/orbits.js').EventKind[] } : {}),
        ...(stepMs !== undefined ? { stepMs } : {}),
      });
      const iso = planning.isoUtc;
      if (opts.json) {
        ctx.io.out(jsonOut('orbit events', {
          object: ephem.objectName, objectId: ephem.objectId, source: ephem.source, from: iso(r.start), to: iso(r.end),
          covered: res.covered.map((c) => ({ start: iso(c.start), end: iso(c.end) })),
          events: res.events.map((e) => ({ ...e, t: iso(e.t) })),
          passes: res.passes.map((p) => ({ ...p, aos: p.aos === null ? null : iso(p.aos), los: p.los === null ? null : iso(p.los), maxElevationTime: iso(p.maxElevationTime) })),
        }));
      } else if (opts.csv) {
        ctx.io.out(planning.eventsCsv(res.events));
      } else {
        ctx.io.out(planning.eventsText(res.events, res.passes));
      }
    });
}

function addGeometry(orbit: Command, ctx: CommandContext): void {
  addSource(orbit.command('geometry').description('Geometry along a time grid as CSV (for plots and ancillary data beside L0 products)'), ctx)
    .requiredOption('--from <utc>', 'start, UTC ISO-8601')
    .requiredOption('--to <utc>', 'end, UTC ISO-8601 (included when on the grid)')
    .requiredOption('--step <duration>', 'grid step, ISO-8601 duration, e.g. PT10S')
    .option('--json', 'print an array of records as JSON instead of CSV')
    .action(async (opts: SourceOpts & { from: string; to: string; step: string }) => {
      const { planning, ephem, stations, sampleOptions } = await load(opts);
      const r = range(planning, opts.from, opts.to);
      const step = planning.parseIsoDuration(opts.step);
      if (step === undefined || !(step >= 1)) throw new UsageError(`--step ${opts.step}: expected an ISO-8601 duration such as PT10S`);
      const rows = Math.floor((r.end - r.start) / step) + 1;
      if (rows > 5_000_000) throw new UsageError(`--step ${opts.step} gives ${rows} rows; at most 5 000 000`);
      checkCoverage(ctx, planning, ephem, r);
      // A propagation failure (a decayed TLE) ends the table at the failing sample: rows before it are written,
      // then the sample is named. Orbit numbers are counted up to the last good sample.
      let failing = -1;
      for (let i = 0; i < rows && failing < 0; i++) {
        const s = ephem.stateAt(r.start + i * step);
        if (!s.ok && s.reason === 'propagation-error') failing = i;
      }
      const good = failing < 0 ? r : { start: r.start, end: r.start + Math.max(0, failing - 1) * step };
      const counter = failing === 0 ? { orbitAt: () => 0 } : planning.orbitCounter(ephem, good);
      const frames = stations.map(planning.stationFrame);
      const json: unknown[] = [];
      if (!opts.json) ctx.io.out(planning.geometryCsvHeader(stations.map((s) => s.name), ephem.centralBody?.name ?? 'EARTH'));
      let chunk = '';
      for (let i = 0; i < rows; i++) {
        const t = r.start + i * step;
        const s = ephem.stateAt(t);
        if (!s.ok) {
          if (s.reason === 'outside-coverage') continue; // a gap between segments, already warned about
          // With --json the records before the failure are the result of a failed run (the error is its problem).
          const message = `${s.message}: geometry sample ${i + 1} of ${rows} (${planning.isoUtc(t)}) failed; ${opts.json ? `${json.length} records` : `${i} rows`} written before it`;
          if (opts.json) { ctx.io.out(jsonOut('orbit geometry', json, { ok: false, problems: [message] })); ctx.io.err(`idoc: ${message}\n`); ctx.setExit(2); return; }
          if (chunk) ctx.io.out(chunk);
          throw new InputError(`${s.message}: geometry sample ${i + 1} of ${rows} (${planning.isoUtc(t)}) failed; ${opts.json ? `${json.length} records` : `${i} rows`} written before it`);
        }
        const rec = planning.geometryRecord(planning.sampleFromState(s.state, sampleOptions), frames);
        if (opts.json) json.push(planning.geometryJson(rec, counter.orbitAt(t)));
        else {
          chunk += planning.geometryCsvRow(rec, counter.orbitAt(t));
          if (chunk.length > 1 << 16) { ctx.io.out(chunk); chunk = ''; }
        }
      }
      if (opts.json) ctx.io.out(jsonOut('orbit geometry', json));
      else if (chunk) ctx.io.out(chunk);
    });
}

function addCheck(orbit: Command, ctx: CommandContext): void {
  orbit.command('check')
    .description('Validate ephemeris files (CCSDS OEM KVN/XML/NDM versions 1-3, TLE, JPL SPK): one line per problem; exit 0 all valid, 2 any invalid')
    .argument('<file...>', 'ephemeris files')
    .option('--max-gap-steps <n>', 'OEM: a step longer than n times the sampling is a coverage hole, never interpolated across (default 5)')
    .option('--json', 'print one record per file as a JSON array')
    .action(async (files: string[], opts: { maxGapSteps?: string; json?: boolean }) => {
      const maxGapSteps = positive(opts.maxGapSteps, '--max-gap-steps');
      const { readFile } = await import('node:fs/promises');
      const { checkEphemerisFile } = await import('../../planning/ephemeris/check.js');
      const results = [];
      for (const f of files) results.push(checkEphemerisFile(await readFile(f), f, maxGapSteps !== undefined ? { maxGapSteps } : {}));
      if (opts.json) ctx.io.out(jsonOut('orbit check', results, { ok: results.every((r) => r.valid) }));
      else {
        let text = '';
        for (const r of results) {
          if (r.valid) text += `${r.file}: valid: ${r.summary}\n${r.notes.map((n) => `  note: ${n}\n`).join('')}`;
          else text += r.problems.map((p) => `${p.path}: ${p.message}\n`).join('');
        }
        const bad = results.filter((r) => !r.valid).length;
        ctx.io.out(`${text}${bad ? `${bad} of ${results.length} file(s) invalid` : `${results.length} file(s) valid`}\n`);
      }
      if (results.some((r) => !r.valid)) ctx.setExit(2);
    });
}

export const registerOrbit: RegisterCommand = (program, ctx) => {
  const orbit = program.command('orbit').description('Orbit ephemerides (TLE, CCSDS OEM, JPL SPK): state, events, geometry and file checks, around the Earth, Mars, Jupiter and its moons, the Moon or the Sun');
  addCheck(orbit, ctx);
  addState(orbit, ctx);
  addEvents(orbit, ctx);
  addGeometry(orbit, ctx);
};
