import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodePrimaryHeader, encodePrimaryHeader, packetLengthOf, sequenceStep, apidAt, sequenceCountAt, packetLengthAt,
  type PrimaryHeader,
} from './primary-header.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('primary header (CCSDS 133.0-B-2 §4.1.3)', () => {
  it('decodePrimaryHeader() reads the spacepackets-py TM example 08 73 C0 19 00 04', () => {
    const h = decodePrimaryHeader(hex('08 73 C0 19 00 04'));
    expect(h).toEqual({ version: 0, type: 0, secondaryHeader: true, apid: 0x73, sequenceFlags: 3, sequenceCount: 25, dataLength: 4 });
    expect(packetLengthOf(h.dataLength)).toBe(11);
  });

  it('decodePrimaryHeader() reads the spacepackets-rs TC example 18 02 C0 34 00 06', () => {
    const h = decodePrimaryHeader(hex('18 02 C0 34 00 06'));
    expect(h).toMatchObject({ type: 1, secondaryHeader: true, apid: 2, sequenceFlags: 3, sequenceCount: 0x34, dataLength: 6 });
    expect(packetLengthOf(h.dataLength)).toBe(13);
  });

  it('encodePrimaryHeader() writes the examples back byte for byte', () => {
    const h = decodePrimaryHeader(hex('18 02 C0 34 00 06'));
    expect(Buffer.from(encodePrimaryHeader(h)).toString('hex')).toBe('1802c0340006');
  });

  it('encodePrimaryHeader() rejects out-of-range fields', () => {
    const h: PrimaryHeader = { version: 0, type: 0, secondaryHeader: false, apid: 2048, sequenceFlags: 3, sequenceCount: 0, dataLength: 0 };
    expect(() => encodePrimaryHeader(h)).toThrow(/apid 2048/);
  });

  it('decode(encode(h)) = h for every header, at any offset; accessors agree', () => {
    const header = fc.record({
      version: fc.integer({ min: 0, max: 7 }),
      type: fc.constantFrom(0 as const, 1 as const),
      secondaryHeader: fc.boolean(),
      apid: fc.integer({ min: 0, max: 2047 }),
      sequenceFlags: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
      sequenceCount: fc.integer({ min: 0, max: 16383 }),
      dataLength: fc.integer({ min: 0, max: 65535 }),
    });
    fc.assert(
      fc.property(header, fc.integer({ min: 0, max: 9 }), (h, off) => {
        const buf = encodePrimaryHeader(h, new Uint8Array(off + 6), off);
        expect(decodePrimaryHeader(buf, off)).toEqual(h);
        expect(apidAt(buf, off)).toBe(h.apid);
        expect(sequenceCountAt(buf, off)).toBe(h.sequenceCount);
        expect(packetLengthAt(buf, off)).toBe(h.dataLength + 7);
      }),
    );
  });

  it('sequenceStep() is wrap-aware modulo 16384', () => {
    expect(sequenceStep(16383, 0)).toBe(1);
    expect(sequenceStep(5, 8)).toBe(3);
    expect(sequenceStep(7, 7)).toBe(0);
    expect(sequenceStep(16380, 2)).toBe(6);
  });
});
