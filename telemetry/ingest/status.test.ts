/**
 * `idoc ingest status` after an `ingest --once` (issue 13; it said ENOENT, exit 2): the last run is shown, with its
 * exit code and per-feed counters; `--json` gives the same as data. Event lines carry a level.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../bin/idoc.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idoc-once-status-'));
  await mkdir(path.join(dir, 'drop'));
  await copyFile(path.join(ROOT, 'fixtures/sample/sim.dds'), path.join(dir, 'drop', 'sim.dds'));
  const config = JSON.parse(await readFile(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown>;
  delete config['$schema'];
  config['feeds'] = { drop: { kind: 'drop-folder', dir: 'drop', pollSeconds: 0.01 } };
  config['archive'] = { dir: 'archive' };
  await writeFile(path.join(dir, 'idoc.json'), JSON.stringify(config));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), errIsTty: false } };
}

describe('ingest status after --once', () => {
  it('shows the last run; event lines carry a level', async () => {
    const cfg = path.join(dir, 'idoc.json');
    const once = io();
    expect(await run(['ingest', '--once', '--config', cfg], once.io)).toBe(0);
    const events = once.err.join('').trim().split('\n').map((l) => JSON.parse(l) as { level: string; event: string });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => ['debug', 'info', 'warn', 'error'].includes(e.level))).toBe(true);
    const text = io();
    expect(await run(['ingest', 'status', '--config', cfg], text.io)).toBe(0);
    expect(text.out.join('')).toMatch(/^last ingest --once: pid \d+ from \S+Z to \S+Z, exit code 0\n/);
    expect(text.out.join('')).toMatch(/\ndrop +idle +1 +705 +705 /);
    const json = io();
    expect(await run(['ingest', 'status', '--config', cfg, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out.join('')).result).toMatchObject({ mode: 'once', exitCode: 0, running: false, feeds: [{ feed: 'drop', stored: 705 }] });
  }, 60_000);
});
