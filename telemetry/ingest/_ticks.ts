/**
 * @module Ticks between the chunks of a quiet source: `withTicks` yields the source's items and, whenever none came
 * for `quietMs`, a {@link TICK}, so a consumer can commit what it holds although the stream went quiet (live links).
 * One timer per source, re-armed as items arrive (not one per item).
 */
export const TICK: unique symbol = Symbol('tick');
export type Tick = typeof TICK;

export async function* withTicks<T>(source: AsyncIterable<T>, quietMs: number): AsyncGenerator<T | Tick> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let fire: (() => void) | undefined;
  const timer = setTimeout(() => fire?.(), quietMs);
  timer.unref();
  let ended = false;
  try {
    for (;;) {
      pending ??= it.next();
      timer.refresh();
      const tick = new Promise<Tick>((resolve) => { fire = () => resolve(TICK); });
      const r = await Promise.race([pending, tick]);
      fire = undefined;
      if (r === TICK) {
        yield TICK;
        continue;
      }
      pending = undefined;
      if (r.done) {
        ended = true;
        return;
      }
      yield r.value;
    }
  } finally {
    clearTimeout(timer);
    // Stopped early: let the source clean up. Not awaited: its next() may still be waiting on a quiet socket.
    if (!ended) void Promise.resolve(it.return?.()).catch(() => undefined);
  }
}
