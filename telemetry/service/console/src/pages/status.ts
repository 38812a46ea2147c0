/** @module Live status: feeds and per-APID counts from the server-sent `status` events, packets/s from successive counts. */
import type { Me } from '../api.js';
import { fmt, h, table, time } from '../dom.js';

interface Feed { feed: string; state: string; packets?: number; stored?: number; duplicates?: number; quarantined?: number; crcErrors?: number; packetsPerSecond?: number; backlog?: number | null; gaps?: number; missing?: number; resets?: number; lastIngest?: string | null; lastError?: string | null }
interface Apid { apid: number; name?: string; instrument?: string; packets: number; crcErrors: number; duplicates: number; last?: string; lastIngest?: string; gaps: number; missing: number; resets: number }
interface Status { time: string; daemon?: { pid: number; running: boolean; mode: string; started: string; updated: string; feeds: Feed[] }; apids: Apid[] }

export function statusPage(main: HTMLElement, me: Me): () => void {
  const state = h('p', { class: 'live', role: 'status' }, 'Connecting…');
  const totals = h('dl', { class: 'totals', 'data-testid': 'totals' });
  const feeds = h('section', { 'aria-labelledby': 'feeds-h' });
  const apids = h('section', { 'aria-labelledby': 'apids-h' });
  main.append(state, totals, feeds, apids);
  let prev: { t: number; counts: Map<number, number> } | undefined;
  const rate = new Map<number, number>();

  const render = (s: Status) => {
    const now = Date.parse(s.time);
    if (prev && now > prev.t) for (const a of s.apids) rate.set(a.apid, Math.max(0, (a.packets - (prev.counts.get(a.apid) ?? a.packets)) / ((now - prev.t) / 1000)));
    prev = { t: now, counts: new Map(s.apids.map((a) => [a.apid, a.packets])) };
    const d = s.daemon;
    state.textContent = `Live · updated ${time(s.time)} · ingest daemon ${d ? `pid ${d.pid} ${d.running ? 'running' : 'not running'} (${d.mode}), status of ${time(d.updated)}` : 'status not available'}`;
    const sum = (f: (a: Apid) => number) => s.apids.reduce((n, a) => n + f(a), 0);
    const items: [string, string, string][] = [
      ['packets', 'Packets stored', fmt(sum((a) => a.packets))], ['crc', 'CRC errors', fmt(sum((a) => a.crcErrors))],
      ['gaps', 'Gaps', fmt(sum((a) => a.gaps))], ['missing', 'Missing packets', fmt(sum((a) => a.missing))], ['resets', 'Counter resets', fmt(sum((a) => a.resets))],
    ];
    if (d && me.role === 'operator') {
      items.push(['quarantine', 'Quarantined', fmt(d.feeds.reduce((n, f) => n + (f.quarantined ?? 0), 0))], ['backlog', 'Backlog', fmt(d.feeds.reduce((n, f) => n + (f.backlog ?? 0), 0))]);
    }
    totals.replaceChildren(...items.flatMap(([k, label, v]) => [h('div', { class: `total${k === 'crc' || k === 'gaps' || k === 'missing' ? ' warn-if' : ''}`, 'data-k': k }, h('dt', {}, label), h('dd', { 'data-testid': `total-${k}` }, v))]));
    feeds.replaceChildren(h('h3', { id: 'feeds-h' }, 'Feeds'), table('Feeds of the ingest daemon',
      ['feed', 'state', 'packets', 'stored', 'pkt/s', 'backlog', 'duplicates', 'quarantined', 'CRC', 'gaps', 'missing', 'resets', 'last ingest', 'last error'],
      (d?.feeds ?? []).map((f) => [f.feed, h('span', { class: `state ${f.state}` }, f.state), fmt(f.packets), fmt(f.stored), fmt(f.packetsPerSecond), fmt(f.backlog), fmt(f.duplicates), fmt(f.quarantined), fmt(f.crcErrors), fmt(f.gaps), fmt(f.missing), fmt(f.resets), time(f.lastIngest), f.lastError ?? ''])));
    apids.replaceChildren(h('h3', { id: 'apids-h' }, 'Per APID'), table('Packets per APID',
      ['APID', 'name', 'instrument', 'packets', 'pkt/s', 'last packet', 'last ingest', 'CRC', 'gaps', 'missing', 'resets'],
      s.apids.map((a) => [String(a.apid), a.name ?? '', a.instrument ?? '', h('span', { 'data-testid': `apid-${a.apid}-packets` }, fmt(a.packets)), fmt(Math.round((rate.get(a.apid) ?? 0) * 10) / 10), time(a.last), time(a.lastIngest), fmt(a.crcErrors),
        a.gaps ? h('a', { href: `#/gaps?apid=${a.apid}` }, fmt(a.gaps)) : '0', fmt(a.missing), fmt(a.resets)])));
  };

  const es = new EventSource('/api/console/live');
  es.addEventListener('status', (ev) => render(JSON.parse((ev as MessageEvent<string>).data) as Status));
  es.addEventListener('logout', () => { es.close(); location.hash = '#/login'; });
  es.onerror = () => { state.textContent = 'Connection lost, retrying…'; };
  return () => es.close();
}
