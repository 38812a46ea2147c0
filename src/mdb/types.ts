/**
 * @module The telemetry half of idoc's mission database, as plain JSON-ready data: parameter types with their
 * encodings, calibrators, enumerations and alarms; parameters; sequence containers with base containers,
 * restriction criteria and entries. The model follows XTCE 1.2 (OMG / CCSDS 660.1-G-2) closely, so an XTCE file,
 * a SCOS-2000 MIB or a field list all load into it; `schemas/mdb.schema.json` describes its JSON form.
 * Defaults are the XTCE 1.2 schema defaults (formats-wave2.md §1.4–1.8), never space_packet_parser's.
 */

/** Where a definition came from (`file:line`), for messages. */
export type SourceRef = string;

/** Byte order of a multi-octet field. XTCE `byteOrder`: mostSignificantByteFirst (default) = big. */
export type ByteOrder = 'big' | 'little';

/**
 * Integer encodings (XTCE 1.2 IntegerDataEncodingType@encoding). BCD and packedBCD are not supported.
 */
export type IntegerEncodingKind = 'unsigned' | 'twosComplement' | 'signMagnitude' | 'onesComplement';

/** Float encodings (XTCE 1.2 FloatDataEncodingType@encoding): IEEE 754 (16, 32, 64 bits), MIL-STD-1750A (32, 48). */
export type FloatEncodingKind = 'IEEE754' | 'MILSTD_1750A';

/** A size that is fixed, read from an earlier parameter (XTCE DynamicValue), or from a leading size tag. */
export type SizeSpec =
  /** Fixed size in bits. */
  | { readonly kind: 'fixed'; readonly bits: number }
  /** size = slope · value(parameter) + intercept, in bits (XTCE 1.2 DynamicValueType + LinearAdjustmentType). */
  | { readonly kind: 'dynamic'; readonly parameter: string; readonly useCalibratedValue: boolean; readonly slope: number; readonly intercept: number }
  /** A size tag of `tagBits` bits precedes the data and gives its length in octets (XTCE LeadingSizeType). */
  | { readonly kind: 'leading'; readonly tagBits: number; readonly maxBits?: number }
  /** Strings only: the text runs up to and including the encoding's termination character, at most `maxBits`. */
  | { readonly kind: 'terminated'; readonly maxBits: number };

export type DataEncoding =
  | { readonly kind: 'integer'; readonly sizeInBits: number; readonly encoding: IntegerEncodingKind; readonly byteOrder: ByteOrder }
  | { readonly kind: 'float'; readonly sizeInBits: number; readonly encoding: FloatEncodingKind; readonly byteOrder: ByteOrder }
  /**
   * Characters; `size` is the size of the field in the packet. `terminationChar` (an octet value) ends the text
   * inside a fixed or variable field (XTCE TerminationChar, hex).
   */
  | { readonly kind: 'string'; readonly charset: StringCharset; readonly size: SizeSpec; readonly terminationChar?: number }
  | { readonly kind: 'binary'; readonly size: SizeSpec };

/** Character sets of string fields (XTCE 1.2 StringEncodingType). */
export type StringCharset = 'US-ASCII' | 'ISO-8859-1' | 'Windows-1252' | 'UTF-8' | 'UTF-16' | 'UTF-16LE' | 'UTF-16BE';

/** y = Σ coefficient · x^exponent (XTCE 1.2 PolynomialCalibratorType / TermType). */
export interface PolynomialCalibrator {
  readonly kind: 'polynomial';
  readonly terms: readonly { readonly coefficient: number; readonly exponent: number }[];
}

/**
 * Piecewise curve through points sorted by raw value (XTCE 1.2 SplineCalibratorType): order 0 = value of the
 * nearest lower point, 1 = linear (XSD default 1). Outside the points: extrapolate from the end segments when
 * `extrapolate`, else the engineering value is invalid.
 */
export interface SplineCalibrator {
  readonly kind: 'spline';
  readonly order: 0 | 1;
  readonly extrapolate: boolean;
  readonly points: readonly { readonly raw: number; readonly calibrated: number }[];
}

