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

/** One plan's timeline for the page; undefined when the file is not in the folder or not the user's. */
export async function planPageData(src: PlanSource | undefined, user: ConsoleUser, name: string) {
  if (!src || !(await visiblePlans(src, user)).includes(name)) return undefined;
  const { plan, overview: o } = await src.overview(path.join(src.dir, name));
  if (!maySee(user, plan.instrument)) return undefined;
  const { report } = o;
  return {
    name: plan.name, instrument: plan.instrument, description: plan.description ?? null,
    validity: { start: iso(plan.validity.start), end: iso(plan.validity.end) },
    range: { start: iso(o.range.start), end: iso(o.range.end) },
    geometry: o.geometry,
    commands: plan.commands.map((c) => ({ index: c.index, time: Number.isFinite(c.t) ? iso(c.t) : null, command: c.command, parameters: c.parameters })),
    modes: o.modes.map((m) => ({ mode: m.mode, start: iso(m.start), end: iso(m.end) })),
    eclipses: o.eclipses.map((e) => ({ kind: e.kind, start: iso(e.start), end: iso(e.end) })),
    passes: o.passes.map((p) => ({ station: p.station, start: iso(p.start), end: iso(p.end) })),
    windows: o.windows.map((w) => ({ label: w.label, commands: w.commands, spans: w.spans.map((s) => ({ start: iso(s.start), end: iso(s.end) })) })),
    // A step function: the level at the start, then after each change (the page draws steps).
    power: o.power.map((p) => ({
      rule: p.rule, limitW: p.limitW,
      points: [{ time: iso(o.range.start), watts: p.initialW }, ...p.steps.map((s) => ({ time: iso(s.t), watts: s.levelW, index: s.index }))],
    })),
    // Piecewise linear between the points.
    dataVolume: o.dataVolume.map((d) => ({
      rule: d.rule, memoryBits: d.memoryBits, downlinkRateBps: d.downlinkRateBps,
      points: d.points.map((q) => ({ time: iso(q.t), bits: q.bits })),
      overflows: d.overflows.map((f) => ({ time: iso(f.t), until: f.until === null ? iso(o.range.end) : iso(f.until), index: f.by?.index ?? null })),
    })),
    errors: report.errors, warnings: report.warnings,
    findings: report.violations.map((v) => ({ rule: v.rule, severity: v.severity, index: v.index, command: v.command, time: v.time, message: v.message })),
  };
}
export type PlanPageData = NonNullable<Awaited<ReturnType<typeof planPageData>>>;
