/**
 * @module The mission database (telemetry half): types, loaders (XTCE, idoc JSON), checks.
 */
export type {
  Alarm, AlarmLevel, ArrayDimension, ByteOrder, Calibrator, ComparisonOperator, Container, DataEncoding, Entry, EntryLocation,
  EnumerationValue, FloatEncodingKind, FloatRange, IntegerEncodingKind, IntegerValue, MatchCriteria, Parameter, ParameterType,
  ParameterTypeKind, PolynomialCalibrator, SizeSpec, SplineCalibrator, StaticAlarmRanges, StringCharset, TimeEpoch, TmDatabase, ValueRef,
} from './types.js';
export { ALARM_LEVELS } from './types.js';
export { checkTmDatabase } from './check.js';
export { loadTmDatabase, parseTmDatabaseJson, tmdbValidator } from './load.js';
export { loadXtce } from './xtce/load.js';
export { loadMibTm, type MibLoad } from './mib/load.js';
export { ptcPfcEncoding } from './mib/ptc-pfc.js';
export { loadFieldList } from './fields/load.js';
