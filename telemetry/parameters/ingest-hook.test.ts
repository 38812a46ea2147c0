/**
 * Decoding along an ingest run (ingest-hook.ts): a commit schedules one background decoding after the delay,
 * commits during a decoding schedule one more after it, nothing runs twice at once, `finish` waits and decodes
 * what is left, a background failure is thrown by `finish`. Fake timers: no wall-clock dependence.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ingestDecoding, type RouteDecodeReport } from './ingest-hook.js';

const report = (packets: number): RouteDecodeReport[] => [{ route: 'HK', packets, samples: 2 * packets, chunks: 1, undecoded: [], skipped: [] }];

describe('ingestDecoding', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('one decoding at a time, again after commits that came during it, the last one at finish', async () => {
    let calls = 0;
    let active = 0;
    let maxActive = 0;
    let release: (() => void) | undefined;
    const decode = async (): Promise<RouteDecodeReport[]> => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((r) => { release = r; });
      active--;
      return report(calls);
    };
    const d = ingestDecoding(decode, 1000);
    d.committed(0); // nothing stored: nothing scheduled
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toBe(0);
    d.committed(10);
    d.committed(5); // already scheduled
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    d.committed(7); // during the decoding: one more after it
    release!();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    const done = d.finish();
    release!();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(3); // the last one, after the background one ended
    release!();
    expect(await done).toEqual([{ route: 'HK', packets: 1 + 2 + 3, samples: 12, chunks: 3, undecoded: [], skipped: [] }]);
    expect(maxActive).toBe(1);
  });

  test('a slow decoding spaces the next one out to 10 times its duration', async () => {
    let calls = 0;
    let release: (() => void) | undefined;
    const d = ingestDecoding(async () => {
      calls++;
      await new Promise<void>((r) => { release = r; });
      return [];
    }, 1000);
    d.committed(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(500); // the decoding takes 500 ms
    d.committed(1);
    release!();
    await vi.advanceTimersByTimeAsync(4999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    release!();
    await d.abort();
  });

  test('a background failure is thrown by finish; abort decodes nothing more', async () => {
    let calls = 0;
    const d = ingestDecoding(async () => {
      calls++;
      throw new Error('parameters.sqlite: disk full');
    }, 10);
    d.committed(1);
    await vi.advanceTimersByTimeAsync(10);
    await expect(d.finish()).rejects.toThrow(/disk full/);
    expect(calls).toBe(1);
    const e = ingestDecoding(async () => { calls++; return []; }, 10);
    e.committed(1);
    await e.abort();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(1);
  });
});
