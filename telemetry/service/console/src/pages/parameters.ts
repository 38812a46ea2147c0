/** @module Parameters: choose parameters and a range, plot them with uPlot (zoom by dragging), limits and out-of-limit marks, export CSV/PNG. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type Me } from '../api.js';
import { announce, h } from '../dom.js';

type Range = { minInclusive?: number; minExclusive?: number; maxInclusive?: number; maxExclusive?: number };
interface Param { name: string; unit: string | null; description: string | null; limits: { form: string; ranges: Record<string, Range> } | null }
interface Series { name: string; unit: string | null; limits: Param['limits']; t: number[]; v: (number | null)[]; limit: number[] }

const COLORS = ['#0b5394', '#b45f06', '#38761d', '#741b47', '#134f5c', '#7f6000'];

export async function parametersPage(main: HTMLElement, _me: Me, params: URLSearchParams): Promise<() => void> {
  const { parameters } = await api<{ parameters: Param[] }>('parameters');
  const pick = h('select', { id: 'p-names', name: 'names', multiple: true, size: Math.min(8, Math.max(3, parameters.length)) },
    parameters.map((p) => h('option', { value: p.name, selected: (params.get('names') ?? '').split(',').includes(p.name) }, `${p.name}${p.unit ? ` [${p.unit}]` : ''}${p.limits ? ' (limits)' : ''}`)));
  const form = h('form', { class: 'range', 'aria-label': 'Parameters and range' },
    h('label', { for: 'p-names' }, 'Parameters'), pick,
    h('label', { for: 'p-from' }, 'From (UTC)'), h('input', { id: 'p-from', name: 'from', placeholder: '2026-01-01T00:00:00Z', value: params.get('from') ?? '' }),
    h('label', { for: 'p-to' }, 'To (UTC)'), h('input', { id: 'p-to', name: 'to', placeholder: '2026-01-01T01:00:00Z', value: params.get('to') ?? '' }),
    h('button', { type: 'submit' }, 'Plot'));
  const info = h('p', { role: 'status', 'data-testid': 'plot-info' });
  const chartBox = h('div', { class: 'chart', role: 'img', 'aria-label': 'Parameter plot', 'data-testid': 'chart' });
  const exports = h('p', { class: 'exports' });
  main.append(parameters.length ? form : h('p', {}, 'No mission database: start the console with --tmdb to plot parameters.'), info, chartBox, exports);
  let plot: uPlot | undefined;
  const ro = new ResizeObserver(() => plot?.setSize({ width: chartBox.clientWidth, height: Math.max(260, Math.round(window.innerHeight * 0.45)) }));
  ro.observe(chartBox);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const names = [...pick.selectedOptions].map((o) => o.value);
    if (!names.length) { info.textContent = 'Choose at least one parameter.'; return; }
    const q = new URLSearchParams({ names: names.join(',') });
    const fd = new FormData(form);
    for (const k of ['from', 'to']) { const v = String(fd.get(k) ?? '').trim(); if (v) q.set(k, v); }
    void api<{ truncated: boolean; series: Series[] }>(`parameters/series?${q}`).then((r) => draw(r.series, r.truncated), (e: Error) => { info.textContent = e.message; });
  });

  function draw(series: Series[], truncated: boolean) {
    // One shared time axis: the union of the series' times, each series null where it has no sample.
    const times = [...new Set(series.flatMap((x) => x.t))].sort((a, b) => a - b);
    const idx = new Map(times.map((t, i) => [t, i]));
    const cols = series.map((x) => { const col: (number | null)[] = new Array<number | null>(times.length).fill(null); x.t.forEach((t, i) => { col[idx.get(t)!] = x.v[i]!; }); return col; });
    const outCols = series.map((x) => { const col: (number | null)[] = new Array<number | null>(times.length).fill(null); x.t.forEach((t, i) => { if (x.limit[i]! > 0) col[idx.get(t)!] = x.v[i]!; }); return col; });
    const out = outCols.map((c) => c.filter((v) => v !== null).length);
    const limitLines: { y: number; label: string }[] = [];
    for (const x of series) for (const [level, r] of Object.entries(x.limits?.ranges ?? {})) {
      for (const v of [r.minInclusive, r.minExclusive, r.maxInclusive, r.maxExclusive]) if (v !== undefined) limitLines.push({ y: v, label: `${x.name} ${level}` });
    }
    info.textContent = `${series.map((x, i) => `${x.name}: ${x.t.length} samples, ${out[i]} out of limits`).join('; ')}${truncated ? ' (first 200,000 packets only)' : ''}`;
    chartBox.setAttribute('data-out-of-limits', String(out.reduce((a, b) => a + b, 0)));
    chartBox.setAttribute('data-limit-lines', String(limitLines.length));
    announce(info.textContent);
    plot?.destroy();
    const opts: uPlot.Options = {
      width: chartBox.clientWidth || 800, height: Math.max(260, Math.round(window.innerHeight * 0.45)),
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      // Axis ticks in UTC, whatever the browser's zone.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      axes: [{ label: 'UTC' }, { label: series.map((x) => `${x.name}${x.unit ? ` [${x.unit}]` : ''}`).join(', ') }],
      series: [{ label: 'time (UTC)', value: (_u, v) => (v === null ? '–' : new Date(v * 1000).toISOString()) },
        ...series.map((x, i) => ({ label: x.name, stroke: COLORS[i % COLORS.length]!, width: 1.5, spanGaps: false })),
        ...series.map((x) => ({ label: `${x.name} out of limits`, stroke: '#c00', width: 0, points: { show: true, size: 7, stroke: '#c00', fill: '#c00' } }))],
      hooks: { setScale: [(u, key) => {
        if (key !== 'x') return;
        chartBox.setAttribute('data-x-min', String(u.scales['x']!.min));
        chartBox.setAttribute('data-x-max', String(u.scales['x']!.max));
      }], draw: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#c00';
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1;
        ctx.fillStyle = '#900';
        ctx.font = `${11 * devicePixelRatio}px sans-serif`;
        for (const l of limitLines) {
          const y = u.valToPos(l.y, 'y', true);
          if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) continue;
          ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke();
          ctx.fillText(l.label, u.bbox.left + u.bbox.width - ctx.measureText(l.label).width - 6, y - 4);
        }
        ctx.restore();
      }] },
    };
    plot = new uPlot(opts, [times, ...cols, ...outCols] as uPlot.AlignedData, chartBox);
    // The keyboard's zoom: the plot is one Tab stop; + and − zoom about the middle, the arrows pan, Home shows all.
    chartBox.tabIndex = 0;
    chartBox.setAttribute('aria-label', `Parameter plot of ${series.map((x) => x.name).join(', ')}: + and - zoom, left and right arrows pan, Home shows the whole range`);
    chartBox.setAttribute('aria-keyshortcuts', '+ - ArrowLeft ArrowRight Home');
    const csv = ['time,' + series.map((x) => x.name).join(','), ...times.map((t, i) => `${new Date(t * 1000).toISOString()},${cols.map((c) => c[i] ?? '').join(',')}`)].join('\r\n') + '\r\n';
    exports.replaceChildren(
      h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: 'parameters.csv' }, 'Export CSV'), ' ',
      h('button', { type: 'button', onclick: () => {
        const a = h('a', { href: plot!.ctx.canvas.toDataURL('image/png'), download: 'parameters.png' });
        a.click();
      } }, 'Export PNG'), ' ',
      h('button', { type: 'button', onclick: () => plot!.setScale('x', { min: times[0]!, max: times[times.length - 1]! }) }, 'Reset zoom'));
  }
  chartBox.addEventListener('keydown', (ev) => {
    const u = plot;
    if (!u) return;
    const lo = u.scales['x']!.min!;
    const hi = u.scales['x']!.max!;
    const mid = (lo + hi) / 2;
    const half = (hi - lo) / 2;
    const all = u.data[0];
    let next: [number, number] | undefined;
    if (ev.key === '+' || ev.key === '=') next = [mid - half / 2, mid + half / 2];
    else if (ev.key === '-' || ev.key === '_') next = [mid - half * 2, mid + half * 2];
    else if (ev.key === 'ArrowLeft') next = [lo - half / 2, hi - half / 2];
    else if (ev.key === 'ArrowRight') next = [lo + half / 2, hi + half / 2];
    else if (ev.key === 'Home') next = [all[0]!, all[all.length - 1]!];
    if (!next) return;
    ev.preventDefault();
    u.setScale('x', { min: next[0], max: next[1] });
    announce(`Showing ${new Date(next[0] * 1000).toISOString()} to ${new Date(next[1] * 1000).toISOString()}`);
  });
  return () => { ro.disconnect(); plot?.destroy(); };
}
