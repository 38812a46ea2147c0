import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { writeBits } from './_bit-writer.js';
import { float32FromBits, float64FromBits, halfToNumber, milStd1750aToNumber, readUnsigned, readUnsignedBig, signedFrom } from './bits.js';

describe('readUnsigned', () => {
  test('reads what an independent bit writer wrote, any offset, widths 1..53 (numbers) and 1..64 (bigint)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 40 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.uint8Array({ minLength: 20, maxLength: 20 }), (n, bit, big, noise) => {
        const v = big & ((1n << BigInt(n)) - 1n);
        const buf = noise.slice();
        writeBits(buf, bit, n, v);
        expect(readUnsignedBig(buf, bit, n)).toBe(v);
        if (n <= 53) expect(readUnsigned(buf, bit, n)).toBe(Number(v));
      }),
      { numRuns: 2000 },
    );
  });

  test('reads from a subarray with a non-zero byteOffset', () => {
    const whole = Uint8Array.from([0xff, 0x12, 0x34, 0x56]);
    expect(readUnsigned(whole.subarray(1), 4, 12)).toBe(0x234);
  });
});

describe('signedFrom', () => {
  test('known patterns of 8-bit encodings (XTCE 1.2 IntegerDataEncodingType)', () => {
    expect(signedFrom(0xff, 8, 'twosComplement')).toBe(-1);
    expect(signedFrom(0x80, 8, 'twosComplement')).toBe(-128);
    expect(signedFrom(0x81, 8, 'signMagnitude')).toBe(-1);
    expect(signedFrom(0x80, 8, 'signMagnitude')).toBe(0);
    expect(signedFrom(0xfe, 8, 'onesComplement')).toBe(-1);
    expect(signedFrom(0xff, 8, 'onesComplement')).toBe(0);
    expect(signedFrom(0x7f, 8, 'onesComplement')).toBe(127);
  });
});

describe('floats', () => {
  test('IEEE 754 binary16 known values (IEEE 754-2008 §3.4)', () => {
    expect(halfToNumber(0x3c00)).toBe(1);
    expect(halfToNumber(0xc000)).toBe(-2);
    expect(halfToNumber(0x7bff)).toBe(65504);
    expect(halfToNumber(0x0001)).toBe(2 ** -24);
    expect(halfToNumber(0x0400)).toBe(2 ** -14);
    expect(halfToNumber(0x7c00)).toBe(Infinity);
    expect(halfToNumber(0xfc00)).toBe(-Infinity);
    expect(halfToNumber(0x7e00)).toBeNaN();
    expect(Object.is(halfToNumber(0x8000), -0)).toBe(true);
  });

  test('IEEE 754 binary32 and binary64 round-trip through their bit patterns', () => {
    const dv = new DataView(new ArrayBuffer(8));
    fc.assert(fc.property(fc.double(), (x) => {
      dv.setFloat64(0, x);
      expect(Object.is(float64FromBits(dv.getUint32(0), dv.getUint32(4)), x) || (Number.isNaN(x) && Number.isNaN(float64FromBits(dv.getUint32(0), dv.getUint32(4))))).toBe(true);
      dv.setFloat32(0, x);
      const f = Math.fround(x);
      const got = float32FromBits(dv.getUint32(0));
      expect(Object.is(got, f) || (Number.isNaN(f) && Number.isNaN(got))).toBe(true);
    }), { numRuns: 2000 });
  });

  // MIL-STD-1750A, 32-bit floating point examples table (24-bit two's-complement mantissa, 8-bit exponent).
  test.each([
    [0x7fffff7f, (1 - 2 ** -23) * 2 ** 127],
    [0x4000007f, 0.5 * 2 ** 127],
    [0x50000004, 0.625 * 2 ** 4],
    [0x40000001, 0.5 * 2 ** 1],
    [0x40000000, 0.5],
    [0x400000ff, 0.5 * 2 ** -1],
    [0x40000080, 0.5 * 2 ** -128],
    [0x00000000, 0],
    [0x80000000, -1],
    [0xbfffff80, -(0.5 + 2 ** -23) * 2 ** -128],
    [0x9fffff04, -(0.75 + 2 ** -23) * 2 ** 4],
  ])('MIL-STD-1750A 32-bit %s', (bits, value) => {
    expect(milStd1750aToNumber(bits)).toBe(value);
  });

  test('MIL-STD-1750A 48-bit: a zero extension gives the 32-bit value; the extension adds 2^-39 steps', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffff }), (hi, lo) => {
      expect(milStd1750aToNumber(hi, 0)).toBe(milStd1750aToNumber(hi));
      const exp = signedFrom(hi & 0xff, 8, 'twosComplement');
      expect(milStd1750aToNumber(hi, lo) - milStd1750aToNumber(hi, 0)).toBe(lo * 2 ** (exp - 39));
    }));
    expect(milStd1750aToNumber(0x7fffff7f, 0xffff)).toBe((1 - 2 ** -39) * 2 ** 127);
  });
});
