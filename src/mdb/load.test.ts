import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseTmDatabaseJson } from './load.js';
import { loadXtce } from './xtce/load.js';

const SAMPLES = path.resolve('..', 'shared', 'samples');
const XTCE = ['P_COD_NHK.xml', 'ctim_xtce_v1.xml'];

describe.skipIf(!XTCE.every((f) => existsSync(path.join(SAMPLES, f))))('the JSON form of real XTCE files', () => {
  test.each(XTCE)('%s → JSON is valid against tmdb.schema.json and reads back equal', (f) => {
    const db = loadXtce(readFileSync(path.join(SAMPLES, f), 'utf8'), f);
    const back = parseTmDatabaseJson(JSON.stringify(db), `${f}.json`);
    expect(back).toEqual(db);
  });
});

describe('parseTmDatabaseJson', () => {
  const minimal = {
    name: 'M',
    parameterTypes: [{ name: 'u8', kind: 'integer', encoding: { kind: 'integer', sizeInBits: 8, encoding: 'unsigned', byteOrder: 'big' } }],
    parameters: [{ name: 'A', type: 'u8' }],
    containers: [{ name: 'C', abstract: false, entries: [{ kind: 'parameter', parameter: 'A' }] }],
  };

  test('accepts a minimal database', () => {
    expect(parseTmDatabaseJson(JSON.stringify(minimal), 'm.json').containers[0]!.name).toBe('C');
  });

  test('schema problems name the JSON pointer', () => {
    const bad = { ...minimal, parameterTypes: [{ ...minimal.parameterTypes[0], encoding: { kind: 'integer', sizeInBits: 65, encoding: 'unsigned', byteOrder: 'big' } }] };
    try {
      parseTmDatabaseJson(JSON.stringify(bad), 'm.json');
      expect.unreachable();
    } catch (e) {
      expect((e as { problems: { path: string }[] }).problems.map((p) => p.path).join(' ')).toContain('m.json#/parameterTypes/0/encoding');
    }
  });

  test('dangling references name the entry', () => {
    const bad = { ...minimal, containers: [{ name: 'C', abstract: false, entries: [{ kind: 'parameter', parameter: 'B' }] }] };
    expect(() => parseTmDatabaseJson(JSON.stringify(bad), 'm.json')).toThrow(/not a valid telemetry database/);
    try {
      parseTmDatabaseJson(JSON.stringify(bad), 'm.json');
    } catch (e) {
      expect((e as { problems: { path: string; message: string }[] }).problems[0]).toMatchObject({ path: 'm.json#/containers/0/entries/0', message: 'parameter "B" is not defined' });
    }
  });
});
