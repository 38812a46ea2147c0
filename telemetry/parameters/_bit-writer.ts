/**
 * @module Test helper: an independent MSB-first bit writer (bigint arithmetic, one bit at a time) used to encode
 * values that the decoder must read back.
 */

/** Write the low `n` bits of `value` at bit `bit` of `buf`, MSB first. */
export function writeBits(buf: Uint8Array, bit: number, n: number, value: bigint): void {
  for (let k = 0; k < n; k++) {
    const b = (value >> BigInt(n - 1 - k)) & 1n;
    const pos = bit + k;
    const mask = 0x80 >>> (pos & 7);
    buf[pos >>> 3] = b ? buf[pos >>> 3]! | mask : buf[pos >>> 3]! & ~mask;
  }
}

/** The `n`-bit pattern of integer `v` in an XTCE integer encoding. */
export function encodeInteger(v: bigint, n: number, enc: 'unsigned' | 'twosComplement' | 'signMagnitude' | 'onesComplement'): bigint {
  const full = 1n << BigInt(n);
  if (v >= 0n) return v;
  if (enc === 'twosComplement') return full + v;
  if (enc === 'signMagnitude') return (1n << BigInt(n - 1)) | -v;
  if (enc === 'onesComplement') return full - 1n + v;
  throw new Error('negative unsigned');
}

/** Reverse the octets of an `n`-bit (whole octets) pattern: what a little-endian field holds. */
export function swapOctets(v: bigint, n: number): bigint {
  let out = 0n;
  for (let k = 0; k < n / 8; k++) out = (out << 8n) | ((v >> BigInt(8 * k)) & 0xffn);
  return out;
}
