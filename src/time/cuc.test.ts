import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { cucLength, decodeCuc, encodeCuc, encodeCucInto, type CucSpec } from './cuc.js';
import { BUNDLED_LEAP_SECONDS } from './leap-second-table.js';
import { taiToUtcIso } from './utc.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

const WITH_P: CucSpec = { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: true, epochTai: 0, syncFlagInMsb: false };
/** Rosetta: implicit 4+2, epoch 2003-01-01T00:00:00 UTC = 1420070432 TAI s, coarse MSB = not synchronised (formats.md §2.1). */
const ROSETTA: CucSpec = { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: false, epochTai: 1420070432, syncFlagInMsb: true };

describe('decodeCuc', () => {
  // Orekit AbsoluteDateTest.testCCSDSUnsegmentedNoExtension, as quoted in formats.md §3.1 (verified there):
  // P 0x1F (CUC, CCSDS epoch, 4 coarse + 3 fine), T 53 7F 40 90 C9 FB E7 → 2002-05-23T12:34:56.789 UTC.
  it('decodeCuc() reads the Orekit vector to 2002-05-23T12:34:56.789Z', () => {
    const v = decodeCuc(hex('1F 53 7F 40 90 C9 FB E7'), 0, WITH_P);
    expect(v.coarse).toBe(1400848528);
    expect(v.fine).toBe(13237223);
    expect(v.length).toBe(8);
    expect(v.synchronised).toBe(true);
    expect(v.tai).toBe(1400848528 + 13237223 / 2 ** 24);
    expect(taiToUtcIso(v.tai, 3, BUNDLED_LEAP_SECONDS)).toBe('2002-05-23T12:34:56.789Z');
  });

  it('decodeCuc() takes the epoch from the P-field: id 010 uses spec.epochTai, id 001 ignores it', () => {
    const agency = { ...WITH_P, epochTai: 1000 };
    expect(decodeCuc(hex('2F 53 7F 40 90 C9 FB E7'), 0, agency).tai).toBe(1000 + 1400848528 + 13237223 / 2 ** 24);
    expect(decodeCuc(hex('1F 53 7F 40 90 C9 FB E7'), 0, agency).tai).toBe(1400848528 + 13237223 / 2 ** 24);
  });

  it('decodeCuc() uses LSB = 2^-8n (not 1/(2^8n - 1)): fine 0x8000 of 2 octets is exactly 0.5 s', () => {
    expect(decodeCuc(hex('1E 00 00 00 0A 80 00'), 0, WITH_P).tai).toBe(10.5);
    expect(decodeCuc(hex('1E 00 00 00 0A FF FF'), 0, WITH_P).tai).toBe(10 + 65535 / 65536);
  });

  it('decodeCuc() masks the "not synchronised" coarse MSB (Rosetta, formats.md §2.1)', () => {
    const notSync = decodeCuc(hex('80 00 00 01 40 00'), 0, ROSETTA);
    expect(notSync).toEqual({ coarse: 1, fine: 0x4000, length: 6, synchronised: false, tai: 1420070432 + 1.25 });
    const sync = decodeCuc(hex('00 00 00 01 40 00'), 0, ROSETTA);
    expect(sync.synchronised).toBe(true);
    expect(sync.tai).toBe(notSync.tai);
    // Without the flag the MSB is part of the count.
    expect(decodeCuc(hex('80 00 00 01 40 00'), 0, { ...ROSETTA, syncFlagInMsb: false }).coarse).toBe(0x80000001);
  });

  it('decodeCuc() reads the second P-field octet: extra coarse (0x60) and fine (0x1C) octets', () => {
    // P1 = 0x80 | 001 << 4 | (4-1) << 2 | 3 = 0x9F; P2 = 1 << 5 | 2 << 2 = 0x28 → 5 coarse + 5 fine octets.
    const v = decodeCuc(hex('9F 28 00 00 00 00 07 80 00 00 00 00'), 0, WITH_P);
    expect(v.length).toBe(12);
    expect(v.coarse).toBe(7);
    expect(v.tai).toBe(7.5);
  });

  it('decodeCuc() reads at a non-zero offset of a subarray', () => {
    const big = hex('EE EE EE 1F 53 7F 40 90 C9 FB E7 EE');
    const sub = big.subarray(2);
    expect(decodeCuc(sub, 1, WITH_P).coarse).toBe(1400848528);
  });

  it('decodeCuc() throws InputError naming the offset for a non-CUC P-field or short data', () => {
    expect(() => decodeCuc(hex('41 00 00'), 0, WITH_P)).toThrow(InputError);
    expect(() => decodeCuc(hex('00 41 00 00'), 1, WITH_P)).toThrow(/offset 0x1 \(1\).*not a CUC/);
    expect(() => decodeCuc(hex('1F 53 7F 40 90 C9 FB'), 0, WITH_P)).toThrow(/needs 8 octets, 7 available/);
    expect(() => decodeCuc(hex('00 00 00'), 0, ROSETTA)).toThrow(InputError);
    expect(() => decodeCuc(new Uint8Array(0), 0, WITH_P)).toThrow(/P-field missing/);
  });

  it('decodeCuc() throws RangeError for an impossible implicit spec (misuse)', () => {
    expect(() => decodeCuc(new Uint8Array(20), 0, { ...ROSETTA, coarseOctets: 8 })).toThrow(RangeError);
    expect(() => decodeCuc(new Uint8Array(20), 0, { ...ROSETTA, fineOctets: 11 })).toThrow(RangeError);
  });
});

