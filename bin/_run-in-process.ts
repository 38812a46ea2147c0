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

/** Runs `idoc ARGV…`; `tty` says whether standard error is a terminal (progress lines). */
export async function runIdoc(argv: readonly string[], opts: { readonly tty?: boolean } = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const chunks: Uint8Array[] = [];
  const io: Io = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    outBytes: async (b) => void chunks.push(Uint8Array.from(b)),
    errIsTty: opts.tty ?? false,
  };
  const code = await run([...argv], io);
  return { code, out, err, bytes: Buffer.concat(chunks) };
}
