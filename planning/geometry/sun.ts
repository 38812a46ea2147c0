/**
 * @module The Sun's geocentric position from the low-precision formulae of the Astronomical Almanac
 * (section C, "Low-precision formulas for the Sun"; also Meeus ch. 25 "low accuracy"): apparent ecliptic
 * longitude and distance from the mean longitude and anomaly. Stated accuracy: 0.01° in right ascension and
 * declination between 1950 and 2050 (≈ 0.0003 AU in distance). The result is referred to the equator and
 * equinox of date, and is used as-is in TEME (the difference is arcseconds, far below 0.01°).
 */
import { julianDateUtc } from './frames.js';
import type { Deg, EcefVec3, Km, TemeVec3, UnixMs } from './types.js';
import { AU_KM, DEG } from './types.js';
import { temeToItrfMatrix, type EarthRotationOptions } from './frames.js';
import { mulMV } from './_vec.js';

/** The Sun as seen from the Earth's centre. */
export interface SunPosition {
  /** Position in TEME (≈ true equator and equinox of date), km. */
  readonly r: TemeVec3<Km>;
  /** Right ascension, degrees in [0, 360). */
  readonly raDeg: Deg;
  /** Declination, degrees. */
  readonly decDeg: Deg;
  /** Distance, AU. */
  readonly distanceAu: number;
}

/** The Sun's position at `t` (Astronomical Almanac low-precision formulae, 0.01° over 1950–2050). */
export function sunPosition(t: UnixMs): SunPosition {
  // n: days from J2000.0; the almanac uses TT, the 69 s to UTC move the Sun by 0.0008°.
  const n = julianDateUtc(t) - 2451545.0;
  const L = (280.46 + 0.9856474 * n) % 360;
  const g = ((357.528 + 0.9856003 * n) % 360) / DEG;
  const lambda = (L + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g)) / DEG;
  const eps = (23.439 - 0.0000004 * n) / DEG;
  const R = 1.00014 - 0.01671 * Math.cos(g) - 0.00014 * Math.cos(2 * g);
  const x = Math.cos(lambda);
  const y = Math.cos(eps) * Math.sin(lambda);
  const z = Math.sin(eps) * Math.sin(lambda);
  let ra = Math.atan2(y, x) * DEG;
  if (ra < 0) ra += 360;
  const k = R * AU_KM;
  return { r: { x: x * k, y: y * k, z: z * k }, raDeg: ra, decDeg: Math.asin(z) * DEG, distanceAu: R };
}

/** The Sun's position in the Earth-fixed frame, km (rotated by GMST; see frames.ts for what that ignores). */
export function sunPositionEcef(t: UnixMs, options: EarthRotationOptions = {}): EcefVec3<Km> {
  return mulMV(temeToItrfMatrix(t, options), sunPosition(t).r);
}
