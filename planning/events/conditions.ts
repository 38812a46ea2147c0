/**
 * @module Conditions: continuous functions of a geometry sample, positive where the condition holds. Their
 * zeros are the events (a rising zero is the `rising` event, a falling one the `falling` event) and their
 * positive stretches are the windows.
 */
import { elevationDeg, stationFrame, type Station } from '../geometry/station.js';
import { shadowOf, sunElevationAtSubSatellite, type GeometrySample } from '../geometry/sample.js';
import type { Deg, Km } from '../geometry/types.js';

/** Every kind of event the finder reports. */
export const EVENT_KINDS = [
  'penumbra-entry', 'umbra-entry', 'umbra-exit', 'penumbra-exit',
  'aos', 'los', 'max-elevation',
  'ascending-node', 'descending-node',
  'altitude-above', 'altitude-below',
  'latitude-northward', 'latitude-southward',
  'subsatellite-sunrise', 'subsatellite-sunset',
  'pericentre', 'apocentre',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** A condition on the geometry (see the module comment). */
export interface Condition {
  /** Stable name, e.g. `sunlit`, `umbra`, `visible:KIRUNA`, `altitude>400`. */
  readonly name: string;
  /** Positive where the condition holds; continuous in time. */
  readonly value: (g: GeometrySample) => number;
  /** Event at a rising zero (the condition starts to hold). */
  readonly rising: EventKind;
  /** Event at a falling zero (the condition stops holding). */
  readonly falling: EventKind;
  readonly station?: string;
  readonly threshold?: number;
}

/** Fully sunlit (no part of the Sun hidden). Falling: penumbra entry; rising: penumbra exit. */
export const sunlit = (): Condition => ({ name: 'sunlit', value: (g) => shadowOf(g).penumbraMargin, rising: 'penumbra-exit', falling: 'penumbra-entry' });

/** In the umbra (Sun fully hidden). Rising: umbra entry; falling: umbra exit. */
export const inUmbra = (): Condition => ({ name: 'umbra', value: (g) => -shadowOf(g).umbraMargin, rising: 'umbra-entry', falling: 'umbra-exit' });

/** Above a station's elevation mask. Rising: AOS; falling: LOS. */
export function stationVisible(station: Station): Condition {
  const sf = stationFrame(station);
  return { name: `visible:${station.name}`, station: station.name, value: (g) => elevationDeg(sf, g.r) - station.maskDeg, rising: 'aos', falling: 'los' };
}

/** North of the equator. Rising: ascending node; falling: descending node. */
export const northOfEquator = (): Condition => ({ name: 'north', value: (g) => g.geodetic.latDeg, rising: 'ascending-node', falling: 'descending-node' });

/** Above an altitude, km. */
export const altitudeAbove = (km: Km): Condition => ({ name: `altitude>${km}`, threshold: km, value: (g) => g.geodetic.altKm - km, rising: 'altitude-above', falling: 'altitude-below' });

/** North of a geodetic latitude, degrees. */
export const latitudeAbove = (deg: Deg): Condition => ({ name: `latitude>${deg}`, threshold: deg, value: (g) => g.geodetic.latDeg - deg, rising: 'latitude-northward', falling: 'latitude-southward' });

/** Day at the sub-satellite point (the Sun's centre above its horizon). */
export const subSatelliteDay = (): Condition => ({ name: 'day', value: (g) => sunElevationAtSubSatellite(g), rising: 'subsatellite-sunrise', falling: 'subsatellite-sunset' });

/**
 * Moving away from the central body: the radial velocity r·v/|r| (km/s, the same in any frame of the body).
 * Rising zero: pericentre; falling zero: apocentre.
 */
export const receding = (): Condition => ({
  name: 'receding',
  value: (g) => {
    const { r, v } = g.state;
    return (r.x * v.x + r.y * v.y + r.z * v.z) / Math.hypot(r.x, r.y, r.z);
  },
  rising: 'pericentre', falling: 'apocentre',
});
