/**
 * @module Progress for long runs: one self-overwriting line on stderr (bytes, MB/s, ETA), shown only when stderr
 * is a terminal, at most a few times a second.
 */
import type { Io } from './exit.js';

export interface Progress {
  update(label: string, done: number, total: number | undefined): void;
  done(): void;
}

export function createProgress(io: Io, intervalMs = 250): Progress {
  if (!io.errIsTty) return { update() {}, done() {} };
  const start = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(label, done, total) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      const s = (now - start) / 1000;
      const rate = done / 1e6 / Math.max(s, 1e-3);
      const pct = total ? ` ${((100 * done) / total).toFixed(1)}%` : '';
      const eta = total && rate > 0 ? ` ETA ${Math.max(0, (total - done) / 1e6 / rate).toFixed(0)} s` : '';
      io.err(`\r\x1b[K${label}: ${(done / 1e6).toFixed(1)} MB${pct} ${rate.toFixed(0)} MB/s${eta}`);
      shown = true;
    },
    done() {
      if (shown) io.err('\r\x1b[K');
    },
  };
}
