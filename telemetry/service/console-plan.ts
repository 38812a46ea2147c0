/**
 * @module The console's plan page data: the plans a user may see (operators every plan, a co-investigator the
 * plans of their instruments) and one plan's timeline, computed server-side by the planning domain's
 * `planOverview` (the validation and, over its one geometry scan, the eclipses, station passes, constraint
 * windows and the power and data-volume curves the resource rules check), as ISO-8601 UTC series for the page.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type * as planning from '../../planning/index.js';
import { maySee, type ConsoleUser } from './console-auth.js';
import { binByColumn, columnLevels, dominantModes, mergeSpans, type Spn } from './console-plan-view.js';

/** A folder of plan files and how to look at one (the caller brings the TC database, rules and ephemeris). */
type Plan = planning.plan.Plan;

export interface PlanSource {
  readonly dir: string;
  /** Read a plan file (cheap: for the list's access check). */
  readonly load: (file: string) => Plan;
  /** Read, validate and lay out one plan file. */
  readonly overview: (file: string) => Promise<{ readonly plan: Plan; readonly overview: planning.PlanOverview }>;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const PLAN_FILE = /\.plan\.json$/;

/** The plan files of the folder this user may see (a file that does not read is listed for operators only: they fix it). */
export async function visiblePlans(src: PlanSource | undefined, user: ConsoleUser): Promise<string[]> {
  if (!src) return [];
  const names = (await readdir(src.dir).catch(() => [] as string[])).filter((n) => PLAN_FILE.test(n)).sort();
  if (user.instruments.includes('*')) return names;
  return names.filter((n) => {
    try { return maySee(user, src.load(path.join(src.dir, n)).instrument); } catch { return false; }
  });
}

/** The columns the timeline is laid out in: enough for a wall display, and the most the page asks for. */
export const PLAN_COLUMNS = { default: 1000, min: 100, max: 4000 } as const;
/** Findings and commands sent with the timeline; the rest by page (`planCommands`) or counted. */
export const PLAN_LIST_LIMIT = 100;

/**
 * One plan's timeline for the page, reduced to `cols` columns (console-plan-view.ts): commands and window
 * commands counted per column, spans merged below a column, curves as their per-column envelope, and the first
 * {@link PLAN_LIST_LIMIT} findings and commands with their totals. Undefined when the file is not in the
 * folder or not the user's.
 */
export async function planPageData(src: PlanSource | undefined, user: ConsoleUser, name: string, cols: number = PLAN_COLUMNS.default) {
  if (!src || !(await visiblePlans(src, user)).includes(name)) return undefined;
  const { plan, overview: o } = await src.overview(path.join(src.dir, name));
  if (!maySee(user, plan.instrument)) return undefined;
  const { report } = o;
  const n = Math.round(Math.min(PLAN_COLUMNS.max, Math.max(PLAN_COLUMNS.min, cols)));
  const t0 = o.range.start;
  const t1 = o.range.end;
  const colMs = (t1 - t0) / n;
  const span = (x: Spn) => ({ start: iso(x.start), end: iso(x.end) });
  const timedCmds = plan.commands.filter((c) => Number.isFinite(c.t));
  const cmdBins = (idx: readonly number[]) => binByColumn(idx.map((i) => plan.commands[i]!).filter((c) => c && Number.isFinite(c.t)), (c) => c.t, t0, t1, n);
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  const timedFindings = report.violations.filter((v) => v.time);
  return {
    name: plan.name, instrument: plan.instrument, description: plan.description ?? null,
    validity: { start: iso(plan.validity.start), end: iso(plan.validity.end) },
    range: { start: iso(t0), end: iso(t1) },
    columns: n,
    geometry: o.geometry,
    commandCount: plan.commands.length,
    /** Commands per column of the timeline: how many, the first and last index, the command when only one. */
    commandBins: cmdBins(timedCmds.map((c) => c.index)).map((b) => ({ col: b.col, count: b.count, first: b.first.index, last: b.last.index, ...(b.count === 1 ? { command: b.first.command } : {}) })),
    /** The first commands; the rest through planCommands. */
    commands: plan.commands.slice(0, PLAN_LIST_LIMIT).map(commandRow),
    modeLanes: o.modeLanes.map((l) => ({ rule: l.rule, modes: dominantModes(l.modes, t0, t1, n).map((m) => ({ mode: m.mode, ...span(m) })) })),
    eclipses: mergeKinds(o.eclipses, t0, t1, colMs).map((e) => ({ kind: e.kind, ...span(e) })),
    passes: [...new Set(o.passes.map((p) => p.station))].flatMap((st) => mergeSpans(o.passes.filter((p) => p.station === st), t0, t1, colMs).map((p) => ({ station: st, ...span(p) })))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.station < b.station ? -1 : 1)),
    windows: o.windows.map((w) => ({ label: w.label, commandCount: w.commands.length, commandBins: cmdBins(w.commands).map((b) => [b.col, b.count] as const), spans: mergeSpans(w.spans, t0, t1, colMs).map(span) })),
    // Per column the lowest, highest and last level (null: unchanged); the level at the range start.
    power: o.power.map((p) => {
      const pts = [{ t: t0, v: p.initialW }, ...p.steps.map((s) => ({ t: s.t, v: s.levelW }))];
      const over = pts.flatMap((q, i) => (q.v > p.limitW ? [{ start: q.t, end: pts[i + 1]?.t ?? t1 }] : []));
      const lv = columnLevels(pts, t0, t1, n, false);
      return {
        rule: p.rule, limitW: p.limitW, peakW: Math.max(...pts.map((q) => q.v)), startW: r3(lv.start),
        columns: lv.columns.map((c) => c && c.map(r3)), over: mergeSpans(over, t0, t1, colMs).map(span),
      };
    }),
    // The fill, piecewise linear between its corners, the same way in bits.
    dataVolume: o.dataVolume.map((d) => {
      const lv = columnLevels(d.points.map((q) => ({ t: q.t, v: q.bits })), t0, t1, n, true);
      return {
        rule: d.rule, memoryBits: d.memoryBits, downlinkRateBps: d.downlinkRateBps, peakBits: Math.max(0, ...d.points.map((q) => q.bits)), startBits: Math.round(lv.start),
        columns: lv.columns.map((c) => c && c.map(Math.round)),
        overflows: mergeSpans(d.overflows.map((f) => ({ start: f.t, end: f.until ?? t1 })), t0, t1, colMs).map(span),
      };
    }),
    errors: report.errors, warnings: report.warnings,
    findingCount: report.violations.length,
    /** Timed findings per column and severity (the rules among them). */
    findingBins: (['error', 'warning'] as const).flatMap((sev) => binByColumn(timedFindings.filter((v) => v.severity === sev), (v) => Date.parse(v.time!), t0, t1, n).map((b) => ({
      col: b.col, severity: sev, count: b.count, rule: b.first.rule, ...(b.count === 1 ? { time: b.first.time! } : {}),
    }))),
    findings: report.violations.slice(0, PLAN_LIST_LIMIT).map((v) => ({ rule: v.rule, severity: v.severity, index: v.index, command: v.command, time: v.time, message: v.message })),
  };
}
export type PlanPageData = NonNullable<Awaited<ReturnType<typeof planPageData>>>;

