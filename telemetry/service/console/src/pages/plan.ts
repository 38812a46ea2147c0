/**
 * @module Plan: a plan's timeline on one time axis, lane by lane (modes, commands, the windows of each constraint
 * set, eclipses, each station's passes, the power and data-volume curves against their limits), with the
 * validation findings marked at their times across every lane, and the findings and commands as tables. The
 * server computes every series (planning's planOverview); the page only draws them.
 */
import { api, type Me } from '../api.js';
import { h, s, table, time } from '../dom.js';

interface Span { start: string; end: string }
interface Finding { rule: string; severity: 'error' | 'warning'; index: number | null; command: string | null; time: string | null; message: string }
interface Timeline {
  name: string; instrument: string; description: string | null; validity: Span; range: Span; geometry: boolean;
  commands: { index: number; time: string | null; command: string; parameters: Record<string, unknown> }[];
  modes: (Span & { mode: string })[];
  eclipses: (Span & { kind: 'umbra' | 'penumbra' })[];
  passes: (Span & { station: string })[];
  windows: { label: string; commands: number[]; spans: Span[] }[];
  power: { rule: string; limitW: number; points: { time: string; watts: number; index?: number }[] }[];
  dataVolume: { rule: string; memoryBits: number; downlinkRateBps: number; points: { time: string; bits: number }[]; overflows: { time: string; until: string; index: number | null }[] }[];
  errors: number; warnings: number; findings: Finding[];
}

const W = 1000;
const LEFT = 150;
const LANE = 22;
const CHART = 90;
const MAX_WINDOW_LANES = 8;

