/**
 * @module The registry of rule kinds: a plain import list (a test checks every module of this folder is
 * listed and that each kind equals its file name). Adding a kind = adding its module and one line here.
 */
import type { RuleModule } from '../rule.js';
import dataVolume from './data-volume.js';
import eventState from './event-state.js';
import geometry from './geometry.js';
import mode from './mode.js';
import ordering from './ordering.js';
import power from './power.js';
import scheduleCapacity from './schedule-capacity.js';
import syntax from './syntax.js';
import timing from './timing.js';

// Each module is typed by its own options; the registry sees them through the schema-checked common shape.
export const RULE_MODULES: readonly RuleModule<never>[] = [
  syntax, timing, mode, ordering, eventState, geometry, power, dataVolume, scheduleCapacity,
];

/** The module of a kind, or undefined. */
export const ruleModule = (kind: string): RuleModule<never> | undefined => RULE_MODULES.find((m) => m.kind === kind);
