/**
 * @module Progress for long runs: one self-overwriting line on stderr (MB, % and ETA when the total is known, MB/s),
 * shown only when stderr is a terminal, at most a few times a second. Log lines never mix with it: `log()` clears
 * the progress line, writes the log line, and draws the progress line again below it.
 */
import type { Io } from './exit.js';

export interface Progress {
  update(label: string, done: number, total: number | undefined): void;
  /** Write a whole log line (ending in a newline) on stderr without breaking the progress line. */
  log(line: string): void;
  done(): void;
}

export function createProgress(io: Io, intervalMs = 250): Progress {
  if (!io.errIsTty) return { update() {}, log: (line) => io.err(line), done() {} };
  const start = Date.now();
  let last = 0;
  let shown = false;
  let text = '';
  return {
    update(label, done, total) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      const s = (now - start) / 1000;
      const rate = done / 1e6 / Math.max(s, 1e-3);
      const pct = total ? ` ${((100 * done) / total).toFixed(1)}%` : '';
      const eta = total && rate > 0 ? ` ETA ${Math.max(0, (total - done) / 1e6 / rate).toFixed(0)} s` : '';
      text = `${label}: ${(done / 1e6).toFixed(1)} MB${pct} ${rate.toFixed(0)} MB/s${eta}`;
      io.err(`\r\x1b[K${text}`);
      shown = true;
    },
    log(line) {
      io.err(shown ? `\r\x1b[K${line}${text}` : line);
    },
    done() {
      if (shown) io.err('\r\x1b[K');
      shown = false;
    },
  };
}
