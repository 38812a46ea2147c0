import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc16, crc16Bitwise, crc16Bytewise, pecOk } from './crc16.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('crc16 (CRC-16/CCITT-FALSE)', () => {
  it('crc16() gives the catalogue check value 0x29B1 for "123456789" (formats.md §2.4)', () => {
    const data = new TextEncoder().encode('123456789');
    expect(crc16(data)).toBe(0x29b1);
    expect(crc16Bytewise(data)).toBe(0x29b1);
    expect(crc16Bitwise(data)).toBe(0x29b1);
  });

  it('crc16() gives PEC EE63 for the PUS-C TC[17,1] vector of spacepackets-rs (formats.md §2.4)', () => {
    const tc = hex('18 02 C0 34 00 06 2F 11 01 00 00');
    expect(crc16(tc)).toBe(0xee63);
    const full = hex('18 02 C0 34 00 06 2F 11 01 00 00 EE 63');
    expect(pecOk(full, 0, full.length)).toBe(true);
    full[4] = full[4]! ^ 1;
    expect(pecOk(full, 0, full.length)).toBe(false);
  });

  it('crc16() of the empty range is the initial value', () => {
    expect(crc16(new Uint8Array(0))).toBe(0xffff);
  });

  it('crc16() slicing-by-8 equals the bit-serial definition on any bytes, offsets and splits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (data, a, b) => {
        const start = data.length ? a % (data.length + 1) : 0;
        const end = start + (data.length - start ? b % (data.length - start + 1) : 0);
        const expected = crc16Bitwise(data, start, end);
        expect(crc16(data, start, end)).toBe(expected);
        const mid = start + ((end - start) >> 1);
        expect(crc16(data, mid, end, crc16(data, start, mid))).toBe(expected);
      }),
    );
  });
});
