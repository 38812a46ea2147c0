/**
 * @module Rule kind `data-volume`: data generated on board against the memory allocation, drained during
 * station passes at the downlink rate (formats.md §6.6 "resources"). The generation rate starts at
 * `baseRateBps` and each command changes it by its database `effects.dataRateBps`; between rate changes and
 * pass boundaries the fill changes linearly (never below zero). Each time the memory fills up, one violation
 * names the instant and the command that last raised the rate. Passes come from the station windows
 * scanned once per validation.
 */
import { isoUtc } from '../../ephemeris/epoch.js';
import { normalizeWindows, orWindows, type Windows } from '../../events/windows.js';
import type { UnixMs } from '../../geometry/types.js';
import { defineRule, type RuleContext } from '../rule.js';
import { modeLevelTracker, modeLevelsSchema, type ModeLevels } from '../_mode-levels.js';

export interface DataVolumeOptions {
  /** On-board memory allocation, bits. */
  readonly memoryBits: number;
  /** Downlink rate during passes, bit/s. */
  readonly downlinkRateBps: number;
  /** Stations whose passes drain the memory. Default all known. */
  readonly stations?: readonly string[];
  /** Memory fill at the plan start, bits. Default 0. */
  readonly initialBits?: number;
  /** Generation rate at the plan start, bit/s. Default 0. */
  readonly baseRateBps?: number;
  /** How long the rate change of these commands lasts, s (then it is undone); absent = until changed. */
  readonly commandDurationS?: Readonly<Record<string, number>>;
  /** Generation rates set by modes (one machine per experiment), bit/s, added to the commands' changes. */
  readonly modes?: readonly ModeLevels[];
}

const mbit = (b: number) => (b / 1e6).toFixed(1);

/** One time the memory fills up: when, at which generation rate, raised last by which command, until when data is lost (null: the plan's end). */
export interface Overflow {
  readonly t: UnixMs;
  readonly rateBps: number;
  readonly by: { readonly index: number; readonly command: string } | undefined;
  readonly until: UnixMs | null;
}

/**
 * The on-board memory fill over the plan: generated at the commands' rates, drained during the passes at the
 * downlink rate, never below zero nor above the memory (data is lost while full). `points` are the corners of
 * the piecewise-linear fill (bits); `overflows` each time it fills up. What the rule checks and the console draws.
 */
