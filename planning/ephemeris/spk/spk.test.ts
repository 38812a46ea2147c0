import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { etToUtc, utcToEt } from './et.js';
import { checkSpk, readSpk } from './spk.js';
import { spkSet } from './spk-set.js';
import { writeSpk } from './spk-write.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DE440S = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');

/** Horizons "Ecliptic of J2000.0" → ICRF: rotation about x by the obliquity 84381.448″ (IAU 1976, as Horizons states). */
function eclipticToIcrf([x, y, z]: readonly number[]): number[] {
  const e = (84381.448 / 3600) * (Math.PI / 180);
  return [x!, y! * Math.cos(e) - z! * Math.sin(e), y! * Math.sin(e) + z! * Math.cos(e)];
}
/** ET of a TDB calendar instant given as a Julian date (TDB). */
const etOfJdTdb = (jd: number) => (jd - 2451545.0) * 86400;
const AU = 149597870.7;

describe.skipIf(!existsSync(DE440S))('readSpk() on the JPL DE440s excerpt (../shared/orbits; skipped when absent)', () => {
  const kernel = existsSync(DE440S) ? readSpk(readFileSync(DE440S), 'de440s.bsp') : undefined;
  const set = kernel ? spkSet([kernel]) : undefined;

  it('reads the file record and the planetary segments (types 2, J2000)', () => {
    expect(kernel!.daf.idWord).toBe('DAF/SPK');
    const pairs = kernel!.segments.map((s) => `${s.target}/${s.center}`);
    for (const p of ['10/0', '3/0', '399/3', '301/3', '4/0', '5/0']) expect(pairs).toContain(p);
    expect(new Set(kernel!.segments.map((s) => s.frame))).toEqual(new Set([1]));
  });

  // JPL Horizons vector tables (DE441; centre Solar System Barycenter (0), reference frame "Ecliptic of
  // J2000.0", geometric states, 2025-Feb-14 00:00:00.0000 TDB = JD 2460720.5), as quoted publicly in
  // Horizons outputs pasted into open-source projects. DE441 and DE440 agree to well under 10 m in 2025.
  const horizons2025: [string, number, number, number[]][] = [
    ['Sun', 10, 0, [-8.097432294944080e5, -7.569261238855303e5, 2.606032009520373e4]],
    ['Earth', 399, 0, [-1.221022235437845e8, 8.357219198588185e7, 2.184689619040117e4]],
    // Horizons gives Mars (499, from mar097); the excerpt has the Mars barycentre (4): < 0.2 km apart.
    ['Mars', 4, 0, [-1.555483046537528e8, 1.908642459477738e8, 7.836300721089959e6]],
  ];
  it.each(horizons2025)('%s relative to the SSB matches Horizons at 2025-02-14 TDB', (_name, target, observer, ecl) => {
    const s = set!.state(target, observer, etOfJdTdb(2460720.5));
    const want = eclipticToIcrf(ecl);
    const tol = target === 4 ? 0.5 : 0.01;
    for (let i = 0; i < 3; i++) expect(Math.abs(s[i]! - want[i]!)).toBeLessThan(tol);
  });

  it('chains Earth = EMB + (Earth − EMB) and gives Horizons\' velocity (2025-02-14 TDB)', () => {
    const s = set!.state(399, 0, etOfJdTdb(2460720.5));
    const v = eclipticToIcrf([-1.747236171923171e1, -2.456384746581094e1, 2.315042777819798e-3]);
    for (let i = 0; i < 3; i++) expect(Math.abs(s[i + 3]! - v[i]!)).toBeLessThan(1e-6);
  });

  it('matches Horizons for the Earth at 2026-09-11 TDB (AU, AU/day)', () => {
    const s = set!.state(399, 0, etOfJdTdb(2461294.5));
    const want = eclipticToIcrf([9.832120976335644e-1, -2.158800827312486e-1, 1.047935899095542e-4]).map((x) => x * AU);
    for (let i = 0; i < 3; i++) expect(Math.abs(s[i]! - want[i]!)).toBeLessThan(0.01);
  });

  it('gives Jupiter\'s barycentre within the moons\' pull of Horizons\' Jupiter (599) position', () => {
    const s = set!.state(5, 0, etOfJdTdb(2460720.5));
    const want = eclipticToIcrf([1.076532286234041e8, 7.540012775774276e8, -5.535842496521890e6]);
    const d = Math.hypot(s[0]! - want[0]!, s[1]! - want[1]!, s[2]! - want[2]!);
    expect(d).toBeLessThan(300); // Galilean moons displace Jupiter from its barycentre by < 230 km
    expect(d).toBeGreaterThan(0);
  });

  it('chains Mars barycentre → SSB → EMB → Earth: relative state is the difference of the two chains', () => {
    const et = etOfJdTdb(2461000.5);
    const a = set!.state(4, 399, et);
    const m = set!.state(4, 0, et);
    const e = set!.state(399, 0, et);
    for (let i = 0; i < 6; i++) expect(a[i]).toBeCloseTo(m[i]! - e[i]!, 6);
    // Velocity is the derivative of position (central difference over ±30 s).
    const p1 = set!.state(4, 399, et + 30);
    const p0 = set!.state(4, 399, et - 30);
    for (let i = 0; i < 3; i++) expect(Math.abs((p1[i]! - p0[i]!) / 60 - a[i + 3]!)).toBeLessThan(1e-7);
  });

  it('names the missing link for a body it does not hold and for an instant outside the excerpt', () => {
    expect(() => set!.state(4, 0, 0)).toThrow(/no SPK segment gives body 4 at 2000-01-01T11:58:5\d\.\d+Z .*kernels loaded: de440s.bsp/);
    // Mars's centre (499) is not in DE440s: it is taken at the Mars barycentre (4).
    expect(Array.from(set!.state(499, 0, 8e8))).toEqual(Array.from(set!.state(4, 0, 8e8)));
    expect(set!.covers(4, 10, etOfJdTdb(2460720.5))).toBe(true);
    expect(set!.covers(4, 10, etOfJdTdb(2451545))).toBe(false);
  });

  it('refuses a truncated copy with one line naming the file and where it ends', () => {
    const bytes = readFileSync(DE440S);
    expect(() => readSpk(bytes.subarray(0, 300_000), 'cut.bsp')).toThrow(/^cut\.bsp: segment \d+ .*beyond the file's 300000 bytes: truncated$/);
    expect(checkSpk(bytes, 'de440s.bsp')).toEqual([]);
  });
});

describe('utcToEt()', () => {
  it('is TDB seconds past J2000: 2025-01-01T00:00:00Z is ET 788918469.18 (ΔAT 37 s + 32.184 s, TDB−TT ≈ +0.0002 s)', () => {
    // Days from J2000 (2000-01-01T12:00) to 2025-01-01T00:00: 9131.5 → 788 961 600 s… of which 9131.5 days =
    // 788961600 s; plus 37 + 32.184 s and TDB − TT = 1.657 ms · sin(M + e sin M) with M ≈ 6.24 + 1.99e-7·ET.
    const base = 9131.5 * 86400 + 69.184;
    const m = 6.239996 + 1.99096871e-7 * base;
    expect(utcToEt(Date.UTC(2025, 0, 1))).toBeCloseTo(base + 1.657e-3 * Math.sin(m + 0.01671 * Math.sin(m)), 6);
    expect(etToUtc(utcToEt(Date.UTC(2027, 5, 3, 4, 5, 6)))).toBeCloseTo(Date.UTC(2027, 5, 3, 4, 5, 6), 3);
  });
});

describe('SPK type 13 (synthetic kernel written by writeSpk)', () => {
  // A Keplerian orbit around Mars (GM 42828.37 km³/s²), sampled at unequal steps: the reader must give back the
  // generating states at the nodes and the two-body motion between them.
  const GM = 42828.37;
  function kepler(t: number): number[] {
    const a = 6000, e = 0.3, inc = 1.2, raan = 0.4, argp = 1.0;
    const n = Math.sqrt(GM / a ** 3);
    const M = n * t;
    let E = M;
    for (let i = 0; i < 30; i++) E -= (E - e * Math.sin(E) - M) / (1 - e * Math.cos(E));
    const nu = 2 * Math.atan2(Math.sqrt(1 + e) * Math.sin(E / 2), Math.sqrt(1 - e) * Math.cos(E / 2));
    const p = a * (1 - e * e);
    const r = p / (1 + e * Math.cos(nu));
    const h = Math.sqrt(GM * p);
    const pq = [r * Math.cos(nu), r * Math.sin(nu)];
    const vq = [-(GM / h) * Math.sin(nu), (GM / h) * (e + Math.cos(nu))];
    const [cO, sO, cw, sw, ci, si] = [Math.cos(raan), Math.sin(raan), Math.cos(argp), Math.sin(argp), Math.cos(inc), Math.sin(inc)];
    const P = [cO * cw - sO * sw * ci, sO * cw + cO * sw * ci, sw * si];
    const Q = [-cO * sw - sO * cw * ci, -sO * sw + cO * cw * ci, cw * si];
    return [0, 1, 2].map((i) => P[i]! * pq[0]! + Q[i]! * pq[1]!).concat([0, 1, 2].map((i) => P[i]! * vq[0]! + Q[i]! * vq[1]!));
  }
  const epochs: number[] = [];
  for (let t = 8e8, k = 0; epochs.length < 260; k++) { epochs.push(t); t += 40 + 25 * (k % 3); }
  const states = epochs.map((t) => kepler(t - 8e8));
  const segment = { type: 13 as const, target: -999, center: 499, name: 'SYNTHETIC ORBITER', epochs, states, windowSize: 6 };

  it.each([true, false])('reads back the generating states, little-endian %s', (littleEndian) => {
    const bytes = writeSpk([segment], { littleEndian });
    const k = readSpk(bytes, 'orbiter.bsp');
    expect(k.daf.littleEndian).toBe(littleEndian);
    const s = k.segments[0]!;
    expect([s.target, s.center, s.frame, s.type, s.name]).toEqual([-999, 499, 1, 13, 'SYNTHETIC ORBITER']);
    const out = new Float64Array(6);
    for (const i of [0, 1, 57, 130, 259]) {
      s.state(epochs[i]!, out);
      for (let c = 0; c < 6; c++) expect(out[c]).toBeCloseTo(states[i]![c]!, 6);
    }
    // Between nodes: Hermite degree 11 over ~50 s steps reproduces two-body motion to metres.
    for (const t of [epochs[10]! + 17.3, epochs[200]! + 3.9, epochs[258]! + 20]) {
      s.state(t, out);
      const want = kepler(t - 8e8);
      expect(Math.hypot(out[0]! - want[0]!, out[1]! - want[1]!, out[2]! - want[2]!)).toBeLessThan(1e-3);
      expect(Math.hypot(out[3]! - want[3]!, out[4]! - want[4]!, out[5]! - want[5]!)).toBeLessThan(1e-6);
    }
    expect(checkSpk(bytes, 'orbiter.bsp')).toEqual([]);
  });

  it('big- and little-endian copies give identical states', () => {
    const a = readSpk(writeSpk([segment], { littleEndian: true }), 'le.bsp').segments[0]!;
    const b = readSpk(writeSpk([segment], { littleEndian: false }), 'be.bsp').segments[0]!;
    const oa = new Float64Array(6), ob = new Float64Array(6);
    a.state(epochs[100]! + 11, oa);
    b.state(epochs[100]! + 11, ob);
    expect(Array.from(oa)).toEqual(Array.from(ob));
  });
});

describe('bad kernels: one line naming the file', () => {
  const good = writeSpk([{ type: 13, target: -5, center: 499, name: 'X', epochs: [0, 60, 120], states: [[1, 0, 0, 0, 1, 0], [2, 0, 0, 0, 1, 0], [3, 0, 0, 0, 1, 0]], windowSize: 2 }]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['shorter than a record', good.subarray(0, 500), /^short\.bsp: 500 bytes: too short for a DAF file record/],
    ['not a DAF', new TextEncoder().encode('CCSDS_OEM_VERS = 2.0\n'.padEnd(2048, ' ')), /^text\.bsp: offset 0x0 \(0\): file identification word "CCSDS_OE" is not a DAF's/],
    ['an unknown binary format', (() => { const b = good.slice(); b.set(new TextEncoder().encode('VAX-GFLT'), 88); return b; })(), /^fmt\.bsp: offset 0x58 \(88\): binary format "VAX-GFLT"/],
    ['an FTP-damaged file', (() => { const b = good.slice(); b[705] = 0x0a; return b; })(), /^ftp\.bsp: offset 0x2bb \(699\): FTP validation string damaged/],
    ['a summary list pointing past the end', (() => { const b = good.slice(); new DataView(b.buffer).setInt32(76, 40, true); return b; })(), /^link\.bsp: summary record 40 is beyond the file's 4 records/],
  ];
  it.each(cases)('%s', (_what, bytes, msg) => {
    const name = msg.source.match(/\^(\w+)\\\.bsp/)![1] + '.bsp';
    let err: unknown;
    try { readSpk(bytes, name); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).not.toContain('\n');
  });

  it('an unsupported SPK type is named when the segment is used', () => {
    const b = good.slice();
    new DataView(b.buffer).setInt32(1024 + 24 + 16 + 12, 21, true); // type field of summary 1
    const k = readSpk(b, 'type21.bsp');
    expect(() => k.segments[0]!.state(10, new Float64Array(6))).toThrow(/type21\.bsp: segment 1 "X" \(body -5 from 499, type 21\): SPK type 21 is not supported/);
    expect(checkSpk(b, 'type21.bsp')).toHaveLength(1);
  });
});

describe('SPK types 2 and 3 (Chebyshev), against closed-form polynomials', () => {
  // Over a record of midpoint 1000 s and radius 500 s, x(s) = 7 + 3·T1(s) + 2·T2(s) = 5 + 3s + 4s² with
  // s = (et − 1000)/500; dx/dt = (3 + 8s)/500.
  const x = (et: number) => { const s = (et - 1000) / 500; return 5 + 3 * s + 4 * s * s; };
  const vx = (et: number) => (3 + 8 * ((et - 1000) / 500)) / 500;
  it('type 2: position from the coefficients, velocity from their derivative; the right record for each instant', () => {
    const k = readSpk(writeSpk([{ type: 2, target: 1000, center: 10, name: 'T2', init: 500, intlen: 1000, records: [[[7, 3, 2], [1, 0, 0], [0, 0, 0]], [[-1, 0, 0], [2, 1, 0], [0, 0, 0]]] }]), 't2.bsp');
    const out = new Float64Array(6);
    for (const et of [500, 777, 1000, 1499]) {
      k.segments[0]!.state(et, out);
      expect(out[0]).toBeCloseTo(x(et), 12);
      expect(out[3]).toBeCloseTo(vx(et), 14);
      expect(out[1]).toBeCloseTo(1, 12);
    }
    k.segments[0]!.state(1750, out); // second record: midpoint 2000 → s = −0.5
    expect([out[0], out[1], out[4]]).toEqual([-1, expect.closeTo(2 - 0.5, 12), expect.closeTo(1 / 500, 14)]);
  });
  it('type 3: velocity from its own coefficients, not from the position derivative', () => {
    const k = readSpk(writeSpk([{ type: 3, target: 1000, center: 10, name: 'T3', init: 500, intlen: 1000, records: [[[7, 3, 2], [0, 0, 0], [0, 0, 0], [0.5, 0.25, 0], [0, 0, 0], [0, 0, 0]]] }], { littleEndian: false }), 't3.bsp');
    const out = new Float64Array(6);
    k.segments[0]!.state(1250, out); // s = 0.5
    expect(out[0]).toBeCloseTo(x(1250), 12);
    expect(out[3]).toBeCloseTo(0.5 + 0.25 * 0.5, 14);
  });
});
