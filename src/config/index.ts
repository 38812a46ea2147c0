/**
 * @module The mission configuration (`idoc.json`, `--config PATH`): find it, load and check it against
 * `schemas/config.schema.json`, resolve the packet profile and the APID declarations, and apply command-line
 * overrides.
 */
export type { ApidDeclaration, ApidKind, ConfigFile, EpochScale, MissionConfig } from './types.js';
export { DEFAULT_CONFIG_NAME, configFromData, defaultConfig, findConfig, loadConfig, parseConfig } from './load.js';
export {
  APID_COUNT, QUARANTINE_ROUTE, apidDeclarations, apidItems, parseApidList, rangeText, routeLookup, routeTable, toRanges,
  type ApidRange, type Overlap, type Route, type RouteLookup, type RouteTable, type Routed,
} from './routes.js';
export { IDLE_APID } from './apid-checks.js';
export { MAX_PACKET_LENGTH, profileFromPackets } from './packets-profile.js';
export { epochFromFlag, profileFromOptions, timeCodeFromFlag, type ProfileOptions } from './profile-options.js';
export { epochToTai } from './epoch.js';
export { configSchema, configSchemaPath, schemaProblems, type PointerProblem } from './schema-problems.js';
export { parseJsonText } from './json-text.js';
export { resolveConfig, type ConfigOptions } from './resolve.js';