describe('encodeCuc', () => {
  it('encodeCuc() writes the Orekit vector back (up to the float64 resolution of TAI)', () => {
    const spec = { ...WITH_P, fineOctets: 3 };
    const bytes = encodeCuc(1400848528 + 13237223 / 2 ** 24, spec);
    expect(toHex(bytes.subarray(0, 5))).toBe('1f 53 7f 40 90');
    // The 2^-24 s LSB is below the 2^-22 s spacing of float64 at 1.4e9 s: ±1 LSB.
    const fine = (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!;
    expect(Math.abs(fine - 13237223)).toBeLessThanOrEqual(1);
    // With 2 fine octets the round trip is exact.
    expect(toHex(encodeCuc(1400848528.5, WITH_P))).toBe('1e 53 7f 40 90 80 00');
  });

  it('encodeCuc() writes P-field id 010 for an agency epoch and sets the MSB when not synchronised', () => {
    expect(toHex(encodeCuc(1001.25, { ...WITH_P, epochTai: 1000 }))).toBe('2e 00 00 00 01 40 00');
    expect(toHex(encodeCuc(1420070432 + 1.25, ROSETTA, false))).toBe('80 00 00 01 40 00');
    expect(toHex(encodeCuc(1420070432 + 1.25, ROSETTA))).toBe('00 00 00 01 40 00');
  });

  it('encodeCuc() writes a 2-octet P-field beyond 4 coarse / 3 fine octets', () => {
    const spec: CucSpec = { ...WITH_P, coarseOctets: 5, fineOctets: 5 };
    expect(toHex(encodeCuc(7.5, spec))).toBe('9f 28 00 00 00 00 07 80 00 00 00 00');
    expect(cucLength(spec)).toBe(12);
  });

  it('encodeCuc() rounds to the nearest LSB and carries into the coarse count', () => {
    const spec: CucSpec = { ...WITH_P, pField: false, coarseOctets: 2, fineOctets: 1 };
    expect(toHex(encodeCuc(5 + 255.6 / 256, spec))).toBe('00 06 00');
    expect(toHex(encodeCuc(5 + 0.4 / 256, spec))).toBe('00 05 00');
  });

  it('encodeCuc() throws RangeError before the epoch or beyond the coarse range', () => {
    expect(() => encodeCuc(999, { ...WITH_P, epochTai: 1000 })).toThrow(RangeError);
    expect(() => encodeCuc(1420070432 + 2 ** 31, ROSETTA)).toThrow(RangeError);
    expect(encodeCuc(1420070432 + 2 ** 31 - 1, ROSETTA)[0]).toBe(0x7f); // 31 bits with the sync flag, from the epoch
    expect(() => encodeCuc(65536, { ...WITH_P, coarseOctets: 2 })).toThrow(RangeError);
    expect(() => encodeCucInto(1, WITH_P, new Uint8Array(6))).toThrow(RangeError);
  });
});

describe('CUC round trips (property)', () => {
  const specArb = fc.record({
    coarseOctets: fc.integer({ min: 1, max: 6 }),
    fineOctets: fc.integer({ min: 0, max: 10 }),
    pField: fc.boolean(),
    syncFlagInMsb: fc.boolean(),
    agency: fc.boolean(),
  });

  it('decodeCuc(encodeCuc(t)) is within half an LSB (plus float64 spacing) of t', () => {
    fc.assert(
      fc.property(specArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (s, u, sync) => {
        const spec: CucSpec = { code: 'cuc', ...s, epochTai: s.agency ? 1420070432 : 0 } as CucSpec;
        const maxCoarse = 2 ** (8 * s.coarseOctets - (s.syncFlagInMsb ? 1 : 0)) - 1;
        const tai = spec.epochTai + u * maxCoarse;
        const bytes = encodeCuc(tai, spec, sync);
        const v = decodeCuc(bytes, 0, spec);
        expect(v.length).toBe(bytes.length);
        expect(v.synchronised).toBe(s.syncFlagInMsb ? sync : true);
        const slack = 2 ** (-8 * s.fineOctets - 1) + 4 * Number.EPSILON * Math.max(1, tai);
        expect(Math.abs(v.tai - tai)).toBeLessThanOrEqual(slack);
      }),
    );
  });

  it('encodeCuc(decodeCuc(bytes)) gives the bytes back where float64 holds them (≤ 4 coarse, ≤ 2 fine octets)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        (c, f, pField, raw) => {
          const spec: CucSpec = { code: 'cuc', coarseOctets: c, fineOctets: f, pField, epochTai: 0, syncFlagInMsb: false };
          const p = pField ? [0x10 | ((c - 1) << 2) | f] : [];
          const bytes = Uint8Array.from([...p, ...raw.subarray(0, c + f)]);
          expect(toHex(encodeCuc(decodeCuc(bytes, 0, spec).tai, spec))).toBe(toHex(bytes));
        },
      ),
    );
  });
});
