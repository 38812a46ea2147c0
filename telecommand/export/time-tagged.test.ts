import { describe, expect, it } from 'vitest';
import { crc16 } from '../../src/ccsds/crc16.js';
import { decodePrimaryHeader } from '../../src/ccsds/primary-header.js';
import { encodeTcRaw } from '../encode/encode-tc.js';
import type { TcCommand } from '../../src/mdb/commands/types.js';
import { wrapTimeTagged } from './time-tagged.js';

const ping: TcCommand = { name: 'PING', apid: 2, service: 17, subtype: 1, parameters: [] };
const pingPacket = (seq: number) => {
  const r = encodeTcRaw(ping, [], { sequenceCount: seq });
  if (!r.ok) throw new Error('encode');
  return r.value.packet;
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

describe('wrapTimeTagged()', () => {
  it('writes TC[11,4] = N ‖ CUC 4+2 ‖ inner TC, with its own header, sequence count and PEC', () => {
    // 2 000 000 000.5 s after 1958 TAI: coarse 0x77359400, fine 0.5 × 2^16 = 0x8000 (independent calculation).
    const inner = pingPacket(0x34);
    const p = wrapTimeTagged([{ releaseTai: 2_000_000_000.5, packet: inner }], { apid: 1, sequenceCount: 7 });
    expect(hex(p.subarray(0, 11))).toBe('1801C00700' + (p.length - 7).toString(16).toUpperCase().padStart(2, '0') + '2F0B040000');
    expect(hex(p.subarray(11, 18))).toBe('01' + '77359400' + '8000');
    expect(hex(p.subarray(18, 31))).toBe('1802C03400062F11010000EE63');
    expect(p.length).toBe(11 + 1 + 6 + 13 + 2);
    expect(crc16(p)).toBe(0);
    expect(decodePrimaryHeader(p).dataLength).toBe(p.length - 7);
  });

  it('leaves N out on request and keeps several activities in the order given', () => {
    const p = wrapTimeTagged(
      [{ releaseTai: 100, packet: pingPacket(1) }, { releaseTai: 50, packet: pingPacket(2) }],
      { includeCount: false },
    );
    expect(hex(p.subarray(11, 17))).toBe('000000640000');
    expect(p[17 + 3]).toBe(1);
    expect(hex(p.subarray(30, 36))).toBe('000000320000');
    expect(p[36 + 3]).toBe(2);
    expect(p.length).toBe(11 + 2 * (6 + 13) + 2);
  });

  it('uses the time code given (CUC 4+3 with P-field)', () => {
    const p = wrapTimeTagged([{ releaseTai: 1, packet: pingPacket(0) }], {
      time: { code: 'cuc', coarseOctets: 4, fineOctets: 3, pField: true, epochTai: 0, syncFlagInMsb: false },
    });
    expect(hex(p.subarray(12, 20))).toBe('1F00000001000000');
  });

  it('refuses an empty list, more than 255 activities with N, and a truncated inner packet', () => {
    expect(() => wrapTimeTagged([])).toThrow(RangeError);
    const many = Array.from({ length: 256 }, () => ({ releaseTai: 1, packet: pingPacket(0) }));
    expect(() => wrapTimeTagged(many)).toThrow(/u8 count/);
    expect(wrapTimeTagged(many, { includeCount: false }).length).toBe(11 + 256 * 19 + 2);
    expect(() => wrapTimeTagged([{ releaseTai: 1, packet: pingPacket(0).subarray(0, 12) }])).toThrow(/length field/);
  });
});
