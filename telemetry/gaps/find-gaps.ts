/**
 * @module Gaps in the archive, per APID, in archive order (packet time, then sequence count; packets without a
 * packet time by arrival):
 * - **sequence** discontinuities of the 14-bit count (CCSDS 133.0-B-2 §4.1.3.4.2, modulo 16384), wrap-aware: a
 *   forward step of s means s − 1 packets missing; when the APID has a nominal period and the time between the
 *   two packets implies more, whole counter wraps are added (a gap longer than 16384 packets);
 * - **cadence** breaks where the config declares `periodSeconds`: two consecutive packets more than
 *   {@link CADENCE_FACTOR} × period apart. With continuous counts the missing number is the cadence estimate
 *   round(Δt / period) − 1.
 * A discontinuity that is both is one gap (`sequence+cadence`). Repeated counts (a corrupted copy kept beside the
 * good one) and steps back of more than half the counter range at the same time are not gaps.
 * A jump the elapsed time cannot hold at the APID's cadence is a counter **reset**, not a gap (the rule and its
 * limits: telemetry/checks/continuity.ts and telemetry/checks/README.md); resets are reported apart.
 */
import { SEQUENCE_MODULO } from '../../src/ccsds/primary-header.js';
import { ContinuityState, stepTimes, type SequenceReset } from '../checks/continuity.js';
import { taiToUtcIso } from '../../src/time/index.js';
import type { ArchiveReader } from '../../src/archive/index.js';
import { asTai } from '../../src/time/tai.js';

/** A time-cadence break is a step longer than this many periods. */
export const CADENCE_FACTOR = 1.5;

export type GapKind = 'sequence' | 'cadence' | 'sequence+cadence';

export interface Gap {
  readonly apid: number;
  readonly kind: GapKind;
  /** Count of the last packet before the gap and of the first after it. */
  readonly afterSeq: number;
  readonly beforeSeq: number;
  /** Packets missing (see the module comment). */
  readonly missing: number;
  /** Packet times (TAI) of the packets around the gap, when they have one. */
  readonly startTai: number | undefined;
  readonly endTai: number | undefined;
  /** DDS header times (Unix ms) of those packets when both came behind one: DDS re-requests use them. */
  readonly startGroundMs?: number;
  readonly endGroundMs?: number;
}

/**
 * The fields of a packet the gap finder reads: `tai` on the mission's chosen time axis (src/time/packet-times.ts),
 * `dds` the ground time when the packet came behind a DDS header.
 */
export interface GapPoint {
  readonly tai: number | undefined;
  readonly sequenceCount: number;
  readonly dds?: { readonly unixMs: number } | undefined;
  /** Ground time (Unix ms) and its kind (src/store PacketRow): a `pcap` capture timestamp counts like a DDS time. */
  readonly groundUnixMs?: number;
  readonly groundKind?: 'dds' | 'pcap' | 'receipt';
  /** How `tai` was found (src/time TimeStatus; 0 = synchronised on-board time); absent: taken as on-board. */
  readonly timeStatus?: number;
}

/** A counter reset in the archive: the counts around it and the times of the packet after it. */
export interface ArchiveReset extends SequenceReset {
  /** Packet time (TAI) of the first packet after the reset, when usable. */
  readonly tai: number | undefined;
  /** Its acquisition ground time (DDS header, capture timestamp), Unix ms, when known. */
  readonly groundUnixMs: number | undefined;
}

/** The acquisition ground time of a point (DDS header, else capture timestamp), Unix ms; undefined for a receipt time. */
const acquiredOf = (p: GapPoint): number | undefined =>
  p.dds ? p.dds.unixMs : p.groundKind === 'pcap' ? p.groundUnixMs : undefined;

// Resets are judged on synchronised on-board time, else on the acquisition ground time (a receipt time is shared
// by a whole delivery and says nothing about the time between its packets).
const timesOf = (p: GapPoint) => {
  const g = acquiredOf(p);
  return stepTimes(p.timeStatus === undefined || p.timeStatus === 0 ? p.tai : undefined, g !== undefined ? g / 1000 : undefined);
};

/**
 * Gaps in one APID's packets handed over one at a time in archive order (so rows read in batches need not be
 * held). `periodSeconds` enables cadence breaks (and is the cadence resets are judged with; else it is learned).
 * Counter resets found are pushed to `resets` when given.
 */
export class GapTracker {
  readonly gaps: Gap[] = [];
  private last: GapPoint | undefined;
  private readonly cont: ContinuityState;

  constructor(private readonly apid: number, private readonly periodSeconds?: number, private readonly resets?: ArchiveReset[]) {
    this.cont = new ContinuityState(periodSeconds);
  }

