/**
 * @module The console shell: hash routes (#/status, #/gaps, #/products, #/parameters, #/plan, #/login), the
 * signed-in user, focus moved to each page's heading for keyboard and screen-reader users. Plain DOM and
 * TypeScript, no framework: five pages of tables, an SVG map and uPlot charts do not need one.
 */
import './styles.css';
import { api, post, type Me } from './api.js';
import { announce, h } from './dom.js';
import { gapsPage } from './pages/gaps.js';
import { parametersPage } from './pages/parameters.js';
import { planPage } from './pages/plan.js';
import { productsPage } from './pages/products.js';
import { statusPage } from './pages/status.js';

export type Page = (main: HTMLElement, me: Me, params: URLSearchParams) => (() => void) | void | Promise<(() => void) | void>;

const PAGES: Record<string, { title: string; page: Page }> = {
  status: { title: 'Live status', page: statusPage },
  gaps: { title: 'Gaps timeline', page: gapsPage },
  products: { title: 'Products', page: productsPage },
  parameters: { title: 'Parameters', page: parametersPage },
  plan: { title: 'Plan', page: planPage },
};

let me: Me | undefined;
let cleanup: (() => void) | void;
/** Each navigation's number: a page whose data arrives after a newer navigation is dropped. */
let generation = 0;

function loginPage(main: HTMLElement): void {
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'login', 'aria-labelledby': 'page-title' },
    h('h2', { id: 'page-title', tabindex: -1 }, 'Log in'),
    h('label', { for: 'user' }, 'User'), h('input', { id: 'user', name: 'user', autocomplete: 'username', required: true }),
    h('label', { for: 'password' }, 'Password'), h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, 'Log in'), err);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    post<Me>('login', { user: fd.get('user'), password: fd.get('password') }).then((u) => {
      me = u;
      location.hash = '#/status';
    }, (e: Error) => { err.textContent = e.message; });
  });
  main.append(form);
  (form.querySelector('#user') as HTMLInputElement).focus();
}

async function route(): Promise<void> {
  const mine = ++generation;
  const main = document.getElementById('main')!;
  if (cleanup) { cleanup(); cleanup = undefined; }
  const [name = 'status', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  main.replaceChildren();
  if (name !== 'login' && !me) me = await api<Me>('me').catch(() => undefined);
  if (mine !== generation) return;
  const nav = document.querySelector('nav')!;
  const who = document.querySelector<HTMLElement>('.who')!;
  if (name === 'login' || !me) {
    nav.hidden = true;
    who.hidden = true;
    document.title = 'Log in · idoc console';
    loginPage(main);
    return;
  }
  nav.hidden = false;
  who.hidden = false;
  document.getElementById('who')!.textContent = `${me.name} (${me.role === 'operator' ? 'operator' : `Co-I: ${me.instruments.join(', ') || 'no instruments'}`})`;
  const p = PAGES[name] ?? PAGES['status']!;
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${p.title} · idoc console`;
  const heading = h('h2', { id: 'page-title', tabindex: -1 }, p.title);
  const box = h('div', { class: 'page' });
  main.append(heading, box);
  const done = await p.page(box, me, new URLSearchParams(query));
  if (mine !== generation) { if (done) done(); return; }
  cleanup = done;
  heading.focus();
  announce(`${p.title} page`);
}

document.getElementById('logout')!.addEventListener('click', () => {
  void post('logout', {}).finally(() => { me = undefined; location.hash = '#/login'; });
});
window.addEventListener('hashchange', () => void route());
void route();
