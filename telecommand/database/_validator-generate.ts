/**
 * @module Generates `_validator.generated.ts` (internal): the telecommand database schema as a precompiled
 * validator (src/ajv-standalone.ts). Run as a script (`npm run validators`) it writes the module next to its
 * source; a test compares.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaFile } from '../../src/schema-file.js';
import { standaloneModule } from '../../src/ajv-standalone.js';

/** The generated module's text. */
export function tcdbValidatorCode(): string {
  const schema = JSON.parse(readFileSync(schemaFile('tcdb.schema.json'), 'utf8')) as object;
  return standaloneModule({ 'tcdb.schema.json': schema }, { tcdb: 'tcdb.schema.json' }, 'telecommand/database/_validator-generate.ts');
}

const here = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === here) {
  const target = path.resolve(path.dirname(here), '../../../telecommand/database/_validator.generated.ts');
  writeFileSync(target, tcdbValidatorCode());
  process.stdout.write(`${target}\n`);
}
