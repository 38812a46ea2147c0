import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runIdoc } from './_run-in-process.js';
import { buildSamples } from '../fixtures/generate.js';
import { BUNDLED_LEAP_SECONDS, setLeapSecondTable } from '../src/time/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = path.join(ROOT, 'fixtures/sample-mission/idoc.json');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idoc-cli-'));
  const s = await buildSamples();
  for (const [name, bytes] of s.files) await writeFile(path.join(dir, name), bytes);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });
const f = (name: string) => path.join(dir, name);

const idoc = (...argv: string[]) => runIdoc(argv);

describe('idoc packets inspect', () => {
  it('exit 0 on a clean file, 1 on a damaged one, with the same facts in --json', async () => {
    expect((await idoc('packets', 'inspect', f('sim.bin'), '--config', CONFIG)).code).toBe(0);
    const r = await idoc('packets', 'inspect', f('sim_damaged.bin'), '--config', CONFIG, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out).result;
    expect(j.totals).toMatchObject({ packets: 701, crcErrors: 1, gaps: 2, missing: 4, duplicates: 1, idle: 1, skippedBytes: 465 });
    expect(j.apids.map((a: { name: string }) => a.name)).toEqual(['SIM_HK_FAST', 'SIM_HK_SLOW', 'SIM_SCI', 'SIM_EVT']);
    expect(j.firstTime).toBe('2026-01-01T00:00:00.000000Z');
    // The envelope says what the text's `problems:` line says.
    const env = JSON.parse(r.out) as { ok: boolean; problems: { code: string; message: string }[] };
    expect(env.ok).toBe(false);
    expect(env.problems).toEqual([{ code: 'crc', message: '1 CRC error' }, { code: 'gap', message: '2 gaps (4 packets missing)' }, { code: 'skipped', message: expect.stringMatching(/^465 bytes skipped in \d+ ranges?$/) }]);
    const text = await idoc('packets', 'inspect', f('sim_damaged.bin'), '--config', CONFIG);
    expect(text.out).toContain(`problems: ${env.problems.map((p) => p.message).join(', ')}`);
  });
  it('the text report names each problem with its file and offset', async () => {
    const r = await idoc('packets', 'inspect', f('sim_damaged.bin'), '--config', CONFIG);
    expect(r.out).toContain(`${f('sim_damaged.bin')} offset 0x263e (9790): 37 bytes, garbage`);
    expect(r.out).toContain('APID 1100: 3 missing between count 9 and 13');
    expect(r.out).toContain('problems: 1 CRC error, 2 gaps (4 packets missing), 465 bytes skipped in 5 ranges');
  });
  it('flags choose framing and CRC without a config', async () => {
    const r = await idoc('packets', 'inspect', f('sim_prefix4.bin'), '--framing', 'prefix', '--prefix-bytes', '4', '--crc', 'yes', '--json');
    expect(JSON.parse(r.out).result.files[0]).toMatchObject({ framing: 'prefix:4', crc: true, packets: 705 });
    expect(r.code).toBe(0);
  });
  it('exit 2 with one line for a missing file, a bad flag value, a bad config', async () => {
    const missing = await idoc('packets', 'inspect', f('nope.bin'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.bin: ENOENT/);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    const bad = await idoc('packets', 'inspect', f('sim.bin'), '--crc', 'maybe');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--crc');
    await writeFile(f('bad.json'), '{"mission": {"name": 5}}');
    const cfg = await idoc('packets', 'inspect', f('sim.bin'), '--config', f('bad.json'));
    expect(cfg.code).toBe(2);
    expect(cfg.err).toContain('#/mission/name');
  });
  it('warns on stderr when the leap-second table has expired, and still answers', async () => {
    setLeapSecondTable({ ...BUNDLED_LEAP_SECONDS, expires: '2020-01-01' });
    try {
      const r = await idoc('packets', 'inspect', f('sim.bin'), '--config', CONFIG);
      expect(r.err).toMatch(/warning: the leap-second table .* expired on 2020-01-01/);
      expect(r.code).toBe(0);
    } finally {
      setLeapSecondTable(null);
    }
  });
  it('--help works for every packets subcommand', async () => {
    for (const sub of ['inspect', 'dump', 'cat', 'split']) {
      const r = await idoc('packets', sub, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain('--framing');
    }
  });
});

describe('idoc packets dump', () => {
  it('NDJSON with filters: --apid, --limit, --from/--to', async () => {
    const r = await idoc('packets', 'dump', f('sim.dds'), '--config', CONFIG, '--json', '--apid', '1120');
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatchObject({ apid: 1120, type: 'TM', service: 5, subtype: 1, crc: 'ok', time: '2026-01-01T00:00:30.250000Z', dds: { groundStation: 0x18 } });
    const lim = await idoc('packets', 'dump', f('sim.bin'), '--config', CONFIG, '--json', '--limit', '5');
    expect(lim.out.trim().split('\n')).toHaveLength(5);
    const win = await idoc('packets', 'dump', f('sim.bin'), '--config', CONFIG, '--json', '--apid', '1100', '--from', '2026-01-01T00:01:00Z', '--to', '2026-01-01T00:02:00Z');
    const w = win.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(w).toHaveLength(60);
    expect(w[0].time).toBe('2026-01-01T00:01:00.000000Z');
  });
  it('one text line per packet with offset, APID, sequence, PUS type, time and CRC', async () => {
    const r = await idoc('packets', 'dump', f('sim.bin'), '--config', CONFIG, '--limit', '1');
    expect(r.out).toMatch(/^\s+0x0\s+APID 1100\s+TM\s+unsegmented\s+seq\s+0\s+len\s+55\s+PUS 3,25\s+2026-01-01T00:00:00.000000Z\s+CRC ok\n$/);
  });
});

describe('idoc packets cat / split', () => {
  it('cat turns the DDS file into exactly the raw packet stream', async () => {
    const r = await idoc('packets', 'cat', f('sim.dds'));
    expect(r.code).toBe(0);
    expect(r.bytes.equals(await readFile(f('sim.bin')))).toBe(true);
    const out = await idoc('packets', 'cat', f('sim_prefix4.bin'), '--out', f('cat.bin'));
    expect(out.code).toBe(0);
    expect((await readFile(f('cat.bin'))).equals(await readFile(f('sim.bin')))).toBe(true);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
  it('split writes one file per APID in stream order', async () => {
    const out = f('split');
    const r = await idoc('packets', 'split', f('sim.bin'), '--out', out, '--json');
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['apid_1100.bin', 'apid_1101.bin', 'apid_1110.bin', 'apid_1120.bin']);
    const back = await idoc('packets', 'inspect', path.join(out, 'apid_1110.bin'), '--json');
    expect(JSON.parse(back.out).result.totals).toMatchObject({ packets: 99, gaps: 0 });
  });
});

describe('the idoc executable', () => {
  const bin = path.join(ROOT, 'dist/bin/idoc.js');
  it.skipIf(!existsSync(bin))('runs as a process: packets cat to stdout is binary-exact, exit codes hold', async () => {
    const exec = promisify(execFile);
    const r = await exec(process.execPath, [bin, 'packets', 'cat', f('sim.dds')], { encoding: 'buffer', maxBuffer: 1 << 26 });
    expect(Buffer.from(r.stdout).equals(await readFile(f('sim.bin')))).toBe(true);
    await expect(exec(process.execPath, [bin, 'packets', 'inspect', f('sim_damaged.bin')])).rejects.toMatchObject({ code: 1 });
    await expect(exec(process.execPath, [bin, 'packets', 'inspect'])).rejects.toMatchObject({ code: 2 });
  });
});

describe('command registry', () => {
  it('every module in bin/commands is registered', async () => {
    const index = await readFile(path.join(ROOT, 'bin/commands/index.ts'), 'utf8');
    for (const file of readdirSync(path.join(ROOT, 'bin/commands')).filter((n) => n.endsWith('.ts') && !['index.ts', 'context.ts'].includes(n) && !n.endsWith('.test.ts'))) {
      expect(index, file).toContain(`from './${file.replace(/\.ts$/, '.js')}'`);
    }
  });
});

describe('committed samples', () => {
  it('fixtures/sample/ equals a fresh run of the deterministic generator', async () => {
    const s = await buildSamples();
    for (const [name, bytes] of s.files) expect(Buffer.from(bytes).equals(await readFile(path.join(ROOT, 'fixtures/sample', name))), name).toBe(true);
    expect(JSON.parse(await readFile(path.join(ROOT, 'fixtures/sample/truth.json'), 'utf8'))).toEqual(s.truth);
  });
});
