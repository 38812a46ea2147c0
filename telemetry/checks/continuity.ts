/**
 * @module Sequence-count steps: continuous, a gap, a counter **reset**, or out of order. One rule, used by
 * `packets inspect` (sequence.ts), the archive gap report (telemetry/gaps) and L0 processing (telemetry/products).
 *
 * The 14-bit count (CCSDS 133.0-B-2 §4.1.3.4.2.2, modulo 16384) steps by 1 from one packet of an APID to the
 * next. A step of s ≠ 1 reads as s − 1 packets missing, but a counter that restarts (instrument reboot, mode
 * change) makes any step: a restart from 0 after count 5000 is a step of 11384. The packet times decide: a jump
 * is a gap only when the time elapsed between the two packets can hold the packets it implies, i.e.
 *
 *     s − 1 ≤ TOLERANCE × Δt / cadence          (else: a reset)
 *
 * with `cadence` the APID's nominal period (`apids[].periodSeconds` in the config) or, when none is declared,
 * the shortest of the last {@link CADENCE_RING} intervals between packets with consecutive counts (learned
 * once {@link MIN_INTERVALS} such intervals were seen). Δt is taken on the on-board time axis when both packets
 * have a usable one, else on the ground axis (DDS or capture time), see {@link stepTimes}.
 *
 * Limits: without times or a cadence (the first packets of an APID, packet files read without a profile, plain
 * files whose only ground time is the receipt time) the old rule applies: a step back of more than half the
 * range is out of order unless the time moved forward, anything else is a gap. A reset that restarts the count
 * just above the last one, within what the elapsed time could hold, cannot be told from a gap and is a gap. A
 * burst faster than the nominal cadence lowers the learned cadence, which makes the rule lean to "gap".
 */
import { SEQUENCE_MODULO } from '../../src/ccsds/primary-header.js';
import { TAI_UNIX_OFFSET } from '../../src/time/index.js';

/** A jump is a gap while the implied missing packets fit in TOLERANCE × Δt / cadence (jitter, clock drift). */
export const TOLERANCE = 2;
/** Intervals remembered per APID and axis to learn the cadence. */
export const CADENCE_RING = 16;
/** Intervals needed before a learned cadence is used. */
export const MIN_INTERVALS = 2;
/** On-board times before 1990-01-01 (TAI s since 1958: 32 years incl. 8 leap days, + 25 s TAI−UTC) are unusable. */
export const OBT_PLAUSIBLE_FROM_TAI = 1_009_843_225;
/** …and so are those further than this from the packet's ground time, when it has one (a year, in seconds). */
export const OBT_MAX_FROM_GROUND = 366 * 86_400;

export type StepKind = 'continuous' | 'gap' | 'reset' | 'out-of-order';

/** The two times a packet offers the check, in seconds (each axis only compared with itself). */
export interface StepTimes {
  /** On-board time (TAI s since 1958), when usable. */
  readonly obt: number | undefined;
  /** Ground time (Unix s: DDS header, capture, receipt), when known. */
  readonly ground: number | undefined;
}

/**
 * The one accessor of packet times for continuity (the merge point with the time axes of issue 11): on-board
 * time is usable when present, not before 1990 and, when the packet has a ground time, within a year of it (an
 * unsynchronised clock restarted near its epoch, or a not-synchronised flag read as part of the count, fails
 * these); ground time is whatever the packet came with.
 */
export function stepTimes(obtTai: number | undefined, groundUnixSeconds: number | undefined): StepTimes {
  const ground = groundUnixSeconds !== undefined && Number.isFinite(groundUnixSeconds) ? groundUnixSeconds : undefined;
  return { obt: usableObt(obtTai, ground), ground };
}

/** The on-board time when usable for continuity (see {@link stepTimes}), else undefined. */
export const usableObt = (obtTai: number | undefined, groundUnixSeconds?: number): number | undefined =>
  obtTai !== undefined && Number.isFinite(obtTai) && obtTai >= OBT_PLAUSIBLE_FROM_TAI
    && (groundUnixSeconds === undefined || Math.abs(obtTai - TAI_UNIX_OFFSET - groundUnixSeconds) <= OBT_MAX_FROM_GROUND) ? obtTai : undefined;

/** What the time between two packets says, and on which axis. */
export interface Elapsed {
  readonly axis: 'obt' | 'ground' | undefined;
  readonly seconds: number | undefined;
}

/**
 * Classify a step `step` = (count − previous count) mod 16384 given Δt (s) and the cadence (s), either may be
 * unknown. See the module comment for the rule.
 */
