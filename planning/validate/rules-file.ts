/**
 * @module Reading a rules file: JSON syntax, the envelope schema (`schemas/rules.schema.json`), then per rule
 * a known kind, unique id, and its `options` against the kind's own schema (from its module), every problem
 * located by JSON pointer.
 */
import { readFileSync } from 'node:fs';
import { InputError, type Problem } from '../../src/errors.js';
import type { Station } from '../geometry/station.js';
import { ajvProblems, readChecked, ruleOptionsValidator } from '../plan/_json-schema.js';
import { parseStations } from '../requests/load.js';
import { RULE_MODULES, ruleModule } from './rules/index.js';
import type { RuleModule } from './rule.js';

/** One rule of a rules file, with its module. */
export interface ConfiguredRule {
  readonly id: string;
  readonly kind: string;
  readonly description?: string;
  readonly severity: 'error' | 'warning';
  readonly options: Record<string, unknown>;
  readonly module: RuleModule<never>;
}

/** A rules file read and checked. */
export interface RuleSet {
  readonly file: string;
  readonly stations: readonly Station[];
  readonly rules: readonly ConfiguredRule[];
}

interface RulesJson {
  readonly stations?: readonly string[];
  readonly rules: readonly { id: string; kind: string; description?: string; severity?: 'error' | 'warning'; options?: Record<string, unknown> }[];
}

/** Read and check a rules file. @throws InputError listing every problem. */
export function loadRules(file: string): RuleSet {
  return parseRules(readFileSync(file, 'utf8'), file);
}

/** Parse and check rules text. @throws InputError. */
export function parseRules(text: string, fileName: string): RuleSet {
  const data = readChecked(text, fileName, 'rules.schema.json', 'rules file') as RulesJson;
  return ruleSetFromJson(data, fileName);
}

/** Check rules data already schema-valid. @throws InputError. */
export function ruleSetFromJson(data: RulesJson, fileName: string): RuleSet {
  const problems: Problem[] = [];
  const stations = parseStations(data.stations ?? [], fileName, '/stations', problems);
  const ids = new Set<string>();
  const rules: ConfiguredRule[] = [];
  data.rules.forEach((r, i) => {
    const base = `/rules/${i}`;
    if (ids.has(r.id)) problems.push({ code: 'duplicate-id', path: `${fileName}#${base}/id`, message: `rule id ${r.id} is used twice` });
    ids.add(r.id);
    const module = ruleModule(r.kind);
    if (!module) {
      problems.push({ code: 'unknown-kind', path: `${fileName}#${base}/kind`, message: `unknown rule kind ${r.kind} (known: ${RULE_MODULES.map((m) => m.kind).join(', ')})` });
      return;
    }
    const options = r.options ?? {};
    const validate = ruleOptionsValidator(module.kind, module.optionsSchema);
    if (!validate(options)) {
      problems.push(...ajvProblems(validate.errors, fileName, `${base}/options`).map((p) => ({ ...p, message: `${r.kind}: ${p.message}` })));
      return;
    }
    rules.push({ id: r.id, kind: r.kind, ...(r.description !== undefined ? { description: r.description } : {}), severity: r.severity ?? 'error', options, module });
  });
  if (problems.length) throw new InputError(`${fileName}: not a valid rules file (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  return { file: fileName, stations, rules };
}

/** The rules used when none are given: syntax and timing, both errors. */
export function defaultRuleSet(): RuleSet {
  return ruleSetFromJson({ rules: [{ id: 'syntax', kind: 'syntax' }, { id: 'timing', kind: 'timing' }] }, '<default rules>');
}
