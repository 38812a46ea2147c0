/**
 * End-to-end tests of the operations console in a real browser: Debian's Chromium driven by playwright-core
 * against `idoc console` on the scenario of console-fixture.ts, while `idoc ingest --watch` takes a replay of fresh
 * telemetry. Skipped, visibly, only when no Chromium is installed (`.ci/run` installs it with apt-get).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchPlanJson } from '../../bench/planning.bench.js';
import { axeSerious, BUILT, checkPlanTimeline, endBrowserRun, fillLogin, focusOutline, freePort, haveBrowser, launchChromium, lineOf, POLL, SHOTS, start, stop } from './_test-console-browser.js';
import { consoleScenario, IDOC, REPO, USERS, type ConsoleScenario } from './console-fixture.js';

describe.skipIf(!haveBrowser)('operations console in Chromium', () => {
  let work: string;
  let sc: ConsoleScenario;
  let server: ChildProcess | undefined;
  let url: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT}: the console is not built (npm run build)`);
    work = mkdtempSync(path.join(os.tmpdir(), 'idoc-console-e2e-'));
    sc = await consoleScenario(work, await freePort());
    server = start([...sc.consoleArgs, '--port', '0'], work);
    url = (await lineOf(server, /console (http:\/\/\S+)\n/))[1]!;
    browser = await launchChromium(work);
  });
  afterAll(() => endBrowserRun(browser, server, work));

  async function login(user: { name: string; password: string }, size = { width: 1366, height: 768 }): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewportSize(size);
    await browser.clearCookies();
    await page.goto(url);
    return fillLogin(page, user);
  }

  it('refuses a wrong password and lets the operator in', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByLabel('User').fill(USERS.operator.name);
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('wrong user or password');
    await page.getByLabel('Password').fill(USERS.operator.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 2, name: 'Live status' }).waitFor();
    expect(await page.locator('#who').textContent()).toBe('op (operator)');
    await page.close();
  });

  it('shows live counts changing while a replay feeds the ingest daemon', async () => {
    const page = await login(USERS.operator);
    const total = page.getByTestId('total-packets');
    await expect.poll(() => total.textContent(), POLL).toBe('701');
    const replay = start(['replay', 'live.bin', '--listen', `tcp://127.0.0.1:${sc.livePort}`, '--speed', '20'], sc.dir);
    const daemon = start(['ingest', '--watch', '--quiet'], sc.dir);
    try {
      // The count grows as the daemon commits: seen at least once strictly between the start and the end.
      const seen = new Set<number>();
      await expect.poll(async () => { const n = Number((await total.textContent())!.replace(/,/g, '')); seen.add(n); return n; }, { timeout: 45_000, interval: 200 }).toBeGreaterThan(701);
      await expect.poll(async () => (await page.locator('table').first().textContent()) ?? '', { timeout: 20_000 }).toContain('live');
      expect([...seen].some((n) => n > 701)).toBe(true);
    } finally {
      await stop(replay);
      await stop(daemon);
      await page.close();
    }
  });

  it('opens the gap and writes its DDS re-request once the operator confirms', async () => {
    const page = await login(USERS.operator);
    await page.getByRole('link', { name: 'Gaps' }).click();
    const gap = page.getByRole('button', { name: /^Gap APID 1100: 3 missing/ });
    await gap.click();
    await page.getByRole('button', { name: 'Re-request from DDS…' }).click();
    expect(readdirSync(sc.dir)).not.toContain('dds-requests');
    await page.getByRole('button', { name: 'Write request file' }).click();
    await expect.poll(() => page.locator('.detail p[role=status]').textContent(), POLL).toBe('Request written: IDOC_1100_20260101T000011Z--20260101T000015Z.XML');
    const xml = readFileSync(path.join(sc.dir, 'dds-requests', 'IDOC_1100_20260101T000011Z--20260101T000015Z.XML'), 'utf8');
    expect(xml).toContain('1100');
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'gaps.png') });
    await page.close();
  });

  it('filters products by facet and redraws the map', async () => {
    const page = await login(USERS.operator);
    await page.getByRole('link', { name: 'Products' }).click();
    const rows = page.getByTestId('products').locator('tbody tr');
    await expect.poll(() => rows.count(), POLL).toBe(4);
    expect(await page.locator('.map path.footprint').count()).toBe(4);
    expect(await page.locator('.map path.land').getAttribute('d')).toMatch(/^M/);
    await page.getByLabel('instrument').selectOption('EVT');
    await expect.poll(() => rows.count(), POLL).toBe(1);
    expect(await page.locator('.map path.footprint').count()).toBe(1);
    expect(await page.locator('.map path.footprint').getAttribute('data-product')).toBe('sim_evt_l0_20260101_v1');
    expect(await page.getByTestId('map-caption').textContent()).toBe('1 of 1 product(s) with a footprint or ground track');
    await page.getByRole('button', { name: 'sim_evt_l0_20260101_v1' }).click();
    await expect.poll(() => page.getByTestId('quality').textContent(), POLL).toContain('packets=6');
    // The label validated now, in the server, as `idoc l0 validate` judges it.
    const cli = JSON.parse(spawnSync(process.execPath, [IDOC, 'l0', 'validate', 'l0/data_raw/sim_evt/sim_evt_l0_20260101_v1.xml', '--json'], { cwd: sc.dir, encoding: 'utf8' }).stdout) as { problems: { severity: string }[] };
    const before = Date.now();
    await expect.poll(() => page.getByTestId('validation-summary').textContent(), POLL).toMatch(/against PDS4 IM 1\.26\.0\.0 \(XML Schema and Schematron\), checked /);
    expect(await page.getByTestId('validation').getAttribute('data-errors')).toBe(String(cli.problems.filter((x) => x.severity === 'error').length));
    const checkedAt = Date.parse((await page.getByTestId('validation').getAttribute('data-checked-at'))!);
    expect(checkedAt).toBeGreaterThan(before - 120_000);
    await page.getByRole('button', { name: 'View label' }).click();
    await expect.poll(() => page.getByLabel('Label XML').textContent(), POLL).toContain('<Product_Observational');
    const href = await page.getByRole('link', { name: 'Download sim_evt_l0_20260101_v1.dat' }).getAttribute('href');
    const size = await page.evaluate(async (h) => (await (await fetch(h!)).arrayBuffer()).byteLength, href);
    expect(size).toBe(readFileSync(path.join(sc.dir, 'l0/data_raw/sim_evt/sim_evt_l0_20260101_v1.dat')).length);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'products.png') });
    await page.close();
  });

  it('plots a parameter with its limit lines and out-of-limit marks', async () => {
    const page = await login(USERS.operator);
    await page.getByRole('link', { name: 'Parameters' }).click();
    await page.getByLabel('Parameters', { exact: true }).selectOption('DET_TEMP');
    // The sample's five minutes (the live replay added an hour later).
    await page.getByLabel('From (UTC)').fill('2026-01-01T00:00:00Z');
    await page.getByLabel('To (UTC)').fill('2026-01-01T00:10:00Z');
    await page.getByRole('button', { name: 'Plot' }).click();
    const chart = page.locator('.chart');
    await chart.locator('canvas').waitFor();
    // The same count the decoder gives through the API: samples whose limit state is not normal.
    const expected = await page.evaluate(async () => {
      const r = await (await fetch('/api/console/parameters/series?names=DET_TEMP&from=2026-01-01T00:00:00Z&to=2026-01-01T00:10:00Z')).json() as { series: { limit: number[] }[] };
      return r.series[0]!.limit.filter((l) => l > 0).length;
    });
    expect(expected).toBeGreaterThan(0);
    expect(await chart.getAttribute('data-out-of-limits')).toBe(String(expected));
    expect(await chart.getAttribute('data-limit-lines')).toBe('4');
    expect(await page.getByTestId('plot-info').textContent()).toContain(`DET_TEMP: 297 samples, ${expected} out of limits`);
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await csvDownload.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('time,DET_TEMP');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1 + 297);
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
    expect(readFileSync(await pngDownload.path()).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // PNG signature
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'parameters.png') });
    await page.close();
  });

  it('opens a plan and marks its violations at their times', async () => {
    const page = await login(USERS.operator);
    await page.getByRole('link', { name: 'Plan' }).click();
    await page.getByLabel('Plan').selectOption('syntax.plan.json');
    const expected = (JSON.parse(readFileSync(path.join(REPO, 'fixtures/planning/golden/expected.json'), 'utf8')) as { plans: Record<string, unknown[]> }).plans['syntax.plan.json']!;
    await expect.poll(() => page.getByTestId('findings').locator('tbody tr').count(), POLL).toBe(expected.length);
    const t = await page.evaluate(async () => (await (await fetch('/api/console/plans/syntax.plan.json')).json()) as { findings: { time: string | null }[]; findingBins: unknown[] });
    const timed = t.findings.filter((f) => f.time).length;
    // One mark per pixel column and severity that has findings, the count of its findings on it: every timed finding marked.
    const marks = await page.getByTestId('finding-mark').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
    expect(marks.reduce((a, b) => a + b, 0)).toBe(timed);
    expect(marks.length).toBe(t.findingBins.length);
    expect(marks.length).toBeGreaterThan(1);
    await page.close();
  });

  it('draws a plan\'s eclipses, passes, windows, power and memory curves with the findings at their times', async () => {
    const page = await login(USERS.operator);
    await page.getByRole('link', { name: 'Plan' }).click();
    await page.getByLabel('Plan').selectOption('resources.plan.json');
    await expect.poll(() => page.getByTestId('findings').locator('tbody tr').count(), POLL).toBe(3);
    await checkPlanTimeline(page, 'resources.plan.json');
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'plan.png'), fullPage: true });
    await page.close();
  });

  it('shows a Co-I only their instrument and denies another instrument\'s product', async () => {
    const page = await login(USERS.coi);
    expect(await page.locator('#who').textContent()).toBe('coi-evt (Co-I: EVT)');
    await page.getByTestId('apid-1120-packets').waitFor();
    await expect.poll(() => page.locator('[data-testid^="apid-"]').count(), POLL).toBe(1);
    expect(await page.getByTestId('apid-1120-packets').count()).toBe(1);
    await page.getByRole('link', { name: 'Products' }).click();
    await expect.poll(() => page.getByTestId('products').locator('tbody tr').count(), POLL).toBe(1);
    const answers = await page.evaluate(async () => Promise.all([
      fetch('/api/console/products/sim_hk_fast_l0_20260101_v1').then((r) => r.status),
      fetch('/api/console/products/sim_hk_fast_l0_20260101_v1/files/sim_hk_fast_l0_20260101_v1.dat').then((r) => r.status),
      fetch('/api/console/products/sim_evt_l0_20260101_v1').then((r) => r.status),
      fetch('/api/console/parameters/series?names=DET_TEMP').then(async (r) => ((await r.json()) as { series: { t: unknown[] }[] }).series[0]!.t.length),
      fetch('/api/console/gaps/request', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"IDOC_1100_20260101T000011Z--20260101T000015Z"}' }).then((r) => r.status),
    ]));
    expect(answers).toEqual([404, 404, 200, 0, 403]);
    await page.close();
  });

  it('is usable with the keyboard alone', async () => {
    await browser.clearCookies();
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByLabel('User').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('user'); // the user field has focus on load
    await page.keyboard.type(USERS.operator.name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(USERS.operator.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Live status' }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('page-title');
    // Backwards from the heading: the log-out button, the five page links, the skip link.
    const names: string[] = [];
    for (let i = 0; i < 7; i++) { await page.keyboard.press('Shift+Tab'); names.push((await page.evaluate(() => document.activeElement?.textContent)) ?? ''); }
    expect(names).toEqual(['Log out', 'Plan', 'Parameters', 'Products', 'Gaps', 'Live status', 'Skip to content']);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Products');
    // Products by keyboard: Enter on the link, focus on the heading, Tab to the first facet, choose EVT.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Products' }).waitFor();
    // Focus moves to the heading once the page has loaded.
    await expect.poll(() => page.evaluate(() => `${document.activeElement?.id} ${document.activeElement?.textContent}`), POLL).toBe('page-title Products');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('facet-instrument');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('products').locator('tbody tr').count(), POLL).toBe(1);
    // Gaps by keyboard: the gap marker is a button reached by Tab, Enter opens it, Enter again prepares the request.
    await page.goto(`${url}#/gaps`);
    await page.getByRole('heading', { level: 2, name: 'Gaps timeline' }).waitFor();
    // The gaps arrive after the heading: tab only once their markers are drawn.
    await page.getByTestId('gap').first().waitFor();
    let onGap = false;
    for (let i = 0; i < 12 && !onGap; i++) {
      await page.keyboard.press('Tab');
      onGap = (await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === 'gap';
    }
    expect(onGap).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Re-request from DDS…');
    await page.close();
  });

  it('passes axe-core\'s WCAG 2 A/AA and best-practice rules (contrast, labels, landmarks, names) on every page, with no serious or critical violation', async () => {
    await browser.clearCookies();
    const page = await browser.newPage();
    const seen: Record<string, { id: string; nodes: string[] }[]> = {};
    const check = async (name: string) => { seen[name] = (await axeSerious(page)).map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3) })); };
    await page.goto(url);
    await page.getByLabel('User').waitFor();
    await check('login');
    await page.getByLabel('User').fill(USERS.operator.name);
    await page.getByLabel('Password').fill(USERS.operator.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('total-packets').waitFor();
    await expect.poll(() => page.locator('[data-testid^="apid-"]').count(), POLL).toBeGreaterThan(0);
    await check('live status');
    await page.getByRole('link', { name: 'Gaps' }).click();
    await page.getByRole('button', { name: /^Gap APID 1100/ }).click();
    await page.getByRole('button', { name: 'Re-request from DDS…' }).click();
    await page.getByRole('button', { name: 'Write request file' }).waitFor();
    await check('gaps (a gap open, its request to confirm)');
    await page.getByRole('link', { name: 'Products' }).click();
    await page.locator('.map path.footprint').first().waitFor();
    await check('products with the map');
    await page.getByRole('button', { name: 'sim_evt_l0_20260101_v1' }).click();
    await page.getByTestId('validation-summary').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'View label' }).click();
    await page.getByLabel('Label XML').waitFor();
    await check('product detail');
    await page.getByRole('link', { name: 'Parameters' }).click();
    await page.getByLabel('Parameters', { exact: true }).selectOption('DET_TEMP');
    await page.getByLabel('From (UTC)').fill('2026-01-01T00:00:00Z');
    await page.getByLabel('To (UTC)').fill('2026-01-01T00:10:00Z');
    await page.getByRole('button', { name: 'Plot' }).click();
    await page.locator('.chart canvas').first().waitFor();
    await check('parameters with a plot');
    await page.getByRole('link', { name: 'Plan' }).click();
    await page.getByLabel('Plan').selectOption('resources.plan.json');
    await page.getByTestId('plan-timeline').waitFor();
    await page.getByTestId('finding-show').first().click();
    await check('plan with a finding chosen');
    expect(Object.keys(seen)).toHaveLength(7);
    expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((k) => [k, []])));
    await page.close();
  });

  it('operates each page\'s controls from the keyboard (facets, plot zoom, findings list, gap re-request) with a visible focus', async () => {
    const page = await login(USERS.operator);
    const active = () => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent ?? '', testid: document.activeElement?.getAttribute('data-testid') ?? '' }));
    const tabTo = async (want: (a: { id: string; text: string; testid: string }) => boolean, max = 40) => {
      for (let i = 0; i < max; i++) { await page.keyboard.press('Tab'); if (want(await active())) return; }
      throw new Error(`not reached by Tab: now on ${JSON.stringify(await active())}`);
    };
    const outlined = async () => { const o = await focusOutline(page); expect(o.style, `${o.tag} focus outline`).not.toBe('none'); expect(o.width).toBeGreaterThanOrEqual(2); };
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('page-title');
    // The navigation: Tab reaches each link (outlined), Enter follows it.
    await page.keyboard.press('Shift+Tab');
    expect((await active()).text).toBe('Log out');
    await outlined();
    await page.keyboard.press('Shift+Tab');
    expect((await active()).text).toBe('Plan');
    await outlined();
    // Products: the instrument facet by arrow key, back to any by Home; the list follows.
    await page.goto(`${url}#/products`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), POLL).toBe('Products');
    await tabTo((a) => a.id === 'facet-instrument');
    await outlined();
    const rows = page.getByTestId('products').locator('tbody tr');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => rows.count(), POLL).toBe(1);
    await expect.poll(async () => (await active()).id, POLL).toBe('facet-instrument');
    await page.keyboard.press('Home');
    await expect.poll(() => rows.count(), POLL).toBe(4);
    // A product by Enter on its name: its detail's heading takes the focus.
    await tabTo((a) => a.text === 'sim_evt_l0_20260101_v1');
    await outlined();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await active()).id, POLL).toBe('detail-h');
    // Parameters: choose by arrow key in the list, the range typed, Enter plots; + zooms, arrows pan, Home shows all.
    await page.goto(`${url}#/parameters`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), POLL).toBe('Parameters');
    await tabTo((a) => a.id === 'p-names');
    await outlined();
    const names = await page.locator('#p-names option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    for (let i = 0; i <= names.indexOf('DET_TEMP'); i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator('#p-names').evaluate((e) => Array.from((e as HTMLSelectElement).selectedOptions).map((o) => o.value))).toEqual(['DET_TEMP']);
    await page.keyboard.press('Tab');
    await page.keyboard.type('2026-01-01T00:00:00Z');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2026-01-01T00:10:00Z');
    await page.keyboard.press('Enter');
    const chart = page.getByTestId('chart');
    await chart.locator('canvas').first().waitFor();
    await expect.poll(() => chart.getAttribute('data-x-min'), POLL).not.toBeNull();
    const span = async () => { const a = Number(await chart.getAttribute('data-x-min')); const b = Number(await chart.getAttribute('data-x-max')); return { a, b, w: b - a }; };
    const whole = await span();
    await tabTo((a) => a.testid === 'chart');
    await outlined();
    await page.keyboard.press('+');
    const zoomed = await span();
    expect(zoomed.w).toBeCloseTo(whole.w / 2, 3);
    await page.keyboard.press('ArrowRight');
    const panned = await span();
    expect(panned.a).toBeCloseTo(zoomed.a + zoomed.w / 4, 3);
    expect(panned.w).toBeCloseTo(zoomed.w, 3);
    await page.keyboard.press('Home');
    expect((await span()).w).toBeCloseTo(whole.w, 3);
    // Plan: chosen by arrow key; the findings list is one Tab stop, arrows move in it, Enter and Space show a finding's time.
    await page.goto(`${url}#/plan`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), POLL).toBe('Plan');
    await tabTo((a) => a.id === 'plan-name');
    await outlined();
    const plans = await page.locator('#plan-name option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    for (let i = 0; i < plans.indexOf('resources.plan.json'); i++) await page.keyboard.press('ArrowDown');
    await page.getByTestId('plan-timeline').waitFor();
    const findings = await page.evaluate(async () => ((await (await fetch('/api/console/plans/resources.plan.json')).json()) as { findings: { time: string | null; rule: string }[] }).findings);
    expect(findings.length).toBeGreaterThanOrEqual(2);
    await tabTo((a) => a.testid === 'finding-show');
    await outlined();
    expect(await page.getByTestId('finding-show').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).tabIndex))).toEqual(findings.map((_f, i) => (i === 0 ? 0 : -1)));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const cursor = page.getByTestId('finding-cursor');
    expect(await cursor.getAttribute('visibility')).toBe('visible');
    expect(await cursor.getAttribute('data-time')).toBe(findings[1]!.time);
    expect(await page.getByTestId('finding-chosen').textContent()).toContain(findings[1]!.rule);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    expect(await cursor.getAttribute('data-time')).toBe(findings[0]!.time);
    expect(await page.getByTestId('finding-show').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-pressed')))).toEqual(findings.map((_f, i) => String(i === 0)));
    // Gaps: the gap marker by Tab, Enter opens it, Enter prepares the request, Tab and Space cancel, then Enter writes it.
    await page.goto(`${url}#/gaps`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), POLL).toBe('Gaps timeline');
    await tabTo((a) => a.testid === 'gap');
    await outlined();
    await page.keyboard.press('Enter');
    expect((await active()).text).toBe('Re-request from DDS…');
    await outlined();
    await page.keyboard.press('Enter');
    expect((await active()).text).toBe('Write request file');
    await page.keyboard.press('Tab');
    expect((await active()).text).toBe('Cancel');
    await page.keyboard.press('Space');
    expect((await active()).text).toBe('Re-request from DDS…');
    expect(await page.locator('.confirm').isHidden()).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.detail p[role=status]').textContent(), POLL).toBe('Request written: IDOC_1100_20260101T000011Z--20260101T000015Z.XML');
    await page.close();
  });

  it('opens the bench\'s 10,000-command, 7-day plan: drawn per pixel column, the page\'s elements and the JSON bounded, the commands by page', async () => {
    writeFileSync(path.join(sc.dir, 'plans', 'bench.plan.json'), JSON.stringify(benchPlanJson()));
    const page = await login(USERS.operator);
    await page.getByRole('link', { name: 'Plan' }).click();
    await page.getByLabel('Plan').selectOption('bench.plan.json');
    await page.getByTestId('plan-timeline').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('plan-summary').textContent()).toMatch(/^bench \(SIM\): 10,000 commands/);
    const facts = await page.evaluate(async () => {
      const text = await (await fetch('/api/console/plans/bench.plan.json')).text();
      const svg = document.querySelector('[data-testid="plan-timeline"]')!;
      const cmd = svg.querySelector('[data-testid="lane-commands"] .cmd')!;
      return {
        bytes: text.length, elements: document.querySelectorAll('*').length, svgElements: svg.querySelectorAll('*').length,
        commandTicks: Number(cmd.getAttribute('data-count')), commandBins: Number(cmd.getAttribute('data-bins')), tableRows: document.querySelectorAll('[data-testid="commands"] tbody tr').length,
        width: svg.getBoundingClientRect().width,
      };
    });
    // Every command counted in the commands lane, drawn as one path of at most one tick per column.
    expect(facts.commandTicks).toBe(10_000);
    expect(facts.commandBins).toBeLessThanOrEqual(1000);
    expect(facts.svgElements).toBeLessThan(3000);
    expect(facts.elements).toBeLessThan(8000);
    expect(facts.bytes).toBeLessThan(400_000);
    expect(facts.tableRows).toBe(100);
    expect(facts.width).toBeGreaterThan(1366 * 0.9);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'plan-10000-commands.png') });
    // The next page of commands, by keyboard.
    await page.getByRole('button', { name: 'Next commands' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('commands').locator('caption').textContent(), POLL).toBe('Commands 101–200 of 10,000');
    expect(await page.getByTestId('commands').locator('tbody tr').first().locator('td').first().textContent()).toBe('100');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Next commands');
    rmSync(path.join(sc.dir, 'plans', 'bench.plan.json'));
    await page.close();
  });

  for (const size of [{ width: 1366, height: 768 }, { width: 1920, height: 1080 }]) {
    it(`lays every page out at ${size.width}×${size.height}`, async () => {
      const page = await login(USERS.operator, size);
      for (const [hash, title] of [['status', 'Live status'], ['gaps', 'Gaps timeline'], ['products', 'Products'], ['parameters', 'Parameters'], ['plan', 'Plan']] as const) {
        await page.goto(`${url}#/${hash}`);
        await page.getByRole('heading', { level: 2, name: title }).waitFor();
        if (hash === 'products') await page.locator('.map path.footprint').first().waitFor();
        if (hash === 'status') await page.getByTestId('total-packets').waitFor();
        if (hash === 'plan') {
          await page.getByLabel('Plan').selectOption('resources.plan.json');
          await page.getByTestId('plan-timeline').waitFor();
        }
        const facts = await page.evaluate(() => {
          const r = (sel: string) => document.querySelector(sel)?.getBoundingClientRect();
          const nav = Array.from(document.querySelectorAll('nav a')).map((a) => a.getBoundingClientRect());
          return {
            overflowX: document.documentElement.scrollWidth - window.innerWidth,
            navInView: nav.every((b) => b.top >= 0 && b.bottom <= window.innerHeight && b.right <= window.innerWidth),
            navOneRow: new Set(nav.map((b) => Math.round(b.top))).size === 1,
            heading: r('h2'),
            map: r('.map'),
            timeline: r('.plan-svg'),
          };
        });
        expect(facts.overflowX, `${hash}: horizontal overflow`).toBeLessThanOrEqual(0);
        expect(facts.navInView && facts.navOneRow, `${hash}: navigation`).toBe(true);
        expect(facts.heading!.top).toBeLessThan(size.height / 4);
        if (hash === 'products') {
          // The map fills the content column and its top half is in the first screen.
          expect(facts.map!.width).toBeGreaterThan(size.width * 0.5);
          expect(facts.map!.top + facts.map!.height / 2).toBeLessThan(size.height);
        }
        if (hash === 'plan') {
          // The timeline spans the content width; its lanes (modes … findings) start in the first screen and end within 1.6 screens.
          expect(facts.timeline!.width).toBeGreaterThan(size.width * 0.9);
          expect(facts.timeline!.top).toBeLessThan(size.height / 2);
          expect(facts.timeline!.bottom).toBeLessThan(size.height * 1.6);
        }
        if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${hash}-${size.width}x${size.height}.png`) });
      }
      await page.close();
    });
  }
});
