/**
 * @module Test helper for the console's browser tests (console.e2e.test.ts through `idoc console`,
 * console-serve.e2e.test.ts through `idoc serve`): Debian's Chromium through playwright-core, child `idoc`
 * processes, and the plan page's checks both run. Skipped, visibly, only when no Chromium is installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { IDOC, REPO } from './console-fixture.js';

export const CHROMIUM = process.env['IDOC_CHROMIUM'] ?? '/usr/bin/chromium';
export const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`console e2e tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set IDOC_CHROMIUM)`);
export const BUILT = path.join(REPO, 'dist', 'telemetry', 'service', 'console', 'index.html');
/** Screenshots go here (the README's are made with IDOC_CONSOLE_SCREENSHOTS=docs/console). */
export const SHOTS = process.env['IDOC_CONSOLE_SCREENSHOTS'] ? path.resolve(REPO, process.env['IDOC_CONSOLE_SCREENSHOTS']) : undefined;

export const freePort = () => new Promise<number>((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }).on('error', reject);
});

export function start(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [IDOC, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The first stdout line matching `re`. */
export function lineOf(p: ChildProcess, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => { buf += d.toString(); const m = re.exec(buf); if (m) resolve(m); });
    p.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('exit', (code) => reject(new Error(`exited ${code}: ${err.split('\n')[0]}`)));
  });
}

/** Wait for a value (the machine may be loaded: generous, and no assertion on how long it took). */
export const POLL = { timeout: 30_000, interval: 100 };

export const stop = (p: ChildProcess | undefined) => new Promise<void>((resolve) => {
  if (!p || p.exitCode !== null) { resolve(); return; }
  p.once('exit', () => resolve());
  p.kill('SIGTERM');
});

/**
 * The plan page against the server's own series (same origin, the page's session): one bar per eclipse and pass,
 * one lane per station and constraint set, the power and memory curves peaking above their limits, and the
 * POWER and MEMORY findings drawn inside the spans where the curves are above them.
 */
export async function checkPlanTimeline(page: Page, name: string): Promise<void> {
  const t = await page.evaluate(async (n) => (await (await fetch(`/api/console/plans/${n}`)).json()) as {
    eclipses: unknown[]; passes: { station: string }[]; windows: unknown[]; power: { limitW: number }[]; dataVolume: { memoryBits: number }[];
  }, name);
  expect(t.eclipses.length).toBeGreaterThan(0);
  expect(t.passes.length).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId('plan-timeline').count(), POLL).toBe(1);
  expect(await page.getByTestId('lane-eclipses').locator('rect').count()).toBe(t.eclipses.length);
  expect(await page.getByTestId('lane-eclipses').locator('rect[data-kind="umbra"]').count()).toBeGreaterThan(0);
  expect(await page.getByTestId('lane-passes').count()).toBe(new Set(t.passes.map((p) => p.station)).size);
  expect(await page.getByTestId('lane-passes').locator('rect').count()).toBe(t.passes.length);
  expect(await page.getByTestId('passes').locator('tbody tr').count()).toBe(t.passes.length);
  expect(await page.getByTestId('lane-window').count()).toBe(Math.min(8, t.windows.length));
  expect(await page.getByTestId('lane-modes').locator('rect').count()).toBeGreaterThan(1);
  const curve = page.getByTestId('power-curve');
  expect(Number(await curve.getAttribute('data-limit'))).toBe(t.power[0]!.limitW);
  expect(Number(await curve.getAttribute('data-peak'))).toBeGreaterThan(t.power[0]!.limitW);
  expect(Number(await page.getByTestId('memory-curve').getAttribute('data-peak'))).toBe(t.dataVolume[0]!.memoryBits);
  const inside = async (rule: string, span: string) => page.evaluate(([r, s]) => {
    const mark = document.querySelector(`[data-testid="finding-mark"][data-rule="${r}"]`)!;
    const cx = Number(mark.getAttribute('cx'));
    return Array.from(document.querySelectorAll(`[data-testid="${s}"]`)).some((e) => cx >= Number(e.getAttribute('x')) - 0.01 && cx <= Number(e.getAttribute('x')) + Number(e.getAttribute('width')) + 0.01);
  }, [rule, span] as const);
  expect(await inside('POWER', 'power-over')).toBe(true);
  expect(await inside('MEMORY', 'memory-full')).toBe(true);
}


/**
 * axe-core's browser script, from node_modules: nothing is fetched at run time. The console's Content-Security-
 * Policy (script-src 'self') refuses an injected <script> (addScriptTag), so it is evaluated through the DevTools
 * protocol instead, which the policy does not govern.
 */
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** One axe-core finding: the rule, its impact and the elements (CSS selectors) it names. */
export interface AxeViolation { id: string; impact: string | null; help: string; nodes: string[] }

/**
 * Run axe-core on the page as it is now against the WCAG 2.0/2.1/2.2 A and AA rules and the best practices
 * (landmarks, headings, regions); the violations of serious or critical impact. Color contrast is among them.
 */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const all = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The focused element's outline as drawn (the :focus-visible style): style and width in px. */
export const focusOutline = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  if (!el) return { tag: '', style: 'none', width: 0 };
  const cs = getComputedStyle(el);
  return { tag: el.tagName.toLowerCase(), style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) };
});

/**
 * A headless Chromium with a fresh profile folder in `work` (playwright passes it as --user-data-dir); the
 * screenshot folder made when screenshots are asked for.
 */
export async function launchChromium(work: string): Promise<BrowserContext> {
  const browser = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1366, height: 768 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  return browser;
}

/** The end of a browser suite: the browser closed, the idoc server stopped, the work folder removed. */
export async function endBrowserRun(browser: BrowserContext | undefined, server: ChildProcess | undefined, work: string | undefined): Promise<void> {
  await browser?.close();
  await stop(server);
  if (work) rmSync(work, { recursive: true, force: true });
}

/** Log in on the page's login form (already shown) and wait for the live status page. */
export async function fillLogin(page: Page, user: { readonly name: string; readonly password: string }): Promise<Page> {
  await page.getByLabel('User').fill(user.name);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 2, name: 'Live status' }).waitFor();
  return page;
}
