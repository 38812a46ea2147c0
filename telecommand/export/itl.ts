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
 * One absolute-time entry per command: time `dd-Mon-yyyy_hh:mm:ss[.mmm]` UTC, instrument, mode (`*` = any),
 * command, parameters `NAME=value [unit]` with `\` line continuation. Labels and numbers are written bare,
 * other text quoted, so types survive a round trip. Read: the same, plus `Key: Value` headers (unknown keys
 * kept), relative entries `LABEL [(COUNT = n)] [+|-][ddd_]hh:mm:ss` resolved through an EVF event file,
 * MAJIS `OBS_START`/`OBS_END` blocks (their name becomes the commands' request), and `POWER_PROFILE` /
 * `DATA_RATE_PROFILE` keywords (skipped).
 */
import { InputError, type Problem } from '../../src/errors.js';
import { refuseBinary } from '../../src/text-guard.js';
import type { JsonValue, TcDatabase } from '../database/types.js';

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
}

/** A timeline: what every uplink export reads and the ITL import produces. */
export interface Timeline {
  readonly name: string;
  readonly instrument: string;
  readonly validity: { readonly start: number; readonly end: number };
  readonly commands: readonly TimelineCommand[];
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

/** Read `dd-Mon-yyyy_hh:mm:ss[.fff]`; undefined when malformed. */
export function parseItlTime(text: string): number | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})_(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return undefined;
  const mon = MONTHS.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase());
  const [d, y, h, mi, s] = [Number(m[1]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  if (mon < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(y, mon, d, h, mi, s) + (m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0);
  return new Date(Date.UTC(y, mon, d)).getUTCDate() === d ? t : undefined;
}

const BARE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function valueText(v: JsonValue): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).toUpperCase() === 'TRUE' || String(v).toUpperCase() === 'FALSE' ? String(v).toUpperCase() : String(v);
  if (BARE.test(v) && !/^(true|false)$/i.test(v)) return v;
  return JSON.stringify(v);
}

/**
 * The ITL text of a timeline. Units come from the database when given.
 */
export function formatItl(tl: Timeline, db?: TcDatabase, record: ExportRecord = {}): string {
  const out: string[] = [`# ITL exported by idoc from plan ${tl.name}`, `# Created: ${new Date(record.createdUnixMs ?? Date.now()).toISOString()}`];
  if (record.waiver !== undefined) out.push(`# WAIVER: exported with ${record.violations ?? 0} validation error(s): ${record.waiver.replace(/\s+/g, ' ')}`);
  out.push('Version: 1', `Start_time: ${itlTime(tl.validity.start)}`, `End_time: ${itlTime(tl.validity.end)}`, '');
  const units = new Map<string, string>();
  for (const c of db?.commands ?? []) for (const p of c.parameters) if (p.unit) units.set(`${c.name}.${p.name}`, p.unit);
  for (const c of tl.commands) {
    if (c.request !== undefined) out.push(`# ${tl.instrument} - REQUEST=${c.request}`);
    if (c.constraints !== undefined) out.push(`# ${tl.instrument} - CONSTRAINTS=${JSON.stringify(c.constraints)}`);
    const head = `${itlTime(c.t)}  ${tl.instrument}  ${c.mode ?? '*'}  ${c.command}`;
    const params = Object.entries(c.parameters).map(([k, v]) => {
      const unit = units.get(`${c.command}.${k}`);
      return `${k}=${valueText(v)}${unit ? ` [${unit}]` : ''}`;
    });
    if (!params.length) out.push(head);
    else if (params.length === 1) out.push(`${head}  ( ${params[0]} )`);
    else {
      const pad = ' '.repeat(head.length + 4);
      out.push(`${head}  ( ${params.map((p, i) => (i === 0 ? p : pad + p)).join(' \\\n')} )`);
    }
  }
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
  /** Header keys as read (`Version`, `Start_time`, …). */
  readonly header: Readonly<Record<string, string>>;
}

/**
 * Read an ITL. Relative entries need `evf` (from {@link parseEvf}).
 * @throws InputError naming `file:line` for every line that cannot be read.
 */