/** The timeline as one SVG: lane names on the left, the plan's range across. */
function timelineSvg(t: Timeline): SVGElement {
  const t0 = Date.parse(t.range.start);
  const t1 = Date.parse(t.range.end);
  const x = (iso: string) => LEFT + ((Date.parse(iso) - t0) / Math.max(1, t1 - t0)) * (W - LEFT - 10);
  const parts: SVGElement[] = [];
  let y = 6;
  const laneName = (name: string, height: number) => parts.push(s('text', { x: 4, y: y + height / 2 + 4, class: 'lane-name' }, name));
  const lane = (name: string, testid: string, children: SVGElement[], height = LANE) => {
    laneName(name, height);
    parts.push(s('rect', { x: LEFT, y, width: W - LEFT - 10, height, class: 'lane-bg' }));
    parts.push(s('g', { 'data-testid': testid }, ...children));
    y += height + 6;
  };
  const bar = (a: string, b: string, cls: string, title: string, extra: Record<string, string | number> = {}) =>
    s('rect', { x: x(a), y, width: Math.max(1.5, x(b) - x(a)), height: LANE, class: cls, ...extra }, s('title', {}, title));

  const modeNames = [...new Set(t.modes.map((m) => m.mode))];
  lane('modes', 'lane-modes', [
    ...t.modes.map((m) => bar(m.start, m.end, `mode m${modeNames.indexOf(m.mode) % 6}`, `${m.mode} ${time(m.start)} – ${time(m.end)}`)),
    ...t.modes.filter((m) => x(m.end) - x(m.start) > 60).map((m) => s('text', { x: x(m.start) + 4, y: y + 15, class: 'mode-label' }, m.mode)),
  ]);
  lane('commands', 'lane-commands', t.commands.filter((c) => c.time).map((c) =>
    s('line', { x1: x(c.time!), x2: x(c.time!), y1: y + 2, y2: y + LANE - 2, class: 'cmd', 'data-index': c.index }, s('title', {}, `#${c.index} ${time(c.time)} ${c.command}`))));
  // One lane per constraint set, at most MAX_WINDOW_LANES (the rest are named in the caption).
  for (const w of t.windows.slice(0, MAX_WINDOW_LANES)) {
    lane(`window: ${w.label}`.slice(0, 24), 'lane-window', [
      ...w.spans.map((sp) => bar(sp.start, sp.end, 'window', `${w.label}: ${time(sp.start)} – ${time(sp.end)} (commands ${w.commands.join(', ')})`)),
      ...w.commands.flatMap((i) => { const c = t.commands[i]; return c?.time ? [s('circle', { cx: x(c.time), cy: y + LANE / 2, r: 3.5, class: 'window-cmd' }, s('title', {}, `#${i} ${c.command}`))] : []; }),
    ]);
  }
  if (t.geometry) {
    lane('eclipses', 'lane-eclipses', t.eclipses.map((e) => bar(e.start, e.end, `eclipse ${e.kind}`, `${e.kind} ${time(e.start)} – ${time(e.end)}`, { 'data-kind': e.kind })));
    for (const st of [...new Set(t.passes.map((p) => p.station))].sort()) {
      lane(`pass ${st}`, 'lane-passes', t.passes.filter((p) => p.station === st).map((p) => bar(p.start, p.end, 'pass', `${st} pass ${time(p.start)} – ${time(p.end)}`)));
    }
  }
  // Curves: y grows downwards; the limit line at a fixed fraction so the excursions above it are visible.
  for (const p of t.power) {
    const top = Math.max(p.limitW * 1.15, ...p.points.map((q) => q.watts), 1);
    const yv = (v: number) => y + CHART - (v / top) * CHART;
    // A step function: horizontal to each change, then vertical to the new level.
    const d = p.points.map((q, i) => (i === 0 ? `M${x(q.time).toFixed(1)},${yv(q.watts).toFixed(1)}` : `H${x(q.time).toFixed(1)}V${yv(q.watts).toFixed(1)}`)).join('') + `H${x(t.range.end).toFixed(1)}`;
    const over: SVGElement[] = [];
    p.points.forEach((q, i) => {
      if (q.watts <= p.limitW) return;
      const end = p.points[i + 1]?.time ?? t.range.end;
      over.push(s('rect', { x: x(q.time), y: yv(top), width: Math.max(1.5, x(end) - x(q.time)), height: yv(p.limitW) - yv(top), class: 'over', 'data-testid': 'power-over' }, s('title', {}, `${q.watts} W above the ${p.limitW} W allocation from ${time(q.time)}`)));
    });
    lane(`power ${p.rule} (W)`, 'lane-power', [
      ...over,
      s('line', { x1: LEFT, x2: W - 10, y1: yv(p.limitW), y2: yv(p.limitW), class: 'limit' }, s('title', {}, `allocation ${p.limitW} W`)),
      s('path', { d, class: 'curve', 'data-testid': 'power-curve', 'data-peak': Math.max(...p.points.map((q) => q.watts)), 'data-limit': p.limitW }),
      s('text', { x: W - 14, y: yv(p.limitW) - 3, class: 'axis-label', 'text-anchor': 'end' }, `${p.limitW} W`),
    ], CHART);
  }
  for (const d of t.dataVolume) {
    const top = d.memoryBits * 1.15;
    const yv = (v: number) => y + CHART - (v / top) * CHART;
    const path = d.points.map((q, i) => `${i === 0 ? 'M' : 'L'}${x(q.time).toFixed(1)},${yv(q.bits).toFixed(1)}`).join('');
    lane(`memory ${d.rule} (Mbit)`, 'lane-memory', [
      ...d.overflows.map((f) => s('rect', { x: x(f.time), y: yv(top), width: Math.max(1.5, x(f.until) - x(f.time)), height: yv(d.memoryBits) - yv(top), class: 'over', 'data-testid': 'memory-full' }, s('title', {}, `memory full ${time(f.time)} – ${time(f.until)}: data lost`))),
      s('line', { x1: LEFT, x2: W - 10, y1: yv(d.memoryBits), y2: yv(d.memoryBits), class: 'limit' }, s('title', {}, `memory ${d.memoryBits / 1e6} Mbit`)),
      s('path', { d: path, class: 'curve', 'data-testid': 'memory-curve', 'data-peak': Math.max(...d.points.map((q) => q.bits)), 'data-limit': d.memoryBits }),
      s('text', { x: W - 14, y: yv(d.memoryBits) - 3, class: 'axis-label', 'text-anchor': 'end' }, `${d.memoryBits / 1e6} Mbit`),
    ], CHART);
  }
  // Findings: a dot in their own lane, and a faint line through every lane above it at the same time.
  const timed = t.findings.filter((f) => f.time);
  const bottom = y;
  lane('findings', 'lane-findings', timed.flatMap((f) => [
    s('line', { x1: x(f.time!), x2: x(f.time!), y1: 4, y2: bottom, class: `finding-line ${f.severity}` }),
    s('circle', { cx: x(f.time!), cy: bottom + LANE / 2, r: 6, class: `finding ${f.severity}`, 'data-testid': 'finding-mark', 'data-rule': f.rule }, s('title', {}, `${time(f.time)} ${f.severity} ${f.rule}: ${f.message}`)),
  ]));
  // Hour ticks under the lanes.
  const ticks: SVGElement[] = [];
  const stepMs = Math.max(3600_000, Math.ceil((t1 - t0) / 8 / 3600_000) * 3600_000);
  for (let ms = Math.ceil(t0 / stepMs) * stepMs; ms <= t1; ms += stepMs) {
    const iso = new Date(ms).toISOString();
    ticks.push(s('line', { x1: x(iso), x2: x(iso), y1: y - 4, y2: y + 2, class: 'tick' }), s('text', { x: x(iso), y: y + 14, class: 'axis-label', 'text-anchor': 'middle' }, iso.slice(11, 16)));
  }
  parts.push(...ticks);
  y += 20;
  const lanes = 2 + Math.min(MAX_WINDOW_LANES, t.windows.length) + (t.geometry ? 1 + new Set(t.passes.map((p) => p.station)).size : 0);
  return s('svg', {
    viewBox: `0 0 ${W} ${y}`, class: 'plan-svg', role: 'img', 'data-testid': 'plan-timeline',
    'aria-label': `Timeline of ${t.name} from ${time(t.range.start)} to ${time(t.range.end)}: ${lanes} lanes, ${t.commands.length} commands, ${t.eclipses.length} eclipses, ${t.passes.length} passes, ${t.power.length + t.dataVolume.length} resource curves, ${t.errors} errors and ${t.warnings} warnings`,
  }, ...parts);
}

