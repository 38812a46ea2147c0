/**
 * @module Sequence-count continuity per APID (CCSDS 133.0-B-2 §4.1.3.4.2: a 14-bit count per APID, modulo
 * 16384): gaps with their missing-packet counts, repeated packets (duplicates), and out-of-order packets.
 *
 * A duplicate is a packet whose (sequence count, fingerprint) matches one of the APID's last 64 packets; the
 * fingerprint folds the length, the 16 octets after the primary header (where PUS puts the time) and the
 * last two octets (the PEC, when there is one): cheap enough for every packet.
 * Whether a jump is a gap, a counter reset or a step back is decided by continuity.ts (packet times against the
 * APID's cadence).
 */
import { ContinuityState, type SequenceReset } from './continuity.js';

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

/** A counter reset found by the tracker: where, and the time (TAI, else ground Unix s) of the packet after it. */
export interface TrackedReset extends SequenceReset {
  /** On-board time (TAI) of the packet after the reset when usable. */
  readonly obtTai: number | undefined;
  /** Ground time (Unix s) of that packet when known. */
  readonly groundUnixSeconds: number | undefined;
  readonly file: string;
  readonly offset: number;
}

/** What the tracker decided for one packet. */
export const SeqVerdict = { Ok: 0, First: 1, Gap: 2, Duplicate: 3, OutOfOrder: 4, Reset: 5 } as const;
export type SeqVerdict = (typeof SeqVerdict)[keyof typeof SeqVerdict];

interface ApidState {
  cont: ContinuityState;
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
  /** The last reset found (valid right after `check` returned Reset). */
  lastReset: TrackedReset | undefined;

  /** `periodOf`: the APID's declared nominal period (s), else the cadence is learned from the stream. */
  constructor(private readonly periodOf?: (apid: number) => number | undefined) {}

  /**
   * `time`: the packet time (TAI) reported around gaps; `obt`, `ground`: what continuity compares (continuity.ts
   * `stepTimes`/`usableObt`; undefined = not usable).
   */
  check(apid: number, seq: number, time: number | undefined, buf: Uint8Array, offset: number, length: number, file: string, streamOffset: number,
    obt: number | undefined, ground: number | undefined): SeqVerdict {
    const fp = fingerprint(buf, offset, length);
    let st = this.states[apid];
    if (!st) {
      st = { cont: new ContinuityState(this.periodOf?.(apid)), lastTime: time, ringSeq: new Int32Array(RING).fill(-1), ringFp: new Int32Array(RING), ringPos: 0 };
      this.states[apid] = st;
      st.cont.stepAt(seq, obt, ground);
      this.remember(st, seq, fp);
      return SeqVerdict.First;
    }
    const last = st.cont.lastSeq;
    if (seq !== ((last + 1) & 0x3fff)) {
      for (let i = 0; i < RING; i++) if (st.ringSeq[i] === seq && st.ringFp[i] === fp) return SeqVerdict.Duplicate;
    }
    const kind = st.cont.stepAt(seq, obt, ground);
    this.remember(st, seq, fp);
    if (kind === 'out-of-order') return SeqVerdict.OutOfOrder;
    let verdict: SeqVerdict = SeqVerdict.Ok;
    if (kind === 'gap') {
      this.lastGap = { apid, afterSeq: last, beforeSeq: seq, missing: ((seq - last) & 0x3fff) - 1, afterTime: st.lastTime, beforeTime: time, file, offset: streamOffset };
      verdict = SeqVerdict.Gap;
    } else if (kind === 'reset') {
      const e = st.cont.lastElapsed;
      this.lastReset = {
        apid, afterSeq: last, beforeSeq: seq, axis: e.axis!, elapsedSeconds: e.seconds!, cadenceSeconds: st.cont.lastCadence!,
        obtTai: obt, groundUnixSeconds: ground, file, offset: streamOffset,
      };
      verdict = SeqVerdict.Reset;
    }
    if (time !== undefined) st.lastTime = time;
    return verdict;
  }

  private remember(st: ApidState, seq: number, fp: number): void {
    st.ringSeq[st.ringPos] = seq;
    st.ringFp[st.ringPos] = fp;
    st.ringPos = (st.ringPos + 1) % RING;
  }
}
