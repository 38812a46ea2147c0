/**
 * @module One geometry sample: the spacecraft's body-fixed state, its coordinates on the central body's
 * ellipsoid and the Sun, at one instant. Everything the event finder and the geometry table need is derived
 * from it. Around the Earth: ITRF (GMST rotation), WGS-84, the almanac Sun (unchanged behaviour). Around another
 * body (`options.body` or the ephemeris' `centralBody`): its IAU frame and ellipsoid, the Sun from SPK kernels,
 * eclipses by the body and by the occulters the kernels give (central-body.ts).
 */
import { convertState, type EarthRotationOptions } from './frames.js';
import { ecefToGeodetic, geodeticToEcef, groundTrackSpeed, upVector } from './geodetic.js';
import { shadowGeometry, type ShadowGeometry } from './eclipse.js';
import { sunPositionEcef } from './sun.js';
import { lookAngles, type LookAngles, type StationFrame } from './station.js';
import type { Deg, EcefVec3, Geodetic, KmPerS, StateVector, UnixMs, Vec3 } from './types.js';
import { DEG } from './types.js';
import type { Ephemeris, StateResult } from '../ephemeris/types.js';
import { InputError } from '../../src/errors.js';
import type { CentralBody } from './central-body.js';
import { elevationFromSurface, groundSpeedOn, toPlanetodetic } from './ellipsoid.js';
import { mulMV, type V3 } from './_vec.js';

/** Options of a sample: Earth rotation details, and the central body when it is not the Earth. */
export interface SampleOptions extends EarthRotationOptions {
  /** The central body; default the ephemeris' own (`Ephemeris.centralBody`), else the Earth. */
  readonly body?: CentralBody;
}

/** Geometry at one instant. */
export interface GeometrySample {
  readonly t: UnixMs;
  /** The state as the source gives it (TEME for TLE, the OEM's frame). */
  readonly state: StateVector;
  /** Earth-fixed position, km. */
  readonly r: EcefVec3;
  /** Earth-fixed velocity, km/s. */
  readonly v: Vec3<'ITRF', KmPerS>;
  readonly geodetic: Geodetic;
  /** The Sun, Earth-fixed, km. */
  readonly sun: EcefVec3;
  /** Derived values computed once on first use (by {@link shadowOf}, {@link sunElevationAtSubSatellite}). */
  readonly cache: { shadow?: ShadowGeometry; sunElevationDeg?: Deg };
  /** The central body when it is not the Earth (then `r`, `v`, `sun` are in its IAU body-fixed frame). */
  readonly body?: CentralBody;
  /** Other bodies that may hide the Sun: centre (body-fixed, km) and radius. */
  readonly occulters?: readonly { readonly name: string; readonly radiusKm: number; readonly r: V3 }[];
}

/** Build a sample from a state (relative to the central body: `options.body`, else the Earth). */
export function sampleFromState(state: StateVector, options: SampleOptions = {}): GeometrySample {
  const body = options.body;
  if (body) return bodySample(state, body);
  const e = convertState(state, 'ITRF', options);
  return { t: state.t, state, r: e.r, v: e.v, geodetic: ecefToGeodetic(e.r), sun: sunPositionEcef(state.t, options), cache: {} };
}

/** A sample around a body other than the Earth (see the module comment). */
function bodySample(state: StateVector, body: CentralBody): GeometrySample {
  if (state.frame !== 'GCRF') throw new InputError(`states relative to ${body.name} must be inertial (EME2000/ICRF/GCRF); got ${state.frame}`);
  const { m, spinRadS: w } = body.fixedAt(state.t);
  const r = mulMV(m, state.r);
  const mv = mulMV(m, state.v);
  // v_fixed = M·v − ω × r_fixed, ω = (0, 0, w) in the body-fixed frame.
  const v = { x: mv.x + w * r.y, y: mv.y - w * r.x, z: mv.z };
  const sunI = body.sunAt(state.t);
  // Around the Sun itself there is no "Sun direction": the Sun is put at the sub-spacecraft zenith, far away.
  const sun = sunI ? mulMV(m, sunI) : { x: r.x * 1e9, y: r.y * 1e9, z: r.z * 1e9 };
  const occulters: { name: string; radiusKm: number; r: V3 }[] = [];
  for (const o of body.occulters) {
    const p = o.positionAt(state.t);
    if (p) occulters.push({ name: o.name, radiusKm: o.radiusKm, r: mulMV(m, p) });
  }
  return { t: state.t, state, r, v, geodetic: toPlanetodetic(r, body.ellipsoid), sun, cache: {}, body, occulters };
}

/** The sample at `t`, or the reason there is none. Around the ephemeris' central body unless `options.body` says otherwise. */
export function sampleAt(ephem: Ephemeris, t: UnixMs, options: SampleOptions = {}): GeometrySample | Exclude<StateResult, { ok: true }> {
  const s = ephem.stateAt(t);
  if (!s.ok) return s;
  const body = options.body ?? ephem.centralBody;
  return body ? bodySample(s.state, body) : sampleFromState(s.state, options);
}

