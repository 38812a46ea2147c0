/**
 * @module Building whole packets: primary header + secondary header + user data + optional PEC.
 * Used by the fixture generator, TC encoding and tests; not on the reading hot path.
 */
import { crc16 } from './crc16.js';
import { encodePrimaryHeader, IDLE_APID, MAX_PACKET_LENGTH, type PacketType, type SequenceFlags } from './primary-header.js';

export interface PacketSpec {
  readonly type: PacketType;
  readonly apid: number;
  readonly sequenceFlags: SequenceFlags;
  readonly sequenceCount: number;
  /** Secondary header octets (empty = no secondary header, flag cleared). */
  readonly secondaryHeader: Uint8Array;
  readonly data: Uint8Array;
  /** Append a PEC (CRC-16/CCITT-FALSE over everything before it). */
  readonly crc: boolean;
}

/** Assemble a packet; throws RangeError when it would exceed the CCSDS maximum or be empty. */
export function buildPacket(spec: PacketSpec): Uint8Array {
  const dataFieldLength = spec.secondaryHeader.length + spec.data.length + (spec.crc ? 2 : 0);
  const length = 6 + dataFieldLength;
  if (dataFieldLength < 1 || length > MAX_PACKET_LENGTH) throw new RangeError(`packet data field of ${dataFieldLength} octets`);
  const out = new Uint8Array(length);
  encodePrimaryHeader(
    {
      version: 0, type: spec.type, secondaryHeader: spec.secondaryHeader.length > 0, apid: spec.apid,
      sequenceFlags: spec.sequenceFlags, sequenceCount: spec.sequenceCount, dataLength: dataFieldLength - 1,
    },
    out, 0,
  );
  out.set(spec.secondaryHeader, 6);
  out.set(spec.data, 6 + spec.secondaryHeader.length);
  if (spec.crc) {
    const c = crc16(out, 0, length - 2);
    out[length - 2] = c >>> 8;
    out[length - 1] = c & 0xff;
  }
  return out;
}

/** PUS-C TM secondary header (ECSS-E-ST-70-41C §7.4.3.1): version 2, time reference status, service, subtype, counter, destination, time. */
export function pusCTmSecondaryHeader(h: {
  service: number; subtype: number; messageTypeCounter?: number; destinationId?: number; timeReferenceStatus?: number; time: Uint8Array;
}): Uint8Array {
  const out = new Uint8Array(7 + h.time.length);
  out[0] = 0x20 | ((h.timeReferenceStatus ?? 0) & 0x0f);
  out[1] = h.service;
  out[2] = h.subtype;
  const c = h.messageTypeCounter ?? 0;
  out[3] = (c >>> 8) & 0xff;
  out[4] = c & 0xff;
  const d = h.destinationId ?? 0;
  out[5] = (d >>> 8) & 0xff;
  out[6] = d & 0xff;
  out.set(h.time, 7);
  return out;
}

/** An idle packet (APID 0x7FF, CCSDS 133.0-B-2 §4.1.3.3.4.4) of `length` octets, filled with `fill`. */
export function idlePacket(length: number, sequenceCount = 0, fill = 0x55): Uint8Array {
  return buildPacket({
    type: 0, apid: IDLE_APID, sequenceFlags: 3, sequenceCount, secondaryHeader: new Uint8Array(0),
    data: new Uint8Array(length - 6).fill(fill), crc: false,
  });
}
