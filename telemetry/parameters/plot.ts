/**
 * @module Time-series charts of archived parameters as SVG 1.1 (W3C SVG 1.1 Second Edition), written directly:
 * one panel per parameter, stacked on a shared UTC time axis (ticks on whole seconds, minutes, hours or days,
 * labels in UTC), a value axis with round ticks (enumeration labels for enumerated parameters), the static
 * alarm range bounds drawn as dashed horizontal lines (one per bound and level, `data-value` holds the
 * value), and out-of-limit samples marked with a circle coloured by level. Samples are joined by a polyline,
 * broken at invalid samples; above {@link MAX_POINTS_PER_PIXEL} samples per horizontal pixel each pixel column
 * keeps its first, minimum, maximum and last sample (the drawn envelope is unchanged).
 * PNG: the SVG rasterised by resvg (`@resvg/resvg-js`).
 */
import { taiToUtcIso, taiToUtcUnix, utcUnixToTai } from '../../src/time/index.js';
import type { FloatRange } from '../../src/mdb/types.js';
import { ALARM_LEVELS } from '../../src/mdb/types.js';
import { Validity } from './compile.js';
import { engNumber, limitOf, validityOf, type ParameterSeries } from './archive.js';

export const MAX_POINTS_PER_PIXEL = 4;

export interface PlotOptions {
  /** Time range drawn, TAI (default: the samples' range). */
  readonly fromTai?: number;
  readonly toTai?: number;
  /** Whole image width in pixels (default 1000). */
  readonly width?: number;
  /** Height of one panel in pixels (default 220). */
  readonly panelHeight?: number;
}

const LEVEL_COLOUR: Readonly<Record<string, string>> = { watch: '#d4a000', warning: '#e07000', distress: '#d04000', critical: '#c00000', severe: '#800000' };
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (x: number): string => String(Math.round(x * 100) / 100);

/** Time tick steps, seconds. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000];

/** Ticks of a UTC axis over [t0, t1] (TAI), about `target` of them, on whole UTC units. */
export function timeTicks(t0: number, t1: number, target = 6): { tai: number; label: string }[] {
  const [u0, u1] = [taiToUtcUnix(t0), taiToUtcUnix(t1)];
  const span = Math.max(u1 - u0, 1e-9);
  const step = TIME_STEPS.find((s) => span / s <= target) ?? Math.ceil(span / target / 86400) * 86400;
  const out: { tai: number; label: string }[] = [];
  for (let u = Math.ceil(u0 / step) * step; u <= u1 + 1e-9; u += step) {
    const tai = utcUnixToTai(u);
    const iso = taiToUtcIso(tai, 0); // YYYY-MM-DDTHH:MM:SSZ
    const label = step >= 86400 ? iso.slice(0, 10) : step >= 60 ? `${iso.slice(11, 16)}` : iso.slice(11, 19);
    out.push({ tai, label: u === Math.ceil(u0 / step) * step && step < 86400 ? `${iso.slice(0, 10)} ${label}` : label });
  }
  return out;
}

/** Round value ticks over [lo, hi]. */
export function valueTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/** The bounds of the static alarm ranges: value and level. */
export function limitLines(s: ParameterSeries): { value: number; level: string }[] {
  const ranges = s.parameter.type.alarm?.staticRanges?.ranges;
  if (!ranges) return [];
  const out: { value: number; level: string }[] = [];
  for (const level of ALARM_LEVELS) {
    const r: FloatRange | undefined = ranges[level];
    if (!r) continue;
    for (const v of [r.minInclusive, r.minExclusive, r.maxInclusive, r.maxExclusive]) if (v !== undefined) out.push({ value: v, level });
  }
  return out;
}

/** The number plotted for sample k: the engineering number, else the raw number (enumerations, booleans). */
function plotted(s: ParameterSeries, k: number): number {
  const e = engNumber(s, k);
  if (!Number.isNaN(e)) return e;
  return s.raw instanceof Float64Array ? s.raw[k]! : NaN;
}

