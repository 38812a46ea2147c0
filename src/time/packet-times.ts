/**
 * @module The three times of a packet (issue 11) and the one the mission sorts by. Defined here, once, for every
 * consumer (inspect, dump, ingest, the archive, L0 products and their index):
 *
 * - **On-board time (OBT)**: the secondary header's time field read with the profile's time code (CUC/CDS,
 *   CCSDS 301.0-B-4 §3.2/§3.3) and epoch, as TAI seconds since 1958 — exactly what the field says, before any
 *   correlation or check. The raw on-board count (coarse + fine · 2^-8n seconds) is `obt − epochTai`. Absent when
 *   the packet has no time field (TC, profile `none`, short packet).
 * - **Ground time**: Unix ms. The DDS header's time when the packet came behind one (formats.md §4.3: an
 *   acquisition time), else the capture record's timestamp (pcap/pcapng, also an acquisition time), otherwise the receipt time (when idoc read it: live links, plain files). Every packet has
 *   one.
 * - **UTC from OBT** (`utcTai`, TAI seconds): the OBT through time correlation (formats.md §3.4: UTC =
 *   gradient × OBT + offset from the coefficient set whose validity covers the OBT). Without configured
 *   coefficient sets the time code is taken as absolute (its epoch is a real date: the identity correlation).
 *
 * The OBT is **unsynchronised** ({@link TimeStatus}) when there is none, when configured coefficient sets exist
 * and none covers it, when the header flags it (CUC coarse MSB, formats.md §2.1), or when UTC-from-OBT is
 * implausible: before the mission's launch (config `time.launch`; 1990-01-01 without one), or more than
 * `time.plausibleSpanDays` away from an acquisition ground time (DDS header), or after a receipt time by more than
 * that span (a packet cannot be received before it was made). Unsynchronised packets fall back to ground time.
 *
 * The **chosen axis** (`time.axis`, per APID): `correlated` (default: UTC-from-OBT where synchronised, ground
 * time otherwise) or `ground`. Sorting, windows, queries, gap bounds and product dates use it. It is never an
 * invented date: a packet without a usable OBT gets its ground time.
 */
import { utcUnixToTai } from './utc.js';
import { activeLeapSeconds } from './leap-second-store.js';
import { TAI_UNIX_OFFSET } from './tai.js';
import type { LeapSecondTable } from './leap-second-table.js';

/** Why a packet's OBT is (not) used; stored in the archive's `meta` bits 8-10 (src/store/schema.ts). */
export const TimeStatus = {
  /** UTC from OBT is used. */
  synchronised: 0,
  /** The packet carries no on-board time. */
  noObt: 1,
  /** Coefficient sets are configured for the APID and none covers the OBT. */
  notCovered: 2,
  /** UTC from OBT is before launch (or 1990), or too far from the ground time. */
  implausible: 3,
  /** The header says the on-board clock was not synchronised. */
  flagged: 4,
  /** The mission chose the ground axis for this APID (the OBT is not looked at). */
  groundAxis: 5,
} as const;
export type TimeStatusCode = (typeof TimeStatus)[keyof typeof TimeStatus];

/** {@link TimeStatus} names as printed (`--json` field `timeStatus`). */
export const TIME_STATUS_NAMES = ['synchronised', 'no-on-board-time', 'not-covered', 'implausible', 'flagged-unsynchronised', 'ground-axis'] as const;
export type TimeStatusName = (typeof TIME_STATUS_NAMES)[number];

export type TimeAxis = 'correlated' | 'ground';

/** One coefficient set: UTC (Unix seconds) = gradient × OBT + offset, for OBT in [validFromObt, validToObt). */
export interface CorrelationSet {
  /** Raw on-board seconds (coarse + fine), inclusive. */
  readonly validFromObt: number;
  /** Exclusive; absent: open-ended (extrapolated, as flight operations do until the next set). */
  readonly validToObt?: number;
  readonly gradient: number;
  /** UTC Unix seconds at OBT 0. */
  readonly offset: number;
}

/** How one APID's packets are timed. */
export interface TimeRules {
  readonly axis: TimeAxis;
  /** Ascending by validFromObt; undefined: the time code is absolute (identity). */
  readonly correlation: readonly CorrelationSet[] | undefined;
}

/** A mission's time settings, resolved (src/time/config.ts reads them from the `time` section). */
export interface TimeSettings {
  readonly defaults: TimeRules;
  /** Per-APID overrides, inclusive ranges; the first match wins. */
  readonly apids: readonly { readonly from: number; readonly to: number; readonly rules: TimeRules }[];
  /** Earliest plausible UTC-from-OBT, TAI: the launch date, else 1990-01-01. */
  readonly earliestTai: number;
  /** Largest plausible distance between UTC-from-OBT and the ground time, seconds. */
  readonly plausibleSpanSeconds: number;
  /** Identical packets whose ground times lie within this many seconds are one transmission (a duplicate). */
  readonly duplicateWindowSeconds: number;
}

