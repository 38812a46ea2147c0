/**
 * SCOS-2000 MIB variable packets (VPD) and time codes (PTC 9, 10), decoded with known answers: the tables in
 * fixtures/mib-vpd were written from the ICD's table layouts (formats-wave2.md §2.3, §2.6), the packets here.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadMibTm } from '../../src/mdb/mib/load.js';
import { parseTmDatabaseJson } from '../../src/mdb/load.js';
import { compileDecoder, VALIDITY_NAMES, type ContainerTable, type Decoder } from './compile.js';
import { engineeringText } from './format.js';
import { ParameterArchiveReader, ParameterArchiveWriter } from './archive.js';
import { engText, rawText } from './query.js';

const FIXTURE = path.resolve('fixtures/mib-vpd');

/** A PUS-C TM packet: primary header, a 10-octet data field header with type/subtype at octets 7 and 8, then `data`. */
function pus(apid: number, type: number, subtype: number, data: readonly number[]): Uint8Array {
  const b = new Uint8Array(16 + data.length);
  b[0] = 0x08 | (apid >> 8); b[1] = apid & 0xff; b[2] = 0xc0;
  const len = b.length - 7;
  b[4] = len >> 8; b[5] = len & 0xff;
  b[6] = 0x20; b[7] = type; b[8] = subtype;
  b.set(data, 16);
  return b;
}
const u16 = (v: number) => [v >> 8, v & 0xff];

function decode(dec: Decoder, pkt: Uint8Array): ContainerTable {
  const r = dec.decode(pkt, 0, pkt.length, undefined, 1200);
  if (typeof r === 'string') throw new Error(r);
  return r;
}
const eng = (dec: Decoder, t: ContainerTable, name: string, row = 0) => dec.engineering(t.columns.find((c) => c.field.parameter.name === name)!, row);
const col = (t: ContainerTable, name: string) => t.columns.find((c) => c.field.parameter.name === name)!;

describe('variable packets (VPD): groups, nested groups, fixed repetitions, offsets, variable strings, times', () => {
  const { db, notes } = loadMibTm(FIXTURE);

  test('loads, notes the saved synthetic parameter, and its JSON form passes the schema', () => {
    expect(notes.map((n) => n.message)).toEqual(['SYN: saved synthetic parameter (PTC 13), never in a packet: skipped']);
    expect(() => parseTmDatabaseJson(JSON.stringify(db), 'vpd.json')).not.toThrow();
  });

  test('every value of an event packet equals the value written', () => {
    const dec = compileDecoder(db);
    const data = [
      ...u16(0x1234), // EV_ID
      0x00, 0x0f, 0x42, 0x40, 0x80, 0x00, // EV_TIME: CUC 4+2, 1000000 + 0x8000/2^16 s
      0x00, 0x03, 0x00, 0x00, 0x13, 0x88, // EV_CDS: day 3, 5000 ms
      2, // EV_N: two repetitions of (EV_A, EV_B, EV_M, EV_M × EV_C)
      ...u16(100), 0xfb, 2, 7, 8, // A 100, B −5, M 2, C 7 8
      ...u16(200), 0x06, 0, // A 200, B 6, M 0
      0xee, // the octet EV_MSG's VPD_OFFSET (8 bits) skips
      5, 0x48, 0x45, 0x4c, 0x4c, 0x4f, // EV_MSG: "HELLO" behind its 1-octet size
      2, 0xca, 0xfe, // EV_BLOB
      0x00, 0x01, 0x80, // EV_DUR: relative CUC 2+1 = 1.5 s
      9, 10, // EV_FIX × 2 (VPD_FIXREP), its counter EV_FX not in the packet
    ];
    const t = decode(dec, pus(1200, 5, 1, data));
    expect(t.container.name).toBe('SIM_EVENT');
    expect(t.lengthMismatches).toBe(0);
    expect(eng(dec, t, 'EV_ID')).toBe(0x1234);
    expect(eng(dec, t, 'EV_TIME')).toBe(1_000_000.5);
    // Counted from the default epoch, TAI 1958-01-01; src/time takes TAI − UTC = 10 s before 1972 (its first value).
    expect(engineeringText(dec, col(t, 'EV_TIME'), 0)).toBe('1958-01-12T13:46:30.500000Z');
    // With the mission's epoch (a UTC date) the same count is a date of the mission.
    const mission = compileDecoder(loadMibTm(FIXTURE, { epoch: '2020-01-01' }).db);
    const m = decode(mission, pus(1200, 5, 1, data));
    expect(engineeringText(mission, col(m, 'EV_TIME'), 0)).toBe('2020-01-12T13:46:40.500000Z');
    expect(eng(dec, t, 'EV_CDS')).toBe(3 * 86400 + 5);
    expect(eng(dec, t, 'EV_A')).toEqual([50, 100]); // MCF: 0.5 · raw
    expect(eng(dec, t, 'EV_B')).toEqual([-5, 6]);
    expect(eng(dec, t, 'EV_M')).toEqual([2, 0]);
    expect(eng(dec, t, 'EV_C')).toEqual([[7, 8], []]);
    expect(eng(dec, t, 'EV_MSG')).toBe('HELLO');
    expect(eng(dec, t, 'EV_BLOB')).toEqual(new Uint8Array([0xca, 0xfe]));
    expect(eng(dec, t, 'EV_DUR')).toBe(1.5);
    expect(eng(dec, t, 'EV_FIX')).toEqual([9, 10]);
    expect(t.columns.some((c) => c.field.parameter.name === 'EV_FX')).toBe(false); // never in the packet
  });

  test('the parameter archive keeps the occurrences of a group: raw and calibrated values', () => {
    const dec = compileDecoder(db);
    const data = [...u16(1), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, ...u16(100), 0xfb, 0, ...u16(200), 6, 0, 0xee, 0, 0, 0, 0, 0, 9, 10];
    decode(dec, pus(1200, 5, 1, data));
    const dir = mkdtempSync(path.join(tmpdir(), 'idoc-vpd-archive-'));
    try {
      const w = new ParameterArchiveWriter(dir);
      w.addDecoded(dec);
      w.close();
      const r = new ParameterArchiveReader(dir);
      try {
        const a = r.series('EV_A')!;
        expect([rawText(a, 0), engText(a, 0)]).toEqual(['100 200', '50 100']);
        const b = r.series('EV_B')!;
        expect(rawText(b, 0)).toBe('-5 6');
      } finally {
        r.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a counter larger than the packet holds is an undecoded packet, not values read past its end', () => {
    const dec = compileDecoder(db);
    const pkt = pus(1200, 5, 1, [...u16(1), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200, 0, 1, 2, 3]);
    expect(dec.decode(pkt, 0, pkt.length, undefined, 1200)).toMatch(/runs past the packet end/);
  });
});

describe('a choice (VPD_CHOICE) and deduced parameters (PTC 11 after VPD_PIDREF)', () => {
  const { db } = loadMibTm(FIXTURE);
  const f32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, v); return [...b]; };

  test('the choice selects the structure of the rest, the on-board id the deduced parameter', () => {
    const dec = compileDecoder(db);
    const a = decode(dec, pus(1200, 3, 25, [201, ...u16(7001), ...f32(21.5)]));
    expect(a.container.name).toBe('SIM_CHOICE');
    expect(eng(dec, a, 'TEMP_X', 0)).toBe(21.5);
    expect(VALIDITY_NAMES[col(a, 'VOLT_X').validity[0]!]).toBe('absent');
    decode(dec, pus(1200, 3, 25, [201, ...u16(7002), ...u16(300)]));
    expect(eng(dec, a, 'VOLT_X', 1)).toBe(300);
    expect(VALIDITY_NAMES[col(a, 'TEMP_X').validity[1]!]).toBe('absent');
    decode(dec, pus(1200, 3, 25, [202, ...u16(77)]));
    expect(eng(dec, a, 'Q', 2)).toBe(77);
    expect(a.lengthMismatches).toBe(0);
  });

  test('a choice or an on-board id the MIB does not know stops the packet, naming why', () => {
    const dec = compileDecoder(db);
    const unknownTpsd = pus(1200, 3, 25, [203, 0, 0]);
    expect(dec.decode(unknownTpsd, 0, unknownTpsd.length, undefined, 1200)).toMatch(/MIB_NO_TPSD/);
    const unknownPid = pus(1200, 3, 25, [201, ...u16(9999), 0, 0]);
    expect(dec.decode(unknownPid, 0, unknownPid.length, undefined, 1200)).toMatch(/MIB_NO_PCF_PID/);
  });
});

