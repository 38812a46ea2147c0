/**
 * @module Rule kind `power`: the instrument's power over time against its limit (formats.md §6.6
 * "resources"). Power starts at `baseW` and each command changes it by its database `effects.powerW` (or
 * this rule's per-command override), in release-time order; a violation is reported where an excursion
 * above the limit starts, naming the command that caused it.
 */
import { isoUtc } from '../../ephemeris/epoch.js';
import { defineRule } from '../rule.js';
import { modeLevelTracker, modeLevelsSchema, type ModeLevels } from '../_mode-levels.js';

export interface PowerOptions {
  /** Power allocation, W. */
  readonly limitW: number;
  /** Power at the plan start, W. Default 0. */
  readonly baseW?: number;
  /** Power change per command name, W, overriding the database's effects.powerW. */
  readonly commandPowerW?: Readonly<Record<string, number>>;
  /** How long the power change of these commands lasts, s (then it is undone); absent = until changed. */
  readonly commandDurationS?: Readonly<Record<string, number>>;
  /** Power set by modes (one machine per experiment), W, added to `baseW` and the commands' changes. */
  readonly modes?: readonly ModeLevels[];
}

const fmt = (w: number) => (Math.round(w * 1000) / 1000).toString();

export default defineRule<PowerOptions>({
  kind: 'power',
  description: 'Instrument power, stepped by each command, stays within its allocation.',
  messages: {
    overLimit: '{{command}} raises the power to {{level}} W, above the {{limit}} W allocation (until {{until}})',
    negative: '{{command}} lowers the power to {{level}} W: more is switched off than was on',
  },
  optionsSchema: {
    type: 'object', additionalProperties: false, required: ['limitW'],
    properties: {
      limitW: { type: 'number', minimum: 0, description: 'Power allocation, W.' },
      baseW: { type: 'number', minimum: 0, description: 'Power at the plan start, W. Default 0.' },
      commandPowerW: { type: 'object', additionalProperties: { type: 'number' }, description: 'Power change per command name, W (overrides the database).' },
      commandDurationS: { type: 'object', additionalProperties: { type: 'number', minimum: 0 }, description: 'How long the power change of each listed command lasts, s (then it is undone). Default: until changed.' },
      modes: modeLevelsSchema('W'),
    },
  },
  check(ctx, o) {
    const modes = modeLevelTracker(o.modes);
    let level = (o.baseW ?? 0) + modes.initial;
    const eps = 1e-9;
    let open: { index: number; command: string; level: number; t: number } | undefined;
    const flush = (until: string) => {
      if (!open) return;
      ctx.report({ messageId: 'overLimit', index: open.index, data: { command: open.command, level: fmt(open.level), limit: fmt(o.limitW), until } });
      open = undefined;
    };
    // Steps: each command's change (and the mode it sets); a change of a command listed in commandDurationS
    // is undone that long after it (an EPS action's Power_increase lasts its Duration).
    const steps: { t: number; dp: number; index: number; command: string; end?: boolean }[] = [];
    for (const i of ctx.timeOrder) {
      const c = ctx.commands[i]!;
      const own = o.commandPowerW?.[c.command] ?? c.def?.effects?.powerW ?? 0;
      const dp = own + modes.delta(c);
      if (dp !== 0) steps.push({ t: c.t, dp, index: c.index, command: c.command });
      const dur = o.commandDurationS?.[c.command];
      if (dur !== undefined && own !== 0) steps.push({ t: c.t + dur * 1000, dp: -own, index: c.index, command: c.command, end: true });
    }
    steps.sort((a, b) => a.t - b.t);
    for (const s of steps) {
      level += s.dp;
      if (level < -eps) ctx.report({ messageId: 'negative', index: s.index, data: { command: s.command, level: fmt(level) } });
      if (level > o.limitW + eps) {
        if (!open) open = { index: s.index, command: s.command, level, t: s.t };
        else open.level = Math.max(open.level, level);
      } else if (open) flush(s.end ? `${isoUtc(s.t)}, the end of command ${s.index}` : `${isoUtc(s.t)}, command ${s.index}`);
    }
    flush('the end of the plan');
  },
});
