/**
 * @module Rule kind `schedule-capacity`: the on-board time-based schedule (PUS service 11, formats.md §6.4
 * and §6.6 "schedule capacity") holds at most `maxCommands` time-tagged commands; the whole plan is loaded
 * at uplink, so the commands beyond the capacity (in release order) are reported once, at the first of them.
 */
import { defineRule } from '../rule.js';

export interface ScheduleCapacityOptions {
  /** Time-tagged commands the on-board schedule can hold. */
  readonly maxCommands: number;
}

export default defineRule<ScheduleCapacityOptions>({
  kind: 'schedule-capacity',
  description: 'The plan fits the on-board time-based schedule.',
  messages: {
    full: 'the on-board schedule holds {{max}} commands but the plan has {{count}}: this one and the {{more}} after it do not fit',
  },
  optionsSchema: {
    type: 'object', additionalProperties: false, required: ['maxCommands'],
    properties: { maxCommands: { type: 'integer', minimum: 1, description: 'Time-tagged commands the on-board schedule can hold.' } },
  },
  check(ctx, o) {
    const n = ctx.commands.length;
    if (n <= o.maxCommands) return;
    const first = ctx.commands[ctx.timeOrder[o.maxCommands]!]!;
    ctx.report({ messageId: 'full', index: first.index, data: { max: o.maxCommands, count: n, more: n - o.maxCommands - 1 } });
  },
});
