import { describe, expect, it } from 'vitest';
import { fromRaw, toRaw } from './parameter-values.js';
import type { TcParameter } from './types.js';

const u64: TcParameter = { name: 'U', type: 'unsigned', bits: 64 };
const s4: TcParameter = { name: 'S', type: 'signed', bits: 4 };

describe('toRaw()/fromRaw()', () => {
  it('keeps 64-bit integers exact from bigint and from command-line digits', () => {
    expect(toRaw(u64, 18446744073709551615n)).toEqual({ ok: true, raw: 18446744073709551615n });
    expect(toRaw(u64, '18446744073709551615')).toEqual({ ok: true, raw: 18446744073709551615n });
    expect(toRaw(u64, '0xFFFFFFFFFFFFFFFF')).toEqual({ ok: true, raw: 18446744073709551615n });
    expect(toRaw(u64, '18446744073709551616')).toMatchObject({ ok: false, code: 'overflow' });
    expect(fromRaw(u64, 18446744073709551615n).raw).toBe(18446744073709551615n);
  });

  it('checks signed limits and refuses non-integers; reads exponent notation', () => {
    expect(toRaw(s4, -8)).toEqual({ ok: true, raw: -8n });
    expect(toRaw(s4, 8)).toMatchObject({ ok: false, code: 'overflow' });
    expect(toRaw(s4, 1.5)).toMatchObject({ ok: false, code: 'type' });
    expect(toRaw(u64, '1e19')).toEqual({ ok: true, raw: 10000000000000000000n });
    expect(toRaw(u64, '1e20')).toMatchObject({ ok: false, code: 'overflow' });
  });

  it('reports a calibration that sends a value to infinity as overflow, not a crash', () => {
    const p: TcParameter = { name: 'C', type: 'unsigned', bits: 8, calibration: { kind: 'linear', slope: 1e-320, offset: 0 } };
    expect(toRaw(p, 1e10)).toMatchObject({ ok: false, code: 'overflow' });
  });
});
