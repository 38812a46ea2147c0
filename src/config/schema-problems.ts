/**
 * @module Check data against `schemas/config.schema.json` (JSON Schema draft 2020-12, ajv + ajv-formats) and turn
 * ajv's errors into problems a person can act on: one per defect, each with the JSON pointer of the value at
 * fault (for a missing or unknown property, the pointer of that property), the schema keyword as its code, and
 * a sentence that says what was expected and what was found.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { validateConfig } from './_validator.generated.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schemaFile } from '../schema-file.js';

/** A problem located by a JSON pointer into the document (RFC 6901; `''` is the whole document). */
export interface PointerProblem {
  readonly code: string;
  readonly pointer: string;
  readonly message: string;
}

/** The schema's path relative to the package root. */
export const CONFIG_SCHEMA_RELATIVE = 'schemas/config.schema.json';

/**
 * Absolute path of `schemas/config.schema.json`, found by walking up from this module (works from the sources
 * and from `dist/`).
 * @throws Error when the package has no schema folder (a broken install).
 */
export function configSchemaPath(): string {
  return schemaFile(path.basename(CONFIG_SCHEMA_RELATIVE));
}

let schemaCache: Record<string, unknown> | undefined;

/** The configuration schema as parsed JSON (read once). */
export function configSchema(): Record<string, unknown> {
  return (schemaCache ??= JSON.parse(readFileSync(configSchemaPath(), 'utf8')) as Record<string, unknown>);
}

/**
 * The precompiled validator of schemas/config.schema.json (_validator-generate.ts, `npm run validators`): allErrors
 * (every defect, not the first), verbose (errors carry the offending data and schema), strictRequired off (the
 * apid | apids oneOf names properties defined beside it). No ajv compiler at start-up; the schema file is checked
 * against the draft 2020-12 meta-schema by schema-meta.test.ts, and the generated module against the schema by
 * schema.test.ts.
 */
const validator = (): ValidateFunction => validateConfig as ValidateFunction;

/** Check `data` against the configuration schema: no problems when valid. */
export function schemaProblems(data: unknown): PointerProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  return ajvErrorsToProblems(validate.errors ?? []);
}

/** Escape one property name as a JSON pointer token (RFC 6901 §3). */
export const pointerToken = (name: string | number): string => String(name).replace(/~/g, '~0').replace(/\//g, '~1');

/** A short rendering of a value for messages. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value !== null && typeof value === 'object') return 'an object';
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
const quoteList = (xs: readonly unknown[]): string => xs.map((x) => JSON.stringify(x)).join(', ');

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** Turn one ajv error into a problem. */
function toProblem(e: ErrorObject): PointerProblem {
  const at = e.instancePath;
  const p = e.params as Record<string, unknown>;
  const got = `(got ${shown(e.data)})`;
  switch (e.keyword) {
    case 'required':
      return { code: 'required', pointer: `${at}/${pointerToken(String(p['missingProperty']))}`, message: `missing required property ${JSON.stringify(p['missingProperty'])}` };
    case 'dependentRequired':
      return {
        code: 'dependentRequired',
        pointer: `${at}/${pointerToken(String(p['missingProperty']))}`,
        message: `${JSON.stringify(p['missingProperty'])} is required when ${JSON.stringify(p['property'])} is given`,
      };
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      const props = isRecord(e.parentSchema) && isRecord(e.parentSchema['properties']) ? Object.keys(e.parentSchema['properties']) : [];
      return {
        code: 'additionalProperties',
        pointer: `${at}/${pointerToken(name)}`,
        message: `unknown property ${JSON.stringify(name)}${props.length > 0 ? ` (allowed here: ${props.join(', ')})` : ''}`,
      };
    }
    case 'enum':
      return { code: 'enum', pointer: at, message: `must be one of ${quoteList(p['allowedValues'] as unknown[])} ${got}` };
    case 'const':
      return { code: 'const', pointer: at, message: `must be ${JSON.stringify(p['allowedValue'])} ${got}` };
    case 'type':
      return { code: 'type', pointer: at, message: `must be ${article(String(p['type']))} ${got}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = { '>=': 'at least', '<=': 'at most', '>': 'greater than', '<': 'less than' } as Record<string, string>;
      return { code: e.keyword, pointer: at, message: `must be ${words[String(p['comparison'])] ?? String(p['comparison'])} ${String(p['limit'])} ${got}` };
    }
    case 'minLength':
      return { code: 'minLength', pointer: at, message: p['limit'] === 1 ? 'must not be empty' : `must be at least ${String(p['limit'])} characters long` };
    case 'maxLength':
      return { code: 'maxLength', pointer: at, message: `must be at most ${String(p['limit'])} characters long ${got}` };
    case 'pattern':
      return { code: 'pattern', pointer: at, message: `must match the pattern ${String(p['pattern'])} ${got}` };
    case 'format':
      return {
        code: 'format',
        pointer: at,
        message: p['format'] === 'date-time' ? `must be an RFC 3339 date-time such as "2000-01-01T00:00:00Z" ${got}` : `must be a valid ${String(p['format'])} ${got}`,
      };
    case 'minItems':
      return { code: 'minItems', pointer: at, message: `must have at least ${String(p['limit'])} items ${got}` };
    case 'maxItems':
    case 'items':
      return { code: e.keyword, pointer: at, message: `must have at most ${String(p['limit'])} items ${got}` };
    case 'oneOf': {
      // Only oneOf-of-required is used (apid | apids): name the alternatives.
      const branches = Array.isArray(e.schema) ? (e.schema as unknown[]) : [];
      const names = branches.flatMap((b) => (isRecord(b) && Array.isArray(b['required']) ? (b['required'] as unknown[]).map(String) : []));
      const both = p['passingSchemas'] !== null && p['passingSchemas'] !== undefined;
      const list = names.map((n) => JSON.stringify(n)).join(' or ');
      return { code: 'oneOf', pointer: at, message: names.length > 0 ? (both ? `give only one of ${list}, not both` : `needs one of ${list}`) : (e.message ?? 'must match exactly one alternative') };
    }
    default:
      return { code: e.keyword, pointer: at, message: e.message ?? `fails ${e.keyword}` };
  }
}

/**
 * Turn ajv errors into problems, dropping the echoes: `if` errors (the failing `then` is reported instead),
 * the branch errors under a reported `oneOf`, and other errors at a pointer whose type is already wrong.
 */
export function ajvErrorsToProblems(errors: readonly ErrorObject[]): PointerProblem[] {
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const typeWrong = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const kept = errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      !oneOfPaths.some((p) => e.schemaPath.startsWith(p)) &&
      (e.keyword === 'type' || !typeWrong.has(e.instancePath)),
  );
  const seen = new Set<string>();
  const out: PointerProblem[] = [];
  for (const e of kept) {
    const problem = toProblem(e);
    const key = `${problem.code}\u0000${problem.pointer}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(problem);
    }
  }
  return out;
}
