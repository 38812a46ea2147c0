/**
 * @module The packet digest of the dedupe key: a 32-bit hash of every octet of the packet (murmur-style mixing
 * of little-endian 4-octet words, then the tail octets, then a final avalanche). It only has to tell apart
 * packets that already share APID, sequence count and packet time (a corrupted copy, an on-board reset that
 * repeats a time), so 32 bits are plenty; it is cheap enough for every packet (a cryptographic hash costs
 * about four times as much per packet in Node).
 */

/** Digest of `buf[offset, offset + length)`, a signed 32-bit integer. */
export function packetDigest(buf: Uint8Array, offset: number, length: number): number {
  let h = length ^ 0x9e3779b9;
  let i = offset;
  const end = offset + length;
  const end4 = offset + (length & ~3);
  for (; i < end4; i += 4) {
    h = Math.imul(h ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)), 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