const commandRow = (c: Plan['commands'][number]) => ({ index: c.index, time: Number.isFinite(c.t) ? iso(c.t) : null, command: c.command, parameters: c.parameters });

/** Eclipses merged below a column within each kind, back in time order. */
function mergeKinds(eclipses: readonly (Spn & { kind: 'umbra' | 'penumbra' })[], t0: number, t1: number, gap: number) {
  return (['umbra', 'penumbra'] as const).flatMap((kind) => mergeSpans(eclipses.filter((e) => e.kind === kind), t0, t1, gap).map((e) => ({ kind, start: e.start, end: e.end })))
    .sort((a, b) => a.start - b.start);
}

/** A page of a plan's commands (the plan file read again: cheap, no validation); undefined as planPageData. */
export async function planCommands(src: PlanSource | undefined, user: ConsoleUser, name: string, offset: number, limit: number) {
  if (!src || !(await visiblePlans(src, user)).includes(name)) return undefined;
  const plan = src.load(path.join(src.dir, name));
  if (!maySee(user, plan.instrument)) return undefined;
  const from = Math.max(0, Math.floor(offset));
  return { total: plan.commands.length, offset: from, commands: plan.commands.slice(from, from + Math.max(1, Math.min(1000, Math.floor(limit)))).map(commandRow) };
}
