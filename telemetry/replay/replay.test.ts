import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../bin/idoc.js';
import type { Io } from '../../src/io.js';
import { capturePackets } from './replay.js';
import { parseEndpoint } from './targets.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = (name: string): string => path.join(ROOT, 'fixtures/sample', name);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function idoc(...argv: string[]): Promise<{ code: number; out: string; err: string; bytes: Buffer }> {
  let out = '', err = '';
  const chunks: Uint8Array[] = [];
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), outBytes: async (b) => void chunks.push(Uint8Array.from(b)), errIsTty: false };
  const code = await run(argv, io);
  return { code, out, err, bytes: Buffer.concat(chunks) };
}

/** What `idoc packets cat` gives for a capture: the reference bytes. */
const catBytes = async (file: string): Promise<Buffer> => {
  const r = await idoc('packets', 'cat', file);
  expect(r.code).toBe(0);
  return r.bytes;
};

/** A TCP receiver on an ephemeral port collecting everything of one connection. */
async function tcpReceiver(): Promise<{ port: number; received: Promise<Buffer> }> {
  let deliver: (b: Buffer) => void = () => undefined;
  const received = new Promise<Buffer>((resolve) => (deliver = resolve));
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    const parts: Buffer[] = [];
    socket.on('data', (d) => parts.push(d));
    socket.on('end', () => deliver(Buffer.concat(parts)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  return { port: (server.address() as AddressInfo).port, received };
}

let raw: Buffer;
beforeAll(async () => {
  raw = await readFile(SAMPLE('sim.bin'));
});

describe('idoc replay', () => {
  it.each(['sim.pcap', 'sim.dds', 'sim_dds_tcp.pcapng', 'sim_prefix4.bin'])('sends %s at --speed max over TCP byte for byte as `packets cat` reads it', async (name) => {
    const rx = await tcpReceiver();
    const r = await idoc('replay', SAMPLE(name), '--connect', `tcp://127.0.0.1:${rx.port}`, '--speed', 'max');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const got = await rx.received;
    expect(got.equals(await catBytes(SAMPLE(name)))).toBe(true);
    expect(got.equals(raw)).toBe(true);
    expect(r.out).toMatch(new RegExp(`^replayed 705 packets, ${raw.length} bytes in \\d+\\.\\d\\d s to tcp://127\\.0\\.0\\.1:${rx.port}\\n$`));
  });

  it('sends one packet per UDP datagram', async () => {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    const datagrams: Buffer[] = [];
    socket.on('message', (m) => datagrams.push(m));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    const r = await idoc('replay', SAMPLE('sim.pcap'), '--connect', `udp://127.0.0.1:${socket.address().port}`, '--speed', 'max', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).result).toMatchObject({ packets: 705, bytes: raw.length, passes: 1 });
    // Loopback: wait until the last datagrams are read.
    for (let i = 0; i < 100 && datagrams.length < 705; i++) await new Promise((res) => setTimeout(res, 10));
    const packets = [];
    for await (const p of capturePackets([SAMPLE('sim.bin')], {}, 'auto')) packets.push(Buffer.from(p.bytes).toString('hex'));
    expect(datagrams.map((d) => d.toString('hex'))).toEqual(packets);
  });

  it('--listen waits for one client and sends to it; --loop with --limit goes round again', async () => {
    let connected: Promise<Buffer> | undefined;
    const io: Io = {
      out: () => undefined,
      err: (t) => {
        const m = /listening on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(t);
        if (!m) return;
        connected = new Promise((resolve) => {
          const socket = net.connect(Number(m[1]), '127.0.0.1');
          const parts: Buffer[] = [];
          socket.on('data', (d) => parts.push(d));
          socket.on('end', () => resolve(Buffer.concat(parts)));
          cleanups.push(() => void socket.destroy());
        });
      },
      errIsTty: false,
    };
    const code = await run(['replay', SAMPLE('sim.bin'), '--listen', 'tcp://127.0.0.1:0', '--speed', 'max', '--loop', '--limit', '1000'], io);
    expect(code).toBe(0);
    const got = await connected!;
    const firstPackets = [];
    for await (const p of capturePackets([SAMPLE('sim.bin')], {}, 'auto')) firstPackets.push(p.bytes);
    expect(got.equals(Buffer.concat([raw, ...firstPackets.slice(0, 295)]))).toBe(true);
  });

  it('keeps the pace of the timestamps: a 2-second stretch at --speed 4 takes about half a second', async () => {
    const times: number[] = [];
    for await (const p of capturePackets([SAMPLE('sim.bin')], {}, 'auto')) {
      times.push(p.time!);
      if (p.time! - times[0]! > 2) break;
    }
    // The packets up to t0 + 2 s.
    const n = times.length - 1;
    expect(times[n - 1]! - times[0]!).toBe(2);
    const rx = await tcpReceiver();
    const started = performance.now();
    const r = await idoc('replay', SAMPLE('sim.bin'), '--connect', `tcp://127.0.0.1:${rx.port}`, '--speed', '4', '--limit', String(n));
    const seconds = (performance.now() - started) / 1000;
    expect(r.code).toBe(0);
    expect(seconds).toBeGreaterThan(0.3);
    expect(seconds).toBeLessThan(2);
    const first = [];
    for await (const p of capturePackets([SAMPLE('sim.bin')], {}, 'auto')) if (first.push(p.bytes) === n) break;
    expect((await rx.received).equals(Buffer.concat(first))).toBe(true);
  });

  it('--help for replay and feed serve', async () => {
    const a = await idoc('replay', '--help');
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/--connect <url>/);
    expect(a.out).toMatch(/--speed/);
    const b = await idoc('feed', 'serve', '--help');
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/--root <dir>/);
    expect(b.out).toMatch(/--port <n>/);
  });

  it.each([
    [['--connect', 'http://127.0.0.1:5000'], /--connect "http:\/\/127.0.0.1:5000": expected tcp:\/\/HOST:PORT or udp:\/\/HOST:PORT/],
    [['--connect', 'tcp://127.0.0.1'], /expected tcp/],
    [['--connect', 'tcp://127.0.0.1:70000'], /expected tcp/],
    [['--connect', 'tcp://127.0.0.1:0'], /expected tcp/],
    [['--listen', 'udp://127.0.0.1:5000'], /--listen "udp:\/\/127.0.0.1:5000": expected tcp:\/\/HOST:PORT$/m],
    [[], /give exactly one of --connect/],
    [['--connect', 'tcp://127.0.0.1:5000', '--listen', 'tcp://127.0.0.1:5001'], /give exactly one of --connect/],
    [['--connect', 'tcp://127.0.0.1:5000', '--speed', '0'], /--speed "0": expected a positive number or max/],
  ])('replay %j is a usage error (exit 2)', async (flags, message) => {
    const r = await idoc('replay', SAMPLE('sim.bin'), ...flags);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('a receiver that is not there: one line, exit 2', async () => {
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const r = await idoc('replay', SAMPLE('sim.bin'), '--connect', `tcp://127.0.0.1:${port}`);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`idoc: tcp://127.0.0.1:${port}: cannot connect (ECONNREFUSED): nothing listens there. An idoc 'tcp' feed connects out too: run the replay with --listen tcp://127.0.0.1:${port} instead, the feed's host and port pointing at it\n`);
  });

  it('feed serve with a bad port or a missing root is a usage error (exit 2)', async () => {
    expect((await idoc('feed', 'serve', '--root', ROOT, '--port', 'http')).code).toBe(2);
    const r = await idoc('feed', 'serve', '--root', path.join(ROOT, 'no-such-folder'), '--port', '0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a folder/);
  });
});

describe('feed serve', () => {
  it('serves the folder until SIGINT, then closes and exits 0', async () => {
    let out = '';
    let ready: (url: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => (ready = resolve));
    const io: Io = {
      out: (t) => {
        out += t;
        ready((JSON.parse(t) as { result: { url: string } }).result.url);
      },
      err: () => undefined,
      errIsTty: false,
    };
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-serve-cli-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const { copyFile } = await import('node:fs/promises');
    await copyFile(SAMPLE('sim.dds'), path.join(dir, 'sim.dds'));
    const running = run(['feed', 'serve', '--root', dir, '--port', '0', '--json'], io);
    const status = (await (await fetch(`${await url}/status`)).json()) as { packets: number };
    expect(status.packets).toBe(705);
    expect(JSON.parse(out).result).toMatchObject({ root: dir, files: 1, packets: 705, untimed: 0 });
    process.emit('SIGINT');
    expect(await running).toBe(0);
    await expect(fetch(`${await url}/status`)).rejects.toThrow();
  });
});

describe('feed list', () => {
  it('lists the configured feeds, and reports a bad feeds section with pointers (exit 2)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-feeds-cli-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const { writeFile } = await import('node:fs/promises');
    const good = path.join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ mission: { name: 'SIM' }, feeds: { drop: { kind: 'drop-folder', dir: 'in' }, bench: { kind: 'udp', port: 10025, enabled: false } } }));
    const a = await idoc('feed', 'list', '--config', good, '--json');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out).result).toEqual([
      { name: 'drop', kind: 'drop-folder', realtime: false, enabled: true },
      { name: 'bench', kind: 'udp', realtime: true, enabled: false },
    ]);
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ mission: { name: 'SIM' }, feeds: { web: { kind: 'http', url: 'ftp://x' } } }));
    const b = await idoc('feed', 'list', '--config', bad);
    expect(b.code).toBe(2);
    expect(b.err).toContain(`${bad}#/feeds/web/url: must match the pattern`);
  });
});

describe('parseEndpoint()', () => {
  it('reads IPv4, names and bracketed IPv6', () => {
    expect(parseEndpoint('--to', 'udp://[::1]:7000')).toEqual({ protocol: 'udp', host: '::1', port: 7000 });
    expect(parseEndpoint('--to', 'tcp://bench.local:10025')).toEqual({ protocol: 'tcp', host: 'bench.local', port: 10025 });
  });
});
