/**
 * @module Secondary (packet data field) headers, one declared layout per profile (formats.md §2).
 *
 * Fixed layouts are declared with binary-parser; the time field that follows is decoded by the time
 * module (CUC or CDS per the profile). `timeOffsetOf` gives the hot path (inspect) the position of the
 * time field without building the whole header.
 */
import { Parser } from '../binary-layout.js';
import { decodeCds, decodeCuc } from '../time/index.js';
import { PRIMARY_HEADER_LENGTH } from './primary-header.js';
import type { PacketProfile, TimeCodeSpec } from './profile.js';

/**
 * PUS-C TM secondary header, fixed part (ECSS-E-ST-70-41C §7.4.3.1; formats.md §2.3): 7 octets, then the
 * absolute time (mission format), then optional spare.
 */
export const PUS_C_TM_FIXED_LENGTH = 7;
const pusCTm = new Parser()
  .endianness('big')
  /** TM packet PUS version number: 2 for PUS-C. */
  .bit4('pusVersion')
  /** Spacecraft time reference status. */
  .bit4('timeReferenceStatus')
  /** Service type. */
  .uint8('service')
  /** Message subtype. */
  .uint8('subtype')
  /** Message type counter (0 when not supported). */
  .uint16('messageTypeCounter')
  /** Destination ID. */
  .uint16('destinationId');

/** PUS-C TC secondary header (ECSS-E-ST-70-41C §7.4.4.1; formats.md §2.3): 5 octets. */
export const PUS_C_TC_LENGTH = 5;
const pusCTc = new Parser()
  .endianness('big')
  /** TC packet PUS version number: 2. */
  .bit4('pusVersion')
  /** Acknowledgement flags: 0x1 acceptance, 0x2 start, 0x4 progress, 0x8 completion (bit order: see formats.md §2.3). */
  .bit4('ackFlags')
  .uint8('service')
  .uint8('subtype')
  /** Source ID. */
  .uint16('sourceId');

/**
 * PUS-A TM data field header (ECSS-E-70-41A §5.3.1; formats.md §2.2): spare bit, version (3 bits, 1), spare
 * nibble, service, subtype; then the optional subcounter and destination ID, then time, then optional spare.
 */
export const PUS_A_TM_FIXED_LENGTH = 3;
const pusATm = new Parser()
  .endianness('big')
  .bit1('spare')
  /** TM source packet PUS version: 1 for PUS-A. */
  .bit3('pusVersion')
  .bit4('spare2')
  .uint8('service')
  .uint8('subtype');

/** PUS-A TC data field header (formats.md §2.2): flag bit, version (3 bits), ack (4 bits), service, subtype. */
export const PUS_A_TC_FIXED_LENGTH = 3;
const pusATc = new Parser()
  .endianness('big')
  /** CCSDS secondary header flag, 0. */
  .bit1('ccsdsSecondaryHeaderFlag')
  .bit3('pusVersion')
  .bit4('ackFlags')
  .uint8('service')
  .uint8('subtype');

/**
 * Rosetta-style TM data field header, time first (formats.md §2.1, after Rosetta MIDAS `ros_tm.py`):
 * OBT coarse u32 (MSB = not synchronised), fine u16, version/checksum byte, service, subtype, pad: 10 octets.
 */
export const ROSETTA_TM_LENGTH = 10;
const rosettaTmTail = new Parser()
  .endianness('big')
  .bit1('spare')
  /** PUS version (seen as 0 or 2). */
  .bit3('pusVersion')
  /** Checksum flag (not used for TM, zero). */
  .bit1('checksumFlag')
  .bit3('spare2')
  .uint8('service')
  .uint8('subtype')
  .uint8('pad');

/** Rosetta TC data field header (formats.md §2.1): 4 octets: version | checksum flag | ack, type, subtype, pad. */
export const ROSETTA_TC_LENGTH = 4;

/** The decoded secondary header of a packet: the fields its profile defines, others undefined. */
export interface SecondaryHeader {
  /** Octets the secondary header occupies (including the time field). */
  readonly length: number;
  /** PUS fields: undefined with the time-code-only profiles (cds, cuc). */
  readonly pusVersion?: number;
  readonly service?: number;
  readonly subtype?: number;
  readonly messageTypeCounter?: number;
  readonly destinationId?: number;
  readonly sourceId?: number;
  readonly ackFlags?: number;
  readonly subcounter?: number;
  readonly timeReferenceStatus?: number;
  /** Packet time, TAI seconds since 1958 (TM only). */
  readonly time?: number;
  /** False when the on-board time was flagged not synchronised. */
  readonly synchronised?: boolean;
}

/** FINE_LSB[n] = 2^-8n s. */
const FINE_LSB: readonly number[] = [1, 2 ** -8, 2 ** -16, 2 ** -24];

