/**
 * @module Sequence-count continuity per APID (CCSDS 133.0-B-2 §4.1.3.4.2: a 14-bit count per APID, modulo
 * 16384): gaps with their missing-packet counts, repeated packets (duplicates), and out-of-order packets.
 *
 * A duplicate is a packet whose (sequence count, fingerprint) matches one of the APID's last 64 packets; the
 * fingerprint folds the length, the 16 octets after the primary header (where PUS puts the time) and the
 * last two octets (the PEC, when there is one): cheap enough for every packet.
 * A step of more than half the counter range is a step back (out of order) unless the packet time moved
 * forward, which makes it a long gap.
 */
import { SEQUENCE_MODULO } from '../../src/ccsds/primary-header.js';

const RING = 64;

function fingerprint(buf: Uint8Array, offset: number, length: number): number {
  let h = length | 0;
  const end = Math.min(offset + 22, offset + length);
  for (let i = offset + 6; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  h = Math.imul(h ^ buf[offset + length - 2]!, 0x01000193);
  h = Math.imul(h ^ buf[offset + length - 1]!, 0x01000193);
  return h | 0;
}

/** A sequence-count discontinuity. */
export interface SequenceGap {
  readonly apid: number;
  /** Count of the last packet before the gap. */
  readonly afterSeq: number;
  /** Count of the first packet after it. */
  readonly beforeSeq: number;
  /** Packets missing (wrap-aware). */
  readonly missing: number;
  /** Packet times around the gap (TAI), when known. */
  readonly afterTime: number | undefined;
  readonly beforeTime: number | undefined;
  /** Where the packet after the gap was found. */
  readonly file: string;
  readonly offset: number;
}

/** What the tracker decided for one packet. */
export const SeqVerdict = { Ok: 0, First: 1, Gap: 2, Duplicate: 3, OutOfOrder: 4 } as const;
export type SeqVerdict = (typeof SeqVerdict)[keyof typeof SeqVerdict];

interface ApidState {
  last: number;
  lastTime: number | undefined;
  ringSeq: Int32Array;
  ringFp: Int32Array;
  ringPos: number;
}

/** Tracks every APID; `check` is called once per packet in stream order. */
export class SequenceTracker {
  private readonly states: (ApidState | undefined)[] = new Array(2048);
  /** The last gap found (valid right after `check` returned Gap). */
  lastGap: SequenceGap | undefined;

  check(apid: number, seq: number, time: number | undefined, buf: Uint8Array, offset: number, length: number, file: string, streamOffset: number): SeqVerdict {
    const fp = fingerprint(buf, offset, length);
    let st = this.states[apid];
    if (!st) {
      st = { last: seq, lastTime: time, ringSeq: new Int32Array(RING).fill(-1), ringFp: new Int32Array(RING), ringPos: 0 };
      this.states[apid] = st;
      this.remember(st, seq, fp);
      return SeqVerdict.First;
    }
    const step = (seq - st.last) & (SEQUENCE_MODULO - 1);
    if (step !== 1) {
      for (let i = 0; i < RING; i++) if (st.ringSeq[i] === seq && st.ringFp[i] === fp) return SeqVerdict.Duplicate;
      // More than half the counter range forward reads as a step back, unless the packet time moved forward
      // (then it is a long gap); times alone never make a forward step "backwards" (bad clocks are common).
      const backwards = step > SEQUENCE_MODULO / 2 && !(time !== undefined && st.lastTime !== undefined && time > st.lastTime);
      if (step === 0 || backwards) {
        this.remember(st, seq, fp);
        return SeqVerdict.OutOfOrder;
      }
      this.lastGap = { apid, afterSeq: st.last, beforeSeq: seq, missing: step - 1, afterTime: st.lastTime, beforeTime: time, file, offset: streamOffset };
    }
    st.last = seq;
    if (time !== undefined) st.lastTime = time;
    this.remember(st, seq, fp);
    return step === 1 ? SeqVerdict.Ok : SeqVerdict.Gap;
  }

  private remember(st: ApidState, seq: number, fp: number): void {
    st.ringSeq[st.ringPos] = seq;
    st.ringFp[st.ringPos] = fp;
    st.ringPos = (st.ringPos + 1) % RING;
  }
}
