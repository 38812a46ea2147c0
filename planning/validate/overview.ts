/**
 * @module A plan's overview, what an operator looks at beside the findings: the eclipses (umbra, and penumbra
 * where the Sun is partly hidden), the ground-station passes, the windows where each command's geometry
 * constraints hold, and the resource curves the power and data-volume rules check (formats.md §6.6
 * "resources", "geometry windows"), all from one geometry scan shared with the validation.
 */
import { andWindows, minusWindows, normalizeWindows, notWindows } from '../events/windows.js';
import type { UnixMs } from '../geometry/types.js';
import { constraintParts, constraintWindows, unknownStations } from '../requests/constraints.js';
import type { GeometryConstraints } from '../requests/types.js';
import dataVolume, { dataVolumeProfile, type DataVolumeOptions, type Overflow } from './rules/data-volume.js';
import geometryRule, { mergeConstraints, type GeometryOptions } from './rules/geometry.js';
import modeRule, { initialModeOf, modeSetBy, type ModeOptions } from './rules/mode.js';
import power, { powerProfile, type PowerOptions, type PowerStep } from './rules/power.js';
import { preparePlan, validatePrepared, type ValidateInput, type ValidationReport } from './validate.js';

export interface Span { readonly start: UnixMs; readonly end: UnixMs }

/** The mode over time as one mode rule follows it. */
export interface ModeLane {
  /** The mode rule's id; null when the rule set has none (the database's `setsMode` is followed). */
  readonly rule: string | null;
  readonly modes: readonly (Span & { readonly mode: string })[];
}

export interface PlanOverview {
  readonly report: ValidationReport;
  /** The span drawn: the validity, widened to every command. */
  readonly range: Span;
  /** Whether an ephemeris was given (no eclipses, passes nor windows without one). */
  readonly geometry: boolean;
  /**
   * One lane per mode rule (e.g. one per experiment of an EDF), the mode over time as that rule follows it: one
   * span per mode. With no mode rule, one lane (`rule` null) following the commands' database `setsMode`.
   */
  readonly modeLanes: readonly ModeLane[];
  /** Eclipses in time order: `umbra` (Sun fully hidden) and `penumbra` (partly hidden). */
  readonly eclipses: readonly (Span & { readonly kind: 'umbra' | 'penumbra' })[];
  /** Passes of every known station (plan, rules, command line), in time order. */
  readonly passes: readonly (Span & { readonly station: string })[];
  /** One entry per distinct constraint set of the commands: what it asks, the commands carrying it, where it holds. */
  readonly windows: readonly { readonly label: string; readonly commands: readonly number[]; readonly spans: readonly Span[] }[];
  /** One curve per power rule: the level at the start, then each change. */
  readonly power: readonly { readonly rule: string; readonly limitW: number; readonly initialW: number; readonly steps: readonly PowerStep[] }[];
  /** One curve per data-volume rule: the fill's corners (bits), each overflow. */
  readonly dataVolume: readonly {
    readonly rule: string; readonly memoryBits: number; readonly downlinkRateBps: number;
    readonly points: readonly { readonly t: UnixMs; readonly bits: number }[]; readonly overflows: readonly Overflow[];
  }[];
}

/**
 * Validate a plan and lay out its overview over the same geometry scan (eclipses and every station's passes
 * are scanned as well when an ephemeris is given).
 * @throws as {@link validatePlan}.
 */
