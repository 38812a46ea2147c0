/**
 * @module Generates `_validators.generated.ts` (internal): the planning schemas (requests, rules, plan) and
 * the options schema of every rule kind as precompiled validators (src/ajv-standalone.ts). Run as a script
 * (`npm run validators`) it writes the module next to its source; the test compares.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaFile } from '../../src/schema-file.js';
import { standaloneModule } from '../../src/ajv-standalone.js';
import { RULE_MODULES } from '../validate/rules/index.js';
import { PLANNING_SCHEMAS, ruleOptionsExport, schemaExport } from './_schema-names.js';

/** The generated module's text. */
export function planningValidatorsCode(): string {
  const schemas: Record<string, object> = {};
  for (const name of PLANNING_SCHEMAS) schemas[name] = JSON.parse(readFileSync(schemaFile(name), 'utf8')) as object;
  const exports: Record<string, string> = Object.fromEntries(PLANNING_SCHEMAS.map((n) => [schemaExport(n), n]));
  for (const m of RULE_MODULES) {
    const id = `idoc:rule-options/${m.kind}`;
    schemas[id] = { ...m.optionsSchema };
    exports[ruleOptionsExport(m.kind)] = id;
  }
  return standaloneModule(schemas, exports, 'planning/plan/_validators-generate.ts');
}

const here = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === here) {
  // From dist/planning/plan/ write to planning/plan/ of the sources.
  const target = path.resolve(path.dirname(here), '../../../planning/plan/_validators.generated.ts');
  writeFileSync(target, planningValidatorsCode());
  process.stdout.write(`${target}\n`);
}