  push(p: GapPoint): void {
    const { apid, periodSeconds, cont, last } = this;
    const t = timesOf(p);
    if (!last) { this.last = p; cont.step(p.sequenceCount, t); return; }
    const step = (p.sequenceCount - last.sequenceCount + SEQUENCE_MODULO) % SEQUENCE_MODULO;
    const dt = p.tai !== undefined && last.tai !== undefined ? p.tai - last.tai : undefined;
    const kind = cont.step(p.sequenceCount, t);
    if (kind === 'out-of-order') return; // repeat or step back
    if (kind === 'reset') {
      const e = cont.lastElapsed;
      this.resets?.push({ apid, afterSeq: last.sequenceCount, beforeSeq: p.sequenceCount, axis: e.axis!, elapsedSeconds: e.seconds!, cadenceSeconds: cont.lastCadence!, tai: t.obt, groundUnixMs: acquiredOf(p) });
      this.last = p;
      return;
    }
    const byTime = periodSeconds !== undefined && dt !== undefined ? Math.max(0, Math.round(dt / periodSeconds) - 1) : undefined;
    const cadence = periodSeconds !== undefined && dt !== undefined && dt > CADENCE_FACTOR * periodSeconds;
    let missing = step - 1;
    if (missing > 0 && byTime !== undefined && byTime > missing + SEQUENCE_MODULO / 2) {
      missing += Math.round((byTime - missing) / SEQUENCE_MODULO) * SEQUENCE_MODULO;
    }
    if (step !== 1 || cadence) {
      this.gaps.push({
        apid, kind: step !== 1 ? (cadence ? 'sequence+cadence' : 'sequence') : 'cadence',
        afterSeq: last.sequenceCount, beforeSeq: p.sequenceCount,
        missing: step !== 1 ? missing : byTime ?? 0,
        startTai: last.tai, endTai: p.tai,
        ...(last.dds && p.dds ? { startGroundMs: last.dds.unixMs, endGroundMs: p.dds.unixMs } : {}),
      });
    }
    this.last = p;
  }
}

/** {@link GapTracker} over points given in archive order, all at once. */
export function gapsOf(apid: number, points: Iterable<GapPoint>, periodSeconds?: number, resets?: ArchiveReset[]): Gap[] {
  const g = new GapTracker(apid, periodSeconds, resets);
  for (const p of points) g.push(p);
  return g.gaps;
}

export interface GapQuery {
  /** APID ranges, inclusive; all APIDs in the archive when absent. */
  readonly apids?: readonly (readonly [number, number])[];
  /** Packet time window (TAI): only packets inside it are looked at. */
  readonly fromTai?: number;
  readonly toTai?: number;
  /** Nominal period of an APID, seconds (the config's `apids[].periodSeconds`). */
  readonly periodOf?: (apid: number) => number | undefined;
}

/**
 * Every gap in the archive, APID by APID, read through the archive port (rows in batches, never all at once).
 * Counter resets found are pushed to `resets` when given (they are not gaps).
 */
export async function findGaps(archive: ArchiveReader, q: GapQuery = {}, resets?: ArchiveReset[]): Promise<Gap[]> {
  const out: Gap[] = [];
  for (const apid of await archive.apids()) {
    if (q.apids && !q.apids.some(([lo, hi]) => apid >= lo && apid <= hi)) continue;
    out.push(...(await timedGapsOf(archive, apid, q, resets)));
  }
  return out;
}

/**
 * Gaps of one APID's rows. They come in chosen-axis order; when some are timed by ground time (their
 * on-board clock unsynchronised) and the others by on-board time, the two axes differ by the ground delay (1.5 s
 * in fixtures/patterns.ts, minutes of light time in flight), so rows around the change of axis interleave wrongly
 * (a packet counted before its predecessor: a false gap and a false reset). Then, when every row has an
 * acquisition time (DDS header, capture timestamp: the order the ground received them), the rows are judged in
 * that order instead (held in memory for this APID only). Rows with a receipt time only keep the chosen axis.
 */
async function timedGapsOf(archive: ArchiveReader, apid: number, q: GapQuery, resets: ArchiveReset[] | undefined): Promise<Gap[]> {
  const found: ArchiveReset[] = [];
  let groundTimed = false;
  let allAcquired = true;
  const period = q.periodOf?.(apid);
  const query = { apids: [[apid, apid] as const], ...(q.fromTai !== undefined ? { fromTai: asTai(q.fromTai) } : {}), ...(q.toTai !== undefined ? { toTai: asTai(q.toTai) } : {}) };
  const tracker = new GapTracker(apid, period, found);
  for await (const rows of archive.rows(query)) {
    for (const r of rows) {
      if (r.timeStatus !== undefined && r.timeStatus !== 0) groundTimed = true;
      if (acquiredOf(r) === undefined) allAcquired = false;
      tracker.push(r);
    }
  }
  let gaps = tracker.gaps;
  if (groundTimed && allAcquired) {
    const points: { p: GapPoint; at: number }[] = [];
    for await (const rows of archive.rows(query)) {
      for (const r of rows) {
        const p: GapPoint = { tai: r.tai, sequenceCount: r.sequenceCount, timeStatus: r.timeStatus, groundUnixMs: r.groundUnixMs, groundKind: r.groundKind, dds: r.dds ? { unixMs: r.dds.unixMs } : undefined };
        points.push({ p, at: acquiredOf(p)! });
      }
    }
    points.sort((a, b) => a.at - b.at || (a.p.tai ?? 0) - (b.p.tai ?? 0)); // stable: equal times keep the axis order
    found.length = 0;
    gaps = gapsOf(apid, points.map((x) => x.p), period, found);
  }
  resets?.push(...found);
  return gaps;
}

/** UTC text of a gap bound. */
export const utcOf = (tai: number | undefined): string | undefined => (tai === undefined ? undefined : taiToUtcIso(tai, 3));
