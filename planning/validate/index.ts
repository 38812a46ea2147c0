/** @module Plan validation: rule kinds (one module each), rules files, the validator and its renderings. */
export { defineRule, formatMessage, type ReportInput, type ResolvedCommand, type RuleContext, type RuleModule } from './rule.js';
export { RULE_MODULES, ruleModule } from './rules/index.js';
export { STATE_EVENTS, type StateEvent } from './rules/event-state.js';
export { defaultRuleSet, loadRules, parseRules, ruleSetFromJson, type ConfiguredRule, type RuleSet } from './rules-file.js';
export { mergeStations, resolveCommands, validatePlan, type ValidateInput, type ValidationReport, type Violation } from './validate.js';
export { reportJson, reportJunit, reportText } from './report.js';
export type { CommandMatch } from './_match.js';
export { planOverview, type ModeLane, type PlanOverview, type Span } from './overview.js';
export { dataVolumeProfile, type Overflow } from './rules/data-volume.js';
export { powerProfile, type PowerStep } from './rules/power.js';
