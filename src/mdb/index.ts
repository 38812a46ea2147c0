/**
 * @module The mission database for TM and TC (issue 15): telemetry types, loaders (XTCE, MIB, idoc JSON, field
 * lists) and checks; the command half telemetry and telecommand share (commands/: command and parameter types,
 * calibrations, raw ↔ engineering values, sequences), used by telecommand encoding and by planning.
 */
export type {
  Alarm, AlarmLevel, ArrayDimension, ByteOrder, Calibrator, ComparisonOperator, Container, DataEncoding, Entry, EntryLocation,
  EnumerationValue, FloatEncodingKind, FloatRange, IntegerEncodingKind, IntegerValue, MatchCriteria, Parameter, ParameterType,
  ParameterTypeKind, PolynomialCalibrator, SizeSpec, SplineCalibrator, StaticAlarmRanges, StringCharset, TimeEpoch, TmDatabase, ValueRef,
} from './types.js';
export { ALARM_LEVELS } from './types.js';
export { checkTmDatabase } from './check.js';
export { loadTmDatabase, parseTmDatabaseJson, tmdbValidator, type TmLoadOptions } from './load.js';
export { loadXtce } from './xtce/load.js';
export { loadMibTm, timeEpochOfTai, type MibLoad, type MibOptions } from './mib/load.js';
export { ptcPfcEncoding } from './mib/ptc-pfc.js';
export { loadFieldList } from './fields/load.js';
// Commands (moved from telecommand/database, issue 15)
export type * from './commands/types.js';
export { engToRaw, rawToEng, tableInvertible } from './commands/calibration.js';
export * from './commands/parameter-values.js';
export * from './commands/lookup.js';
export * from './commands/sequence.js';
