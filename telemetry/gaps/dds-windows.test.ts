import { describe, expect, it } from 'vitest';
import { gapsOf, gapWindows } from './index.js';
import { utcToTai } from '../../src/time/index.js';

describe('DDS re-request windows use the DDS (ground) times (issue 11)', () => {
  it('a gap between packets behind DDS headers is asked for by their DDS times, not their on-board times', () => {
    // On-board times run 2 s ahead of the DDS times here; the DDS answers by its own time.
    const t = (s: number) => utcToTai(`2026-01-01T00:00:${String(s).padStart(2, '0')}Z`);
    const dds = (s: number) => ({ unixMs: Date.parse('2026-01-01T00:00:00Z') + s * 1000 });
    const gaps = gapsOf(1100, [
      { tai: t(10), sequenceCount: 9, dds: dds(8) },
      { tai: t(14), sequenceCount: 13, dds: dds(12.4) },
    ]);
    expect(gaps).toHaveLength(1);
    expect(gapWindows(gaps)).toEqual([{ apid: 1100, startMs: Date.parse('2026-01-01T00:00:08Z'), endMs: Date.parse('2026-01-01T00:00:13Z'), gaps: 1, missing: 3 }]);
    // Without DDS headers: the packets' times.
    const plain = gapsOf(1100, [{ tai: t(10), sequenceCount: 9 }, { tai: t(14), sequenceCount: 13 }]);
    expect(gapWindows(plain)[0]).toMatchObject({ startMs: Date.parse('2026-01-01T00:00:10Z'), endMs: Date.parse('2026-01-01T00:00:14Z') });
  });
});
