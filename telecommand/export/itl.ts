/**
 * @module EPS/MAPPS ITL (instrument timeline) export and import (formats.md §6.2, the syntax of the Rosetta
 * MIDAS `parse_itl` reader and the JUICE/MAJIS "ITL in EPS format").
 *
 * Written:
 *
 *   # <comments: source plan, waiver>
 *   Version: 1
 *   Start_time: 21-Jan-2014_00:00:00
 *   End_time: 22-Jan-2014_00:00:00
 *
 *   # SIM - REQUEST=OBS-01                       metadata of the next entry (`# <INST> - KEY=VALUE`)
 *   21-Jan-2014_06:00:40  SIM  *  SIM_HV_ON  ( VOLTAGE=1200 [V] \
 *                                              RAMP=10 [V/s] )
 *
 * One absolute-time entry per command: time `dd-Mon-yyyy_hh:mm:ss[.mmm]` UTC, experiment (each entry's own:
 * a timeline may hold several), mode (`*` = any), command, parameters `NAME=value [unit]` with `\` line
 * continuation, then the entry's `POWER_PROFILE` / `DATA_RATE_PROFILE` as read. Labels and numbers are
 * written bare, other text quoted, so types survive a round trip.
 *
 * Read, as JUICE/MAJIS planners and OSVE write them: the same; times `dd-Mon-yyyy_hh:mm:ss[.fff]` or ISO-8601
 * (`2032-07-04T12:00:00[.fff][Z]`, also day-of-year `2032-186T12:00:00`) in entries, headers and EVFs;
 * `Key: Value` headers (unknown keys kept; `Start_time`/`End_time` give the validity); `Include_file:
 * "path"` (relative to the including file; nested; a cycle is refused), read through a callback so this
 * module stays free of file I/O; relative entries `LABEL [(COUNT = n)] [+|-][ddd_]hh:mm:ss` resolved through
 * an EVF event file; MAJIS `OBS_START`/`OBS_END` blocks (their name becomes the commands' request; the block
 * and its attributes such as `(PRIME=TRUE)` are kept in `Timeline.observations` and written back on export); mode-only
 * entries `<time> <EXP> <MODE>` (a mode switch without an action) become the command `<EXP>_MODE` with
 * parameter `MODE` (what `plan import-edf` defines), written back as a mode-only entry; `POWER_PROFILE` and
 * `DATA_RATE_PROFILE` as lists of `<offset> [unit] <value> [unit]` points (offset `[+|-][ddd_]hh:mm:ss` or
 * a number with a unit such as `[sec]`), kept as written. An import that finds no command is an error.
 */
import type { ProfilePoint } from '../../src/mdb/commands/types.js';
import { InputError, type Problem } from '../../src/errors.js';
import { refuseBinary } from '../../src/text-guard.js';
import { utcTextToUnixMs } from '../../src/time/utc-text.js';
import type { JsonValue, TcDatabase } from '../../src/mdb/commands/types.js';

/** One command of a timeline (a plan command without its file position). */
export interface TimelineCommand {
  /** Release time, Unix ms UTC. */
  readonly t: number;
  readonly command: string;
  readonly parameters: Readonly<Record<string, JsonValue>>;
  readonly request?: string;
  /** Geometry constraints (opaque here; carried as JSON metadata). */
  readonly constraints?: object;
  /** Instrument mode the entry states (`*` or absent = any). */
  readonly mode?: string;
  /** The entry's experiment when it is not the timeline's `instrument`. */
  readonly experiment?: string;
  /** POWER_PROFILE of the entry, as read. */
  readonly powerProfile?: readonly ProfilePoint[];
  /** DATA_RATE_PROFILE of the entry, as read. */
  readonly dataRateProfile?: readonly ProfilePoint[];
}

export type { ProfilePoint } from '../../src/mdb/commands/types.js';

/** Offset of a profile point, seconds (units s, sec, min, h; a duration text otherwise). */
export function profileOffsetS(p: ProfilePoint): number | undefined {
  const d = /^([+-]?)(?:(\d+)_)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(p.offset);
  if (d) return (d[1] === '-' ? -1 : 1) * ((Number(d[2] ?? 0) * 24 + Number(d[3])) * 3600 + Number(d[4]) * 60 + Number(d[5]));
  const n = Number(p.offset);
  if (!Number.isFinite(n)) return undefined;
  const u = (p.offsetUnit ?? 's').toLowerCase();
  const scale = /^(s|sec|secs|second|seconds)$/.test(u) ? 1 : /^(min|mins|minute|minutes)$/.test(u) ? 60 : /^(h|hr|hour|hours)$/.test(u) ? 3600 : undefined;
  return scale === undefined ? undefined : n * scale;
}

