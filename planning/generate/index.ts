/** @module Plan generation from observation requests. */
export { generatePlan, placementOrder, type GenerateInput, type GenerateResult, type Placement } from './generate.js';
