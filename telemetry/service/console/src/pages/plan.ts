/** @module Plan: a plan's timeline (modes, commands) with its validation findings marked at their times, and the findings list. */
import { api, type Me } from '../api.js';
import { h, s, table, time } from '../dom.js';

interface Timeline {
  name: string; instrument: string; description: string | null; validity: { start: string; end: string };
  commands: { index: number; time: string; command: string; parameters: Record<string, unknown> }[];
  modes: { mode: string; start: string; end: string }[]; errors: number; warnings: number;
  findings: { rule: string; severity: 'error' | 'warning'; index: number | null; command: string | null; time: string | null; message: string }[];
}

export async function planPage(main: HTMLElement, _me: Me, params: URLSearchParams): Promise<void> {
  const { plans } = await api<{ plans: string[] }>('plans');
  const sel = h('select', { id: 'plan-name' }, h('option', { value: '' }, 'choose a plan'), plans.map((p) => h('option', { value: p, selected: params.get('name') === p }, p)));
  const out = h('div', { class: 'plan' });
  main.append(h('p', {}, h('label', { for: 'plan-name' }, 'Plan '), sel), out);
  const show = async (name: string) => {
    if (!name) { out.replaceChildren(); return; }
    let t: Timeline;
    try { t = await api<Timeline>(`plans/${encodeURIComponent(name)}`); } catch (e) { out.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message)); return; }
    const t0 = Date.parse(t.validity.start);
    const t1 = Date.parse(t.validity.end);
    const W = 1000;
    const x = (iso: string) => ((Date.parse(iso) - t0) / Math.max(1, t1 - t0)) * W;
    const modeNames = [...new Set(t.modes.map((m) => m.mode))];
    const svg = s('svg', { viewBox: `0 0 ${W} 120`, class: 'plan-svg', role: 'img', 'aria-label': `Timeline of ${t.name}: ${t.commands.length} commands, ${t.errors} errors and ${t.warnings} warnings` },
      ...t.modes.map((m) => s('rect', { x: x(m.start), y: 4, width: Math.max(1, x(m.end) - x(m.start)), height: 28, class: `mode m${modeNames.indexOf(m.mode) % 6}` }, s('title', {}, `${m.mode} ${m.start} – ${m.end}`))),
      ...t.modes.filter((m) => x(m.end) - x(m.start) > 60).map((m) => s('text', { x: x(m.start) + 4, y: 23, class: 'mode-label' }, m.mode)),
      ...t.commands.map((c) => s('line', { x1: x(c.time), x2: x(c.time), y1: 40, y2: 70, class: 'cmd' }, s('title', {}, `${c.time} ${c.command}`))),
      ...t.findings.filter((f) => f.time).map((f) => s('circle', { cx: x(f.time!), cy: 92, r: 6, class: `finding ${f.severity}`, 'data-testid': 'finding-mark' }, s('title', {}, `${f.severity}: ${f.message}`))));
    out.replaceChildren(
      h('p', { 'data-testid': 'plan-summary' }, `${t.name} (${t.instrument}): ${t.commands.length} commands, ${time(t.validity.start)} – ${time(t.validity.end)}; ${t.errors} error(s), ${t.warnings} warning(s)`),
      t.description ? h('p', {}, t.description) : '',
      h('figure', {}, svg, h('figcaption', {}, 'Modes (top), commands (ticks), findings (dots: red errors, amber warnings)')),
      table('Findings', ['time', 'severity', 'rule', 'command', 'message'], t.findings.map((f) => [time(f.time), h('span', { class: f.severity }, f.severity), f.rule, f.index !== null ? `#${f.index} ${f.command ?? ''}` : 'plan', f.message]), { 'data-testid': 'findings' }),
      table('Commands', ['#', 'time', 'command', 'parameters'], t.commands.map((c) => [String(c.index), time(c.time), c.command, JSON.stringify(c.parameters)])));
  };
  sel.addEventListener('change', () => void show(sel.value));
  if (sel.value) await show(sel.value);
}
