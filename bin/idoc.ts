#!/usr/bin/env node
/**
 * @module The `idoc` command: commander wiring only. Each command lives in `bin/commands/<name>.ts`,
 * registered here; its heavy modules are imported inside its action, so `idoc --help` stays fast.
 */
import { Command, CommanderError } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ExitCode, processIo, reportError, type Io } from './cli/exit.js';
import { errorEnvelope, IDOC_VERSION } from './cli/json.js';
import { UsageError } from '../src/errors.js';
import { COMMANDS } from './commands/index.js';

/** Build the program. `io` receives all output; `setExit` the exit code chosen by the action. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('idoc')
    .description('Instrument operations toolkit: telemetry ingest and checks, PDS L0 products, orbits, planning and telecommand.')
    .version(IDOC_VERSION)
    // Usage errors are one line (commander's "error: unknown option '--x'" and the like), pointing at --help.
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) => write(`idoc: ${s.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (add --help for usage)\n`),
    })
    .exitOverride();
  for (const register of COMMANDS) register(program, { io, setExit });
  return program;
}

/** Run the CLI in-process on `argv` (without `node` and the script name). Resolves to the exit code. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code: number = ExitCode.Ok;
  const program = buildProgram(io, (c) => { code = Math.max(code, c); });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; any other commander complaint is a usage error.
      if (e.exitCode === 0) return ExitCode.Ok;
      const json = jsonCommand(program, argv);
      if (json !== undefined) io.out(errorEnvelope(json, new UsageError(e.message.replace(/^error: /, ''))));
      return ExitCode.InputError;
    }
    const exit = reportError(e, io);
    // With --json a failed run still answers in the envelope (`ok: false`, the error as its problems).
    const json = jsonCommand(program, argv);
    if (json !== undefined) io.out(errorEnvelope(json, e));
    return exit;
  }
}

/** The command words of `argv` (`archive status`) when it asks for --json of a command that takes it, else undefined. */
function jsonCommand(program: Command, argv: readonly string[]): string | undefined {
  if (!argv.includes('--json')) return undefined;
  const top = program.commands.find((c) => c.name() === argv[0] || c.aliases().includes(argv[0] ?? ''));
  const sub = top?.commands.find((c) => c.name() === argv[1] || c.aliases().includes(argv[1] ?? ''));
  const cmd = sub ?? top;
  return cmd?.options.some((o) => o.long === '--json') ? (sub ? `${top!.name()} ${sub.name()}` : cmd.name()) : undefined;
}

const isMain = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isMain) {
  // A reader that goes away (`idoc packets dump … | head`) ends the run quietly: EPIPE is not an error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  run(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
