/**
 * The daemon end to end (issue 3): a real `idoc ingest --watch` process on loopback pulls, at once, the real
 * HTTP feed server (directly, and through a proxy that cuts its first response in the middle), a DDS exchange
 * folder answered by a fake DDS, a drop folder, and a TCP link fed by a real
 * `idoc replay --listen`. The same SIM packets arrive by four routes (duplicate deliveries), the drop folder
 * adds a damaged copy, a file of an unknown APID and a file that is not telemetry. The archive must hold
 * exactly the distinct packets, quarantine the unknown APID, and SIGTERM must drain and exit 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPacket, pusCTmSecondaryHeader } from '../../src/ccsds/packet.js';
import { encodeCuc, utcToTai } from '../../src/time/index.js';
import { SIM_TIME } from '../../fixtures/sim-instrument.js';
import { splitBuffer } from '../framing/index.js';
import { indexPacketFolder } from '../feeds/packet-index.js';
import { startFeedServer, type FeedServer } from '../feeds/http-server.js';
import { parseDdsRequestXml } from '../feeds/dds-request.js';
import { INDEX_FILE, openArchive } from '../../src/store/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'dist/bin/idoc.js');
const SAMPLE = (n: string) => path.join(ROOT, 'fixtures/sample', n);
const sha = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

let work: string;
let server: FeedServer;
const children: ChildProcess[] = [];
let stopDds = false;

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

/** A fake DDS: answers each `<id>.XML` with `<id>.DAT` holding the DDS records of sim.dds in the window and APIDs. */
async function fakeDds(requests: string, sim: Uint8Array): Promise<void> {
  const { batch } = splitBuffer(sim, { framing: 'dds', crc: 'yes' });
  while (!stopDds) {
    for (const name of await readdir(requests).catch(() => [] as string[])) {
      if (!name.endsWith('.XML')) continue;
      const req = parseDdsRequestXml(await readFile(path.join(requests, name), 'utf8'));
      const records = batch.packets.filter((p) => {
        const ms = p.dds!.seconds * 1000 + p.dds!.microseconds / 1000;
        return req.apids.includes(p.apid) && ms >= req.startMs && ms < req.endMs;
      }).map((p) => p.buf.subarray(p.offset - 18, p.offset + p.length));
      const tmp = path.join(requests, `.${req.id}.part`);
      await writeFile(tmp, Buffer.concat(records));
      await rename(tmp, path.join(requests, `${req.id}.DAT`));
      await rm(path.join(requests, name));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A proxy to the feed server whose first response is cut in the middle (a feed that drops mid-transfer). */
let flaky: http.Server;
let flakyUrl: string;
let flakyCuts = 0;
function startFlaky(target: string): Promise<void> {
  flaky = http.createServer((req, res) => {
    http.get(new URL(req.url!, target), (up) => {
      const parts: Buffer[] = [];
      up.on('data', (d: Buffer) => parts.push(d));
      up.on('end', () => {
        const body = Buffer.concat(parts);
        const headers = { ...up.headers };
        res.writeHead(up.statusCode ?? 500, headers);
        if (flakyCuts === 0 && body.length > 1000 && req.url!.startsWith('/packets')) {
          flakyCuts++;
          res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
        } else {
          res.end(body);
        }
      });
    });
  });
  return new Promise((resolve) => flaky.listen(0, '127.0.0.1', () => {
    flakyUrl = `http://127.0.0.1:${(flaky.address() as { port: number }).port}`;
    resolve();
  }));
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'idoc-daemon-'));
  await mkdir(path.join(work, 'served'));
  await copyFile(SAMPLE('sim.dds'), path.join(work, 'served/sim.dds'));
  server = await startFeedServer(await indexPacketFolder(path.join(work, 'served')), 0);
  await startFlaky(server.url);
});

afterAll(async () => {
  stopDds = true;
  for (const c of children) c.kill('SIGKILL');
  await server?.close();
  flaky?.close();
  await rm(work, { recursive: true, force: true });
});

function run(args: string[], cwd: string): ChildProcess & { out: () => string; err: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '', err = '';
  child.stdout!.on('data', (d) => { out += String(d); });
  child.stderr!.on('data', (d) => { err += String(d); });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return Object.assign(child, { out: () => out, err: () => err, done });
}

