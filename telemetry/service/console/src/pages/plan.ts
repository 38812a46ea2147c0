/**
 * @module Plan: a plan's timeline on one time axis, lane by lane (each mode rule's modes, commands, the windows of
 * each constraint set, eclipses, each station's passes, the power and data-volume curves against their limits),
 * with the validation findings marked at their times across every lane, and the findings and commands as tables.
 * The server computes every series, reduced to the timeline's columns (console-plan.ts): a 10,000-command plan is
 * drawn as counts per column and one path per curve, not one element per command. The findings list is
 * operated with the arrow keys; choosing a finding draws a cursor at its time.
 */
import { api, type Me } from '../api.js';
import { announce, fmt, h, s, table, time } from '../dom.js';

interface Span { start: string; end: string }
interface Finding { rule: string; severity: 'error' | 'warning'; index: number | null; command: string | null; time: string | null; message: string }
interface Command { index: number; time: string | null; command: string; parameters: Record<string, unknown> }
type Levels = ([number, number, number] | null)[];
interface Timeline {
  name: string; instrument: string; description: string | null; validity: Span; range: Span; columns: number; geometry: boolean;
  commandCount: number; commandBins: { col: number; count: number; first: number; last: number; command?: string }[]; commands: Command[];
  modeLanes: { rule: string | null; modes: (Span & { mode: string })[] }[];
  eclipses: (Span & { kind: 'umbra' | 'penumbra' })[];
  passes: (Span & { station: string })[];
  windows: { label: string; commandCount: number; commandBins: [number, number][]; spans: Span[] }[];
  power: { rule: string; limitW: number; peakW: number; startW: number; columns: Levels; over: Span[] }[];
  dataVolume: { rule: string; memoryBits: number; downlinkRateBps: number; peakBits: number; startBits: number; columns: Levels; overflows: Span[] }[];
  errors: number; warnings: number; findingCount: number;
  findingBins: { col: number; severity: 'error' | 'warning'; count: number; rule: string; time?: string }[];
  findings: Finding[];
}

const W = 1000;
const LEFT = 150;
const LANE = 22;
const CHART = 90;
const MAX_WINDOW_LANES = 8;
/** Up to this many column marks a lane draws one titled element each; above, one path. */
const TITLED_MARKS = 200;
const PAGE = 100;