/**
 * SCOS-2000 MIB logarithmic calibration (LGF): y = 1 / (A0 + A1·ln x + A2·ln²x + A3·ln³x + A4·ln⁴x), raw x > 0
 * (else invalid). No XTCE form: it comes from a MIB only.
 */
export interface LogarithmicCalibrator {
  readonly kind: 'logarithmic';
  /** A0…A4 (missing ones 0). */
  readonly coefficients: readonly number[];
}

export type Calibrator = PolynomialCalibrator | SplineCalibrator | LogarithmicCalibrator;

/** Comparison operators (XTCE 1.2 ComparisonOperatorsType). */
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A reference to a parameter's value in the same packet (XTCE ParameterInstanceRef, instance 0). */
export interface ValueRef {
  readonly parameter: string;
  /** Compare the engineering value (XTCE default true) or the raw value. */
  readonly useCalibratedValue: boolean;
}

/** XTCE 1.2 MatchCriteriaType: Comparison, ComparisonList (AND), BooleanExpression (AND / OR / Condition). */
export type MatchCriteria =
  | { readonly kind: 'comparison'; readonly ref: ValueRef; readonly operator: ComparisonOperator; readonly value: string }
  /** Condition comparing two parameters (XTCE ComparisonCheckType with a second ParameterInstanceRef). */
  | { readonly kind: 'compareParameters'; readonly left: ValueRef; readonly operator: ComparisonOperator; readonly right: ValueRef }
  | { readonly kind: 'and'; readonly of: readonly MatchCriteria[] }
  | { readonly kind: 'or'; readonly of: readonly MatchCriteria[] };

/** A float range (XTCE 1.2 FloatRangeType); a bound left out does not limit. */
export interface FloatRange {
  readonly minInclusive?: number;
  readonly minExclusive?: number;
  readonly maxInclusive?: number;
  readonly maxExclusive?: number;
}

/** Alarm levels, least to most severe (XTCE 1.2 ConcernLevelsType without `normal`). */
export const ALARM_LEVELS = ['watch', 'warning', 'distress', 'critical', 'severe'] as const;
export type AlarmLevel = (typeof ALARM_LEVELS)[number];

/** XTCE 1.2 StaticAlarmRanges (AlarmRangesType): ranges on the engineering value. */
export interface StaticAlarmRanges {
  /** outside (default): alarm when the value leaves the range; inside: alarm when it is in the range. */
  readonly rangeForm: 'outside' | 'inside';
  readonly ranges: Partial<Readonly<Record<AlarmLevel, FloatRange>>>;
}

/** An alarm definition: numeric ranges or, for enumerated types, levels per label. */
export interface Alarm {
  readonly staticRanges?: StaticAlarmRanges;
  /** Enumerated: label → level (XTCE EnumerationAlarmList); labels not listed take `defaultLevel`. */
  readonly enumerationLevels?: Readonly<Record<string, AlarmLevel | 'normal'>>;
  readonly defaultLevel?: AlarmLevel | 'normal';
  /** Consecutive violations before the alarm is raised (XTCE minViolations, default 1). */
  readonly minViolations: number;
}

/** A raw value or range and its text (XTCE ValueEnumerationType; `maxValue` makes it a range). */
export interface EnumerationValue {
  readonly value: number;
  readonly maxValue?: number;
  readonly label: string;
}

/** The epoch of an absolute time (XTCE 1.2 EpochType): a named epoch or an ISO date/dateTime (UTC). */
export type TimeEpoch = 'TAI' | 'J2000' | 'UNIX' | 'GPS' | string;

export type ParameterTypeKind = 'integer' | 'float' | 'enumerated' | 'boolean' | 'string' | 'binary' | 'absoluteTime' | 'array';