/** The SVG of `series` (one panel each). */
export function plotSvg(series: readonly ParameterSeries[], o: PlotOptions = {}): string {
  const width = o.width ?? 1000;
  const ph = o.panelHeight ?? 220;
  const [ml, mr, mt, mb] = [90, 20, 28, 34];
  const pw = width - ml - mr;
  let t0 = o.fromTai ?? Infinity;
  let t1 = o.toTai ?? -Infinity;
  if (o.fromTai === undefined || o.toTai === undefined) {
    for (const s of series) {
      for (let k = 0; k < s.length; k++) {
        const t = s.tai[k]!;
        if (Number.isNaN(t)) continue;
        if (o.fromTai === undefined && t < t0) t0 = t;
        if (o.toTai === undefined && t > t1) t1 = t;
      }
    }
  }
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) [t0, t1] = [0, 1];
  if (t1 <= t0) t1 = t0 + 1;
  const x = (t: number): number => ml + ((t - t0) / (t1 - t0)) * pw;
  const height = series.length * (ph + mt + mb) + 10;
  const parts: string[] = [];
  parts.push(`<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">\n`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>\n`);
  const ticks = timeTicks(t0, t1);
  series.forEach((s, i) => {
    const top = 10 + i * (ph + mt + mb) + mt;
    const bottom = top + ph;
    const limits = limitLines(s);
    let lo = Infinity;
    let hi = -Infinity;
    const idx: number[] = [];
    for (let k = 0; k < s.length; k++) {
      const t = s.tai[k]!;
      if (Number.isNaN(t) || t < t0 || t > t1) continue;
      idx.push(k);
      const v = plotted(s, k);
      if (validityOf(s.state[k]!) !== Validity.valid || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    for (const l of limits) {
      lo = Math.min(lo, l.value);
      hi = Math.max(hi, l.value);
    }
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    if (hi <= lo) [lo, hi] = [lo - 1, hi + 1];
    const pad = (hi - lo) * 0.05;
    [lo, hi] = [lo - pad, hi + pad];
    const y = (v: number): number => bottom - ((v - lo) / (hi - lo)) * ph;
    const unit = s.parameter.type.unit ? ` [${s.parameter.type.unit}]` : '';
    parts.push(`<g class="panel" data-parameter="${esc(s.parameter.name)}">\n`);
    parts.push(`<text x="${ml}" y="${top - 8}" font-size="13" font-weight="bold">${esc(s.parameter.name + unit)}${s.parameter.description ? ` <tspan font-weight="normal">${esc(s.parameter.description)}</tspan>` : ''}</text>\n`);
    parts.push(`<rect x="${ml}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>\n`);
    // Value axis: enumeration labels, else round numbers.
    const labels = s.parameter.type.kind === 'enumerated' ? (s.parameter.type.enumeration ?? []).filter((e) => e.value >= lo && e.value <= hi).slice(0, 16) : [];
    const yt = labels.length ? labels.map((e) => ({ v: e.value, text: e.label })) : valueTicks(lo, hi).map((v) => ({ v, text: String(v) }));
    for (const t of yt) {
      parts.push(`<line class="ytick" x1="${ml - 4}" x2="${ml + pw}" y1="${fmt(y(t.v))}" y2="${fmt(y(t.v))}" stroke="#e4e4e4"/>`);
      parts.push(`<text x="${ml - 6}" y="${fmt(y(t.v) + 4)}" text-anchor="end">${esc(t.text)}</text>\n`);
    }
    for (const t of ticks) {
      parts.push(`<line class="xtick" x1="${fmt(x(t.tai))}" x2="${fmt(x(t.tai))}" y1="${top}" y2="${bottom + 4}" stroke="#e4e4e4"/>`);
      parts.push(`<text x="${fmt(x(t.tai))}" y="${bottom + 16}" text-anchor="middle">${esc(t.label)}</text>\n`);
    }
    parts.push(`<text x="${ml + pw}" y="${bottom + 30}" text-anchor="end" fill="#666">UTC</text>\n`);
    // Limits.
    for (const l of limits) {
      parts.push(`<line class="limit limit-${l.level}" data-value="${l.value}" x1="${ml}" x2="${ml + pw}" y1="${fmt(y(l.value))}" y2="${fmt(y(l.value))}" stroke="${LEVEL_COLOUR[l.level]}" stroke-dasharray="6 4"/>\n`);
    }
    // Data: runs of valid samples, decimated per pixel column when dense.
    const dense = idx.length > MAX_POINTS_PER_PIXEL * pw;
    let run: string[] = [];
    let drawn = 0;
    const flush = () => {
      if (run.length) parts.push(`<polyline class="series" fill="none" stroke="#1f5fbf" stroke-width="1.2" points="${run.join(' ')}"/>\n`);
      drawn += run.length;
      run = [];
    };
    const point = (k: number) => run.push(`${fmt(x(s.tai[k]!))},${fmt(y(plotted(s, k)))}`);
    let col = -1;
    let colKs: number[] = [];
    const flushCol = () => {
      if (!colKs.length) return;
      const first = colKs[0]!;
      const last = colKs[colKs.length - 1]!;
      let kmin = first;
      let kmax = first;
      for (const k of colKs) {
        if (plotted(s, k) < plotted(s, kmin)) kmin = k;
        if (plotted(s, k) > plotted(s, kmax)) kmax = k;
      }
      for (const k of [...new Set([first, kmin, kmax, last])].sort((a, b) => a - b)) point(k);
      colKs = [];
    };
    for (const k of idx) {
      const v = plotted(s, k);
      if (validityOf(s.state[k]!) !== Validity.valid || !Number.isFinite(v)) {
        flushCol();
        flush();
        continue;
      }
      if (!dense) {
        point(k);
        continue;
      }
      const c = Math.floor(x(s.tai[k]!));
      if (c !== col) {
        flushCol();
        col = c;
      }
      colKs.push(k);
    }
    flushCol();
    flush();
    // Out-of-limit marks.
    for (const k of idx) {
      const lim = limitOf(s.state[k]!);
      if (lim === 0) continue;
      const level = ALARM_LEVELS[lim - 1]!;
      parts.push(`<circle class="ool ool-${level}" cx="${fmt(x(s.tai[k]!))}" cy="${fmt(y(plotted(s, k)))}" r="2.5" fill="${LEVEL_COLOUR[level]}"/>`);
    }
    parts.push(`\n<desc>${drawn} point(s) of ${idx.length} sample(s)</desc>\n</g>\n`);
  });
  parts.push('</svg>\n');
  return parts.join('');
}

/** The SVG rasterised to PNG by resvg (system fonts for the labels). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'sans-serif' }, background: '#ffffff' });
  return r.render().asPng();
}
