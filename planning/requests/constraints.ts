/**
 * @module Geometry constraints as windows. The conditions every request and plan command needs are scanned
 * ONCE over the planning range (one pass of the event finder for all of them, {@link buildPlanGeometry});
 * a constraint set then becomes windows by the windows algebra ({@link constraintWindows}, for generation),
 * and a command's constraints are re-checked at its execution time by a binary search in those windows
 * ({@link constraintFailures}, for validation), so both agree to the event finder's tolerance.
 */
import type { Ephemeris } from '../ephemeris/types.js';
import { isoUtc } from '../ephemeris/epoch.js';
import {
  altitudeAbove, inUmbra, latitudeAbove, northOfEquator, stationVisible, subSatelliteDay, sunlit, type Condition,
} from '../events/conditions.js';
import { coveredParts, scanConditions, type Crossing, type ScanOptions } from '../events/find.js';
import { orbitCounter } from '../events/orbit-number.js';
import { andWindows, inWindows, minusWindows, normalizeWindows, notWindows, orWindows, type Windows } from '../events/windows.js';
import { sampleAt } from '../geometry/sample.js';
import type { Station } from '../geometry/station.js';
import type { Interval, UnixMs } from '../geometry/types.js';
import type { GeometryConstraints, NumericRange } from './types.js';

/** Everything geometric a plan needs, computed once over `range`. */
export interface PlanGeometry {
  readonly ephemeris: Ephemeris;
  readonly range: Interval;
  /** The parts of the range the ephemeris covers. */
  readonly covered: Windows;
  readonly stations: readonly Station[];
  /** Where an atom (see {@link atomsOf}) holds; throws Error for an atom not prepared. */
  windows(atom: string): Windows;
  /** The zeros of an atom's condition (rising = starts to hold). */
  crossings(atom: string): readonly Crossing[];
  orbitAt(t: UnixMs): number;
  /** Where the orbit number lies in the range. */
  orbitWindows(r: NumericRange): Windows;
}

/** Longitude box condition (positive inside; min > max wraps across the antimeridian). */
function longitudeBox(min: number, max: number): Condition {
  const wraps = min > max;
  return {
    name: `longitude:${min}:${max}`,
    value: (g) => {
      const lon = g.geodetic.lonDeg;
      return wraps ? Math.max(lon - min, max - lon) : Math.min(lon - min, max - lon);
    },
    rising: 'latitude-northward', falling: 'latitude-southward',
  };
}

/** The condition behind an atom, or undefined when the atom names an unknown station or is malformed. */
function conditionOf(atom: string, stations: readonly Station[]): Condition | undefined {
  if (atom === 'sunlit') return sunlit();
  if (atom === 'umbra') return inUmbra();
  if (atom === 'day') return subSatelliteDay();
  if (atom === 'north') return northOfEquator();
  if (atom.startsWith('visible:')) {
    const st = stations.find((s) => s.name === atom.slice(8));
    return st ? stationVisible(st) : undefined;
  }
  let m = /^altitude>(.+)$/.exec(atom);
  if (m) return altitudeAbove(Number(m[1]));
  m = /^latitude>(.+)$/.exec(atom);
  if (m) return latitudeAbove(Number(m[1]));
  m = /^longitude:([^:]+):([^:]+)$/.exec(atom);
  if (m) return longitudeBox(Number(m[1]), Number(m[2]));
  return undefined;
}

/** Station names a constraint set refers to that are not among `stations`. */
export function unknownStations(c: GeometryConstraints | undefined, stations: readonly Station[]): string[] {
  const v = c?.stationVisible;
  if (!v || v === 'any') return [];
  return v.filter((n) => !stations.some((s) => s.name === n));
}

const stationNames = (c: GeometryConstraints, stations: readonly Station[]): string[] =>
  c.stationVisible === 'any' ? stations.map((s) => s.name) : [...(c.stationVisible ?? [])];

