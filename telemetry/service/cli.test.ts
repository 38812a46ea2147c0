/**
 * `idoc users` and `idoc serve` end to end (built dist/): users with roles, tokens shown once and stored hashed,
 * revocation, bad flags as one line with exit 2, and `serve --probe` against an archive whose registry is filled from
 * an L0 folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteArchiveWriter } from '../../src/store/index.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bin/idoc.js');
let work: string;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'idoc-users-'));
  await (await openSqliteArchiveWriter(path.join(work, 'archive'))).close();
});
afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });
const idoc = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, ...env } });

describe.skipIf(!existsSync(BIN))('idoc users and idoc serve (built dist/)', () => {
  it('adds users, issues tokens kept only as SHA-256, lists them, revokes them', () => {
    const add = idoc(['users', 'add', 'carol', '--role', 'co-investigator', '--route', 'SIM_SCI,SIM_EVT', '--archive', 'archive', '--json'], { IDOC_PASSWORD: 'pw' });
    expect(add.status, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout).result).toEqual({ name: 'carol', role: 'co-investigator', routes: ['SIM_SCI', 'SIM_EVT'], password: true });
    const tok = idoc(['users', 'token', 'carol', '--archive', 'archive', '--json']);
    const { id, token } = JSON.parse(tok.stdout).result as { id: string; token: string };
    expect(token).toMatch(new RegExp(`^idoc_${id}_[A-Za-z0-9_-]{43}$`));
    const db = new Database(path.join(work, 'archive', 'service.sqlite'), { readonly: true });
    const stored = JSON.stringify(db.prepare('SELECT * FROM tokens').all()) + JSON.stringify(db.prepare('SELECT * FROM users').all());
    db.close();
    expect(stored).not.toContain(token);
    expect(stored).not.toContain('"pw"');
    expect(stored).toMatch(/scrypt\$16384\$8\$1\$/);
    const list = JSON.parse(idoc(['users', 'list', '--archive', 'archive', '--json']).stdout).result as { users: { name: string; tokens: string[]; routes: string[] }[] };
    expect(list.users).toEqual([expect.objectContaining({ name: 'carol', tokens: [id], routes: ['SIM_EVT', 'SIM_SCI'] })]);
    expect(idoc(['users', 'revoke', id, '--archive', 'archive']).stdout).toBe('1 token(s) revoked\n');
    const again = idoc(['users', 'revoke', id, '--archive', 'archive']);
    expect(again.status).toBe(1);
  });
  it('refuses bad input in one line with exit 2', () => {
    for (const args of [
      ['users', 'add', 'x', '--role', 'admin', '--archive', 'archive'],
      ['users', 'add', 'bad name!', '--role', 'public', '--archive', 'archive'],
      ['users', 'add', 'carol', '--role', 'public', '--archive', 'archive'],
      ['users', 'token', 'nobody', '--archive', 'archive'],
      ['users', 'embargo', 'R', '-3', '--archive', 'archive'],
      ['serve', '--archive', 'archive', '--port', 'abc'],
      ['serve', '--archive', 'archive', '--tls-cert', 'x.pem'],
      ['serve', '--archive', 'no-such-archive', '--port', '0'],
    ]) {
      const r = idoc(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\s+at /);
    }
  });
  it('serve --probe answers one request with the token from IDOC_TOKEN, then stops', () => {
    const tok = JSON.parse(idoc(['users', 'token', 'carol', '--archive', 'archive', '--json']).stdout).result as { token: string };
    const who = idoc(['serve', '--archive', 'archive', '--port', '0', '--probe', '/whoami'], { IDOC_TOKEN: tok.token });
    expect(who.status, who.stderr).toBe(0);
    expect(who.stdout).toContain('{"user":"carol","role":"co-investigator","routes":["SIM_EVT","SIM_SCI"]}');
    const anon = idoc(['serve', '--archive', 'archive', '--port', '0', '--probe', '/jobs']);
    expect(anon.status).toBe(1);
    expect(anon.stdout).toMatch(/^401 application\/problem\+json/);
    const audit = new Database(path.join(work, 'archive', 'service.sqlite'), { readonly: true });
    const rows = audit.prepare('SELECT who, what, status FROM audit ORDER BY n').all();
    audit.close();
    expect(rows).toEqual([{ who: 'carol', what: '/whoami', status: 200 }, { who: 'anonymous', what: '/jobs', status: 401 }]);
    expect(readFileSync(path.join(work, 'archive', 'service.sqlite')).length).toBeGreaterThan(0);
  });
});
