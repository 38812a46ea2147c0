/**
 * @module Locating `schemas/tcdb.schema.json` and its validator (internal). The validator is precompiled
 * (`_validator.generated.ts`, see src/ajv-standalone.ts): loading a database compiles no schema. The schema
 * file ships in the package (`files: ["schemas"]`); it is found by walking up from this module, which works
 * from the sources and from `dist/`.
 */
import type { ValidateFunction } from 'ajv';
import { schemaFile } from '../../src/schema-file.js';
import { tcdb } from './_validator.generated.js';


/** Absolute path of the telecommand database schema. Throws Error when the package is incomplete. */
export function tcdbSchemaPath(): string {
  return schemaFile('tcdb.schema.json');
}

/** The validator (all errors reported). */
export function tcdbValidator(): ValidateFunction {
  return tcdb as unknown as ValidateFunction;
}
