/**
 * @module Retry pacing for feeds that are down, slow or dropped mid-transfer: exponential backoff, capped,
 * without jitter so that tests and logs see the same delays every time (the daemon shares it).
 */

/** How the delays grow. */
export interface BackoffOptions {
  /** Delay before the first retry, milliseconds. Default 500. */
  readonly initialMs?: number;
  /** Longest delay, milliseconds. Default 30 000. */
  readonly maxMs?: number;
  /** Growth factor per attempt. Default 2. */
  readonly factor?: number;
}

export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000, factor: 2 } as const;

/**
 * Delay before retry number `attempt` (0 = the first retry): `initialMs × factor^attempt`, capped at `maxMs`.
 * Deterministic: 500, 1000, 2000, … 16 000, 30 000, 30 000 … with the defaults.
 */
export function nextDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
  const max = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const factor = options.factor ?? DEFAULT_BACKOFF.factor;
  if (!(attempt >= 0)) return initial;
  // Past ~60 doublings the power is Infinity or precision is gone: the cap applies anyway.
  return Math.min(max, initial * factor ** Math.min(attempt, 64));
}

/**
 * Wait `ms` milliseconds; resolves early (without throwing) when `signal` aborts. Returns false when aborted.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
