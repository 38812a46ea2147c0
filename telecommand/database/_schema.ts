/**
 * @module Locating and compiling `schemas/tcdb.schema.json` (internal). The schema file ships in the package
 * (`files: ["schemas"]`); it is found by walking up from this module, which works from the sources and from
 * `dist/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

const SCHEMA_FILE = path.join('schemas', 'tcdb.schema.json');

/** Absolute path of the telecommand database schema. Throws Error when the package is incomplete. */
export function tcdbSchemaPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, SCHEMA_FILE);
    if (existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`${SCHEMA_FILE} not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
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
