/**
 * @module Product windows: which L0 product a packet time falls in. A UTC day (default), any fixed ISO-8601
 * duration (`PT1H`, `PT30M`, `P1D`; aligned to 1970-01-01T00:00:00Z, so `PT1H` windows start on the hour), or
 * orbits, given by an {@link OrbitNumbering} (the planning module's orbit numbers, when it provides them).
 */
import { inLeapSecond, taiToUtcUnix, utcUnixToTai } from '../../src/time/index.js';
import { isoDurationMs } from '../../src/time/iso-duration.js';

/** One window: an id used in product names, and its TAI bounds [start, stop). */
export interface ProductWindow {
  /** `20260101` (day), `20260101t010000` (sub-day durations), `orb053662` (orbits). */
  readonly id: string;
  /** How the label's title names the window, when not by its id (`orbit 53662`). */
  readonly title?: string;
  readonly startTai: number;
  readonly stopTai: number;
}

/** Orbit numbers from planning: the orbit containing a TAI instant. */
export type OrbitNumbering = (tai: number) => { readonly orbit: number; readonly startTai: number; readonly stopTai: number };

/** A window kind as parsed from `--window` or the config. */
export type WindowSpec =
  | { readonly kind: 'day' }
  | { readonly kind: 'duration'; readonly seconds: number; readonly text: string }
  | { readonly kind: 'orbit' };

/**
 * Parse `day`, `orbit`, or an ISO-8601 duration of days, hours, minutes and seconds (`P1D`, `PT1H`, `PT90M`,
 * `PT3600S`, `P1DT12H`). Years, months and weeks are refused (not fixed lengths).
 * @throws RangeError on anything else, or a duration under one second.
 */
export function parseWindow(text: string): WindowSpec {
  if (text === 'day') return { kind: 'day' };
  if (text === 'orbit') return { kind: 'orbit' };
  const ms = isoDurationMs(text, { integers: true });
  if (ms === undefined) throw new RangeError(`window ${JSON.stringify(text)}: expected day, orbit or an ISO-8601 duration such as PT1H`);
  const seconds = ms / 1000;
  if (seconds < 1) throw new RangeError(`window ${JSON.stringify(text)}: must be at least one second`);
  return { kind: 'duration', seconds, text };
}

const compact = (unixSeconds: number, withTime: boolean): string => {
  const iso = new Date(unixSeconds * 1000).toISOString();
  const day = iso.slice(0, 10).replace(/-/g, '');
  return withTime ? `${day}t${iso.slice(11, 19).replace(/:/g, '')}` : day;
};

/**
 * The function placing a TAI instant in its window.
 * @throws RangeError for `orbit` without an orbit numbering.
 */
export function windowFunction(spec: WindowSpec, orbits?: OrbitNumbering): (tai: number) => ProductWindow {
  if (spec.kind === 'orbit') {
    if (!orbits) throw new RangeError('orbit windows need an ephemeris (products.ephemeris in the config, or --ephemeris FILE)');
    return (tai) => {
      const o = orbits(tai);
      return { id: `orb${String(o.orbit).padStart(6, '0')}`, title: `orbit ${o.orbit}`, startTai: o.startTai, stopTai: o.stopTai };
    };
  }
  const seconds = spec.kind === 'day' ? 86400 : spec.seconds;
  const withTime = seconds % 86400 !== 0;
  return (tai) => {
    // During an inserted leap second taiToUtcUnix holds at the following midnight; 23:59:60 belongs to the window
    // that ends there (its TAI is below that window's stop).
    const utc = Math.floor(taiToUtcUnix(tai)) - (inLeapSecond(tai) ? 1 : 0);
    const start = Math.floor(utc / seconds) * seconds;
    return { id: compact(start, withTime), startTai: utcUnixToTai(start), stopTai: utcUnixToTai(start + seconds) };
  };
}
