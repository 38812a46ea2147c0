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
 */
import http from 'node:http';
import { open, type FileHandle } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { parseApidList } from '../../src/cli/options.js';
import { DDS_HEADER_LENGTH, encodeDdsHeader } from '../framing/index.js';
import { cursorOf, selectEntries, type PacketIndex } from './packet-index.js';

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
        fh = await open(this.index.files[file]!, 'r');
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

function writeAsync(res: http.ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) return reject(new Error('client gone'));
    if (res.write(chunk)) return resolve();
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      if (res.destroyed && !res.writableFinished) reject(new Error('client gone'));
      else resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function sendPackets(index: PacketIndex, params: URLSearchParams, res: http.ServerResponse): Promise<void> {
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
  const reader = new PacketReader(index);
  try {
    let out = Buffer.allocUnsafe(OUT_BLOCK);
    let used = 0;
    for (const i of entries) {
      const bytes = await reader.bytes(i);
      const need = DDS_HEADER_LENGTH + bytes.length;
      if (used + need > out.length) {
        if (used) await writeAsync(res, out.subarray(0, used));
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
    if (used) await writeAsync(res, out.subarray(0, used));
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

/** An http.Server answering from `index` (not listening yet). */
export function createFeedServer(first: PacketIndex, refreshMs = 1000): http.Server {
  let requests = 0;
  let index = first;
  let checked = Date.now();
  /** Files (or archive packets) added to the root since: indexed before a /packets answer, at most every `refreshMs`. */
  const fresh = async (): Promise<PacketIndex> => {
    if (index.refresh && Date.now() - checked >= refreshMs) {
      checked = Date.now();
      index = await index.refresh();
    }
    return index;
  };
  return http.createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const json = (status: number, body: unknown): void => {
      const text = `${JSON.stringify(body, null, 2)}\n`;
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
    };
    if (req.method !== 'GET') return json(405, { error: `${req.method ?? ''} not allowed: use GET` });
    if (url.pathname === '/status') return json(200, statusOf(index, requests));
    if (url.pathname !== '/packets') return json(404, { error: `${url.pathname}: not found (use /packets or /status)` });
    fresh().then((ix) => sendPackets(ix, url.searchParams, res)).catch((e: unknown) => {
      if (e instanceof BadRequest && !res.headersSent) return json(400, { error: e.message });
      if (!res.headersSent) return json(500, { error: (e as Error).message });
      // Mid-body: the only honest signal left is to cut the connection (the client sees a short body).
      res.destroy();
    });
  });
}

/** Listen on host:port (0 = an ephemeral port); files added to the root are looked for at most every `refreshMs`. */
export async function startFeedServer(index: PacketIndex, port: number, host = '127.0.0.1', refreshMs = 1000): Promise<FeedServer> {
  const server = createFeedServer(index, refreshMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return {
    server, port: bound, url: `http://${hostInUrl}:${bound}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        index.close?.();
        resolve();
      });
    }),
  };
}
