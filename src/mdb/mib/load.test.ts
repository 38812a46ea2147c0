import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadMibTm } from './load.js';
import { parseTmDatabaseJson } from '../load.js';
import { ptcPfcEncoding } from './ptc-pfc.js';

const FIXTURE = path.resolve('fixtures/mib-tm');

describe('ptcPfcEncoding (EGOS-MCS-S2K-ICD-0001 PTC/PFC table, formats-wave2.md §2.6)', () => {
  test.each([
    [1, 0, 'boolean', 1, 'unsigned'], [2, 5, 'integer', 5, 'unsigned'], [3, 0, 'integer', 4, 'unsigned'], [3, 12, 'integer', 16, 'unsigned'],
    [3, 13, 'integer', 24, 'unsigned'], [3, 14, 'integer', 32, 'unsigned'], [3, 15, 'integer', 48, 'unsigned'], [3, 16, 'integer', 64, 'unsigned'],
    [4, 4, 'integer', 8, 'twosComplement'], [4, 14, 'integer', 32, 'twosComplement'], [6, 3, 'integer', 3, 'unsigned'],
  ])('PTC %i PFC %i → %s of %i bits, %s', (ptc, pfc, kind, bits, enc) => {
    expect(ptcPfcEncoding(ptc, pfc)).toEqual({ kind, encoding: { kind: 'integer', sizeInBits: bits, encoding: enc, byteOrder: 'big' } });
  });
  test('floats, strings, octets', () => {
    expect(ptcPfcEncoding(5, 1)).toMatchObject({ kind: 'float', encoding: { sizeInBits: 32, encoding: 'IEEE754' } });
    expect(ptcPfcEncoding(5, 2)).toMatchObject({ kind: 'float', encoding: { sizeInBits: 64, encoding: 'IEEE754' } });
    expect(ptcPfcEncoding(5, 3)).toMatchObject({ kind: 'float', encoding: { sizeInBits: 32, encoding: 'MILSTD_1750A' } });
    expect(ptcPfcEncoding(5, 4)).toMatchObject({ kind: 'float', encoding: { sizeInBits: 48, encoding: 'MILSTD_1750A' } });
    expect(ptcPfcEncoding(7, 4)).toMatchObject({ kind: 'binary', encoding: { size: { kind: 'fixed', bits: 32 } } });
    expect(ptcPfcEncoding(8, 10)).toMatchObject({ kind: 'string', encoding: { charset: 'US-ASCII', size: { kind: 'fixed', bits: 80 } } });
    expect(ptcPfcEncoding(7, 0)).toMatchObject({ kind: 'binary', encoding: { size: { kind: 'leading', tagBits: 8 } } });
    expect(ptcPfcEncoding(8, 0)).toMatchObject({ kind: 'string', encoding: { size: { kind: 'leading', tagBits: 8 } } });
  });
  test('times (CCSDS 301.0-B-4 CUC and CDS), deduced and synthetic parameters', () => {
    // CUC PFC 17: 1 + ⌊14/4⌋ = 4 coarse octets, 14 mod 4 = 2 fine octets.
    expect(ptcPfcEncoding(9, 17)).toEqual({ kind: 'absoluteTime', encoding: { kind: 'integer', sizeInBits: 48, encoding: 'unsigned', byteOrder: 'big' }, time: { scale: 2 ** -16, offset: 0, epoch: 'TAI' } });
    expect(ptcPfcEncoding(9, 3, 'GPS')).toMatchObject({ encoding: { sizeInBits: 8 }, time: { scale: 1, epoch: 'GPS' } });
    expect(ptcPfcEncoding(9, 1)).toMatchObject({ encoding: { sizeInBits: 48 }, time: { cds: 0 } });
    expect(ptcPfcEncoding(9, 2)).toMatchObject({ encoding: { sizeInBits: 64 }, time: { cds: 16 } });
    expect(ptcPfcEncoding(10, 8)).toMatchObject({ kind: 'float', encoding: { sizeInBits: 24 }, calibrator: { terms: [{ coefficient: 1 / 256, exponent: 1 }] }, unit: 's' });
    expect(ptcPfcEncoding(11, 0)).toEqual({ deduced: true });
    expect(ptcPfcEncoding(13, 0)).toEqual({ synthetic: true });
    for (const [ptc, pfc] of [[9, 0], [10, 1], [10, 2], [12, 0], [9, 19]] as const) expect(ptcPfcEncoding(ptc, pfc)).toHaveProperty('unsupported');
    expect(ptcPfcEncoding(3, 17)).toEqual({ unsupported: 'PFC 17 is not defined for PTC 3' });
  });
});

