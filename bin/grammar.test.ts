/**
 * The command-line grammar (issue 15), checked on the commander tree so it cannot drift: the table of every
 * command's visible flags; one meaning per flag across commands (`--out` a file, `--out-dir` a folder, `--from/--to`
 * UTC instants, `--config FILE`, `--archive DIR`, `--ephemeris FILE`); --json on every command that prints results;
 * --help everywhere; hidden aliases; unknown and ignored flags refused on one line; shell completion; help topics.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram, run } from './idoc.js';
import { commandPaths, commandTree, type CommandNode } from './cli/command-tree.js';
import { HELP_TOPICS } from './cli/help-topics.js';
import type { Io } from './cli/exit.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = path.join(ROOT, 'fixtures/sample-mission/idoc.json');
const SIM = path.join(ROOT, 'fixtures/sample/sim.bin');

async function idoc(args: readonly string[], tty = false): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty: tty };
  const code = await run(args, io);
  return { code, out, err };
}

const tree = commandTree(buildProgram({ out() {}, err() {}, errIsTty: false }, () => {}));
const nodes = commandPaths(tree).filter((p) => p.path.length > 0);
const leaves = nodes.filter((p) => p.node.commands.length === 0);
const flagsOf = (n: CommandNode): string => n.options.map((o) => o.long + (o.value ? ` ${o.value}` : '')).join(' ');

/** Every command and its visible flags, as --help shows them. A change to the grammar changes this table. */
const GRAMMAR: Record<string, string> = {
  'users token': '--archive <dir> --config <file> --out <file> --json',
  'users revoke': '--archive <dir> --config <file> --json',
  'users list': '--archive <dir> --config <file> --json',
  'users grant': '--archive <dir> --config <file>',
  'users embargo': '--archive <dir> --config <file>',
  'users add': '--archive <dir> --config <file> --role <role> --route <names> --json',
  'users': '',
  'tm query': '--archive <dir> --config <file> --from <utc> --to <utc> --stats --bin <duration> --csv --json --parquet <file>',
  'tm plot': '--out <file> --archive <dir> --config <file> --from <utc> --to <utc> --width <pixels>',
  'tm l1': '--out-dir <dir> --archive <dir> --config <file> --from <utc> --to <utc> --name <name> --json',
  'tm l1-worker': '--defs <file> --out-dir <dir> --archive <dir> --config <file> --name <name> --durable <name> --once --watch --json --quiet',
  'tm archive': '--config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --defs <file> --param <names...> --apid <list> --from <utc> --to <utc> --archive <dir> --time-param <name> --time-epoch <utc> --json',
  'serve': '--archive <dir> --config <file> --defs <file> --products <dir> --host <address> --port <n> --tls-cert <file> --tls-key <file> --rate <n> --probe <path> --json --dds-request <dir> --tmdb <file> --plans <dir> --tcdb <file> --rules <file> --ephemeris <file> --schema-dir <dir>',
  'provenance': '--products <dir> --json',
  'doi metadata': '--collection <name> --bundle --products <dir> --out-dir <dir> --config <file> --json',
  'doi': '',
  'deliver': '--collection <name> --bundle --out-dir <dir> --products <dir> --destination <name> --all --archive <dir> --config <file> --verify <bag> --json',
  'console hash-password': '',
  'console': '--users <file> --config <file> --archive <dir> --products <dir> --dds-request <dir> --tmdb <file> --plans <dir> --tcdb <file> --rules <file> --ephemeris <file> --schema-dir <dir> --host <address> --port <n>',
  'archive migrate': '--archive <dir> --config <file> --json',
  'feed': '',
  'feed serve': '--root <dir> --port <n> --host <address> --time-source <which> --config <file> --crc <mode> --profile <name> --time <code> --epoch <iso> --token-file <file> --tls-cert <file> --tls-key <file> --max-clients <n> --json',
  'feed list': '--config <file> --json',
  'replay': '--config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --connect <url> --listen <url> --speed <n> --loop --limit <n> --json',
  'packets': '',
  'packets inspect': '--config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --json',
  'packets dump': '--config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --json --apid <list> --from <utc> --to <utc> --limit <n>',
  'packets cat': '--config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --apid <list> --from <utc> --to <utc> --limit <n> --out <file>',
  'packets split': '--config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --json --apid <list> --from <utc> --to <utc> --limit <n> --out-dir <dir>',
  'ingest': '--config <file> --archive <dir> --once --watch --poll <seconds> --metrics <port> --publish --consume --json --quiet',
  'ingest status': '--config <file> --archive <dir> --json --bus',
  'time': '',
  'time convert': '--in <kind> --as <kind> --cuc <coarse.fine> --cds <days.sub> --epoch <iso> --json',
  'time correlate': '--config <file> --json',
  'time leap-seconds': '--load <file> --json',
  'l0': '',
  'l0 build': '--archive <dir> --from-files <files...> --config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --route <names> --from <utc> --to <utc> --window <w> --ephemeris <file> --object <name> --out-dir <dir> --product-time <utc> --pds3 --json',
  'l0 list': '--out-dir <dir> --json',
  'l0 worker': '--archive <dir> --config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --out-dir <dir> --durable <name> --once --watch --json --quiet',
  'l0 validate': '--schema-dir <dir> --json',
  'tc': '',
  'tc check': '--json',
  'tc import-mib': '--out <file> --json',
  'tc encode': '--apid <n> --seq <n> --ack <n> --source-id <n> --hex --out <file> --json --pus-a --source-octets <n>',
  'tc decode': '--file <file> --json --pus-a --source-octets <n>',
  'orbit': '',
  'orbit check': '--max-gap-steps <n> --json',
  'orbit state': '--ephemeris <file> --spk <file> --object <name|number> --center <body> --config <file> --station <NAME:LAT:LON:ALT_M:MASK_DEG> --tle-max-age <days> --max-gap-steps <n> --at <utc> --json',
  'orbit events': '--ephemeris <file> --spk <file> --object <name|number> --center <body> --config <file> --station <NAME:LAT:LON:ALT_M:MASK_DEG> --tle-max-age <days> --max-gap-steps <n> --from <utc> --to <utc> --altitude <km> --latitude <deg> --kinds <list> --step <duration> --json --csv',
  'orbit geometry': '--ephemeris <file> --spk <file> --object <name|number> --center <body> --config <file> --station <NAME:LAT:LON:ALT_M:MASK_DEG> --tle-max-age <days> --max-gap-steps <n> --from <utc> --to <utc> --step <duration> --json',
  'plan': '',
  'plan generate': '--spk <file> --center <body> --config <file> --requests <file> --tcdb <file> --ephemeris <file> --from <utc> --to <utc> --out <file> --station <NAME:LAT:LON:ALT_M:MASK_DEG> --object <name|number> --name <name> --uplink <utc> --latency <s> --initial-mode <mode> --json',
  'plan validate': '--spk <file> --center <body> --config <file> --tcdb <file> --ephemeris <file> --rules <file> --station <NAME:LAT:LON:ALT_M:MASK_DEG> --object <name|number> --json --junit <file>',
  'plan export': '--spk <file> --center <body> --config <file> --format <format> --out <file> --tcdb <file> --ephemeris <file> --rules <file> --station <NAME:LAT:LON:ALT_M:MASK_DEG> --object <name|number> --force --waiver <text> --activities-per-packet <n> --schedule-apid <n> --json',
  'plan import-itl': '--evf <file> --name <name> --out <file> --json',
  'plan import-edf': '--out-tcdb <file> --out-rules <file> --power-limit <W> --memory-bits <n> --downlink-rate <bps> --apid <n> --json',
  'archive': '',
  'archive status': '--archive <dir> --config <file> --json',
  'archive query': '--archive <dir> --config <file> --apid <list> --route <names> --from <utc> --to <utc> --json --out <file>',
  'archive gaps': '--archive <dir> --config <file> --apid <list> --route <names> --from <utc> --to <utc> --json --csv --dds-request <dir>',
  'archive verify': '--archive <dir> --config <file> --products <dir> --json',
  'routes': '--config <file> --json',
  'demo': '--out-dir <dir> --keep --schema-dir <dir> --json --serve --port <n>',
  'tm': '',
  'tm decode': '--config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --defs <file> --param <names...> --apid <list> --from <utc> --to <utc> --json --csv --long --raw',
  'tm limits': '--config <file> --framing <name> --prefix-bytes <n> --crc <mode> --profile <name> --time <code> --epoch <iso> --max-packet-length <n> --defs <file> --param <names...> --apid <list> --from <utc> --to <utc> --json',
  'tm import': '--out <file> --json --config <file>',
  'help': '--json',
  'completion': '',
};

