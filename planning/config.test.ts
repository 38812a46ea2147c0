import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.js';
import { InputError } from '../src/errors.js';
import { ephemerisSection, mergeEphemerisSource } from './index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'fixtures/config/ephemeris');
const list = (kind: string) => readdirSync(path.join(dir, kind)).filter((f) => f.endsWith('.json')).sort();
const load = (kind: string, f: string) => {
  const file = path.join(dir, kind, f);
  return ephemerisSection(parseConfig(readFileSync(file, 'utf8'), file), '/elsewhere');
};
const DE440S = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');
const MARS = path.join(root, 'fixtures/orbits/mars-orbiter.oem');

/** Each invalid fixture has one defect: the problem (code, JSON pointer in the file) it must give. */
const INVALID: Record<string, [string, string]> = {
  'central-body-not-a-string.json': ['type', '#/ephemeris/centralBody'],
  'file-empty.json': ['minLength', '#/ephemeris/file'],
  'max-gap-steps-zero.json': ['exclusiveMinimum', '#/ephemeris/maxGapSteps'],
  'section-not-an-object.json': ['type', '#/ephemeris'],
  'spk-empty-list.json': ['minItems', '#/ephemeris/spk'],
  'spk-not-an-array.json': ['type', '#/ephemeris/spk'],
  'tle-max-age-negative.json': ['exclusiveMinimum', '#/ephemeris/tleMaxAgeDays'],
  'unknown-property.json': ['additionalProperties', '#/ephemeris/kernels'],
};

describe('the ephemeris section (schemas/config-ephemeris.schema.json), fixtures/config/ephemeris', () => {
  it('every invalid fixture has an expectation', () => {
    expect(list('invalid')).toEqual(Object.keys(INVALID).sort());
    expect(list('valid')).toEqual(['all-fields.json', 'empty-section.json', 'mars-orbiter.json', 'spk-spacecraft.json']);
  });

  it('valid fixtures: paths relative to the config file, every field carried', () => {
    const v = path.join(dir, 'valid');
    expect(load('valid', 'all-fields.json')).toEqual({
      file: path.join(v, 'orbits/juice.oem'), object: 'JUICE', spk: [path.join(v, 'kernels/de440s.bsp'), path.join(v, 'kernels/jup365.bsp')],
      centralBody: 'GANYMEDE', tleMaxAgeDays: 3.5, maxGapSteps: 8,
    });
    expect(load('valid', 'mars-orbiter.json')).toEqual({ file: MARS, spk: [DE440S] });
    expect(load('valid', 'spk-spacecraft.json')).toEqual({ object: '-74', spk: [path.join(v, 'kernels/de440s.bsp'), path.join(v, 'kernels/mro.bsp')] });
    expect(load('valid', 'empty-section.json')).toEqual({ spk: [] });
    // No section at all: nothing configured.
    expect(ephemerisSection(parseConfig('{"mission":{"name":"X"}}', 'x.json'))).toEqual({ spk: [] });
  });

  it.each(Object.entries(INVALID))('invalid/%s gives exactly its one problem, located in the file', (f, [code, at]) => {
    const file = path.join(dir, 'invalid', f);
    let error: unknown;
    try {
      load('invalid', f);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => [p.code, p.path])).toEqual([[code, `${file}${at}`]]);
  });
});

describe('mergeEphemerisSource(): flags win field by field', () => {
  const configured = { file: '/c/a.oem', object: 'A', spk: ['/c/k1.bsp', '/c/k2.bsp'], centralBody: 'MARS', tleMaxAgeDays: 3, maxGapSteps: 9 };
  it('the config alone, the flags alone, and each flag over its field', () => {
    expect(mergeEphemerisSource({ spk: [] }, configured)).toEqual(configured);
    expect(mergeEphemerisSource({ file: '/f/b.tle', spk: ['/f/k.bsp'] }, { spk: [] })).toEqual({ file: '/f/b.tle', spk: ['/f/k.bsp'] });
    // A file from the command line does not take the configured object (it named the configured file's object).
    expect(mergeEphemerisSource({ file: '/f/b.oem', spk: [] }, configured)).toEqual({ ...configured, file: '/f/b.oem', object: undefined });
    expect(mergeEphemerisSource({ spk: ['/f/k.bsp'], object: 'B', centralBody: 'JUPITER', maxGapSteps: 2 }, configured))
      .toEqual({ ...configured, spk: ['/f/k.bsp'], object: 'B', centralBody: 'JUPITER', maxGapSteps: 2 });
  });
});
