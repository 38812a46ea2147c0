/** @module Observation requests and geometry constraints: reading them, and the constraint windows shared by generation and validation. */
export type { GeometryConstraints, NumericRange, ObservationRequest, RequestJson, RequestsFile, RequestsFileJson, TimeConstraintsJson } from './types.js';
export { checkConstraints, loadRequests, parseRequests, parseStations } from './load.js';
export {
  atomsOf, buildPlanGeometry, constraintFailures, constraintParts, constraintWindows, unknownStations,
  type ConstraintPart, type PlanGeometry,
} from './constraints.js';
