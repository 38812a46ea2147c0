/**
 * @module Reading encoded values at any bit offset of a packet: unsigned fields MSB first (XTCE 1.2 default
 * bitOrder mostSignificantBitFirst, byteOrder mostSignificantByteFirst), little-endian octet order, the four
 * integer encodings of XTCE 1.2 IntegerDataEncodingType, IEEE 754 binary16/32/64 and MIL-STD-1750A 32/48-bit
 * floats. Fields up to 53 bits come back as numbers (exact); wider ones as bigint.
 */
import type { IntegerEncodingKind } from '../../src/mdb/types.js';

const P32 = 4294967296;

/**
 * Unsigned field of `n` bits (1..53) starting at bit `bit` of `b` (bit 0 = MSB of octet 0), MSB first.
 * The caller checks that the field lies inside the packet.
 */
export function readUnsigned(b: Uint8Array, bit: number, n: number): number {
  if (n > 32) return readUnsigned(b, bit, n - 32) * P32 + readUnsigned(b, bit + n - 32, 32);
  const i = bit >>> 3;
  const end = (bit & 7) + n; // bits from the start of octet i to the end of the field, ≤ 39
  if (end <= 8) return (b[i]! >>> (8 - end)) & ((1 << n) - 1);
  if (end <= 16) return (((b[i]! << 8) | b[i + 1]!) >>> (16 - end)) & ((1 << n) - 1);
  if (end <= 24) return (((b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!) >>> (24 - end)) & ((1 << n) - 1);
  // ≤ 5 octets: at most 39 significant bits, exact in a double.
  let v = b[i]! & (0xff >>> (bit & 7));
  const octets = (end + 7) >>> 3;
  for (let k = 1; k < octets; k++) v = v * 256 + b[i + k]!;
  const drop = octets * 8 - end;
  return drop ? Math.floor(v / (1 << drop)) : v;
}

/** Unsigned field of `n` bits (1..64) as a bigint. */
export function readUnsignedBig(b: Uint8Array, bit: number, n: number): bigint {
  if (n <= 32) return BigInt(readUnsigned(b, bit, n));
  return (BigInt(readUnsigned(b, bit, n - 32)) << 32n) | BigInt(readUnsigned(b, bit + n - 32, 32));
}

/** Octets of a whole-octet field in reverse order (least significant first) as an unsigned number (n ≤ 48). */
export function readUnsignedLe(b: Uint8Array, bit: number, n: number): number {
  let v = 0;
  for (let k = n / 8 - 1; k >= 0; k--) v = v * 256 + readUnsigned(b, bit + 8 * k, 8);
  return v;
}

export function readUnsignedLeBig(b: Uint8Array, bit: number, n: number): bigint {
  let v = 0n;
  for (let k = n / 8 - 1; k >= 0; k--) v = (v << 8n) | BigInt(readUnsigned(b, bit + 8 * k, 8));
  return v;
}

/**
 * Interpret an unsigned `n`-bit pattern in an XTCE integer encoding (n ≤ 53, exact).
 * twosComplement: v − 2ⁿ when the MSB is set; signMagnitude: MSB is the sign of the remaining magnitude;
 * onesComplement: v − (2ⁿ − 1) when the MSB is set (both zero patterns give 0).
 */
export function signedFrom(v: number, n: number, enc: IntegerEncodingKind): number {
  if (enc === 'unsigned') return v;
  const half = 2 ** (n - 1);
  if (v < half) return v;
  if (enc === 'twosComplement') return v - 2 * half;
  if (enc === 'signMagnitude') return v === half ? 0 : -(v - half);
  const r = v - (2 * half - 1);
  return r === 0 ? 0 : r;
}

export function signedFromBig(v: bigint, n: number, enc: IntegerEncodingKind): bigint {
  if (enc === 'unsigned') return v;
  const half = 1n << BigInt(n - 1);
  if (v < half) return v;
  if (enc === 'twosComplement') return v - 2n * half;
  if (enc === 'signMagnitude') return -(v - half);
  return v - (2n * half - 1n);
}

const scratch = new DataView(new ArrayBuffer(8));

/** IEEE 754-2008 binary16 (§3.4: 1 sign, 5 exponent bits biased 15, 10 fraction bits). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return sign * f * 2 ** -24;
  if (e === 31) return f ? NaN : sign * Infinity;
  return sign * (1 + f / 1024) * 2 ** (e - 15);
}

/** IEEE 754 binary32 from its bit pattern. */
export function float32FromBits(u: number): number {
  scratch.setUint32(0, u);
  return scratch.getFloat32(0);
}

/** IEEE 754 binary64 from its two 32-bit halves (most significant first). */
export function float64FromBits(hi: number, lo: number): number {
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  return scratch.getFloat64(0);
}

/**
 * MIL-STD-1750A floating point (32-bit and 48-bit extended; layouts as tabulated in RCC 106-07 Appendix O
 * §4.0 and §5.0, value (0.F)·2^E, no bias): a two's-complement
 * fraction mantissa (sign bit then 23 bits, value M·2⁻²³) and an 8-bit two's-complement exponent;
 * the extended form appends 16 more mantissa bits after the exponent (40-bit mantissa, M·2⁻³⁹).
 * `hi` = first 32 bits (mantissa MSW + exponent), `lo16` = the extension (48-bit form only).
 */
export function milStd1750aToNumber(hi: number, lo16?: number): number {
  const exp = signedFrom(hi & 0xff, 8, 'twosComplement');
  const m24 = hi >>> 8;
  if (lo16 === undefined) return signedFrom(m24, 24, 'twosComplement') * 2 ** (exp - 23);
  return signedFrom(m24 * 65536 + lo16, 40, 'twosComplement') * 2 ** (exp - 39);
}
