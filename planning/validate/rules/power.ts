/**
 * @module Rule kind `power`: the instrument's power over time against its limit (formats.md §6.6
 * "resources"). Power starts at `baseW` and each command changes it by its database `effects.powerW` (or
 * this rule's per-command override), in release-time order; a violation is reported where an excursion
 * above the limit starts, naming the command that caused it.
 */
import { isoUtc } from '../../ephemeris/epoch.js';
import { defineRule } from '../rule.js';

export interface PowerOptions {
  /** Power allocation, W. */
  readonly limitW: number;
  /** Power at the plan start, W. Default 0. */
  readonly baseW?: number;
  /** Power change per command name, W, overriding the database's effects.powerW. */
  readonly commandPowerW?: Readonly<Record<string, number>>;
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
    },
  },
  check(ctx, o) {
    let level = o.baseW ?? 0;
    const eps = 1e-9;
    let open: { index: number; command: string; level: number; t: number } | undefined;
    const flush = (until: string) => {
      if (!open) return;
      ctx.report({ messageId: 'overLimit', index: open.index, data: { command: open.command, level: fmt(open.level), limit: fmt(o.limitW), until } });
      open = undefined;
    };
    for (const i of ctx.timeOrder) {
      const c = ctx.commands[i]!;
      const dp = o.commandPowerW?.[c.command] ?? c.def?.effects?.powerW ?? 0;
      if (dp === 0) continue;
      level += dp;
      if (level < -eps) ctx.report({ messageId: 'negative', index: c.index, data: { command: c.command, level: fmt(level) } });
      if (level > o.limitW + eps) {
        if (!open) open = { index: c.index, command: c.command, level, t: c.t };
        else open.level = Math.max(open.level, level);
      } else if (open) flush(`${isoUtc(c.t)}, command ${c.index}`);
    }
    flush('the end of the plan');
  },
});
