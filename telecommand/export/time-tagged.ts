/**
 * @module PUS service 11 "insert activities into the time-based schedule", TC[11,4] (ECSS-E-ST-70-41C §6.11;
 * formats.md §6.4).
 *
 * Application data written here:
 *
 *   [N (u8)]  ‖  N × ( release time ‖ complete inner TC packet, with its own PEC )
 *
 * The minimal form (tmtccmd) is "release time ‖ inner TC"; the standard's full form adds the count N and
 * optional sub-schedule / group IDs per instruction, in a field order that is mission tailoring
 * (formats.md §6.4, unverified). So N is written by default and can be left out (`includeCount: false`);
 * sub-schedule and group IDs are not written. The release time is on-board absolute time, by default a CUC
 * 4+2 without P-field at the CCSDS epoch, written by the time module's `encodeCuc`. The outer packet has its
 * own sequence count and PEC.
 */
import { DEFAULT_TIME } from '../../src/ccsds/profile.js';
import { PRIMARY_HEADER_LENGTH, packetLengthAt } from '../../src/ccsds/primary-header.js';
import { encodeCuc, type CucSpec } from '../../src/time/cuc.js';
import type { TaiSeconds } from '../../src/time/tai.js';
import { encodeTcRaw, type EncodeOptions } from '../encode/encode-tc.js';
import type { TcCommand } from '../../src/mdb/commands/types.js';

/** One activity: the release time (TAI seconds since 1958) and the complete inner TC packet. */
export interface TimeTaggedTc {
  readonly releaseTai: TaiSeconds;
  readonly packet: Uint8Array;
}

/** Options of {@link wrapTimeTagged}. */
export interface TimeTaggedOptions extends EncodeOptions {
  /** Write the instruction count N (u8) first. Default true. */
  readonly includeCount?: boolean;
  /** Release time code. Default CUC 4+2, no P-field, CCSDS epoch. */
  readonly time?: CucSpec;
}

/** TC[11,4] as a database-less command definition (no parameters: the application data is built here). */
const TC_11_4: TcCommand = { name: 'TC_11_4', description: 'Insert activities into the time-based schedule', apid: 0, service: 11, subtype: 4, parameters: [] };

/**
 * Build the TC[11,4] packet scheduling `inner` (in the order given). `opts.apid` is the scheduler's APID
 * (default 0); sequence count, acks, source ID and header profile as for {@link encodeTcRaw}.
 * @throws RangeError when `inner` is empty, N exceeds 255 with `includeCount`, an inner packet's length field
 * disagrees with its size, a release time does not fit the time code, or the packet exceeds 65542 octets.
 */
export function wrapTimeTagged(inner: readonly TimeTaggedTc[], opts: TimeTaggedOptions = {}): Uint8Array {
  if (inner.length === 0) throw new RangeError('TC[11,4] needs at least one activity');
  const includeCount = opts.includeCount ?? true;
  if (includeCount && inner.length > 255) throw new RangeError(`${inner.length} activities do not fit the u8 count N`);
  const spec = opts.time ?? (DEFAULT_TIME as CucSpec);
  const parts: Uint8Array[] = includeCount ? [Uint8Array.of(inner.length)] : [];
  inner.forEach((a, i) => {
    if (a.packet.length < PRIMARY_HEADER_LENGTH + 1 || packetLengthAt(a.packet, 0) !== a.packet.length) {
      throw new RangeError(`activity ${i}: packet of ${a.packet.length} octets does not match its length field`);
    }
    parts.push(encodeCuc(a.releaseTai, spec), a.packet);
  });
  const appData = Buffer.concat(parts);
  const r = encodeTcRaw({ ...TC_11_4, parameters: [{ name: 'DATA', type: 'octets', length: appData.length }] }, [appData], opts);
  if (!r.ok) throw new RangeError(r.problems.map((p) => p.message).join('; '));
  return r.value.packet;
}
