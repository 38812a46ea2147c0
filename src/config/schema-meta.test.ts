import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The validators compile without `validateSchema` (start-up cost): the schema files are checked here instead. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('config schema files against the JSON Schema 2020-12 meta-schema', () => {
  for (const name of ['config', 'config-routes', 'config-archive', 'config-feeds', 'config-ephemeris']) {
    it(`schemas/${name}.schema.json is a valid schema`, () => {
      const ajv = new Ajv2020({ strict: false });
      const schema = JSON.parse(readFileSync(path.join(root, 'schemas', `${name}.schema.json`), 'utf8')) as object;
      expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
      // and the meta-schema check does catch a broken one
      expect(ajv.validateSchema({ ...schema, type: 'no-such-type' })).toBe(false);
    });
  }
});
