/**
 * "Every README example runs as written, and a test runs them": this test.
 *
 * It reads the shell examples out of the READMEs listed in READMES and runs them; nothing expected is written
 * here, every expected line comes from the README.
 *
 * How a README example is read:
 * - An example is a line starting with `$ ` inside a fenced block. A trailing ` \` continues the command on the
 *   next line. A ` # comment` after the command is not part of it; a comment starting with `exit N`
 *   (`# exit 1`, `# exit 2: ...`) gives the expected exit code, otherwise it is 0.
 * - `idoc` and `npx idoc` run `node <repo>/dist/bin/idoc.js` (an `idoc` script on PATH); the command runs in
 *   `sh -c`, so `mkdir`, `cp` and `&&` work as a reader's shell would run them.
 * - The lines after a `$` line, up to the next `$` line or the end of the block, are its shown output. Each
 *   must appear in the actual output (stdout, else stderr), in order, compared after trimming and collapsing
 *   runs of spaces. Other output lines may come between them.
 * - Run-dependent output is left out of the comparison by these rules: a line that is only `…` is skipped (the
 *   README elides there); inside a line `…` matches any text (write `…` in the README for a time of day, an
 *   absolute path or any other value that changes from run to run); a line naming a temporary path (`/tmp/`)
 *   and a duration line (`done in 3.2 s`) are skipped.
 *
 * Examples run in README order, section by section (a `#` heading starts a section), each section in a fresh
 * temporary working directory laid out like the repository: `fixtures` and `schemas` are symlinks to the
 * repository's, and `../shared` is a symlink to the real `../shared` when it exists. An example whose command
 * or shown output names `../shared/` (or `…/shared/`) is skipped, visibly, when it is absent. State the README does not show as a command is set up
 * in SECTION_SETUP, keyed by section.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'dist', 'bin', 'idoc.js');
const SHARED = path.resolve(REPO, '..', 'shared');
const HAVE_SHARED = existsSync(SHARED);

/** READMEs whose `$` examples are run (paths from the repository root); their commands run from the root layout. */
const READMES = ['README.md'];

/**
 * State a section's examples assume but do not create with a command, set up in the section's working
 * directory before its first example.
 */
const SECTION_SETUP: Record<string, (work: string) => void> = {
  // README.md, "Ingest into the archive": "Feeds, routes and the archive are declared in the mission config":
  // idoc.json in the working directory is the sample mission's config with a drop-folder feed `drop` (the
  // README's commands fill drop/), the three SIM routes and the archive folder idoc-archive.
  'README.md > Ingest into the archive': (work) => {
    // The README shows it: fixtures/sample-mission/idoc-ingest.json.
    const config = JSON.parse(readFileSync(path.join(REPO, 'fixtures', 'sample-mission', 'idoc-ingest.json'), 'utf8')) as Record<string, unknown>;
    delete config['$schema'];
    writeFileSync(path.join(work, 'idoc.json'), `${JSON.stringify(config, null, 2)}\n`);
  },
};

interface Example {
  readonly readme: string;
  readonly section: string;
  /** 1-based line of the `$` line in the README. */
  readonly line: number;
  readonly command: string;
  readonly exitCode: number;
  readonly shown: readonly string[];
}