export async function planPage(main: HTMLElement, _me: Me, params: URLSearchParams): Promise<void> {
  const { plans } = await api<{ plans: string[] }>('plans');
  const sel = h('select', { id: 'plan-name' }, h('option', { value: '' }, plans.length ? 'choose a plan' : 'no plans'), plans.map((p) => h('option', { value: p, selected: params.get('name') === p }, p)));
  const out = h('div', { class: 'plan' });
  main.append(h('p', {}, h('label', { for: 'plan-name' }, 'Plan '), sel), out);
  const show = async (name: string) => {
    if (!name) { out.replaceChildren(); return; }
    out.replaceChildren(h('p', { role: 'status' }, `Validating ${name}…`));
    let t: Timeline;
    try { t = await api<Timeline>(`plans/${encodeURIComponent(name)}`); } catch (e) { out.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message)); return; }
    out.replaceChildren(
      h('p', { 'data-testid': 'plan-summary' }, `${t.name} (${t.instrument}): ${t.commands.length} commands, ${time(t.validity.start)} – ${time(t.validity.end)}; ${t.errors} error(s), ${t.warnings} warning(s)`),
      t.description ? h('p', {}, t.description) : '',
      t.geometry ? '' : h('p', { class: 'warn' }, 'No ephemeris configured (--ephemeris): no eclipses, passes or windows.'),
      h('figure', { class: 'plan-fig' }, timelineSvg(t), h('figcaption', {},
        'Modes; commands (ticks); each constraint set\'s windows (bars) and its commands (dots); eclipses (dark: umbra, grey: penumbra); passes per station; power and on-board memory against their limits (dashed; red: above); findings (dots and lines: red errors, amber warnings). Hover for details.',
        t.windows.length > MAX_WINDOW_LANES ? ` ${t.windows.length - MAX_WINDOW_LANES} more constraint set(s) not drawn: ${t.windows.slice(MAX_WINDOW_LANES).map((w) => w.label).join('; ')}.` : '')),
      table('Findings', ['time', 'severity', 'rule', 'command', 'message'], t.findings.map((f) => [time(f.time), h('span', { class: f.severity }, f.severity), f.rule, f.index !== null ? `#${f.index} ${f.command ?? ''}` : 'plan', f.message]), { 'data-testid': 'findings' }),
      table('Passes', ['station', 'AOS', 'LOS'], t.passes.map((p) => [p.station, time(p.start), time(p.end)]), { 'data-testid': 'passes' }),
      table('Eclipses', ['kind', 'entry', 'exit'], t.eclipses.map((e) => [e.kind, time(e.start), time(e.end)]), { 'data-testid': 'eclipses' }),
      table('Commands', ['#', 'time', 'command', 'parameters'], t.commands.map((c) => [String(c.index), time(c.time), c.command, JSON.stringify(c.parameters)])));
  };
  sel.addEventListener('change', () => void show(sel.value));
  if (sel.value) await show(sel.value);
}
