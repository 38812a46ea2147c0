/**
 * @module The plan page's series reduced to what a timeline `cols` columns wide can show, so a 10,000-command,
 * 7-day plan reaches the browser as a few thousand numbers and not as one SVG element per command: events
 * counted per column, spans closer than a column merged, curves kept as each column's first, lowest, highest
 * and last point (the envelope a line of one pixel per column draws), modes as the one holding most of each column.
 */

export interface Spn { readonly start: number; readonly end: number }

/** Column of instant `t` in [t0, t1] split into `cols` equal columns (clamped to the first and last). */
export const columnOf = (t: number, t0: number, t1: number, cols: number): number =>
  Math.min(cols - 1, Math.max(0, Math.floor(((t - t0) / Math.max(1, t1 - t0)) * cols)));

/** One column's events: how many, the first and last (by time) of them. */
export interface Bin<T> { readonly col: number; readonly count: number; readonly first: T; readonly last: T }

/** Events (with their instant) counted per column; only the columns that have some, in column order. */
export function binByColumn<T>(items: readonly T[], timeOf: (x: T) => number, t0: number, t1: number, cols: number): Bin<T>[] {
  const bins = new Map<number, { col: number; count: number; first: T; last: T; tf: number; tl: number }>();
  for (const x of items) {
    const t = timeOf(x);
    if (!Number.isFinite(t) || t < t0 || t > t1) continue;
    const col = columnOf(t, t0, t1, cols);
    const b = bins.get(col);
    if (!b) bins.set(col, { col, count: 1, first: x, last: x, tf: t, tl: t });
    else {
      b.count++;
      if (t < b.tf) { b.first = x; b.tf = t; }
      if (t >= b.tl) { b.last = x; b.tl = t; }
    }
  }
  return [...bins.values()].sort((a, b) => a.col - b.col).map(({ col, count, first, last }) => ({ col, count, first, last }));
}

/** Spans cut to [t0, t1], sorted, those less than `minGap` apart merged (the count of originals kept). */
export function mergeSpans(spans: readonly Spn[], t0: number, t1: number, minGap: number): (Spn & { count: number })[] {
  const cut = spans.map((s) => ({ start: Math.max(t0, s.start), end: Math.min(t1, s.end) })).filter((s) => s.end >= s.start && s.start <= t1 && s.end >= t0)
    .sort((a, b) => a.start - b.start);
  const out: (Spn & { count: number })[] = [];
  for (const s of cut) {
    const last = out[out.length - 1];
    if (last && s.start - last.end < minGap) { out[out.length - 1] = { start: last.start, end: Math.max(last.end, s.end), count: last.count + 1 }; continue; }
    out.push({ ...s, count: 1 });
  }
  return out;
}

/**
 * A curve (points in time order) per column: its lowest, highest and last value in each column, null where it
 * stays at the previous column's last value; `start` its value at t0. What a line one column wide draws, every
 * peak kept. `linear`: straight between the points (else a step function: each point's value holds until the next).
 */
export function columnLevels(points: readonly { t: number; v: number }[], t0: number, t1: number, cols: number, linear: boolean): { start: number; columns: ([number, number, number] | null)[] } {
  const w = (t1 - t0) / cols;
  let i = 0;
  const at = (t: number): number => {
    // Value at t: the points up to index i are at or before t (the caller moves i forward).
    while (i < points.length && points[i]!.t <= t) i++;
    const prev = points[i - 1];
    const next = points[i];
    if (!prev) return next ? next.v : 0;
    if (!linear || !next || next.t === prev.t) return prev.v;
    return prev.v + ((next.v - prev.v) * (t - prev.t)) / (next.t - prev.t);
  };
  const start = at(t0);
  let last = start;
  const columns: ([number, number, number] | null)[] = [];
  for (let c = 0; c < cols; c++) {
    const b = c === cols - 1 ? t1 : t0 + (c + 1) * w;
    let lo = last;
    let hi = last;
    while (i < points.length && points[i]!.t < b) { const v = points[i]!.v; if (v < lo) lo = v; if (v > hi) hi = v; i++; }
    const end = at(b);
    if (end < lo) lo = end;
    if (end > hi) hi = end;
    columns.push(lo === last && hi === last && end === last ? null : [lo, hi, end]);
    last = end;
  }
  return { start, columns };
}

/**
 * Mode spans reduced to what `cols` columns show: each column takes the mode holding most of it, and runs of
 * columns of one mode are one span (a plan with fewer than a quarter as many spans as columns keeps them as they are).
 */
export function dominantModes(modes: readonly (Spn & { mode: string })[], t0: number, t1: number, cols: number): (Spn & { mode: string })[] {
  const inRange = modes.filter((m) => m.end > t0 && m.start < t1).map((m) => ({ mode: m.mode, start: Math.max(t0, m.start), end: Math.min(t1, m.end) }));
  const w = (t1 - t0) / cols;
  if (inRange.length <= cols / 4 || w <= 0) return inRange;
  const out: (Spn & { mode: string })[] = [];
  const push = (mode: string, start: number, end: number) => {
    const last = out[out.length - 1];
    if (last && last.mode === mode && last.end >= start) out[out.length - 1] = { mode, start: last.start, end };
    else out.push({ mode, start, end });
  };
  let i = 0;
  for (let c = 0; c < cols; c++) {
    const a = t0 + c * w;
    const b = c === cols - 1 ? t1 : a + w;
    const share = new Map<string, number>();
    while (i < inRange.length && inRange[i]!.end <= a) i++;
    for (let j = i; j < inRange.length && inRange[j]!.start < b; j++) {
      const m = inRange[j]!;
      share.set(m.mode, (share.get(m.mode) ?? 0) + Math.min(b, m.end) - Math.max(a, m.start));
    }
    let best: string | undefined;
    for (const [mode, d] of share) if (best === undefined || d > share.get(best)!) best = mode;
    if (best !== undefined) push(best, a, b);
  }
  return out;
}
