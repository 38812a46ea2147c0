/**
 * @module Types of observation requests and geometry constraints (`schemas/requests.schema.json` is the
 * source of truth; each interface mirrors one schema definition).
 */
import type { JsonValue } from '../../src/mdb/commands/types.js';
import type { Station } from '../geometry/station.js';
import type { Interval } from '../geometry/types.js';

/** A closed numeric range; either bound may be left out. */
export interface NumericRange {
  readonly min?: number;
  readonly max?: number;
}

/** Geometry constraints: all must hold over a request and at each of its commands. */
export interface GeometryConstraints {
  /** true: fully sunlit; false: in penumbra or umbra. */
  readonly sunlit?: boolean;
  /** true: in the umbra; false: outside it. */
  readonly eclipse?: boolean;
  /** Visible from at least one of these stations, or from any known station. */
  readonly stationVisible?: 'any' | readonly string[];
  readonly altitudeKm?: NumericRange;
  readonly latitudeDeg?: NumericRange;
  /** Degrees east in -180..180; min > max wraps across the antimeridian. */
  readonly longitudeDeg?: NumericRange;
  /** Orbit numbers (counted at ascending nodes). */
  readonly orbits?: NumericRange;
  readonly subSatellite?: 'day' | 'night';
}

/** Time constraints of a request (JSON form: ISO instants). */
export interface TimeConstraintsJson {
  readonly window?: { readonly start: string; readonly end: string };
  readonly earliest?: string;
  readonly latest?: string;
}

/** One request as written in the file. */
export interface RequestJson {
  readonly id: string;
  readonly description?: string;
  readonly sequence: string;
  readonly parameters?: Readonly<Record<string, JsonValue>>;
  readonly durationS?: number;
  readonly priority: number;
  readonly constraints?: GeometryConstraints;
  readonly time?: TimeConstraintsJson;
}

/** The requests file as written. */
export interface RequestsFileJson {
  readonly $schema?: string;
  readonly formatVersion: 1;
  readonly instrument?: string;
  readonly description?: string;
  readonly stations?: readonly string[];
  readonly gapS?: number;
  readonly marginS?: number;
  readonly requests: readonly RequestJson[];
}

/** A request read and checked: times in Unix ms. */
export interface ObservationRequest extends RequestJson {
  /** Index in the file. */
  readonly index: number;
  /** Where it may lie: window ∩ [earliest, latest] (unbounded ends are ±Infinity). */
  readonly allowed: Interval;
}

/** A requests file read and checked. */
export interface RequestsFile {
  readonly file: string;
  readonly instrument?: string;
  readonly stations: readonly Station[];
  readonly gapS: number;
  readonly marginS: number;
  readonly requests: readonly ObservationRequest[];
}
