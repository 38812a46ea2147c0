/**
 * @module Types of the JSON telecommand database (`schemas/tcdb.schema.json` is the source of truth: each
 * interface here mirrors one schema definition, and `parseTcDatabase` checks a file against the schema before
 * it is typed as a {@link TcDatabase}).
 */
import type { Problem } from '../../errors.js';

/** On-wire parameter types. Bit sizes live beside the type (`bits` or `length`). */
export const ParameterTypes = [
  /** Unsigned integer of `bits` bits (1..64). */
  'unsigned',
  /** Two's-complement signed integer of `bits` bits (2..64). */
  'signed',
  /** IEEE 754 float of `bits` = 32 or 64. */
  'float',
  /** Unsigned integer of `bits` bits whose values carry labels (`enumeration`). */
  'enumerated',
  /** Boolean of `bits` bits (default 1): 0 false, 1 true. */
  'boolean',
  /** Fixed-length octet string of `length` octets. */
  'octets',
  /** Fixed-length ASCII string of `length` octets, right-padded with spaces. */
  'string',
] as const;
export type ParameterType = (typeof ParameterTypes)[number];

/** Command criticality (SCOS-2000 CCF_CRITICAL = Y maps to `critical`). */
export type Criticality = 'normal' | 'critical' | 'hazardous';

/** Linear calibration: engineering = slope × raw + offset. */
export interface LinearCalibration {
  readonly kind: 'linear';
  readonly slope: number;
  readonly offset: number;
}

/** One point of a table calibration. */
export interface CalibrationPoint {
  readonly raw: number;
  readonly eng: number;
}

/** Piecewise-linear table calibration; raw and engineering both strictly monotonic (so it inverts). */
export interface TableCalibration {
  readonly kind: 'table';
  readonly points: readonly CalibrationPoint[];
  /** Values outside the table: extrapolate from the end segments, or refuse. Default `refuse`. */
  readonly outside?: 'extrapolate' | 'refuse';
}

export type Calibration = LinearCalibration | TableCalibration;

/** Allowed values of a numeric parameter. */
export interface ValueRange {
  readonly min?: number;
  readonly max?: number;
  /** Whether min/max are engineering values (after calibration) or raw values. Default `engineering`. */
  readonly applies?: 'engineering' | 'raw';
}

/** One enumeration entry: raw value ↔ label. */
export interface EnumEntry {
  readonly value: number;
  readonly label: string;
}

/**
 * A value as written in a database or given by a user: a number (engineering), a label (enumerated), a
 * boolean, a hex string (octets) or text (string).
 */
export type JsonValue = number | string | boolean;

/** A command parameter, in packing order. */
export interface TcParameter {
  readonly name: string;
  readonly description?: string;
  readonly type: ParameterType;
  /** Bit size of integer, float, enumerated and boolean parameters. */
  readonly bits?: number;
  /** Octet length of octets and string parameters. */
  readonly length?: number;
  readonly unit?: string;
  readonly range?: ValueRange;
  readonly enumeration?: readonly EnumEntry[];
  readonly default?: JsonValue;
  /** True when the value is fixed by the database (its `default`) and may not be given. */
  readonly fixed?: boolean;
  readonly calibration?: Calibration;
}

/** What executing the command does to the instrument's resources (changes, positive = more). */
export interface TcEffects {
  /** Change of power consumption, W. */
  readonly powerW?: number;
  /** Change of generated data rate, bit/s. */
  readonly dataRateBps?: number;
  /** The mode the instrument is in after the command. */
  readonly setsMode?: string;
}

/** A telecommand definition. */
export interface TcCommand {
  readonly name: string;
  readonly description?: string;
  readonly apid: number;
  /** PUS service type. */
  readonly service: number;
  /** PUS message subtype. */
  readonly subtype: number;
  /** Acknowledgement flags (4 bits, 0x1 acceptance … 0x8 completion). Default 0xF. */
  readonly ackFlags?: number;
  readonly criticality?: Criticality;
  /** Modes in which the command may be sent; absent = any. */
  readonly allowedModes?: readonly string[];
  /** Nominal execution duration, s. */
  readonly executionDurationS?: number;
  readonly effects?: TcEffects;
  readonly parameters: readonly TcParameter[];
}

/** A sequence's formal parameter. */
export interface FormalParameter {
  readonly name: string;
  readonly description?: string;
  readonly default?: JsonValue;
}

/** A step argument: a literal value, or a binding to a formal parameter of the sequence. */
export type StepArgument = JsonValue | { readonly formal: string };

/** One command of a sequence, released `offsetS` seconds after the sequence start. */
export interface SequenceStep {
  readonly command: string;
  readonly offsetS: number;
  readonly arguments?: Readonly<Record<string, StepArgument>>;
}

/** A sequence (macro) of commands at relative times. */
export interface TcSequence {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: readonly FormalParameter[];
  readonly steps: readonly SequenceStep[];
}

/** The whole database. */
export interface TcDatabase {
  readonly $schema?: string;
  readonly formatVersion: 1;
  readonly mission?: string;
  readonly description?: string;
  /** Known instrument modes; when present, `allowedModes` and `setsMode` must name them. */
  readonly modes?: readonly string[];
  readonly commands: readonly TcCommand[];
  readonly sequences?: readonly TcSequence[];
}

/** A result that is either a value or a list of problems. */
export type TcResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** One point of a resource profile (ITL `POWER_PROFILE`/`DATA_RATE_PROFILE`, EDF resources): at `offset` from the entry's time, the resource is `value`. */
export interface ProfilePoint {
  /** Offset as written: `[+|-][ddd_]hh:mm:ss[.fff]`, or a number whose unit is `offsetUnit`. */
  readonly offset: string;
  readonly offsetUnit?: string;
  readonly value: number;
  /** Unit of the value as written (`W`, `Watts`, `kbits/sec`…). */
  readonly unit?: string;
}
