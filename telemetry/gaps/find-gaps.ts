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
 */
import { SEQUENCE_MODULO } from '../../src/ccsds/primary-header.js';
import { taiToUtcIso } from '../../src/time/index.js';
import type { Archive } from '../../src/store/index.js';

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

/** The fields of a packet the gap finder reads (`tai` on the mission's chosen time axis, src/time/packet-times.ts). */
export interface GapPoint { readonly tai: number | undefined; readonly sequenceCount: number; readonly dds?: { readonly unixMs: number } | undefined }

/** Gaps in one APID's packets given in archive order. `periodSeconds` enables cadence breaks. */
export function gapsOf(apid: number, points: Iterable<GapPoint>, periodSeconds?: number): Gap[] {
  const out: Gap[] = [];
  let last: GapPoint | undefined;
  for (const p of points) {
    if (!last) { last = p; continue; }
    const step = (p.sequenceCount - last.sequenceCount + SEQUENCE_MODULO) % SEQUENCE_MODULO;
    const dt = p.tai !== undefined && last.tai !== undefined ? p.tai - last.tai : undefined;
    if (step === 0 || (step > SEQUENCE_MODULO / 2 && !(dt !== undefined && dt > 0))) continue; // repeat or step back
    const byTime = periodSeconds !== undefined && dt !== undefined ? Math.max(0, Math.round(dt / periodSeconds) - 1) : undefined;
    const cadence = periodSeconds !== undefined && dt !== undefined && dt > CADENCE_FACTOR * periodSeconds;
    let missing = step - 1;
    if (missing > 0 && byTime !== undefined && byTime > missing + SEQUENCE_MODULO / 2) {
      missing += Math.round((byTime - missing) / SEQUENCE_MODULO) * SEQUENCE_MODULO;
    }
    if (step !== 1 || cadence) {
      out.push({
        apid, kind: step !== 1 ? (cadence ? 'sequence+cadence' : 'sequence') : 'cadence',
        afterSeq: last.sequenceCount, beforeSeq: p.sequenceCount,
        missing: step !== 1 ? missing : byTime ?? 0,
        startTai: last.tai, endTai: p.tai,
        ...(last.dds && p.dds ? { startGroundMs: last.dds.unixMs, endGroundMs: p.dds.unixMs } : {}),
      });
    }
    last = p;
  }
  return out;
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
 * Every gap in the archive, APID by APID. Packets with a packet time and those without are two sequences, each
 * checked on its own (the untimed ones only when no time window is asked for).
 */
export function findGaps(archive: Archive, q: GapQuery = {}): Gap[] {
  const out: Gap[] = [];
  const windowed = q.fromTai !== undefined || q.toTai !== undefined;
  for (const apid of archive.apids()) {
    if (q.apids && !q.apids.some(([lo, hi]) => apid >= lo && apid <= hi)) continue;
    out.push(...gapsOf(apid, archive.apidRows(apid, q.fromTai, q.toTai), q.periodOf?.(apid)));
    if (!windowed) out.push(...gapsOf(apid, archive.untimedRows(apid)));
  }
  return out;
}

/** UTC text of a gap bound. */
export const utcOf = (tai: number | undefined): string | undefined => (tai === undefined ? undefined : taiToUtcIso(tai, 3));