/** 1990-01-01T00:00:00Z as TAI seconds since 1958 (ΔAT 25 s). */
export const EARLIEST_DEFAULT_TAI = Date.UTC(1990, 0, 1) / 1000 + 25 + TAI_UNIX_OFFSET;
/** Default `time.plausibleSpanDays`. */
export const DEFAULT_PLAUSIBLE_SPAN_DAYS = 30;
/** Default `time.duplicateWindowSeconds`: two ground stations, a re-delivered DDS file, a re-run (5 minutes). */
export const DEFAULT_DUPLICATE_WINDOW_SECONDS = 300;

export const DEFAULT_TIME_SETTINGS: TimeSettings = {
  defaults: { axis: 'correlated', correlation: undefined },
  apids: [],
  earliestTai: EARLIEST_DEFAULT_TAI,
  plausibleSpanSeconds: DEFAULT_PLAUSIBLE_SPAN_DAYS * 86_400,
  duplicateWindowSeconds: DEFAULT_DUPLICATE_WINDOW_SECONDS,
};

/** The rules of an APID. */
export function rulesOf(settings: TimeSettings, apid: number): TimeRules {
  for (const a of settings.apids) if (apid >= a.from && apid <= a.to) return a.rules;
  return settings.defaults;
}

/** The coefficient set covering `obtSeconds` (raw on-board seconds), or undefined. */
export function coveringSet(sets: readonly CorrelationSet[], obtSeconds: number): CorrelationSet | undefined {
  let found: CorrelationSet | undefined;
  for (const s of sets) {
    if (s.validFromObt > obtSeconds) break;
    found = s;
  }
  if (found && found.validToObt !== undefined && obtSeconds >= found.validToObt) return undefined;
  return found;
}

/**
 * Times packets one at a time without allocating: {@link time} returns the chosen-axis time and leaves the
 * status and UTC-from-OBT in fields. One per stream (it caches the rules per APID and the last ground time's TAI).
 */
export class PacketTimer {
  /** {@link TimeStatus} of the last packet timed. */
  status: TimeStatusCode = TimeStatus.noObt;
  /** UTC from OBT of the last packet (TAI), NaN when it has no OBT or no coefficient set covers it. */
  utcTai = NaN;
  /** Ground time of the last packet as TAI. */
  groundTai = NaN;
  private readonly rules: (TimeRules | undefined)[] = new Array(2048);
  private lastGroundMs = NaN;

  constructor(readonly settings: TimeSettings = DEFAULT_TIME_SETTINGS, readonly epochTai = 0, private readonly table: LeapSecondTable = activeLeapSeconds()) {}

  /**
   * The chosen-axis time (TAI) of a packet.
   * @param obt on-board time as decoded (TAI seconds with the profile's epoch), NaN when the packet has none
   * @param flagged the header says the clock was not synchronised
   * @param groundUnixMs ground time
   * @param acquired the ground time is an acquisition time (DDS header, capture timestamp), not the receipt time
   */
  time(apid: number, obt: number, flagged: boolean, groundUnixMs: number, acquired: boolean): number {
    if (groundUnixMs !== this.lastGroundMs) {
      this.lastGroundMs = groundUnixMs;
      this.groundTai = utcUnixToTai(groundUnixMs / 1000, this.table);
    }
    const ground = this.groundTai;
    const rules = (this.rules[apid & 2047] ??= rulesOf(this.settings, apid));
    this.utcTai = NaN;
    if (obt !== obt) {
      this.status = TimeStatus.noObt;
      return ground;
    }
    if (rules.correlation === undefined) this.utcTai = obt;
    else {
      const raw = obt - this.epochTai;
      const set = coveringSet(rules.correlation, raw);
      if (set) this.utcTai = utcUnixToTai(set.gradient * raw + set.offset, this.table);
    }
    if (rules.axis === 'ground') {
      this.status = TimeStatus.groundAxis;
      return ground;
    }
    const utc = this.utcTai;
    if (utc !== utc) this.status = TimeStatus.notCovered;
    else if (flagged) this.status = TimeStatus.flagged;
    else if (utc < this.settings.earliestTai || utc - ground > this.settings.plausibleSpanSeconds
      || (acquired && ground - utc > this.settings.plausibleSpanSeconds)) this.status = TimeStatus.implausible;
    else {
      this.status = TimeStatus.synchronised;
      return utc;
    }
    return ground;
  }
}
