/**
 * Exactly-once under crashes (issue 3): a real `idoc ingest --once` process pulling a drop folder and an HTTP
 * feed is killed with SIGKILL at random moments, restarted each time, then run to the end; its archive must hold
 * exactly the packets of a clean run, packet by packet, and each feed's cursor must match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { generateSim, prng } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { indexPacketFolder } from '../feeds/packet-index.js';
import { startFeedServer, type FeedServer } from '../feeds/http-server.js';
import { INDEX_FILE, openArchive } from '../../src/store/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'dist/bin/idoc.js');
const CONFIG = path.join(ROOT, 'fixtures/sample-mission/idoc.json');

let work: string;
let server: FeedServer;
let served: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'idoc-crash-'));
  // The drop folder's files: three half-hour SIM files (raw, DDS, prefixed) and a damaged one.
  const seed = path.join(work, 'seed');
  await mkdir(seed);
  for (const [k, framing] of (['raw', 'dds', 'prefix4'] as const).entries()) {
    const packets = await generateSim({ start: `2026-01-0${k + 2}T00:00:00Z`, seconds: 1800, seed: k + 1 });
    await writeFile(path.join(seed, `sim_${framing}.dat`), writeWithDamage('x', packets, framing, []).bytes);
  }
  const dmg = await generateSim({ start: '2026-01-06T00:00:00Z', seconds: 600 });
  await writeFile(path.join(seed, 'damaged.bin'), writeWithDamage('x', dmg, 'raw', [{ kind: 'garbage', afterApid: 1100, afterSeq: 40, length: 99 }, { kind: 'bitflip', apid: 1101, seq: 7, byte: 30 }]).bytes);
  // The HTTP feed serves another day, in responses of 1,500 packets (so its cursor moves many times).
  served = path.join(work, 'served');
  await mkdir(served);
  const day = await generateSim({ start: '2026-01-10T00:00:00Z', seconds: 2400, seed: 9 });
  await writeFile(path.join(served, 'day.dds'), writeWithDamage('x', day, 'dds', []).bytes);
  server = await startFeedServer(await indexPacketFolder(served), 0);
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

async function setup(name: string): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir);
  await cp(path.join(work, 'seed'), path.join(dir, 'drop'), { recursive: true });
  const config = JSON.parse(await (await import('node:fs/promises')).readFile(CONFIG, 'utf8'));
  delete config.$schema;
  config.feeds = {
    drop: { kind: 'drop-folder', dir: 'drop', pollSeconds: 0.05 },
    bench: { kind: 'http', url: server.url, maxPackets: 1500 },
  };
  config.routes = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
  config.archive = { dir: 'archive' };
  await writeFile(path.join(dir, 'idoc.json'), JSON.stringify(config));
  return dir;
}

/** Bytes of raw packets written to the archive's segment files so far (they are written before each commit). */
function segmentBytes(dir: string): number {
  const seg = path.join(dir, 'archive', 'segments');
  if (!existsSync(seg)) return 0;
  let n = 0;
  for (const f of readdirSync(seg)) n += statSync(path.join(seg, f)).size;
  return n;
}

/**
 * Run `idoc ingest --once` in `dir`; SIGKILL it once `killAtBytes` of segment data have been written (by
 * progress, not by the clock, so the kills land inside the work whatever the machine's speed), or after
 * `killAfterMs` (a kill during start-up).
 */
function ingest(dir: string, kill: { atBytes?: number; afterMs?: number } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'ingest', '--once', '--quiet'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    const timer = kill.afterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
    const poll = kill.atBytes === undefined ? undefined : setInterval(() => {
      if (segmentBytes(dir) >= kill.atBytes!) child.kill('SIGKILL');
    }, 2);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ code, signal, stderr });
    });
  });
}

/** Every stored packet as a comparable line, sorted; and the cursors. */
function contents(dir: string, creatingWaitMs?: number): { packets: string[]; cursors: Record<string, string> } {
  const a = openArchive(path.join(dir, 'archive'), { readonly: true, ...(creatingWaitMs !== undefined ? { creatingWaitMs } : {}) });
  try {
    const packets: string[] = [];
    for (const row of a.query()) {
      const digest = createHash('sha1').update(a.bytesOf(row)).digest('hex');
      packets.push(`${row.apid} ${row.sequenceCount} ${row.tai} ${row.route} ${row.crc} ${digest}`);
    }
    const cursors = Object.fromEntries(a.status().cursors.map((c) => [c.feed, c.value]));
    return { packets: packets.sort(), cursors };
  } finally {
    a.close();
  }
}

describe.skipIf(!existsSync(BIN))('ingest survives SIGKILL at any moment (exactly once)', () => {
  it('killed and restarted many times, the archive equals a clean run packet by packet', async () => {
    const clean = await setup('clean');
    const first = await ingest(clean);
    const total = segmentBytes(clean);
    expect(first.code, first.stderr).toBe(1); // the damaged file has a CRC error and garbage: data problems, exit 1
    const expected = contents(clean);
    expect(expected.packets.length).toBeGreaterThan(15_000);

    const crashed = await setup('crashed');
    const rnd = prng(2026);
    let kills = 0;
    const midway: number[] = [];
    for (let i = 0; i < 14; i++) {
      // Two kills during start-up, the others once a random share of the packet bytes has been written.
      const done = segmentBytes(crashed); // segment bytes already there (of earlier runs)
      const r = await ingest(crashed, i < 2 ? { afterMs: 50 + 200 * i } : { atBytes: done + Math.floor(Math.max(0, total - done) * rnd() * 0.5) });
      if (r.signal === 'SIGKILL') kills++;
      else expect([0, 1], r.stderr).toContain(r.code);
      // A kill during the first start-up can leave an index whose schema was never committed (the migrations are
      // one transaction): a reader calls that an archive being created, and the next ingest creates it.
      if (existsSync(path.join(crashed, 'archive', INDEX_FILE))) {
        try {
          midway.push(contents(crashed, 0).packets.length);
        } catch (e) {
          if (!/is being created/.test((e as Error).message)) throw e;
          midway.push(0);
        }
      }
    }
    expect(kills).toBeGreaterThan(4);
    // Some kills landed in the middle of the work (part stored, part not): the test exercised what it claims.
    expect(midway.some((n) => n > 0 && n < expected.packets.length), `stored after each run: ${midway.join(', ')}`).toBe(true);
    const last = await ingest(crashed);
    expect([0, 1], last.stderr).toContain(last.code);
    const got = contents(crashed);
    expect(got.packets.length).toBe(expected.packets.length);
    expect(got.packets).toEqual(expected.packets);
    expect(got.cursors).toEqual(expected.cursors);
    expect((await readdir(path.join(crashed, 'drop'))).sort()).toEqual(['done']);
  }, 240_000);

  it('a second ingest while one runs exits 2 naming the lock; the first is unharmed', async () => {
    const dir = await setup('twice');
    // The first runs as a daemon (it holds the lock until stopped), so the overlap is certain.
    const first = spawn(process.execPath, [BIN, 'ingest', '--watch', '--quiet', '--poll', '1'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    const lockFile = path.join(dir, 'archive', 'ingest.lock');
    for (let i = 0; i < 600 && !existsSync(lockFile); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(lockFile)).toBe(true);
    const second = await ingest(dir);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`another ingest is running \\(pid ${first.pid}`));
    first.kill('SIGTERM');
    expect(await firstExit).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  }, 60_000);
});