/** The one value each shared flag takes. A flag used by two commands must take the same kind of value. */
const MEANING: Record<string, string> = {
  '--out': '<file>', '--out-dir': '<dir>', '--from': '<utc>', '--to': '<utc>', '--at': '<utc>', '--config': '<file>', '--archive': '<dir>',
  '--ephemeris': '<file>', '--json': '', '--csv': '', '--limit': '<n>', '--spk': '<file>', '--object': '<name|number>', '--center': '<body>',
  '--station': '<NAME:LAT:LON:ALT_M:MASK_DEG>', '--schema-dir': '<dir>', '--tcdb': '<file>', '--rules': '<file>', '--epoch': '<iso>',
};
/** Flags whose value differs by command, and why. */
const EXCEPTIONS: Record<string, string> = {
  '--apid': 'an APID list (<list>) where it filters, one APID (<n>) where a command writes packets',
  '--object': 'l0 build names <name> (an ephemeris object name or catalogue number, as elsewhere)',
};
/** Leaf commands without --json, and why. */
const NO_JSON: Record<string, string> = {
  'packets cat': 'its output is the packets themselves',
  completion: 'its output is a shell script',
  ingest: 'a group: its own options run a pull (--json there prints the summary)',
  'tm plot': 'its output is the image file (--out)',
  console: 'a server: it prints its URL until stopped',
  'console hash-password': 'its output is the one hash line a users file takes',
  'users embargo': 'prints one confirmation line',
  'users grant': 'prints one confirmation line',
};

