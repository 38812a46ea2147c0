/**
 * @module Realtime link, TCP client side: connect to a test bench or simulator at host:port, and make each
 * connection one unit whose chunks are the bytes received until the peer closes. A refused or lost connection
 * is retried with capped exponential backoff (0.5 s doubling to 30 s by default; reset after a connection
 * succeeds), until the pull's signal aborts. `cursorAfter` is undefined: a live stream cannot be asked again.
 */
import net from 'node:net';
import type { FramingName } from '../framing/index.js';
import { nextDelay, sleep, type BackoffOptions } from './backoff.js';
import { ChunkQueue } from './_chunk-queue.js';
import type { Feed, FeedUnit } from './types.js';

export interface TcpFeedOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Default `raw` (a live stream has no file head worth detecting on). */
  readonly framing?: FramingName | 'auto';
  readonly prefixBytes?: number;
  readonly backoff?: BackoffOptions;
  /** What arrived is committed at most this long after, ms (default 1 000). */
  readonly commitIntervalMs?: number;
  /** Called before each wait between attempts (logs, tests). */
  readonly onRetry?: (attempt: number, delayMs: number, error: Error) => void;
}

/** Bytes queued before the socket is paused until the consumer catches up. */
const HIGH_WATER = 8 << 20;
/** Socket reads waiting together are handed to ingest as one chunk of up to this many bytes. */
const COALESCE = 1 << 20;

/** Connect once: resolves with the socket, or rejects with the connection error; undefined when aborted. */
function connect(host: string, port: number, signal: AbortSignal): Promise<net.Socket | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const onAbort = (): void => {
      socket.destroy();
      resolve(undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(e);
    });
  });
}

/** The received bytes of one connection; ends when the peer closes, the socket fails or the signal aborts. */
function connectionChunks(socket: net.Socket, signal: AbortSignal): ChunkQueue {
  const q = new ChunkQueue();
  q.coalesceBytes = COALESCE;
  const onAbort = (): void => {
    socket.destroy();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  socket.on('data', (b: Buffer) => {
    q.push(b);
    if (q.queuedBytes > HIGH_WATER) socket.pause();
  });
  q.onDrain = () => socket.resume();
  // A reset is the end of this connection's stream, not a failure of what was received: keep it, reconnect.
  socket.on('error', () => undefined);
  socket.on('close', () => {
    signal.removeEventListener('abort', onAbort);
    q.end();
  });
  return q;
}

/** A TCP realtime feed (client). */
export function tcpFeed(o: TcpFeedOptions): Feed {
  const source = `tcp://${o.host}:${o.port}`;
  async function* pull(_cursor: string | undefined, signal: AbortSignal): AsyncGenerator<FeedUnit> {
    let attempt = 0;
    while (!signal.aborted) {
      let socket: net.Socket | undefined;
      try {
        socket = await connect(o.host, o.port, signal);
      } catch (e) {
        const delay = nextDelay(attempt, o.backoff);
        o.onRetry?.(attempt, delay, e as Error);
        attempt++;
        await sleep(delay, signal);
        continue;
      }
      if (!socket) return;
      attempt = 0;
      const chunks = connectionChunks(socket, signal);
      try {
        yield {
          feed: o.name, source, framing: o.framing ?? 'raw',
          ...(o.prefixBytes !== undefined ? { prefixBytes: o.prefixBytes } : {}),
          chunks, cursorAfter: undefined,
          ...(o.commitIntervalMs !== undefined ? { commitIntervalMs: o.commitIntervalMs } : {}),
          complete: async () => undefined,
          reject: async () => undefined,
        };
      } finally {
        // Next unit asked for (this connection is done), or the consumer stopped: close it either way.
        socket.destroy();
      }
    }
  }
  return { name: o.name, kind: 'tcp', realtime: true, pull };
}
