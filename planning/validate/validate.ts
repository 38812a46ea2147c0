/**
 * @module Plan validation: every command resolved once against the telecommand database, the geometry every
 * rule and command constraint needs scanned ONCE over the plan (not per command), then each configured rule
 * checked in turn. Violations carry the rule id, kind, message id, command index, time and a message a
 * planner understands; they are sorted by command index (plan-level ones first), then rule order.
 */
import { UsageError } from '../../src/errors.js';
import { toRaw, fromRaw } from '../../src/mdb/commands/parameter-values.js';
import type { JsonValue, TcCommand, TcDatabase } from '../../src/mdb/commands/types.js';
import { isoUtc } from '../ephemeris/epoch.js';
import type { Ephemeris } from '../ephemeris/types.js';
import type { ScanOptions } from '../events/find.js';
import type { Station } from '../geometry/station.js';
import type { UnixMs } from '../geometry/types.js';
import type { Plan } from '../plan/types.js';
import { atomsOf, buildPlanGeometry, type PlanGeometry } from '../requests/constraints.js';
import { formatMessage, type ResolvedCommand, type RuleContext } from './rule.js';
import type { RuleSet } from './rules-file.js';

/** One violation. */
export interface Violation {
  readonly rule: string;
  readonly kind: string;
  readonly messageId: string;
  readonly severity: 'error' | 'warning';
  /** Command index, or null for the plan as a whole. */
  readonly index: number | null;
  readonly command: string | null;
  /** ISO-8601 UTC, or null. */
  readonly time: string | null;
  readonly message: string;
}

/** The result of a validation. */
export interface ValidationReport {
  readonly plan: string;
  readonly file: string;
  readonly commands: number;
  readonly rules: readonly { readonly id: string; readonly kind: string; readonly severity: 'error' | 'warning'; readonly violations: number }[];
  readonly violations: readonly Violation[];
  readonly errors: number;
  readonly warnings: number;
}

export interface ValidateInput {
  readonly plan: Plan;
  readonly db: TcDatabase;
  readonly rules: RuleSet;
  readonly ephemeris?: Ephemeris;
  /** Stations from the command line, added to those of the plan and the rules. */
  readonly stations?: readonly Station[];
  readonly scan?: ScanOptions;
}

/** Engineering value of a default (as the encoder would send it), in JSON form. */
function defaultValue(c: TcCommand, name: string): JsonValue | undefined {
  const p = c.parameters.find((q) => q.name === name);
  if (p?.default === undefined) return undefined;
  const r = toRaw(p, p.default);
  if (!r.ok) return p.default;
  const v = fromRaw(p, r.raw).value;
  return typeof v === 'bigint' ? v.toString() : v;
}

/** Resolve commands: database entry and values (given, then defaults). */
export function resolveCommands(plan: Plan, db: TcDatabase): ResolvedCommand[] {
  const byName = new Map(db.commands.map((c) => [c.name, c]));
  // Defaults once per command definition (encoding them is not free), not once per plan command.
  const defaults = new Map<TcCommand, Record<string, JsonValue>>();
  return plan.commands.map((c) => {
    const def = byName.get(c.command);
    let d = def ? defaults.get(def) : undefined;
    if (def && !d) {
      d = {};
      for (const p of def.parameters) { const v = defaultValue(def, p.name); if (v !== undefined) d[p.name] = v; }
      defaults.set(def, d);
    }
    const values: Record<string, JsonValue> = { ...d, ...c.parameters };
    return { ...c, def, values };
  });
}

/** Stations from the plan, the rules and the command line (later ones replace earlier ones of the same name). */
export function mergeStations(...lists: (readonly Station[] | undefined)[]): Station[] {
  const m = new Map<string, Station>();
  for (const l of lists) for (const s of l ?? []) m.set(s.name, s);
  return [...m.values()];
}