/** The timeline as one SVG: lane names on the left, the plan's range across; `cursor` draws the chosen finding. */
function timelineSvg(t: Timeline): { svg: SVGElement; cursor: (iso: string | null) => void } {
  const t0 = Date.parse(t.range.start);
  const t1 = Date.parse(t.range.end);
  const span = W - LEFT - 10;
  const x = (iso: string) => LEFT + ((Date.parse(iso) - t0) / Math.max(1, t1 - t0)) * span;
  /** The middle of a column. */
  const cx = (col: number) => LEFT + ((col + 0.5) / t.columns) * span;
  const parts: SVGElement[] = [];
  let y = 6;
  const laneName = (name: string, height: number) => parts.push(s('text', { x: 4, y: y + height / 2 + 4, class: 'lane-name' }, name));
  const lane = (name: string, testid: string, children: SVGElement[], height = LANE) => {
    laneName(name, height);
    parts.push(s('rect', { x: LEFT, y, width: span, height, class: 'lane-bg' }));
    parts.push(s('g', { 'data-testid': testid }, ...children));
    y += height + 6;
  };
  const bar = (a: string, b: string, cls: string, title: string, extra: Record<string, string | number> = {}) =>
    s('rect', { x: x(a), y, width: Math.max(1.5, x(b) - x(a)), height: LANE, class: cls, ...extra }, s('title', {}, title));
  const f1 = (v: number) => v.toFixed(1);

  for (const l of t.modeLanes) {
    const modeNames = [...new Set(l.modes.map((m) => m.mode))];
    lane(l.rule ? `modes ${l.rule}`.slice(0, 24) : 'modes', 'lane-modes', [
      ...l.modes.map((m) => bar(m.start, m.end, `mode m${modeNames.indexOf(m.mode) % 6}`, `${l.rule ?? 'mode'}: ${m.mode} ${time(m.start)} – ${time(m.end)}`)),
      ...l.modes.filter((m) => x(m.end) - x(m.start) > 60).map((m) => s('text', { x: x(m.start) + 4, y: y + 15, class: 'mode-label' }, m.mode)),
    ]);
  }
  // Commands: a tick per column that has any, taller the more it has (log scale).
  const maxCount = Math.max(1, ...t.commandBins.map((b) => b.count));
  const tickTop = (n: number) => y + LANE - 2 - (LANE - 4) * (maxCount === 1 ? 1 : 0.35 + 0.65 * Math.log(n) / Math.log(maxCount));
  const binTitle = (b: Timeline['commandBins'][number]) => (b.count === 1 ? `#${b.first} ${b.command ?? ''}` : `${b.count} commands #${b.first}–#${b.last}`);
  lane('commands', 'lane-commands', t.commandBins.length <= TITLED_MARKS
    ? t.commandBins.map((b) => s('line', { x1: cx(b.col), x2: cx(b.col), y1: tickTop(b.count), y2: y + LANE - 2, class: 'cmd', 'data-count': b.count }, s('title', {}, binTitle(b))))
    : [s('path', { d: t.commandBins.map((b) => `M${f1(cx(b.col))},${f1(y + LANE - 2)}V${f1(tickTop(b.count))}`).join(''), class: 'cmd', 'data-bins': t.commandBins.length, 'data-count': t.commandBins.reduce((n, b) => n + b.count, 0) })]);
  // One lane per constraint set, at most MAX_WINDOW_LANES (the rest are named in the caption).
  for (const w of t.windows.slice(0, MAX_WINDOW_LANES)) {
    const dots = w.commandBins.length <= TITLED_MARKS
      ? w.commandBins.map(([col, n]) => s('circle', { cx: cx(col), cy: y + LANE / 2, r: 3.5, class: 'window-cmd' }, s('title', {}, `${n} command(s) needing ${w.label}`)))
      : [s('path', { d: w.commandBins.map(([col]) => `M${f1(cx(col) - 1.5)},${f1(y + LANE / 2)}h3`).join(''), class: 'window-cmds' })];
    lane(`window: ${w.label}`.slice(0, 24), 'lane-window', [
      ...w.spans.map((sp) => bar(sp.start, sp.end, 'window', `${w.label}: ${time(sp.start)} – ${time(sp.end)} (${w.commandCount} command(s) need it)`)),
      ...dots,
    ]);
  }
  if (t.geometry) {
    lane('eclipses', 'lane-eclipses', t.eclipses.map((e) => bar(e.start, e.end, `eclipse ${e.kind}`, `${e.kind} ${time(e.start)} – ${time(e.end)}`, { 'data-kind': e.kind })));
    for (const st of [...new Set(t.passes.map((p) => p.station))].sort()) {
      lane(`pass ${st}`, 'lane-passes', t.passes.filter((p) => p.station === st).map((p) => bar(p.start, p.end, 'pass', `${st} pass ${time(p.start)} – ${time(p.end)}`)));
    }
  }
  // Curves, one column at a time: from the last level, up and down to the column's extremes, then on at its last level.
  const curvePath = (start: number, cols: Levels, yv: (v: number) => number) => {
    let d = `M${LEFT},${f1(yv(start))}`;
    cols.forEach((c, i) => {
      if (!c) return;
      d += `H${f1(LEFT + (i / t.columns) * span)}V${f1(yv(c[1]))}V${f1(yv(c[0]))}V${f1(yv(c[2]))}`;
    });
    return `${d}H${W - 10}`;
  };
  // Curves: y grows downwards; the limit line at a fixed fraction so the excursions above it are visible.
  for (const p of t.power) {
    const top = Math.max(p.limitW * 1.15, p.peakW, 1);
    const yv = (v: number) => y + CHART - (v / top) * CHART;
    lane(`power ${p.rule} (W)`, 'lane-power', [
      ...p.over.map((o) => s('rect', { x: x(o.start), y: yv(top), width: Math.max(1.5, x(o.end) - x(o.start)), height: yv(p.limitW) - yv(top), class: 'over', 'data-testid': 'power-over' }, s('title', {}, `above the ${p.limitW} W allocation ${time(o.start)} – ${time(o.end)}`))),
      s('line', { x1: LEFT, x2: W - 10, y1: yv(p.limitW), y2: yv(p.limitW), class: 'limit' }, s('title', {}, `allocation ${p.limitW} W`)),
      s('path', { d: curvePath(p.startW, p.columns, yv), class: 'curve', 'data-testid': 'power-curve', 'data-peak': p.peakW, 'data-limit': p.limitW }),
      s('text', { x: W - 14, y: yv(p.limitW) - 3, class: 'axis-label', 'text-anchor': 'end' }, `${p.limitW} W`),
    ], CHART);
  }
  for (const d of t.dataVolume) {
    const top = Math.max(d.memoryBits * 1.15, d.peakBits);
    const yv = (v: number) => y + CHART - (v / top) * CHART;
    lane(`memory ${d.rule} (Mbit)`, 'lane-memory', [
      ...d.overflows.map((f) => s('rect', { x: x(f.start), y: yv(top), width: Math.max(1.5, x(f.end) - x(f.start)), height: yv(d.memoryBits) - yv(top), class: 'over', 'data-testid': 'memory-full' }, s('title', {}, `memory full ${time(f.start)} – ${time(f.end)}: data lost`))),
      s('line', { x1: LEFT, x2: W - 10, y1: yv(d.memoryBits), y2: yv(d.memoryBits), class: 'limit' }, s('title', {}, `memory ${d.memoryBits / 1e6} Mbit`)),
      s('path', { d: curvePath(d.startBits, d.columns, yv), class: 'curve', 'data-testid': 'memory-curve', 'data-peak': d.peakBits, 'data-limit': d.memoryBits }),
      s('text', { x: W - 14, y: yv(d.memoryBits) - 3, class: 'axis-label', 'text-anchor': 'end' }, `${d.memoryBits / 1e6} Mbit`),
    ], CHART);
  }
  // Findings: a dot per column (at the finding's time when alone in it) in their own lane, and (up to TITLED_MARKS) a faint line through every lane above.
  const bottom = y;
  const fx = (b: Timeline['findingBins'][number]) => (b.time ? x(b.time) : cx(b.col));
  const marks: SVGElement[] = [];
  for (const sev of ['error', 'warning'] as const) {
    const bins = t.findingBins.filter((b) => b.severity === sev);
    if (!bins.length) continue;
    if (t.findingBins.length <= TITLED_MARKS) {
      // A line through the lanes above at each finding (not when there are so many they would hide the lanes).
      marks.push(s('path', { d: bins.map((b) => `M${f1(fx(b))},4V${f1(bottom)}`).join(''), class: `finding-line ${sev}` }));
      marks.push(...bins.map((b) => s('circle', { cx: fx(b), cy: bottom + LANE / 2, r: 6, class: `finding ${sev}`, 'data-testid': 'finding-mark', 'data-rule': b.rule, 'data-count': b.count },
        s('title', {}, b.count === 1 ? `${time(b.time)} ${sev} ${b.rule}` : `${b.count} ${sev}s from ${b.rule}`))));
    } else {
      marks.push(s('path', { d: bins.map((b) => `M${f1(fx(b) - 4)},${f1(bottom + LANE / 2)}h8`).join(''), class: `finding-dots ${sev}`, 'data-testid': 'finding-marks', 'data-count': bins.reduce((n, b) => n + b.count, 0) }));
    }
  }
  lane('findings', 'lane-findings', marks);
  const cursor = s('line', { x1: 0, x2: 0, y1: 2, y2: bottom + LANE, class: 'finding-cursor', 'data-testid': 'finding-cursor', visibility: 'hidden' });
  parts.push(cursor);
  // Hour ticks under the lanes.
  const ticks: SVGElement[] = [];
  const stepMs = Math.max(3600_000, Math.ceil((t1 - t0) / 8 / 3600_000) * 3600_000);
  const label = (ms: number) => (t1 - t0 > 2 * 86400_000 ? new Date(ms).toISOString().slice(5, 16).replace('T', ' ') : new Date(ms).toISOString().slice(11, 16));
  for (let ms = Math.ceil(t0 / stepMs) * stepMs; ms <= t1; ms += stepMs) {
    const iso = new Date(ms).toISOString();
    ticks.push(s('line', { x1: x(iso), x2: x(iso), y1: y - 4, y2: y + 2, class: 'tick' }), s('text', { x: x(iso), y: y + 14, class: 'axis-label', 'text-anchor': 'middle' }, label(ms)));
  }
  parts.push(...ticks);
  y += 20;
  const lanes = t.modeLanes.length + 1 + Math.min(MAX_WINDOW_LANES, t.windows.length) + (t.geometry ? 1 + new Set(t.passes.map((p) => p.station)).size : 0);
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${y}`, class: 'plan-svg', role: 'img', 'data-testid': 'plan-timeline',
    'aria-label': `Timeline of ${t.name} from ${time(t.range.start)} to ${time(t.range.end)}: ${lanes} lanes, ${t.commandCount} commands, ${t.eclipses.length} eclipses, ${t.passes.length} passes, ${t.power.length + t.dataVolume.length} resource curves, ${t.errors} errors and ${t.warnings} warnings`,
  }, ...parts);
  return {
    svg,
    cursor: (iso) => {
      if (!iso) { cursor.setAttribute('visibility', 'hidden'); return; }
      cursor.setAttribute('x1', f1(x(iso)));
      cursor.setAttribute('x2', f1(x(iso)));
      cursor.setAttribute('visibility', 'visible');
      cursor.setAttribute('data-time', iso);
    },
  };
}

/**
 * The findings as a table whose time cells are buttons: one Tab stop (roving tabindex), ArrowUp/ArrowDown (Home,
 * End) move between them, Enter or Space chooses one: the timeline's cursor goes to its time.
 */
function findingsTable(t: Timeline, choose: (f: Finding) => void): HTMLElement {
  const buttons: HTMLButtonElement[] = [];
  const rows = t.findings.map((f, i) => {
    const b = h('button', { type: 'button', class: 'link', tabindex: i === 0 ? 0 : -1, 'data-testid': 'finding-show', 'aria-pressed': 'false', 'aria-label': `${f.severity} ${f.rule} at ${time(f.time)}: show on the timeline` }, time(f.time));
    b.addEventListener('click', () => {
      for (const o of buttons) o.setAttribute('aria-pressed', String(o === b));
      choose(f);
    });
    b.addEventListener('keydown', (ev) => {
      const to = ev.key === 'ArrowDown' ? i + 1 : ev.key === 'ArrowUp' ? i - 1 : ev.key === 'Home' ? 0 : ev.key === 'End' ? buttons.length - 1 : undefined;
      if (to === undefined || to < 0 || to >= buttons.length) return;
      ev.preventDefault();
      b.tabIndex = -1;
      buttons[to]!.tabIndex = 0;
      buttons[to]!.focus();
    });
    buttons.push(b);
    return [b, h('span', { class: f.severity }, f.severity), f.rule, f.index !== null ? `#${f.index} ${f.command ?? ''}` : 'plan', f.message];
  });
  const caption = t.findingCount > t.findings.length ? `Findings (the first ${fmt(t.findings.length)} of ${fmt(t.findingCount)}; arrow keys move, Enter shows on the timeline)` : 'Findings (arrow keys move, Enter shows on the timeline)';
  return table(caption, ['time', 'severity', 'rule', 'command', 'message'], rows, { 'data-testid': 'findings' });
}

