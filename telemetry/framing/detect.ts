/**
 * @module `--framing auto`: tell the framings apart from a file's first bytes (the CRC per APID is decided in
 * crc-choice.ts). It looks only at the head of the file, so the choice does not depend on how the rest arrives.
 */
import { MAX_PACKET_LENGTH } from '../../src/ccsds/primary-header.js';
import { DDS_HEADER_LENGTH } from './dds/layout.js';
import { ddsHeaderConsistent } from './dds/reader.js';

/** How many head bytes detection reads. */
export const DETECT_BYTES = 256 * 1024;

export type FramingName = 'raw' | 'dds' | 'prefix' | 'pcap' | 'pcapng';

export interface FramingChoice {
  readonly framing: FramingName;
  /** Prefix octets, with `prefix`. */
  readonly prefixBytes?: number;
  /** Why: one sentence for the person reading the report. */
  readonly reason: string;
  /** Where the chain of records that decided it starts, when not at offset 0 (bytes before it are damage). */
  readonly start?: number;
}

const plausibleAt = (b: Uint8Array, o: number, maxLen: number): boolean => {
  if (o + 6 > b.length) return false;
  const b0 = b[o]!;
  if ((b0 & 0xe0) !== 0) return false;
  if ((b0 | b[o + 1]! | b[o + 2]! | b[o + 3]! | b[o + 4]! | b[o + 5]!) === 0) return false;
  return ((b[o + 4]! << 8) | b[o + 5]!) + 7 <= maxLen;
};
const lenAt = (b: Uint8Array, o: number): number => ((b[o + 4]! << 8) | b[o + 5]!) + 7;

/**
 * Number of consecutive records that chain from `start` with `h` framing octets before each packet
 * (counting a last record that ends exactly at the end of the head). DDS records also need a consistent header.
 */
function chainLength(b: Uint8Array, start: number, h: number, dds: boolean, maxLen: number, cap = 16): number {
  let p = start;
  let count = 0;
  while (count < cap) {
    const o = p + h;
    if (!plausibleAt(b, o, maxLen)) break;
    const len = lenAt(b, o);
    if (dds && !ddsHeaderConsistent(b, p, len)) break;
    if (o + len > b.length) break;
    count++;
    p = o + len;
    if (p === b.length) break;
    if (dds) while (p < b.length && b[p] === 0) p++; // zero runs between DDS records
  }
  return count;
}

/** Choose a framing from the head of a file. */
export function detectFraming(head: Uint8Array, maxPacketLength = MAX_PACKET_LENGTH): FramingChoice {
  if (head.length === 0) return { framing: 'raw', reason: 'empty input' };
  if (head.length >= 4) {
    const m = ((head[0]! << 24) >>> 0) + ((head[1]! << 16) | (head[2]! << 8) | head[3]!);
    if (m === 0x0a0d0d0a) return { framing: 'pcapng', reason: 'pcapng section header block magic 0x0A0D0D0A' };
    if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) {
      return { framing: 'pcap', reason: `pcap magic 0x${m.toString(16)}` };
    }
  }
  let lead = 0;
  while (lead < head.length && head[lead] === 0) lead++;
  const dds = chainLength(head, lead, DDS_HEADER_LENGTH, true, maxPacketLength);
  if (dds >= 1) {
    return { framing: 'dds', reason: `${dds} consecutive records with an 18-byte DDS header whose size matches the packet length` };
  }
  const raw = chainLength(head, 0, 0, false, maxPacketLength);
  let best: FramingChoice | undefined;
  let bestCount = 0;
  if (raw >= 2 || (raw >= 1 && lenAt(head, 0) === head.length)) {
    best = { framing: 'raw', reason: `${raw} consecutive CCSDS packets from offset 0` };
    bestCount = raw;
  }
  for (let n = 1; n <= 16; n++) {
    const c = chainLength(head, 0, n, false, maxPacketLength);
    if (c > bestCount && c >= 2) {
      best = { framing: 'prefix', prefixBytes: n, reason: `${c} consecutive packets each behind a ${n}-byte prefix` };
      bestCount = c;
    }
  }
  if (bestCount >= 16) return best!;
  // A weak head (damaged first bytes): a longer chain further on outweighs a short one from offset 0, so a few
  // bad bytes before thousands of packets do not lock the file onto a framing they happen to fit.
  const late = laterChain(head, maxPacketLength);
  if (late && late.count > bestCount) {
    const what = late.dds ? 'records with an 18-byte DDS header whose size matches the packet length'
      : late.h === 0 ? 'CCSDS packets' : `packets each behind a ${late.h}-byte prefix`;
    const reason = `${late.count} consecutive ${what} from offset ${late.start} (the ${late.start} bytes before them are not packets)`;
    if (late.dds) return { framing: 'dds', reason, start: late.start };
    return late.h === 0 ? { framing: 'raw', reason, start: late.start } : { framing: 'prefix', prefixBytes: late.h, reason, start: late.start };
  }
  return best ?? { framing: 'raw', reason: 'no framing recognised in the first bytes; reading as raw packets with resynchronisation' };
}

/** Head bytes searched for a chain when the first bytes are damaged. */
export const LEAD_SCAN_BYTES = 4096;
/** Records a later chain is followed for (more evidence than the 16 looked at from offset 0). */
const LATE_CAP = 64;

/** The longest chain (DDS, raw, prefix 1..16) starting within the first {@link LEAD_SCAN_BYTES}, earliest on ties. */
function laterChain(head: Uint8Array, maxLen: number): { h: number; dds: boolean; start: number; count: number } | undefined {
  let best: { h: number; dds: boolean; start: number; count: number } | undefined;
  const end = Math.min(head.length, LEAD_SCAN_BYTES);
  const candidates: Array<[number, boolean]> = [[DDS_HEADER_LENGTH, true], [0, false]];
  for (let n = 1; n <= 16; n++) candidates.push([n, false]);
  for (let s = 1; s < end; s++) {
    for (const [h, dds] of candidates) {
      const c = chainLength(head, s, h, dds, maxLen, LATE_CAP);
      // Two records at least, eight without a DDS header to vouch for them (random bytes chain four now and then).
      if (c >= (dds ? 2 : 8) && c > (best?.count ?? 0)) best = { h, dds, start: s, count: c };
    }
    if (best && best.count >= LATE_CAP) break;
  }
  return best;
}
