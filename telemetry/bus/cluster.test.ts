/**
 * A cluster on one machine (issue 19): 2 publishers (`ingest --publish`, one per ground station) and 3 archive
 * workers (`ingest --consume --watch`) as separate processes against the local PostgreSQL and NATS JetStream.
 * The stations deliver DDS files of a few hundred thousand packets between them, a third of them received by
 * both stations and one file delivered twice; during the run publishers and workers are killed with SIGKILL at
 * seeded random moments and restarted. At the end (every publisher done, no route lagging), the archive must hold
 * exactly the generated packets, packet by packet (APID and octets, each once, none a repeat).
 *
 * "Multi-host": where this process may create network namespaces (root, `ip`), station A's publisher and one
 * worker run in namespaces of their own, joined to this one by veth pairs, reaching NATS and PostgreSQL through a
 * TCP relay on the veth address (the servers listen on 127.0.0.1 only), the segment files on the shared file
 * system; elsewhere every process runs on loopback, and the test says so. Skips, saying so, when NATS or
 * PostgreSQL is not reachable or dist/ is not built.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'nats';
import { buildPacket, pusCTmSecondaryHeader } from '../../src/ccsds/packet.js';
import { encodeCuc, taiToUnixMs, utcToTai } from '../../src/time/index.js';
import { SIM_TIME, prng } from '../../fixtures/sim-instrument.js';
import { encodeDdsHeader, DDS_HEADER_LENGTH } from '../framing/dds/layout.js';
import { freshPgArchive, PG_DOWN, TEST_PG_URL } from '../../src/postgres/_test-pg.js';
import { openPgArchiveReader } from '../../src/postgres/index.js';
import { busLag, committedStreamOf, streamOf } from './index.js';
import { BIN, NATS_DOWN, NATS_URL, ROOT } from './_test-bus.js';

const PG_URL = TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const why = NATS_DOWN !== undefined ? `NATS not reachable (${NATS_DOWN})` : PG_DOWN !== undefined ? `PostgreSQL not reachable (${PG_DOWN})` : !existsSync(BIN) ? 'dist/ not built' : undefined;
if (why) console.warn(`cluster test skipped: ${why}`);

/** Unique packets generated (4 APIDs); stations A and B each receive two thirds of them. */
const PACKETS = Number(process.env['IDOC_CLUSTER_PACKETS'] ?? 240_000);
const FILES_PER_STATION = 8;
const APIDS = [1100, 1101, 1110, 1120] as const;
const T0 = utcToTai('2026-03-01T00:00:00Z');

/** The truth: every packet's octets, in time order; packet i is on APID APIDS[i % 4], 8 per second. */
function generate(): Uint8Array[] {
  const rnd = prng(19);
  const seq = [0, 0, 0, 0];
  const out: Uint8Array[] = [];
  for (let i = 0; i < PACKETS; i++) {
    const k = i % APIDS.length;
    const tai = T0 + i / 8;
    const data = new Uint8Array(8 + Math.floor(rnd() * 56));
    for (let j = 0; j < data.length; j++) data[j] = Math.floor(rnd() * 256);
    const sh = pusCTmSecondaryHeader({ service: 3, subtype: 25, messageTypeCounter: i & 0xffff, time: encodeCuc(tai, SIM_TIME) });
    out.push(buildPacket({ type: 0, apid: APIDS[k]!, sequenceFlags: 3, sequenceCount: seq[k]!, secondaryHeader: sh, data, crc: true }));
    seq[k] = (seq[k]! + 1) & 0x3fff;
  }
  return out;
}

/** DDS files of one station: its packets in FILES_PER_STATION time slices, received 2 s (+ 0.3 s at B) after generation. */
function stationFiles(truth: readonly Uint8Array[], station: 'A' | 'B'): Uint8Array[] {
  const mine = truth.map((p, i) => ({ p, i })).filter(({ i }) => (station === 'A' ? i % 3 !== 0 : i % 3 !== 1));
  const per = Math.ceil(mine.length / FILES_PER_STATION);
  const files: Uint8Array[] = [];
  for (let f = 0; f < FILES_PER_STATION; f++) {
    const slice = mine.slice(f * per, (f + 1) * per);
    const buf = new Uint8Array(slice.reduce((n, x) => n + DDS_HEADER_LENGTH + x.p.length, 0));
    let at = 0;
    for (const { p, i } of slice) {
      const ms = taiToUnixMs(T0 + i / 8) + (station === 'A' ? 2000 : 2300);
      encodeDdsHeader({ seconds: Math.floor(ms / 1000), microseconds: Math.round((ms % 1000) * 1000), packetSize: p.length, groundStation: station === 'A' ? 0x15 : 0x18, virtualChannel: 0, sleService: 0xf0, timeQuality: 0 }, buf, at);
      buf.set(p, at + DDS_HEADER_LENGTH);
      at += DDS_HEADER_LENGTH + p.length;
    }
    files.push(buf);
  }
  return files;
}