/** The commands, a page at a time (the first page came with the timeline). */
function commandsTable(name: string, t: Timeline): HTMLElement {
  const box = h('section', { class: 'commands', 'aria-label': 'Commands' });
  const show = (offset: number, commands: Command[]) => {
    const last = offset + commands.length;
    const prev = h('button', { type: 'button', disabled: offset === 0, onclick: () => void go(Math.max(0, offset - PAGE), 'prev') }, 'Previous commands');
    const next = h('button', { type: 'button', disabled: last >= t.commandCount, onclick: () => void go(last, 'next') }, 'Next commands');
    box.replaceChildren(
      table(`Commands ${fmt(commands.length ? offset + 1 : 0)}–${fmt(last)} of ${fmt(t.commandCount)}`, ['#', 'time', 'command', 'parameters'],
        commands.map((c) => [String(c.index), time(c.time), c.command, JSON.stringify(c.parameters)]), { 'data-testid': 'commands' }),
      t.commandCount > PAGE ? h('p', { class: 'pager' }, prev, ' ', next) : '');
    return { prev, next };
  };
  const go = async (offset: number, from: 'prev' | 'next') => {
    const r = await api<{ total: number; offset: number; commands: Command[] }>(`plans/${encodeURIComponent(name)}/commands?offset=${offset}&limit=${PAGE}`);
    const b = show(r.offset, r.commands);
    // Keep the focus on the button pressed (or its partner when it became disabled).
    const keep = from === 'next' ? (b.next.disabled ? b.prev : b.next) : (b.prev.disabled ? b.next : b.prev);
    keep.focus();
    announce(`Commands ${r.offset + 1} to ${r.offset + r.commands.length} of ${r.total}`);
  };
  show(0, t.commands);
  return box;
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
    const tl = timelineSvg(t);
    const chosen = h('p', { role: 'status', 'data-testid': 'finding-chosen', class: 'chosen' });
    const choose = (f: Finding) => {
      tl.cursor(f.time);
      chosen.textContent = `${f.severity} ${f.rule}${f.time ? ` at ${time(f.time)}` : ' (not timed)'}${f.index !== null ? `, command #${f.index} ${f.command ?? ''}` : ''}: ${f.message}`;
    };
    out.replaceChildren(
      h('p', { 'data-testid': 'plan-summary' }, `${t.name} (${t.instrument}): ${fmt(t.commandCount)} commands, ${time(t.validity.start)} – ${time(t.validity.end)}; ${fmt(t.errors)} error(s), ${fmt(t.warnings)} warning(s)`),
      t.description ? h('p', {}, t.description) : '',
      t.geometry ? '' : h('p', { class: 'warn' }, 'No ephemeris configured (--ephemeris): no eclipses, passes or windows.'),
      h('figure', { class: 'plan-fig' }, tl.svg, h('figcaption', {},
        'Modes (a lane per mode rule); commands (ticks, taller where a pixel column holds more); each constraint set\'s windows (bars) and its commands (dots); eclipses (dark: umbra, grey: penumbra); passes per station; power and on-board memory against their limits (dashed; red: above); findings (dots and lines: red errors, amber warnings; the chosen one a blue line). Hover for details.',
        t.windows.length > MAX_WINDOW_LANES ? ` ${t.windows.length - MAX_WINDOW_LANES} more constraint set(s) not drawn: ${t.windows.slice(MAX_WINDOW_LANES).map((w) => w.label).join('; ')}.` : '')),
      chosen,
      findingsTable(t, choose),
      table('Passes', ['station', 'AOS', 'LOS'], t.passes.map((p) => [p.station, time(p.start), time(p.end)]), { 'data-testid': 'passes' }),
      table('Eclipses', ['kind', 'entry', 'exit'], t.eclipses.map((e) => [e.kind, time(e.start), time(e.end)]), { 'data-testid': 'eclipses' }),
      commandsTable(name, t));
  };
  sel.addEventListener('change', () => void show(sel.value));
  if (sel.value) await show(sel.value);
}
