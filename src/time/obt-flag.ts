/**
 * @module The header's own "not synchronised" flag, read on the hot path beside the packet time: the coarse
 * time's most significant bit of an implicit CUC when the profile says it is a flag (Rosetta heritage,
 * formats.md §2.1, `syncFlagInMsb`). A CUC with a P-field carries it likewise (decodeCuc reports it). PUS-C's
 * spacecraft time reference status, when the profile names the values meaning "not synchronised".
 */
import type { PacketProfile } from '../ccsds/profile.js';
import { decodeCuc } from './cuc.js';

/** Octet of the PUS-C TM version / spacecraft time reference status (the first after the primary header). */
const PUS_C_STATUS_AT = 6;

/**
 * True when the packet's header flags the on-board clock as not synchronised: its time field (above) or, for
 * PUS-C TM, a spacecraft time reference status (ECSS-E-ST-70-41C §7.4.3.1: low 4 bits of the secondary header's
 * first octet, formats.md §2.3) the profile lists as unsynchronised (`pusCUnsynchronisedTimeReference`).
 * For TM packets with a secondary header (callers check); `timeOffset` from `timeOffsetOf`.
 */
export function obtFlaggedUnsynchronised(buf: Uint8Array, offset: number, length: number, profile: PacketProfile, timeOffset: number): boolean {
  const refMask = profile.pusCUnsynchronisedTimeReference;
  if (refMask !== 0 && profile.secondaryHeader === 'pus-c' && length > PUS_C_STATUS_AT && ((refMask >>> (buf[offset + PUS_C_STATUS_AT]! & 0x0f)) & 1) !== 0) return true;
  const spec = profile.time;
  if (timeOffset < 0 || spec.code !== 'cuc' || !spec.syncFlagInMsb) return false;
  const at = offset + timeOffset;
  if (at >= offset + length) return false;
  if (!spec.pField) return (buf[at]! & 0x80) !== 0;
  try {
    return !decodeCuc(buf, at, spec).synchronised;
  } catch {
    return false;
  }
}
