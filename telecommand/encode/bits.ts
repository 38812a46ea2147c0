/**
 * @module Big-endian bit packing: fields of any bit size written MSB first one after another without
 * alignment, as PUS application data packs its parameters (ECSS-E-ST-70-41C parameter types and structure
 * rules, §7.3 — section number from memory, unverified), and read back.
 */

/** Writes bit fields into a growing byte array. */
export class BitWriter {
  private bytes: number[] = [];
  private bit = 0;

  /** Bits written so far. */
  get bitLength(): number {
    return this.bit;
  }

  /** Append the low `bits` bits of `value` (two's complement for negatives), MSB first. */
  writeBits(value: bigint, bits: number): void {
    const v = BigInt.asUintN(bits, value);
    for (let i = bits - 1; i >= 0; i--) this.pushBit(Number((v >> BigInt(i)) & 1n));
  }

  /** Append whole octets at the current bit position. */
  writeBytes(data: Uint8Array): void {
    if (this.bit % 8 === 0) {
      for (const b of data) this.bytes.push(b);
      this.bit += 8 * data.length;
      return;
    }
    for (const b of data) this.writeBits(BigInt(b), 8);
  }

  /** The written bits, the last octet padded with zero bits. */
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  private pushBit(b: number): void {
    const byte = this.bit >>> 3;
    if (byte === this.bytes.length) this.bytes.push(0);
    if (b) this.bytes[byte] = this.bytes[byte]! | (0x80 >>> (this.bit & 7));
    this.bit++;
  }
}

/** Reads bit fields from `buf[start, end)`. Reads past the end throw RangeError (callers check lengths first). */
export class BitReader {
  private bit: number;
  constructor(private readonly buf: Uint8Array, start = 0, private readonly end = buf.length) {
    this.bit = start * 8;
  }

  /** Bits left before the end. */
  get remaining(): number {
    return this.end * 8 - this.bit;
  }

  /** Read `bits` bits as an unsigned bigint. */
  readBits(bits: number): bigint {
    if (bits > this.remaining) throw new RangeError(`read of ${bits} bits with ${this.remaining} left`);
    let v = 0n;
    for (let i = 0; i < bits; i++) {
      const b = (this.buf[this.bit >>> 3]! >>> (7 - (this.bit & 7))) & 1;
      v = (v << 1n) | BigInt(b);
      this.bit++;
    }
    return v;
  }

  /** Read `n` octets (at any bit position). */
  readBytes(n: number): Uint8Array {
    if (this.bit % 8 === 0) {
      if (n * 8 > this.remaining) throw new RangeError(`read of ${n} octets with ${this.remaining} bits left`);
      const start = this.bit >>> 3;
      this.bit += 8 * n;
      return this.buf.slice(start, start + n);
    }
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(this.readBits(8));
    return out;
  }
}