/** The atoms (scanned conditions) a constraint set needs. */
export function atomsOf(c: GeometryConstraints | undefined, stations: readonly Station[]): string[] {
  if (!c) return [];
  const out: string[] = [];
  if (c.sunlit !== undefined) out.push('sunlit');
  if (c.eclipse !== undefined) out.push('umbra');
  if (c.subSatellite !== undefined) out.push('day');
  if (c.stationVisible !== undefined) for (const n of stationNames(c, stations)) if (stations.some((s) => s.name === n)) out.push(`visible:${n}`);
  if (c.altitudeKm?.min !== undefined) out.push(`altitude>${c.altitudeKm.min}`);
  if (c.altitudeKm?.max !== undefined) out.push(`altitude>${c.altitudeKm.max}`);
  if (c.latitudeDeg?.min !== undefined) out.push(`latitude>${c.latitudeDeg.min}`);
  if (c.latitudeDeg?.max !== undefined) out.push(`latitude>${c.latitudeDeg.max}`);
  const lon = c.longitudeDeg;
  if (lon && (lon.min !== undefined || lon.max !== undefined)) out.push(`longitude:${lon.min ?? -180}:${lon.max ?? 180}`);
  return out;
}

/**
 * Scan every atom over `range` in one pass (plus the ascending nodes, for orbit numbers).
 * @throws InputError when the ephemeris fails inside its coverage (from the event finder).
 */
export function buildPlanGeometry(
  ephemeris: Ephemeris, range: Interval, stations: readonly Station[], atoms: Iterable<string>, options: ScanOptions = {},
): PlanGeometry {
  const wanted = [...new Set(['north', ...atoms])].sort();
  const conditions: Condition[] = [];
  const names: string[] = [];
  for (const a of wanted) {
    const c = conditionOf(a, stations);
    if (c) { conditions.push(c); names.push(a); }
  }
  const scan = scanConditions(ephemeris, conditions, range, options);
  const byAtom = new Map<string, { windows: Windows; crossings: readonly Crossing[] }>();
  names.forEach((a, i) => {
    const s = scan.scans[i]!;
    byAtom.set(a, { windows: normalizeWindows(s.windows), crossings: s.crossings });
  });
  const covered = normalizeWindows(scan.covered);
  const nodes = byAtom.get('north')!.crossings.filter((z) => z.rising).map((z) => z.t);
  const counter = orbitCounter(ephemeris, range, options, nodes);
  const get = (atom: string) => {
    const w = byAtom.get(atom);
    if (!w) throw new Error(`geometry atom ${atom} was not prepared`);
    return w;
  };
  return {
    ephemeris, range, covered, stations,
    windows: (atom) => get(atom).windows,
    crossings: (atom) => get(atom).crossings,
    orbitAt: (t) => counter.orbitAt(t),
    orbitWindows: (r) => {
      const cuts = [range.start, ...nodes.filter((t) => t > range.start && t < range.end), range.end];
      const out: Interval[] = [];
      for (let i = 1; i < cuts.length; i++) {
        const a = cuts[i - 1]!;
        const b = cuts[i]!;
        const n = counter.orbitAt((a + b) / 2);
        if ((r.min === undefined || n >= r.min) && (r.max === undefined || n <= r.max)) out.push({ start: a, end: b });
      }
      return andWindows(normalizeWindows(out), covered);
    },
  };
}

const rangeText = (r: NumericRange, unit: string) =>
  r.min !== undefined && r.max !== undefined ? `${r.min}..${r.max}${unit}` : r.min !== undefined ? `≥ ${r.min}${unit}` : `≤ ${r.max}${unit}`;

/** One constraint of a set, as windows, with a label for messages. */
export interface ConstraintPart {
  readonly label: string;
  readonly windows: Windows;
}

