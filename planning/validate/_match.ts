/**
 * @module Command patterns used by the state rules (internal): a command name (or several) and, optionally,
 * parameter values (equal, case-insensitive for labels) or numeric ranges of engineering values.
 */
import type { JsonValue } from '../../src/mdb/commands/types.js';
import type { ResolvedCommand } from './rule.js';

/** A command pattern, as written in a rules file. */
export interface CommandMatch {
  readonly command: string | readonly string[];
  readonly parameters?: Readonly<Record<string, JsonValue | { readonly min?: number; readonly max?: number }>>;
}

/** JSON Schema of a {@link CommandMatch}. */
export const MATCH_SCHEMA = {
  type: 'object',
  description: 'A command pattern: the command name (or a list of names) and optionally parameter values or numeric ranges.',
  additionalProperties: false,
  required: ['command'],
  properties: {
    command: {
      description: 'Command name, or a list of names.',
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }],
    },
    parameters: {
      type: 'object',
      description: 'Required parameter values (engineering value, label or boolean) or {min, max} ranges.',
      additionalProperties: {
        anyOf: [
          { type: ['number', 'string', 'boolean'] },
          { type: 'object', additionalProperties: false, properties: { min: { type: 'number' }, max: { type: 'number' } } },
        ],
      },
    },
  },
} as const;

const eq = (a: JsonValue | undefined, b: JsonValue): boolean =>
  a !== undefined && (a === b || (typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()) || (typeof b === 'number' && Number(a) === b));

/** Whether `c` matches `m`. */
export function matches(m: CommandMatch, c: ResolvedCommand): boolean {
  const names = typeof m.command === 'string' ? [m.command] : m.command;
  if (!names.includes(c.command)) return false;
  for (const [k, want] of Object.entries(m.parameters ?? {})) {
    const v = c.values[k];
    if (typeof want === 'object') {
      const n = Number(v);
      if (v === undefined || Number.isNaN(n) || (want.min !== undefined && n < want.min) || (want.max !== undefined && n > want.max)) return false;
    } else if (!eq(v, want)) return false;
  }
  return true;
}

/** A pattern as text for messages: `HV_SET(VOLTAGE 1..1500)`. */
export function matchText(m: CommandMatch): string {
  const names = typeof m.command === 'string' ? m.command : m.command.join('|');
  const ps = Object.entries(m.parameters ?? {}).map(([k, v]) =>
    typeof v === 'object' ? `${k} ${v.min ?? '-∞'}..${v.max ?? '+∞'}` : `${k}=${String(v)}`);
  return ps.length ? `${names}(${ps.join(', ')})` : names;
}
