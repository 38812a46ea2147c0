/**
 * @module The times and ground fields of one packet as the L0 index records them (the three time axes of
 * src/time/packet-times.ts, in one place):
 * - `obtRaw`: the secondary header's time field as received (CCSDS 301.0-B-4 §3.2 CUC, §3.3 CDS), the integer
 *   of its first ≤ 8 octets, big-endian (CUC 4+2: coarse × 2^16 + fine); 0 when the packet has none;
 * - `packetTai`: the packet time on the mission's chosen axis (what the product is sorted and windowed by), TAI
 *   seconds since 1958; -1 when none;
 * - `utcTai`: UTC from on-board time through the time correlation, TAI seconds since 1958; -1 when it is not used
 *   (no on-board time, not covered, implausible, flagged unsynchronised, or the ground axis chosen);
 * - `status`: why (src/time TimeStatus: 0 synchronised, 1 no on-board time, 2 not covered by a coefficient set,
 *   3 implausible, 4 flagged unsynchronised by the header, 5 ground axis chosen);
 * - `groundTai`: ground time (the DDS header time, else the receipt time), TAI seconds since 1958, -1 when none;
 * - `station`, `virtualChannel`: DDS header ground station and virtual channel (0 without a DDS header).
 */
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { timeOffsetOf } from '../../src/ccsds/secondary-header.js';
import { utcUnixToTai } from '../../src/time/index.js';
import type { L0Packet } from './types.js';

export interface PacketTimes {
  /** `obtRaw` as two 32-bit halves (exact for 8 octets). */
  obtHigh: number;
  obtLow: number;
  /** Whether the packet has an on-board time (`obtHigh`/`obtLow` are 0 otherwise). */
  hasObt: boolean;
  packetTai: number;
  utcTai: number;
  status: number;
  groundTai: number;
  station: number;
  virtualChannel: number;
}

/** Octets of the time field (≤ 8 read), or 0 when the profile has none. */
function timeFieldOctets(profile: PacketProfile): number {
  const t = profile.time;
  if (t.code === 'cuc') return Math.min(8, t.coarseOctets + t.fineOctets);
  return Math.min(8, t.dayOctets + 4 + (t.subMs === 'us' ? 2 : t.subMs === 'ps' ? 4 : 0));
}

/**
 * A function filling `out` with the index times of a packet, for `profile` (computed once per product).
 * The same object is reused: copy what you keep.
 */
export function packetTimesFor(profile: PacketProfile): (p: L0Packet, out: PacketTimes) => PacketTimes {
  const offset = timeOffsetOf(profile);
  const pField = profile.time.pField ? 1 : 0;
  const octets = offset < 0 ? 0 : timeFieldOctets(profile);
  // Ground times repeat (a batch or a DDS file shares one): convert each distinct one once.
  let lastMs = NaN, lastTai = -1;
  return (p, out) => {
    const b = p.bytes;
    const at = offset + pField;
    let hi = 0, lo = 0;
    // timeStatus 1: no on-board time (src/time TimeStatus); without a status, a packet time is an on-board one.
    const status = p.timeStatus ?? (p.tai === undefined ? 1 : 0);
    const has = status !== 1 && octets > 0 && b.length >= at + octets;
    if (has) {
      for (let k = 0; k < octets; k++) {
        hi = ((hi << 8) | (lo >>> 24)) >>> 0;
        lo = ((lo << 8) | b[at + k]!) >>> 0;
      }
    }
    out.obtHigh = hi;
    out.obtLow = lo;
    out.hasObt = has;
    out.packetTai = p.tai ?? -1;
    out.utcTai = status === 0 && p.tai !== undefined ? p.tai : -1;
    out.status = status;
    const ms = p.groundUnixMs ?? p.receivedUnixMs;
    if (ms === undefined) out.groundTai = -1;
    else if (ms === lastMs) out.groundTai = lastTai;
    else { lastMs = ms; out.groundTai = lastTai = utcUnixToTai(ms / 1000); }
    out.station = p.station ?? 0;
    out.virtualChannel = p.virtualChannel ?? 0;
    return out;
  };
}

/** An empty record for {@link packetTimesFor}. */
export const emptyTimes = (): PacketTimes => ({ obtHigh: 0, obtLow: 0, hasObt: false, packetTai: -1, utcTai: -1, status: 1, groundTai: -1, station: 0, virtualChannel: 0 });

/**
 * A spacecraft clock count as ESA PSA labels write it (`psa:spacecraft_clock_start_count`, e.g.
 * `1/0793930200:26725`: partition / coarse seconds, 10 digits : fine count), from a CUC on-board time
 * (CCSDS 301.0-B-4 §3.2; the coarse MSB left out when it is a synchronisation flag). Undefined for CDS
 * time codes and packets without time.
 */
export function clockCount(t: Pick<PacketTimes, 'obtHigh' | 'obtLow' | 'hasObt'>, profile: PacketProfile): string | undefined {
  const code = profile.time;
  if (code.code !== 'cuc' || !t.hasObt) return undefined;
  const raw = BigInt(t.obtHigh) * 4294967296n + BigInt(t.obtLow);
  const fineBits = BigInt(Math.min(8, code.coarseOctets + code.fineOctets) - code.coarseOctets) * 8n;
  let coarse = raw >> fineBits;
  if (code.syncFlagInMsb) coarse &= (1n << BigInt(code.coarseOctets * 8 - 1)) - 1n;
  const fine = raw & ((1n << fineBits) - 1n);
  const fineDigits = String((1n << fineBits) - 1n).length;
  return `1/${String(coarse).padStart(10, '0')}:${String(fine).padStart(fineDigits, '0')}`;
}
