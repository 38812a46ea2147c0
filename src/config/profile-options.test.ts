import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, PROFILE_PRESETS, type PacketProfile } from '../ccsds/profile.js';
import { UsageError } from '../errors.js';
import { epochFromFlag, parseConfig, profileFromOptions, timeCodeFromFlag } from './index.js';

/** A configured mission profile: PUS-C, CRC yes, CUC 4+2 from 2000-01-01 UTC (15340 days + ΔAT 32 s). */
const MISSION_EPOCH = 15340 * 86_400 + 32;
const mission: PacketProfile = {
  ...DEFAULT_PROFILE,
  crc: 'yes',
  time: { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: false, epochTai: MISSION_EPOCH, syncFlagInMsb: false },
};

function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('profileFromOptions()', () => {
  it('returns the base unchanged when no flag is given', () => {
    expect(profileFromOptions(mission, {})).toBe(mission);
  });

  it('--profile starts again from the preset', () => {
    expect(profileFromOptions(mission, { profile: 'rosetta' })).toEqual(PROFILE_PRESETS['rosetta']);
    expect(profileFromOptions(mission, { profile: 'none' }).secondaryHeader).toBe('none');
    expect(profileFromOptions(mission, { profile: 'pus-a' }).secondaryHeader).toBe('pus-a');
  });

  it('--crc overrides the CRC setting only', () => {
    for (const crc of ['yes', 'no', 'auto'] as const) expect(profileFromOptions(mission, { crc })).toEqual({ ...mission, crc });
  });

  it('--time changes the code and keeps the mission epoch', () => {
    expect(profileFromOptions(mission, { timeCode: 'cuc4.3' }).time).toEqual({ ...mission.time, fineOctets: 3 });
    expect(profileFromOptions(mission, { timeCode: 'cds-us' }).time).toEqual({ code: 'cds', dayOctets: 2, subMs: 'us', pField: false, epochTai: MISSION_EPOCH });
  });

  it('--epoch sets the epoch from UTC (leap seconds applied) or back to the CCSDS epoch', () => {
    // 2003-01-01T00:00:00Z: the Rosetta epoch of formats.md §2.1, TAI 1420070432 s.
    expect(profileFromOptions(mission, { epoch: '2003-01-01T00:00:00Z' }).time.epochTai).toBe(1420070432);
    expect(profileFromOptions(mission, { epoch: 'ccsds' }).time.epochTai).toBe(0);
  });

  it('applies --profile first, then --crc, --time and --epoch on top', () => {
    const p = profileFromOptions(mission, { profile: 'rosetta', crc: 'no', timeCode: 'cuc4.3', epoch: '2000-01-01T00:00:00Z' });
    expect(p).toEqual({
      ...PROFILE_PRESETS['rosetta'],
      crc: 'no',
      time: { code: 'cuc', coarseOctets: 4, fineOctets: 3, pField: false, epochTai: MISSION_EPOCH, syncFlagInMsb: true },
    });
  });

  it('overrides a profile loaded from a config file', () => {
    const c = parseConfig(JSON.stringify({ mission: { name: 'M' }, packets: { crc: 'yes', time: { code: 'cds', subMs: 'ps' } } }), 'm.json');
    expect(profileFromOptions(c.profile, { crc: 'auto' })).toEqual({ ...c.profile, crc: 'auto' });
  });

  it.each([
    [{ profile: 'pus-b' }, '--profile'],
    [{ profile: 'toString' }, '--profile'],
    [{ profile: '' }, '--profile'],
    [{ crc: 'maybe' }, '--crc'],
    [{ crc: 'YES ' }, '--crc'],
    [{ timeCode: 'cuc' }, '--time'],
    [{ timeCode: 'cuc8.2' }, '--time'],
    [{ timeCode: 'cuc4.11' }, '--time'],
    [{ timeCode: 'cuc0.2' }, '--time'],
    [{ timeCode: 'cds-ns' }, '--time'],
    [{ timeCode: 'cds16' }, '--time'],
    [{ timeCode: 'unix' }, '--time'],
    [{ epoch: 'yesterday' }, '--epoch'],
    [{ epoch: '2000-01-01' }, '--epoch'],
    [{ epoch: '2000-01-01T00:00:00+01:00' }, '--epoch'],
    [{ epoch: '2000-02-30T00:00:00Z' }, '--epoch'],
    [{ epoch: '2001-03-01T23:59:60Z' }, '--epoch'],
  ])('rejects %j with a UsageError naming %s', (opts, flag) => {
    const e = usageError(() => profileFromOptions(mission, opts));
    expect(e.message.startsWith(`${flag} `)).toBe(true);
    expect(e.message).not.toContain('\n');
  });
});

describe('timeCodeFromFlag()', () => {
  const cds = { code: 'cds', dayOctets: 2, subMs: 'none', pField: false, epochTai: 7 } as const;
  it.each([
    ['cuc4.2', { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: false, epochTai: 7, syncFlagInMsb: false }],
    ['cuc1.0', { code: 'cuc', coarseOctets: 1, fineOctets: 0, pField: false, epochTai: 7, syncFlagInMsb: false }],
    ['cuc7.10', { code: 'cuc', coarseOctets: 7, fineOctets: 10, pField: false, epochTai: 7, syncFlagInMsb: false }],
    ['cuc-p', { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: true, epochTai: 7, syncFlagInMsb: false }],
    ['CUC4.3-P', { code: 'cuc', coarseOctets: 4, fineOctets: 3, pField: true, epochTai: 7, syncFlagInMsb: false }],
    ['cds', cds],
    ['cds-us', { ...cds, subMs: 'us' }],
    ['cds-ps', { ...cds, subMs: 'ps' }],
    ['cds24', { ...cds, dayOctets: 3 }],
    ['cds24-us-p', { ...cds, dayOctets: 3, subMs: 'us', pField: true }],
    ['cds-p', { ...cds, pField: true }],
  ])('%s', (flag, expected) => {
    expect(timeCodeFromFlag(flag, cds)).toEqual(expected);
  });

  it('keeps the not-synchronised flag and counts of a CUC base', () => {
    const rosetta = PROFILE_PRESETS['rosetta']!.time;
    expect(timeCodeFromFlag('cuc-p', rosetta)).toEqual({ ...rosetta, pField: true });
  });
});

describe('epochFromFlag()', () => {
  it('converts UTC with the leap-second table', () => {
    // 1972-01-01T00:00:00Z: 5113 days after 1958 plus the initial ΔAT of 10 s (formats.md §3.3).
    expect(epochFromFlag('1972-01-01T00:00:00Z')).toBe(5113 * 86_400 + 10);
    expect(epochFromFlag('2017-01-01T00:00:00.5Z')).toBe((21550 + 0) * 86_400 + 37 + 0.5);
  });
});
