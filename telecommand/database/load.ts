/**
 * @module Reading a JSON telecommand database: JSON syntax, then the schema (`schemas/tcdb.schema.json`, ajv),
 * then the rules a schema cannot say (unique names, known modes, enumerations, defaults that encode,
 * invertible calibration tables, sequence steps naming known commands, parameters and formal parameters).
 * Every problem is one line: `file#/json/pointer: message`.
 */
import { readFileSync } from 'node:fs';
import { InputError, type Problem } from '../../src/errors.js';
import { ajvProblemsAt } from '../../src/ajv-problems.js';
import { pointerToken } from '../../src/config/schema-problems.js';
import { tcdbValidator } from './_schema.js';
import { tableInvertible } from '../../src/mdb/commands/calibration.js';
import { toRaw } from '../../src/mdb/commands/parameter-values.js';
import type { TcCommand, TcDatabase, TcParameter, TcSequence } from '../../src/mdb/commands/types.js';

/**
 * Read and check the database at `file`.
 * @throws InputError listing every problem (file unreadable: the fs error, mapped to exit 2 by the CLI).
 */
export function loadTcDatabase(file: string): TcDatabase {
  return parseTcDatabase(readFileSync(file, 'utf8'), file);
}

/**
 * Parse and check database text; `fileName` only names the source in problems.
 * @throws InputError with one problem per defect.
 */
export function parseTcDatabase(text: string, fileName: string): TcDatabase {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? lineColumn(text, Number(pos[1])) : '';
    const problem: Problem = { code: 'json-syntax', path: `${fileName}${where}`, message: msg.replace(/ in JSON at position \d+.*$/, '') };
    throw new InputError(`${problem.path}: invalid JSON: ${problem.message}`, [problem]);
  }
  const problems = schemaProblems(data, fileName);
  if (problems.length === 0) problems.push(...semanticProblems(data as TcDatabase, fileName));
  if (problems.length) {
    throw new InputError(`${fileName}: not a valid telecommand database (${problems.length} problem${problems.length > 1 ? 's' : ''})`, problems);
  }
  return data as TcDatabase;
}

/** Check an in-memory database (e.g. one built by the MIB import); returns the problems, empty when valid. */
export function checkTcDatabase(db: unknown, fileName = '<database>'): Problem[] {
  const problems = schemaProblems(db, fileName);
  return problems.length ? problems : semanticProblems(db as TcDatabase, fileName);
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `:${line}:${offset - before.lastIndexOf('\n')}`;
}

function schemaProblems(data: unknown, fileName: string): Problem[] {
  const validate = tcdbValidator();
  return validate(data) ? [] : ajvProblemsAt(validate.errors, fileName);
}

function semanticProblems(db: TcDatabase, fileName: string): Problem[] {
  const problems: Problem[] = [];
  const at = (pointer: string, code: string, message: string) => problems.push({ code, path: `${fileName}#${pointer}`, message });
  const modes = db.modes ? new Set(db.modes) : undefined;
  const commands = new Map<string, TcCommand>();
  db.commands.forEach((c, i) => {
    const base = `/commands/${i}`;
    if (commands.has(c.name)) at(`${base}/name`, 'duplicate-name', `command ${c.name} is defined twice`);
    commands.set(c.name, c);
    if (modes) {
      c.allowedModes?.forEach((m, j) => { if (!modes.has(m)) at(`${base}/allowedModes/${j}`, 'unknown-mode', `mode ${m} is not in /modes`); });
      if (c.effects?.setsMode !== undefined && !modes.has(c.effects.setsMode)) at(`${base}/effects/setsMode`, 'unknown-mode', `mode ${c.effects.setsMode} is not in /modes`);
    }
    const names = new Set<string>();
    c.parameters.forEach((p, j) => {
      const pb = `${base}/parameters/${j}`;
      if (names.has(p.name)) at(`${pb}/name`, 'duplicate-name', `parameter ${p.name} appears twice in ${c.name}`);
      names.add(p.name);
      parameterProblems(p, pb, at);
    });
  });
  const sequences = new Set<string>();
  db.sequences?.forEach((s, i) => {
    const base = `/sequences/${i}`;
    if (sequences.has(s.name) || commands.has(s.name)) at(`${base}/name`, 'duplicate-name', `name ${s.name} is already used`);
    sequences.add(s.name);
    sequenceProblems(s, base, commands, at);
  });
  return problems;
}