/** A parameter type: how the value is encoded in the packet and how it becomes an engineering value. */
export interface ParameterType {
  readonly name: string;
  readonly kind: ParameterTypeKind;
  /** Absent for arrays (their elements carry the encoding). */
  readonly encoding?: DataEncoding;
  readonly unit?: string;
  readonly description?: string;
  readonly calibrator?: Calibrator;
  /** The first whose criteria hold is used, else `calibrator` (XTCE ContextCalibratorList). */
  readonly contextCalibrators?: readonly { readonly when: MatchCriteria; readonly calibrator: Calibrator }[];
  readonly enumeration?: readonly EnumerationValue[];
  /** Boolean texts (XTCE BooleanDataType; defaults "True" / "False"). */
  readonly oneStringValue?: string;
  readonly zeroStringValue?: string;
  /** Engineering values outside this range are flagged invalid (XTCE ValidRange). */
  readonly validRange?: FloatRange;
  readonly alarm?: Alarm;
  /** The first whose criteria hold replaces `alarm` (XTCE ContextAlarmList). */
  readonly contextAlarms?: readonly { readonly when: MatchCriteria; readonly alarm: Alarm }[];
  /**
   * Absolute time: seconds = raw · scale + offset from `epoch` (XTCE 1.2 EncodingType, ReferenceTime/Epoch).
   * `cds`: the raw integer is a CCSDS Day Segmented code (CCSDS 301.0-B-4 §3.3) of 16-bit days, 32-bit
   * milliseconds of day and, when `cds` is 16, 16-bit microseconds (seconds = days·86400 + ms/10³ + µs/10⁶,
   * then scale and offset).
   */
  readonly time?: { readonly scale: number; readonly offset: number; readonly epoch: TimeEpoch; readonly cds?: 0 | 16 };
  /** Array: element type and dimensions (XTCE 1.2 ArrayParameterType / DimensionList). */
  readonly array?: { readonly elementType: string; readonly dimensions: readonly ArrayDimension[] };
  readonly source?: SourceRef;
}

/** One array dimension: element count = endingIndex − startingIndex + 1 (XTCE 1.2 DimensionType). */
export interface ArrayDimension {
  readonly startingIndex: IntegerValue;
  readonly endingIndex: IntegerValue;
}

/** XTCE IntegerValueType: a fixed value or one read from a parameter of the same packet. */
export type IntegerValue =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'dynamic'; readonly parameter: string; readonly useCalibratedValue: boolean; readonly slope: number; readonly intercept: number };

export interface Parameter {
  readonly name: string;
  /** Name of its {@link ParameterType}. */
  readonly type: string;
  readonly description?: string;
  readonly source?: SourceRef;
}

/** Where an entry starts (XTCE 1.2 LocationInContainerInBits); absent = right after the previous entry. */
export interface EntryLocation {
  readonly reference: 'previousEntry' | 'containerStart';
  readonly bits: number;
}

interface EntryCommon {
  readonly location?: EntryLocation;
  /**
   * The entry is repeated `count` times, one occurrence after the other (XTCE 1.2 RepeatEntry/Count; a SCOS-2000
   * VPD group). A repeated parameter, and each parameter of a repeated container, then has one value per packet:
   * the array of its occurrences (arrays of arrays when repeats nest).
   */
  readonly repeat?: { readonly count: IntegerValue };
  /** The entry is present only when these criteria hold (XTCE IncludeCondition). */
  readonly includeCondition?: MatchCriteria;
  readonly source?: SourceRef;
}

export type Entry =
  | (EntryCommon & { readonly kind: 'parameter'; readonly parameter: string })
  | (EntryCommon & { readonly kind: 'container'; readonly container: string })
  /** XTCE ArrayParameterRefEntry: the whole array parameter (its type gives the dimensions). */
  | (EntryCommon & { readonly kind: 'array'; readonly parameter: string });

/** A sequence container (XTCE 1.2 SequenceContainerType). */
export interface Container {
  readonly name: string;
  /** Never a packet on its own: only its descendants are (XTCE `abstract`, default false). */
  readonly abstract: boolean;
  /** The base container and the criteria that select this container after the base is decoded. */
  readonly base?: { readonly container: string; readonly restriction?: MatchCriteria };
  readonly entries: readonly Entry[];
  readonly description?: string;
  readonly source?: SourceRef;
}

/** A telemetry mission database: what `idoc tm` commands decode with. */
export interface TmDatabase {
  /** Name of the root SpaceSystem (or of the database). */
  readonly name: string;
  readonly parameterTypes: readonly ParameterType[];
  readonly parameters: readonly Parameter[];
  /** In document order (the order children are tried in when selecting a container). */
  readonly containers: readonly Container[];
}
