/** @module The plan file: types, reading (schema-checked) and writing (JSON text, atomic writes with a SHA-256 sidecar). */
export type { Plan, PlanCommand, PlanCommandJson, PlanJson, Unplaced } from './types.js';
export { DEFAULT_INSTRUMENT, loadPlan, parsePlan, planFromJson } from './load.js';
export { planText, planToJson, sha256Hex, writeAtomic, writeWithSha256 } from './write.js';
export { PLANNING_SCHEMAS, planningSchemaPath, type PlanningSchema } from './_json-schema.js';
