/**
 * The header's "not synchronised" flags: PUS-C's spacecraft time reference status (ECSS-E-ST-70-41C §7.4.3.1,
 * the low 4 bits of the first secondary header octet, formats.md §2.3) when the profile lists the values meaning
 * "not synchronised", beside the CUC coarse MSB (formats.md §2.1). Known bits, the config's list → mask, and an
 * end-to-end `packets dump --json` where the flagged packets fall back to their ground time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { buildPacket, pusCTmSecondaryHeader } from '../ccsds/packet.js';
import { DEFAULT_PROFILE, PROFILE_PRESETS, type PacketProfile } from '../ccsds/profile.js';
import { timeOffsetOf } from '../ccsds/secondary-header.js';
import { profileFromPackets } from '../config/packets-profile.js';
import { encodeCuc, utcToTai } from './index.js';
import { obtFlaggedUnsynchronised } from './obt-flag.js';

const T = utcToTai('2024-05-06T07:08:09Z');
const CUC = { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: false, epochTai: 0, syncFlagInMsb: false } as const;
const tm = (status: number, seq = 0) => buildPacket({
  type: 0, apid: 300, sequenceFlags: 3, sequenceCount: seq,
  secondaryHeader: pusCTmSecondaryHeader({ service: 3, subtype: 25, timeReferenceStatus: status, time: encodeCuc(T + seq, CUC) }),
  data: new Uint8Array(4), crc: true,
});
const flagged = (p: Uint8Array, profile: PacketProfile) => obtFlaggedUnsynchronised(p, 0, p.length, profile, timeOffsetOf(profile));

describe('PUS-C spacecraft time reference status as a synchronisation flag', () => {
  it('known bits: the first data octet is 0x2s (version 2, status s in the low nibble)', () => {
    expect(tm(0)[6]).toBe(0x20);
    expect(tm(5)[6]).toBe(0x25);
    expect(tm(15)[6]).toBe(0x2f);
  });

  it('flags exactly the statuses the profile lists (mask bit v = status v); none by default', () => {
    const profile: PacketProfile = { ...DEFAULT_PROFILE, pusCUnsynchronisedTimeReference: (1 << 1) | (1 << 2) };
    expect(Array.from({ length: 16 }, (_, s) => flagged(tm(s), profile))).toEqual(Array.from({ length: 16 }, (_, s) => s === 1 || s === 2));
    expect(Array.from({ length: 16 }, (_, s) => flagged(tm(s), DEFAULT_PROFILE)).some(Boolean)).toBe(false);
  });

  it('only for PUS-C: a PUS-A or CUC-only profile never reads that octet as a status', () => {
    for (const kind of ['pus-a', 'cuc'] as const) {
      const profile: PacketProfile = { ...PROFILE_PRESETS[kind]!, pusCUnsynchronisedTimeReference: 0xffff };
      expect(flagged(tm(1), profile)).toBe(false);
    }
  });

  it('the config lists values; they become the mask; the schema refuses 16', async () => {
    expect(profileFromPackets({ profile: 'pus-c', pusCUnsynchronisedTimeReference: [0, 3, 15] }).profile.pusCUnsynchronisedTimeReference).toBe(0b1000_0000_0000_1001);
    expect(profileFromPackets({ profile: 'pus-c' }).profile.pusCUnsynchronisedTimeReference).toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-timeref-'));
    try {
      const cfg = path.join(dir, 'idoc.json');
      fs.writeFileSync(cfg, JSON.stringify({ mission: { name: 'X' }, packets: { profile: 'pus-c', pusCUnsynchronisedTimeReference: [16] } }));
      fs.writeFileSync(path.join(dir, 'a.bin'), tm(0));
      const err: string[] = [];
      expect(await run(['packets', 'dump', path.join(dir, 'a.bin'), '--config', cfg, '--json'], { out: () => undefined, err: (t: string) => void err.push(t), errIsTty: false })).toBe(2);
      expect(err.join('')).toContain(`${cfg}#/packets/pusCUnsynchronisedTimeReference/0: must be at most 15 (got 16)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('packets dump --json: flagged packets are unsynchronised and timed by ground time; the others by their on-board time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-timeref-'));
    try {
      const cfg = path.join(dir, 'idoc.json');
      fs.writeFileSync(cfg, JSON.stringify({ mission: { name: 'X' }, packets: { profile: 'pus-c', crc: 'packet', pusCUnsynchronisedTimeReference: [1] } }));
      const file = path.join(dir, 'a.bin');
      fs.writeFileSync(file, Buffer.concat([tm(0, 0), tm(1, 1), tm(0, 2)]));
      const out: string[] = [];
      await run(['packets', 'dump', file, '--config', cfg, '--json'], { out: (t: string) => void out.push(t), err: () => undefined, errIsTty: false });
      const recs = out.join('').trim().split('\n').map((l) => JSON.parse(l) as { synchronised: boolean; timeStatus: string; time: string; ground: { time: string; kind: string } });
      expect(recs.map((r) => r.timeStatus)).toEqual(['synchronised', 'flagged-unsynchronised', 'synchronised']);
      expect(recs[0]!.time).toBe('2024-05-06T07:08:09.000000Z');
      expect(recs[2]!.time).toBe('2024-05-06T07:08:11.000000Z');
      expect(recs[1]).toMatchObject({ synchronised: false, ground: { kind: 'receipt' } });
      // The fallback: its ground (receipt) time. The chosen-axis time goes through TAI seconds (a double: ~0.24 µs
      // resolution in this century), so the two printed microseconds may differ by one.
      const us = (iso: string) => Date.parse(`${iso.slice(0, 19)}Z`) * 1000 + Number(iso.slice(20, 26));
      expect(Math.abs(us(recs[1]!.time) - us(recs[1]!.ground.time))).toBeLessThanOrEqual(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
