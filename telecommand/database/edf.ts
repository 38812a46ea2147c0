/**
 * @module EPS/MAPPS experiment description files (EDF, formats.md §6.2) and the telecommand database they
 * give. The full EDF grammar is not public (formats.md §8.5); idoc reads the keyword subset below, which is
 * what an EPS timeline needs to be checked (modes, their power and data rates, the actions a timeline
 * calls), and refuses any line it does not understand, naming it. Keywords are `Name: value` lines; a value
 * is words, "quoted text" and `[unit]`s; `#` starts a comment; `\` continues a line.
 *
 *   Experiment: MAJIS "Moons And Jupiter Imaging Spectrometer"   starts an experiment (all below belong to it)
 *   Include_file: "majis_actions.edf"                            relative to this file; nested; cycles refused
 *   Module: MAJIS_VISNIR "visible and near-IR channel"           a module of the experiment
 *   Module_state: ON                                             a state of the last module, then its resources:
 *     Nominal_power: 8.5 [Watts]                                 W (or mW, kW)
 *     Nominal_data_rate: 0 [kbits/sec]                           bits/sec, kbits/sec, Mbits/sec (also bps forms)
 *   Mode: SCIENCE "science acquisition"                          a mode of the experiment, then:
 *     Module_states: MAJIS_VISNIR ON MAJIS_IR ON                 the module states it implies (their resources add up)
 *     Nominal_power / Nominal_data_rate                          the mode's own resources (added to the modules')
 *     Mode_transitions: STANDBY SAFE                             modes reachable from it (absent everywhere = any)
 *   Initial_mode: OFF                                            mode at the start of a timeline (default: the first)
 *   Action: MAJIS_ACQ "acquire a cube"                           a command of the experiment, then:
 *     Allowed_modes: SCIENCE CALIBRATION                         modes in which it may run (absent = any)
 *     Duration: 00:10:00                                         nominal duration (hh:mm:ss or seconds)
 *     Power_increase: 3 [Watts]  Data_rate_increase: 500 [kbits/sec]
 *     Parameter: EXPOSURE REAL [ms]                              INTEGER, REAL, STRING or ENUM(A|B|C), optional [unit]
 *
 * A mode-only ITL entry `<time> <EXP> <MODE>` is the command `<EXP>_MODE` with parameter MODE (telecommand/
 * export/itl.ts); {@link edfToTcDatabase} defines that command for each experiment.
 */
import { InputError, type Problem } from '../../src/errors.js';
import { refuseBinary } from '../../src/text-guard.js';
import type { TcCommand, TcParameter } from '../../src/mdb/commands/types.js';

/** A module state or a mode's own resources. */
export interface EdfResources {
  readonly powerW?: number;
  readonly dataRateBps?: number;
}

export interface EdfModule {
  readonly name: string;
  readonly description?: string;
  readonly states: readonly ({ readonly name: string } & EdfResources)[];
}

export interface EdfMode extends EdfResources {
  readonly name: string;
  readonly description?: string;
  /** Module → state. */
  readonly moduleStates: Readonly<Record<string, string>>;
  readonly transitions?: readonly string[];
  /** `file:line` of its `Mode:` line. */
  readonly where: string;
}

export interface EdfParameter {
  readonly name: string;
  readonly type: 'INTEGER' | 'REAL' | 'STRING' | 'ENUM';
  readonly labels?: readonly string[];
  readonly unit?: string;
}

export interface EdfAction extends EdfResources {
  readonly name: string;
  readonly description?: string;
  readonly allowedModes?: readonly string[];
  readonly durationS?: number;
  readonly parameters: readonly EdfParameter[];
  readonly where: string;
}

export interface EdfExperiment {
  readonly name: string;
  readonly description?: string;
  readonly modules: readonly EdfModule[];
  readonly modes: readonly EdfMode[];
  readonly actions: readonly EdfAction[];
  readonly initialMode?: string;
}

