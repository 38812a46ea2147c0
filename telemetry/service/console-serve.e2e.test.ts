/**
 * End-to-end tests of the operations console as `idoc serve` mounts it, in Debian's Chromium: the real command as
 * a child process over the console-fixture scenario with the console's data options (mission database, plans
 * folder with TC database, rules and ephemeris), users made by `idoc users add` (password from IDOC_PASSWORD) and
 * a token by `idoc users token`; an operator's plan timeline and a product's label validated now; a Co-I of EVT
 * (granted the route SIM_EVT) seeing only that instrument, in the browser and with their token.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, checkPlanTimeline, endBrowserRun, fillLogin, freePort, haveBrowser, launchChromium, lineOf, POLL, SHOTS, start } from './_test-console-browser.js';
import { consoleScenario, IDOC, REPO, type ConsoleScenario } from './console-fixture.js';

const OP = { name: 'ops-lead', password: 'serve-op-pass' };
const COI = { name: 'evt-coi', password: 'serve-coi-pass' };

function idoc(args: string[], cwd: string, env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [IDOC, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`idoc ${args.join(' ')}: exit ${r.status}: ${r.stderr.split('\n')[0]}`);
  return r.stdout;
}

describe.skipIf(!haveBrowser)('operations console through idoc serve, in Chromium', () => {
  let work: string;
  let sc: ConsoleScenario;
  let server: ChildProcess | undefined;
  let base: string;
  let token: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    if (!readFileSync(BUILT, 'utf8').includes('<')) throw new Error(`${BUILT}: the console is not built (npm run build)`);
    work = mkdtempSync(path.join(os.tmpdir(), 'idoc-console-serve-e2e-'));
    sc = await consoleScenario(work, await freePort());
    // A plan of the EVT instrument beside the scenario's SIM plans: the Co-I's one.
    const evt = JSON.parse(readFileSync(path.join(sc.dir, 'plans/resources.plan.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(sc.dir, 'plans/evt-resources.plan.json'), JSON.stringify({ ...evt, name: 'evt-resources', instrument: 'EVT' }, null, 1));
    idoc(['users', 'add', OP.name, '--role', 'operator'], sc.dir, { IDOC_PASSWORD: OP.password });
    idoc(['users', 'add', COI.name, '--role', 'co-investigator', '--route', 'SIM_EVT'], sc.dir, { IDOC_PASSWORD: COI.password });
    token = (JSON.parse(idoc(['users', 'token', COI.name, '--json'], sc.dir)) as { result: { token: string } }).result.token;
    // The console's data flags of `idoc console`, given to `idoc serve` (minus --users: the service's users log in).
    const data = sc.consoleArgs.slice(1).filter((_, i, a) => a[i] !== '--users' && a[i - 1] !== '--users');
    server = start(['serve', '--port', '0', '--json', ...data], sc.dir);
    base = (JSON.parse((await lineOf(server, /(\{.*\})\n/))[1]!) as { result: { url: string } }).result.url;
    browser = await launchChromium(work);
  });
  afterAll(() => endBrowserRun(browser, server, work));

  async function login(user: { name: string; password: string }): Promise<Page> {
    await browser.clearCookies();
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    return fillLogin(page, user);
  }

  it('logs the operator in with the password `idoc users add` stored, and refuses a wrong one', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    await page.getByLabel('User').fill(OP.name);
    await page.getByLabel('Password').fill('not-it');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('wrong user or password');
    await page.getByLabel('Password').fill(OP.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 2, name: 'Live status' }).waitFor();
    expect(await page.locator('#who').textContent()).toBe(`${OP.name} (operator)`);
    await expect.poll(() => page.getByTestId('total-packets').textContent(), POLL).toBe('701');
    await page.close();
  });

  it('shows the operator a plan from the plans folder with its eclipses, passes, windows and resource curves', async () => {
    const page = await login(OP);
    await page.getByRole('link', { name: 'Plan' }).click();
    await expect.poll(async () => (await page.getByLabel('Plan').locator('option').allTextContents()).slice(1), POLL).toEqual(['evt-resources.plan.json', 'resources.plan.json', 'syntax.plan.json']);
    await page.getByLabel('Plan').selectOption('resources.plan.json');
    await expect.poll(() => page.getByTestId('findings').locator('tbody tr').count(), POLL).toBe(3);
    await checkPlanTimeline(page, 'resources.plan.json');
    await page.close();
  });

  it('validates a product\'s label now: an edit on disk shows at the next validation', async () => {
    const page = await login(OP);
    await page.getByRole('link', { name: 'Products' }).click();
    await page.getByRole('button', { name: 'sim_evt_l0_20260101_v1' }).click();
    const summary = page.getByTestId('validation-summary');
    await expect.poll(() => summary.textContent(), POLL).toMatch(/^Valid: 0 error\(s\), 0 warning\(s\) against PDS4 IM 1\.26\.0\.0/);
    const label = path.join(sc.dir, 'l0/data_raw/sim_evt/sim_evt_l0_20260101_v1.xml');
    copyFileSync(label, `${label}.orig`);
    try {
      writeFileSync(label, readFileSync(label, 'utf8').replace(/<information_model_version>1\.26\.0\.0</, '<information_model_version>1.2.0.0<'));
      const first = await page.getByTestId('validation').getAttribute('data-checked-at');
      await page.getByRole('button', { name: 'Validate again' }).click();
      await expect.poll(() => summary.textContent(), POLL).toMatch(/^Invalid: 1 error\(s\)/);
      expect(Date.parse((await page.getByTestId('validation').getAttribute('data-checked-at'))!)).toBeGreaterThan(Date.parse(first!));
      expect(await page.getByRole('region', { name: 'Label problems' }).textContent()).toContain("must be equal to the value '1.26.0.0'");
      // The long Schematron rule paths wrap: nothing runs off the laptop screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'product-validation.png'), fullPage: true });
    } finally {
      copyFileSync(`${label}.orig`, label);
      rmSync(`${label}.orig`);
    }
    await page.close();
  });

  it('shows a Co-I granted SIM_EVT only the EVT instrument and its plans, and the same with their token', async () => {
    const page = await login(COI);
    expect(await page.locator('#who').textContent()).toBe(`${COI.name} (Co-I: EVT)`);
    await page.getByTestId('apid-1120-packets').waitFor();
    await expect.poll(() => page.locator('[data-testid^="apid-"]').count(), POLL).toBe(1);
    await page.getByRole('link', { name: 'Products' }).click();
    await expect.poll(() => page.getByTestId('products').locator('tbody tr').count(), POLL).toBe(1);
    expect(await page.getByTestId('products').locator('tbody').textContent()).toContain('sim_evt_l0_20260101_v1');
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'serve-coi-products.png') });
    await page.getByRole('link', { name: 'Plan' }).click();
    await expect.poll(async () => (await page.getByLabel('Plan').locator('option').allTextContents()).slice(1), POLL).toEqual(['evt-resources.plan.json']);
    await page.getByLabel('Plan').selectOption('evt-resources.plan.json');
    await expect.poll(() => page.getByTestId('plan-summary').textContent(), POLL).toMatch(/^evt-resources \(EVT\): 14 commands/);
    const inBrowser = await page.evaluate(async () => Promise.all([
      fetch('/api/console/products/sim_hk_fast_l0_20260101_v1').then((r) => r.status),
      fetch('/api/console/products/sim_hk_fast_l0_20260101_v1/validation').then((r) => r.status),
      fetch('/api/console/plans/resources.plan.json').then((r) => r.status),
      fetch('/api/console/products/sim_evt_l0_20260101_v1').then((r) => r.status),
    ]));
    expect(inBrowser).toEqual([404, 404, 404, 200]);
    await page.close();
    // The token from `idoc users token`, without a session: the same user and the same rights.
    const get = (p: string, auth?: string) => fetch(`${base}/api/console/${p}`, auth ? { headers: { authorization: auth } } : {});
    const me = await (await get('me', `Bearer ${token}`)).json() as { name: string; role: string; instruments: string[] };
    expect(me).toEqual({ name: COI.name, role: 'coi', instruments: ['EVT'] });
    const list = await (await get('products', `Bearer ${token}`)).json() as { products: { id: string; instrument: string }[] };
    expect(list.products.map((p) => [p.id, p.instrument])).toEqual([['sim_evt_l0_20260101_v1', 'EVT']]);
    expect((await get('plans', `Bearer ${token}`).then((r) => r.json()))).toEqual({ plans: ['evt-resources.plan.json'] });
    expect([(await get('me')).status, (await get('me', 'Bearer idoc_0000_not-a-token')).status]).toEqual([401, 401]);
    // The operator's own credentials through HTTP Basic see every instrument.
    const all = await (await get('products', `Basic ${Buffer.from(`${OP.name}:${OP.password}`).toString('base64')}`)).json() as { products: unknown[] };
    expect(all.products).toHaveLength(4);
  });

  it('says where it serves the console and serves the built front end at /console/', async () => {
    const res = await fetch(`${base}/console/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(readFileSync(path.join(REPO, 'dist/telemetry/service/console/index.html'), 'utf8'));
  });
});
