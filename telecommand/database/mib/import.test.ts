import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../src/errors.js';
import { encodeTc } from '../../encode/encode-tc.js';
import { decodeTc } from '../../encode/decode-tc.js';
import { checkTcDatabase } from '../load.js';
import { findCommand } from '../../../src/mdb/commands/lookup.js';
import { importMib, parseMibNumber } from './import.js';
import { ptcPfcToType } from './ptc-pfc.js';
import { parseMibTable } from './tables.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (d: string) => path.join(root, 'fixtures/tcdb', d);

describe('importMib()', () => {
  const { db, problems } = importMib(fixture('mib'));

  it('imports the fixture without problems into a valid database', () => {
    expect(problems).toEqual([]);
    expect(checkTcDatabase(db)).toEqual([]);
    expect(db.commands.map((c) => `${c.name} TC[${c.service},${c.subtype}] ${c.apid}`)).toEqual([
      'ZIMG0001 TC[8,1] 100', 'ZIMG0002 TC[8,1] 100', 'ZIMG0003 TC[8,1] 100', 'ZIMG0004 TC[17,1] 2',
    ]);
  });

  it('maps criticality, ack flags, fixed elements (hex radix), enumerations and engineering defaults', () => {
    const mode = findCommand(db, 'ZIMG0001')!;
    expect(mode.criticality).toBe('critical');
    expect(mode.ackFlags).toBe(15);
    expect(mode.parameters[0]).toMatchObject({ name: 'PIMG0FID', type: 'unsigned', bits: 8, fixed: true, default: 1 });
    expect(mode.parameters[1]).toMatchObject({
      name: 'PIMG0MOD', type: 'enumerated', bits: 8, default: 'STANDBY',
      enumeration: [{ value: 1, label: 'SAFE' }, { value: 2, label: 'STANDBY' }, { value: 3, label: 'NOMINAL' }],
    });
  });

  it('imports a CCA table calibration, an engineering range and a raw default converted to engineering', () => {
    const set = findCommand(db, 'ZIMG0002')!.parameters[1]!;
    expect(set).toMatchObject({ type: 'unsigned', bits: 16, unit: 'degC', range: { min: -20, max: 40, applies: 'engineering' } });
    expect(set.calibration).toEqual({ kind: 'table', points: [{ raw: 0, eng: -50 }, { raw: 65535, eng: 605.35 }] });
    expect(set.default).toBeCloseTo(20, 9);
    expect(findCommand(db, 'ZIMG0002')!.parameters[0]!.default).toBe(16);
  });

  it('packs the 3-bit + 13-bit elements and the fixed spare area as the MIB lays them out', () => {
    const ccd = findCommand(db, 'ZIMG0003')!;
    expect(ccd.parameters.map((p) => `${p.name}:${p.bits}`)).toEqual(['PIMG0FID:8', 'PIMG0GAN:3', 'PIMG0EXP:13', 'SPARE_24:16']);
    expect(ccd.parameters[2]!.range).toEqual({ min: 1, max: 8000, applies: 'raw' });
    const r = encodeTc(ccd, { PIMG0GAN: 'HIGH', PIMG0EXP: 5000 });
    expect(r.ok && Buffer.from(r.value.packet.subarray(11, 16)).toString('hex')).toBe('2093880000');
    const bad = encodeTc(ccd, { PIMG0EXP: 9000 });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(['ZIMG0003.PIMG0EXP']);
    const d = r.ok ? decodeTc(r.value.packet, db) : undefined;
    expect(d?.ok && d.value.command.name).toBe('ZIMG0003');
  });

  it('reports each dangling reference with file:line', () => {
    const r = importMib(fixture('mib-dangling'));
    expect(r.problems.map((p) => `${p.code} ${p.path}`)).toEqual([
      'dangling-reference prv.dat:1',
      'dangling-reference cdf.dat:4',
      'dangling-reference cdf.dat:1',
      'dangling-reference cpc.dat:1',
      'dangling-reference cpc.dat:2',
      'missing-enumeration cpc.dat:2',
    ]);
    expect(r.problems[2]!.message).toMatch(/PNOSUCH/);
    expect(r.problems[3]!.message).toMatch(/CPC_PRFREF PRF_NONE/);
    expect(r.problems[4]!.message).toMatch(/CPC_PAFREF PAF_NONE/);
    expect(r.db.commands[0]!.parameters.map((p) => p.name)).toEqual(['SPARE_0', 'PBADPRF', 'PBADPAF']);
  });

  it('throws InputError naming the missing mandatory table', () => {
    expect(() => importMib(fixture('valid'))).toThrow(InputError);
    expect(() => importMib(fixture('valid'))).toThrow(/ccf\.dat/);
  });
});

describe('MIB tables', () => {
  it('parseMibTable() splits TABs, accepts CRLF and LF, and fills missing trailing columns with ""', () => {
    const rows = parseMibTable('A\tdesc\r\n\nB\t\t\t\tY\n', 'ccf', 'ccf.dat');
    expect(rows.map((r) => [r.at, r.fields['CCF_CNAME'], r.fields['CCF_DESCR'], r.fields['CCF_CRITICAL'], r.fields['CCF_SUBSCHEDID']])).toEqual([
      ['ccf.dat:1', 'A', 'desc', '', ''],
      ['ccf.dat:3', 'B', '', 'Y', ''],
    ]);
  });

  it('ptcPfcToType() follows the ICD table', () => {
    const t = (ptc: number, pfc: number) => { const r = ptcPfcToType(ptc, pfc); return r.ok ? `${r.type}:${r.bits ?? r.length}` : 'no'; };
    expect([t(1, 0), t(2, 8), t(3, 0), t(3, 4), t(3, 12), t(3, 13), t(3, 14), t(3, 16), t(4, 8), t(5, 1), t(5, 2), t(6, 3), t(7, 4), t(8, 10)]).toEqual([
      'boolean:1', 'enumerated:8', 'unsigned:4', 'unsigned:8', 'unsigned:16', 'unsigned:24', 'unsigned:32', 'unsigned:64', 'signed:12',
      'float:32', 'float:64', 'unsigned:3', 'octets:4', 'string:10',
    ]);
    expect([t(3, 17), t(5, 3), t(7, 0), t(8, 0), t(9, 17), t(13, 0)]).toEqual(['no', 'no', 'no', 'no', 'no', 'no']);
  });

  it('parseMibNumber() reads decimal, hex and octal radixes', () => {
    expect([parseMibNumber('-12.5', 'D'), parseMibNumber('1F', 'H'), parseMibNumber('17', 'O'), parseMibNumber('x', 'D'), parseMibNumber('', 'D')]).toEqual([-12.5, 31, 15, undefined, undefined]);
  });
});
