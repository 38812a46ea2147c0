/** @module The telecommand database: types, loading and checking, lookup, values, calibration, sequences, MIB import. */
export type {
  Calibration, CalibrationPoint, Criticality, EnumEntry, FormalParameter, JsonValue, LinearCalibration, ParameterType,
  SequenceStep, StepArgument, TableCalibration, TcCommand, TcDatabase, TcEffects, TcParameter, TcResult, TcSequence, ValueRange,
} from '../../src/mdb/commands/types.js';
export { ParameterTypes } from '../../src/mdb/commands/types.js';
// Loading and checking (schema + semantic rules)
export { checkTcDatabase, loadTcDatabase, parseTcDatabase } from './load.js';
export { tcdbSchemaPath } from './_schema.js';
// Lookup
export { commandsByType, findCommand, findSequence } from '../../src/mdb/commands/lookup.js';
// Values and calibration
export { engToRaw, rawToEng, tableInvertible } from '../../src/mdb/commands/calibration.js';
export {
  fromRaw, hexToBytes, parameterBits, rawEqual, resolveValues, toRaw,
  type DecodedValue, type RawValue, type ResolvedValues, type UserValue,
} from '../../src/mdb/commands/parameter-values.js';
// Sequences
export { expandSequence, type TimedCommand } from '../../src/mdb/commands/sequence.js';
// SCOS-2000 MIB import
export { importMib, parseMibNumber, type MibImport } from './mib/import.js';
export { ptcPfcToType, type PtcPfcResult } from './mib/ptc-pfc.js';
export { MIB_COLUMNS, parseMibTable, readMibTable, type MibRow, type MibTableName } from './mib/tables.js';