/** A TCP relay from host:port to 127.0.0.1:toPort (the servers listen on loopback only). */
async function relay(host: string, toPort: number): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((a) => {
    const b = net.connect(toPort, '127.0.0.1');
    for (const s of [a, b]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => { a.destroy(); b.destroy(); }); }
    a.pipe(b);
    b.pipe(a);
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, host, () => resolve()); });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

/** Network namespaces joined to this one by veth pairs (root and `ip` needed); undefined with the reason when not possible. */
function makeNamespaces(names: readonly string[], subnet: number): { hosts: { ns: string; hostAddr: string }[]; remove: () => void } | string {
  if (process.getuid?.() !== 0) return 'not root';
  if (spawnSync('ip', ['-V']).status !== 0) return '`ip` not installed';
  const made: { ns: string; veth: string }[] = [];
  const remove = (): void => {
    for (const m of made) {
      spawnSync('ip', ['link', 'del', m.veth]);
      spawnSync('ip', ['netns', 'del', m.ns]);
    }
  };
  const hosts: { ns: string; hostAddr: string }[] = [];
  for (const [k, ns] of names.entries()) {
    const veth = `${ns.slice(0, 12)}h`;
    const base = `10.${200 + (subnet % 50)}.${(subnet >> 6) % 250}.${k * 4}`;
    const [a, b] = [`${base.split('.').slice(0, 3).join('.')}.${k * 4 + 1}`, `${base.split('.').slice(0, 3).join('.')}.${k * 4 + 2}`];
    const steps = [
      ['netns', 'add', ns], ['link', 'add', veth, 'type', 'veth', 'peer', 'name', `${ns.slice(0, 12)}n`],
      ['link', 'set', `${ns.slice(0, 12)}n`, 'netns', ns], ['addr', 'add', `${a}/30`, 'dev', veth], ['link', 'set', veth, 'up'],
      ['netns', 'exec', ns, 'ip', 'addr', 'add', `${b}/30`, 'dev', `${ns.slice(0, 12)}n`], ['netns', 'exec', ns, 'ip', 'link', 'set', `${ns.slice(0, 12)}n`, 'up'],
      ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up'],
    ];
    for (const [j, s] of steps.entries()) {
      const r = spawnSync('ip', s, { encoding: 'utf8' });
      if (j === 0 && r.status === 0) made.push({ ns, veth });
      if (r.status !== 0) { remove(); return `ip ${s.join(' ')}: ${r.stderr.trim()}`; }
    }
    hosts.push({ ns, hostAddr: a });
  }
  return { hosts, remove };
}

