/**
 * @module Sequence (macro) expansion: a sequence's steps become timed commands, its formal parameters bound
 * into the steps' command parameters (SCOS-2000 CSP formal parameters → SDF element values, in spirit), and
 * every resulting command value checked as the encoder would check it.
 */
import type { Problem } from '../../errors.js';
import { findSequence } from './lookup.js';
import { resolveValues, type RawValue, type UserValue } from './parameter-values.js';
import type { TcCommand, TcDatabase, TcResult } from './types.js';

/** One command of an expanded sequence. */
export interface TimedCommand {
  /** Index of the step in the sequence. */
  readonly step: number;
  /** Release time, Unix milliseconds (UTC axis): sequence start + step offset. */
  readonly releaseUnixMs: number;
  readonly command: TcCommand;
  /** The values the step gives (literals and bound formal parameters); defaults fill the rest. */
  readonly values: Readonly<Record<string, UserValue>>;
  /** Raw values of every command parameter in packing order, ready for the encoder. */
  readonly raw: readonly RawValue[];
}

/**
 * Expand sequence `name` started at `startUnixMs` with formal parameter values `args`.
 * Problems (unknown sequence or formal parameter, missing value, range/enum/type violations of the bound
 * values) come back as a result, each naming `SEQUENCE[step].COMMAND.PARAMETER` or the formal parameter.
 */
export function expandSequence(
  db: TcDatabase, name: string, args: Readonly<Record<string, UserValue>>, startUnixMs: number,
): TcResult<TimedCommand[]> {
  const seq = findSequence(db, name);
  if (!seq) return { ok: false, problems: [{ code: 'unknown-sequence', path: name, message: `no sequence ${name} in the database` }] };
  const problems: Problem[] = [];
  const formals = new Map<string, UserValue>();
  const declared = new Set((seq.parameters ?? []).map((f) => f.name));
  for (const key of Object.keys(args)) {
    if (!declared.has(key)) problems.push({ code: 'unknown-formal', path: `${seq.name}.${key}`, message: `sequence ${seq.name} has no formal parameter ${key}` });
  }
  for (const f of seq.parameters ?? []) {
    const v = Object.prototype.hasOwnProperty.call(args, f.name) ? args[f.name] : f.default;
    if (v === undefined) problems.push({ code: 'missing', path: `${seq.name}.${f.name}`, message: `no value for formal parameter ${f.name} and no default` });
    else formals.set(f.name, v);
  }
  if (problems.length) return { ok: false, problems };

  const out: TimedCommand[] = [];
  seq.steps.forEach((step, i) => {
    const cmd = db.commands.find((c) => c.name === step.command);
    const where = `${seq.name}[${i}]`;
    if (!cmd) {
      problems.push({ code: 'unknown-command', path: where, message: `no command ${step.command} in the database` });
      return;
    }
    const values: Record<string, UserValue> = {};
    for (const [param, arg] of Object.entries(step.arguments ?? {})) {
      if (typeof arg === 'object') {
        const v = formals.get(arg.formal);
        if (v === undefined) {
          problems.push({ code: 'unknown-formal', path: `${where}.${cmd.name}.${param}`, message: `no formal parameter ${arg.formal}` });
          continue;
        }
        values[param] = v;
      } else {
        values[param] = arg;
      }
    }
    const r = resolveValues(cmd, values);
    if (!r.ok) {
      for (const p of r.problems) problems.push({ ...p, path: `${where}.${p.path}` });
      return;
    }
    out.push({ step: i, releaseUnixMs: startUnixMs + Math.round(step.offsetS * 1000), command: cmd, values, raw: r.raw });
  });
  if (problems.length) return { ok: false, problems };
  out.sort((a, b) => a.releaseUnixMs - b.releaseUnixMs || a.step - b.step);
  return { ok: true, value: out };
}