describe('the command-line grammar', () => {
  it('every command has exactly the flags of the table', () => {
    const actual = Object.fromEntries(nodes.map(({ path: p, node }) => [p.join(' '), flagsOf(node)]));
    expect(actual).toEqual(GRAMMAR);
  });

  it('a flag means one thing everywhere: the same value kind in every command', () => {
    const seen = new Map<string, Set<string>>();
    for (const { node } of nodes) for (const o of node.options) seen.set(o.long, (seen.get(o.long) ?? new Set()).add(o.value));
    for (const [flag, values] of seen) {
      if (flag in EXCEPTIONS) continue;
      if (flag in MEANING) expect([...values], flag).toEqual([MEANING[flag]]);
      else expect(values.size, `${flag}: ${[...values].join(' | ')}`).toBe(1);
    }
    // Folders are --out-dir (written) or a named input folder; --out is always a file.
    for (const { path: p, node } of nodes) {
      for (const o of node.options) {
        if (o.value === '<dir>') expect(['--out-dir', '--archive', '--root', '--schema-dir', '--products', '--dds-request', '--plans'], `${p.join(' ')} ${o.long}`).toContain(o.long);
        if (/^<(time|date)>$/.test(o.value)) throw new Error(`${p.join(' ')} ${o.long} ${o.value}: instants are <utc>`);
      }
    }
  });

  it('--json on every command that prints results', () => {
    for (const { path: p, node } of leaves) {
      const name = p.join(' ');
      if (name in NO_JSON) expect(node.options.some((o) => o.long === '--json'), name).toBe(false);
      else expect(node.options.some((o) => o.long === '--json'), name).toBe(true);
    }
  });

  it('--help works on every command (exit 0, usage on stdout)', async () => {
    for (const { path: p } of nodes) {
      const r = await idoc([...p, '--help']);
      expect(r.code, p.join(' ')).toBe(0);
      expect(r.out, p.join(' ')).toMatch(new RegExp(`^Usage: idoc ${p.join(' ')}`));
    }
  });

  it('a flag a command does not take is refused on one line, exit 2 (packets cat --json)', async () => {
    for (const args of [['packets', 'cat', SIM, '--json'], ['routes', '--nope'], ['time', 'convert', '--in', 'gps', '1'], ['orbit', 'events', '--json', '--csv', '--ephemeris', 'x', '--from', 'a', '--to', 'b']]) {
      const r = await idoc(args);
      expect(r.code, args.join(' ')).toBe(2);
      // A command that takes --json answers a usage error in the envelope too (idoc help json), on one line.
      if (args[0] === 'orbit') expect(JSON.parse(r.out)).toMatchObject({ command: 'orbit events', ok: false, result: null, problems: [{ code: 'usage' }] });
      else expect(r.out).toBe('');
      expect(r.err.trimEnd().split('\n'), r.err).toHaveLength(1);
      expect(r.err).toMatch(/^idoc: /);
    }
  });

  it('old spellings are hidden aliases: --out DIR of l0 build warns and works; --tle/--oem are aliases of --ephemeris', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idoc-grammar-'));
    const built = await idoc(['l0', 'build', '--config', CONFIG, '--from-files', SIM, '--out', dir, '--json']);
    expect(built.code).toBe(0);
    expect(built.err).toContain('idoc: warning: --out is deprecated here, use --out-dir');
    const listed = await idoc(['l0', 'list', '--out-dir', dir, '--json']);
    expect(JSON.parse(listed.out).result.products.length).toBeGreaterThan(0);
    const tle = path.join(ROOT, 'fixtures/planning/samplesat.tle');
    const a = await idoc(['orbit', 'state', '--ephemeris', tle, '--at', '2025-01-01T00:10:00Z', '--json']);
    const b = await idoc(['orbit', 'state', '--tle', tle, '--at', '2025-01-01T00:10:00Z', '--json']);
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    expect(b.err).toBe('');
  });

  it('--json prints one JSON value; NDJSON streams one object a line', async () => {
    const inspect = await idoc(['packets', 'inspect', '--config', CONFIG, SIM, '--json']);
    expect(typeof JSON.parse(inspect.out).result).toBe('object');
    const dump = await idoc(['packets', 'dump', '--config', CONFIG, SIM, '--json', '--limit', '5']);
    const lines = dump.out.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ apid: expect.any(Number) });
  });

  it('l0 build shows progress on a terminal: %, rate and ETA against the total', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idoc-grammar-'));
    const r = await idoc(['l0', 'build', '--config', CONFIG, '--from-files', SIM, '--out-dir', dir], true);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\r\x1b\[Kl0 build: \d+\.\d MB \d+\.\d% \d+ MB\/s ETA \d+ s/);
    expect(r.err).toMatch(/\r\x1b\[K\d+ packet\(s\), \d+ product\(s\)/);
  });
});

