/** @module Products: the catalogue with facets, a map of footprints, a product's detail (quality, fixity, label, download). */
import { api, type Me } from '../api.js';
import { fmt, h, table, time } from '../dom.js';
import { worldMap } from '../map.js';

interface Product { id: string; version: number; latest: boolean; format: string; instrument?: string; collection: string; start: string | null; stop: string | null; quality: string | null; clean: boolean; footprint: unknown }
interface Catalogue { facets: Record<string, Record<string, number>>; products: Product[] }
interface Detail extends Product { label: string; files: string[]; fixity: { checked: boolean; problems: string[] } }
type Validation = { checkedAt: string; label: string } & (
  | { checked: true; informationModel: string; valid: boolean; errors: number; warnings: number; problems: { line: number | null; severity: string; source: string; rule: string | null; message: string }[] }
  | { checked: false; reason: string });

/** The label validated now by the server (XML Schema + Schematron), with the instant it ran; a button runs it again. */
function validationBox(id: string): HTMLElement {
  const result = h('div', { 'data-testid': 'validation', 'aria-live': 'polite' });
  const again = h('button', { type: 'button', onclick: () => void run() }, 'Validate again');
  const run = async () => {
    again.disabled = true;
    result.replaceChildren(h('p', { role: 'status' }, 'Validating the label…'));
    try {
      const v = await api<Validation>(`products/${encodeURIComponent(id)}/validation`);
      result.setAttribute('data-checked-at', v.checkedAt);
      if (!v.checked) { result.replaceChildren(h('p', { class: 'warn' }, `Not validated (${time(v.checkedAt)}): ${v.reason}`)); return; }
      result.setAttribute('data-errors', String(v.errors));
      result.replaceChildren(
        h('p', { 'data-testid': 'validation-summary', class: v.valid ? 'ok' : 'error' },
          `${v.valid ? 'Valid' : 'Invalid'}: ${v.errors} error(s), ${v.warnings} warning(s) against PDS4 IM ${v.informationModel} (XML Schema and Schematron), checked ${time(v.checkedAt)}`),
        v.problems.length ? table('Label problems', ['line', 'severity', 'check', 'message'], v.problems.map((x) => [x.line === null ? '–' : String(x.line), h('span', { class: x.severity }, x.severity), x.rule ? `${x.source} ${x.rule}` : x.source, x.message])) : '');
    } catch (e) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message));
    } finally { again.disabled = false; }
  };
  void run();
  return h('section', { class: 'validation', 'aria-label': 'Label validation' }, h('h4', {}, 'Label validation (run now) ', again), result);
}

export async function productsPage(main: HTMLElement, _me: Me, params: URLSearchParams): Promise<void> {
  const facetsForm = h('form', { class: 'facets', 'aria-label': 'Facets' });
  const mapBox = h('figure', { class: 'map-box' });
  const list = h('div', { class: 'product-list' });
  const detail = h('section', { class: 'detail', 'aria-label': 'Product detail' });
  main.append(h('div', { class: 'products' }, h('div', { class: 'side' }, facetsForm), h('div', { class: 'body' }, mapBox, list, detail)));
  const chosen = new Map<string, string>([...params].filter(([k]) => ['instrument', 'collection', 'format', 'quality', 'from', 'to'].includes(k)));

  const showDetail = async (id: string) => {
    let d: Detail;
    try { d = await api<Detail>(`products/${encodeURIComponent(id)}`); } catch (e) { detail.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message)); return; }
    const labelPre = h('pre', { class: 'label-text', tabindex: 0, 'aria-label': 'Label XML', hidden: true });
    const labelBtn = h('button', { type: 'button', 'aria-expanded': 'false', onclick: async () => {
      if (labelPre.hidden && !labelPre.textContent) labelPre.textContent = await fetch(`/api/console/products/${encodeURIComponent(id)}/label`).then((r) => r.text());
      labelPre.hidden = !labelPre.hidden;
      labelBtn.setAttribute('aria-expanded', String(!labelPre.hidden));
    } }, 'View label');
    detail.replaceChildren(h('h3', { id: 'detail-h', tabindex: -1 }, d.id),
      h('dl', { class: 'kv' }, h('dt', {}, 'instrument'), h('dd', {}, d.instrument ?? '–'), h('dt', {}, 'collection'), h('dd', {}, d.collection),
        h('dt', {}, 'span'), h('dd', {}, `${time(d.start)} – ${time(d.stop)}`), h('dt', {}, 'quality'), h('dd', { 'data-testid': 'quality' }, d.quality ?? '–'),
        h('dt', {}, 'fixity'), h('dd', {}, d.fixity.checked ? (d.fixity.problems.length ? d.fixity.problems.join('; ') : 'all files match their checksums') : `not checked: ${d.fixity.problems.join('; ')}`)),
      h('p', {}, labelBtn, ' ', h('a', { href: `/api/console/products/${encodeURIComponent(id)}/files/${encodeURIComponent(d.label)}`, download: d.label }, 'Download label')),
      h('ul', { class: 'files', 'aria-label': 'Files' }, d.files.map((f) => h('li', {}, h('a', { href: `/api/console/products/${encodeURIComponent(id)}/files/${encodeURIComponent(f)}`, download: f }, `Download ${f}`)))),
      validationBox(id),
      labelPre);
    (detail.querySelector('#detail-h') as HTMLElement).focus();
  };

  const load = async () => {
    const q = new URLSearchParams([...chosen]);
    let c: Catalogue;
    try { c = await api<Catalogue>(`products?${q}`); } catch (e) { list.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message)); return; }
    facetsForm.replaceChildren(h('h3', {}, 'Facets'), ...Object.entries(c.facets).map(([f, counts]) => {
      const sel = h('select', { id: `facet-${f}`, name: f, onchange: (ev: Event) => {
        const v = (ev.target as HTMLSelectElement).value;
        if (v) chosen.set(f, v); else chosen.delete(f);
        void load().then(() => (document.getElementById(`facet-${f}`) as HTMLSelectElement | null)?.focus());
      } }, h('option', { value: '' }, 'any'), Object.entries(counts).sort().map(([v, n]) => h('option', { value: v, selected: chosen.get(f) === v }, `${v} (${n})`)));
      return h('div', { class: 'facet' }, h('label', { for: `facet-${f}` }, f), sel);
    }));
    const withGeo = c.products.filter((p) => p.footprint);
    mapBox.replaceChildren(worldMap(withGeo.map((p) => ({ id: p.id, geo: p.footprint })), `Map of ${withGeo.length} product footprint(s) and ground tracks`),
      h('figcaption', { 'data-testid': 'map-caption' }, `${withGeo.length} of ${c.products.length} product(s) with a footprint or ground track`));
    list.replaceChildren(table(`${c.products.length} product(s)`, ['product', 'instrument', 'collection', 'start', 'stop', 'quality'],
      c.products.map((p) => [h('button', { type: 'button', class: 'link', onclick: () => void showDetail(p.id) }, p.id), p.instrument ?? '–', p.collection, time(p.start), time(p.stop),
        h('span', { class: p.clean ? 'ok' : 'warn' }, p.clean ? 'clean' : 'flagged')]), { 'data-testid': 'products' }));
    const count = fmt(c.products.length);
    list.setAttribute('data-count', count);
  };
  await load();
}
