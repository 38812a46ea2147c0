/**
 * @module Checking one section of the mission configuration (`routes`, `archive`, …) against its own schema
 * file `schemas/config-<section>.schema.json` (ajv, draft 2020-12), with problems located `file#/section/…`
 * like src/config reports the main schema.
 */
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { schemaFile } from '../schema-file.js';
import { ajvErrorsToProblems, pointerToken, type PointerProblem } from './schema-problems.js';
import type { MissionConfig } from './types.js';
import { InputError, type Problem } from '../errors.js';

const validators = new Map<string, ValidateFunction>();

const schemaPath = (relative: string): string => schemaFile(path.basename(relative));

/** One ajv instance for every section: its meta-schema is compiled once per process, not once per section. */
let ajv: Ajv2020 | undefined;

function validator(section: string): ValidateFunction {
  const hit = validators.get(section);
  if (hit) return hit;
  // validateSchema off: no meta-schema compiled at start-up (~60 ms); src/config/schema-meta.test.ts checks the
  // section schema files against the meta-schema instead.
  // ajv is loaded at the first section check, not at start-up (src/config/routes.ts imports this module).
  const { Ajv2020: Ajv } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  ajv ??= new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, strictTypes: false, validateSchema: false });
  const v = ajv.compile(JSON.parse(readFileSync(schemaPath(`schemas/config-${section}.schema.json`), 'utf8')) as object);
  validators.set(section, v);
  return v;
}

/**
 * ajv errors → problems. A `oneOf` whose branches fail on type (an APID that is neither a number in range nor
 * a pair) is dropped by the shared filter as an echo; it is reported here with the alternative's description.
 */
function schemaProblems(errors: readonly ErrorObject[]): PointerProblem[] {
  const problems = ajvErrorsToProblems(errors);
  const seen = new Set(problems.map((p) => p.pointer));
  for (const e of errors) {
    if (e.keyword !== 'oneOf' || seen.has(e.instancePath)) continue;
    seen.add(e.instancePath);
    const ps = e.parentSchema as { description?: unknown } | undefined;
    const what = typeof ps?.description === 'string' ? ps.description.replace(/\.$/, '') : 'one of the allowed forms';
    problems.push({ code: 'oneOf', pointer: e.instancePath, message: `must be ${what.charAt(0).toLowerCase()}${what.slice(1)} (got ${JSON.stringify(e.data)})` });
  }
  return problems;
}

/** The section's data (undefined when absent) after its schema check; `extra` adds checks beyond the schema. */
export function checkedSection<T>(config: MissionConfig, section: string, extra?: (data: T) => PointerProblem[]): T | undefined {
  const raw = config.raw;
  const data = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[section] : undefined;
  if (data === undefined) return undefined;
  const validate = validator(section);
  const problems: PointerProblem[] = validate(data) ? (extra ? extra(data as T) : []) : schemaProblems(validate.errors ?? []);
  if (problems.length === 0) return data as T;
  const file = config.file ?? '(built-in configuration)';
  const located = problems.map((p): Problem => ({ code: p.code, path: `${file}#/${pointerToken(section)}${p.pointer}`, message: p.message }));
  throw new InputError(`${file}: ${located.length} problem${located.length === 1 ? '' : 's'} in the ${section} section`, located);
}

/** Resolve a path written in the config: relative to the config file's folder, else to `cwd`. */
export function configRelative(config: MissionConfig, p: string, cwd = process.cwd()): string {
  return path.resolve(config.file ? path.dirname(config.file) : cwd, p);
}
