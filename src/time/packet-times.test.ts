import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_TIME_SETTINGS, EARLIEST_DEFAULT_TAI, PacketTimer, TimeStatus, coveringSet, type TimeSettings } from './packet-times.js';
import { fitCorrelation, parseTimeCouples } from './correlation-fit.js';
import { utcToTai, utcUnixToTai } from './utc.js';
import { InputError } from '../errors.js';

const ms = (iso: string) => Date.parse(iso);

describe('PacketTimer: the chosen axis, never an invented date', () => {
  it('1990-01-01T00:00:00Z is TAI 1009843225 s since 1958 (11,688 days, ΔAT 25 s)', () => {
    expect(EARLIEST_DEFAULT_TAI).toBe(11_688 * 86_400 + 25);
    expect(EARLIEST_DEFAULT_TAI).toBe(utcToTai('1990-01-01T00:00:00Z'));
  });

  it('SERENA 2015-04-22: an OBT counted from power-on (1958-01-23 as a date) falls back to the DDS time', () => {
    const t = new PacketTimer();
    const ground = ms('2015-04-22T07:19:18.983Z');
    // OBT 1,931,305.757828 s on the CCSDS epoch: 1958-01-23T08:28:15Z, before 1990.
    expect(t.time(1604, 1_931_305.757828, false, ground, true)).toBe(utcUnixToTai(ground / 1000));
    expect(t.status).toBe(TimeStatus.implausible);
    // The same file's 2021 times: more than 30 days from the DDS time.
    t.time(1601, utcToTai('2021-11-10T00:59:48.75Z'), false, ground, true);
    expect(t.status).toBe(TimeStatus.implausible);
  });

  it('a plausible OBT is used; the header flag, a missing OBT and the ground axis fall back', () => {
    const t = new PacketTimer();
    const ground = ms('2026-01-01T00:00:02Z');
    const obt = utcToTai('2026-01-01T00:00:00Z');
    expect([t.time(1100, obt, false, ground, true), t.status]).toEqual([obt, TimeStatus.synchronised]);
    expect([t.time(1100, obt, true, ground, true), t.status]).toEqual([utcUnixToTai(ground / 1000), TimeStatus.flagged]);
    expect([t.time(1100, NaN, false, ground, false), t.status]).toEqual([utcUnixToTai(ground / 1000), TimeStatus.noObt]);
    const g = new PacketTimer({ ...DEFAULT_TIME_SETTINGS, apids: [{ from: 1100, to: 1100, rules: { axis: 'ground', correlation: undefined } }] });
    expect([g.time(1100, obt, false, ground, true), g.status]).toEqual([utcUnixToTai(ground / 1000), TimeStatus.groundAxis]);
    expect([g.time(1101, obt, false, ground, true), g.status]).toEqual([obt, TimeStatus.synchronised]);
  });

  it('a receipt time bounds the OBT from above only (a file read a year later keeps its packet times)', () => {
    const t = new PacketTimer();
    const obt = utcToTai('2025-01-01T00:00:00Z');
    t.time(1, obt, false, ms('2026-06-01T00:00:00Z'), false);
    expect(t.status).toBe(TimeStatus.synchronised);
    t.time(1, obt, false, ms('2024-06-01T00:00:00Z'), false); // received before it was made: implausible
    expect(t.status).toBe(TimeStatus.implausible);
  });

  it('coefficient sets: UTC = offset + gradient × OBT inside their validity, not covered outside', () => {
    const launch = utcToTai('2018-10-20T01:45:28Z');
    const s: TimeSettings = {
      ...DEFAULT_TIME_SETTINGS, earliestTai: launch,
      defaults: { axis: 'correlated', correlation: [{ validFromObt: 1000, validToObt: 2000, gradient: 1.000001, offset: 1_600_000_000 }, { validFromObt: 5000, gradient: 1, offset: 1_600_000_100 }] },
    };
    const t = new PacketTimer(s, 0);
    const ground = ms('2020-09-13T12:30:00Z');
    expect(t.time(1, 1500, false, ground, true)).toBeCloseTo(utcUnixToTai(1_600_000_000 + 1.000001 * 1500), 6);
    expect(t.status).toBe(TimeStatus.synchronised);
    t.time(1, 2500, false, ground, true);
    expect(t.status).toBe(TimeStatus.notCovered);
    t.time(1, 999, false, ground, true);
    expect(t.status).toBe(TimeStatus.notCovered);
    expect(t.time(1, 9000, false, ground, true)).toBe(utcUnixToTai(1_600_009_100)); // the open-ended last set
    expect(coveringSet(s.defaults.correlation!, 2000)).toBeUndefined();
  });

  it('property: the result is the UTC from OBT or the ground time, nothing else', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 3e9, noNaN: true }), fc.double({ min: 0, max: 4e12, noNaN: true }), fc.boolean(), fc.boolean(), (obt, ground, flagged, acquired) => {
      const t = new PacketTimer();
      const r = t.time(5, obt, flagged, ground, acquired);
      return t.status === TimeStatus.synchronised ? r === obt : r === utcUnixToTai(ground / 1000);
    }), { numRuns: 200 });
  });
});

describe('time couples → coefficient set (least squares)', () => {
  it('recovers an exact line, with zero residual', () => {
    const text = 'obt,utc\n# BepiColombo-like\n100,2019-01-01T00:00:00Z\n200,2019-01-01T00:01:40.0001Z\n300,2019-01-01T00:03:20.0002Z\n';
    const couples = parseTimeCouples(text, 'tc.csv');
    expect(couples[1]!.utcUnix).toBeCloseTo(Date.UTC(2019, 0, 1, 0, 1, 40) / 1000 + 0.0001, 9);
    const fit = fitCorrelation(couples);
    expect(fit.set.gradient).toBeCloseTo(1.000001, 9);
    expect(fit.set.offset + fit.set.gradient * 100).toBeCloseTo(Date.UTC(2019, 0, 1) / 1000, 5);
    expect(fit.set.validFromObt).toBe(100);
    expect(fit.rmsSeconds).toBeLessThan(1e-6);
  });

  it('reports the residual of noisy couples (±1 ms alternating → rms 1 ms)', () => {
    const couples = Array.from({ length: 10 }, (_, i) => ({ obt: 1e8 + i * 1000, utcUnix: 1.5e9 + i * 1000 + (i % 2 ? 0.001 : -0.001) }));
    const fit = fitCorrelation(couples);
    expect(fit.rmsSeconds).toBeCloseTo(0.001, 4);
    expect(fit.maxSeconds).toBeLessThan(0.0015);
  });

  it('bad files: one line naming the file and line', () => {
    expect(() => parseTimeCouples('obt;utc\n1,2', 'x.csv')).toThrow(/^x\.csv: line 1: expected the header "obt,utc"/);
    expect(() => parseTimeCouples('obt,utc\n1,2019-01-01\n', 'x.csv')).toThrow(/^x\.csv: line 2: UTC must be RFC 3339 with Z/);
    expect(() => parseTimeCouples('obt,utc\n-1,2019-01-01T00:00:00Z\n', 'x.csv')).toThrow(InputError);
    expect(() => parseTimeCouples('obt,utc\n1,2019-01-01T00:00:00Z\n', 'x.csv')).toThrow(/at least 2/);
    expect(() => fitCorrelation([{ obt: 1, utcUnix: 1 }, { obt: 1, utcUnix: 2 }])).toThrow(/same on-board time/);
  });
});