/** Each constraint of `c` as windows within the covered range (unknown stations are left out: check them first). */
export function constraintParts(geo: PlanGeometry, c: GeometryConstraints | undefined): ConstraintPart[] {
  if (!c) return [];
  const all = geo.covered;
  const out: ConstraintPart[] = [];
  const within = (w: Windows) => andWindows(w, all);
  const not = (w: Windows) => andWindows(notWindows(w, geo.range), all);
  const band = (prefix: string, r: NumericRange): Windows => {
    let w = all;
    if (r.min !== undefined) w = andWindows(w, geo.windows(`${prefix}>${r.min}`));
    if (r.max !== undefined) w = minusWindows(w, geo.windows(`${prefix}>${r.max}`));
    return w;
  };
  if (c.sunlit !== undefined) out.push({ label: c.sunlit ? 'sunlit' : 'not sunlit', windows: c.sunlit ? within(geo.windows('sunlit')) : not(geo.windows('sunlit')) });
  if (c.eclipse !== undefined) out.push({ label: c.eclipse ? 'in eclipse (umbra)' : 'outside eclipse (umbra)', windows: c.eclipse ? within(geo.windows('umbra')) : not(geo.windows('umbra')) });
  if (c.stationVisible !== undefined) {
    const names = stationNames(c, geo.stations).filter((n) => geo.stations.some((s) => s.name === n));
    let w: Windows = [];
    for (const n of names) w = orWindows(w, geo.windows(`visible:${n}`));
    out.push({ label: `visible from ${names.length ? names.join(' or ') : 'a station (none known)'}`, windows: within(w) });
  }
  if (c.altitudeKm) out.push({ label: `altitude ${rangeText(c.altitudeKm, ' km')}`, windows: band('altitude', c.altitudeKm) });
  if (c.latitudeDeg) out.push({ label: `latitude ${rangeText(c.latitudeDeg, '°')}`, windows: band('latitude', c.latitudeDeg) });
  const lon = c.longitudeDeg;
  if (lon && (lon.min !== undefined || lon.max !== undefined)) {
    out.push({ label: `longitude ${lon.min ?? -180}..${lon.max ?? 180}°`, windows: within(geo.windows(`longitude:${lon.min ?? -180}:${lon.max ?? 180}`)) });
  }
  if (c.orbits) out.push({ label: `orbit ${rangeText(c.orbits, '')}`, windows: geo.orbitWindows(c.orbits) });
  if (c.subSatellite !== undefined) {
    out.push({ label: `${c.subSatellite} at the sub-satellite point`, windows: c.subSatellite === 'day' ? within(geo.windows('day')) : not(geo.windows('day')) });
  }
  return out;
}

/** Where every constraint of `c` holds (the covered range when there are none). */
export function constraintWindows(geo: PlanGeometry, c: GeometryConstraints | undefined): Windows {
  let w = geo.covered;
  for (const p of constraintParts(geo, c)) w = andWindows(w, p.windows);
  return w;
}

/**
 * What does not hold at `t`: one sentence per failing constraint, with the actual state where it helps
 * (e.g. `requires sunlit, but the spacecraft is in the penumbra`). Empty when all hold.
 */
export function constraintFailures(geo: PlanGeometry, c: GeometryConstraints | undefined, t: UnixMs, parts = constraintParts(geo, c)): string[] {
  const failing = parts.filter((p) => !inWindows(p.windows, t));
  if (!failing.length) return [];
  if (!inWindows(geo.covered, t)) return [`no ephemeris at ${isoUtc(t)}: the constraints cannot be checked`];
  // The state is needed only to say what the altitude, latitude or longitude actually was.
  let geod: ReturnType<typeof sampleGeodetic> | null = null;
  const geodetic = () => (geod === null ? (geod = sampleGeodetic(geo, t)) : geod);
  return failing.map((p) => {
    const needs = /^(altitude|latitude|longitude)/.test(p.label);
    const g = needs ? geodetic() : undefined;
    let actual = '';
    if (g && /^altitude/.test(p.label)) actual = `, but the altitude is ${g.altKm.toFixed(1)} km`;
    else if (g && /^latitude/.test(p.label)) actual = `, but the latitude is ${g.latDeg.toFixed(2)}°`;
    else if (g && /^longitude/.test(p.label)) actual = `, but the longitude is ${g.lonDeg.toFixed(2)}°`;
    else if (p.label === 'sunlit') actual = inWindows(geo.windows('sunlit'), t) ? '' : ', but the spacecraft is in eclipse (penumbra or umbra)';
    else if (p.label.startsWith('orbit')) actual = `, but it is orbit ${geo.orbitAt(t)}`;
    else if (p.label.startsWith('visible')) actual = ', but no such station sees the spacecraft';
    else if (p.label.includes('umbra')) actual = p.label.startsWith('in') ? ', but the spacecraft is outside the umbra' : ', but the spacecraft is in the umbra';
    else if (p.label === 'not sunlit') actual = ', but the spacecraft is fully sunlit';
    else if (p.label.includes('sub-satellite')) actual = `, but it is ${p.label.startsWith('day') ? 'night' : 'day'} there`;
    return `requires ${p.label}${actual}`;
  });
}

/** The geodetic position at `t`, or undefined when there is no state. */
function sampleGeodetic(geo: PlanGeometry, t: UnixMs) {
  const s = sampleAt(geo.ephemeris, t);
  return 'ok' in s ? undefined : s.geodetic;
}

export { coveredParts };