/**
 * A MAJIS-style observation block of an ITL: `<time> <EXP> OBS_START <NAME> [( attributes )]` … `<time> <EXP>
 * OBS_END <NAME> [( attributes )]`. The attributes (e.g. `PRIME=TRUE`) are kept as written, so that a re-export
 * writes the block again with them.
 */
export interface ItlObservation {
  readonly name: string;
  readonly experiment: string;
  readonly start: number;
  readonly end: number;
  /** Text inside the parentheses of the OBS_START line, trimmed (e.g. `PRIME=TRUE`). */
  readonly startAttributes?: string;
  /** The same for the OBS_END line. */
  readonly endAttributes?: string;
}

/** A timeline: what every uplink export reads and the ITL import produces. */
export interface Timeline {
  readonly name: string;
  readonly instrument: string;
  readonly validity: { readonly start: number; readonly end: number };
  readonly commands: readonly TimelineCommand[];
  /** Observation blocks read from an ITL (written back around their commands by {@link formatItl}). */
  readonly observations?: readonly ItlObservation[];
}

/** What an export records about the validation the plan passed (or was forced past). */
export interface ExportRecord {
  /** The waiver text given with --force. */
  readonly waiver?: string;
  /** Errors the plan had when it was exported. */
  readonly violations?: number;
  /** Creation time, Unix ms. Default now. */
  readonly createdUnixMs?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `dd-Mon-yyyy_hh:mm:ss[.mmm]` (milliseconds only when not zero). */
export function itlTime(t: number): string {
  const d = new Date(Math.round(t));
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ms = d.getUTCMilliseconds();
  return `${p2(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}_${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`;
}

/** The two shapes an ITL/EVF time has (the calendar checks and the arithmetic are luxon's, src/time/utc-text.ts). */
const ITL_SHAPE = /^(?:\d{1,2}-[A-Za-z]{3}-\d{4}_\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{4}-(?:\d{2}-\d{2}|\d{3})T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z?)$/;
const ITL_FORMATS = ['d-MMM-yyyy_HH:mm:ss'];

/**
 * Read `dd-Mon-yyyy_hh:mm:ss[.fff]` or ISO-8601 UTC (calendar or day-of-year, optional Z) as Unix ms; undefined
 * when malformed (Feb 30 included). A leap second `23:59:60` is read on a leap-second day only, as the following
 * midnight (a timeline in Unix ms cannot name it; the clock holds).
 */
export function parseItlTime(text: string): number | undefined {
  return ITL_SHAPE.test(text) ? utcTextToUnixMs(text, ITL_FORMATS) : undefined;
}

const BARE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function valueText(v: JsonValue): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).toUpperCase() === 'TRUE' || String(v).toUpperCase() === 'FALSE' ? String(v).toUpperCase() : String(v);
  if (BARE.test(v) && !/^(true|false)$/i.test(v)) return v;
  return JSON.stringify(v);
}

/** The command a mode-only ITL entry `<time> <EXP> <MODE>` stands for. */
export const modeCommandName = (experiment: string): string => `${experiment}_MODE`;

/** Whether a command is a mode-only entry (`<EXP>_MODE` with just MODE = its mode). */
function isModeOnly(c: TimelineCommand, experiment: string): boolean {
  const keys = Object.keys(c.parameters);
  return c.mode !== undefined && c.command === modeCommandName(experiment) && keys.length === 1 && keys[0] === 'MODE' && c.parameters['MODE'] === c.mode
    && !c.powerProfile && !c.dataRateProfile;
}

const profileText = (points: readonly ProfilePoint[]): string =>
  points.map((p) => `${p.offset}${p.offsetUnit !== undefined ? ` [${p.offsetUnit}]` : ''} ${p.value}${p.unit !== undefined ? ` [${p.unit}]` : ''}`).join(' ');

/**
 * The ITL text of a timeline. Units come from the database when given.
 */
