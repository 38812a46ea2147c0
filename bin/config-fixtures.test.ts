/**
 * Every valid config fixture (fixtures/config/valid) passes every command that reads a config (issue 15): none of
 * them exits 2 or reports a config problem. The sections a command checks only when it uses them (feeds, routes,
 * products, archive, time, ephemeris) are checked by the commands that use them, so each command runs here.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './idoc.js';
import type { Io } from './cli/exit.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VALID = path.join(ROOT, 'fixtures/config/valid');
const SIM = path.join(ROOT, 'fixtures/sample/sim.bin');

async function idoc(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty: false };
  return { code: await run(args, io), out, err };
}

/** The commands that read a config, and the exit codes that mean the config was read (1: the data has problems). */
const COMMANDS: readonly { args: (config: string, work: string) => string[]; codes: readonly number[] }[] = [
  { args: (c) => ['routes', '--config', c, '--json'], codes: [0] },
  { args: (c) => ['feed', 'list', '--config', c, '--json'], codes: [0] },
  { args: (c) => ['time', 'correlate', '--config', c, '--json'], codes: [0] },
  { args: (c) => ['packets', 'inspect', '--config', c, SIM, '--json'], codes: [0, 1] },
  { args: (c) => ['packets', 'dump', '--config', c, SIM, '--json', '--limit', '3'], codes: [0, 1] },
  { args: (c, w) => ['l0', 'build', '--config', c, '--from-files', SIM, '--out-dir', path.join(w, 'l0'), '--json'], codes: [0, 1] },
  { args: (c, w) => ['ingest', 'status', '--config', c, '--archive', path.join(w, 'none'), '--json'], codes: [0, 2] },
];

describe('every valid config fixture passes every command that reads a config', () => {
  const fixtures = readdirSync(VALID).filter((f) => f.endsWith('.json'));
  it('has the fixtures', () => expect(fixtures).toContain('all-fields.json'));
  for (const f of fixtures) {
    it(f, async () => {
      const work = mkdtempSync(path.join(tmpdir(), 'idoc-config-'));
      for (const c of COMMANDS) {
        const args = c.args(path.join(VALID, f), work);
        const r = await idoc(args);
        expect(c.codes, `${args.slice(0, 2).join(' ')}: ${r.err}`).toContain(r.code);
        // No config problem, whatever the exit code (ingest status without an archive is exit 2 for the archive).
        expect(r.err, args.slice(0, 2).join(' ')).not.toMatch(new RegExp(`${f}(#|:)`));
      }
      const orbit = await idoc(['orbit', 'state', '--config', path.join(VALID, f), '--at', '2014-01-21T01:00:00Z', '--json']);
      // With an ephemeris section the state is computed; without one the command asks for an ephemeris (no config problem).
      if (f === 'all-fields.json') expect(orbit.code, orbit.err).toBe(0);
      else expect(orbit.err).toMatch(/give --ephemeris FILE/);
    });
  }
});
