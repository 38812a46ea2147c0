/**
 * @module Realtime link, UDP listener: bind host:port and make the listener's lifetime one unit whose chunks are
 * the datagrams received (one datagram = one chunk, framed on its own: `datagrams: true`; a bench sends one packet
 * per datagram). `kernelDrops()` reads the socket's drop count from /proc/net/udp (Linux). A failed bind is
 * retried with capped exponential backoff. Ends when the pull's signal aborts. `cursorAfter` is undefined.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { FramingName } from '../framing/index.js';
import { nextDelay, sleep, type BackoffOptions } from './backoff.js';
import { ChunkQueue } from './_chunk-queue.js';
import { udpKernelDrops } from './_udp-drops.js';
import type { Feed, FeedUnit } from './types.js';

export interface UdpFeedOptions {
  readonly name: string;
  /** Address to bind. */
  readonly host: string;
  /** Port to bind (0: any free port, reported through `onListening`). */
  readonly port: number;
  /** Default `raw`. */
  readonly framing?: FramingName | 'auto';
  readonly prefixBytes?: number;
  readonly backoff?: BackoffOptions;
  /** Socket receive buffer, bytes (the kernel may cap it). Default: the system's. */
  readonly receiveBufferBytes?: number;
  /** What arrived is committed at most this long after, ms (default 1 000). */
  readonly commitIntervalMs?: number;
  /** Called once bound, with the port (tests bind port 0). */
  readonly onListening?: (address: { address: string; port: number }) => void;
  readonly onRetry?: (attempt: number, delayMs: number, error: Error) => void;
}

function bind(o: UdpFeedOptions): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: net.isIPv6(o.host) ? 'udp6' : 'udp4', ...(o.receiveBufferBytes ? { recvBufferSize: o.receiveBufferBytes } : {}) });
    socket.once('error', (e) => {
      socket.close();
      reject(e);
    });
    socket.bind(o.port, o.host, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/** A UDP realtime feed (listener). */
export function udpFeed(o: UdpFeedOptions): Feed {
  const source = `udp://${o.host}:${o.port}`;
  let bound: { port: number; ipv6: boolean } | undefined;
  /** Drops of sockets closed before (a rebind): the feed's count keeps growing across rebinds. */
  let dropsBefore = 0;
  let lastDrops = 0;
  const kernelDrops = async (): Promise<number | undefined> => {
    if (!bound) return dropsBefore || undefined;
    const d = await udpKernelDrops(bound.port, bound.ipv6);
    if (d === undefined) return undefined;
    lastDrops = d;
    return dropsBefore + d;
  };
  async function* pull(_cursor: string | undefined, signal: AbortSignal): AsyncGenerator<FeedUnit> {
    for (let attempt = 0; !signal.aborted; ) {
      let socket: dgram.Socket;
      try {
        socket = await bind(o);
      } catch (e) {
        const delay = nextDelay(attempt, o.backoff);
        o.onRetry?.(attempt, delay, e as Error);
        attempt++;
        await sleep(delay, signal);
        continue;
      }
      attempt = 0;
      const q = new ChunkQueue();
      const close = (): void => {
        try {
          socket.close();
        } catch {
          // already closed
        }
      };
      signal.addEventListener('abort', close, { once: true });
      socket.on('message', (msg: Buffer) => q.push(msg));
      socket.on('error', () => close());
      socket.on('close', () => q.end());
      const address = socket.address();
      bound = { port: address.port, ipv6: address.family === 'IPv6' };
      o.onListening?.(address);
      try {
        yield {
          feed: o.name, source, framing: o.framing ?? 'raw',
          ...(o.prefixBytes !== undefined ? { prefixBytes: o.prefixBytes } : {}),
          chunks: q, cursorAfter: undefined, datagrams: true,
          ...(o.commitIntervalMs !== undefined ? { commitIntervalMs: o.commitIntervalMs } : {}),
          complete: async () => undefined,
          reject: async () => undefined,
        };
      } finally {
        await kernelDrops();
        dropsBefore += lastDrops;
        lastDrops = 0;
        bound = undefined;
        signal.removeEventListener('abort', close);
        close();
      }
    }
  }
  return { name: o.name, kind: 'udp', realtime: true, pull, kernelDrops };
}
