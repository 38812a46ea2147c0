import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { nextDelay, sleep } from './backoff.js';
import { tcpFeed } from './tcp-feed.js';
import { udpFeed } from './udp-feed.js';
import { unitBytes } from './_testing.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('nextDelay()', () => {
  it('doubles from 0.5 s and caps at 30 s, without jitter', () => {
    expect(Array.from({ length: 9 }, (_, i) => nextDelay(i))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(nextDelay(10_000)).toBe(30000);
    expect([0, 1, 2, 3].map((i) => nextDelay(i, { initialMs: 20, maxMs: 50 }))).toEqual([20, 40, 50, 50]);
  });
  it('sleep() resolves false at once when aborted', async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    expect(await p).toBe(false);
  });
});

describe('tcpFeed()', () => {
  it('retries with backoff until the server starts, then each connection is one unit', async () => {
    const port = await freePort();
    const ac = new AbortController();
    cleanups.push(() => ac.abort());
    const retries: Array<[number, number]> = [];
    let server: net.Server | undefined;
    const payloads = [Buffer.from('first connection'), Buffer.from('second')];
    let served = 0;
    const feed = tcpFeed({
      name: 'bench', host: '127.0.0.1', port, backoff: { initialMs: 10, maxMs: 40 },
      onRetry: (attempt, delay) => {
        retries.push([attempt, delay]);
        // The server starts late: after the third refused attempt.
        if (attempt === 2 && !server) {
          server = net.createServer((socket) => {
            socket.end(payloads[served++] ?? '');
          });
          server.listen(port, '127.0.0.1');
          cleanups.push(() => new Promise<void>((resolve) => server!.close(() => resolve())));
        }
      },
    });
    expect(feed.realtime).toBe(true);
    const got: Array<[string, string, string | undefined]> = [];
    for await (const unit of feed.pull(undefined, ac.signal)) {
      got.push([unit.source, (await unitBytes(unit)).toString(), unit.cursorAfter]);
      if (got.length === 2) break;
    }
    expect(retries.slice(0, 3)).toEqual([[0, 10], [1, 20], [2, 40]]);
    expect(got).toEqual([[`tcp://127.0.0.1:${port}`, 'first connection', undefined], [`tcp://127.0.0.1:${port}`, 'second', undefined]]);
  });

  it('aborting ends the open connection\'s chunks and the pull', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => {
      sockets.push(s);
      s.write('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }));
    const ac = new AbortController();
    const units = [];
    for await (const unit of tcpFeed({ name: 'bench', host: '127.0.0.1', port: (server.address() as AddressInfo).port }).pull(undefined, ac.signal)) {
      units.push(unit);
      for await (const c of unit.chunks) {
        expect(Buffer.from(c).toString()).toBe('hello');
        ac.abort();
      }
    }
    expect(units).toHaveLength(1);
  });
});

describe('udpFeed()', () => {
  it('each datagram is one chunk of the listener\'s unit, until aborted', async () => {
    const ac = new AbortController();
    cleanups.push(() => ac.abort());
    let port = 0;
    const feed = udpFeed({ name: 'sim', host: '127.0.0.1', port: 0, onListening: (a) => (port = a.port) });
    const sender = dgram.createSocket('udp4');
    cleanups.push(() => {
      sender.close();
    });
    const datagrams = ['one', 'two', 'three'].map((s) => Buffer.from(s));
    const got: string[] = [];
    for await (const unit of feed.pull(undefined, ac.signal)) {
      expect(unit.cursorAfter).toBeUndefined();
      for (const d of datagrams) sender.send(d, port, '127.0.0.1');
      for await (const c of unit.chunks) {
        got.push(Buffer.from(c).toString());
        if (got.length === 3) ac.abort();
      }
    }
    expect(got).toEqual(['one', 'two', 'three']);
  });
});
