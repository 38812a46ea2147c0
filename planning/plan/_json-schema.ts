/**
 * @module Reading the planning JSON files (plans, requests, rules) against their schemas in `schemas/`
 * (internal). The validators are precompiled (`_validators.generated.ts`, see src/ajv-standalone.ts), so no
 * schema is compiled when a command starts; a schema given as data without a generated validator (a rule
 * module's options, in tests) is compiled by ajv, loaded only then, with the three planning schemas beside it
 * (a plan refers to the constraint definition of the requests schema). The schema files ship with the
 * package; they are found by walking up from this module, from the sources and from `dist/`.
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { schemaFile } from '../../src/schema-file.js';
import { compileSchema } from '../../src/ajv-standalone.js';
import { InputError } from '../../src/errors.js';
import * as generated from './_validators.generated.js';
import { PLANNING_SCHEMAS, ruleOptionsExport, schemaExport, type PlanningSchema } from './_schema-names.js';
import { parseJsonText } from '../../src/config/json-text.js';
import { ajvProblemsAt } from '../../src/ajv-problems.js';

export { PLANNING_SCHEMAS, type PlanningSchema };
const GENERATED = generated as unknown as Readonly<Record<string, ValidateFunction | undefined>>;

/** Absolute path of `schemas/<name>`. Throws Error when the package is incomplete. */
export function planningSchemaPath(name: string): string {
  return schemaFile(name);
}

/** The validator of one planning schema (precompiled). */
export function planningValidator(name: PlanningSchema): ValidateFunction {
  const v = GENERATED[schemaExport(name)];
  if (!v) throw new Error(`no generated validator for ${name} (npm run validators)`);
  return v;
}

let planningSchemas: Record<string, object> | undefined;

/** A validator for a schema given as data, compiled once per object (ajv loaded only here). */
const bySchema = new WeakMap<object, ValidateFunction>();
export function validatorOf(schema: object): ValidateFunction {
  let v = bySchema.get(schema);
  if (!v) {
    planningSchemas ??= Object.fromEntries(PLANNING_SCHEMAS.map((n) => [n, JSON.parse(readFileSync(planningSchemaPath(n), 'utf8')) as object]));
    v = compileSchema(schema, planningSchemas);
    bySchema.set(schema, v);
  }
  return v;
}

/** The options validator of a rule kind: the generated one, else `schema` compiled. */
export function ruleOptionsValidator(kind: string, schema: object): ValidateFunction {
  return GENERATED[ruleOptionsExport(kind)] ?? validatorOf(schema);
}

/** ajv errors as problems located by JSON pointer: `file#/pointer`. `prefix` is prepended to each pointer. */
export const ajvProblems = ajvProblemsAt;

/**
 * Parse `text` and check it against `schema`.
 * @throws InputError naming the file and line:column (bad JSON) or one JSON pointer per schema problem.
 */
export function readChecked(text: string, fileName: string, schema: PlanningSchema, what: string): unknown {
  const data = parseJsonText(text, fileName);
  const validate = planningValidator(schema);
  if (!validate(data)) {
    const problems = ajvProblems(validate.errors, fileName);
    throw new InputError(`${fileName}: not a valid ${what} (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  }
  return data;
}

