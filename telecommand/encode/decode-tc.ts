/**
 * @module TC packet decoding: the inverse of encode-tc.ts. Checks the primary header (TC, secondary header
 * present, length), the PEC, the PUS version, then finds the command by service/subtype (APID match
 * preferred) and unpacks its parameters. Several commands may share a service/subtype (e.g. TC[8,1]
 * function IDs): the first whose fixed parameters match and whose length fits is taken.
 */
import { crc16 } from '../../src/ccsds/crc16.js';
import { decodePrimaryHeader, PRIMARY_HEADER_LENGTH, type PrimaryHeader } from '../../src/ccsds/primary-header.js';
import type { Problem } from '../../src/errors.js';
import { commandsByType } from '../../src/mdb/commands/lookup.js';
import { fromRaw, parameterBits, rawEqual, toRaw, type DecodedValue, type RawValue } from '../../src/mdb/commands/parameter-values.js';
import type { TcCommand, TcDatabase, TcParameter, TcResult } from '../../src/mdb/commands/types.js';
import { BitReader } from './bits.js';
import { tcProfile } from './encode-tc.js';
import { decodeTcHeader, PUS_VERSION, tcHeaderLength, type TcProfile, type TcSecondaryHeader } from './tc-header.js';

/** Options of {@link decodeTc}. */
export interface DecodeOptions {
  /** Header generation and PEC; default PUS-C with PEC. */
  readonly profile?: Partial<TcProfile>;
}

/** A decoded telecommand. */
export interface DecodedTc {
  readonly header: PrimaryHeader;
  readonly secondary: TcSecondaryHeader;
  readonly command: TcCommand;
  /** Raw and engineering value of every parameter, in packing order. */
  readonly values: readonly DecodedValue[];
  readonly raw: readonly RawValue[];
}

const problem = (code: string, message: string, at = 0): TcResult<never> => ({
  ok: false,
  problems: [{ code, path: `offset 0x${at.toString(16)} (${at})`, message }],
});

/** Decode one TC packet (exactly `bytes`) against `db`. Damage comes back as problems, never thrown. */
export function decodeTc(bytes: Uint8Array, db: TcDatabase, opts: DecodeOptions = {}): TcResult<DecodedTc> {
  const profile = tcProfile(opts.profile);
  const headerLen = tcHeaderLength(profile);
  const minLen = PRIMARY_HEADER_LENGTH + headerLen + (profile.pec ? 2 : 0);
  if (bytes.length < minLen) return problem('short', `${bytes.length} octets, a TC needs at least ${minLen}`);
  const header = decodePrimaryHeader(bytes, 0);
  const length = header.dataLength + 7;
  if (length !== bytes.length) return problem('length', `packet length field says ${length} octets, ${bytes.length} given`, 4);
  if (header.type !== 1) return problem('not-tc', 'packet type is 0 (telemetry), not a telecommand');
  if (!header.secondaryHeader) return problem('no-secondary-header', 'secondary header flag is 0: no PUS data field header');
  if (profile.pec && crc16(bytes) !== 0) {
    const got = (bytes[length - 2]! << 8) | bytes[length - 1]!;
    const want = crc16(bytes, 0, length - 2);
    return problem('pec', `PEC 0x${got.toString(16).padStart(4, '0')} wrong, expected 0x${want.toString(16).padStart(4, '0')}`, length - 2);
  }
  const secondary = decodeTcHeader(bytes, PRIMARY_HEADER_LENGTH, profile);
  if (secondary.pusVersion !== PUS_VERSION[profile.pus]) {
    return problem('pus-version', `PUS version ${secondary.pusVersion}, ${profile.pus} expects ${PUS_VERSION[profile.pus]}`, PRIMARY_HEADER_LENGTH);
  }
  const candidates = commandsByType(db, secondary.service, secondary.subtype, header.apid);
  if (candidates.length === 0) {
    return problem('unknown-command', `no command TC[${secondary.service},${secondary.subtype}] in the database`, PRIMARY_HEADER_LENGTH + 1);
  }
  const start = PRIMARY_HEADER_LENGTH + headerLen;
  const end = length - (profile.pec ? 2 : 0);
  let first: Problem[] | undefined;
  for (const command of candidates) {
    const r = unpackParameters(command.parameters, bytes, start, end);
    if (r.ok) {
      return { ok: true, value: { header, secondary, command, raw: r.value, values: command.parameters.map((p, i) => fromRaw(p, r.value[i]!)) } };
    }
    first ??= r.problems.map((p) => ({ ...p, message: `${command.name}: ${p.message}` }));
  }
  return { ok: false, problems: first ?? [] };
}

/**
 * Unpack `params` from `buf[start, end)`. Fails when the data is too short, when more than the final
 * padding (under 8 bits, all zero) is left over, or when a fixed parameter has another value.
 */
export function unpackParameters(params: readonly TcParameter[], buf: Uint8Array, start: number, end: number): TcResult<RawValue[]> {
  const r = new BitReader(buf, start, end);
  const raw: RawValue[] = [];
  for (const p of params) {
    const bits = parameterBits(p);
    if (bits > r.remaining) return problem('short', `application data ends inside parameter ${p.name}`, end);
    let v: RawValue;
    if (p.type === 'octets' || p.type === 'string') v = r.readBytes(p.length ?? 0);
    else if (p.type === 'float') {
      const b = r.readBytes(bits / 8);
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      v = bits === 32 ? view.getFloat32(0) : view.getFloat64(0);
    } else {
      const u = r.readBits(bits);
      v = p.type === 'signed' ? BigInt.asIntN(bits, u) : u;
    }
    if (p.fixed && p.default !== undefined) {
      const want = toRaw(p, p.default);
      if (want.ok && !rawEqual(want.raw, v)) return problem('fixed-mismatch', `fixed parameter ${p.name} is ${String(v)}, expected ${String(want.raw)}`, start);
    }
    raw.push(v);
  }
  const left = r.remaining;
  if (left >= 8 || (left > 0 && r.readBits(left) !== 0n)) return problem('trailing-data', `${left} bits after the last parameter`, end);
  return { ok: true, value: raw };
}