/** Result of decoding: the header, or why it could not be read (a finding, not an exception). */
export type SecondaryHeaderResult = { ok: true; header: SecondaryHeader } | { ok: false; reason: string };

const beUint = (buf: Uint8Array, o: number, n: number): number => {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + buf[o + i]!;
  return v;
};

const subBuffer = (buf: Uint8Array, start: number, end: number): Buffer =>
  Buffer.from(buf.buffer, buf.byteOffset + start, end - start);

/**
 * Decode the secondary header of the packet at `buf[offset, offset+length)` per `profile`.
 * Only packets whose secondary header flag is set carry one; the caller passes the type from the primary header.
 */
export function decodeSecondaryHeader(
  buf: Uint8Array, offset: number, length: number, type: 0 | 1, profile: PacketProfile,
): SecondaryHeaderResult {
  const start = offset + PRIMARY_HEADER_LENGTH;
  const end = offset + length;
  const need = (n: number): SecondaryHeaderResult | undefined =>
    start + n > end ? { ok: false, reason: `packet too short for its ${profile.secondaryHeader} secondary header (${n} octets)` } : undefined;
  switch (profile.secondaryHeader) {
    case 'none':
      return { ok: false, reason: 'profile none: no secondary header decoded' };
    case 'pus-c': {
      if (type === 1) {
        const short = need(PUS_C_TC_LENGTH);
        if (short) return short;
        const h = pusCTc.parse(subBuffer(buf, start, start + PUS_C_TC_LENGTH));
        return { ok: true, header: { length: PUS_C_TC_LENGTH, pusVersion: h.pusVersion, service: h.service, subtype: h.subtype, ackFlags: h.ackFlags, sourceId: h.sourceId } };
      }
      const short = need(PUS_C_TM_FIXED_LENGTH);
      if (short) return short;
      const h = pusCTm.parse(subBuffer(buf, start, start + PUS_C_TM_FIXED_LENGTH));
      const t = decodeTimeField(buf, start + PUS_C_TM_FIXED_LENGTH, end, profile.time);
      if (!t.ok) return t;
      return {
        ok: true,
        header: {
          length: PUS_C_TM_FIXED_LENGTH + t.length + profile.pusCSpareOctets,
          pusVersion: h.pusVersion, service: h.service, subtype: h.subtype,
          messageTypeCounter: h.messageTypeCounter, destinationId: h.destinationId,
          timeReferenceStatus: h.timeReferenceStatus, time: t.tai, synchronised: t.synchronised,
        },
      };
    }
    case 'pus-a': {
      const o = profile.pusA;
      if (type === 1) {
        const len = PUS_A_TC_FIXED_LENGTH + o.tcSourceOctets;
        const short = need(len);
        if (short) return short;
        const h = pusATc.parse(subBuffer(buf, start, start + PUS_A_TC_FIXED_LENGTH));
        const header: SecondaryHeader = { length: len, pusVersion: h.pusVersion, service: h.service, subtype: h.subtype, ackFlags: h.ackFlags };
        return { ok: true, header: o.tcSourceOctets ? { ...header, sourceId: beUint(buf, start + 3, o.tcSourceOctets) } : header };
      }
      const fixed = PUS_A_TM_FIXED_LENGTH + (o.subcounter ? 1 : 0) + o.destinationOctets;
      const short = need(fixed);
      if (short) return short;
      const h = pusATm.parse(subBuffer(buf, start, start + PUS_A_TM_FIXED_LENGTH));
      let p = start + PUS_A_TM_FIXED_LENGTH;
      const subcounter = o.subcounter ? buf[p++]! : undefined;
      const destinationId = o.destinationOctets ? beUint(buf, p, o.destinationOctets) : undefined;
      p += o.destinationOctets;
      const t = decodeTimeField(buf, p, end, profile.time);
      if (!t.ok) return t;
      return {
        ok: true,
        header: {
          length: fixed + t.length + o.spareOctets, pusVersion: h.pusVersion, service: h.service, subtype: h.subtype,
          ...(subcounter !== undefined ? { subcounter } : {}), ...(destinationId !== undefined ? { destinationId } : {}),
          time: t.tai, synchronised: t.synchronised,
        },
      };
    }
    case 'cds':
    case 'cuc': {
      // Only a time code (formats.md §3; e.g. NOAA-20/JPSS CDS day/ms/µs): no PUS fields, none in TCs.
      if (type === 1) return { ok: false, reason: `profile ${profile.secondaryHeader}: no TC secondary header defined` };
      const t = decodeTimeField(buf, start, end, profile.time);
      if (!t.ok) return t;
      return { ok: true, header: { length: t.length, time: t.tai, synchronised: t.synchronised } };
    }
    case 'rosetta': {
      if (type === 1) {
        const short = need(ROSETTA_TC_LENGTH);
        if (short) return short;
        const b = buf[start]!;
        return { ok: true, header: { length: ROSETTA_TC_LENGTH, pusVersion: (b >>> 4) & 7, ackFlags: b & 0x0f, service: buf[start + 1]!, subtype: buf[start + 2]! } };
      }
      const short = need(ROSETTA_TM_LENGTH);
      if (short) return short;
      const t = decodeTimeField(buf, start, end, profile.time);
      if (!t.ok) return t;
      const tailStart = start + t.length;
      if (tailStart + 4 > end) return { ok: false, reason: 'packet too short for its rosetta secondary header' };
      const h = rosettaTmTail.parse(subBuffer(buf, tailStart, tailStart + 4));
      return {
        ok: true,
        header: { length: t.length + 4, pusVersion: h.pusVersion, service: h.service, subtype: h.subtype, time: t.tai, synchronised: t.synchronised },
      };
    }
  }
}

