/**
 * @module The one-line error printer shared by every idoc command, and the exit codes and `Io` (src/io.ts).
 * 0 success, 1 a check found problems in the data, 2 usage or input errors.
 */
import { InputError, UsageError } from '../../src/errors.js';

export { ExitCode, processIo, type Io } from '../../src/io.js';
import { ExitCode, type Io } from '../../src/io.js';

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
