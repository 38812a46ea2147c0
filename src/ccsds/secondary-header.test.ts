import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPacket, idlePacket, pusCTmSecondaryHeader } from './packet.js';
import { DEFAULT_PROFILE, PROFILE_PRESETS, type PacketProfile } from './profile.js';
import { decodeSecondaryHeader, guessSecondaryHeader, packetTimeOf, timeOffsetOf } from './secondary-header.js';
import { decodePrimaryHeader } from './primary-header.js';
import { encodeCuc, taiToUtcIso, utcToTai } from '../time/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const pusC = PROFILE_PRESETS['pus-c']!;

describe('PUS-C (ECSS-E-ST-70-41C §7.4.3.1)', () => {
  it('decodes a TM secondary header built field by field, with its CUC 4+2 time', () => {
    const tai = utcToTai('2026-01-01T00:00:00.5Z');
    const sh = pusCTmSecondaryHeader({ service: 3, subtype: 25, messageTypeCounter: 0x1234, destinationId: 0x0042, timeReferenceStatus: 1, time: encodeCuc(tai, pusC.time as never) });
    expect(Buffer.from(sh.subarray(0, 7)).toString('hex')).toBe('21031912340042');
    const pkt = buildPacket({ type: 0, apid: 100, sequenceFlags: 3, sequenceCount: 7, secondaryHeader: sh, data: new Uint8Array(4), crc: true });
    const r = decodeSecondaryHeader(pkt, 0, pkt.length, 0, pusC);
    expect(r).toEqual({ ok: true, header: { length: 13, pusVersion: 2, service: 3, subtype: 25, messageTypeCounter: 0x1234, destinationId: 0x42, timeReferenceStatus: 1, time: tai, synchronised: true } });
    expect(packetTimeOf(pkt, 0, pkt.length, pusC)).toBe(tai);
  });

  it('decodes the TC header of the spacepackets-rs TC[17,1] vector (formats.md §2.4)', () => {
    const tc = hex('18 02 C0 34 00 06 2F 11 01 00 00 EE 63');
    expect(decodeSecondaryHeader(tc, 0, tc.length, 1, pusC)).toEqual({ ok: true, header: { length: 5, pusVersion: 2, ackFlags: 0xf, service: 17, subtype: 1, sourceId: 0 } });
  });

  it('reports a packet too short for its header instead of throwing', () => {
    const p = hex('08 64 C0 00 00 02 20 03 19');
    const r = decodeSecondaryHeader(p, 0, p.length, 0, pusC);
    expect(r.ok).toBe(false);
    expect(packetTimeOf(p, 0, p.length, pusC)).toBeUndefined();
  });

  it('packetTimeOf() fast path equals the full decode for any CUC layout up to 4+3 and any instant (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.nat(), fc.nat(), (c, f, sync, s, k) => {
      const profile: PacketProfile = { ...pusC, time: { code: 'cuc', coarseOctets: c, fineOctets: f, pField: false, epochTai: 1e9, syncFlagInMsb: sync } };
      // A whole number of fine LSBs, inside the coarse range (one bit fewer when the MSB is the sync flag).
      const tai = 1e9 + (s % 2 ** (8 * c - 1)) + (k % 2 ** (8 * f)) / 2 ** (8 * f);
      const sh = pusCTmSecondaryHeader({ service: 1, subtype: 1, time: encodeCuc(tai, profile.time as never) });
      const pkt = buildPacket({ type: 0, apid: 5, sequenceFlags: 3, sequenceCount: 0, secondaryHeader: sh, data: new Uint8Array(1), crc: false });
      const full = decodeSecondaryHeader(pkt, 0, pkt.length, 0, profile);
      expect(full.ok && full.header.time).toBe(packetTimeOf(pkt, 0, pkt.length, profile));
    }));
  });
});

describe('PUS-A (ECSS-E-70-41A; formats.md §2.2)', () => {
  it('reads service, subtype, optional subcounter and destination, then the time', () => {
    const profile: PacketProfile = { ...PROFILE_PRESETS['pus-a']!, pusA: { subcounter: true, destinationOctets: 1, spareOctets: 1, tcSourceOctets: 0 } };
    // 0x10 | type 3 | subtype 25 | subcounter 9 | destination 0x22 | CUC 4+2 | spare
    const data = hex('10 03 19 09 22 00 00 00 10 80 00 00');
    const pkt = buildPacket({ type: 0, apid: 1604, sequenceFlags: 3, sequenceCount: 1, secondaryHeader: data, data: new Uint8Array(2), crc: false });
    const r = decodeSecondaryHeader(pkt, 0, pkt.length, 0, profile);
    expect(r).toEqual({ ok: true, header: { length: 12, pusVersion: 1, service: 3, subtype: 25, subcounter: 9, destinationId: 0x22, time: 16.5, synchronised: true } });
    expect(timeOffsetOf(profile)).toBe(6 + 5);
  });
});

describe('Rosetta time-first header (formats.md §2.1)', () => {
  it('reads OBT coarse with the not-synchronised MSB, fine 2^-16 s, then version, service, subtype', () => {
    const rosetta = PROFILE_PRESETS['rosetta']!;
    const data = hex('80 00 00 64 80 00 20 05 01 00');
    const pkt = buildPacket({ type: 0, apid: 1084, sequenceFlags: 3, sequenceCount: 2, secondaryHeader: data, data: new Uint8Array(4), crc: true });
    const r = decodeSecondaryHeader(pkt, 0, pkt.length, 0, rosetta);
    expect(r.ok && r.header).toMatchObject({ length: 10, pusVersion: 2, service: 5, subtype: 1, synchronised: false });
    // 100.5 s after the Rosetta epoch 2003-01-01T00:00:00Z.
    expect(r.ok && taiToUtcIso(r.header.time!)).toBe('2003-01-01T00:01:40.500000Z');
  });
});

describe('profile none and guessing', () => {
  it('profile none decodes nothing and has no time', () => {
    const p = idlePacket(20);
    expect(decodeSecondaryHeader(p, 0, p.length, 0, PROFILE_PRESETS['none']!).ok).toBe(false);
    expect(timeOffsetOf(PROFILE_PRESETS['none']!)).toBe(-1);
    expect(decodePrimaryHeader(p).apid).toBe(0x7ff);
  });
  it('guessSecondaryHeader() tells PUS-C (0x2_) and PUS-A (0x10) apart, else nothing', () => {
    expect(guessSecondaryHeader(0x21)).toBe('pus-c');
    expect(guessSecondaryHeader(0x10)).toBe('pus-a');
    expect(guessSecondaryHeader(0x1c)).toBeUndefined();
    expect(DEFAULT_PROFILE.secondaryHeader).toBe('pus-c');
  });
});

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples/2015-04-22_tm.dds');
describe.skipIf(!existsSync(SAMPLE))('a real BepiColombo PUS-A packet (../shared/samples)', () => {
  it('the first SERENA packet: PUS-A 0x10, service 3, subtype 25, destination 0, CUC 4+2 in the STIX/scospus layout', () => {
    const b = readFileSync(SAMPLE);
    const profile: PacketProfile = { ...PROFILE_PRESETS['pus-a']!, pusA: { subcounter: false, destinationOctets: 1, spareOctets: 0, tcSourceOctets: 0 } };
    const r = decodeSecondaryHeader(b, 18, 68, 0, profile);
    expect(r.ok && r.header).toMatchObject({ pusVersion: 1, service: 3, subtype: 25, destinationId: 0 });
    expect(r.ok && r.header.time).toBe(0x1d7829c2 + 0x0190 / 65536);
  });
});