export function dataVolumeProfile(ctx: Pick<RuleContext, 'commands' | 'timeOrder' | 'plan' | 'geometry'>, o: DataVolumeOptions): {
  readonly passes: Windows; readonly points: readonly { readonly t: UnixMs; readonly bits: number }[]; readonly overflows: readonly Overflow[]; readonly noEphemeris: boolean;
} {
  const geo = ctx.geometry;
  let passes: Windows = [];
  let noEphemeris = false;
  if (geo) {
    for (const s of o.stations ?? geo.stations.map((x) => x.name)) {
      if (geo.stations.some((x) => x.name === s)) passes = orWindows(passes, geo.windows(`visible:${s}`));
    }
  } else if (o.downlinkRateBps > 0) {
    noEphemeris = true;
  }
  passes = normalizeWindows(passes);
  // Change points: command rate changes and pass boundaries, within [start, end].
  const start = Math.min(ctx.plan.validity.start, ...ctx.commands.map((c) => c.t));
  const end = Math.max(ctx.plan.validity.end, ...ctx.commands.map((c) => c.t));
  const steps: { t: UnixMs; kind: 'rate' | 'pass'; dr?: number; index?: number }[] = [];
  const modes = modeLevelTracker(o.modes);
  for (const i of ctx.timeOrder) {
    const c = ctx.commands[i]!;
    const own = c.def?.effects?.dataRateBps ?? 0;
    const dr = own + modes.delta(c);
    if (dr !== 0) steps.push({ t: c.t, kind: 'rate', dr, index: c.index });
    const dur = o.commandDurationS?.[c.command];
    if (dur !== undefined && own !== 0) steps.push({ t: c.t + dur * 1000, kind: 'rate', dr: -own, index: c.index });
  }
  for (const p of passes) { steps.push({ t: p.start, kind: 'pass' }, { t: p.end, kind: 'pass' }); }
  steps.sort((a, b) => a.t - b.t);
  let t = start;
  let fill = o.initialBits ?? 0;
  let rate = (o.baseRateBps ?? 0) + modes.initial;
  let raisedBy: { index: number; command: string } | undefined;
  let p = 0; // passes index
  let full: { t: UnixMs; rate: number; by: typeof raisedBy } | undefined;
  const points: { t: UnixMs; bits: number }[] = [{ t, bits: fill }];
  const overflows: Overflow[] = [];
  const inPass = (x: UnixMs) => {
    while (p < passes.length && passes[p]!.end <= x) p++;
    return p < passes.length && passes[p]!.start <= x;
  };
  const report = (until: UnixMs | null) => {
    if (!full) return;
    overflows.push({ t: full.t, rateBps: full.rate, by: full.by, until });
    full = undefined;
  };
  const advance = (to: UnixMs) => {
    if (to <= t) return;
    const net = rate - (inPass((t + to) / 2) ? o.downlinkRateBps : 0);
    const dt = (to - t) / 1000;
    if (full) {
      if (net < 0) {
        report(t);
        if (fill + net * dt < 0) points.push({ t: t + (fill / -net) * 1000, bits: 0 });
        fill = Math.max(0, fill + net * dt);
      }
    } else if (net > 0 && fill + net * dt > o.memoryBits) {
      const tFull = t + ((o.memoryBits - fill) / net) * 1000;
      full = { t: tFull, rate, by: raisedBy };
      points.push({ t: tFull, bits: o.memoryBits });
      fill = o.memoryBits;
    } else {
      if (net < 0 && fill > 0 && fill + net * dt < 0) points.push({ t: t + (fill / -net) * 1000, bits: 0 });
      fill = Math.max(0, fill + net * dt);
    }
    t = to;
    points.push({ t, bits: fill });
  };
  for (const s of steps) {
    if (s.t > end) break;
    advance(Math.max(s.t, start));
    if (s.kind === 'rate') {
      rate = Math.max(0, rate + s.dr!);
      const c = ctx.commands[s.index!]!;
      if (s.dr! > 0) raisedBy = { index: c.index, command: c.command };
      if (full && rate - (inPass(t) ? o.downlinkRateBps : 0) <= 0) report(t);
    }
  }
  advance(end);
  report(null);
  return { passes, points, overflows, noEphemeris };
}

export default defineRule<DataVolumeOptions>({
  kind: 'data-volume',
  description: 'Data volume stays within on-board memory, drained during station passes at the downlink rate.',
  messages: {
    overflow: 'on-board memory ({{memory}} Mbit) full at {{time}}: generating {{rate}} kbit/s since {{command}} (command {{index}}); data is lost until {{until}}',
    noEphemeris: 'no ephemeris: station passes cannot be computed, so no data is drained',
  },
  optionsSchema: {
    type: 'object', additionalProperties: false, required: ['memoryBits', 'downlinkRateBps'],
    properties: {
      memoryBits: { type: 'number', exclusiveMinimum: 0, description: 'On-board memory allocation, bits.' },
      downlinkRateBps: { type: 'number', minimum: 0, description: 'Downlink rate during passes, bit/s.' },
      stations: { type: 'array', items: { type: 'string' }, description: 'Stations whose passes drain the memory. Default all known.' },
      initialBits: { type: 'number', minimum: 0, description: 'Memory fill at the plan start, bits. Default 0.' },
      baseRateBps: { type: 'number', minimum: 0, description: 'Generation rate at the plan start, bit/s. Default 0.' },
      commandDurationS: { type: 'object', additionalProperties: { type: 'number', minimum: 0 }, description: 'How long the rate change of each listed command lasts, s (then it is undone). Default: until changed.' },
      modes: modeLevelsSchema('bit/s'),
    },
  },
  atoms: (o, { stations }) => (o.downlinkRateBps > 0 ? (o.stations ?? stations).map((s) => `visible:${s}`) : []),
  check(ctx, o) {
    const profile = dataVolumeProfile(ctx, o);
    if (profile.noEphemeris) ctx.report({ messageId: 'noEphemeris' });
    for (const f of profile.overflows) {
      ctx.report({
        messageId: 'overflow', index: f.by?.index, t: f.t,
        data: { memory: mbit(o.memoryBits), time: isoUtc(f.t), rate: (f.rateBps / 1000).toFixed(1), command: f.by?.command ?? 'the plan start', index: f.by?.index ?? '-', until: f.until === null ? 'the end of the plan' : isoUtc(f.until) },
      });
    }
  },
});