describe.skipIf(why !== undefined)('a cluster on one machine: 2 publishers, 3 archive workers, SIGKILLs, PostgreSQL + NATS', () => {
  const mission = `C${process.pid}${Date.now().toString(36)}`;
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    const nc = await connect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    for (const s of [streamOf(mission), committedStreamOf(mission), `KV_idoc_${mission.toLowerCase()}_cursors`]) await jsm.streams.delete(s).catch(() => undefined);
    await nc.close();
  });

  it('the archive holds every generated packet exactly once, whatever was killed', async () => {
    const started = performance.now();
    const work = mkdtempSync(path.join(tmpdir(), 'idoc-cluster-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    const pg = await freshPgArchive('cl');
    cleanups.push(pg.drop);
    const truth = generate();
    const files = { A: stationFiles(truth, 'A'), B: stationFiles(truth, 'B') };

    // Hosts: station A's publisher and worker 3 in namespaces of their own where possible.
    const nets = makeNamespaces([`idA${process.pid % 100000}`, `idW${process.pid % 100000}`], process.pid);
    let placement: Record<'pubA' | 'w3', { prefix: string[]; nats: string; pg: string }> = {
      pubA: { prefix: [], nats: NATS_URL, pg: PG_URL }, w3: { prefix: [], nats: NATS_URL, pg: PG_URL },
    };
    if (typeof nets === 'string') {
      console.warn(`cluster test: every process on loopback (no network namespaces: ${nets})`);
    } else {
      cleanups.push(nets.remove);
      const natsPort = Number(new URL(NATS_URL).port || 4222);
      const pgPort = Number(new URL(PG_URL).port || 5432);
      const hostsOf = await Promise.all(nets.hosts.map(async (h) => {
        const [n, p] = [await relay(h.hostAddr, natsPort), await relay(h.hostAddr, pgPort)];
        cleanups.push(n.close, p.close);
        const u = new URL(PG_URL);
        u.hostname = h.hostAddr;
        u.port = String(p.port);
        return { prefix: ['ip', 'netns', 'exec', h.ns], nats: `nats://${h.hostAddr}:${n.port}`, pg: u.toString() };
      }));
      placement = { pubA: hostsOf[0]!, w3: hostsOf[1]! };
    }

    // One folder per host: its config (the same mission and archive), a drop folder for a publisher.
    const host = (name: string, feed?: string): string => {
      const dir = path.join(work, name);
      mkdirSync(path.join(dir, 'drop'), { recursive: true });
      const config = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown> & { mission: Record<string, unknown> };
      delete config['$schema'];
      config.mission = { ...config.mission, name: mission };
      config['feeds'] = feed ? { [feed]: { kind: 'drop-folder', dir: 'drop', pollSeconds: 0.05 } } : {};
      config['routes'] = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
      // A publisher's archive.dir holds only its local state (ingest lock, status); workers write the shared archive.
      config['archive'] = feed ? { dir: 'state' } : { kind: 'postgres', schema: pg.target.schema, dir: pg.dir };
      writeFileSync(path.join(dir, 'idoc.json'), JSON.stringify(config));
      return dir;
    };
    const dirs = { pubA: host('pubA', 'gsA'), pubB: host('pubB', 'gsB'), w1: host('w1'), w2: host('w2'), w3: host('w3') };
    files.A.forEach((f, i) => writeFileSync(path.join(dirs.pubA, 'drop', `A_${i}.dds`), f));
    files.B.forEach((f, i) => writeFileSync(path.join(dirs.pubB, 'drop', `B_${i}.dds`), f));
    writeFileSync(path.join(dirs.pubA, 'drop', 'A_2_redelivered.dds'), files.A[2]!); // the same file delivered again

    type Role = keyof typeof dirs;
    const args: Record<Role, string[]> = {
      pubA: ['ingest', '--publish', '--once', '--quiet'], pubB: ['ingest', '--publish', '--once', '--quiet'],
      w1: ['ingest', '--consume', '--watch', '--quiet', '--metrics', '0'], w2: ['ingest', '--consume', '--watch', '--quiet', '--metrics', '0'], w3: ['ingest', '--consume', '--watch', '--quiet', '--metrics', '0'],
    };
    // `ready`: a worker logs metrics-listening once its SIGTERM handler is installed (SIGTERM before that ends it as any process).
    const procs = new Map<Role, { child: ChildProcess; exit: Promise<number | null>; err: string[]; ready: Promise<boolean> }>();
    const start = (role: Role): void => {
      const where = role === 'pubA' || role === 'w3' ? placement[role] : { prefix: [], nats: NATS_URL, pg: PG_URL };
      const cmd = [...where.prefix, process.execPath, BIN, ...args[role]];
      const child = spawn(cmd[0]!, cmd.slice(1), { cwd: dirs[role], stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, IDOC_NATS_URL: where.nats, IDOC_PG_URL: where.pg } });
      const err: string[] = [];
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? null : code)));
      const ready = new Promise<boolean>((resolve) => {
        child.stderr!.on('data', (d: Buffer) => { err.push(d.toString()); if (err.join('').includes('"metrics-listening"')) resolve(true); });
        void exit.then(() => resolve(false));
      });
      procs.set(role, { child, err, exit, ready });
    };
    cleanups.push(() => { for (const p of procs.values()) p.child.kill('SIGKILL'); });
    for (const r of Object.keys(dirs) as Role[]) start(r);

    // Chaos: every 0.6-1.4 s, SIGKILL one process at random (a publisher still running, or a worker) and restart it.
    const rnd = prng(process.pid);
    const kills: string[] = [];
    const done = { pubA: false, pubB: false };
    const publishersDone = (async () => {
      for (const role of ['pubA', 'pubB'] as const) {
        for (;;) {
          const code = await procs.get(role)!.exit;
          if (code === 0) break;
          if (code !== null) throw new Error(`${role} exited ${code}: ${procs.get(role)!.err.join('')}`);
          await new Promise((r) => setTimeout(r, 50)); // killed: the chaos loop restarts it
          while (procs.get(role)!.child.exitCode !== null || procs.get(role)!.child.signalCode !== null) await new Promise((r) => setTimeout(r, 20));
        }
        done[role] = true;
      }
    })();
    let chaos = true;
    const chaosLoop = (async () => {
      // At least 4 kills, even when everything was committed before (a restart then finds nothing to do).
      while ((chaos || kills.length < 4) && kills.length < 12) {
        await new Promise((r) => setTimeout(r, kills.length === 0 ? 800 : 600 + rnd() * 800));
        const candidates = (['pubA', 'pubB', 'w1', 'w2', 'w3'] as const).filter((r) => !(r in done) || !done[r as 'pubA' | 'pubB']);
        // The first kill is a publisher in the middle of its files (when one is still running), then any process.
        const role = kills.length === 0 && candidates.includes('pubB') ? 'pubB' : candidates[Math.floor(rnd() * candidates.length)]!;
        const p = procs.get(role)!;
        if (p.child.exitCode !== null) continue; // a publisher that just finished
        p.child.kill('SIGKILL');
        await p.exit;
        kills.push(role);
        await new Promise((r) => setTimeout(r, 100 + rnd() * 300));
        start(role);
      }
    })();
    await publishersDone;
    const published = (performance.now() - started) / 1000;
    // Publishers done: wait until no route lags (every published message committed) and nothing is in flight.
    const nc = await connect({ servers: NATS_URL });
    cleanups.push(() => nc.close());
    const jsm = await nc.jetstreamManager();
    const reader = await openPgArchiveReader({ target: pg.target, dir: pg.dir });
    cleanups.push(() => reader.close());
    let lag;
    for (let i = 0; ; i++) {
      lag = await busLag(jsm, mission, streamOf(mission), await reader.cursors());
      if (lag.routes.length === 3 && lag.routes.every((r) => r.lag === 0) && lag.consumer?.pending === 0 && lag.consumer.ackPending === 0) break;
      if (i > 600) throw new Error(`still lagging: ${JSON.stringify(lag)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    chaos = false;
    await chaosLoop;
    // The last kill may have come after the loop saw no lag: wait again (a restarted worker has nothing to do).
    for (let i = 0; ; i++) {
      lag = await busLag(jsm, mission, streamOf(mission), await reader.cursors());
      if (lag.routes.every((r) => r.lag === 0) && lag.consumer?.pending === 0 && lag.consumer.ackPending === 0) break;
      if (i > 600) throw new Error(`still lagging: ${JSON.stringify(lag)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const drained = (performance.now() - started) / 1000;
    for (const r of ['w1', 'w2', 'w3'] as const) expect(await procs.get(r)!.ready, procs.get(r)!.err.join('')).toBe(true);
    for (const r of ['w1', 'w2', 'w3'] as const) procs.get(r)!.child.kill('SIGTERM');
    for (const r of ['w1', 'w2', 'w3'] as const) expect(await procs.get(r)!.exit, procs.get(r)!.err.join('')).toBe(0);

    // The archive against the truth, packet by packet.
    const got: string[] = [];
    let repeats = 0;
    for await (const page of reader.rows()) {
      const bytes = await reader.bytes(page);
      page.forEach((row, i) => { got.push(`${row.apid} ${Buffer.from(bytes[i]!).toString('hex')}`); if (row.repeat) repeats++; });
    }
    const want = truth.map((p) => `${((p[0]! & 7) << 8) | p[1]!} ${Buffer.from(p).toString('hex')}`);
    expect(got.length).toBe(want.length);
    expect(repeats).toBe(0);
    expect([...got].sort()).toEqual([...want].sort());
    const status = await reader.status();
    const delivered = files.A.length + files.B.length;
    expect(delivered).toBe(2 * FILES_PER_STATION);
    // A third received by both stations, one file twice: at least that many duplicates were dropped.
    expect(status.apids.reduce((n, a) => n + a.duplicates, 0)).toBeGreaterThanOrEqual(Math.floor(PACKETS / 3));
    expect(kills.length).toBeGreaterThanOrEqual(4);
    expect(kills.some((k) => k.startsWith('w'))).toBe(true);
    const seconds = (performance.now() - started) / 1000;
    console.info(`cluster: ${PACKETS} packets, ${status.apids.reduce((n, a) => n + a.duplicates, 0)} copies dropped, ${kills.length} SIGKILLs (${kills.join(', ')}), ` +
      `${typeof nets === 'string' ? 'all on loopback' : 'station A publisher and worker 3 in network namespaces'}; published at ${published.toFixed(1)} s, all committed at ${drained.toFixed(1)} s, checked at ${seconds.toFixed(1)} s`);
  }, 120_000);
});

if (why !== undefined) {
  describe('cluster test', () => {
    it.skip(`skipped: ${why}`, () => undefined);
  });
}