export function judgeStep(step: number, dt: number | undefined, cadence: number | undefined): StepKind {
  if (step === 1) return 'continuous';
  if (step === 0) return 'out-of-order';
  if (dt !== undefined && dt >= 0 && cadence !== undefined && cadence > 0) {
    return step - 1 <= (TOLERANCE * dt) / cadence ? 'gap' : 'reset';
  }
  const back = step > SEQUENCE_MODULO / 2 && !(dt !== undefined && dt > 0);
  return back ? 'out-of-order' : 'gap';
}

/** Per-APID learning of the cadence on one axis: the shortest of the last intervals of consecutive counts. */
export class CadenceLearner {
  private readonly ring = new Float64Array(CADENCE_RING);
  private count = 0;

  /** Remember the interval between two packets whose counts were consecutive (zero and negative ignored). */
  add(seconds: number | undefined): void {
    if (seconds === undefined || !(seconds > 0)) return;
    this.ring[this.count % CADENCE_RING] = seconds;
    this.count++;
  }

  /** The learned cadence, or undefined with fewer than {@link MIN_INTERVALS} intervals. */
  get cadence(): number | undefined {
    if (this.count < MIN_INTERVALS) return undefined;
    let min = Infinity;
    for (let i = 0; i < Math.min(this.count, CADENCE_RING); i++) if (this.ring[i]! < min) min = this.ring[i]!;
    return min;
  }
}

/** A counter reset found in a stream: the counts around it and the time of the first packet after it. */
export interface SequenceReset {
  readonly apid: number;
  readonly afterSeq: number;
  readonly beforeSeq: number;
  /** The axis the decision was taken on, the elapsed time and the cadence used. */
  readonly axis: 'obt' | 'ground';
  readonly elapsedSeconds: number;
  readonly cadenceSeconds: number;
}

/**
 * Continuity state of one APID: feed packets in order with {@link ContinuityState.step}. `periodSeconds` (declared)
 * wins over the learned cadence on both axes.
 */
export class ContinuityState {
  private last = -1;
  // The last packet's own times (no object per packet: this runs for every packet).
  private lastObt: number | undefined;
  private lastGround: number | undefined;
  private readonly learnObt = new CadenceLearner();
  private readonly learnGround = new CadenceLearner();
  /** Set by `step` when it returned something else than `continuous`. */
  lastElapsed: Elapsed = { axis: undefined, seconds: undefined };
  lastCadence: number | undefined;

  constructor(private readonly periodSeconds?: number) {}

  get started(): boolean { return this.last >= 0; }
  get lastSeq(): number { return this.last; }

  cadenceOn(axis: 'obt' | 'ground' | undefined): number | undefined {
    if (this.periodSeconds !== undefined) return this.periodSeconds;
    return axis === 'obt' ? this.learnObt.cadence : axis === 'ground' ? this.learnGround.cadence : undefined;
  }

  /**
   * Judge the packet (count `seq`, times `t`) against the last one kept; the state moves on unless the packet
   * is out of order. The first packet of the APID is `continuous`.
   */
  step(seq: number, t: StepTimes): StepKind {
    return this.stepAt(seq, t.obt, t.ground);
  }

  /** {@link step} with the times as numbers (the hot path: no object per packet). */
  stepAt(seq: number, obt: number | undefined, ground: number | undefined): StepKind {
    if (this.last < 0) {
      this.accept(seq, obt, ground);
      return 'continuous';
    }
    const s = (seq - this.last) & (SEQUENCE_MODULO - 1);
    if (s === 1) {
      if (this.lastObt !== undefined && obt !== undefined) this.learnObt.add(obt - this.lastObt);
      if (this.lastGround !== undefined && ground !== undefined) this.learnGround.add(ground - this.lastGround);
      this.accept(seq, obt, ground);
      return 'continuous';
    }
    const e: Elapsed = this.lastObt !== undefined && obt !== undefined ? { axis: 'obt', seconds: obt - this.lastObt }
      : this.lastGround !== undefined && ground !== undefined ? { axis: 'ground', seconds: ground - this.lastGround }
        : { axis: undefined, seconds: undefined };
    const cadence = this.cadenceOn(e.axis);
    const kind = judgeStep(s, e.seconds, cadence);
    this.lastElapsed = e;
    this.lastCadence = cadence;
    if (kind !== 'out-of-order') this.accept(seq, obt, ground);
    return kind;
  }

  // Only the last packet's own times: Δt must span exactly the step it is compared with.
  private accept(seq: number, obt: number | undefined, ground: number | undefined): void {
    this.last = seq;
    this.lastObt = obt;
    this.lastGround = ground;
  }
}