type At = (pointer: string, code: string, message: string) => void;

function parameterProblems(p: TcParameter, pb: string, at: At): void {
  const numeric = p.type === 'unsigned' || p.type === 'signed' || p.type === 'float';
  if (p.type === 'signed' && p.bits === 1) at(`${pb}/bits`, 'bits', 'a signed integer needs at least 2 bits');
  if (p.type === 'boolean' && p.bits !== undefined && p.bits > 8) at(`${pb}/bits`, 'bits', 'a boolean has 1 to 8 bits');
  if (p.enumeration && p.type !== 'enumerated') at(`${pb}/enumeration`, 'type', 'only enumerated parameters have an enumeration');
  if (p.calibration && !numeric) at(`${pb}/calibration`, 'type', `a ${p.type} parameter cannot be calibrated`);
  if (p.range && !numeric) at(`${pb}/range`, 'type', `a ${p.type} parameter has no numeric range`);
  if (p.range?.min !== undefined && p.range.max !== undefined && p.range.min > p.range.max) at(`${pb}/range`, 'range', 'min is above max');
  if (p.calibration?.kind === 'table' && !tableInvertible(p.calibration.points)) {
    at(`${pb}/calibration/points`, 'calibration', 'raw and engineering values must both be strictly monotonic');
  }
  if (p.type === 'enumerated' && p.enumeration) {
    const values = new Set<number>();
    const labels = new Set<string>();
    const max = 2 ** (p.bits ?? 0) - 1;
    p.enumeration.forEach((e, k) => {
      if (values.has(e.value)) at(`${pb}/enumeration/${k}/value`, 'duplicate-value', `value ${e.value} appears twice`);
      if (labels.has(e.label)) at(`${pb}/enumeration/${k}/label`, 'duplicate-label', `label ${e.label} appears twice`);
      if (e.value > max) at(`${pb}/enumeration/${k}/value`, 'overflow', `value ${e.value} does not fit ${p.bits} bits`);
      values.add(e.value);
      labels.add(e.label);
    });
  }
  if (p.default !== undefined) {
    const c = toRaw(p, p.default);
    if (!c.ok) at(`${pb}/default`, 'default', `default ${JSON.stringify(p.default)}: ${c.message}`);
  }
}

function sequenceProblems(s: TcSequence, base: string, commands: ReadonlyMap<string, TcCommand>, at: At): void {
  const formals = new Set<string>();
  s.parameters?.forEach((f, j) => {
    if (formals.has(f.name)) at(`${base}/parameters/${j}/name`, 'duplicate-name', `formal parameter ${f.name} appears twice`);
    formals.add(f.name);
  });
  s.steps.forEach((step, j) => {
    const sb = `${base}/steps/${j}`;
    const cmd = commands.get(step.command);
    if (!cmd) {
      at(`${sb}/command`, 'unknown-command', `no command ${step.command} in this database`);
      return;
    }
    for (const [name, arg] of Object.entries(step.arguments ?? {})) {
      const ab = `${sb}/arguments/${pointerToken(name)}`;
      const p = cmd.parameters.find((q) => q.name === name);
      if (!p) at(ab, 'unknown-parameter', `command ${cmd.name} has no parameter ${name}`);
      else if (p.fixed) at(ab, 'fixed', `${name} is fixed in ${cmd.name}`);
      if (typeof arg === 'object' && arg !== null) {
        if (!formals.has(arg.formal)) at(`${ab}/formal`, 'unknown-formal', `sequence ${s.name} has no formal parameter ${arg.formal}`);
      } else if (p && !p.fixed) {
        const c = toRaw(p, arg);
        if (!c.ok) at(ab, c.code, `${name}: ${c.message}`);
      }
    }
  });
}

/** RFC 6901 escaping of one pointer token. */