export function formatItl(tl: Timeline, db?: TcDatabase, record: ExportRecord = {}): string {
  const out: string[] = [`# ITL exported by idoc from plan ${tl.name}`, `# Created: ${new Date(record.createdUnixMs ?? Date.now()).toISOString()}`];
  if (record.waiver !== undefined) out.push(`# WAIVER: exported with ${record.violations ?? 0} validation error(s): ${record.waiver.replace(/\s+/g, ' ')}`);
  out.push('Version: 1', `Start_time: ${itlTime(tl.validity.start)}`, `End_time: ${itlTime(tl.validity.end)}`, '');
  const units = new Map<string, string>();
  for (const c of db?.commands ?? []) for (const p of c.parameters) if (p.unit) units.set(`${c.name}.${p.name}`, p.unit);
  // Observation blocks: OBS_START before the commands of its instant, OBS_END after them.
  const obs = (tl.observations ?? []).flatMap((o) => [
    { t: o.start, rank: 0, text: `${itlTime(o.start)}  ${o.experiment}  OBS_START  ${o.name}${o.startAttributes ? `  ( ${o.startAttributes} )` : ''}` },
    { t: o.end, rank: 2, text: `${itlTime(o.end)}  ${o.experiment}  OBS_END  ${o.name}${o.endAttributes ? `  ( ${o.endAttributes} )` : ''}` },
  ]).sort((a, b) => a.t - b.t || a.rank - b.rank);
  let next = 0;
  const flushObs = (t: number, through: boolean) => {
    while (next < obs.length && (obs[next]!.t < t || (obs[next]!.t === t && (through || obs[next]!.rank === 0)))) out.push(obs[next++]!.text);
  };
  for (const c of tl.commands) {
    flushObs(c.t, false);
    const exp = c.experiment ?? tl.instrument;
    if (c.request !== undefined) out.push(`# ${exp} - REQUEST=${c.request}`);
    if (c.constraints !== undefined) out.push(`# ${exp} - CONSTRAINTS=${JSON.stringify(c.constraints)}`);
    if (isModeOnly(c, exp)) { out.push(`${itlTime(c.t)}  ${exp}  ${c.mode}`); continue; }
    const head = `${itlTime(c.t)}  ${exp}  ${c.mode ?? '*'}  ${c.command}`;
    const params = Object.entries(c.parameters).map(([k, v]) => {
      const unit = units.get(`${c.command}.${k}`);
      return `${k}=${valueText(v)}${unit ? ` [${unit}]` : ''}`;
    });
    if (c.powerProfile) params.push(`POWER_PROFILE = ${profileText(c.powerProfile)}`);
    if (c.dataRateProfile) params.push(`DATA_RATE_PROFILE = ${profileText(c.dataRateProfile)}`);
    if (!params.length) out.push(head);
    else if (params.length === 1) out.push(`${head}  ( ${params[0]} )`);
    else {
      const pad = ' '.repeat(head.length + 4);
      out.push(`${head}  ( ${params.map((p, i) => (i === 0 ? p : pad + p)).join(' \\\n')} )`);
    }
  }
  flushObs(Infinity, true);
  return `${out.join('\n')}\n`;
}

/** Events of an EVF file by `LABEL#COUNT`. */
export function parseEvf(text: string, file: string): Map<string, number> {
  refuseBinary(text, file, 'an EVF event file');
  const events = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line || /^\w+:/.test(line)) return;
    const m = /^(\S+)\s+(\S+)\s+\(\s*COUNT\s*=\s*(\d+)\s*\)$/.exec(line);
    const t = m ? parseItlTime(m[1]!) : undefined;
    if (!m || t === undefined) throw new InputError(`${file}:${i + 1}: expected "<dd-Mon-yyyy_hh:mm:ss> <LABEL> (COUNT = <n>)"`);
    events.set(`${m[2]}#${Number(m[3])}`, t);
  });
  return events;
}

type Token = { kind: 'word' | 'string' | 'unit' | 'eq' | 'open' | 'close'; text: string };