describe('loadMibTm on the SIM fixture', () => {
  test('packets by APID/type/subtype and SID (PIC), names from TPCF, calibrations and limits', () => {
    const { db, notes } = loadMibTm(FIXTURE);
    expect(notes).toEqual([]);
    expect(db.containers.map((c) => c.name)).toEqual(['MIB_TM', 'MIB_1100_3_25', 'SIM_HK_FAST', 'MIB_1101_3_25', 'SIM_HK_SLOW']);
    const temp = db.parameterTypes.find((t) => t.name === 'DET_TEMP')!;
    expect(temp.calibrator).toEqual({ kind: 'polynomial', terms: [{ coefficient: -50, exponent: 0 }, { coefficient: 0.004, exponent: 1 }] });
    expect(temp.alarm?.staticRanges?.ranges).toEqual({ warning: { minInclusive: -10, maxInclusive: 55 }, critical: { minInclusive: -20, maxInclusive: 60 } });
    expect(db.parameterTypes.find((t) => t.name === 'HV_LEVEL')!.enumeration).toEqual([{ value: 0, maxValue: 19999, label: 'LOW' }, { value: 20000, maxValue: 65535, label: 'HIGH' }]);
    expect(db.parameterTypes.find((t) => t.name === 'BUS_VOLT')!.calibrator).toMatchObject({ kind: 'spline', order: 1, extrapolate: true });
  });
});

describe('loadMibTm refusals name the record', () => {
  let dir: string | undefined;
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = undefined; });
  const withChange = (table: string, edit: (text: string) => string) => {
    dir = mkdtempSync(path.join(tmpdir(), 'idoc-mib-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const f = path.join(dir, `${table}.dat`);
    writeFileSync(f, edit(readFileSync(f, 'latin1')));
    return dir;
  };

  test('a logarithmic calibration (LGF) is read as coefficients A0… of y = 1 / (A0 + A1 ln x + …)', () => {
    const d = withChange('pcf', (t) => t.replace('MCF_TEMP', 'LGF_TEMP'));
    writeFileSync(path.join(d, 'lgf.dat'), 'LGF_TEMP\tlog\t0.001\t0.0002\t0.00001\t\t\n');
    const db = loadMibTm(d).db;
    const p = db.parameters.find((x) => x.name === 'DET_TEMP')!;
    const type = db.parameterTypes.find((x) => x.name === p.type)!;
    expect(type.calibrator).toEqual({ kind: 'logarithmic', coefficients: [0.001, 0.0002, 0.00001] });
    // The JSON form passes the schema.
    expect(() => parseTmDatabaseJson(JSON.stringify(db), 'lgf.json')).not.toThrow();
  });

  test('repeated occurrences (PLF_NBOCC > 1)', () => {
    const d = withChange('plf', (t) => t.replace('DET_TEMP\t10001\t21\t0\t1', 'DET_TEMP\t10001\t21\t0\t3'));
    expect(() => loadMibTm(d)).toThrow(/plf\.dat:2: DET_TEMP: repeated occurrences/);
  });

  test('an unsupported PTC', () => {
    const d = withChange('pcf', (t) => t.replace('DET_TEMP\tdetector temperature\t\tdegC\t3\t12', 'DET_TEMP\tdetector temperature\t\tdegC\t12\t0'));
    expect(() => loadMibTm(d)).toThrow(/pcf\.dat:2: DET_TEMP: PTC 12 \(an embedded TM packet\)/);
  });

  test('delta checks are skipped with a note', () => {
    const d = withChange('ocp', (t) => `${t}DET_TEMP\t3\tD\t-1\t1\t\t\n`);
    expect(loadMibTm(d).notes.map((n) => n.message)).toEqual(['DET_TEMP: OCP_TYPE D (delta, status consistency or event) checks are not supported: skipped']);
  });
});
