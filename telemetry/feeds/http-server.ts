/**
 * @module The DDS-like HTTP feed server behind `idoc feed serve` (node:http, no framework): the packets of a
 * {@link PacketIndex} by APID and UTC window, as DDS records (18-byte header + packet, formats.md §4.2–4.3)
 * in time order.
 *
 * - `GET /packets?apid=1100,1110-1119&from=ISO&to=ISO&after=CURSOR&limit=N` → `application/octet-stream`,
 *   with `Content-Length`, `X-Idoc-Packets` (records in the body), `X-Idoc-Cursor` (the position after the
 *   last record sent; the request's `after` when nothing matched) and `X-Idoc-More` (`1` when `limit` cut the
 *   answer short: ask again from the cursor). `from` is inclusive, `to` exclusive. Default limit 100 000.
 *   Records go in delivery order and the cursor is `d<N>` (packet-index.ts, "Backfill"): files added to the root
 *   later are indexed (checked at most once a second) and reach a client whose cursor is past their packet times.
 * - `GET /status` → JSON: files, packets per APID, time span, requests served.
 * Bad parameters → 400 with a JSON `{ "error": … }`. Served from files, or from an idoc archive (packet-index.ts).
 *
 * Guarded (issue 13): every request line goes through feed-request.ts (never throws; 4xx, logged); GET and HEAD
 * only; bearer tokens when configured (feed-tokens.ts, 401 otherwise); optional TLS; at most `maxClients`
 * connections (more get 503); responses stream from disk a block at a time and wait for the socket to drain, and
 * a client that takes nothing for `stallMs` is dropped; packet files are opened with O_NOFOLLOW.
 */
import http from 'node:http';
import https from 'node:https';
import { constants as fsConstants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseApidList } from '../../src/config/routes.js';
import { DDS_HEADER_LENGTH, encodeDdsHeader } from '../framing/index.js';
import { cursorOf, selectEntries, type PacketIndex } from './packet-index.js';
import { parseFeedRequest, printable } from './feed-request.js';
import { bearerAllowed } from './feed-tokens.js';

/** Records per response when the request names no limit. */
export const DEFAULT_RESPONSE_LIMIT = 100_000;
const OUT_BLOCK = 256 << 10;
const READ_BLOCK = 256 << 10;

