/**
 * @module TC packet encoding: primary header (CCSDS 133.0-B-2 §4.1.3, packet type 1, secondary header flag 1,
 * unsegmented), TC data field header (PUS-C or PUS-A, see tc-header.ts), application data = the command's
 * parameters packed big-endian at bit granularity (the last octet zero-padded), and the CRC-16 PEC
 * (ECSS-E-ST-70-41C §5.4, formats.md §2.4) over everything before it.
 */
import { crc16 } from '../../src/ccsds/crc16.js';
import { encodePrimaryHeader, MAX_PACKET_LENGTH, PRIMARY_HEADER_LENGTH, SequenceFlags } from '../../src/ccsds/primary-header.js';
import { parameterBits, resolveValues, type RawValue, type UserValue } from '../../src/mdb/commands/parameter-values.js';
import type { TcCommand, TcParameter, TcResult } from '../../src/mdb/commands/types.js';
import { BitWriter } from './bits.js';
import { DEFAULT_TC_PROFILE, encodeTcHeader, tcHeaderLength, type TcProfile } from './tc-header.js';

/** Packet fields that do not come from the database. */
export interface EncodeOptions {
  /** APID; default the command's. */
  readonly apid?: number;
  /** Packet sequence count (packet name), 0..16383. Default 0. */
  readonly sequenceCount?: number;
  /** Acknowledgement flags; default the command's `ackFlags`, else 0xF. */
  readonly ackFlags?: number;
  /** Source ID; default 0. */
  readonly sourceId?: number;
  /** Header generation and PEC; default PUS-C with PEC. */
  readonly profile?: Partial<TcProfile>;
}

/** An encoded command. */
export interface EncodedTc {
  readonly packet: Uint8Array;
  readonly command: TcCommand;
  /** Raw parameter values in packing order. */
  readonly raw: readonly RawValue[];
}

/** The full profile from a partial one. */
export const tcProfile = (p: Partial<TcProfile> = {}): TcProfile => {
  const pus = p.pus ?? DEFAULT_TC_PROFILE.pus;
  return { pus, sourceIdOctets: pus === 'pus-c' ? 2 : (p.sourceIdOctets ?? 0), pec: p.pec ?? true };
};

/**
 * Encode `cmd` with parameter values given by name (defaults fill the rest). Range, enumeration, type and
 * size violations come back as problems naming `COMMAND.PARAMETER`; nothing is thrown for bad values.
 * @throws RangeError for out-of-range packet fields in `opts` (APID, sequence count, ack flags, source ID).
 */
export function encodeTc(cmd: TcCommand, values: Readonly<Record<string, UserValue>>, opts: EncodeOptions = {}): TcResult<EncodedTc> {
  const r = resolveValues(cmd, values);
  if (!r.ok) return r;
  return encodeTcRaw(cmd, r.raw, opts);
}

/** Encode already resolved raw values (from `resolveValues` or `expandSequence`). */
export function encodeTcRaw(cmd: TcCommand, raw: readonly RawValue[], opts: EncodeOptions = {}): TcResult<EncodedTc> {
  const appData = packParameters(cmd.parameters, raw);
  const profile = tcProfile(opts.profile);
  const headerLen = tcHeaderLength(profile);
  const total = PRIMARY_HEADER_LENGTH + headerLen + appData.length + (profile.pec ? 2 : 0);
  if (total > MAX_PACKET_LENGTH) {
    return { ok: false, problems: [{ code: 'too-long', path: cmd.name, message: `packet of ${total} octets exceeds ${MAX_PACKET_LENGTH}` }] };
  }
  const packet = new Uint8Array(total);
  encodePrimaryHeader({
    version: 0, type: 1, secondaryHeader: true, apid: opts.apid ?? cmd.apid,
    sequenceFlags: SequenceFlags.Unsegmented, sequenceCount: opts.sequenceCount ?? 0, dataLength: total - PRIMARY_HEADER_LENGTH - 1,
  }, packet, 0);
  encodeTcHeader({ ackFlags: opts.ackFlags ?? cmd.ackFlags ?? 0xf, service: cmd.service, subtype: cmd.subtype, sourceId: opts.sourceId ?? 0 }, profile, packet, PRIMARY_HEADER_LENGTH);
  packet.set(appData, PRIMARY_HEADER_LENGTH + headerLen);
  if (profile.pec) {
    const pec = crc16(packet, 0, total - 2);
    packet[total - 2] = pec >>> 8;
    packet[total - 1] = pec & 0xff;
  }
  return { ok: true, value: { packet, command: cmd, raw } };
}

/** Pack raw values of `params` MSB first without alignment; the last octet is zero-padded. */
export function packParameters(params: readonly TcParameter[], raw: readonly RawValue[]): Uint8Array {
  const w = new BitWriter();
  params.forEach((p, i) => {
    const v = raw[i];
    if (v === undefined) throw new RangeError(`no raw value for parameter ${p.name}`);
    if (v instanceof Uint8Array) {
      w.writeBytes(v);
    } else if (p.type === 'float') {
      const bytes = new Uint8Array(p.bits === 32 ? 4 : 8);
      const view = new DataView(bytes.buffer);
      if (p.bits === 32) view.setFloat32(0, Number(v));
      else view.setFloat64(0, Number(v));
      w.writeBytes(bytes);
    } else {
      w.writeBits(typeof v === 'bigint' ? v : BigInt(v), parameterBits(p));
    }
  });
  return w.finish();
}
