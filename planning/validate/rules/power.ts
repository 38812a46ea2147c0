/**
 * @module Rule kind `power`: the instrument's power over time against its limit (formats.md §6.6
 * "resources"). Power starts at `baseW` and each command changes it by its database `effects.powerW` (or
 * this rule's per-command override), in release-time order; a violation is reported where an excursion
 * above the limit starts, naming the command that caused it.
 */
import { isoUtc } from '../../ephemeris/epoch.js';
import type { UnixMs } from '../../geometry/types.js';
import { defineRule, type RuleContext } from '../rule.js';
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

/** One change of the power level: at `t` (Unix ms), by command `index`, to `levelW`; `end` when a timed change is undone. */
export interface PowerStep {
  readonly t: UnixMs;
  readonly levelW: number;
  readonly index: number;
  readonly command: string;
  readonly end?: boolean;
}

/**
 * The power level over the plan, a step function: the level at the start, then each change in time order
 * (each command's change and the mode it sets; a change of a command listed in commandDurationS is undone that
 * long after it, as an EPS action's Power_increase lasts its Duration). What the rule checks and the console draws.
 */
export function powerProfile(ctx: Pick<RuleContext, 'commands' | 'timeOrder'>, o: PowerOptions): { readonly initialW: number; readonly steps: readonly PowerStep[] } {
  const modes = modeLevelTracker(o.modes);
  const initialW = (o.baseW ?? 0) + modes.initial;
  const changes: { t: number; dp: number; index: number; command: string; end?: boolean }[] = [];
  for (const i of ctx.timeOrder) {
    const c = ctx.commands[i]!;
    const own = o.commandPowerW?.[c.command] ?? c.def?.effects?.powerW ?? 0;
    const dp = own + modes.delta(c);
    if (dp !== 0) changes.push({ t: c.t, dp, index: c.index, command: c.command });
    const dur = o.commandDurationS?.[c.command];
    if (dur !== undefined && own !== 0) changes.push({ t: c.t + dur * 1000, dp: -own, index: c.index, command: c.command, end: true });
  }
  changes.sort((a, b) => a.t - b.t);
  let level = initialW;
  const steps = changes.map(({ dp, ...s }): PowerStep => { level += dp; return { ...s, levelW: level }; });
  return { initialW, steps };
}

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
    const profile = powerProfile(ctx, o);
    const eps = 1e-9;
    let open: { index: number; command: string; level: number } | undefined;
    const flush = (until: string) => {
      if (!open) return;
      ctx.report({ messageId: 'overLimit', index: open.index, data: { command: open.command, level: fmt(open.level), limit: fmt(o.limitW), until } });
      open = undefined;
    };
    for (const s of profile.steps) {
      const level = s.levelW;
      if (level < -eps) ctx.report({ messageId: 'negative', index: s.index, data: { command: s.command, level: fmt(level) } });
      if (level > o.limitW + eps) {
        if (!open) open = { index: s.index, command: s.command, level };
        else open.level = Math.max(open.level, level);
      } else if (open) flush(s.end ? `${isoUtc(s.t)}, the end of command ${s.index}` : `${isoUtc(s.t)}, command ${s.index}`);
    }
    flush('the end of the plan');
  },
});