export interface FeedServer {
  readonly server: http.Server;
  /** `http://host:port` as bound. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

class BadRequest extends Error {}

function timeParam(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) || !v.includes('T') ? v : `${v}Z`);
  if (Number.isNaN(ms)) throw new BadRequest(`${name}=${v}: expected an ISO-8601 UTC time such as 2026-01-01T00:00:00Z`);
  // Sub-millisecond digits are kept: the index is in microseconds.
  const frac = /\.(\d{4,6})/.exec(v);
  return ms * 1000 + (frac ? Number(frac[1]!.padEnd(6, '0').slice(3)) : 0);
}

/** Reads packet bytes for a response: one handle per file, reads of a block ahead (packets are mostly in order). */
class PacketReader {
  private readonly handles = new Map<number, FileHandle>();
  private block: Buffer = Buffer.alloc(0);
  private blockFile = -1;
  private blockStart = 0;
  constructor(private readonly index: PacketIndex) {}
  async bytes(i: number): Promise<Uint8Array> {
    const held = this.index.held.get(i);
    if (held) return held;
    if (this.index.readPacket) return this.index.readPacket(i);
    const file = this.index.fileOf[i]!;
    const offset = this.index.offset[i]!;
    const length = this.index.length[i]!;
    if (file !== this.blockFile || offset < this.blockStart || offset + length > this.blockStart + this.block.length) {
      let fh = this.handles.get(file);
      if (!fh) {
        // O_NOFOLLOW: a file swapped for a symbolic link after indexing is not followed out of the root.
        fh = await open(this.index.files[file]!, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
        this.handles.set(file, fh);
      }
      const buf = Buffer.allocUnsafe(Math.max(READ_BLOCK, length));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      if (bytesRead < length) throw new Error(`${this.index.files[file]}: packet at offset ${offset} is no longer there (file changed since indexing)`);
      this.block = buf.subarray(0, bytesRead);
      this.blockFile = file;
      this.blockStart = offset;
    }
    return this.block.subarray(offset - this.blockStart, offset - this.blockStart + length);
  }
  async close(): Promise<void> {
    await Promise.all([...this.handles.values()].map((h) => h.close()));
  }
}

/**
 * Write `chunk`; when the socket's buffer is full, wait for it to drain (nothing more is read from disk meanwhile:
 * backpressure). A client that takes nothing for `stallMs` is dropped (rejects).
 */
function writeAsync(res: http.ServerResponse, chunk: Uint8Array, stallMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) return reject(new Error('client gone'));
    if (res.write(chunk)) return resolve();
    const timer = setTimeout(() => {
      finish();
      res.destroy();
      reject(new Error(`client took no data for ${stallMs / 1000} s: dropped`));
    }, stallMs);
    const finish = (): void => {
      clearTimeout(timer);
      res.off('drain', done);
      res.off('close', done);
    };
    const done = (): void => {
      finish();
      if (res.destroyed && !res.writableFinished) reject(new Error('client gone'));
      else resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function sendPackets(index: PacketIndex, params: URLSearchParams, res: http.ServerResponse, head: boolean, stallMs: number): Promise<void> {
  const apidText = params.get('apid');
  let apid: ((a: number) => boolean) | undefined;
  if (apidText !== null && apidText !== '') {
    try {
      apid = parseApidList('apid', apidText).has;
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
  }
  const fromUs = timeParam(params, 'from');
  const toUs = timeParam(params, 'to');
  const after = params.get('after') ?? undefined;
  if (after !== undefined && after !== '' && !/^(d\d+|\d+:\d+)$/.test(after)) throw new BadRequest(`after=${after}: expected a cursor d<n> from X-Idoc-Cursor`);
  const limitText = params.get('limit');
  const limit = limitText === null ? DEFAULT_RESPONSE_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new BadRequest(`limit=${limitText}: expected a positive integer`);
  const { entries, more } = selectEntries(index, {
    ...(apid ? { apid } : {}), ...(fromUs !== undefined ? { fromUs } : {}), ...(toUs !== undefined ? { toUs } : {}),
    ...(after ? { after } : {}), limit,
  });
  let total = 0;
  for (const i of entries) total += DDS_HEADER_LENGTH + index.length[i]!;
  const last = entries[entries.length - 1];
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(total),
    'X-Idoc-Packets': String(entries.length),
    'X-Idoc-More': more ? '1' : '0',
    ...(last !== undefined ? { 'X-Idoc-Cursor': cursorOf(index, last) } : after ? { 'X-Idoc-Cursor': after } : {}),
  });
  if (head) {
    res.end();
    return;
  }
  const reader = new PacketReader(index);
  try {
    let out = Buffer.allocUnsafe(OUT_BLOCK);
    let used = 0;
    for (const i of entries) {
      const bytes = await reader.bytes(i);
      const need = DDS_HEADER_LENGTH + bytes.length;
      if (used + need > out.length) {
        if (used) await writeAsync(res, out.subarray(0, used), stallMs);
        out = Buffer.allocUnsafe(Math.max(OUT_BLOCK, need));
        used = 0;
      }
      const us = index.timeUs[i]!;
      const seconds = Math.floor(us / 1e6);
      encodeDdsHeader({
        seconds, microseconds: us - seconds * 1e6, packetSize: bytes.length,
        groundStation: index.station[i]!, virtualChannel: index.virtualChannel[i]!, sleService: 0, timeQuality: 0,
      }, out, used);
      out.set(bytes, used + DDS_HEADER_LENGTH);
      used += need;
    }
    if (used) await writeAsync(res, out.subarray(0, used), stallMs);
    res.end();
  } finally {
    await reader.close();
  }
}

function statusOf(index: PacketIndex, requests: number): Record<string, unknown> {
  const perApid: Record<string, number> = {};
  for (let i = 0; i < index.count; i++) {
    const a = String(index.apid[i]);
    perApid[a] = (perApid[a] ?? 0) + 1;
  }
  const iso = (us: number): string => `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(Math.round(us % 1e6)).padStart(6, '0')}Z`;
  return {
    root: index.root,
    files: index.files.length,
    packets: index.count,
    untimed: index.untimed,
    apids: perApid,
    first: index.count ? iso(index.timeUs[0]!) : null,
    last: index.count ? iso(index.timeUs[index.count - 1]!) : null,
    problems: index.problems,
    requests,
  };
}

/** How the server guards itself; every field has a default. */
export interface FeedServerOptions {
  /** SHA-256 digests of the bearer tokens allowed (feed-tokens.ts). Absent: no token asked (loopback use). */
  readonly tokenDigests?: readonly Buffer[];
  /** TLS certificate and key (PEM): the server speaks HTTPS. */
  readonly tls?: { readonly cert: Buffer | string; readonly key: Buffer | string };
  /** Connections served at once; more are answered 503 and closed. Default {@link DEFAULT_MAX_CLIENTS}. */
  readonly maxClients?: number;
  /** A client that takes no bytes for this long (ms) while a response waits is dropped. Default 30 000. */
  readonly stallMs?: number;
  /** Bytes of request head allowed (request line and headers); more → 431. Default 16 KiB. */
  readonly maxHeaderBytes?: number;
  /** Files (or archive packets) added to the root are looked for at most this often (ms), before a /packets answer. Default 1000. */
  readonly refreshMs?: number;
  /** One line per refused or failed request and per dropped client, with its level. */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export const DEFAULT_MAX_CLIENTS = 64;
export const DEFAULT_STALL_MS = 30_000;

/** An http(s).Server answering from `index` (not listening yet). */
export function createFeedServer(first: PacketIndex, opts: FeedServerOptions = {}): http.Server {
  let requests = 0;
  let index = first;
  let checked = Date.now();
  const refreshMs = opts.refreshMs ?? 1000;
  /** Files (or archive packets) added to the root since: indexed before a /packets answer, at most every `refreshMs`. */
  const fresh = async (): Promise<PacketIndex> => {
    if (index.refresh && Date.now() - checked >= refreshMs) {
      checked = Date.now();
      index = await index.refresh();
    }
    return index;
  };
  let clients = 0;
  const maxClients = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
  const stallMs = opts.stallMs ?? DEFAULT_STALL_MS;
  const log = opts.log ?? (() => undefined);
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    requests++;
    const who = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const line = `${printable(req.method ?? '', 16)} ${printable(req.url ?? '')}`;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      const text = `${JSON.stringify(body, null, 2)}\n`;
      if (status >= 400) log(status >= 500 ? 'error' : 'warn', `${who} ${line}: ${status} ${(body as { error?: string }).error ?? ''}`);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    const r = parseFeedRequest(req.method, req.url);
    if (!r.ok) return json(r.status, { error: r.error }, r.status === 405 ? { Allow: 'GET, HEAD' } : {});
    if (opts.tokenDigests && !bearerAllowed(req.headers.authorization, opts.tokenDigests)) {
      return json(401, { error: 'a bearer token is needed (Authorization: Bearer <token>)' }, { 'WWW-Authenticate': 'Bearer realm="idoc feed"' });
    }
    if (r.route === 'status') return json(200, statusOf(index, requests));
    fresh().then((ix) => sendPackets(ix, r.params, res, r.head, stallMs)).catch((e: unknown) => {
      if (e instanceof BadRequest && !res.headersSent) return json(400, { error: e.message });
      if (!res.headersSent) return json(500, { error: (e as Error).message });
      // Mid-body: the only honest signal left is to cut the connection (the client sees a short body).
      log('warn', `${who} ${line}: response cut (${(e as Error).message})`);
      res.destroy();
    });
  };
  const serverOptions: http.ServerOptions = { maxHeaderSize: opts.maxHeaderBytes ?? 16 << 10, requestTimeout: 60_000, headersTimeout: 20_000 };
  const server: http.Server = opts.tls
    ? (https.createServer({ ...serverOptions, cert: opts.tls.cert, key: opts.tls.key }, handler) as unknown as http.Server)
    : http.createServer(serverOptions, handler);
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    clients++;
    socket.once('close', () => { clients--; });
    if (clients > maxClients) {
      log('warn', `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}: ${clients - 1} clients already (--max-clients ${maxClients}): 503`);
      // Plain bytes: with TLS the handshake has not happened, so the socket is just closed.
      if (!opts.tls) socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    }
  });
  // CONNECT (a proxy request) never reaches the handler: refuse it here.
  server.on('connect', (req: http.IncomingMessage, socket: Duplex) => {
    log('warn', `${req.socket.remoteAddress ?? '?'} CONNECT ${printable(req.url ?? '')}: 405 not a proxy`);
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  // A request node:http cannot parse (bad request line, headers too large, bad chunking): answer 4xx and log.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    if (err.code !== 'ECONNRESET') log('warn', `${(socket as Socket).remoteAddress ?? '?'}: ${status} unreadable request (${err.code ?? err.message})`);
    if (socket.writable) {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    } else socket.destroy();
  });
  // TLS handshakes that fail (plain HTTP to an HTTPS port, scanners) are the client's problem, not a crash.
  server.on('tlsClientError', (err: Error, socket: Duplex) => {
    log('warn', `${(socket as Socket).remoteAddress ?? '?'}: TLS handshake failed (${err.message})`);
    socket.destroy();
  });
  return server;
}

/** Listen on host:port (0 = an ephemeral port); files added to the root are looked for at most every `opts.refreshMs`. */
export async function startFeedServer(index: PacketIndex, port: number, host = '127.0.0.1', opts: FeedServerOptions = {}): Promise<FeedServer> {
  const server = createFeedServer(index, opts);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After start-up, an error of the listening socket is logged, never thrown out of the process.
  server.on('error', (e: Error) => opts.log?.('error', `server: ${e.message}`));
  const bound = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return {
    server, port: bound, url: `${opts.tls ? 'https' : 'http'}://${hostInUrl}:${bound}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        index.close?.();
        resolve();
      });
    }),
  };
}
