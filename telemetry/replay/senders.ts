/**
 * @module The three ways a replay delivers packets: a TCP client, a TCP listener that waits for one client,
 * and UDP datagrams (one packet per datagram). Each sender waits when the socket is full, so a replay at
 * `--speed max` goes as fast as the receiver takes it.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { InputError } from '../../src/errors.js';
import { endpointUrl, type Endpoint } from './targets.js';

export interface PacketSender {
  /** Where it sends (`tcp://…`, `udp://…`); for a listener, the client's address once connected. */
  readonly target: string;
  send(packet: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

function streamSender(socket: net.Socket, target: string): PacketSender {
  let failure: Error | undefined;
  socket.on('error', (e) => (failure = e));
  return {
    target,
    send(packet) {
      if (failure) return Promise.reject(new InputError(`${target}: ${failure.message}`));
      if (socket.destroyed) return Promise.reject(new InputError(`${target}: the receiver closed the connection`));
      if (socket.write(packet)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          if (failure || socket.destroyed) reject(new InputError(`${target}: ${failure?.message ?? 'the receiver closed the connection'}`));
          else resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    },
    close: () => new Promise((resolve) => {
      if (socket.destroyed) return resolve();
      socket.end(() => resolve());
      socket.once('close', () => resolve());
    }),
  };
}

/** Connect to a TCP receiver. @throws InputError when it cannot be reached. */
export function tcpSender(e: Endpoint): Promise<PacketSender> {
  const target = endpointUrl(e);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: e.host, port: e.port });
    socket.setNoDelay(true);
    socket.once('error', (err: NodeJS.ErrnoException) => reject(new InputError(err.code === 'ECONNREFUSED'
      ? `${target}: cannot connect (ECONNREFUSED): nothing listens there. An idoc 'tcp' feed connects out too: run the replay with --listen ${target} instead, the feed's host and port pointing at it`
      : `${target}: cannot connect (${err.code ?? err.message})`)));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(streamSender(socket, target));
    });
  });
}

/**
 * Listen on a TCP endpoint and wait for one client; `onListening` receives the bound address (port 0 = any).
 * Resolves when the client is connected; the listener accepts no one else.
 */
export function listenSender(e: Endpoint, onListening?: (url: string) => void, signal?: AbortSignal): Promise<PacketSender> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ pauseOnConnect: false });
    const onAbort = (): void => {
      server.close();
      reject(new InputError(`${endpointUrl(e)}: no client connected`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    server.once('error', (err: NodeJS.ErrnoException) => reject(new InputError(`${endpointUrl(e)}: cannot listen (${err.code ?? err.message})`)));
    server.once('connection', (socket) => {
      signal?.removeEventListener('abort', onAbort);
      server.close();
      socket.setNoDelay(true);
      const peer = `tcp://${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
      resolve(streamSender(socket, peer));
    });
    server.listen(e.port, e.host, () => onListening?.(endpointUrl({ ...e, port: (server.address() as AddressInfo).port })));
  });
}

/** Send UDP datagrams to an endpoint (one per packet; each send awaited, so bursts do not pile up in memory). */
export async function udpSender(e: Endpoint): Promise<PacketSender> {
  const socket = dgram.createSocket(net.isIPv6(e.host) ? 'udp6' : 'udp4');
  const target = endpointUrl(e);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (err) => reject(new InputError(`${target}: ${err.message}`)));
    socket.connect(e.port, e.host, () => {
      socket.removeAllListeners('error');
      resolve();
    });
  });
  return {
    target,
    send: (packet) => new Promise((resolve, reject) => {
      socket.send(packet, (err) => (err ? reject(new InputError(`${target}: ${err.message}`)) : resolve()));
    }),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
