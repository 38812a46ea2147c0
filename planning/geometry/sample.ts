/**
 * @module One geometry sample: the spacecraft's Earth-fixed state, its WGS-84 coordinates and the Sun, at one
 * instant. Everything the event finder and the geometry table need is derived from it.
 */
import { convertState, type EarthRotationOptions } from './frames.js';
import { ecefToGeodetic, geodeticToEcef, groundTrackSpeed, upVector } from './geodetic.js';
import { shadowGeometry, type ShadowGeometry } from './eclipse.js';
import { sunPositionEcef } from './sun.js';
import { lookAngles, type LookAngles, type StationFrame } from './station.js';
import type { Deg, EcefVec3, Geodetic, KmPerS, StateVector, UnixMs, Vec3 } from './types.js';
import { DEG } from './types.js';
import type { Ephemeris, StateResult } from '../ephemeris/types.js';

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
}

/** Build a sample from a state. */
export function sampleFromState(state: StateVector, options: EarthRotationOptions = {}): GeometrySample {
  const e = convertState(state, 'ITRF', options);
  return { t: state.t, state, r: e.r, v: e.v, geodetic: ecefToGeodetic(e.r), sun: sunPositionEcef(state.t, options), cache: {} };
}

/** The sample at `t`, or the reason there is none. */
export function sampleAt(ephem: Ephemeris, t: UnixMs, options: EarthRotationOptions = {}): GeometrySample | Exclude<StateResult, { ok: true }> {
  const s = ephem.stateAt(t);
  return s.ok ? sampleFromState(s.state, options) : s;
}

/** Elevation of the Sun's centre above the horizon at the sub-satellite point (geometric, no refraction). */
export function sunElevationAtSubSatellite(g: GeometrySample): Deg {
  if (g.cache.sunElevationDeg !== undefined) return g.cache.sunElevationDeg;
  const p = geodeticToEcef({ latDeg: g.geodetic.latDeg, lonDeg: g.geodetic.lonDeg, altKm: 0 });
  const up = upVector(g.geodetic.latDeg, g.geodetic.lonDeg);
  const dx = g.sun.x - p.x;
  const dy = g.sun.y - p.y;
  const dz = g.sun.z - p.z;
  return (g.cache.sunElevationDeg = Math.asin((dx * up.x + dy * up.y + dz * up.z) / Math.sqrt(dx * dx + dy * dy + dz * dz)) * DEG);
}

/** Eclipse geometry of a sample. */
export const shadowOf = (g: GeometrySample): ShadowGeometry => (g.cache.shadow ??= shadowGeometry(g.r, g.sun));

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
    groundTrackSpeedKmS: groundTrackSpeed(g.r, g.v, g.geodetic),
    sunItrf: g.sun,
    sunElevationDeg: sunEl,
    subSatellite: sunEl > 0 ? 'day' : 'night',
    eclipse: sh.state,
    illumination: sh.illumination,
    stations: stations.map((sf) => {
      const la = lookAngles(sf, g.r);
      return { name: sf.station.name, ...la, visible: la.elevationDeg > sf.station.maskDeg };
    }),
  };
}
