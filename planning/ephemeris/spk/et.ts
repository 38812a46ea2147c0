/**
 * @module UTC ↔ ephemeris time (ET = TDB seconds past J2000 TDB, the SPK time axis). TAI − UTC from the
 * leap-second table in src/time; TT = TAI + 32.184 s; TDB − TT by the one-term formula of the NAIF
 * leapseconds kernel (`DELTET/K` = 1.657e-3 s, `DELTET/EB` = 1.671e-2, `DELTET/M` = 6.239996 rad +
 * 1.99096871e-7 rad/s; NAIF "Time Required Reading", "The Relationship between TDT and TDB"), good to ~30 µs.
 */
import { taiMinusUtc } from '../../../src/time/index.js';
import type { UnixMs } from '../../geometry/types.js';

/** Unix ms of 2000-01-01T12:00:00 (the J2000 epoch's calendar instant, used on the TT axis). */
const J2000_UNIX_MS = 946728000000;

/** TDB − TT, seconds, at `ttSeconds` TT seconds past J2000. */
export function tdbMinusTt(ttSeconds: number): number {
  const m = 6.239996 + 1.99096871e-7 * ttSeconds;
  return 1.657e-3 * Math.sin(m + 1.671e-2 * Math.sin(m));
}

/** Ephemeris time (TDB seconds past J2000) of a UTC instant. */
export function utcToEt(t: UnixMs): number {
  const tt = (t - J2000_UNIX_MS) / 1000 + taiMinusUtc(t / 1000) + 32.184;
  return tt + tdbMinusTt(tt);
}

/** The UTC instant of an ephemeris time (inverse of {@link utcToEt}, two fixed-point steps). */
export function etToUtc(et: number): UnixMs {
  let t = J2000_UNIX_MS + (et - 69.184) * 1000;
  for (let i = 0; i < 3; i++) t += (et - utcToEt(t)) * 1000;
  return t;
}
