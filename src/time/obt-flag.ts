/**
 * @module The header's own "not synchronised" flag, read on the hot path beside the packet time: the coarse
 * time's most significant bit of an implicit CUC when the profile says it is a flag (Rosetta heritage,
 * formats.md §2.1, `syncFlagInMsb`). A CUC with a P-field carries it likewise (decodeCuc reports it).
 */
import type { PacketProfile } from '../ccsds/profile.js';
import { decodeCuc } from './cuc.js';

/** True when the packet's time field flags the on-board clock as not synchronised. `timeOffset` from `timeOffsetOf`. */
export function obtFlaggedUnsynchronised(buf: Uint8Array, offset: number, length: number, profile: PacketProfile, timeOffset: number): boolean {
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
