import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/ccsds/profile.js';
import { SIM_PROFILE } from './_test-helpers.js';
import { clockCount, emptyTimes, packetTimesFor } from './packet-times.js';
import type { L0Packet } from './types.js';

/** A PUS-C TM packet whose CUC T-field (after the 7 fixed secondary-header octets) is `t`. */
const withTime = (t: number[], extra: Partial<L0Packet> = {}): L0Packet => {
  const b = new Uint8Array(6 + 7 + t.length + 4);
  b[0] = 0x08; b[4] = 0; b[5] = b.length - 7;
  b.set(t, 13);
  return { bytes: b, apid: 0, sequenceCount: 0, sequenceFlags: 3, tai: 1000, crc: 'none', ...extra };
};

describe('packetTimesFor()', () => {
  it('reads the time field as received (CUC 4+2: coarse x 65536 + fine) and the ground fields', () => {
    const times = packetTimesFor(SIM_PROFILE);
    const t = times(withTime([0x30, 0xe8, 0x5a, 0x98, 0xe6, 0x66], { receivedUnixMs: 0, station: 0x15, virtualChannel: 0x130 }), emptyTimes());
    expect(t.obtHigh * 2 ** 32 + t.obtLow).toBe(0x30e85a98 * 65536 + 0xe666);
    expect(t.packetTai).toBe(1000);
    expect([t.hasObt, t.utcTai, t.status]).toEqual([true, 1000, 0]); // no status given: a packet time is on-board time
    expect(t.groundTai).toBe(378_691_200 + 10); // 1970-01-01 UTC = 1958 + 4383 days, TAI-UTC 10 s then (the first offset of the table)
    expect([t.station, t.virtualChannel]).toEqual([0x15, 0x130]);
    const none = times(withTime([1, 2, 3, 4, 5, 6], { tai: undefined }), emptyTimes());
    expect([none.obtHigh, none.obtLow, none.packetTai, none.groundTai, none.hasObt, none.status]).toEqual([0, 0, -1, -1, false, 1]);
  });
  it('keeps the three axes apart: an unsynchronised packet keeps its raw OBT, is timed by ground time, and has no UTC from OBT', () => {
    const times = packetTimesFor(SIM_PROFILE);
    const groundUnixMs = Date.UTC(2015, 3, 22, 7, 19, 18);
    const t = times(withTime([0, 0, 0, 9, 0, 0], { tai: 1e9, timeStatus: 4, obt: 9, groundUnixMs, receivedUnixMs: 0 }), emptyTimes());
    expect(t.hasObt).toBe(true);
    expect(t.obtHigh * 2 ** 32 + t.obtLow).toBe(9 * 65536);
    expect([t.packetTai, t.utcTai, t.status]).toEqual([1e9, -1, 4]);
    expect(t.groundTai).toBe(groundUnixMs / 1000 + 378_691_200 + 35); // 2015: TAI-UTC 35 s (the ground time wins over the receipt time)
    const noObt = times(withTime([1, 2, 3, 4, 5, 6], { tai: 5e8, timeStatus: 1, groundUnixMs }), emptyTimes());
    expect([noObt.hasObt, noObt.obtHigh, noObt.obtLow, noObt.utcTai]).toEqual([false, 0, 0, -1]);
  });
  it('leaves the synchronisation flag out of the clock count when the time code carries one (Rosetta, CUC §2.1)', () => {
    const profile = { ...DEFAULT_PROFILE, time: { ...SIM_PROFILE.time, syncFlagInMsb: true } } as typeof DEFAULT_PROFILE;
    const times = packetTimesFor(profile);
    expect(clockCount(times(withTime([0x80, 0, 0, 7, 0x80, 0]), emptyTimes()), profile)).toBe('1/0000000007:32768');
  });
});

describe('clockCount()', () => {
  it('writes partition/coarse:fine as the PSA labels do (1/0793930200:26725)', () => {
    const t = { obtHigh: 0, obtLow: 0, hasObt: true };
    const raw = 793_930_200 * 65536 + 26_725;
    expect(clockCount({ ...t, obtHigh: Math.floor(raw / 2 ** 32), obtLow: raw >>> 0 }, SIM_PROFILE)).toBe('1/0793930200:26725');
    expect(clockCount({ ...t, hasObt: false }, SIM_PROFILE)).toBeUndefined();
    expect(clockCount(t, { ...SIM_PROFILE, time: { code: 'cds', dayOctets: 2, subMs: 'none', pField: false, epochTai: 0 } })).toBeUndefined();
  });
});