function tokenize(s: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(') { out.push({ kind: 'open', text: c }); i++; continue; }
    if (c === ')') { out.push({ kind: 'close', text: c }); i++; continue; }
    if (c === '=') { out.push({ kind: 'eq', text: c }); i++; continue; }
    if (c === '[') {
      const j = s.indexOf(']', i);
      if (j < 0) return `unclosed [unit] at column ${i + 1}`;
      out.push({ kind: 'unit', text: s.slice(i + 1, j).trim() });
      i = j + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) return `unclosed string at column ${i + 1}`;
      out.push({ kind: 'string', text: JSON.parse(s.slice(i, j + 1)) as string });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !/[\s()=[\]"]/.test(s[j]!)) j++;
    out.push({ kind: 'word', text: s.slice(i, j) });
    i = j;
  }
  return out;
}

const wordValue = (w: string): JsonValue => (NUMBER.test(w) ? Number(w) : /^(true|false)$/i.test(w) ? w.toLowerCase() === 'true' : w);

/** The result of reading an ITL. */
export interface ItlImport {
  readonly timeline: Timeline;
  /** Header keys as read (`Version`, `Start_time`, …) of the top-level file. */
  readonly header: Readonly<Record<string, string>>;
  /** Every file read, the top-level one first, then the included ones in the order met. */
  readonly files: readonly string[];
}

/** Reads an included file: `name` as written in `Include_file`, `from` the including file. */
export type ItlIncludeReader = (name: string, from: string) => { readonly text: string; readonly file: string };

/** Options of {@link parseItl}. */
export interface ParseItlOptions {
  readonly evf?: Map<string, number>;
  readonly name?: string;
  /** Resolves `Include_file` lines; without it, an include is an error naming the line. */
  readonly include?: ItlIncludeReader;
}

interface Entry extends TimelineCommand { readonly exp: string }

interface Walk {
  readonly problems: Problem[];
  readonly entries: Entry[];
  readonly files: string[];
  /** Start_time / End_time of included files (used when the top level gives none). */
  readonly spans: number[];
  readonly observations: ItlObservation[];
}

const HEADER_TIME = /^(Start_time|End_time)$/;
const DURATION = /^([+-]?)(?:(\d+)_)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/;

/** Read a `POWER_PROFILE = …` / `DATA_RATE_PROFILE = …` point list from `toks[j..end)`; returns the points and the next index. */
function readProfile(toks: Token[], j: number, end: number): { points: ProfilePoint[]; next: number } | string {
  const points: ProfilePoint[] = [];
  while (j < end && !(toks[j]!.kind === 'word' && toks[j + 1]?.kind === 'eq')) {
    const at = toks[j]!;
    if (at.kind !== 'word' || !(DURATION.test(at.text) || NUMBER.test(at.text))) return `profile offset "${at.text}" is neither [+|-][ddd_]hh:mm:ss nor a number`;
    j++;
    let offsetUnit: string | undefined;
    if (toks[j]?.kind === 'unit') offsetUnit = toks[j++]!.text;
    const v = toks[j];
    if (j >= end || v?.kind !== 'word' || !NUMBER.test(v.text)) return `profile offset ${at.text} has no numeric value`;
    j++;
    let unit: string | undefined;
    if (toks[j]?.kind === 'unit') unit = toks[j++]!.text;
    points.push({ offset: at.text, ...(offsetUnit !== undefined ? { offsetUnit } : {}), value: Number(v.text), ...(unit !== undefined ? { unit } : {}) });
  }
  if (!points.length) return 'empty profile';
  return { points, next: j };
}

function walkItl(text: string, file: string, options: ParseItlOptions, walk: Walk, stack: readonly string[], header: Record<string, string>): void {
  const { problems } = walk;
  refuseBinary(text, file, 'an EPS/MAPPS ITL timeline');
  walk.files.push(file);
  let meta: Record<string, string> = {};
  let observation: string | undefined;
  let opened: Omit<ItlObservation, 'end'> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = `${line.replace(/\\\s*$/, ' ')}${lines[++i]!}`;
    const bad = (message: string) => problems.push({ code: 'itl', path: `${file}:${lineNo}`, message });
    const trimmed = line.trim();
    if (!trimmed) continue;
    if (trimmed.startsWith('#')) {
      const m = /^#\s*(\S+)\s+-\s+([A-Za-z_][\w]*)=(.*)$/.exec(trimmed);
      if (m && m[2] !== 'COMMENT') meta[m[2]!] = m[3]!.trim();
      continue;
    }
    const h = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/.exec(trimmed.replace(/\s#.*$/, ''));
    if (h && !/^\d/.test(trimmed)) {
      const [key, value] = [h[1]!, h[2]!.trim()];
      if (/^Include(_file)?$/i.test(key)) {
        const name = value.replace(/^"(.*)"$/, '$1');
        if (!options.include) { bad(`Include_file "${name}": includes are not read here`); continue; }
        let inc: { text: string; file: string };
        try { inc = options.include(name, file); } catch (e) {
          const err = e as NodeJS.ErrnoException;
          bad(`Include_file "${name}": ${err.code ?? ''} ${err.message.replace(/^[A-Z]+: /, '')}`.replace(/\s+/g, ' '));
          continue;
        }
        if (stack.includes(inc.file)) { bad(`Include_file "${name}" includes ${inc.file} again (${[...stack, inc.file].join(' → ')}): include cycle refused`); continue; }
        const sub: Record<string, string> = {};
        walkItl(inc.text, inc.file, options, walk, [...stack, inc.file], sub);
        for (const k of ['Start_time', 'End_time']) {
          const t = sub[k] !== undefined ? parseItlTime(sub[k]) : undefined;
          if (t !== undefined) walk.spans.push(t);
        }
        continue;
      }
      if (key !== 'Source_file') header[key] = value;
      if (HEADER_TIME.test(key) && parseItlTime(value) === undefined) {
        problems.push({ code: 'itl', path: `${file}:${lineNo}`, message: `${key} "${value}" is neither dd-Mon-yyyy_hh:mm:ss nor ISO-8601` });
      }
      continue;
    }
    const body = trimmed.replace(/\s#.*$/, '');
    const toks = tokenize(body);
    if (typeof toks === 'string') { bad(toks); meta = {}; continue; }
    // Time: absolute, or LABEL [(COUNT = n)] [+|-][ddd_]hh:mm:ss.
    let k = 0;
    let t: number | undefined;
    const first = toks[k]?.text ?? '';
    t = parseItlTime(first);
    if (t !== undefined) k = 1;
    else {
      const label = first;
      k = 1;
      let count = 1;
      if (toks[k]?.kind === 'open' && toks[k + 1]?.text.toUpperCase() === 'COUNT' && toks[k + 2]?.kind === 'eq' && toks[k + 4]?.kind === 'close') {
        count = Number(toks[k + 3]?.text);
        k += 5;
      }
      const off = DURATION.exec(toks[k]?.text ?? '');
      if (!off) { bad(`"${first}" is neither a time (dd-Mon-yyyy_hh:mm:ss or ISO-8601) nor an event label with an offset [+|-][ddd_]hh:mm:ss`); meta = {}; continue; }
      k++;
      const ev = options.evf?.get(`${label}#${count}`);
      if (ev === undefined) { bad(`event ${label} (COUNT = ${count}) is not in the event file${options.evf ? '' : ' (none given: use --evf FILE)'}`); meta = {}; continue; }
      const ms = ((Number(off[2] ?? 0) * 24 + Number(off[3])) * 3600 + Number(off[4]) * 60 + Number(off[5])) * 1000;
      t = ev + (off[1] === '-' ? -ms : ms);
    }
    const inst = toks[k];
    const mode = toks[k + 1];
    const name = toks[k + 2];
    if (inst?.kind !== 'word' || mode?.kind !== 'word' || (name !== undefined && name.kind !== 'word' && name.kind !== 'open')) {
      bad('expected <EXPERIMENT> <MODE|*> [<SEQUENCE> [( parameters )]] after the time');
      meta = {};
      continue;
    }
    const exp = inst.text;
    if (name === undefined || name.kind === 'open') {
      // A mode switch without an action: `<time> <EXP> <MODE>`.
      if (mode.text === '*' || name !== undefined) { bad(`"${mode.text}" after the experiment: a mode switch names a mode and has no parameters`); meta = {}; continue; }
      walk.entries.push({ exp, t, command: modeCommandName(exp), parameters: { MODE: mode.text }, mode: mode.text, ...(meta['REQUEST'] ?? observation ? { request: (meta['REQUEST'] ?? observation)! } : {}) });
      meta = {};
      continue;
    }
    if (mode.text === 'OBS_START' || mode.text === 'OBS_END') {
      // Attributes after the name, e.g. `( PRIME=TRUE )`, kept as written.
      const attrs = /\(\s*(.*?)\s*\)\s*$/.exec(body.slice(body.indexOf(name.text, body.indexOf(mode.text) + mode.text.length) + name.text.length))?.[1];
      if (mode.text === 'OBS_START') {
        observation = name.text;
        opened = { name: name.text, experiment: exp, start: t, ...(attrs ? { startAttributes: attrs } : {}) };
      } else {
        if (observation !== name.text) bad(`OBS_END ${name.text} does not close ${observation ? `OBS_START ${observation}` : 'any OBS_START'}`);
        else if (opened) walk.observations.push({ ...opened, end: t, ...(attrs ? { endAttributes: attrs } : {}) });
        observation = undefined;
        opened = undefined;
      }
      meta = {};
      continue;
    }
    k += 3;
    const parameters: Record<string, JsonValue> = {};
    let powerProfile: ProfilePoint[] | undefined;
    let dataRateProfile: ProfilePoint[] | undefined;
    if (k < toks.length) {
      if (toks[k]!.kind !== 'open' || toks.at(-1)!.kind !== 'close') { bad('parameters must be enclosed in ( … )'); meta = {}; continue; }
      let j = k + 1;
      const end = toks.length - 1;
      let failed = false;
      while (j < end) {
        const key = toks[j]!;
        if (key.kind !== 'word' || toks[j + 1]?.kind !== 'eq') { bad(`expected NAME=value, found "${key.text}"`); failed = true; break; }
        if (/^(POWER_PROFILE|DATA_RATE_PROFILE)$/i.test(key.text)) {
          const r = readProfile(toks, j + 2, end);
          if (typeof r === 'string') { bad(`${key.text}: ${r}`); failed = true; break; }
          if (/^POWER/i.test(key.text)) powerProfile = r.points; else dataRateProfile = r.points;
          j = r.next;
          continue;
        }
        const v = toks[j + 2];
        if (!v || (v.kind !== 'word' && v.kind !== 'string') || j + 2 >= end) { bad(`no value for ${key.text}`); failed = true; break; }
        parameters[key.text] = v.kind === 'string' ? v.text : wordValue(v.text);
        j += 3;
        if (toks[j]?.kind === 'unit') j++;
      }
      if (failed) { meta = {}; continue; }
    }
    let constraints: object | undefined;
    if (meta['CONSTRAINTS'] !== undefined) {
      try { constraints = JSON.parse(meta['CONSTRAINTS']) as object; } catch { bad('CONSTRAINTS metadata is not JSON'); }
    }
    const request = meta['REQUEST'] ?? observation;
    walk.entries.push({
      exp, t, command: name.text, parameters,
      ...(request !== undefined ? { request } : {}),
      ...(constraints !== undefined ? { constraints } : {}),
      ...(mode.text !== '*' ? { mode: mode.text } : {}),
      ...(powerProfile ? { powerProfile } : {}),
      ...(dataRateProfile ? { dataRateProfile } : {}),
    });
    meta = {};
  }
  if (observation !== undefined) problems.push({ code: 'itl', path: `${file}:${lines.length}`, message: `OBS_START ${observation} is never closed by OBS_END` });
}

/**
 * Read an ITL and the files it includes. Relative entries need `evf` (from {@link parseEvf}); includes need
 * `include` (the CLI reads them relative to the including file).
 * @throws InputError naming `file:line` for every line that cannot be read (in any file), and when the
 * timeline holds no command at all.
 */
export function parseItl(text: string, file: string, options: ParseItlOptions = {}): ItlImport {
  const walk: Walk = { problems: [], entries: [], files: [], spans: [], observations: [] };
  const header: Record<string, string> = {};
  walkItl(text, file, options, walk, [file], header);
  const { problems } = walk;
  if (problems.length) throw new InputError(`${problems[0]!.path}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
  if (walk.entries.length === 0) {
    const where = walk.files.length > 1 ? ` nor in the ${walk.files.length - 1} file(s) it includes` : '';
    throw new InputError(`${file}: no command entries found in the timeline${where}: nothing to import`);
  }
  // Entries in time order (stable: same-instant entries keep their file order), as EPS runs a timeline. The
  // timeline's instrument is the experiment of the first entry (so an export re-imports the same).
  walk.entries.sort((a, b) => a.t - b.t);
  const instrument = walk.entries[0]!.exp;
  const commands: TimelineCommand[] = walk.entries.map(({ exp, ...c }) => (exp === instrument ? c : { ...c, experiment: exp }));
  const start = header['Start_time'] !== undefined ? parseItlTime(header['Start_time']) : undefined;
  const end = header['End_time'] !== undefined ? parseItlTime(header['End_time']) : undefined;
  const times = [...commands.map((c) => c.t), ...walk.spans];
  const validity = {
    start: start ?? Math.min(...times),
    end: end ?? Math.max(...times),
  };
  return {
    timeline: {
      name: options.name ?? file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, ''), instrument, validity, commands,
      ...(walk.observations.length ? { observations: [...walk.observations].sort((a, b) => a.start - b.start) } : {}),
    },
    header,
    files: walk.files,
  };
}
