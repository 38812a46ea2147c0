/**
 * @module Variable-length CCSDS packets as fixed-length PDS4 tables: consecutive, contiguous packets
 * of equal length form one run, and each run becomes one `Table_Binary` whose `record_length` is the
 * packet length (PDS4 `Record_Binary/record_length` is fixed; see README.md for why and the
 * alternatives).
 */

/** Where one packet sits in the data file. */
export interface PacketSpan {
  /** Byte offset of the packet's first octet, 0-based. */
  readonly offset: number;
  /** Whole packet length in octets (primary header + data field, 7…65542). */
  readonly length: number;
}

/** A run of `records` packets of `length` octets each, back to back from `offset`. */
export interface PacketRun {
  readonly offset: number;
  readonly length: number;
  readonly records: number;
}

/**
 * Group packets into runs: a packet extends the current run when it has the same length and starts
 * where the run ends. Order is kept; packets are not sorted or merged across gaps.
 * @throws RangeError on a negative offset, a length outside 7…65542, or overlapping packets.
 */
export function packetRuns(packets: readonly PacketSpan[]): PacketRun[] {
  const runs: PacketRun[] = [];
  let end = 0;
  for (const [i, p] of packets.entries()) {
    if (!Number.isSafeInteger(p.offset) || p.offset < 0) throw new RangeError(`packet ${i}: bad offset ${p.offset}`);
    if (!Number.isInteger(p.length) || p.length < 7 || p.length > 65542) {
      throw new RangeError(`packet ${i} at offset ${p.offset}: length ${p.length} outside 7…65542 (CCSDS 133.0-B-2 §4.1.3.5)`);
    }
    if (i > 0 && p.offset < end) throw new RangeError(`packet ${i} at offset ${p.offset} overlaps the previous packet (ends at ${end})`);
    const last = runs[runs.length - 1];
    if (last !== undefined && last.length === p.length && last.offset + last.length * last.records === p.offset) {
      runs[runs.length - 1] = { ...last, records: last.records + 1 };
    } else {
      runs.push({ offset: p.offset, length: p.length, records: 1 });
    }
    end = p.offset + p.length;
  }
  return runs;
}

/** Expand runs back to packets (inverse of {@link packetRuns} for its output). */
export const runsToPackets = (runs: readonly PacketRun[]): PacketSpan[] =>
  runs.flatMap((r) => Array.from({ length: r.records }, (_, k) => ({ offset: r.offset + k * r.length, length: r.length })));
