/**
 * SIGKILL on live links (issue 13): a real `idoc ingest --watch` takes a TCP stream (it connects to a server here)
 * and UDP datagrams; whatever its status file says was committed (the acknowledged counts per link) is in the
 * archive after a SIGKILL in mid-stream, every packet once, and a restarted daemon goes on from there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSim } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { openArchive } from '../../src/store/index.js';
import { splitBuffer } from '../framing/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'dist/bin/idoc.js');
const CONFIG = path.join(ROOT, 'fixtures/sample-mission/idoc.json');
let work: string;
let packets: Buffer[];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'idoc-live-kill-'));
  const sim = await generateSim({ seconds: 2400, seed: 21 });
  packets = splitBuffer(writeWithDamage('x', sim, 'raw', []).bytes, { framing: 'raw', crc: 'yes' }).batch.packets.map((p) => Buffer.from(p.buf.subarray(p.offset, p.offset + p.length)));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function storedHex(dir: string): Map<string, number> {
  const a = openArchive(path.join(dir, 'archive'), { readonly: true });
  try {
    const m = new Map<string, number>();
    for (const row of a.query()) {
      const h = Buffer.from(a.bytesOf(row)).toString('hex');
      m.set(h, (m.get(h) ?? 0) + 1);
    }
    return m;
  } finally {
    a.close();
  }
}

describe.skipIf(!existsSync(BIN))('ingest --watch on live links survives SIGKILL: nothing acknowledged is lost', () => {
  it('killed mid-stream twice: every packet the status file counted as committed is stored, once', async () => {
    const dir = path.join(work, 'run');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const udpPort = await new Promise<number>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    });
    const config = JSON.parse(await readFile(CONFIG, 'utf8')) as Record<string, unknown>;
    delete config['$schema'];
    config['feeds'] = {
      bench: { kind: 'tcp', host: '127.0.0.1', port: (server.address() as AddressInfo).port, backoff: { initialSeconds: 0.05, maxSeconds: 0.2 }, commitIntervalSeconds: 0.2 },
      sim: { kind: 'udp', host: '127.0.0.1', port: udpPort, commitIntervalSeconds: 0.2, receiveBufferBytes: 4 << 20 },
    };
    config['archive'] = { dir: 'archive' };
    await (await import('node:fs/promises')).mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'idoc.json'), JSON.stringify(config));
    const tcpPackets = packets.filter((_, i) => i % 2 === 0);
    const udpPackets = packets.filter((_, i) => i % 2 === 1);
    let tcpNext = 0;
    let udpNext = 0;
    const sender = dgram.createSocket('udp4');
    const statusFile = path.join(dir, 'archive', 'ingest-status.json');
    const acked = { bench: 0, sim: 0 };
    try {
      for (let life = 0; life < 3; life++) {
        const child: ChildProcess = spawn(process.execPath, [BIN, 'ingest', '--watch', '--quiet', '--poll', '1'], { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] });
        const exited = new Promise((r) => child.once('exit', r));
        const socket = await new Promise<net.Socket>((resolve) => server.once('connection', resolve));
        socket.on('error', () => undefined);
        // Stream in small bursts (TCP in order; UDP one packet a datagram, paced) until the status file shows
        // commits of this life, then kill in the middle of the stream. Bounded in count.
        const startBench = acked.bench;
        for (let burst = 0; burst < 400; burst++) {
          for (let k = 0; k < 20 && tcpNext < tcpPackets.length; k++) socket.write(tcpPackets[tcpNext++]!);
          for (let k = 0; k < 10 && udpNext < udpPackets.length; k++) await new Promise<void>((r) => sender.send(udpPackets[udpNext++]!, udpPort, '127.0.0.1', () => r()));
          await sleep(10);
          if (burst % 10 !== 9) continue;
          try {
            const st = JSON.parse(readFileSync(statusFile, 'utf8')) as { pid: number; feeds: { feed: string; stored: number }[] };
            if (st.pid !== child.pid) continue;
            // What this life acknowledged adds to what earlier lives did (counters restart with the process).
            const now = { bench: st.feeds.find((f) => f.feed === 'bench')!.stored, sim: st.feeds.find((f) => f.feed === 'sim')!.stored };
            if (now.bench > 300 && now.sim > 100) {
              child.kill('SIGKILL');
              acked.bench = startBench + now.bench;
              acked.sim += now.sim;
              break;
            }
          } catch {
            // not written yet
          }
        }
        if (child.exitCode === null) child.kill('SIGKILL');
        await exited;
        socket.destroy();
        // Everything acknowledged so far is there, once. (TCP is in order: the first `acked.bench` packets sent.)
        const stored = storedHex(dir);
        const missingTcp = tcpPackets.slice(0, acked.bench).filter((p) => stored.get(p.toString('hex')) !== 1);
        expect(missingTcp.length, `life ${life}: TCP packets acknowledged but not stored`).toBe(0);
        expect([...stored.values()].every((n) => n === 1)).toBe(true);
        const udpStored = udpPackets.slice(0, udpNext).filter((p) => stored.has(p.toString('hex'))).length;
        expect(udpStored).toBeGreaterThanOrEqual(acked.sim);
        // The next life resumes the TCP stream after what was committed (a real bench would resend from there).
        tcpNext = acked.bench = tcpPackets.findIndex((p) => !stored.has(p.toString('hex')));
        if (tcpNext < 0) tcpNext = acked.bench = tcpPackets.length;
      }
      expect(acked.bench).toBeGreaterThan(900);
    } finally {
      await new Promise<void>((r) => sender.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 240_000);
});
