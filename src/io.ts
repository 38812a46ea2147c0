/**
 * @module Where a command writes and how it ends, the contract every layer that prints shares (bin's commands, the
 * domains' printers such as telemetry/inspect): exit codes 0 success, 1 problems found in the data, 2 usage or
 * input error; results on stdout, progress and errors on stderr.
 */
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
