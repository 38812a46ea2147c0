/**
 * @module TC packet data field headers (formats.md §2.2, §2.3).
 *
 * PUS-C (ECSS-E-ST-70-41C §7.4.4.1), 5 octets:
 *   byte 0  0xF0 TC packet PUS version number = 2 | 0x0F acknowledgement flags
 *           (0x1 acceptance, 0x2 start of execution, 0x4 progress, 0x8 completion — formats.md §2.3 notes the
 *           bit order as unverified against the standard text; 0xF is unaffected)
 *   byte 1  service type
 *   byte 2  message subtype
 *   byte 3-4 source ID (u16)
 *
 * PUS-A (ECSS-E-70-41A), 3 octets + optional source ID:
 *   byte 0  0x80 CCSDS secondary header flag (0) | 0x70 TC PUS version = 1 | 0x0F ack flags → 0x1F with all acks
 *   byte 1  service type
 *   byte 2  service subtype
 *   then    source ID of `sourceIdOctets` octets (mission tailoring: 0 = absent)
 */

/** Which TC header generation to write and read. */
export interface TcProfile {
  /** `pus-c` (default) or `pus-a`. */
  readonly pus: 'pus-c' | 'pus-a';
  /** PUS-A only: source ID octets, 0..4 (0 = absent). Default 0. PUS-C always has 2. */
  readonly sourceIdOctets: number;
  /** Packets end in a CRC-16 PEC. Default true. */
  readonly pec: boolean;
}

/** PUS-C with a PEC. */
export const DEFAULT_TC_PROFILE: TcProfile = { pus: 'pus-c', sourceIdOctets: 2, pec: true };

/** The TC data field header fields. */
export interface TcSecondaryHeader {
  /** PUS version number from the header: 2 for PUS-C, 1 for PUS-A. */
  readonly pusVersion: number;
  /** Acknowledgement flags, 4 bits. */
  readonly ackFlags: number;
  readonly service: number;
  readonly subtype: number;
  /** Source ID (0 when the profile has none). */
  readonly sourceId: number;
}

/** PUS version written in the header for each generation. */
export const PUS_VERSION = { 'pus-c': 2, 'pus-a': 1 } as const;

/** Octets of the TC data field header under `profile`. */
export const tcHeaderLength = (profile: TcProfile): number => 3 + (profile.pus === 'pus-c' ? 2 : profile.sourceIdOctets);

/** Encode the header into `buf` at `offset`; throws RangeError on out-of-range fields (misuse). */
export function encodeTcHeader(h: Omit<TcSecondaryHeader, 'pusVersion'>, profile: TcProfile, buf: Uint8Array, offset: number): void {
  check('ackFlags', h.ackFlags, 0xf);
  check('service', h.service, 0xff);
  check('subtype', h.subtype, 0xff);
  const srcOctets = profile.pus === 'pus-c' ? 2 : profile.sourceIdOctets;
  check('sourceId', h.sourceId, srcOctets === 0 ? 0 : 2 ** (8 * srcOctets) - 1);
  buf[offset] = (PUS_VERSION[profile.pus] << 4) | h.ackFlags;
  buf[offset + 1] = h.service;
  buf[offset + 2] = h.subtype;
  for (let i = 0; i < srcOctets; i++) buf[offset + 3 + i] = Math.floor(h.sourceId / 2 ** (8 * (srcOctets - 1 - i))) & 0xff;
}

/** Decode the header at `offset`; the caller ensures the octets are there. */
export function decodeTcHeader(buf: Uint8Array, offset: number, profile: TcProfile): TcSecondaryHeader {
  const b0 = buf[offset]!;
  const srcOctets = profile.pus === 'pus-c' ? 2 : profile.sourceIdOctets;
  let sourceId = 0;
  for (let i = 0; i < srcOctets; i++) sourceId = sourceId * 256 + buf[offset + 3 + i]!;
  return { pusVersion: profile.pus === 'pus-c' ? b0 >>> 4 : (b0 >>> 4) & 0x7, ackFlags: b0 & 0xf, service: buf[offset + 1]!, subtype: buf[offset + 2]!, sourceId };
}

function check(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`TC header ${name} ${value} outside 0..${max}`);
}
