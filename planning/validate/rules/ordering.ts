/**
 * @module Rule kind `ordering`: required and forbidden orderings between commands, taken in release-time
 * order (formats.md §6.6 "mode/state model"; e.g. high voltage on only after the door was opened).
 * A state is "set" by a command matching `after` and cleared by one matching `reset`.
 *   required:  every command matching `command` needs the state set (and, with `withinS`, set at most that
 *              long before), e.g. HV_ON requires DOOR_OPEN, reset by DOOR_CLOSE;
 *   forbidden: no command matching `command` while the state is set, e.g. DOOR_CLOSE forbidden after HV_ON
 *              until HV_OFF.
 */
import { isoUtc } from '../../ephemeris/epoch.js';
import { MATCH_SCHEMA, matchText, matches, type CommandMatch } from '../_match.js';
import { defineRule } from '../rule.js';

export interface OrderingOptions {
  readonly type: 'required' | 'forbidden';
  readonly command: CommandMatch;
  readonly after: CommandMatch;
  readonly reset?: CommandMatch;
  /** required only: the `after` command must come at most this long before, s. */
  readonly withinS?: number;
}

export default defineRule<OrderingOptions>({
  kind: 'ordering',
  description: 'Required and forbidden orderings between commands (A only after B; no A while B is in force).',
  messages: {
    missing: '{{command}} without a preceding {{after}}{{reset}}',
    tooLate: '{{command}} comes {{gap}} s after {{after}} (command {{prev}}); at most {{within}} s allowed',
    forbidden: '{{command}} is forbidden after {{after}} (command {{prev}} at {{prevTime}}){{reset}}',
  },
  optionsSchema: {
    type: 'object', additionalProperties: false, required: ['type', 'command', 'after'],
    properties: {
      type: { enum: ['required', 'forbidden'], description: 'required: command needs after first; forbidden: command may not follow after.' },
      command: { ...MATCH_SCHEMA, description: 'The command the rule is about.' },
      after: { ...MATCH_SCHEMA, description: 'The command that sets the state.' },
      reset: { ...MATCH_SCHEMA, description: 'The command that clears the state.' },
      withinS: { type: 'number', exclusiveMinimum: 0, description: 'required only: the after command must be at most this long before, s.' },
    },
  },
  check(ctx, o) {
    let set: { index: number; t: number } | undefined;
    for (const i of ctx.timeOrder) {
      const c = ctx.commands[i]!;
      if (matches(o.command, c)) {
        if (o.type === 'required') {
          if (!set) ctx.report({ messageId: 'missing', index: c.index, data: { command: c.command, after: matchText(o.after), reset: o.reset ? ` since the last ${matchText(o.reset)}` : '' } });
          else if (o.withinS !== undefined && c.t - set.t > o.withinS * 1000) {
            ctx.report({ messageId: 'tooLate', index: c.index, data: { command: c.command, after: matchText(o.after), prev: set.index, gap: (c.t - set.t) / 1000, within: o.withinS } });
          }
        } else if (set) {
          ctx.report({ messageId: 'forbidden', index: c.index, data: { command: c.command, after: matchText(o.after), prev: set.index, prevTime: isoUtc(set.t), reset: o.reset ? ` until ${matchText(o.reset)}` : '' } });
        }
      }
      // A command may both be checked and change the state (checked first).
      if (o.reset && matches(o.reset, c)) set = undefined;
      if (matches(o.after, c)) set = { index: c.index, t: c.t };
    }
  },
});
