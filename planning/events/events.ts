/**
 * @module All events of a range: eclipse (penumbra and umbra entry/exit), station passes (AOS, LOS, maximum
 * elevation), ascending and descending nodes, altitude and latitude threshold crossings and terminator
 * crossings at the sub-satellite point, each with its orbit number; pericentre and apocentre (zeros of the
 * radial velocity) around any body other than the Earth, and at the Earth when `kinds` asks for them.
 */
import type { Ephemeris } from '../ephemeris/types.js';
import { sampleAt } from '../geometry/sample.js';
import { elevationDeg, lookAngles, stationFrame, type Station } from '../geometry/station.js';
import type { Deg, Interval, Km, UnixMs } from '../geometry/types.js';
import {
  altitudeAbove, inUmbra, latitudeAbove, northOfEquator, receding, stationVisible, subSatelliteDay, sunlit,
  type Condition, type EventKind,
} from './conditions.js';
import { maximise, scanConditions, type ScanOptions } from './find.js';
import { orbitCounter } from './orbit-number.js';

/** One event. */
export interface OrbitEvent {
  readonly kind: EventKind;
  readonly t: UnixMs;
  /** Orbit number at the event. */
  readonly orbit: number;
  /** Station name (AOS, LOS, max-elevation). */
  readonly station?: string;
  /** Threshold crossed (altitude km, latitude degrees). */
  readonly threshold?: number;
  /** Maximum elevation in degrees (max-elevation events). */
  readonly value?: number;
}

/** A pass over a station. */
export interface Pass {
  readonly station: string;
  /** Acquisition of signal; null when the pass is in progress at the range start. */
  readonly aos: UnixMs | null;
  /** Loss of signal; null when the pass is still in progress at the range end. */
  readonly los: UnixMs | null;
  readonly maxElevationTime: UnixMs;
  readonly maxElevationDeg: Deg;
  /** Azimuth at maximum elevation. */
  readonly maxElevationAzimuthDeg: Deg;
}

/** What to look for. */
export interface EventOptions extends ScanOptions {
  readonly stations?: readonly Station[];
  readonly altitudesKm?: readonly Km[];
  readonly latitudesDeg?: readonly Deg[];
  /** Event kinds to report; default all. */
  readonly kinds?: readonly EventKind[];
}

export interface EventsResult {
  readonly events: readonly OrbitEvent[];
  readonly passes: readonly Pass[];
  /** The parts of the range covered by the ephemeris (the only ones searched). */
  readonly covered: readonly Interval[];
}

/** Find all events in `range` (see the module comment). */
export function findEvents(ephem: Ephemeris, range: Interval, options: EventOptions = {}): EventsResult {
  const stations = options.stations ?? [];
  const conditions: Condition[] = [
    sunlit(), inUmbra(), northOfEquator(), subSatelliteDay(),
    ...stations.map(stationVisible),
    ...(options.altitudesKm ?? []).map(altitudeAbove),
    ...(options.latitudesDeg ?? []).map(latitudeAbove),
  ];
  const apsides = (options.body ?? ephem.centralBody) !== undefined || (options.kinds ?? []).some((k) => k === 'pericentre' || k === 'apocentre');
  if (apsides) conditions.push(receding());
  // Around another body the default grid step is 60 s (orbits there last hours; grazing events are still caught
  // by the finder's extremum check); around the Earth it stays the finder's 30 s.
  const scanOptions = (options.body ?? ephem.centralBody) !== undefined && options.stepMs === undefined ? { ...options, stepMs: 60000 } : options;
  const scan = scanConditions(ephem, conditions, range, scanOptions);
  const nodes = scan.scans[2]!.crossings.filter((z) => z.rising).map((z) => z.t);
  const counter = orbitCounter(ephem, range, scanOptions, nodes);
  const want = options.kinds ? new Set<EventKind>(options.kinds) : undefined;
  const events: OrbitEvent[] = [];
  const passes: Pass[] = [];
  const tol = options.toleranceMs ?? 5;
  for (const s of scan.scans) {
    const c = s.condition;
    for (const z of s.crossings) {
      const kind = z.rising ? c.rising : c.falling;
      events.push({
        kind, t: z.t, orbit: counter.orbitAt(z.t),
        ...(c.station !== undefined ? { station: c.station } : {}),
        ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
      });
    }
    if (c.station !== undefined) {
      const st = stations.find((x) => x.name === c.station)!;
      const sf = stationFrame(st);
      const el = (t: UnixMs) => {
        const g = sampleAt(ephem, t, options);
        return 'ok' in g ? -90 : elevationDeg(sf, g.r);
      };
      for (const w of s.windows) {
        const m = maximise(el, w.start, w.end, tol);
        const g = sampleAt(ephem, m.t, options);
        const az = 'ok' in g ? NaN : lookAngles(sf, g.r).azimuthDeg;
        const openStart = s.crossings.every((z) => Math.abs(z.t - w.start) > 0.001);
        const openEnd = s.crossings.every((z) => Math.abs(z.t - w.end) > 0.001);
        passes.push({ station: c.station, aos: openStart ? null : w.start, los: openEnd ? null : w.end, maxElevationTime: m.t, maxElevationDeg: m.value, maxElevationAzimuthDeg: az });
        events.push({ kind: 'max-elevation', t: m.t, orbit: counter.orbitAt(m.t), station: c.station, value: m.value });
      }
    }
  }
  const kept = (want ? events.filter((e) => want.has(e.kind)) : events).sort((a, b) => a.t - b.t || a.kind.localeCompare(b.kind));
  passes.sort((a, b) => (a.aos ?? a.maxElevationTime) - (b.aos ?? b.maxElevationTime));
  return { events: kept, passes, covered: scan.covered };
}