export function planOverview(input: ValidateInput): PlanOverview {
  const prepared = preparePlan(input, (stations) => ['sunlit', 'umbra', ...stations.map((s) => `visible:${s.name}`)]);
  const report = validatePrepared(input, prepared);
  const { plan, rules } = input;
  const times = prepared.commands.map((c) => c.t).filter(Number.isFinite);
  const range = { start: Math.min(plan.validity.start, ...times), end: Math.max(plan.validity.end, ...times) };
  const ctx = { ...prepared, plan };
  const geo = prepared.geometry;
  const eclipses: (Span & { kind: 'umbra' | 'penumbra' })[] = [];
  const passes: (Span & { station: string })[] = [];
  const windows: { label: string; commands: number[]; spans: Span[] }[] = [];
  if (geo) {
    const umbra = andWindows(geo.windows('umbra'), geo.covered);
    const shadow = andWindows(notWindows(geo.windows('sunlit'), range), geo.covered);
    for (const w of umbra) eclipses.push({ kind: 'umbra', start: w.start, end: w.end });
    for (const w of minusWindows(shadow, umbra)) eclipses.push({ kind: 'penumbra', start: w.start, end: w.end });
    eclipses.sort((a, b) => a.start - b.start);
    for (const s of geo.stations) for (const w of geo.windows(`visible:${s.name}`)) passes.push({ station: s.name, start: w.start, end: w.end });
    passes.sort((a, b) => a.start - b.start || (a.station < b.station ? -1 : 1));
    // Constraints of each command: its own, then those the geometry rules add for its name (as the rule checks).
    const added = rules.rules.filter((r) => r.kind === geometryRule.kind).map((r) => (r.options as unknown as GeometryOptions).commands ?? {});
    const bySet = new Map<string, { cons: GeometryConstraints; commands: number[] }>();
    for (const c of prepared.commands) {
      let cons = c.constraints;
      for (const a of added) cons = mergeConstraints(cons, a[c.command]);
      if (!cons || Object.keys(cons).length === 0 || unknownStations(cons, geo.stations).length) continue;
      const key = JSON.stringify(cons);
      const e = bySet.get(key) ?? { cons, commands: [] };
      e.commands.push(c.index);
      bySet.set(key, e);
    }
    for (const { cons, commands } of bySet.values()) {
      windows.push({
        label: constraintParts(geo, cons).map((p) => p.label).join(', '), commands,
        spans: normalizeWindows(andWindows(constraintWindows(geo, cons), [range])).map((w) => ({ start: w.start, end: w.end })),
      });
    }
  }
  // Modes: one lane per mode rule, as that rule follows them (its options); commands with no database entry set none.
  const modeRules = rules.rules.filter((r) => r.kind === modeRule.kind);
  const modeLanes = (modeRules.length ? modeRules : [undefined]).map((r): ModeLane => ({
    rule: r?.id ?? null, modes: modeSpans(input, prepared, range, (r?.options ?? {}) as unknown as ModeOptions),
  }));
  return {
    report, range, geometry: geo !== undefined, modeLanes, eclipses, passes, windows,
    power: rules.rules.filter((r) => r.kind === power.kind).map((r) => {
      const o = r.options as unknown as PowerOptions;
      const p = powerProfile(ctx, o);
      return { rule: r.id, limitW: o.limitW, initialW: p.initialW, steps: p.steps };
    }),
    dataVolume: rules.rules.filter((r) => r.kind === dataVolume.kind).map((r) => {
      const o = r.options as unknown as DataVolumeOptions;
      const d = dataVolumeProfile(ctx, o);
      return { rule: r.id, memoryBits: o.memoryBits, downlinkRateBps: o.downlinkRateBps, points: d.points, overflows: d.overflows };
    }),
  };
}

/** The spans of each mode as a mode rule with options `mo` follows the commands in time order. */
function modeSpans(input: ValidateInput, prepared: ReturnType<typeof preparePlan>, range: Span, mo: ModeOptions): (Span & { mode: string })[] {
  const modes: (Span & { mode: string })[] = [];
  let cur = { mode: initialModeOf({ plan: input.plan, db: input.db }, mo), start: range.start };
  for (const i of prepared.timeOrder) {
    const c = prepared.commands[i]!;
    const next = c.def && Number.isFinite(c.t) ? modeSetBy(c, mo) : undefined;
    if (next === undefined || next === cur.mode) continue;
    if (c.t > cur.start) modes.push({ ...cur, end: c.t });
    cur = { mode: next, start: c.t };
  }
  modes.push({ ...cur, end: range.end });
  return modes;
}
