/**
 * @module Rule kind `timing`: release times strictly increasing in file order, at least `minSpacingS` apart,
 * not before the uplink time plus its latency, inside the plan's validity window (formats.md §6.6 "timing").
 */
import { isoUtc } from '../../ephemeris/epoch.js';
import { defineRule } from '../rule.js';

export interface TimingOptions {
  /** Minimum time between consecutive commands, s. Default 0 (strictly increasing only). */
  readonly minSpacingS?: number;
  /** Uplink latency, s; overrides the plan's `uplink.latencyS`. */
  readonly uplinkLatencyS?: number;
  /** Require the plan to state its uplink time. Default false. */
  readonly requireUplink?: boolean;
  /**
   * Commands that may share their release time with the command before or after them (EPS timelines switch
   * modes at one instant and run an action there: `plan import-edf` lists each experiment's mode command).
   * Default none.
   */
  readonly sameInstant?: readonly string[];
}

export default defineRule<TimingOptions>({
  kind: 'timing',
  description: 'Release times strictly ordered, minimum spacing, after uplink + latency, inside the validity window.',
  messages: {
    notOrdered: 'released at {{time}}, not after command {{prev}} ({{prevTime}}): release times must strictly increase',
    tooClose: 'released {{gap}} s after command {{prev}}; the minimum spacing is {{min}} s',
    beforeUplink: 'released at {{time}}, before uplink at {{uplink}} + {{latency}} s latency ({{earliest}})',
    outsideValidity: 'released at {{time}}, outside the plan validity {{start}}..{{end}}',
    noUplink: 'the plan gives no uplink time, so no command can be checked against it',
  },
  optionsSchema: {
    type: 'object', additionalProperties: false,
    properties: {
      minSpacingS: { type: 'number', minimum: 0, description: 'Minimum time between consecutive commands, s. Default 0.' },
      uplinkLatencyS: { type: 'number', minimum: 0, description: "Uplink latency, s; overrides the plan's uplink.latencyS." },
      requireUplink: { type: 'boolean', description: 'Require the plan to state its uplink time. Default false.' },
      sameInstant: { type: 'array', items: { type: 'string' }, description: 'Commands that may share their release time with the command before or after them (mode switches at one instant). Default none.' },
    },
  },
  check(ctx, o) {
    const { plan, commands } = ctx;
    const minMs = (o.minSpacingS ?? 0) * 1000;
    if (o.requireUplink && !plan.uplink) ctx.report({ messageId: 'noUplink' });
    const earliest = plan.uplink ? plan.uplink.t + (o.uplinkLatencyS ?? plan.uplink.latencyS) * 1000 : undefined;
    commands.forEach((c, i) => {
      const time = isoUtc(c.t);
      const prev = commands[i - 1];
      if (prev) {
        if (c.t === prev.t && (o.sameInstant?.includes(c.command) || o.sameInstant?.includes(prev.command))) { /* allowed */ } else if (!(c.t > prev.t)) ctx.report({ messageId: 'notOrdered', index: i, data: { time, prev: prev.index, prevTime: isoUtc(prev.t) } });
        else if (c.t - prev.t < minMs) ctx.report({ messageId: 'tooClose', index: i, data: { gap: ((c.t - prev.t) / 1000).toString(), prev: prev.index, min: minMs / 1000 } });
      }
      if (earliest !== undefined && c.t < earliest) {
        ctx.report({ messageId: 'beforeUplink', index: i, data: { time, uplink: isoUtc(plan.uplink!.t), latency: (earliest - plan.uplink!.t) / 1000, earliest: isoUtc(earliest) } });
      }
      if (c.t < plan.validity.start || c.t > plan.validity.end) {
        ctx.report({ messageId: 'outsideValidity', index: i, data: { time, start: isoUtc(plan.validity.start), end: isoUtc(plan.validity.end) } });
      }
    });
  },
});
