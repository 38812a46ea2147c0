/**
 * @module L0 order: packets sorted by packet time, then by sequence count (wrap-aware, CCSDS 133.0-B-2
 * §4.1.3.4.2.2: counts run modulo 16384, so 0 follows 16383), with identical packets (same bytes) removed.
 *
 * Packets without a time keep their place behind the packet that arrived before them (they sort with the
 * last known time in arrival order), so a stream without secondary headers keeps its arrival order.
 * Equal times and APIDs order by the signed wrap-aware count difference: segments of one frame, which
 * share their time, come out first-to-last even across a wrap.
 */
import { SEQUENCE_MODULO } from '../../src/ccsds/primary-header.js';
import type { L0Packet } from './types.js';

/** Signed wrap-aware difference `a − b` of two sequence counts, in −8192…8191. */
export function sequenceDelta(a: number, b: number): number {
  const d = (a - b) & (SEQUENCE_MODULO - 1);
  return d >= SEQUENCE_MODULO / 2 ? d - SEQUENCE_MODULO : d;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** Result of {@link sortPackets}. */
export interface SortedPackets {
  readonly packets: L0Packet[];
  /** The arrival index of each kept packet (for checks done in arrival order). */
  readonly arrival: Int32Array;
  /** Duplicates removed: identical packets, and CRC-failed copies of packets received intact. */
  readonly duplicates: number;
}

/**
 * Sort packets into L0 order and drop duplicates: the same bytes delivered twice (two stations, a replay), and a
 * copy whose CRC failed of a packet also received intact (the intact one is kept, wherever it came). Other
 * packets that share APID, count and time but differ in bytes are all kept. Stable: equal keys keep arrival
 * order. Does not modify the input.
 */
export function sortPackets(input: readonly L0Packet[]): SortedPackets {
  const n = input.length;
  const time = new Float64Array(n);
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = input[i]!.tai;
    if (t !== undefined && Number.isFinite(t)) last = t;
    time[i] = last;
  }
  const before = (i: number, j: number): number => {
    const dt = time[i]! - time[j]!;
    if (dt !== 0) return dt;
    const a = input[i]!, b = input[j]!;
    if (a.apid !== b.apid) return a.apid - b.apid;
    const ds = sequenceDelta(a.sequenceCount, b.sequenceCount);
    return ds !== 0 ? ds : i - j;
  };
  // Usually already in order (the archive hands packets in time order): one pass instead of a sort.
  let inOrder = true;
  for (let i = 1; i < n && inOrder; i++) inOrder = before(i - 1, i) < 0;
  const sorted = new Int32Array(n);
  for (let i = 0; i < n; i++) sorted[i] = i;
  if (!inOrder) sorted.sort(before);
  const packets: L0Packet[] = [];
  const arrival: number[] = [];
  let duplicates = 0;
  let groupStart = 0;
  for (const i of sorted) {
    const p = input[i]!;
    const prev = packets[packets.length - 1];
    const prevIndex = arrival[arrival.length - 1];
    if (prev === undefined || prevIndex === undefined || time[prevIndex] !== time[i] || prev.apid !== p.apid || prev.sequenceCount !== p.sequenceCount) {
      groupStart = packets.length;
    } else {
      // Same time, APID and count: a duplicate when the bytes equal any kept packet of the group, or when it is
      // a copy whose CRC failed of a packet also received intact (two stations, one with a bit error).
      let dup = false;
      for (let k = groupStart; k < packets.length && !dup; k++) {
        const q = packets[k]!;
        dup = sameBytes(q.bytes, p.bytes) || (p.crc === 'bad' && q.crc === 'ok' && q.bytes.length === p.bytes.length);
      }
      if (dup) { duplicates++; continue; }
      if (p.crc === 'ok') {
        // The intact copy replaces a CRC-failed copy kept before it.
        let replaced = false;
        for (let k = groupStart; k < packets.length && !replaced; k++) {
          if (packets[k]!.crc === 'bad' && packets[k]!.bytes.length === p.bytes.length) {
            packets[k] = p;
            arrival[k] = i;
            replaced = true;
          }
        }
        if (replaced) { duplicates++; continue; }
      }
    }
    packets.push(p);
    arrival.push(i);
  }
  return { packets, arrival: Int32Array.from(arrival), duplicates };
}