describe.skipIf(!existsSync(BIN))('idoc ingest --watch, end to end on loopback', () => {
  it('four feeds, duplicate deliveries, damage and an unknown APID: exactly the distinct packets, drained on SIGTERM', async () => {
    const dir = path.join(work, 'mission');
    for (const d of ['drop', 'dds']) await mkdir(path.join(dir, d), { recursive: true });
    // Drop folder: a damaged copy of the same telemetry, a file of unknown APID 1500, and a file that is not telemetry.
    await copyFile(SAMPLE('sim_damaged.dds'), path.join(dir, 'drop/sim_damaged.dds')); // a corrupt DDS delivery
    const t0 = utcToTai('2026-01-01T01:00:00Z');
    const unknown = Buffer.concat(Array.from({ length: 20 }, (_, i) => buildPacket({
      type: 0, apid: 1500, sequenceFlags: 3, sequenceCount: i, crc: true, data: new Uint8Array(8).fill(i),
      secondaryHeader: pusCTmSecondaryHeader({ service: 3, subtype: 25, time: encodeCuc(t0 + i, SIM_TIME) }),
    })));
    await writeFile(path.join(dir, 'drop/unknown_apid.bin'), unknown);
    await writeFile(path.join(dir, 'drop/notes.txt'), 'not a packet file\n'.repeat(50));
    const port = await freePort();
    const config = JSON.parse(await readFile(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8'));
    delete config.$schema;
    config.feeds = {
      http: { kind: 'http', url: server.url, maxPackets: 200 },
      flaky: { kind: 'http', url: flakyUrl, maxPackets: 300 },
      dds: { kind: 'dds-exchange', requestDir: 'dds', apids: [1100, 1101, 1110, 1120], start: '2026-01-01T00:00:00Z', window: 'PT10M', maxWindows: 1, pollSeconds: 0.1, timeoutSeconds: 20 },
      drop: { kind: 'drop-folder', dir: 'drop', pollSeconds: 0.1 },
      bench: { kind: 'tcp', host: '127.0.0.1', port, backoff: { initialSeconds: 0.1, maxSeconds: 0.5 } },
    };
    config.routes = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
    config.archive = { dir: 'archive' };
    await writeFile(path.join(dir, 'idoc.json'), JSON.stringify(config));

    stopDds = false;
    void fakeDds(path.join(dir, 'dds'), await readFile(SAMPLE('sim.dds')));
    const replay = run(['replay', SAMPLE('sim.bin'), '--listen', `tcp://127.0.0.1:${port}`, '--speed', 'max'], dir);
    const daemon = run(['ingest', '--watch', '--poll', '1'], dir);

    // Expected: the distinct packets of everything delivered (the bit-flipped packet is distinct by its bytes).
    const distinct = new Map<string, number>();
    for (const f of ['sim.bin', 'sim_damaged.dds']) {
      for (const p of splitBuffer(await readFile(SAMPLE(f)), { crc: 'yes' }).batch.packets) distinct.set(sha(p.buf.subarray(p.offset, p.offset + p.length)), p.apid);
    }
    for (const p of splitBuffer(unknown, { crc: 'yes' }).batch.packets) distinct.set(sha(p.buf.subarray(p.offset, p.offset + p.length)), p.apid);

    const archiveDir = path.join(dir, 'archive');
    const stored = () => {
      if (!existsSync(path.join(archiveDir, INDEX_FILE))) return new Map<string, { apid: number; route: string }>();
      const a = openArchive(archiveDir, { readonly: true });
      try {
        const m = new Map<string, { apid: number; route: string }>();
        for (const row of a.query()) m.set(sha(a.bytesOf(row)), { apid: row.apid, route: row.route });
        return m;
      } finally {
        a.close();
      }
    };
    const deadline = Date.now() + 90_000;
    let got = stored();
    while (Date.now() < deadline) {
      got = stored();
      const rejected = existsSync(path.join(dir, 'drop/rejected/notes.txt'));
      const delivered = !existsSync(path.join(dir, 'drop/sim_damaged.dds')) && !existsSync(path.join(dir, 'drop/unknown_apid.bin'));
      if (got.size >= distinct.size && rejected && delivered && (await replay.done.then(() => true, () => false))) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    // While it runs, `idoc ingest status` reads the daemon's status file.
    await new Promise((r) => setTimeout(r, 2500));
    const status = run(['ingest', 'status', '--json'], dir);
    expect(await status.done, status.err()).toBe(0);
    const st = JSON.parse(status.out()).result;
    expect(st.running).toBe(true);
    expect(st.feeds.map((f: { feed: string }) => f.feed).sort()).toEqual(['bench', 'dds', 'drop', 'flaky', 'http']);

    daemon.kill('SIGUSR1'); // the status as a JSON event line
    await new Promise((r) => setTimeout(r, 800));
    daemon.kill('SIGTERM');
    expect(await daemon.done, daemon.err()).toBe(0);
    got = stored();
    expect([...got.keys()].sort()).toEqual([...distinct.keys()].sort());
    for (const [k, v] of got) expect(v.route, k).toBe(v.apid === 1500 ? 'quarantine' : v.apid === 1110 ? 'SIM_SCI' : v.apid === 1120 ? 'SIM_EVT' : 'SIM_HK');
    expect(daemon.err().split('\n').filter((l) => l && !l.startsWith('{'))).toEqual([]); // nothing but JSON event lines
    const events = daemon.err().trim().split('\n').map((l) => JSON.parse(l) as { event: string; feed?: string });
    expect(events.filter((e) => e.event === 'unit-ingested').map((e) => e.feed)).toEqual(expect.arrayContaining(['http', 'dds', 'drop', 'bench']));
    expect(events.some((e) => e.event === 'unit-rejected')).toBe(true);
    const usr1 = events.find((e) => e.event === 'status') as unknown as { feeds: { feed: string; backlog?: number }[] } | undefined;
    expect(usr1?.feeds.map((f) => f.feed).sort()).toEqual(['bench', 'dds', 'drop', 'flaky', 'http']);
    expect(usr1?.feeds.find((f) => f.feed === 'drop')?.backlog).toBe(0);
    // The feed that dropped mid-transfer failed once, was retried with backoff, and delivered everything.
    expect(flakyCuts).toBe(1);
    expect(events.some((e) => e.event === 'feed-failed' && e.feed === 'flaky')).toBe(true);
    expect(events.filter((e) => e.event === 'unit-ingested' && e.feed === 'flaky').length).toBeGreaterThan(1);
    expect(events[events.length - 1]!.event).toBe('watch-stopped');
    const a = openArchive(archiveDir, { readonly: true });
    try {
      expect(a.status().duplicates).toBeGreaterThan(2 * 700); // the same packets came by four routes
    } finally {
      a.close();
    }
  }, 150_000);
});