export interface Edf {
  readonly experiments: readonly EdfExperiment[];
  /** Every file read, in the order met. */
  readonly files: readonly string[];
}

/** Reads an included file: `name` as written, `from` the including file. */
export type EdfIncludeReader = (name: string, from: string) => { readonly text: string; readonly file: string };

const POWER_UNITS: Record<string, number> = { w: 1, watt: 1, watts: 1, mw: 1e-3, kw: 1e3 };
const RATE_UNITS: Record<string, number> = {
  'bits/sec': 1, 'bits/s': 1, bps: 1, 'bit/s': 1,
  'kbits/sec': 1e3, 'kbits/s': 1e3, kbps: 1e3, 'kbit/s': 1e3,
  'mbits/sec': 1e6, 'mbits/s': 1e6, mbps: 1e6, 'mbit/s': 1e6,
};

type Tok = { text: string; kind: 'word' | 'string' | 'unit' };

function tokens(s: string): Tok[] | string {
  const out: Tok[] = [];
  const re = /\s*(?:"([^"]*)"|\[([^\]]*)\]|([^\s"[\]]+))/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < s.length && (m = re.exec(s))) {
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push({ text: m[1], kind: 'string' });
    else if (m[2] !== undefined) out.push({ text: m[2].trim(), kind: 'unit' });
    else if (m[3] !== undefined) out.push({ text: m[3], kind: 'word' });
  }
  if (s.slice(pos).trim()) return `cannot read "${s.slice(pos).trim()}" (unclosed quote or bracket)`;
  return out;
}

const DURATION = /^(?:(\d+)_)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/;

interface MutableExperiment {
  name: string; description?: string; modules: EdfModule[]; modes: EdfMode[]; actions: EdfAction[]; initialMode?: string;
}

/**
 * Read an EDF (and the files it includes).
 * @throws InputError listing every line that cannot be read, each as `file:line`.
 */
