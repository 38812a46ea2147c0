/**
 * @module PDS4 archive products for L0 telemetry: label writers (IM 1.26.0.0) and label validation
 * against the official XSD and Schematron (found at run time, see `schema-dir.ts`).
 */
// Validation
export { validateLabel, validatePath, formatProblem, sortProblems, labelFilesUnder, LABEL_EXTENSIONS } from './validate.js';
export type { LabelProblem, ValidateOptions } from './validate.js';
export {
  resolveSchemaFiles, defaultSchemaDir, INFORMATION_MODEL_VERSION, PDS4_XSD_FILE, PDS4_SCH_FILE, SCHEMA_DIR_ENV,
} from './schema-dir.js';
export type { SchemaFiles } from './schema-dir.js';
// Labels
export { l0Label, qualitySummary, PRIMARY_HEADER_BITS, PDS4_XSD_URL, PDS4_SCH_URL } from './l0-label.js';
export type { L0LabelInput, L0Quality, L0ContextLids } from './l0-label.js';
export { collectionLabel, collectionInventory, CRLF } from './collection.js';
export type { CollectionLabelInput } from './collection.js';
export { packetRuns, runsToPackets } from './packet-runs.js';
export type { PacketSpan, PacketRun } from './packet-runs.js';