export function parseItl(text: string, file: string, options: { evf?: Map<string, number>; name?: string } = {}): ItlImport {
  refuseBinary(text, file, 'an ITL timeline');
  const problems: Problem[] = [];
  const header: Record<string, string> = {};
  const commands: TimelineCommand[] = [];
  let meta: Record<string, string> = {};
  let observation: string | undefined;
  let instrument: string | undefined;
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
    const h = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/.exec(trimmed);
    if (h && !/^\d/.test(trimmed)) {
      if (h[1] !== 'Source_file') header[h[1]!] = h[2]!.trim();
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
      const off = /^([+-]?)(?:(\d+)_)?(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(toks[k]?.text ?? '');
      if (!off) { bad(`"${first}" is neither a time dd-Mon-yyyy_hh:mm:ss nor an event label with an offset [+|-][ddd_]hh:mm:ss`); meta = {}; continue; }
      k++;
      const ev = options.evf?.get(`${label}#${count}`);
      if (ev === undefined) { bad(`event ${label} (COUNT = ${count}) is not in the event file${options.evf ? '' : ' (none given: use --evf FILE)'}`); meta = {}; continue; }
      const ms = ((Number(off[2] ?? 0) * 24 + Number(off[3])) * 3600 + Number(off[4]) * 60 + Number(off[5])) * 1000;
      t = ev + (off[1] === '-' ? -ms : ms);
    }
    const inst = toks[k];
    const mode = toks[k + 1];
    const name = toks[k + 2];
    if (inst?.kind !== 'word' || mode?.kind !== 'word' || name?.kind !== 'word') { bad('expected <INSTRUMENT> <MODE|*> <SEQUENCE> after the time'); meta = {}; continue; }
    instrument ??= inst.text;
    if (mode.text === 'OBS_START') { observation = name.text; meta = {}; continue; }
    if (mode.text === 'OBS_END') {
      if (observation !== name.text) bad(`OBS_END ${name.text} does not close ${observation ? `OBS_START ${observation}` : 'any OBS_START'}`);
      observation = undefined;
      meta = {};
      continue;
    }
    k += 3;
    const parameters: Record<string, JsonValue> = {};
    if (k < toks.length) {
      if (toks[k]!.kind !== 'open' || toks.at(-1)!.kind !== 'close') { bad('parameters must be enclosed in ( … )'); meta = {}; continue; }
      let j = k + 1;
      const end = toks.length - 1;
      let failed = false;
      while (j < end) {
        const key = toks[j]!;
        if (key.kind !== 'word' || toks[j + 1]?.kind !== 'eq') { bad(`expected NAME=value, found "${key.text}"`); failed = true; break; }
        if (/^(POWER_PROFILE|DATA_RATE_PROFILE)$/i.test(key.text)) {
          // <reltime> <value> [unit] … up to the next NAME=.
          j += 2;
          while (j < end && !(toks[j]!.kind === 'word' && toks[j + 1]?.kind === 'eq')) j++;
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
    commands.push({
      t, command: name.text, parameters,
      ...(request !== undefined ? { request } : {}),
      ...(constraints !== undefined ? { constraints } : {}),
      ...(mode.text !== '*' ? { mode: mode.text } : {}),
    });
    meta = {};
  }
  if (observation !== undefined) problems.push({ code: 'itl', path: `${file}:${lines.length}`, message: `OBS_START ${observation} is never closed by OBS_END` });
  const start = header['Start_time'] !== undefined ? parseItlTime(header['Start_time']) : undefined;
  const end = header['End_time'] !== undefined ? parseItlTime(header['End_time']) : undefined;
  if (header['Start_time'] !== undefined && start === undefined) problems.push({ code: 'itl', path: `${file}: Start_time`, message: `"${header['Start_time']}" is not dd-Mon-yyyy_hh:mm:ss` });
  if (header['End_time'] !== undefined && end === undefined) problems.push({ code: 'itl', path: `${file}: End_time`, message: `"${header['End_time']}" is not dd-Mon-yyyy_hh:mm:ss` });
  if (problems.length) throw new InputError(`${file}: not a readable ITL (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  const times = commands.map((c) => c.t);
  const validity = {
    start: start ?? (times.length ? Math.min(...times) : 0),
    end: end ?? (times.length ? Math.max(...times) : 0),
  };
  return {
    timeline: { name: options.name ?? file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, ''), instrument: instrument ?? 'SIM', validity, commands },
    header,
  };
}