/** What every rule sees, prepared once: commands resolved and in time order, stations, geometry. */
export interface PreparedPlan {
  readonly commands: readonly ResolvedCommand[];
  readonly timeOrder: readonly number[];
  readonly stations: readonly Station[];
  readonly geometry: PlanGeometry | undefined;
}

/**
 * Resolve the commands and scan the geometry the rules and the commands' constraints need, plus `extraAtoms`
 * (scanned only when an ephemeris is given; each atom is scanned on its own, so extra ones change no other).
 * @throws UsageError when a rule or a command needs geometry and no ephemeris was given;
 * InputError when the ephemeris fails inside its coverage.
 */
export function preparePlan(input: ValidateInput, extraAtoms: (stations: readonly Station[]) => readonly string[] = () => []): PreparedPlan {
  const { plan, db, rules } = input;
  const commands = resolveCommands(plan, db);
  const timeOrder = commands.map((c, i) => ({ t: c.t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
  const stations = mergeStations(plan.stations, rules.stations, input.stations);
  const names = stations.map((s) => s.name);
  const atoms = new Set<string>();
  for (const r of rules.rules) for (const a of r.module.atoms?.(r.options as never, { plan, stations: names }) ?? []) atoms.add(a);
  const seen = new Set<string>();
  for (const c of plan.commands) {
    if (!c.constraints) continue;
    const key = JSON.stringify(c.constraints);
    if (seen.has(key)) continue;
    seen.add(key);
    for (const a of atomsOf(c.constraints, stations)) atoms.add(a);
  }
  let geometry: PlanGeometry | undefined;
  if (atoms.size > 0 || input.ephemeris) {
    if (!input.ephemeris) {
      throw new UsageError(`the rules or the plan's constraints need an ephemeris (geometry: ${[...atoms].join(', ')}): give --ephemeris FILE`);
    }
    for (const a of extraAtoms(stations)) atoms.add(a);
    const times = commands.map((c) => c.t).filter(Number.isFinite);
    const range = { start: Math.min(plan.validity.start, ...times), end: Math.max(plan.validity.end, ...times) };
    geometry = buildPlanGeometry(input.ephemeris, range, stations, atoms, input.scan);
  }
  return { commands, timeOrder, stations, geometry };
}

/**
 * Validate `plan`.
 * @throws UsageError when a rule or a command needs geometry and no ephemeris was given;
 * InputError when the ephemeris fails inside its coverage.
 */
export function validatePlan(input: ValidateInput): ValidationReport {
  return validatePrepared(input, preparePlan(input));
}

/** Check every rule over a prepared plan (see {@link preparePlan}). */
export function validatePrepared(input: ValidateInput, prepared: PreparedPlan): ValidationReport {
  const { plan, db, rules } = input;
  const { commands, timeOrder, geometry } = prepared;
  const violations: (Violation & { order: number })[] = [];
  const ruleSummaries = rules.rules.map((r, order) => {
    let count = 0;
    const ctx: RuleContext = {
      plan, db, commands, timeOrder, geometry,
      report: (v) => {
        count++;
        const c = v.index !== undefined ? commands[v.index] : undefined;
        const t: UnixMs | undefined = v.t ?? c?.t;
        violations.push({
          rule: r.id, kind: r.kind, messageId: v.messageId, severity: r.severity,
          index: v.index ?? null, command: c?.command ?? null, time: t !== undefined && Number.isFinite(t) ? isoUtc(t) : null,
          message: formatMessage(r.module.messages[v.messageId] ?? v.messageId, v.data), order,
        });
      },
    };
    r.module.check(ctx, r.options as never);
    return { id: r.id, kind: r.kind, severity: r.severity, violations: count };
  });
  violations.sort((a, b) => (a.index ?? -1) - (b.index ?? -1) || a.order - b.order);
  const out: Violation[] = violations.map(({ order: _order, ...v }) => v);
  return {
    plan: plan.name, file: plan.file, commands: commands.length, rules: ruleSummaries, violations: out,
    errors: out.filter((v) => v.severity === 'error').length, warnings: out.filter((v) => v.severity === 'warning').length,
  };
}
