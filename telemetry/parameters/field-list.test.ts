import { describe, expect, test } from 'vitest';
import { compileDecoder, type ContainerTable } from './compile.js';
import { loadFieldList } from '../../src/mdb/fields/load.js';

describe('loadFieldList (CCSDSPy CSV columns)', () => {
  test('uint, int, float, str, fill, arrays, little-endian, bit_offset', () => {
    const csv = [
      'name,data_type,bit_length,bit_offset,byte_order',
      'A,uint,12,,big',
      'B,int,4,,',
      'GAP,fill,8,,',
      'C,uint,16,,little',
      'D,float,32,,little',
      'E,"uint(2, 3)",4,,',
      'S,str,24,,',
      'F,int,16,168,big',
    ].join('\n');
    const db = loadFieldList(csv, 'f.csv');
    const dec = compileDecoder(db);
    const data = new Uint8Array(17);
    const dv = new DataView(data.buffer);
    dv.setUint16(0, (0xabc << 4) | 0xe); // A = 0xabc, B = -2
    data[2] = 0xff; // fill
    dv.setUint16(3, 0x1234, true);
    dv.setFloat32(5, 1.25, true);
    data.set([0x12, 0x34, 0x56], 9); // E = [1,2,3,4,5,6]
    data.set([0x61, 0x62, 0x63], 12); // "abc"
    // F at bit 168 from the packet start = data octet 15.
    dv.setInt16(15, -300);
    const pkt = new Uint8Array(6 + data.length);
    pkt.set([0x08, 0x64, 0xc0, 0x00, 0x00, data.length - 1]);
    pkt.set(data, 6);
    const t = dec.decode(pkt, 0, pkt.length, undefined, 100) as ContainerTable;
    const v = (n: string) => dec.engineering(t.columns.find((c) => c.field.parameter.name === n)!, 0);
    expect([v('A'), v('B'), v('C'), v('D'), v('E'), v('S'), v('F')]).toEqual([0xabc, -2, 0x1234, 1.25, [1, 2, 3, 4, 5, 6], 'abc', -300]);
    expect(t.lengthMismatches).toBe(0);
  });

  test.each([
    ['name,data_type,bit_length\nA,double,8\n', /^f\.csv:2: data_type "double"/],
    ['name,data_type,bit_length,byte_order\nA,uint,16,3412\n', /^f\.csv:2: byte_order "3412" is not supported/],
    ['name,data_type,bit_length\nA,uint(expand),8\n', /^f\.csv:2: array shape "expand" is not supported/],
    ['name,data_type\nA,uint\n', /^f\.csv:1: the header row needs name, data_type and bit_length/],
    ['name,data_type,bit_length\nA,uint,8\nA,uint,8\n', /^f\.csv:3: field A is defined twice/],
  ])('refuses %j', (csv, message) => {
    expect(() => loadFieldList(csv, 'f.csv')).toThrow(message);
  });
});
