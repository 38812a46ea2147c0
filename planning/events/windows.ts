/**
 * @module Windows: sorted, disjoint time intervals where a condition holds, and their algebra (and, or, not,
 * minus). Intervals are closed [start, end] in Unix ms; touching or overlapping intervals merge; empty ones
 * are dropped. The planning constraints are built from these.
 */
import type { Interval, UnixMs } from '../geometry/types.js';

/** A normalised list of intervals: sorted by start, disjoint, non-empty. */
export type Windows = readonly Interval[];

/** Sort and merge any list of intervals into {@link Windows}. */
export function normalizeWindows(list: readonly Interval[]): Windows {
  const s = list.filter((w) => w.end > w.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const w of s) {
    const last = out.at(-1);
    if (last && w.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, w.end) };
    else out.push({ start: w.start, end: w.end });
  }
  return out;
}

/** Where both hold. */
export function andWindows(a: Windows, b: Windows): Windows {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
    if (x.end < y.end) i++; else j++;
  }
  return out;
}

/** Where either holds. */
export const orWindows = (a: Windows, b: Windows): Windows => normalizeWindows([...a, ...b]);

/** Where `a` does not hold, within `within`. */
export function notWindows(a: Windows, within: Interval): Windows {
  const out: Interval[] = [];
  let cursor = within.start;
  for (const w of a) {
    if (w.end <= within.start) continue;
    if (w.start >= within.end) break;
    if (w.start > cursor) out.push({ start: cursor, end: Math.min(w.start, within.end) });
    cursor = Math.max(cursor, w.end);
  }
  if (cursor < within.end) out.push({ start: cursor, end: within.end });
  return out;
}

/** Where `a` holds and `b` does not. */
export function minusWindows(a: Windows, b: Windows): Windows {
  if (a.length === 0) return [];
  return andWindows(a, notWindows(b, { start: a[0]!.start, end: a.at(-1)!.end }));
}

/** Windows at least `minMs` long. */
export const longerThan = (a: Windows, minMs: number): Windows => a.filter((w) => w.end - w.start >= minMs);

/** Total duration, ms. */
export const totalDuration = (a: Windows): number => a.reduce((s, w) => s + (w.end - w.start), 0);

/** Whether `t` lies in one of the windows. */
export function inWindows(a: Windows, t: UnixMs): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const w = a[mid]!;
    if (t < w.start) hi = mid - 1;
    else if (t > w.end) lo = mid + 1;
    else return true;
  }
  return false;
}
