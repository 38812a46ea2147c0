/**
 * The feed server under hostile clients (issue 13), all on loopback: malformed and fuzzed request lines, huge
 * headers, other methods → 4xx and a log line, and the server still answers; bearer tokens; a cap on clients; a
 * client that stops reading is dropped; symbolic links are not followed; HTTPS with a throw-away certificate.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../fixtures/raw-http.js';
import fc from 'fast-check';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { httpFeed } from './http-feed.js';
import { startFeedServer, type FeedServer, type FeedServerOptions } from './http-server.js';
import { parseFeedRequest } from './feed-request.js';
import { sha256, tokenDigests } from './feed-tokens.js';
import { indexPacketFolder, type PacketIndex } from './packet-index.js';
import { ddsRecords, pullAll, SAMPLE } from './_testing.js';

let work: string;
let root: string;
let index: PacketIndex;
const servers: FeedServer[] = [];
let logs: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'idoc-serve-guard-'));
  root = path.join(work, 'root');
  await mkdir(root);
  await copyFile(SAMPLE('sim.dds'), path.join(root, 'sim.dds'));
  // A file outside the root, linked from inside: never served.
  await copyFile(SAMPLE('sim_damaged.dds'), path.join(work, 'outside.dds'));
  await symlink(path.join(work, 'outside.dds'), path.join(root, 'link.dds'));
  index = await indexPacketFolder(root);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  logs = [];
});

async function serve(opts: FeedServerOptions = {}, i: PacketIndex = index): Promise<FeedServer> {
  const s = await startFeedServer(i, 0, '127.0.0.1', { log: (level, m) => logs.push(`${level} ${m}`), ...opts });
  servers.push(s);
  return s;
}

const statusOf = (response: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0);

describe('parseFeedRequest()', () => {
  it('never throws, and anything it lets through is GET or HEAD of /packets or /status', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.oneof(fc.string(), fc.webUrl(), fc.webPath(), fc.constantFrom('//[', '/%', '/packets?apid=%zz')), (method, target) => {
      const r = parseFeedRequest(method, target);
      if (r.ok) {
        expect(['GET', 'HEAD']).toContain(method);
        expect(['packets', 'status']).toContain(r.route);
      } else expect(r.status).toBeGreaterThanOrEqual(400);
    }), { numRuns: 2000 });
  });
});

describe('feed server: hostile requests', () => {
  const cases: Array<[string, string | Buffer, number]> = [
    ['protocol-relative target that breaks new URL()', 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['another unparsable authority', 'GET //a:b:c HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['absolute URI', 'GET http://evil.example/packets HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['asterisk form', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['malformed percent-encoding in the path', 'GET /%ff%zz HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['percent-encoded NUL', 'GET /pack%00ets HTTP/1.1\r\nHost: x\r\n\r\n', 404],
    ['malformed percent-encoding in a parameter', 'GET /packets?apid=%zz HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['bad time parameter', 'GET /packets?from=%E2%80%AE HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['unknown path', 'GET /etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n', 404],
    ['dot segments', 'GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n', 404],
    ['POST', 'POST /packets HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', 405],
    ['DELETE', 'DELETE /status HTTP/1.1\r\nHost: x\r\n\r\n', 405],
    ['CONNECT', 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n', 405],
    ['huge header', `GET /status HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 << 10)}\r\n\r\n`, 431],
    ['header without a colon', 'GET /status HTTP/1.1\r\nHost x\r\n\r\n', 400],
    ['not HTTP at all', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]), 400],
    ['a target too long', `GET /packets?apid=${'1'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
  ];
  it.each(cases)('%s → 4xx, logged, and the server still serves', async (_name, bytes, status) => {
    const s = await serve();
    const r = await rawRequest(s.port, bytes);
    expect(statusOf(r)).toBe(status);
    expect(logs.some((l) => l.startsWith('warn '))).toBe(true);
    const ok = await fetch(`${s.url}/status`);
    expect(ok.status).toBe(200);
  });

  it('random bytes as a request never stop the server (property, on one server)', async () => {
    const s = await serve();
    await fc.assert(fc.asyncProperty(fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.constantFrom('GET', 'HEAD', 'PUT', 'G\x00T', ''), fc.string({ maxLength: 60 }), fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9', ''))
        .map(([m, t, v]) => Buffer.from(`${m} ${t} ${v}\r\nHost: x\r\n\r\n`, 'utf8')),
    ), async (bytes) => {
      const r = await rawRequest(s.port, bytes);
      const st = statusOf(r);
      // A 200 only for a real /status or /packets request; else a 4xx, or a closed connection (no request line yet).
      expect(st === 0 || st === 200 || (st >= 400 && st < 500)).toBe(true);
    }), { numRuns: 60 });
    expect((await fetch(`${s.url}/status`)).status).toBe(200);
  }, 120_000);

  it('HEAD answers the headers of GET without a body', async () => {
    const s = await serve();
    const head = await fetch(`${s.url}/packets?apid=1100`, { method: 'HEAD' });
    const get = await fetch(`${s.url}/packets?apid=1100`);
    expect(head.status).toBe(200);
    expect(head.headers.get('x-idoc-packets')).toBe(get.headers.get('x-idoc-packets'));
    expect(head.headers.get('content-length')).toBe(String((await get.arrayBuffer()).byteLength));
  });

  it('never serves a file reached through a symbolic link', async () => {
    expect(index.files.map((f) => path.basename(f))).toEqual(['sim.dds']);
    expect(index.count).toBe(ddsRecords(await readFile(SAMPLE('sim.dds'))).length);
  });
});

describe('feed server: access control', () => {
  it('asks for a bearer token when it has some: 401 without or with a wrong one, 200 with one of them', async () => {
    const digests = tokenDigests(`# tokens\nfirst-token\nsha256:${sha256('second-token').toString('hex')}\n`, 'tokens');
    const s = await serve({ tokenDigests: digests });
    expect((await fetch(`${s.url}/status`)).status).toBe(401);
    expect((await fetch(`${s.url}/status`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${s.url}/status`, { headers: { Authorization: 'Basic Zmlyc3QtdG9rZW4=' } })).status).toBe(401);
    expect((await fetch(`${s.url}/status`, { headers: { Authorization: 'Bearer first-token' } })).status).toBe(200);
    expect((await fetch(`${s.url}/status`, { headers: { Authorization: 'Bearer second-token' } })).status).toBe(200);
    expect(logs.filter((l) => l.includes(': 401 ')).length).toBe(3);
    // The HTTP feed sends its token file's token.
    await writeFile(path.join(work, 'token'), 'second-token\n');
    const units = await pullAll(httpFeed({ name: 'web', url: s.url, tokenFile: path.join(work, 'token') }).pull(undefined, new AbortController().signal));
    expect(units.reduce((n, u) => n + ddsRecords(u.bytes).length, 0)).toBe(index.count);
    await expect(pullAll(httpFeed({ name: 'web', url: s.url }).pull(undefined, new AbortController().signal))).rejects.toThrow(/HTTP 401/);
  });

  it('answers 503 to the connection over the cap, and serves again once one closes', async () => {
    const s = await serve({ maxClients: 2 });
    const held = await Promise.all([0, 1].map(() => new Promise<net.Socket>((resolve) => {
      const c = net.connect(s.port, '127.0.0.1', () => resolve(c));
    })));
    const third = await rawRequest(s.port, 'GET /status HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(third)).toBe(503);
    expect(logs.some((l) => l.includes('503'))).toBe(true);
    await Promise.all(held.map((c) => new Promise((resolve) => { c.once('close', resolve); c.destroy(); })));
    // The server sees the closes asynchronously: ask until it answers (bounded in count, not in time).
    let st = 0;
    for (let i = 0; i < 50 && st !== 200; i++) st = statusOf(await rawRequest(s.port, 'GET /status HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(st).toBe(200);
  });

  it('drops a client that stops reading (the response waits on the socket, not in memory)', async () => {
    // ~10 MB of records: more than loopback socket buffers hold.
    const big = path.join(work, 'big');
    await mkdir(big);
    const one = await readFile(SAMPLE('sim.dds'));
    await writeFile(path.join(big, 'many.dds'), Buffer.concat(Array.from({ length: 120 }, () => one)));
    const bigIndex = await indexPacketFolder(big);
    const s = await serve({ stallMs: 300 }, bigIndex);
    const socket = net.connect(s.port, '127.0.0.1');
    socket.on('error', () => undefined);
    let received = 0;
    socket.on('data', (d: Buffer) => {
      received += d.length;
      socket.pause(); // read one chunk, then nothing more
    });
    socket.write('GET /packets HTTP/1.1\r\nHost: x\r\n\r\n');
    // A paused socket sees no close: wait for the server's log line (bounded in count).
    for (let i = 0; i < 600 && !logs.some((l) => /took no data .*dropped/.test(l)); i++) await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    expect(logs.some((l) => /took no data .*dropped/.test(l))).toBe(true);
    expect(received).toBeLessThan(one.length * 120);
    expect((await fetch(`${s.url}/status`)).status).toBe(200);
  }, 60_000);
});

describe('feed server: TLS', () => {
  let haveOpenssl = true;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    haveOpenssl = false;
  }
  it.skipIf(!haveOpenssl)('serves HTTPS with --tls-cert/--tls-key; the HTTP feed trusts its caFile and sends its token (skipped without openssl)', async () => {
    const cert = path.join(work, 'cert.pem');
    const key = path.join(work, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const s = await serve({ tls: { cert: await readFile(cert), key: await readFile(key) }, tokenDigests: tokenDigests('tls-token', 'test') });
    expect(s.url.startsWith('https://')).toBe(true);
    const units = await pullAll(httpFeed({ name: 'tls', url: s.url, caFile: cert, token: 'tls-token' }).pull(undefined, new AbortController().signal));
    expect(units.reduce((n, u) => n + ddsRecords(u.bytes).length, 0)).toBe(index.count);
    // Without trusting the certificate: refused, the server lives on.
    await expect(pullAll(httpFeed({ name: 'tls', url: s.url, token: 'tls-token' }).pull(undefined, new AbortController().signal))).rejects.toThrow();
    // Plain HTTP to the HTTPS port: a failed handshake, logged.
    await rawRequest(s.port, 'GET /status HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(logs.some((l) => l.includes('TLS handshake failed'))).toBe(true);
  }, 60_000);
});
