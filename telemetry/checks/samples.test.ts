/**
 * Gap and reset counts on the real telemetry of ../shared/samples against the truth of its SOURCES.md (computed
 * there with an independent parser): read without a profile (no times: the count rule alone) and with the
 * instruments' time code (CUC 4+0 MET, so the reset rule is exercised on real cadences).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROFILE_PRESETS, type PacketProfile } from '../../src/ccsds/profile.js';
import { profileFromOptions } from '../../src/config/index.js';
import { walkFiles } from '../inspect/walk.js';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples');
const file = (f: string) => path.join(SHARED, f);
const met: PacketProfile = profileFromOptions(PROFILE_PRESETS['cuc']!, { timeCode: 'cuc4.0', epoch: '2010-01-01T00:00:00Z' });

const perApid = async (f: string, profile: PacketProfile | 'auto') => {
  const r = await walkFiles([file(f)], { read: {}, profile });
  return { r, by: Object.fromEntries(r.apids.filter((a) => a.gaps || a.resets).map((a) => [a.apid, [a.gaps, a.resets]])) };
};

describe.skipIf(!existsSync(SHARED))('sequence counts on ../shared/samples match SOURCES.md', () => {
  it.each([['no times', 'auto' as const], ['CUC 4+0 MET', met]])('CTIM: APID 20 has 4 gaps, no resets (%s)', async (_, profile) => {
    const { r, by } = await perApid('ccsds_2021_155_14_39_51', profile);
    expect(by).toEqual({ 20: [4, 0] });
    expect(r.totals).toMatchObject({ packets: 1499, gaps: 4, resets: 0, outOfOrder: 0 });
  });
  it.each([['no times', 'auto' as const], ['CUC 4+0 MET', met]])('CoDICE: one discontinuity in each of 1136, 1141, 1145-1148 (%s)', async (_, profile) => {
    const { r, by } = await perApid('imap_codice_l0_hskp_20100101_v001.pkts', profile);
    expect(by).toEqual({ 1136: [1, 0], 1141: [1, 0], 1145: [1, 0], 1146: [1, 0], 1147: [1, 0], 1148: [1, 0] });
    expect(r.totals).toMatchObject({ packets: 622, crcErrors: 0 });
  });
  it('IMAP Lo: 12,937 packets, no gap, no reset (CUC 4+0 MET)', async () => {
    const { r } = await perApid('imap_lo_l0_raw_20240627_v001.pkts', met);
    expect(r.totals).toMatchObject({ packets: 12937, gaps: 0, resets: 0, outOfOrder: 0 });
  });
  it('SERENA 2015-04-22 (DDS, PUS-A guessed with its destination octet): 7,873 packets, no gap, no reset', async () => {
    const { r } = await perApid('2015-04-22_tm.dds', 'auto');
    expect(r.profileReason).toContain('destination ID present');
    expect(r.totals).toMatchObject({ packets: 7873, gaps: 0, missing: 0, resets: 0 });
  });
});
