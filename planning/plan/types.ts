/**
 * @module Types of the plan file (`schemas/plan.schema.json` is the source of truth) and of a plan read from
 * it (times in Unix ms).
 */
import type { JsonValue, ProfilePoint } from '../../src/mdb/index.js';

export type { ProfilePoint };
import type { Station } from '../geometry/station.js';
import type { Interval, UnixMs } from '../geometry/types.js';
import type { GeometryConstraints } from '../requests/types.js';

/** One command as written in the plan file. */
export interface PlanCommandJson {
  readonly time: string;
  readonly command: string;
  readonly parameters?: Readonly<Record<string, JsonValue>>;
  readonly request?: string;
  readonly constraints?: GeometryConstraints;
  readonly comment?: string;
  readonly experiment?: string;
  readonly mode?: string;
  readonly powerProfile?: readonly ProfilePoint[];
  readonly dataRateProfile?: readonly ProfilePoint[];
}

/** The ITL-entry fields a command may carry through import and export. */
export type ItlFields = Pick<PlanCommandJson, 'experiment' | 'mode' | 'powerProfile' | 'dataRateProfile'>;

/** Copy the ITL-entry fields that are present. */
export function itlFieldsOf(c: ItlFields): ItlFields {
  return {
    ...(c.experiment !== undefined ? { experiment: c.experiment } : {}),
    ...(c.mode !== undefined ? { mode: c.mode } : {}),
    ...(c.powerProfile !== undefined ? { powerProfile: c.powerProfile } : {}),
    ...(c.dataRateProfile !== undefined ? { dataRateProfile: c.dataRateProfile } : {}),
  };
}

/** A request generation could not place. */
export interface Unplaced {
  readonly request: string;
  readonly reason: string;
}

/** The plan file as written. */
export interface PlanJson {
  readonly $schema?: string;
  readonly formatVersion: 1;
  readonly name: string;
  readonly instrument?: string;
  readonly description?: string;
  readonly validity: { readonly start: string; readonly end: string };
  readonly uplink?: { readonly time: string; readonly latencyS?: number };
  readonly initialMode?: string;
  readonly stations?: readonly string[];
  readonly commands: readonly PlanCommandJson[];
  readonly unplaced?: readonly Unplaced[];
}

/** One command of a plan read from a file. */
export interface PlanCommand {
  /** Position in the file's command list (what violations report). */
  readonly index: number;
  /** Release time, Unix ms UTC. */
  readonly t: UnixMs;
  readonly command: string;
  readonly parameters: Readonly<Record<string, JsonValue>>;
  readonly request?: string;
  readonly constraints?: GeometryConstraints;
  readonly comment?: string;
  readonly experiment?: string;
  readonly mode?: string;
  readonly powerProfile?: readonly ProfilePoint[];
  readonly dataRateProfile?: readonly ProfilePoint[];
}

/** A plan read and checked (times parsed, stations parsed); commands keep their file order. */
export interface Plan {
  readonly file: string;
  readonly name: string;
  readonly instrument: string;
  readonly description?: string;
  readonly validity: Interval;
  readonly uplink?: { readonly t: UnixMs; readonly latencyS: number };
  readonly initialMode?: string;
  readonly stations: readonly Station[];
  readonly commands: readonly PlanCommand[];
  readonly unplaced: readonly Unplaced[];
}
