/**
 * @module The DDS-like HTTP feed client: asks a feed server (`idoc feed serve`, http-server.ts) for the packets
 * of its APIDs and window that came after its cursor. Each response is one DDS-framed unit whose
 * `cursorAfter` is the server's `X-Idoc-Cursor`; while the server says `X-Idoc-More: 1` the next unit is asked
 * from there. A transfer that ends before `Content-Length` bytes (server killed, connection reset, idle
 * timeout) throws from `chunks`: ingest keeps what it committed and, the cursor being stored only at a unit's
 * end, asks again from the previous cursor next time (the archive drops the repeats).
 */
import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { FeedError } from './errors.js';
import { bearerHeader, FEED_TOKEN_ENV } from './feed-tokens.js';
import type { Feed, FeedUnit } from './types.js';

export interface HttpFeedOptions {
  readonly name: string;
  /** Server base URL, e.g. `http://127.0.0.1:8700` (`/packets` is appended). */
  readonly url: string;
  /** APIDs as inclusive ranges; all when absent. */
  readonly apids?: ReadonlyArray<readonly [number, number]>;
  /** Window, Unix ms: `from` inclusive, `to` exclusive; open when absent. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Records per response. Default: the server's (100 000). */
  readonly maxPackets?: number;
  /** Idle time allowed while connecting or between bytes, ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** File holding the bearer token (first non-comment line); else `IDOC_FEED_TOKEN` when set; else none. */
  readonly tokenFile?: string;
  /** The token itself (tests, callers holding it already); wins over `tokenFile`. */
  readonly token?: string;
  /** PEM certificates trusted for https:// besides the system's. */
  readonly caFile?: string;
}

/** What every request of a pull carries: the Authorization header and the TLS trust, read once per pull. */
interface Credentials {
  readonly headers: Record<string, string>;
  readonly ca?: Buffer;
}

async function credentialsOf(o: HttpFeedOptions): Promise<Credentials> {
  let token = o.token;
  if (token === undefined && o.tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(o.tokenFile, 'utf8');
    } catch (e) {
      throw new FeedError(o.name, 'unreachable', `${o.tokenFile}: cannot read the token file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    token = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
    if (token === undefined) throw new FeedError(o.name, 'unreachable', `${o.tokenFile}: no token in the token file`);
  }
  token ??= process.env[FEED_TOKEN_ENV] || undefined;
  let ca: Buffer | undefined;
  if (o.caFile !== undefined) {
    try {
      ca = await readFile(o.caFile);
    } catch (e) {
      throw new FeedError(o.name, 'unreachable', `${o.caFile}: cannot read the CA file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return { headers: token !== undefined ? { Authorization: bearerHeader(token) } : {}, ...(ca ? { ca } : {}) };
}

/** `[[1100,1100],[1110,1119]]` → `1100,1110-1119`. */
export const apidRangesText = (ranges: ReadonlyArray<readonly [number, number]>): string =>
  ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');

/** The request URL for one unit. */
export function packetsUrl(o: HttpFeedOptions, cursor: string | undefined): URL {
  const url = new URL('packets', o.url.endsWith('/') ? o.url : `${o.url}/`);
  if (o.apids?.length) url.searchParams.set('apid', apidRangesText(o.apids));
  if (o.fromMs !== undefined) url.searchParams.set('from', new Date(o.fromMs).toISOString());
  if (o.toMs !== undefined) url.searchParams.set('to', new Date(o.toMs).toISOString());
  if (cursor !== undefined) url.searchParams.set('after', cursor);
  if (o.maxPackets !== undefined) url.searchParams.set('limit', String(o.maxPackets));
  return url;
}

function get(o: HttpFeedOptions, url: URL, signal: AbortSignal, creds: Credentials): Promise<http.IncomingMessage> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const options = { signal, headers: creds.headers };
    const req = url.protocol === 'https:' ? https.get(url, { ...options, ...(creds.ca ? { ca: creds.ca } : {}) }, resolve) : http.get(url, options, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(new FeedError(o.name, 'dropped', `${url.origin}: no data for ${timeoutMs / 1000} s`)));
    req.once('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof FeedError) reject(e);
      else if (e.name === 'AbortError') reject(e);
      else reject(new FeedError(o.name, 'unreachable', `${url.origin}: ${e.code ?? e.message}`, { cause: e }));
    });
  });
}

async function readText(res: http.IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of res) s += String(c);
  return s;
}

/** The body as chunks; throws a FeedError when it ends short of Content-Length or the socket fails. */
async function* bodyChunks(o: HttpFeedOptions, res: http.IncomingMessage, expected: number | undefined, source: string): AsyncGenerator<Uint8Array> {
  let received = 0;
  try {
    for await (const c of res as AsyncIterable<Buffer>) {
      received += c.length;
      yield c;
    }
  } catch (e) {
    if (e instanceof FeedError) throw e;
    throw new FeedError(o.name, 'dropped', `${source}: transfer dropped after ${received} bytes${expected !== undefined ? ` of ${expected}` : ''} (${(e as Error).message})`, { cause: e });
  } finally {
    if (!res.complete) res.destroy();
  }
  if (!res.complete || (expected !== undefined && received !== expected)) {
    throw new FeedError(o.name, 'dropped', `${source}: transfer dropped after ${received} bytes${expected !== undefined ? ` of ${expected}` : ''}`);
  }
}

/** An HTTP feed (client of `idoc feed serve`). */
export function httpFeed(o: HttpFeedOptions): Feed {
  async function* pull(cursor: string | undefined, signal: AbortSignal): AsyncGenerator<FeedUnit> {
    let after = cursor;
    const creds = await credentialsOf(o);
    for (;;) {
      if (signal.aborted) return;
      const url = packetsUrl(o, after);
      let res: http.IncomingMessage;
      try {
        res = await get(o, url, signal, creds);
      } catch (e) {
        if (signal.aborted) return;
        throw e;
      }
      if (res.statusCode !== 200) {
        const text = await readText(res).catch(() => '');
        let detail = text.trim();
        try {
          detail = String((JSON.parse(text) as { error?: unknown }).error ?? detail);
        } catch {
          // not JSON: the text as is
        }
        throw new FeedError(o.name, 'http', `${url.href}: HTTP ${res.statusCode ?? '?'}${detail ? `: ${detail}` : ''}`);
      }
      const packets = Number(res.headers['x-idoc-packets'] ?? NaN);
      const next = res.headers['x-idoc-cursor'];
      const nextCursor = typeof next === 'string' ? next : after;
      const length = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : undefined;
      if (packets === 0) {
        res.resume();
        return;
      }
      const body = bodyChunks(o, res, length, url.href);
      yield {
        feed: o.name, source: url.href, framing: 'dds',
        chunks: body, cursorAfter: nextCursor,
        complete: async () => undefined,
        reject: async () => undefined,
      };
      // Whatever the consumer did not read is dropped with the connection.
      if (!res.complete) res.destroy();
      if (res.headers['x-idoc-more'] !== '1' || nextCursor === after) return;
      after = nextCursor;
    }
  }
  return { name: o.name, kind: 'http', realtime: false, pull };
}
