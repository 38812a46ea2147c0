/** @module What every ephemeris source (TLE, OEM) provides to geometry and events. */
import type { Frame, Interval, StateVector, UnixMs } from '../geometry/types.js';
import type { CentralBody } from '../geometry/central-body.js';

/** Why no state could be given. */
export type NoStateReason =
  /** The instant is outside every usable span of the source (no extrapolation is done). */
  | 'outside-coverage'
  /** SGP4 failed (decay, bad elements); the message names the element set's lines. */
  | 'propagation-error';

/** A state, or the reason there is none (expected failures are values, not exceptions). */
export type StateResult =
  | { readonly ok: true; readonly state: StateVector }
  | { readonly ok: false; readonly reason: NoStateReason; readonly message: string };

/** A usable span of the source and where it is described (file and line), for messages. */
export interface CoverageSpan extends Interval {
  /** e.g. `iss.oem:12` (segment metadata) or `iss.tle:2-3` (element set). */
  readonly where: string;
}

/** An ephemeris: states on demand over its coverage. */
export interface Ephemeris {
  /** The file it came from. */
  readonly source: string;
  readonly kind: 'tle' | 'oem' | 'spk';
  readonly objectName: string;
  readonly objectId: string;
  /** Frame of the states `stateAt` returns. */
  readonly frame: Frame;
  /** Usable spans, sorted, in which `stateAt` answers (gaps between OEM segments stay gaps). */
  readonly coverage: readonly CoverageSpan[];
  /** A known orbit (revolution) number at an instant, if the source states one (TLE line 2 columns 64–68). */
  readonly orbitReference?: { readonly t: UnixMs; readonly orbit: number };
  /** The state at `t`, or why not. */
  stateAt(t: UnixMs): StateResult;
  /** The body the states are relative to, when it is not the Earth (geometry then works in its IAU frame). */
  readonly centralBody?: CentralBody;
  /** The centre as the source names it (OEM CENTER_NAME, SPK centre id), when known. */
  readonly centerName?: string;
}

/** Options common to the loaders. */
export interface EphemerisOptions {
  /** For files holding several objects: the object's name or catalogue number / OBJECT_ID. */
  readonly object?: string;
  /** OEM: accept a CENTER_NAME other than EARTH (the caller then attaches a central body). Default false. */
  readonly anyCenter?: boolean;
  /** TLE only: how far from the nearest element set's epoch states are given, days. Default 30. */
  readonly tleMaxAgeDays?: number;
  /**
   * OEM only: a step between states longer than this many times the sampling (the segment's median step and
   * the shorter neighbouring step) is a coverage hole, never interpolated across. Default 5.
   */
  readonly maxGapSteps?: number;
}