describe('idoc completion', () => {
  const script = (shell: string) => execFileSync(process.execPath, [path.join(ROOT, 'dist/bin/idoc.js'), 'completion', shell], { encoding: 'utf8' });
  const complete = (words: string[]): string[] => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'idoc-completion-')), 'idoc.bash');
    writeFileSync(file, script('bash'));
    const words_ = words.map((w) => `'${w}'`).join(' ');
    const out = execFileSync('bash', ['-c', `source "$1"; COMP_WORDS=(${words_}); COMP_CWORD=${words.length - 1}; _idoc; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', file], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean);
  };

  it('bash completes commands, subcommands and their flags from the command tree', () => {
    expect(complete(['idoc', 'pa'])).toEqual(['packets']);
    expect(complete(['idoc', 'packets', ''])).toEqual(['inspect', 'dump', 'cat', 'split', '--help']);
    expect(complete(['idoc', 'l0', 'build', '--out'])).toEqual(['--out-dir']);
    expect(complete(['idoc', 'orbit', 'state', '--ephemeris', ''])).toEqual([]); // a file name: the shell's default
    expect(complete(['idoc', 'time', 'convert', '--i'])).toEqual(['--in']);
  });

  it('zsh and fish scripts name every command', () => {
    const zsh = script('zsh');
    expect(zsh).toMatch(/^#compdef idoc\n/);
    expect(zsh).toContain('bashcompinit');
    const fish = script('fish');
    for (const { path: p } of leaves) expect(fish, p.join(' ')).toContain(`-a '${p.at(-1)}'`);
    expect(fish).toContain('-l out-dir -r -F');
  });
});

describe('idoc help TOPIC', () => {
  it('prints each topic as text and as JSON', async () => {
    expect(HELP_TOPICS.map((t) => t.topic)).toEqual(['config', 'framing', 'time-axes', 'exit-codes', 'output', 'json']);
    for (const t of HELP_TOPICS) {
      const text = await idoc(['help', t.topic]);
      expect(text.code).toBe(0);
      expect(text.out).toMatch(new RegExp(`^IDOC-${t.topic.toUpperCase()}\\(7\\)`));
      for (const s of t.sections) expect(text.out).toContain(`\n${s.heading}\n`);
      const json = await idoc(['help', t.topic, '--json']);
      expect(JSON.parse(json.out).result).toEqual(t);
    }
  });

  it('help COMMAND shows the command\'s help; an unknown topic is exit 2 naming the topics', async () => {
    expect((await idoc(['help', 'packets', 'inspect'])).out).toMatch(/^Usage: idoc packets inspect/);
    expect((await idoc(['help'])).out).toMatch(/Topics \(idoc help TOPIC\): config, framing, time-axes, exit-codes, output, json/);
    const bad = await idoc(['help', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('idoc: help nope: no such topic or command (topics: config, framing, time-axes, exit-codes, output, json)\n');
  });
});
