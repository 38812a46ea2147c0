/**
 * @module Reading the planning JSON files (plans, requests, rules) against their schemas in `schemas/`
 * (internal). The schema files ship with the package; they are found by walking up from this module, which
 * works from the sources and from `dist/`. One ajv instance holds all three schemas, so a plan can refer to
 * the constraint definition of the requests schema.
 */
import { readFileSync } from 'node:fs';
import { schemaFile } from '../../src/schema-file.js';
import { Ajv, type ValidateFunction } from 'ajv';
import { InputError } from '../../src/errors.js';
import { parseJsonText } from '../../src/config/json-text.js';
import { ajvProblemsAt } from '../../src/ajv-problems.js';

/** The planning schemas, by file name. */
export const PLANNING_SCHEMAS = ['requests.schema.json', 'rules.schema.json', 'plan.schema.json'] as const;
export type PlanningSchema = (typeof PLANNING_SCHEMAS)[number];

/** Absolute path of `schemas/<name>`. Throws Error when the package is incomplete. */
export function planningSchemaPath(name: string): string {
  return schemaFile(name);
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    for (const name of PLANNING_SCHEMAS) ajv.addSchema(JSON.parse(readFileSync(planningSchemaPath(name), 'utf8')) as object, name);
  }
  return ajv;
}

/** The validator of one planning schema, compiled once. */
export function planningValidator(name: PlanningSchema): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = instance().getSchema(name);
    if (!v) throw new Error(`schema ${name} did not compile`);
    compiled.set(name, v);
  }
  return v;
}

/** A validator for a schema given as data (a rule module's options), compiled once per object. */
const bySchema = new WeakMap<object, ValidateFunction>();
export function validatorOf(schema: object): ValidateFunction {
  let v = bySchema.get(schema);
  if (!v) {
    v = instance().compile(schema);
    bySchema.set(schema, v);
  }
  return v;
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

