/**
 * @module Gaps timeline: per APID a bar over the chosen range with each gap marked (a button), its details and
 * the DDS re-request one click away: the operator sees the window and confirms before the request file is written.
 */
import { api, post, type Me } from '../api.js';
import { announce, fmt, h, s, table, time } from '../dom.js';

interface Gap { apid: number; name?: string; kind: string; afterSeq: number; beforeSeq: number; missing: number; start?: string; end?: string; request: { id: string; start: string; end: string } | null }
interface Report { apids: { apid: number; name: string | null; first: string | null; last: string | null; packets: number }[]; gaps: Gap[]; resets: { apid: number; time?: string; afterSeq: number; beforeSeq: number }[] }

export async function gapsPage(main: HTMLElement, me: Me, params: URLSearchParams): Promise<void> {
  const form = h('form', { class: 'range', 'aria-label': 'Range' },
    h('label', { for: 'g-from' }, 'From (UTC)'), h('input', { id: 'g-from', name: 'from', placeholder: '2026-01-01T00:00:00Z', value: params.get('from') ?? '' }),
    h('label', { for: 'g-to' }, 'To (UTC)'), h('input', { id: 'g-to', name: 'to', placeholder: '2026-01-02T00:00:00Z', value: params.get('to') ?? '' }),
    h('button', { type: 'submit' }, 'Show'));
  const out = h('div', { class: 'gaps' });
  const detail = h('section', { class: 'detail', 'aria-live': 'polite', 'aria-label': 'Selected gap' });
  main.append(form, out, detail);

  const openGap = (g: Gap) => {
    const result = h('p', { role: 'status' });
    const confirmBox = h('div', { class: 'confirm', hidden: true },
      h('p', {}, g.request ? `Write DDS request ${g.request.id}: APID ${g.apid}, ${time(g.request.start)} to ${time(g.request.end)}?` : ''),
      h('button', { type: 'button', class: 'primary', onclick: () => {
        void post<{ id: string; file: string }>('gaps/request', { id: g.request!.id }).then((r) => {
          result.textContent = `Request written: ${r.file}`;
          announce(result.textContent);
          confirmBox.hidden = true;
        }, (e: Error) => { result.textContent = `Not written: ${e.message}`; });
      } }, 'Write request file'),
      h('button', { type: 'button', onclick: () => { confirmBox.hidden = true; prepare.focus(); } }, 'Cancel'));
    const prepare = h('button', { type: 'button', disabled: !g.request || me.role !== 'operator', onclick: () => {
      confirmBox.hidden = false;
      (confirmBox.querySelector('button') as HTMLButtonElement).focus();
    } }, 'Re-request from DDS…');
    detail.replaceChildren(h('h3', {}, `Gap in APID ${g.apid}${g.name ? ` ${g.name}` : ''}`),
      h('dl', { class: 'kv' },
        h('dt', {}, 'kind'), h('dd', {}, g.kind), h('dt', {}, 'sequence'), h('dd', {}, `${g.afterSeq} → ${g.beforeSeq}`),
        h('dt', {}, 'missing'), h('dd', {}, fmt(g.missing)), h('dt', {}, 'from'), h('dd', {}, time(g.start)), h('dt', {}, 'to'), h('dd', {}, time(g.end)),
        h('dt', {}, 'request window'), h('dd', {}, g.request ? `${time(g.request.start)} – ${time(g.request.end)}` : 'no times on both sides: cannot be windowed')),
      prepare, me.role !== 'operator' ? h('p', {}, 'Only operators write DDS requests.') : '', confirmBox, result);
    prepare.focus();
  };

  const load = async () => {
    const fd = new FormData(form);
    const q = new URLSearchParams();
    for (const k of ['from', 'to']) { const v = String(fd.get(k) ?? '').trim(); if (v) q.set(k, v); }
    let r: Report;
    try { r = await api<Report>(`gaps?${q}`); } catch (e) { out.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message)); return; }
    const only = params.get('apid');
    const apids = r.apids.filter((a) => !only || String(a.apid) === only);
    const times = [...apids.flatMap((a) => [a.first, a.last]), ...r.gaps.flatMap((g) => [g.start, g.end])].filter((x): x is string => !!x).map(Date.parse);
    const t0 = q.get('from') ? Date.parse(q.get('from')!) : Math.min(...times);
    const t1 = q.get('to') ? Date.parse(q.get('to')!) : Math.max(...times);
    const W = 1000;
    const rowH = 34;
    const x = (iso: string | null | undefined) => (iso ? Math.max(0, Math.min(W, ((Date.parse(iso) - t0) / Math.max(1, t1 - t0)) * W)) : 0);
    const rows = h('div', { class: 'timeline', role: 'list', 'aria-label': 'Gaps per APID' });
    for (const a of apids) {
      const gaps = r.gaps.filter((g) => g.apid === a.apid);
      const svg = s('svg', { viewBox: `0 0 ${W} ${rowH}`, preserveAspectRatio: 'none', class: 'track', 'aria-hidden': 'true' },
        s('rect', { x: x(a.first), y: 8, width: Math.max(1, x(a.last) - x(a.first)), height: rowH - 16, class: 'span' }),
        ...gaps.map((g) => s('rect', { x: x(g.start) - 2, y: 2, width: Math.max(4, x(g.end) - x(g.start) + 4), height: rowH - 4, class: 'gap' })),
        ...r.resets.filter((z) => z.apid === a.apid).map((z) => s('line', { x1: x(z.time), x2: x(z.time), y1: 0, y2: rowH, class: 'reset' })));
      const buttons = gaps.map((g) => h('button', { type: 'button', class: 'gap-btn', 'data-testid': 'gap', style: `left: calc(${(x(g.start) / W) * 100}% - 6px)`,
        'aria-label': `Gap APID ${g.apid}: ${g.missing} missing, ${time(g.start)} to ${time(g.end)}`, onclick: () => openGap(g) }));
      rows.append(h('div', { class: 'trow', role: 'listitem' }, h('span', { class: 'tlabel' }, `${a.apid} ${a.name ?? ''}`), h('div', { class: 'tbar' }, svg, ...buttons), h('span', { class: 'tcount' }, `${gaps.length} gap${gaps.length === 1 ? '' : 's'}`)));
    }
    const axis = h('p', { class: 'axis' }, Number.isFinite(t0) ? `${time(new Date(t0).toISOString())} … ${time(new Date(t1).toISOString())}` : 'no data');
    const list = table('Gaps', ['APID', 'kind', 'sequence', 'missing', 'from', 'to', ''], r.gaps.filter((g) => !only || String(g.apid) === only).map((g) => [
      `${g.apid} ${g.name ?? ''}`, g.kind, `${g.afterSeq} → ${g.beforeSeq}`, fmt(g.missing), time(g.start), time(g.end), h('button', { type: 'button', onclick: () => openGap(g) }, 'Open')]));
    out.replaceChildren(axis, rows, list);
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); void load(); });
  await load();
}
