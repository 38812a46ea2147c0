/**
 * @module Benchmark: what the console's plan page costs over plain validation. The 7-day, 10,000-command plan of
 * planning.bench.ts, validated (`validatePlan`, the baseline) and laid out (`planOverview`: the same validation
 * plus eclipses, every station's passes, constraint windows, power and data-volume curves over the one geometry
 * scan), alternating A/B within the same run so the machine's load falls on both alike.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planOverview } from '../planning/validate/overview.js';
import { validatePlan } from '../planning/validate/validate.js';
import { median } from './_common.js';
import { benchPlanInput } from './planning.bench.js';


/** Median of `runs` (≥ 5) of each, alternating; the overview's median is the one reported, the validation beside it. */
export async function benchPlanOverview(runs = 5): Promise<{ name: string; medianMs: number; runs: number; validateMedianMs: number; ratio: number; passes: number; eclipses: number; curvePoints: number }> {
  const input = await benchPlanInput();
  const a: number[] = [];
  const b: number[] = [];
  const n = Math.max(5, runs);
  let o: ReturnType<typeof planOverview> | undefined;
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    validatePlan(input);
    a.push(performance.now() - t);
    t = performance.now();
    o = planOverview(input);
    b.push(performance.now() - t);
  }
  const va = median(a);
  const vb = median(b);
  return {
    name: 'plan overview (console plan page): 10,000 commands over 7 days, validation + eclipses, passes, windows, power and memory curves',
    medianMs: vb, runs: n, validateMedianMs: va, ratio: vb / va, passes: o!.passes.length, eclipses: o!.eclipses.length,
    curvePoints: o!.power.reduce((s, p) => s + p.steps.length, 0) + o!.dataVolume.reduce((s, d) => s + d.points.length, 0),
  };
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) benchPlanOverview().then((r) => console.log(JSON.stringify(r)));
