/**
 * XTCE 1.2 RepeatEntry (RepeatType: Count as FixedValue, or DynamicValue reading an earlier parameter with its
 * LinearAdjustment; nested), decoded with known answers: fixtures/xtce-repeat/repeat.xml, the packets built here.
 * Variants idoc does not decode are refused with the element's line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadXtce } from '../../src/mdb/xtce/load.js';
import { parseTmDatabaseJson } from '../../src/mdb/load.js';
import { compileDecoder, type ContainerTable, type Decoder } from './compile.js';

const FILE = path.resolve('fixtures/xtce-repeat/repeat.xml');
const TEXT = readFileSync(FILE, 'utf8');

/** A TM packet of APID 300 whose data field is `data`. */
function packet(data: readonly number[]): Uint8Array {
  const b = new Uint8Array(6 + data.length);
  b[0] = 0x08 | (300 >> 8); b[1] = 300 & 0xff; b[2] = 0xc0;
  b[4] = (data.length - 1) >> 8; b[5] = (data.length - 1) & 0xff;
  b.set(data, 6);
  return b;
}
const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];

function decode(dec: Decoder, pkt: Uint8Array): ContainerTable {
  const r = dec.decode(pkt, 0, pkt.length, undefined, 300);
  if (typeof r === 'string') throw new Error(r);
  return r;
}
const col = (t: ContainerTable, name: string) => t.columns.find((c) => c.field.parameter.name === name)!;

/** N_TEMPS 2, TEMP 250 300; FLAGS 1 2 3; N_BLOCKS_M1 1 (two blocks): (10, 3: −1 2 −3), (11, 0); TRAILER 0xBEEF. */
const DATA = [2, ...u16(250), ...u16(300), 1, 2, 3, 1, 10, 3, ...u16(-1), ...u16(2), ...u16(-3), 11, 0, ...u16(0xbeef)];

describe('XTCE RepeatEntry', () => {
  const db = loadXtce(TEXT, FILE);

  test('fixed and dynamic counts, a linear adjustment, a repeat inside a repeated container: every value as written', () => {
    const dec = compileDecoder(db);
    const t = decode(dec, packet(DATA));
    expect(t.container.name).toBe('REPEAT_PKT');
    expect(t.lengthMismatches).toBe(0);
    const raw = (name: string) => col(t, name).raw[0];
    const eng = (name: string) => dec.engineering(col(t, name), 0);
    expect(raw('TEMP')).toEqual([250, 300]);
    expect(eng('TEMP')).toEqual([25, 30]); // 0.1 K per count, element by element
    expect(eng('FLAGS')).toEqual([1, 2, 3]);
    expect(eng('BLK_ID')).toEqual([10, 11]);
    expect(eng('BLK_N')).toEqual([3, 0]);
    expect(eng('SAMPLE')).toEqual([[-1, 2, -3], []]);
    expect(eng('TRAILER')).toBe(0xbeef);
  });

  test('zero occurrences take no octets; the next packet decodes with its own counts', () => {
    const dec = compileDecoder(db);
    decode(dec, packet(DATA));
    const t = decode(dec, packet([0, 7, 8, 9, 0, 42, 1, ...u16(-32768), ...u16(1)]));
    expect(t.rows).toBe(2);
    const eng = (name: string) => dec.engineering(col(t, name), 1);
    expect([eng('TEMP'), eng('FLAGS'), eng('BLK_ID'), eng('SAMPLE'), eng('TRAILER')]).toEqual([[], [7, 8, 9], [42], [[-32768]], 1]);
  });

  test('a count larger than the packet holds is an undecoded packet, not values read past its end', () => {
    const dec = compileDecoder(db);
    const pkt = packet([200, 0, 1]);
    expect(dec.decode(pkt, 0, pkt.length, undefined, 300)).toMatch(/runs past the packet end/);
  });

  test('the JSON form keeps the repeats (schema-checked) and decodes the same', () => {
    const again = parseTmDatabaseJson(JSON.stringify(db), 'repeat.json');
    expect(again.containers.find((c) => c.name === 'BLOCK')!.entries[2]).toMatchObject({ parameter: 'SAMPLE', repeat: { count: { kind: 'dynamic', parameter: 'BLK_N' } } });
    const a = compileDecoder(db);
    const b = compileDecoder(again);
    const ta = decode(a, packet(DATA));
    const tb = decode(b, packet(DATA));
    for (const name of ['TEMP', 'FLAGS', 'BLK_ID', 'SAMPLE', 'TRAILER']) expect(b.engineering(col(tb, name), 0)).toEqual(a.engineering(col(ta, name), 0));
  });

  describe('refused with the element\'s line', () => {
    /** The fixture with `from` replaced by `to`; the line of `to`'s element `el` in it. */
    const variant = (from: string, to: string, el: string) => {
      expect(TEXT.includes(from)).toBe(true);
      const text = TEXT.replace(from, to);
      const line = text.slice(0, text.indexOf(`<${el}`, TEXT.indexOf(from))).split('\n').length;
      return { text, line };
    };
    const FIXED3 = '<Count><FixedValue>3</FixedValue></Count>';
    test.each([
      ['a count from a DiscreteLookupList', FIXED3, '<Count><DiscreteLookupList><DiscreteLookup value="2"><Comparison parameterRef="N_TEMPS" value="1"/></DiscreteLookup></DiscreteLookupList></Count>', 'DiscreteLookupList', /DiscreteLookupList> is not supported/],
      ['an Offset between occurrences', '<Offset><FixedValue>0</FixedValue></Offset>', '<Offset><FixedValue>8</FixedValue></Offset>', 'Offset', /<Offset>: an <Offset> between occurrences/],
      ['a negative fixed count', FIXED3, '<Count><FixedValue>-1</FixedValue></Count>', 'FixedValue', /repeat count -1 is not a count/],
      ['an instance other than 0', '<ParameterInstanceRef parameterRef="N_TEMPS"/>', '<ParameterInstanceRef parameterRef="N_TEMPS" instance="-1"/>', 'ParameterInstanceRef', /instance other than 0/],
      ['a RepeatEntry without Count', `<RepeatEntry>\n              ${FIXED3}`, '<RepeatEntry>\n              ', 'RepeatEntry', /<Count> is required/],
    ])('%s', (_what, from, to, el, message) => {
      const { text, line } = variant(from, to, el);
      let err: Error | undefined;
      try { loadXtce(text, 'repeat.xml'); } catch (e) { err = e as Error; }
      expect(err?.message).toMatch(new RegExp(`^repeat\\.xml:${line}: <${el}>: `));
      expect(err?.message).toMatch(message);
    });

    test('a count parameter that is not defined', () => {
      const { text } = variant('<ParameterInstanceRef parameterRef="N_TEMPS"/>', '<ParameterInstanceRef parameterRef="NOPE"/>', 'ParameterInstanceRef');
      expect(() => loadXtce(text, 'repeat.xml')).toThrow(/repeat count parameter "NOPE" is not defined/);
    });
  });
});
