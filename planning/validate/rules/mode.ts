/**
 * @module Rule kind `mode`: the instrument's mode machine (formats.md §6.6 "mode/state model"). Starting
 * from the initial mode, commands are taken in release-time order; each must be allowed in the current mode
 * (the database's `allowedModes`, or this rule's `allowed` table), and a command that changes the mode (its
 * `effects.setsMode`, or the label of a `modeParameters` parameter) must make an allowed transition.
 */
import { isoUtc } from '../../ephemeris/epoch.js';
import { defineRule, type ResolvedCommand, type RuleContext } from '../rule.js';

export interface ModeOptions {
  /** Mode at the plan start. Default: the plan's `initialMode`, else the database's first mode. */
  readonly initialMode?: string;
  /** Allowed transitions; absent = any. */
  readonly transitions?: readonly { readonly from: string; readonly to: string | readonly string[] }[];
  /** Commands whose parameter value (an enumeration label) is the new mode, e.g. MODE_SET.MODE. */
  readonly modeParameters?: readonly { readonly command: string; readonly parameter: string }[];
  /** Commands allowed per mode, overriding the database's `allowedModes` for the commands listed. */
  readonly allowed?: Readonly<Record<string, readonly string[]>>;
}

/** The mode at the plan start: the rule's, else the plan's, else the database's first. */
export const initialModeOf = (ctx: Pick<RuleContext, 'plan' | 'db'>, o: ModeOptions): string => o.initialMode ?? ctx.plan.initialMode ?? ctx.db.modes?.[0] ?? 'UNKNOWN';

/** The mode a command sets: the label of its mode parameter (`modeParameters`), else its database `effects.setsMode`. */
export function modeSetBy(c: ResolvedCommand, o: ModeOptions): string | undefined {
  const mp = o.modeParameters?.find((m) => m.command === c.command);
  const to = mp ? c.values[mp.parameter] : c.def?.effects?.setsMode;
  return to === undefined ? undefined : String(to);
}

export default defineRule<ModeOptions>({
  kind: 'mode',
  description: 'Commands allowed in the current mode; mode changes follow the allowed transitions.',
  messages: {
    notAllowed: '{{command}} is not allowed in mode {{mode}} (allowed in {{allowed}})',
    badTransition: '{{command}} switches {{from}} → {{to}}, not an allowed transition (from {{from}}: {{targets}})',
    unknownMode: '{{command}} sets mode {{to}}, which the database does not know',
  },
  optionsSchema: {
    type: 'object', additionalProperties: false,
    properties: {
      initialMode: { type: 'string', description: "Mode at the plan start. Default: the plan's initialMode, else the database's first mode." },
      transitions: {
        type: 'array', description: 'Allowed transitions; absent = any.',
        items: {
          type: 'object', additionalProperties: false, required: ['from', 'to'],
          properties: {
            from: { type: 'string', description: 'Mode before.' },
            to: { description: 'Mode (or modes) after.', anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          },
        },
      },
      modeParameters: {
        type: 'array', description: 'Commands whose parameter label is the new mode.',
        items: {
          type: 'object', additionalProperties: false, required: ['command', 'parameter'],
          properties: { command: { type: 'string', description: 'Command name.' }, parameter: { type: 'string', description: 'Parameter holding the mode label.' } },
        },
      },
      allowed: {
        type: 'object', description: 'Modes in which each listed command is allowed (overrides the database).',
        additionalProperties: { type: 'array', items: { type: 'string' } },
      },
    },
  },
  check(ctx, o) {
    const known = ctx.db.modes ? new Set(ctx.db.modes) : undefined;
    let mode = initialModeOf(ctx, o);
    const targets = new Map<string, Set<string>>();
    for (const t of o.transitions ?? []) {
      const set = targets.get(t.from) ?? new Set<string>();
      for (const to of typeof t.to === 'string' ? [t.to] : t.to) set.add(to);
      targets.set(t.from, set);
    }
    for (const i of ctx.timeOrder) {
      const c = ctx.commands[i]!;
      if (!c.def) continue;
      const allowed = o.allowed?.[c.command] ?? c.def.allowedModes;
      if (allowed && !allowed.includes(mode)) {
        ctx.report({ messageId: 'notAllowed', index: c.index, data: { command: c.command, mode, allowed: allowed.join(', ') } });
      }
      const next = modeSetBy(c, o);
      if (next === undefined) continue;
      if (known && !known.has(next)) {
        ctx.report({ messageId: 'unknownMode', index: c.index, data: { command: c.command, to: next } });
      } else if (o.transitions && next !== mode && !targets.get(mode)?.has(next)) {
        ctx.report({ messageId: 'badTransition', index: c.index, data: { command: c.command, from: mode, to: next, targets: [...(targets.get(mode) ?? [])].join(', ') || 'none', time: isoUtc(c.t) } });
      }
      mode = next;
    }
  },
});
