import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc16 } from '../../src/ccsds/crc16.js';
import { loadTcDatabase } from '../database/load.js';
import { findCommand } from '../../src/mdb/commands/lookup.js';
import type { TcCommand, TcDatabase, TcParameter } from '../../src/mdb/commands/types.js';
import type { RawValue } from '../../src/mdb/commands/parameter-values.js';
import { decodeTc } from './decode-tc.js';
import { encodeTc, encodeTcRaw, packParameters } from './encode-tc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const db = loadTcDatabase(path.join(root, 'fixtures/tcdb/valid/sample.tcdb.json'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');
const cmd = (name: string): TcCommand => findCommand(db, name)!;
const encoded = (name: string, values: Record<string, unknown>, opts = {}) => {
  const r = encodeTc(cmd(name), values as never, opts);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value.packet;
};

describe('encodeTc()', () => {
  it('produces the PUS-C TC[17,1] vector 18 02 C0 34 00 06 2F 11 01 00 00 EE 63 (formats.md §2.4, spacepackets-rs)', () => {
    expect(hex(encoded('PING', {}, { sequenceCount: 0x34 }))).toBe('18 02 C0 34 00 06 2F 11 01 00 00 EE 63');
  });

  it('writes a PUS-A header 0x1F, type, subtype and an optional source ID', () => {
    const a = encoded('PING', {}, { sequenceCount: 0x34, profile: { pus: 'pus-a' } });
    expect(hex(a.subarray(0, 9))).toBe('18 02 C0 34 00 04 1F 11 01');
    expect(crc16(a)).toBe(0);
    const b = encoded('PING', {}, { sourceId: 0x12, profile: { pus: 'pus-a', sourceIdOctets: 1 } });
    expect(hex(b.subarray(4, 10))).toBe('00 05 1F 11 01 12');
  });

  it('packs 3-bit + 13-bit + 16-bit parameters big-endian without alignment', () => {
    // FUNC_ID 0x20 | GAIN HIGH=4 (100) | EXPOSURE 5000 = 1 0011 1000 1000 | WINDOW_START 0xBEEF
    // bits: 100 1001110001000 → 1001 0011 1000 1000 = 93 88
    const p = encoded('CCD_CONFIG', { GAIN: 'HIGH', EXPOSURE: 5000, WINDOW_START: 0xbeef });
    expect(hex(p.subarray(11, 16))).toBe('20 93 88 BE EF');
    expect(p.length).toBe(6 + 5 + 5 + 2);
  });

  it('packs odd sizes across octet boundaries and zero-pads the last octet', () => {
    const params: TcParameter[] = [
      { name: 'A', type: 'unsigned', bits: 5 },
      { name: 'B', type: 'signed', bits: 7 },
      { name: 'C', type: 'boolean' },
      { name: 'D', type: 'octets', length: 1 },
    ];
    // 10101 | -3 = 1111101 | 1 | 0xA5 → 1010 1111 1101 1101 0010 1(000) = AF DD 28
    expect(hex(packParameters(params, [21n, -3n, 1n, Uint8Array.of(0xa5)]))).toBe('AF DD 28');
  });

  it('calibrates engineering values to raw (linear: 25.5 degC → raw 7550)', () => {
    const p = encoded('HTR_SET_TEMP', { SETPOINT: 25.5 });
    expect(hex(p.subarray(11, 14))).toBe('10 1D 7E');
  });

  it('calibrates through a table and back (1250 V → raw 3071.5 → 3072 → 1250.18 V)', () => {
    const p = encoded('HV_SET', { VOLTAGE: 1250, RAMP: 2.5 });
    const d = decodeTc(p, db);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.raw[1]).toBe(3072n);
    expect(d.value.values[1]!.value).toBeCloseTo(1000 + (1024 * 500) / 2047, 9);
    expect(d.value.values[2]!.value).toBe(2.5);
  });

  it('returns problems naming the parameter for range, enum, type, size, fixed and unknown violations', () => {
    const codes = (name: string, values: Record<string, unknown>) => {
      const r = encodeTc(cmd(name), values as never);
      return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.path}`);
    };
    expect(codes('HTR_SET_TEMP', { SETPOINT: 45 })).toEqual(['range HTR_SET_TEMP.SETPOINT']);
    expect(codes('HTR_PWR', { STATE: 'MAYBE' })).toEqual(['enum HTR_PWR.STATE']);
    expect(codes('CCD_CONFIG', { GAIN: 'LOW', EXPOSURE: 'lots' })).toEqual(['type CCD_CONFIG.EXPOSURE']);
    expect(codes('CCD_CONFIG', { GAIN: 'LOW', EXPOSURE: 10, WINDOW_START: 70000 })).toEqual(['overflow CCD_CONFIG.WINDOW_START']);
    expect(codes('CCD_CONFIG', { GAIN: 'LOW' })).toEqual(['missing CCD_CONFIG.EXPOSURE']);
    expect(codes('HTR_PWR', { FUNC_ID: 3 })).toEqual(['fixed HTR_PWR.FUNC_ID']);
    expect(codes('HTR_PWR', { FUNC_ID: 17, STATE: 'ON' })).toEqual([]);
    expect(codes('PING', { X: 1 })).toEqual(['unknown-parameter PING.X']);
    expect(codes('OBS_START', { OBS_ID: 'TOO-LONG-ID', DURATION: 1 })).toEqual(['length OBS_START.OBS_ID']);
    expect(codes('OBS_START', { OBS_ID: 'A', DURATION: 1, TAG: 'zz' })).toEqual(['type OBS_START.TAG']);
  });

  it('accepts values as command-line strings (hex, labels, booleans)', () => {
    const p = encoded('OBS_START', { OBS_ID: 'M1', DURATION: '1.5', TAG: 'DEADBEEF', COMPRESS: 'false', OFFSET: '-0x10' });
    const d = decodeTc(p, db);
    expect(d.ok && d.value.values.map((v) => v.value)).toEqual([48, 'M1', 1.5, 'deadbeef', false, -16]);
  });
});

describe('decodeTc()', () => {
  it('decodes the TC[17,1] vector to PING', () => {
    const d = decodeTc(Buffer.from('1802C03400062F11010000EE63', 'hex'), db);
    expect(d.ok && d.value.command.name).toBe('PING');
    expect(d.ok && d.value.header.sequenceCount).toBe(0x34);
  });

  it('picks among TC[8,1] commands by their fixed function ID', () => {
    const d = decodeTc(encoded('MODE_SET', { MODE: 'NOMINAL' }), db);
    expect(d.ok && d.value.command.name).toBe('MODE_SET');
    expect(d.ok && d.value.values[1]!.value).toBe('NOMINAL');
  });

  it('reports a wrong PEC, a wrong length, telemetry and unknown commands as problems', () => {
    const p = encoded('PING', {});
    const bad = Uint8Array.from(p);
    bad[8] = 2;
    const code = (b: Uint8Array) => { const r = decodeTc(b, db); return r.ok ? 'ok' : r.problems[0]!.code; };
    expect(code(bad)).toBe('pec');
    const long = encoded('MODE_SET', { MODE: 'SAFE' });
    expect(code(long.subarray(0, long.length - 1))).toBe('length');
    expect(code(p.subarray(0, 5))).toBe('short');
    const tm = Uint8Array.from(p);
    tm[0] = tm[0]! & ~0x10;
    expect(code(tm)).toBe('not-tc');
    expect(code(encoded('MODE_SET', { MODE: 'SAFE' }, { profile: { pus: 'pus-a' } }))).toBe('pus-version');
    const unknown = encodeTcRaw({ name: 'X', apid: 1, service: 200, subtype: 1, parameters: [] }, []);
    expect(unknown.ok && code(unknown.value.packet)).toBe('unknown-command');
  });

  it('decode(encode(values)) = values for random values of every command (PUS-C and PUS-A)', () => {
    const arbFor = (p: TcParameter): fc.Arbitrary<RawValue> => {
      if (p.fixed) return fc.constant(0n);
      switch (p.type) {
        case 'unsigned': return fc.bigInt({ min: 0n, max: (1n << BigInt(p.bits!)) - 1n });
        case 'signed': return fc.bigInt({ min: -(1n << BigInt(p.bits! - 1)), max: (1n << BigInt(p.bits! - 1)) - 1n });
        case 'enumerated': return fc.constantFrom(...p.enumeration!.map((e) => BigInt(e.value)));
        case 'boolean': return fc.constantFrom(0n, 1n);
        case 'float': return p.bits === 32 ? fc.float({ noNaN: true }).map((x) => Math.fround(x)) : fc.double({ noNaN: true });
        default: return fc.uint8Array({ minLength: p.length!, maxLength: p.length! });
      }
    };
    const withFixed = (c: TcCommand, raw: RawValue[]) =>
      raw.map((v, i) => (c.parameters[i]!.fixed ? BigInt(c.parameters[i]!.default as number) : v));
    for (const c of db.commands) {
      fc.assert(fc.property(fc.tuple(...c.parameters.map(arbFor)), fc.integer({ min: 0, max: 16383 }), fc.boolean(), (raw0, seq, pusA) => {
        const raw = withFixed(c, raw0 as RawValue[]);
        const profile = pusA ? { pus: 'pus-a' as const, sourceIdOctets: 1 } : {};
        const e = encodeTcRaw(c, raw, { sequenceCount: seq, profile });
        expect(e.ok).toBe(true);
        if (!e.ok) return;
        const d = decodeTc(e.value.packet, db as TcDatabase, { profile });
        expect(d.ok && d.value.command.name).toBe(c.name);
        if (d.ok) {
          expect(d.value.raw).toEqual(raw);
          expect(d.value.header.sequenceCount).toBe(seq);
        }
      }), { numRuns: 60 });
    }
  });
});
