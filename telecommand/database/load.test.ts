import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { loadTcDatabase, parseTcDatabase } from './load.js';
import { tcdbSchemaPath } from './_schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = (sub: string) => path.join(root, 'fixtures/tcdb', sub);
const problemsOf = (file: string) => {
  try {
    loadTcDatabase(file);
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  return [];
};

/** Each invalid fixture has one defect: the expected problem code and JSON pointer (or line). */
const EXPECTED: Record<string, [code: string, where: string]> = {
  'missing-format-version': ['required', '#/formatVersion'],
  'unknown-top-level-property': ['additionalProperties', '#/extra'],
  'command-missing-apid': ['required', '#/commands/0/apid'],
  'apid-out-of-range': ['maximum', '#/commands/0/apid'],
  'service-not-integer': ['type', '#/commands/0/service'],
  'bad-criticality': ['enum', '#/commands/0/criticality'],
  'parameter-unknown-type': ['enum', '#/commands/0/parameters/0/type'],
  'unsigned-without-bits': ['required', '#/commands/0/parameters/0/bits'],
  'float-16-bits': ['enum', '#/commands/0/parameters/0/bits'],
  'string-without-length': ['required', '#/commands/0/parameters/0/length'],
  'enumerated-without-enumeration': ['required', '#/commands/0/parameters/0/enumeration'],
  'fixed-without-default': ['required', '#/commands/0/parameters/0/default'],
  'linear-calibration-without-offset': ['required', '#/commands/0/parameters/0/calibration/offset'],
  'table-calibration-not-monotonic': ['calibration', '#/commands/0/parameters/0/calibration/points'],
  'duplicate-command-name': ['duplicate-name', '#/commands/1/name'],
  'duplicate-parameter-name': ['duplicate-name', '#/commands/0/parameters/1/name'],
  'duplicate-enum-label': ['duplicate-label', '#/commands/0/parameters/0/enumeration/1/label'],
  'enum-value-too-wide': ['overflow', '#/commands/0/parameters/0/enumeration/0/value'],
  'default-out-of-range': ['default', '#/commands/0/parameters/0/default'],
  'default-overflows-bits': ['default', '#/commands/0/parameters/0/default'],
  'unknown-allowed-mode': ['unknown-mode', '#/commands/0/allowedModes/0'],
  'sequence-unknown-command': ['unknown-command', '#/sequences/0/steps/0/command'],
  'sequence-unknown-formal': ['unknown-formal', '#/sequences/0/steps/0/arguments/P/formal'],
  'sequence-negative-offset': ['minimum', '#/sequences/0/steps/0/offsetS'],
  'bad-parameter-name': ['pattern', '#/commands/0/parameters/0/name'],
  'syntax-error': ['json-syntax', 'syntax-error.tcdb.json:4:'],
};

describe('telecommand database schema fixtures', () => {
  it.each(readdirSync(dir('valid')))('loadTcDatabase() accepts valid/%s', (f) => {
    expect(problemsOf(path.join(dir('valid'), f))).toEqual([]);
  });

  it.each(readdirSync(dir('invalid')))('loadTcDatabase() reports the one defect of invalid/%s', (f) => {
    const key = f.replace(/\.tcdb\.json$/, '');
    const expected = EXPECTED[key];
    expect(expected, `add ${key} to the table`).toBeDefined();
    const problems = problemsOf(path.join(dir('invalid'), f));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.code).toBe(expected![0]);
    if (expected![1].startsWith('#')) expect(problems[0]!.path).toBe(`${path.join(dir('invalid'), f)}${expected![1]}`);
    else expect(problems[0]!.path).toContain(expected![1]);
  });

  it('every invalid fixture is in the table (and the table names no missing file)', () => {
    const files = readdirSync(dir('invalid')).map((f) => f.replace(/\.tcdb\.json$/, '')).sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });
});

describe('parseTcDatabase()', () => {
  it('throws InputError whose message names the file', () => {
    expect(() => parseTcDatabase('{"formatVersion":1}', 'x.json')).toThrow(/x\.json/);
  });

  it('gives line and column of a JSON syntax error', () => {
    try {
      parseTcDatabase('{\n "a": 1,\n}', 'bad.json');
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).problems[0]!.path).toMatch(/^bad\.json:3:\d+$/);
    }
  });
});

describe('tcdb.schema.json', () => {
  it('documents every property and forbids unknown ones in every object schema', () => {
    const schema = JSON.parse(readFileSync(tcdbSchemaPath(), 'utf8')) as unknown;
    const missing: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o['properties'] && typeof o['properties'] === 'object') {
        for (const [k, v] of Object.entries(o['properties'] as Record<string, unknown>)) {
          if (!(v as Record<string, unknown>)['description']) missing.push(`${at}/properties/${k}`);
        }
        if (o['type'] === 'object' && o['additionalProperties'] !== false) missing.push(`${at} (additionalProperties)`);
      }
      // Conditional sub-schemas (if/then/not) only constrain properties documented above.
      for (const [k, v] of Object.entries(o)) if (!['if', 'then', 'else', 'not'].includes(k)) walk(v, `${at}/${k}`);
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
  });
});
