/**
 * @module For tests: run the CLI in this process (`run` of bin/idoc.ts) and collect what it prints and its exit code.
 */
import type { Io } from '../src/io.js';
import { run } from './idoc.js';

export interface CliRun {
  readonly code: number;
  /** Text written to standard output. */
  readonly out: string;
  readonly err: string;
  /** Octets written as binary output (`packets cat`, downloads). */
  readonly bytes: Buffer;
}

/**
 * Runs `idoc ARGV…`; `tty` says whether standard error is a terminal (progress lines); `cwd`: the folder relative
 * paths are read from during the run (the process's working folder is set back afterwards).
 */
export async function runIdoc(argv: readonly string[], opts: { readonly tty?: boolean; readonly cwd?: string } = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const chunks: Uint8Array[] = [];
  const io: Io = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    outBytes: async (b) => void chunks.push(Uint8Array.from(b)),
    errIsTty: opts.tty ?? false,
  };
  const before = process.cwd();
  if (opts.cwd !== undefined) process.chdir(opts.cwd);
  try {
    const code = await run([...argv], io);
    return { code, out, err, bytes: Buffer.concat(chunks) };
  } finally {
    if (opts.cwd !== undefined) process.chdir(before);
  }
}
