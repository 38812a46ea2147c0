/**
 * @module Per-packet checks of an L0 stream, each setting a {@link QualityFlag} bit: length against the primary
 * header (CCSDS 133.0-B-2 §4.1.3.5.3), PEC, sequence continuity per APID (wrap-aware, §4.1.3.4.2.2), packet
 * time present, monotonic per APID in arrival order, and inside the plausible range, and the secondary header's
 * PUS version for the profile (PUS-C: 2, ECSS-E-ST-70-41C §7.4.3.1 / §7.4.4.1; PUS-A: 1, ECSS-E-70-41A §5.3.1).
 *
 * In L0 order (sorted by time) time cannot step back, so monotonicity is judged in arrival order (the order the
 * packets were handed to the builder) per APID and per `source`. Gap, counter reset or step back: one rule for
 * all of idoc, telemetry/checks/continuity.ts (a reset is counted, not flagged and not a gap). L0 packets carry
 * no ground time yet (the archive's receipt time is not a packet time), so only usable packet times count.
 */
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { ContinuityState, usableObt, type SequenceReset } from '../checks/continuity.js';
import { QualityFlag, type L0Gap, type L0Packet } from './types.js';

export interface CheckOptions {
  readonly profile: PacketProfile;
  /** Plausible packet times, TAI seconds, inclusive. Default: no range check. */
  readonly timeRange?: { readonly minTai: number; readonly maxTai: number };
  /** Declared nominal period of an APID (s), for telling counter resets from gaps; else learned. */
  readonly periodOf?: (apid: number) => number | undefined;
  /**
   * Sequence state carried from the route's previous window (continuity and last time per APID), updated in
   * place: a gap across a window boundary is reported by the product after the boundary. Without it each window
   * starts fresh.
   */
  readonly carry?: SequenceCarry;
}

/** Continuity state and last packet time (NaN none) per APID, handed from one window to the next. */
export interface SequenceCarry {
  readonly cont: (ContinuityState | undefined)[];
  readonly tai: Float64Array;
}

/** A fresh {@link SequenceCarry}. */
export const newSequenceCarry = (): SequenceCarry => ({ cont: new Array<ContinuityState | undefined>(2048), tai: new Float64Array(2048).fill(NaN) });

export interface Checked {
  /** One word of {@link QualityFlag} bits per packet. */
  readonly flags: Uint32Array;
  readonly gaps: L0Gap[];
  /** Sequence counter resets (not gaps). */
  readonly resets: SequenceReset[];
}

/** The PUS version a profile's secondary headers carry in their first octet, or undefined (not checked). */
function pusVersionOf(profile: PacketProfile, firstOctet: number): { got: number; want: number } | undefined {
  switch (profile.secondaryHeader) {
    case 'pus-c': return { got: firstOctet >>> 4, want: 2 };
    case 'pus-a': return { got: (firstOctet >>> 4) & 7, want: 1 };
    default: return undefined;
  }
}

/**
 * Check `packets` (in L0 order). `arrival[i]` is the arrival index of packet i (see `sortPackets`); without it
 * the L0 order is taken as the arrival order.
 */
export function checkPackets(packets: readonly L0Packet[], options: CheckOptions, arrival?: Int32Array): Checked {
  const n = packets.length;
  const flags = new Uint32Array(n);
  const gaps: L0Gap[] = [];
  const resets: SequenceReset[] = [];
  const { cont, tai: lastTai } = options.carry ?? newSequenceCarry();
  const range = options.timeRange;
  const hasTime = options.profile.secondaryHeader !== 'none';
  for (let i = 0; i < n; i++) {
    const p = packets[i]!;
    const b = p.bytes;
    let f = 0;
    if (b.length < 7 || ((b[4]! << 8) | b[5]!) + 7 !== b.length) f |= QualityFlag.Length;
    if (p.crc === 'bad') f |= QualityFlag.Crc;
    const t = p.tai;
    // timeStatus 1: no on-board time; other non-zero values: an on-board time not used (src/time TimeStatus).
    if (t === undefined || (p.timeStatus !== undefined && p.timeStatus !== 0)) {
      f |= QualityFlag.TimeMissing;
      if ((t === undefined || p.timeStatus === 1) && hasTime && b.length >= 6 && (b[0]! & 0x08) !== 0) f |= QualityFlag.PusHeader;
    }
    if (t !== undefined && range !== undefined && (t < range.minTai || t > range.maxTai)) {
      f |= QualityFlag.TimeOutOfRange;
    }
    if (b.length > 6 && (b[0]! & 0x08) !== 0) {
      const v = pusVersionOf(options.profile, b[6]!);
      if (v !== undefined && v.got !== v.want) f |= QualityFlag.PusHeader;
    }
    const apid = p.apid & 0x7ff;
    const c = cont[apid] ?? (cont[apid] = new ContinuityState(options.periodOf?.(apid)));
    const prev = c.lastSeq;
    const kind = c.stepAt(p.sequenceCount, p.timeStatus === undefined || p.timeStatus === 0 ? usableObt(t) : undefined, undefined);
    const prevT = lastTai[apid]!;
    if (kind === 'out-of-order') f |= QualityFlag.SequenceOrder;
    else if (kind === 'gap') {
      f |= QualityFlag.SequenceGap;
      gaps.push({ apid, afterSeq: prev, beforeSeq: p.sequenceCount, missing: ((p.sequenceCount - prev) & 0x3fff) - 1, afterTai: Number.isNaN(prevT) ? undefined : prevT, beforeTai: t });
    } else if (kind === 'reset') {
      const e = c.lastElapsed;
      resets.push({ apid, afterSeq: prev, beforeSeq: p.sequenceCount, axis: e.axis!, elapsedSeconds: e.seconds!, cadenceSeconds: c.lastCadence! });
    }
    if (!(f & QualityFlag.SequenceOrder) && t !== undefined) lastTai[apid] = t;
    flags[i] = f;
  }
  // Time monotonic per APID and source, in arrival order (a late delivery from another source is not a step back).
  let order: Int32Array | undefined;
  if (arrival) {
    let inOrder = true;
    for (let i = 1; i < n && inOrder; i++) inOrder = arrival[i - 1]! < arrival[i]!;
    if (!inOrder) order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => arrival[a]! - arrival[b]!);
  }
  const perSource = new Map<string, Float64Array>();
  let lastKey: string | undefined;
  let last: Float64Array | undefined;
  for (let k = 0; k < n; k++) {
    const i = order ? order[k]! : k;
    const p = packets[i]!;
    if (p.tai === undefined) continue;
    const key = p.source ?? '';
    if (key !== lastKey || last === undefined) {
      last = perSource.get(key);
      if (!last) { last = new Float64Array(2048).fill(NaN); perSource.set(key, last); }
      lastKey = key;
    }
    const apid = p.apid & 0x7ff;
    const prevT = last[apid]!;
    if (!Number.isNaN(prevT) && p.tai < prevT) flags[i] = flags[i]! | QualityFlag.TimeNotMonotonic;
    else last[apid] = p.tai;
  }
  return { flags, gaps, resets };
}
