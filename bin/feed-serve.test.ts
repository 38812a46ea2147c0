/**
 * `idoc feed serve` access control from the command line (issue 13): off loopback without a token is refused
 * (exit 2); with `--token-file` (hashes at rest allowed) requests without the token get 401; an `ingest --once`
 * whose http feed names the token file pulls everything; `--tls-cert` without `--tls-key` is a usage error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './idoc.js';
import type { Io } from './cli/exit.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'idoc-serve-auth-'));
  await mkdir(path.join(work, 'served'));
  await copyFile(path.join(ROOT, 'fixtures/sample/sim.dds'), path.join(work, 'served', 'sim.dds'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});


function capture(onOut?: (t: string) => void) {
  const c = { out: '', err: '' };
  const ioo: Io = { out: (t) => { c.out += t; onOut?.(t); }, err: (t) => { c.err += t; }, errIsTty: false };
  return { c, io: ioo };
}

describe('feed serve: access control', () => {
  it('refuses a non-loopback --host without a token, and --tls-cert without --tls-key', async () => {
    const a = capture();
    expect(await run(['feed', 'serve', '--root', path.join(work, 'served'), '--port', '0', '--host', '0.0.0.0'], a.io)).toBe(2);
    expect(a.c.err).toMatch(/--host 0\.0\.0\.0 is not a loopback address: give --token-file or IDOC_FEED_TOKEN/);
    const b = capture();
    expect(await run(['feed', 'serve', '--root', path.join(work, 'served'), '--port', '0', '--tls-cert', 'x.pem'], b.io)).toBe(2);
    expect(b.c.err).toMatch(/--tls-cert and --tls-key go together/);
  });

  it('--token-file: 401 without the token; ingest --once with the feed\'s tokenFile pulls every packet', async () => {
    const token = 'sesame-1234';
    await writeFile(path.join(work, 'server.tokens'), `# hashed at rest\nsha256:${createHash('sha256').update(token).digest('hex')}\n`);
    await writeFile(path.join(work, 'feed.token'), `${token}\n`);
    let ready: (url: string) => void = () => undefined;
    const url = new Promise<string>((r) => (ready = r));
    const srv = capture((t) => ready((JSON.parse(t) as { result: { url: string } }).result.url));
    const running = run(['feed', 'serve', '--root', path.join(work, 'served'), '--port', '0', '--token-file', path.join(work, 'server.tokens'), '--json'], srv.io);
    try {
      const base = await url;
      expect((await fetch(`${base}/status`)).status).toBe(401);
      expect(srv.c.err).toMatch(/Z warn feed serve: .*: 401 /);
      const config = JSON.parse(await readFile(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown>;
      delete config['$schema'];
      config['feeds'] = { web: { kind: 'http', url: base, tokenFile: 'feed.token' } };
      config['archive'] = { dir: 'archive' };
      await writeFile(path.join(work, 'idoc.json'), JSON.stringify(config));
      const ing = capture();
      expect(await run(['ingest', '--once', '--quiet', '--json', '--config', path.join(work, 'idoc.json')], ing.io), ing.c.err).toBe(0);
      expect((JSON.parse(ing.c.out).result as { feeds: { stored: number }[] }).feeds[0]!.stored).toBe(705);
    } finally {
      process.emit('SIGINT');
      expect(await running).toBe(0);
    }
  }, 60_000);
});