type TimeField = { ok: true; tai: number; synchronised: boolean; length: number } | { ok: false; reason: string };

function decodeTimeField(buf: Uint8Array, at: number, end: number, spec: TimeCodeSpec): TimeField {
  const fixed = spec.code === 'cuc'
    ? spec.coarseOctets + spec.fineOctets
    : spec.dayOctets + 4 + (spec.subMs === 'us' ? 2 : spec.subMs === 'ps' ? 4 : 0);
  if (at + (spec.pField ? 2 : fixed) > end) return { ok: false, reason: 'packet too short for its time field' };
  try {
    if (spec.code === 'cuc') {
      const v = decodeCuc(buf, at, spec);
      if (at + v.length > end) return { ok: false, reason: 'packet too short for its time field' };
      return { ok: true, tai: v.tai, synchronised: v.synchronised, length: v.length };
    }
    const v = decodeCds(buf, at, spec);
    if (at + v.length > end) return { ok: false, reason: 'packet too short for its time field' };
    return { ok: true, tai: v.tai, synchronised: true, length: v.length };
  } catch (e) {
    return { ok: false, reason: `time field: ${(e as Error).message}` };
  }
}

/**
 * Offset (from the packet start) of the TM time field for a profile with a fixed-layout header, or -1 when the
 * profile has no time field. Used by the hot path so it can decode only the time.
 */
export function timeOffsetOf(profile: PacketProfile): number {
  switch (profile.secondaryHeader) {
    case 'pus-c': return PRIMARY_HEADER_LENGTH + PUS_C_TM_FIXED_LENGTH;
    case 'pus-a': return PRIMARY_HEADER_LENGTH + PUS_A_TM_FIXED_LENGTH + (profile.pusA.subcounter ? 1 : 0) + profile.pusA.destinationOctets;
    case 'rosetta':
    case 'cds':
    case 'cuc':
      return PRIMARY_HEADER_LENGTH;
    case 'none': return -1;
  }
}

/**
 * Guess the secondary-header profile from a packet's first data-field octet (for files read without a config):
 * PUS-C TM carries version 2 in the high nibble (0x2_, the low nibble being the time reference status);
 * PUS-A TM carries exactly 0x10 (spare bit 0, version 001, four spare bits 0: ECSS-E-70-41A §5.3.1).
 */
export function guessSecondaryHeader(firstDataOctet: number): 'pus-c' | 'pus-a' | undefined {
  if (firstDataOctet >>> 4 === 2) return 'pus-c';
  if (firstDataOctet === 0x10) return 'pus-a';
  return undefined;
}

/**
 * Packet time (TAI seconds since 1958) of a TM packet with a secondary header, or undefined when the profile
 * has none or the packet is too short. The hot-path form of {@link decodeSecondaryHeader}: only the time.
 */
export function packetTimeOf(buf: Uint8Array, offset: number, length: number, profile: PacketProfile, timeOffset = timeOffsetOf(profile)): number | undefined {
  if (timeOffset < 0) return undefined;
  const spec = profile.time;
  if (spec.code === 'cuc' && !spec.pField && spec.coarseOctets <= 4 && spec.fineOctets <= 3) {
    // Fast path for the common implicit CUC (no allocation): same arithmetic as decodeCuc (CCSDS 301.0-B-4 §3.2).
    const at = offset + timeOffset;
    if (at + spec.coarseOctets + spec.fineOctets > offset + length) return undefined;
    let coarse = 0;
    for (let i = 0; i < spec.coarseOctets; i++) coarse = coarse * 256 + buf[at + i]!;
    if (spec.syncFlagInMsb) coarse %= 2 ** (8 * spec.coarseOctets - 1);
    let fine = 0;
    for (let i = 0; i < spec.fineOctets; i++) fine = fine * 256 + buf[at + spec.coarseOctets + i]!;
    return spec.epochTai + coarse + fine * FINE_LSB[spec.fineOctets]!;
  }
  const t = decodeTimeField(buf, offset + timeOffset, offset + length, spec);
  return t.ok ? t.tai : undefined;
}
