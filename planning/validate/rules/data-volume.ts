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
import { defineRule } from '../rule.js';
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
    const geo = ctx.geometry;
    let passes: Windows = [];
    if (geo) {
      for (const s of o.stations ?? geo.stations.map((x) => x.name)) {
        if (geo.stations.some((x) => x.name === s)) passes = orWindows(passes, geo.windows(`visible:${s}`));
      }
    } else if (o.downlinkRateBps > 0) {
      ctx.report({ messageId: 'noEphemeris' });
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
    const inPass = (x: UnixMs) => {
      while (p < passes.length && passes[p]!.end <= x) p++;
      return p < passes.length && passes[p]!.start <= x;
    };
    const report = (until: string) => {
      if (!full) return;
      ctx.report({
        messageId: 'overflow', index: full.by?.index, t: full.t,
        data: { memory: mbit(o.memoryBits), time: isoUtc(full.t), rate: (full.rate / 1000).toFixed(1), command: full.by?.command ?? 'the plan start', index: full.by?.index ?? '-', until },
      });
      full = undefined;
    };
    const advance = (to: UnixMs) => {
      if (to <= t) return;
      const net = rate - (inPass((t + to) / 2) ? o.downlinkRateBps : 0);
      const dt = (to - t) / 1000;
      if (full) {
        if (net < 0) {
          report(isoUtc(t));
          fill = Math.max(0, fill + net * dt);
        }
      } else if (net > 0 && fill + net * dt > o.memoryBits) {
        const tFull = t + ((o.memoryBits - fill) / net) * 1000;
        full = { t: tFull, rate, by: raisedBy };
        fill = o.memoryBits;
      } else {
        fill = Math.max(0, fill + net * dt);
      }
      t = to;
    };
    for (const s of steps) {
      if (s.t > end) break;
      advance(Math.max(s.t, start));
      if (s.kind === 'rate') {
        rate = Math.max(0, rate + s.dr!);
        const c = ctx.commands[s.index!]!;
        if (s.dr! > 0) raisedBy = { index: c.index, command: c.command };
        if (full && rate - (inPass(t) ? o.downlinkRateBps : 0) <= 0) report(isoUtc(t));
      }
    }
    advance(end);
    report('the end of the plan');
  },
});
