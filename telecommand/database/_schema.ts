/**
 * @module Locating and compiling `schemas/tcdb.schema.json` (internal). The schema file ships in the package
 * (`files: ["schemas"]`); it is found by walking up from this module, which works from the sources and from
 * `dist/`.
 */
import { readFileSync } from 'node:fs';
import { schemaFile } from '../../src/schema-file.js';
import { Ajv, type ValidateFunction } from 'ajv';


/** Absolute path of the telecommand database schema. Throws Error when the package is incomplete. */
export function tcdbSchemaPath(): string {
  return schemaFile('tcdb.schema.json');
}

let compiled: ValidateFunction | undefined;

/** The compiled validator (all errors reported), built once. */
export function tcdbValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(tcdbSchemaPath(), 'utf8')) as object;
    compiled = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);
  }
  return compiled;
}