/** The `$` examples of one README, in order. */
function readExamples(readme: string, text: string): Example[] {
  const lines = text.split(/\r?\n/);
  const examples: Example[] = [];
  let section = '(top)';
  let inFence = false;
  let current: { line: number; command: string; exitCode: number; shown: string[] } | undefined;
  const flush = (): void => {
    if (current) examples.push({ readme, section, ...current });
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*```/.test(line)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (!inFence) {
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      if (heading) section = (heading[1] ?? '').trim();
      continue;
    }
    if (line.startsWith('$ ')) {
      flush();
      const at = i + 1;
      let joined = line.slice(2);
      while (/\s\\$/.test(joined) && i + 1 < lines.length) {
        i++;
        joined = `${joined.replace(/\s*\\$/, '')} ${(lines[i] ?? '').trim()}`;
      }
      const hash = /\s#(.*)$/.exec(joined);
      const comment = hash ? (hash[1] ?? '').trim() : '';
      const command = (hash ? joined.slice(0, hash.index) : joined).trim();
      const exit = /^exit (\d+)\b/.exec(comment);
      current = { line: at, command, exitCode: exit ? Number(exit[1]) : 0, shown: [] };
      continue;
    }
    current?.shown.push(line);
  }
  flush();
  return examples;
}

const squash = (s: string): string => s.trim().replace(/\s+/g, ' ');
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The shown lines that are compared, as patterns (see the header for the rules). */
function shownPatterns(shown: readonly string[]): { text: string; re: RegExp }[] {
  return shown
    .map(squash)
    .filter((s) => s !== '' && s !== '…')
    .filter((s) => !/(^|[\s'"(=])\/tmp\//.test(s))
    .filter((s) => !/\bdone in [\d.]+ ?m?s\b/.test(s))
    .map((s) => ({ text: s, re: new RegExp(`^${s.split('…').map(escape).join('.*')}$`) }));
}

/** The shown lines not found in order in the output (stdout first, else stderr), or [] when all are there. */
function missingLines(shown: readonly string[], stdout: string, stderr: string): string[] {
  const streams = [stdout, stderr].map((s) => s.split(/\r?\n/).map(squash));
  const cursors = [0, 0];
  const missing: string[] = [];
  for (const { text, re } of shownPatterns(shown)) {
    let found = false;
    for (let k = 0; k < streams.length && !found; k++) {
      const out = streams[k] ?? [];
      for (let j = cursors[k] ?? 0; j < out.length; j++) {
        if (re.test(out[j] ?? '')) {
          cursors[k] = j + 1;
          found = true;
          break;
        }
      }
    }
    if (!found) missing.push(text);
  }
  return missing;
}

function makeWorkdir(): { root: string; work: string; binDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'idoc-readme-'));
  const work = path.join(root, 'repo');
  const binDir = path.join(root, 'bin');
  mkdirSync(work);
  mkdirSync(binDir);
  symlinkSync(path.join(REPO, 'fixtures'), path.join(work, 'fixtures'));
  symlinkSync(path.join(REPO, 'schemas'), path.join(work, 'schemas'));
  if (HAVE_SHARED) symlinkSync(SHARED, path.join(root, 'shared'));
  const shim = path.join(binDir, 'idoc');
  writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(shim, 0o755);
  return { root, work, binDir };
}

const examples = READMES.flatMap((readme) => readExamples(readme, readFileSync(path.join(REPO, readme), 'utf8')));
const sections = [...new Set(examples.map((e) => `${e.readme} > ${e.section}`))];

it('finds the README examples', () => {
  expect(existsSync(BIN), `${BIN} is missing: npm run build first`).toBe(true);
  expect(examples.length).toBeGreaterThan(0);
  for (const key of Object.keys(SECTION_SETUP)) expect(sections, `SECTION_SETUP names a section no README has: ${key}`).toContain(key);
});

for (const key of sections) {
  describe.sequential(key, () => {
    let dir: ReturnType<typeof makeWorkdir> | undefined;
    beforeAll(() => {
      dir = makeWorkdir();
      SECTION_SETUP[key]?.(dir.work);
    });
    afterAll(() => {
      if (dir) rmSync(dir.root, { recursive: true, force: true });
    });
    for (const ex of examples.filter((e) => `${e.readme} > ${e.section}` === key)) {
      // Needs ../shared when the command names it, or the shown output does (`../shared/…` or `…/shared/…`).
      const needsShared = [ex.command, ...ex.shown].some((s) => /(\.\.|…)\/shared\//.test(s));
      it.skipIf(needsShared && !HAVE_SHARED)(`${ex.readme}:${ex.line} $ ${ex.command}${needsShared && !HAVE_SHARED ? ' (../shared absent)' : ''}`, () => {
        if (!dir) throw new Error('no working directory');
        const command = ex.command.replace(/\bnpx idoc\b/g, 'idoc');
        const r = spawnSync('sh', ['-c', command], {
          cwd: dir.work,
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
          env: { ...process.env, PATH: `${dir.binDir}${path.delimiter}${process.env['PATH'] ?? ''}`, NO_COLOR: '1' },
        });
        if (r.error) throw r.error;
        const report = `\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
        expect(r.status, `exit code of \`${ex.command}\` (${ex.readme}:${ex.line})${report}`).toBe(ex.exitCode);
        expect(missingLines(ex.shown, r.stdout, r.stderr), `shown lines of \`${ex.command}\` (${ex.readme}:${ex.line}) not in its output, in order${report}`).toEqual([]);
      }, 300_000);
    }
  });
}
