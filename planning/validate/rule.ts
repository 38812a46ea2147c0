/**
 * @module The contract of a rule kind (one module per kind in `rules/`, listed in `rules/index.ts`): its kind
 * name (= its file name), a description, messages keyed by message id with `{{placeholders}}`, a JSON Schema
 * for its options, the geometry it needs, and a check that reports violations through the context.
 */
import type { JsonValue, TcCommand, TcDatabase } from '../../src/mdb/commands/types.js';
import type { UnixMs } from '../geometry/types.js';
import type { Plan, PlanCommand } from '../plan/types.js';
import type { PlanGeometry } from '../requests/constraints.js';

/** A plan command with its database entry and its values in engineering form (given values, defaults filling the rest). */
export interface ResolvedCommand extends PlanCommand {
  /** The database command, or undefined when unknown (the syntax rule reports it). */
  readonly def: TcCommand | undefined;
  /** Given values, then defaults of parameters not given. */
  readonly values: Readonly<Record<string, JsonValue>>;
}

/** What a rule reports. */
export interface ReportInput {
  readonly messageId: string;
  /** Command index, or undefined for a plan-level violation. */
  readonly index?: number | undefined;
  /** When it happens; defaults to the command's time. */
  readonly t?: UnixMs;
  /** Placeholder values. */
  readonly data?: Readonly<Record<string, string | number>>;
}

/** What a rule's check sees. */
export interface RuleContext {
  readonly plan: Plan;
  readonly db: TcDatabase;
  /** Every command resolved, in file order. */
  readonly commands: readonly ResolvedCommand[];
  /** Indices of `commands` in release-time order (stable), so rules that simulate time do not depend on file order. */
  readonly timeOrder: readonly number[];
  /** Geometry over the plan, when an ephemeris was given. */
  readonly geometry: PlanGeometry | undefined;
  report(v: ReportInput): void;
}

/** A rule kind. `O` is the type of its options (after schema checking). */
export interface RuleModule<O = Record<string, unknown>> {
  /** The kind name, equal to the module's file name. */
  readonly kind: string;
  readonly description: string;
  /** Message templates by id; `{{name}}` is replaced by `data.name`. */
  readonly messages: Readonly<Record<string, string>>;
  /** JSON Schema (draft-07) of the `options` object: additionalProperties false, every property described. */
  readonly optionsSchema: Readonly<Record<string, unknown>>;
  /** Geometry atoms (see `atomsOf`) the rule needs scanned; none when it needs no ephemeris. */
  atoms?(options: O, ctx: { readonly plan: Plan; readonly stations: readonly string[] }): string[];
  check(ctx: RuleContext, options: O): void;
}

/** Fill `{{placeholders}}`. */
export const formatMessage = (template: string, data: Readonly<Record<string, string | number>> = {}): string =>
  template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));

/** Define a rule with its options type checked at compile time. */
export const defineRule = <O>(m: RuleModule<O>): RuleModule<O> => m;
