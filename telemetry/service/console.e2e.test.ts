/**
 * End-to-end tests of the operations console in a real browser: Debian's Chromium driven by playwright-core
 * against `idoc console` on the scenario of console-fixture.ts, while `idoc ingest --watch` takes a replay of fresh
 * telemetry. Skipped, visibly, only when no Chromium is installed (`.ci/run` installs it with apt-get).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, checkPlanTimeline, freePort, haveBrowser, launchChromium, lineOf, POLL, SHOTS, start, stop } from './_test-console-browser.js';
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
    // A fresh profile folder (playwright passes it as --user-data-dir).
    browser = await launchChromium(path.join(work, 'chromium-profile'));
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await stop(server);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function login(user: { name: string; password: string }, size = { width: 1366, height: 768 }): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewportSize(size);
    await browser.clearCookies();
    await page.goto(url);
    await page.getByLabel('User').fill(user.name);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 2, name: 'Live status' }).waitFor();
    return page;
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
    const timed = await page.evaluate(async () => ((await (await fetch('/api/console/plans/syntax.plan.json')).json()) as { findings: { time: string | null }[] }).findings.filter((f) => f.time).length);
    expect(await page.getByTestId('finding-mark').count()).toBe(timed);
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
