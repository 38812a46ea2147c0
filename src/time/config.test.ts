import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromData } from '../config/index.js';
import { InputError } from '../errors.js';
import { timeSettings } from './config.js';
import { DEFAULT_TIME_SETTINGS, rulesOf } from './packet-times.js';
import { utcToTai } from './utc.js';

const cfg = (time?: unknown, file = '/m/idoc.json') => configFromData({ mission: { name: 'T' }, ...(time === undefined ? {} : { time }) }, file);
const problems = (time: unknown): string[][] => {
  try {
    timeSettings(cfg(time));
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/^\/m\/idoc\.json: \d+ problems? in the time section$/);
    return (e as InputError).problems.map((p) => [p.code, p.path]);
  }
  throw new Error('no problem found');
};

describe('the time section (schemas/config-time.schema.json)', () => {
  it('absent: the defaults (correlated axis, 1990, 30 days, 300 s window)', () => {
    expect(timeSettings(cfg())).toBe(DEFAULT_TIME_SETTINGS);
    expect(DEFAULT_TIME_SETTINGS.duplicateWindowSeconds).toBe(300);
    expect(DEFAULT_TIME_SETTINGS.plausibleSpanSeconds).toBe(30 * 86_400);
  });

  it('a full valid section: launch, span, window, mission sets, per-APID axis and clock', () => {
    const s = timeSettings(cfg({
      axis: 'correlated', launch: '2018-10-20T01:45:28Z', plausibleSpanDays: 2, duplicateWindowSeconds: 60,
      correlation: [{ validFromObt: 0, validToObt: 100, gradient: 1, offset: 1.5e9 }, { validFromObt: 100, gradient: 1.00001, offset: 1.5e9 }],
      apids: [{ apids: [1600, 1609], axis: 'ground' }, { apids: 1633, correlation: [{ validFromObt: 5, gradient: 1, offset: 1.6e9 }] }],
    }));
    expect(s.earliestTai).toBe(utcToTai('2018-10-20T01:45:28Z'));
    expect([s.plausibleSpanSeconds, s.duplicateWindowSeconds]).toEqual([2 * 86_400, 60]);
    expect(rulesOf(s, 1605)).toEqual({ axis: 'ground', correlation: s.defaults.correlation });
    expect(rulesOf(s, 1633)).toEqual({ axis: 'correlated', correlation: [{ validFromObt: 5, gradient: 1, offset: 1.6e9 }] });
    expect(rulesOf(s, 1)).toBe(s.defaults);
  });

  it('a time-couple file relative to the config is fitted', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-time-'));
    try {
      fs.writeFileSync(path.join(dir, 'couples.csv'), 'obt,utc\n10,2020-01-01T00:00:10Z\n20,2020-01-01T00:00:20Z\n');
      const s = timeSettings(cfg({ correlationFile: 'couples.csv' }, path.join(dir, 'idoc.json')));
      expect(s.defaults.correlation).toHaveLength(1);
      expect(s.defaults.correlation![0]!.gradient).toBeCloseTo(1, 12);
      expect(s.defaults.correlation![0]!.offset).toBeCloseTo(Date.UTC(2020, 0, 1) / 1000, 6);
      expect(() => timeSettings(cfg({ correlationFile: 'nope.csv' }, path.join(dir, 'idoc.json')))).toThrow(/time\.correlationFile nope\.csv: cannot read it \(ENOENT\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('invalid sections: each problem located in the file', () => {
    expect(problems({ axis: 'obt' })).toEqual([['enum', '/m/idoc.json#/time/axis']]);
    expect(problems({ launch: 'yesterday' })).toEqual([['pattern', '/m/idoc.json#/time/launch']]);
    expect(problems({ launch: '2018-13-45T00:00:00Z' })).toEqual([['format', '/m/idoc.json#/time/launch']]);
    expect(problems({ plausibleSpanDays: 0, duplicateWindowSeconds: -1 })).toEqual([
      ['exclusiveMinimum', '/m/idoc.json#/time/plausibleSpanDays'], ['minimum', '/m/idoc.json#/time/duplicateWindowSeconds']]);
    expect(problems({ correlation: [{ validFromObt: 0, gradient: 1 }] })).toEqual([['required', '/m/idoc.json#/time/correlation/0/offset']]);
    expect(problems({ correlation: [{ validFromObt: 10, validToObt: 5, gradient: 1, offset: 0 }] })).toEqual([['range', '/m/idoc.json#/time/correlation/0/validToObt']]);
    expect(problems({ correlation: [{ validFromObt: 10, gradient: 1, offset: 0 }, { validFromObt: 5, gradient: 1, offset: 0 }] })).toEqual([['order', '/m/idoc.json#/time/correlation/1/validFromObt']]);
    expect(problems({ apids: [{ apids: [20, 10] }] })).toEqual([['range', '/m/idoc.json#/time/apids/0/apids']]);
    expect(problems({ apids: [{ axis: 'ground' }] })).toEqual([['required', '/m/idoc.json#/time/apids/0/apids']]);
    expect(problems({ unknown: 1 })).toEqual([['additionalProperties', '/m/idoc.json#/time/unknown']]);
  });
});
