/**
 * @module Rule kind `syntax`: every command is known to the telecommand database and its parameters are
 * complete, of the right type, inside their ranges and enumerations (formats.md §6.6 "syntax & structure",
 * "parameter ranges"; the checks are telecommand's `resolveValues`, the same the encoder runs).
 */
import { resolveValues } from '../../../src/mdb/commands/parameter-values.js';
import { defineRule } from '../rule.js';

export interface SyntaxOptions {
  /** Report commands of criticality `hazardous` (they need a manual confirmation). Default false. */
  readonly flagHazardous?: boolean;
}

export default defineRule<SyntaxOptions>({
  kind: 'syntax',
  description: 'Commands exist in the database; parameters complete, typed, in range and in their enumerations.',
  messages: {
    unknownCommand: '{{command}} is not a command of the telecommand database',
    parameter: '{{command}}: {{problem}}',
    hazardous: '{{command}} is hazardous: it needs a manual confirmation before uplink',
  },
  optionsSchema: {
    type: 'object', additionalProperties: false,
    properties: { flagHazardous: { type: 'boolean', description: 'Report hazardous commands too. Default false.' } },
  },
  check(ctx, options) {
    // Plans repeat the same command with the same values: check each combination once.
    const seen = new Map<string, ReturnType<typeof resolveValues>>();
    for (const c of ctx.commands) {
      if (!c.def) {
        ctx.report({ messageId: 'unknownCommand', index: c.index, data: { command: c.command } });
        continue;
      }
      const key = `${c.command}\u0000${JSON.stringify(c.parameters)}`;
      let r = seen.get(key);
      if (!r) seen.set(key, (r = resolveValues(c.def, c.parameters)));
      if (!r.ok) for (const p of r.problems) ctx.report({ messageId: 'parameter', index: c.index, data: { command: c.command, problem: p.code === 'unknown-parameter' || p.code === 'missing' ? p.message : `${p.message}` } });
      if (options.flagHazardous && c.def.criticality === 'hazardous') ctx.report({ messageId: 'hazardous', index: c.index, data: { command: c.command } });
    }
  },
});