/** Elevation of the Sun's centre above the horizon at the sub-satellite point (geometric, no refraction). */
export function sunElevationAtSubSatellite(g: GeometrySample): Deg {
  if (g.cache.sunElevationDeg !== undefined) return g.cache.sunElevationDeg;
  if (g.body) return (g.cache.sunElevationDeg = elevationFromSurface(g.geodetic, g.sun, g.body.ellipsoid));
  const p = geodeticToEcef({ latDeg: g.geodetic.latDeg, lonDeg: g.geodetic.lonDeg, altKm: 0 });
  const up = upVector(g.geodetic.latDeg, g.geodetic.lonDeg);
  const dx = g.sun.x - p.x;
  const dy = g.sun.y - p.y;
  const dz = g.sun.z - p.z;
  return (g.cache.sunElevationDeg = Math.asin((dx * up.x + dy * up.y + dz * up.z) / Math.sqrt(dx * dx + dy * dy + dz * dz)) * DEG);
}

/**
 * Eclipse geometry of a sample: by the Earth, or by the central body and each occulter (the one hiding the most
 * of the Sun — the smallest penumbra margin — is reported).
 */
export const shadowOf = (g: GeometrySample): ShadowGeometry => (g.cache.shadow ??= bodyShadow(g));

function bodyShadow(g: GeometrySample): ShadowGeometry {
  if (!g.body) return shadowGeometry(g.r, g.sun);
  let best = g.body.naifId === 10 ? SUNLIT : shadowGeometry(g.r, g.sun, g.body.shadowRadiusKm);
  for (const o of g.occulters ?? []) {
    const r = { x: g.r.x - o.r.x, y: g.r.y - o.r.y, z: g.r.z - o.r.z };
    const sun = { x: g.sun.x - o.r.x, y: g.sun.y - o.r.y, z: g.sun.z - o.r.z };
    const sh = shadowGeometry(r, sun, o.radiusKm);
    if (sh.penumbraMargin < best.penumbraMargin) best = sh;
  }
  return best;
}

const SUNLIT: ShadowGeometry = { sunRadius: 0, earthRadius: 0, separation: Math.PI, penumbraMargin: Math.PI, umbraMargin: Math.PI, state: 'sunlit', illumination: 1 };

/**
 * Local solar time at the sub-spacecraft point, hours in [0, 24): 12 h plus the spacecraft's longitude east of
 * the sub-solar longitude, at 15° an hour (apparent local solar time: the true Sun, no equation of time).
 */
export function localSolarTime(g: GeometrySample): number {
  const sunLon = Math.atan2(g.sun.y, g.sun.x) * DEG;
  const h = 12 + (g.geodetic.lonDeg - sunLon) / 15;
  return ((h % 24) + 24) % 24;
}

/** Everything about one instant, for `orbit state` and the geometry table. */
export interface GeometryRecord {
  readonly t: UnixMs;
  /** Native frame of `position`/`velocity`. */
  readonly frame: string;
  readonly position: { readonly x: number; readonly y: number; readonly z: number };
  readonly velocity: { readonly x: number; readonly y: number; readonly z: number };
  readonly positionItrf: EcefVec3;
  readonly velocityItrf: Vec3<'ITRF', KmPerS>;
  readonly geodetic: Geodetic;
  readonly groundTrackSpeedKmS: KmPerS;
  /** The Sun, Earth-fixed, km. */
  readonly sunItrf: EcefVec3;
  readonly sunElevationDeg: Deg;
  /** Day when the Sun's centre is above the sub-satellite point's horizon. */
  readonly subSatellite: 'day' | 'night';
  readonly eclipse: ShadowGeometry['state'];
  readonly illumination: number;
  readonly stations: readonly (LookAngles & { readonly name: string; readonly visible: boolean })[];
  /** Apparent local solar time at the sub-satellite point, hours [0, 24). */
  readonly localSolarTimeH: number;
  /** The central body (`EARTH`, `MARS`…). */
  readonly centralBody: string;
  /** Body-fixed frame of `positionItrf`/`velocityItrf`/`sunItrf`: `ITRF` at the Earth, `IAU_MARS`… elsewhere. */
  readonly fixedFrame: string;
  /** The ellipsoid of `geodetic`: `WGS-84`, `IAU 2015 3396.19 × 3376.20 km`… */
  readonly ellipsoid: string;
}

/** The full geometry record of a sample. */
export function geometryRecord(g: GeometrySample, stations: readonly StationFrame[] = []): GeometryRecord {
  const sunEl = sunElevationAtSubSatellite(g);
  const sh = shadowOf(g);
  return {
    t: g.t,
    frame: g.state.frame,
    position: { x: g.state.r.x, y: g.state.r.y, z: g.state.r.z },
    velocity: { x: g.state.v.x, y: g.state.v.y, z: g.state.v.z },
    positionItrf: g.r,
    velocityItrf: g.v,
    geodetic: g.geodetic,
    groundTrackSpeedKmS: g.body ? groundSpeedOn(g.r, g.v, g.geodetic, g.body.ellipsoid) : groundTrackSpeed(g.r, g.v, g.geodetic),
    sunItrf: g.sun,
    sunElevationDeg: sunEl,
    subSatellite: sunEl > 0 ? 'day' : 'night',
    eclipse: sh.state,
    illumination: sh.illumination,
    stations: stations.map((sf) => {
      const la = lookAngles(sf, g.r);
      return { name: sf.station.name, ...la, visible: la.elevationDeg > sf.station.maskDeg };
    }),
    localSolarTimeH: localSolarTime(g),
    centralBody: g.body?.name ?? 'EARTH',
    fixedFrame: g.body?.fixedFrame ?? 'ITRF',
    ellipsoid: g.body?.ellipsoidLabel ?? 'WGS-84',
  };
}
