/**
 * @module Exit codes and the one-line error printer shared by every idoc command.
 * 0 success, 1 a check found problems in the data, 2 usage or input errors.
 */
import { InputError, UsageError } from '../errors.js';

export const ExitCode = {
  /** All went well and the data was clean. */
  Ok: 0,
  /** The run completed but the data had problems (CRC errors, gaps, skipped bytes, rule violations). */
  Problems: 1,
  /** Usage error or unreadable input: the run could not do its job. */
  InputError: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a command writes: stdout for results, stderr for progress and errors (injectable for tests). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Binary results on stdout (`packets cat`); resolves when the stream can take more. */
  outBytes?(bytes: Uint8Array): Promise<void>;
  /** True when stderr is a terminal (progress is shown only then). */
  readonly errIsTty: boolean;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  outBytes: (b) =>
    new Promise((resolve, reject) => {
      const ok = process.stdout.write(b, (e) => (e ? reject(e) : undefined));
      if (ok) resolve();
      else process.stdout.once('drain', () => resolve());
    }),
  errIsTty: Boolean(process.stderr.isTTY),
};

/**
 * Map a thrown error to its exit code and print it: known errors as one line (`idoc: message`),
 * with one line per problem for InputError; unknown errors as one line too (their stack with IDOC_DEBUG=1).
 */
export function reportError(e: unknown, io: Io): ExitCode {
  if (e instanceof UsageError || e instanceof InputError) {
    io.err(`idoc: ${e.message}\n`);
    if (e instanceof InputError) for (const p of e.problems) io.err(`  ${p.path}: ${p.message}\n`);
    return ExitCode.InputError;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && typeof err.code === 'string' && typeof err.path === 'string') {
    // File system errors (ENOENT, EACCES, ENOSPC…) name their file: one line, exit 2.
    io.err(`idoc: ${err.path}: ${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}\n`);
    return ExitCode.InputError;
  }
  // One line, never a stack trace, unless IDOC_DEBUG asks for it.
  const detail = err instanceof Error ? (process.env['IDOC_DEBUG'] ? (err.stack ?? err.message) : err.message.split('\n')[0]) : String(e);
  io.err(`idoc: internal error: ${detail}${process.env['IDOC_DEBUG'] ? '' : ' (IDOC_DEBUG=1 shows where)'}\n`);
  return ExitCode.InputError;
}