describe('what the MIB loader refuses names the table and line', () => {
  let dir: string | undefined;
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = undefined; });
  const withChange = (table: string, edit: (text: string) => string) => {
    dir = mkdtempSync(path.join(tmpdir(), 'idoc-vpd-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const f = path.join(dir, `${table}.dat`);
    writeFileSync(f, edit(readFileSync(f, 'latin1')));
    return dir;
  };
  test.each([
    ['vpd', (t: string) => t.replace('100\t12\tEV_FX\t1\t2', '100\t12\tEV_FX\t1\t-1'), /vpd\.dat:12: EV_FX: VPD_FIXREP -1/],
    ['vpd', (t: string) => t.replace('201\t2\tDED', '202\t2\tDED'), /vpd\.dat:\d+: DED is deduced \(PTC 11\) but no VPD_PIDREF/],
    ['vpd', (t: string) => t.replace('100\t4\tEV_N\t4', '100\t4\tEV_N\t40'), /vpd\.dat:\d+: the group needs 40 rows/],
    ['vpd', (t: string) => `${t}200\t2\tQ\t0\t0\tN\tN\t\t\tL\tN\t0\tN\t0\n`, /vpd\.dat:18: rows after the choice SEL/],
    ['vpd', (t: string) => t.replace('100\t13\tEV_FIX', '100\t13\tSYN'), /vpd\.dat:13: SYN is a saved synthetic parameter/],
    ['pcf', (t: string) => t.replace('EV_DUR\tduration (relative CUC 2+1)\t\t\t10\t8', 'EV_DUR\tduration (relative CUC 2+1)\t\t\t10\t1'), /pcf\.dat:11: EV_DUR: PTC 10 PFC 1 \(relative time in CDS form\)/],
    ['pcf', (t: string) => t.replace('EV_TIME\tevent time (CUC 4+2)\t\t\t9\t17', 'EV_TIME\tevent time (CUC 4+2)\t\t\t9\t0'), /pcf\.dat:2: EV_TIME: PTC 9 PFC 0 \(absolute time with an explicit P-field\)/],
    ['pid', (t: string) => t.replace('\t100\t10\t', '\t999\t10\t'), /pid\.dat:1: SPID 20001: PID_TPSD 999 has no rows/],
  ])('%s.dat edit %#', (table, edit, message) => {
    expect(() => loadMibTm(withChange(table, edit))).toThrow(message);
  });
});