export function parseEdf(text: string, file: string, include?: EdfIncludeReader): Edf {
  const problems: Problem[] = [];
  const experiments: MutableExperiment[] = [];
  const files: string[] = [];
  let exp: MutableExperiment | undefined;
  // What the resource keywords apply to.
  let target: { kind: 'state'; module: { name: string; states: ({ name: string } & { powerW?: number; dataRateBps?: number })[] }; index: number }
    | { kind: 'mode'; index: number } | { kind: 'action'; index: number } | undefined;
  const walk = (src: string, name: string, stack: readonly string[]) => {
    refuseBinary(src, name, 'an EPS experiment description file (EDF)');
    files.push(name);
    const lines = src.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      let line = lines[i]!.replace(/#.*$/, '');
      while (/\\\s*$/.test(line) && i + 1 < lines.length) line = `${line.replace(/\\\s*$/, ' ')}${lines[++i]!.replace(/#.*$/, '')}`;
      const where = `${name}:${lineNo}`;
      const bad = (message: string) => problems.push({ code: 'edf', path: where, message });
      if (!line.trim()) continue;
      const kv = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$/.exec(line);
      if (!kv) { bad(`expected "Keyword: value", found "${line.trim().slice(0, 60)}"`); continue; }
      const key = kv[1]!.toLowerCase();
      const toks = tokens(kv[2]!);
      if (typeof toks === 'string') { bad(toks); continue; }
      const words = toks.filter((t) => t.kind === 'word').map((t) => t.text);
      const desc = toks.find((t) => t.kind === 'string')?.text;
      const quantity = (units: Record<string, number>, what: string): number | undefined => {
        const v = toks[0];
        const u = toks[1];
        const n = v?.kind === 'word' ? Number(v.text) : NaN;
        if (!Number.isFinite(n)) { bad(`${kv[1]}: expected a number, found "${v?.text ?? ''}"`); return undefined; }
        if (u === undefined) { bad(`${kv[1]}: ${v!.text} has no [unit] (${what}: ${Object.keys(units).join(', ')})`); return undefined; }
        const scale = units[u.text.toLowerCase()];
        if (u.kind !== 'unit' || scale === undefined) { bad(`${kv[1]}: unknown unit [${u.text}] (${what}: ${Object.keys(units).join(', ')})`); return undefined; }
        return n * scale;
      };
      const needExp = (): MutableExperiment | undefined => {
        if (!exp) bad(`${kv[1]} before any Experiment:`);
        return exp;
      };
      switch (key) {
        case 'include_file':
        case 'include': {
          const inc = toks[0]?.text;
          if (!inc) { bad('Include_file: no file name'); break; }
          if (!include) { bad(`Include_file "${inc}": includes are not read here`); break; }
          let r: { text: string; file: string };
          try { r = include(inc, name); } catch (e) {
            const err = e as NodeJS.ErrnoException;
            bad(`Include_file "${inc}": ${err.code ?? ''} ${err.message.replace(/^[A-Z]+: /, '')}`.replace(/\s+/g, ' '));
            break;
          }
          if (stack.includes(r.file)) { bad(`Include_file "${inc}" includes ${r.file} again (${[...stack, r.file].join(' → ')}): include cycle refused`); break; }
          walk(r.text, r.file, [...stack, r.file]);
          break;
        }
        case 'experiment': {
          if (!words[0]) { bad('Experiment: no name'); break; }
          exp = experiments.find((e) => e.name === words[0]);
          if (!exp) {
            exp = { name: words[0], ...(desc !== undefined ? { description: desc } : {}), modules: [], modes: [], actions: [] };
            experiments.push(exp);
          }
          target = undefined;
          break;
        }
        case 'module': {
          const e = needExp();
          if (!e || !words[0]) { if (e) bad('Module: no name'); break; }
          e.modules.push({ name: words[0], ...(desc !== undefined ? { description: desc } : {}), states: [] });
          target = undefined;
          break;
        }
        case 'module_state': {
          const e = needExp();
          const m = e?.modules.at(-1) as { name: string; states: ({ name: string } & EdfResources)[] } | undefined;
          if (!e) break;
          if (!m) { bad('Module_state: before any Module:'); break; }
          if (!words[0]) { bad('Module_state: no name'); break; }
          m.states.push({ name: words[0] });
          target = { kind: 'state', module: m, index: m.states.length - 1 };
          break;
        }
        case 'mode': {
          const e = needExp();
          if (!e || !words[0]) { if (e) bad('Mode: no name'); break; }
          if (e.modes.some((m) => m.name === words[0])) { bad(`Mode ${words[0]} defined twice in ${e.name}`); break; }
          e.modes.push({ name: words[0], ...(desc !== undefined ? { description: desc } : {}), moduleStates: {}, where });
          target = { kind: 'mode', index: e.modes.length - 1 };
          break;
        }
        case 'action': {
          const e = needExp();
          if (!e || !words[0]) { if (e) bad('Action: no name'); break; }
          e.actions.push({ name: words[0], ...(desc !== undefined ? { description: desc } : {}), parameters: [], where });
          target = { kind: 'action', index: e.actions.length - 1 };
          break;
        }
        case 'initial_mode': {
          const e = needExp();
          if (e && words[0]) e.initialMode = words[0];
          break;
        }
        case 'nominal_power':
        case 'power_increase':
        case 'nominal_data_rate':
        case 'data_rate_increase': {
          const isPower = key.includes('power');
          const v = quantity(isPower ? POWER_UNITS : RATE_UNITS, isPower ? 'power' : 'data rate');
          if (v === undefined) break;
          const field = isPower ? 'powerW' : 'dataRateBps';
          const increase = key.endsWith('increase');
          if (!target || !exp) { bad(`${kv[1]} outside a Module_state, Mode or Action`); break; }
          if (increase !== (target.kind === 'action')) { bad(`${kv[1]} belongs to ${increase ? 'an Action' : 'a Module_state or Mode'}`); break; }
          if (target.kind === 'state') target.module.states[target.index] = { ...target.module.states[target.index]!, [field]: v };
          else if (target.kind === 'mode') exp.modes[target.index] = { ...exp.modes[target.index]!, [field]: v };
          else exp.actions[target.index] = { ...exp.actions[target.index]!, [field]: v };
          break;
        }
        case 'module_states': {
          if (target?.kind !== 'mode' || !exp) { bad('Module_states: outside a Mode'); break; }
          if (words.length % 2) { bad('Module_states: expected pairs <MODULE> <STATE>'); break; }
          const ms: Record<string, string> = {};
          for (let k = 0; k < words.length; k += 2) ms[words[k]!] = words[k + 1]!;
          exp.modes[target.index] = { ...exp.modes[target.index]!, moduleStates: ms };
          break;
        }
        case 'mode_transitions': {
          if (target?.kind !== 'mode' || !exp) { bad('Mode_transitions: outside a Mode'); break; }
          exp.modes[target.index] = { ...exp.modes[target.index]!, transitions: words };
          break;
        }
        case 'allowed_modes': {
          if (target?.kind !== 'action' || !exp) { bad('Allowed_modes: outside an Action'); break; }
          exp.actions[target.index] = { ...exp.actions[target.index]!, allowedModes: words };
          break;
        }
        case 'duration': {
          if (target?.kind !== 'action' || !exp) { bad('Duration: outside an Action'); break; }
          const d = DURATION.exec(words[0] ?? '');
          const s = d ? (Number(d[1] ?? 0) * 24 + Number(d[2])) * 3600 + Number(d[3]) * 60 + Number(d[4]) : Number(words[0]);
          if (!(s >= 0)) { bad(`Duration: "${words[0] ?? ''}" is neither hh:mm:ss nor seconds`); break; }
          exp.actions[target.index] = { ...exp.actions[target.index]!, durationS: s };
          break;
        }
        case 'parameter': {
          if (target?.kind !== 'action' || !exp) { bad('Parameter: outside an Action'); break; }
          const [pname, ptype] = words;
          const en = /^ENUM\(([^)]*)\)$/i.exec(ptype ?? '');
          const type = en ? 'ENUM' : ptype?.toUpperCase();
          if (!pname || !(type === 'INTEGER' || type === 'REAL' || type === 'STRING' || type === 'ENUM')) {
            bad('Parameter: expected <NAME> INTEGER|REAL|STRING|ENUM(A|B…) [unit]');
            break;
          }
          const unit = toks.find((t) => t.kind === 'unit')?.text;
          const a = exp.actions[target.index]!;
          exp.actions[target.index] = {
            ...a,
            parameters: [...a.parameters, { name: pname, type, ...(en ? { labels: en[1]!.split('|').map((x) => x.trim()).filter(Boolean) } : {}), ...(unit !== undefined ? { unit } : {}) }],
          };
          break;
        }
        default:
          bad(`unknown keyword ${kv[1]}: (Experiment, Include_file, Module, Module_state, Mode, Module_states, Mode_transitions, Initial_mode, Action, Allowed_modes, Duration, Parameter, Nominal_power, Nominal_data_rate, Power_increase, Data_rate_increase)`);
      }
    }
  };
  walk(text, file, [file]);
  // Cross-references: module states of modes, transitions, allowed modes, initial mode.
  for (const e of experiments) {
    const modes = new Set(e.modes.map((m) => m.name));
    for (const m of e.modes) {
      for (const [mod, st] of Object.entries(m.moduleStates)) {
        const def = e.modules.find((x) => x.name === mod);
        if (!def) problems.push({ code: 'edf', path: m.where, message: `mode ${m.name}: unknown module ${mod} of ${e.name}` });
        else if (!def.states.some((s) => s.name === st)) problems.push({ code: 'edf', path: m.where, message: `mode ${m.name}: module ${mod} has no state ${st}` });
      }
      for (const to of m.transitions ?? []) if (!modes.has(to)) problems.push({ code: 'edf', path: m.where, message: `mode ${m.name}: transition to unknown mode ${to}` });
    }
    for (const a of e.actions) for (const m of a.allowedModes ?? []) if (!modes.has(m)) problems.push({ code: 'edf', path: a.where, message: `action ${a.name}: allowed mode ${m} is not a mode of ${e.name}` });
    if (e.initialMode !== undefined && !modes.has(e.initialMode)) problems.push({ code: 'edf', path: file, message: `${e.name}: Initial_mode ${e.initialMode} is not one of its modes` });
  }
  if (!problems.length && experiments.length === 0) problems.push({ code: 'edf', path: file, message: 'no Experiment: found' });
  if (problems.length) throw new InputError(`${problems[0]!.path}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
  return { experiments, files };
}

/** Power (W) and data rate (bit/s) of a mode: its own plus those of the module states it implies. */
export function modeResources(e: EdfExperiment, m: EdfMode): { powerW: number; dataRateBps: number } {
  let powerW = m.powerW ?? 0;
  let dataRateBps = m.dataRateBps ?? 0;
  for (const [mod, st] of Object.entries(m.moduleStates)) {
    const s = e.modules.find((x) => x.name === mod)?.states.find((x) => x.name === st);
    powerW += s?.powerW ?? 0;
    dataRateBps += s?.dataRateBps ?? 0;
  }
  return { powerW, dataRateBps };
}

/** Options of the database and rules built from an EDF. */
export interface EdfDatabaseOptions {
  /** APID of each experiment's commands (EDFs carry none; PUS export needs the real one). Default 0. */
  readonly apid?: number;
  /** PUS service/subtype written for every command. Default 8/1 (function management). */
  readonly service?: number;
  readonly subtype?: number;
}

/** The mode command of an experiment (what a mode-only ITL entry becomes). */
export const edfModeCommand = (experiment: string): string => `${experiment}_MODE`;

/**
 * The telecommand database of an EDF: every mode of every experiment in `modes`; per experiment the command
 * `<EXP>_MODE` (enumerated parameter MODE, labels = its modes, `effects` none: the rules carry the mode
 * resources) and one command per action (`executionDurationS`, `effects` power and data-rate increases,
 * parameters). The actions' allowed modes go to each experiment's mode rule ({@link edfRules}), not to
 * `allowedModes`: with several experiments, each mode machine judges only its own actions.
 */
export function edfToTcDatabase(edf: Edf, options: EdfDatabaseOptions = {}): { formatVersion: 1; mission: string; description: string; modes: string[]; commands: TcCommand[] } {
  const apid = options.apid ?? 0;
  const service = options.service ?? 8;
  const subtype = options.subtype ?? 1;
  const modes: string[] = [];
  const commands: TcCommand[] = [];
  for (const e of edf.experiments) {
    for (const m of e.modes) if (!modes.includes(m.name)) modes.push(m.name);
    if (e.modes.length) {
      commands.push({
        name: edfModeCommand(e.name), description: `Mode switch of ${e.name} (a mode-only ITL entry).`, apid, service, subtype,
        parameters: [{ name: 'MODE', type: 'enumerated', bits: 8, enumeration: e.modes.map((m, i) => ({ value: i, label: m.name })) }],
      });
    }
    for (const a of e.actions) {
      const parameters: TcParameter[] = a.parameters.map((p) => {
        const unit = p.unit !== undefined ? { unit: p.unit } : {};
        switch (p.type) {
          case 'INTEGER': return { name: p.name, type: 'signed', bits: 32, ...unit };
          case 'REAL': return { name: p.name, type: 'float', bits: 64, ...unit };
          case 'STRING': return { name: p.name, type: 'string', length: 32, ...unit };
          default: return { name: p.name, type: 'enumerated', bits: 8, enumeration: (p.labels ?? []).map((label, value) => ({ value, label })), ...unit };
        }
      });
      const effects = { ...(a.powerW !== undefined ? { powerW: a.powerW } : {}), ...(a.dataRateBps !== undefined ? { dataRateBps: a.dataRateBps } : {}) };
      commands.push({
        name: a.name, ...(a.description !== undefined ? { description: a.description } : {}), apid, service, subtype,
        ...(a.durationS !== undefined ? { executionDurationS: a.durationS } : {}),
        ...(Object.keys(effects).length ? { effects } : {}),
        parameters,
      });
    }
  }
  return {
    formatVersion: 1,
    mission: edf.experiments.map((e) => e.name).join(', '),
    description: `Built by idoc plan import-edf from ${edf.files.join(', ')}.`,
    modes, commands,
  };
}

/** Options of the rules built from an EDF. */
export interface EdfRulesOptions {
  /** Power allocation of all experiments together, W; absent = no power rule. */
  readonly powerLimitW?: number;
  /** On-board memory, bits, and downlink rate, bit/s; both needed for a data-volume rule. */
  readonly memoryBits?: number;
  readonly downlinkRateBps?: number;
}

/**
 * The rules an EDF implies: syntax; timing (mode switches may share an instant, as EPS timelines write
 * them); per experiment a mode rule (initial mode, the EDF's transitions, MODE of `<EXP>_MODE` as the mode,
 * the actions' allowed modes); power and data volume stepped by the modes' resources and the actions'
 * increases, when a limit is given.
 */
export function edfRules(edf: Edf, options: EdfRulesOptions = {}): { formatVersion: 1; description: string; rules: object[] } {
  const withModes = edf.experiments.filter((e) => e.modes.length);
  const rules: object[] = [
    { id: 'SYNTAX', kind: 'syntax' },
    { id: 'TIMING', kind: 'timing', options: { sameInstant: withModes.map((e) => edfModeCommand(e.name)) } },
  ];
  for (const e of withModes) {
    const hasTransitions = e.modes.some((m) => m.transitions);
    const allowed: Record<string, string[]> = {};
    for (const a of e.actions) if (a.allowedModes) allowed[a.name] = [...a.allowedModes];
    rules.push({
      id: `${e.name}-MODES`, kind: 'mode', description: `Modes of ${e.name} from its EDF.`,
      options: {
        initialMode: e.initialMode ?? e.modes[0]!.name,
        modeParameters: [{ command: edfModeCommand(e.name), parameter: 'MODE' }],
        ...(hasTransitions ? { transitions: e.modes.map((m) => ({ from: m.name, to: [...(m.transitions ?? [])] })) } : {}),
        ...(Object.keys(allowed).length ? { allowed } : {}),
      },
    });
  }
  // An action's increase lasts its Duration (none given: an instant).
  const durations = (field: 'powerW' | 'dataRateBps') => Object.fromEntries(withModes.flatMap((e) => e.actions)
    .concat(edf.experiments.filter((e) => !e.modes.length).flatMap((e) => e.actions))
    .filter((a) => a[field] !== undefined).map((a) => [a.name, a.durationS ?? 0]));
  const machines = (field: 'powerW' | 'dataRateBps') => withModes.map((e) => ({
    command: edfModeCommand(e.name), parameter: 'MODE', initialMode: e.initialMode ?? e.modes[0]!.name,
    levels: Object.fromEntries(e.modes.map((m) => [m.name, modeResources(e, m)[field]])),
  }));
  if (options.powerLimitW !== undefined) {
    rules.push({ id: 'POWER', kind: 'power', description: 'Power of the modes and actions of the EDF.', options: { limitW: options.powerLimitW, commandDurationS: durations('powerW'), modes: machines('powerW') } });
  }
  if (options.memoryBits !== undefined && options.downlinkRateBps !== undefined) {
    rules.push({
      id: 'MEMORY', kind: 'data-volume', description: 'Data rates of the modes and actions of the EDF.',
      options: { memoryBits: options.memoryBits, downlinkRateBps: options.downlinkRateBps, commandDurationS: durations('dataRateBps'), modes: machines('dataRateBps') },
    });
  }
  return { formatVersion: 1, description: `Rules built by idoc plan import-edf from ${edf.files.join(', ')}.`, rules };
}
