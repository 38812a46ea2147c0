/** `idoc console` on the command line: usage errors exit 2 in one line, hash-password makes a hash that logs in. */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseUsers, sessions } from './console-auth.js';
import { IDOC } from './console-fixture.js';

const exec = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'idoc-console-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('idoc console', () => {
  it('refuses bad flags and users files with exit 2 and one line', async () => {
    writeFileSync(path.join(dir, 'bad.json'), '{"users": [{"name": "x", "role": "admin", "password": "scrypt$1$1$1$a$b"}]}');
    writeFileSync(path.join(dir, 'garbage.json'), '{"users": ');
    for (const [args, msg] of [
      [['console'], /--users FILE is required/],
      [['console', '--users', 'bad.json', '--port', '70000'], /--port 70000: expected 0 to 65535/],
      [['console', '--users', 'bad.json'], /bad\.json: users\[0\]\.role: expected "operator" or "coi"/],
      [['console', '--users', 'garbage.json'], /garbage\.json: not JSON/],
      [['console', '--users', 'absent.json'], /absent\.json: cannot read the users file \(ENOENT\)/],
    ] as const) {
      const e = await exec(process.execPath, [IDOC, ...args], { cwd: dir }).then(() => undefined, (x: { code: number; stderr: string }) => x);
      expect(e?.code, args.join(' ')).toBe(2);
      expect(e?.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(e?.stderr).toMatch(msg);
    }
  });

  it('hash-password reads stdin and its hash logs in (and only with that password)', async () => {
    const r = spawnSync(process.execPath, [IDOC, 'console', 'hash-password'], { input: 'correct horse\n', encoding: 'utf8' });
    expect(r.status).toBe(0);
    const hash = r.stdout.trim();
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    const s = sessions(parseUsers(JSON.stringify({ users: [{ name: 'u', role: 'coi', instruments: ['SIM'], password: hash }] }), 'users.json'));
    expect(await s.login('u', 'correct horse!')).toBeUndefined();
    const ok = await s.login('u', 'correct horse');
    expect(ok?.user).toEqual({ name: 'u', role: 'coi', instruments: ['SIM'] });
    expect(s.user(ok!.id)).toEqual(ok!.user);
  });
});
