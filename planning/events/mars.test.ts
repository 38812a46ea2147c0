import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ephemerisFromFile, ephemerisFromText } from '../ephemeris/load.js';
import { readSpk } from '../ephemeris/spk/spk.js';
import { spkSet } from '../ephemeris/spk/spk-set.js';
import { utcToEt } from '../ephemeris/spk/et.js';
import { writeSpk } from '../ephemeris/spk/spk-write.js';
import { centralBody, withCentralBody } from '../geometry/central-body.js';
import { fromPlanetodetic } from '../geometry/ellipsoid.js';
import { geometryRecord, sampleAt, shadowOf } from '../geometry/sample.js';
import { findEvents } from './events.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DE440S = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');
const FIXTURE = path.join(root, 'fixtures/orbits/mars-orbiter.oem');
const RAD = Math.PI / 180;

// The fixture's ellipse, recomputed here from its stated elements (fixtures/orbits/README.md).
const EPOCH = Date.UTC(2026, 2, 1);
const GM = 42828.37, RP = 3696.19, RA = 7396.19, A = (RP + RA) / 2, ECC = (RA - RP) / (RA + RP);
const N = Math.sqrt(GM / A ** 3);
function orbiter(t: number): number[] {
  const M = N * ((t - EPOCH) / 1000);
  let E = M;
  for (let i = 0; i < 50; i++) E -= (E - ECC * Math.sin(E) - M) / (1 - ECC * Math.cos(E));
  const nu = 2 * Math.atan2(Math.sqrt(1 + ECC) * Math.sin(E / 2), Math.sqrt(1 - ECC) * Math.cos(E / 2));
  const r = A * (1 - ECC * Math.cos(E));
  const [O, w, i] = [320 * RAD, 30 * RAD, 75 * RAD];
  const u = w + nu;
  return [r * (Math.cos(O) * Math.cos(u) - Math.sin(O) * Math.sin(u) * Math.cos(i)), r * (Math.sin(O) * Math.cos(u) + Math.cos(O) * Math.sin(u) * Math.cos(i)), r * Math.sin(u) * Math.sin(i)];
}

/** Mars's pole and prime meridian written out from the WGCCRE 2015 report (table 1), periodic terms included. */
function marsPole(t: number): { ra: number; dec: number; w: number } {
  const d = utcToEt(t) / 86400;
  const T = d / 36525;
  const s = (a: number, p: number, r: number) => a * Math.sin((p + r * T) * RAD);
  const c = (a: number, p: number, r: number) => a * Math.cos((p + r * T) * RAD);
  const ra = 317.269202 - 0.10927547 * T + s(0.000068, 198.991226, 19139.4819985) + s(0.000238, 226.292679, 38280.8511281) + s(0.000052, 249.663391, 57420.7251593) + s(0.000009, 266.18351, 76560.636795) + s(0.419057, 79.398797, 0.5042615);
  const dec = 54.432516 - 0.05827105 * T + c(0.000051, 122.433576, 19139.9407476) + c(0.000141, 43.058401, 38280.8753272) + c(0.000031, 57.663379, 57420.7517205) + c(0.000005, 79.476401, 76560.6495004) + c(1.591274, 166.325722, 0.5042615);
  const w = 176.049863 + 350.891982443297 * d + s(0.000145, 129.071773, 19140.0328244) + s(0.000157, 36.352167, 38281.0473591) + s(0.00004, 56.668646, 57420.929536) + s(0.000001, 67.364003, 76560.2552215) + s(0.000001, 104.79268, 95700.4387578) + s(0.584542, 95.391654, 0.5042615);
  return { ra: ra * RAD, dec: dec * RAD, w: w * RAD };
}

describe.skipIf(!existsSync(DE440S))('a Mars orbiter with the DE440s kernel (../shared/orbits; skipped when absent)', async () => {
  const spk = existsSync(DE440S) ? spkSet([readSpk(readFileSync(DE440S), DE440S)]) : undefined;
  const ephem = spk ? withCentralBody(await ephemerisFromFile(FIXTURE, { anyCenter: true }), spk) : undefined;
  const range = { start: EPOCH, end: EPOCH + 2 * 86400000 };
  const ev = ephem ? findEvents(ephem, range) : undefined;
  const sun = (t: number) => { const s = spk!.state(10, 4, utcToEt(t)); return [s[0]!, s[1]!, s[2]!]; };

  it('the OEM interpolation reproduces the ellipse to metres', () => {
    for (const t of [EPOCH + 1234567, EPOCH + 86400000 * 3.3]) {
      const s = ephem!.stateAt(t);
      if (!s.ok) throw new Error(s.message);
      const k = orbiter(t);
      expect(Math.hypot(s.state.r.x - k[0]!, s.state.r.y - k[1]!, s.state.r.z - k[2]!)).toBeLessThan(0.01);
    }
  });

  it('finds the umbra entries and exits computed from the conical shadow equations, within 0.5 s', () => {
    // Umbra cone behind Mars (sphere of 3396.19 km) and the Sun (695 700 km): half-angle f = asin((Rs − Rm)/D),
    // apex at Rm/sin f behind Mars's centre; inside when behind the terminator plane and closer to the axis than
    // the cone's radius there (Montenbruck & Gill §3.4.2, cone form).
    const umbra = (t: number): number => {
      const r = orbiter(t), s = sun(t);
      const D = Math.hypot(s[0]!, s[1]!, s[2]!);
      const u = s.map((x) => x / D);
      const along = r[0]! * u[0]! + r[1]! * u[1]! + r[2]! * u[2]!;
      if (along > 0) return 1e4;
      const perp = Math.hypot(r[0]! - along * u[0]!, r[1]! - along * u[1]!, r[2]! - along * u[2]!);
      const f = Math.asin((695700 - 3396.19) / D);
      return perp - (3396.19 / Math.sin(f) + along) * Math.tan(f);
    };
    const want: { t: number; entry: boolean }[] = [];
    for (let t = range.start; t < range.end; t += 20000) {
      const a = umbra(t), b = umbra(t + 20000);
      if ((a > 0) === (b > 0)) continue;
      let lo = t, hi = t + 20000;
      while (hi - lo > 1) { const m = (lo + hi) / 2; if ((umbra(m) > 0) === (a > 0)) lo = m; else hi = m; }
      want.push({ t: (lo + hi) / 2, entry: a > 0 });
    }
    expect(want.length).toBeGreaterThan(10);
    const got = ev!.events.filter((e) => e.kind === 'umbra-entry' || e.kind === 'umbra-exit');
    expect(got.map((e) => e.kind === 'umbra-entry')).toEqual(want.map((w) => w.entry));
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]!.t - want[i]!.t)).toBeLessThan(500);
  });

  it('reports pericentres one period apart from the epoch\'s pericentre passage, within 2 s', () => {
    const period = (2 * Math.PI) / N * 1000;
    const peri = ev!.events.filter((e) => e.kind === 'pericentre');
    expect(peri.length).toBe(Math.floor((range.end - range.start) / period));
    peri.forEach((e, k) => expect(Math.abs(e.t - (EPOCH + (k + 1) * period))).toBeLessThan(2000));
    const apo = ev!.events.filter((e) => e.kind === 'apocentre');
    apo.forEach((e, k) => expect(Math.abs(e.t - (EPOCH + (k + 0.5) * period))).toBeLessThan(2000));
  });

  it('counts orbits from the ascending nodes on the Mars equator', () => {
    const nodes = ev!.events.filter((e) => e.kind === 'ascending-node');
    expect(nodes.length).toBeGreaterThan(10);
    nodes.forEach((e, k) => expect(e.orbit).toBe(nodes[0]!.orbit + k));
    // At a node the spacecraft is in the Mars equatorial plane (pole from the report's formulae, written here).
    for (const e of nodes.slice(0, 3)) {
      const p = marsPole(e.t);
      const pole = [Math.cos(p.dec) * Math.cos(p.ra), Math.cos(p.dec) * Math.sin(p.ra), Math.sin(p.dec)];
      const r = orbiter(e.t);
      expect(Math.abs(r[0]! * pole[0]! + r[1]! * pole[1]! + r[2]! * pole[2]!)).toBeLessThan(0.05);
    }
  });

  it('around the Moon, the Earth (in DE440s) is an occulter; around Mars, DE440s gives no moons', () => {
    expect(centralBody('MOON', spk!, EPOCH).occulters.map((o) => o.name)).toEqual(['EARTH']);
    expect(ephem!.centralBody!.occulters).toEqual([]);
    const eu = () => centralBody('EUROPA', spk!, EPOCH);
    expect(eu).toThrow(/^central body EUROPA: the SPK kernels give neither 502 relative to the Sun at 2026-03-01T00:00:00\.000Z/);
  });

  it('reports an eclipse by a moon when a kernel gives it (a synthetic Phobos put 50 km sunward of the spacecraft)', async () => {
    const t = EPOCH + 3600_000;
    const g0 = sampleAt(ephem!, t);
    if ('ok' in g0) throw new Error(g0.message);
    expect(shadowOf(g0).state).toBe('sunlit');
    const r = orbiter(t), s = sun(t);
    const d = Math.hypot(s[0]! - r[0]!, s[1]! - r[1]!, s[2]! - r[2]!);
    const p = [0, 1, 2].map((i) => r[i]! + (50 * (s[i]! - r[i]!)) / d);
    const et = utcToEt(t);
    const phobos = readSpk(writeSpk([{ type: 2, target: 401, center: 4, name: 'PHOBOS (fixed, synthetic)', init: et - 3600, intlen: 7200, records: [[[p[0]!, 0], [p[1]!, 0], [p[2]!, 0]]] }]), 'phobos.bsp');
    const withPhobos = withCentralBody(await ephemerisFromFile(FIXTURE, { anyCenter: true }), spkSet([readSpk(readFileSync(DE440S), DE440S), phobos]));
    expect(withPhobos.centralBody!.occulters.map((o) => o.name)).toEqual(['PHOBOS']);
    const g = sampleAt(withPhobos, t);
    if ('ok' in g) throw new Error(g.message);
    // Phobos (11.08 km) at 50 km covers 12.8°, the Sun 0.35° at Mars: umbra.
    expect(shadowOf(g).state).toBe('umbra');
    // Outside the synthetic kernel's two hours Phobos is unknown and ignored.
    const later = sampleAt(withPhobos, t + 3 * 3600_000);
    if ('ok' in later) throw new Error(later.message);
    expect(later.occulters).toEqual([]);
  });

  it('gives latitude, longitude, local solar time and solar elevation that agree with the report\'s rotation and the kernel\'s Sun', () => {
    for (const t of [EPOCH + 3600_000, EPOCH + 86400000 + 777_000]) {
      const g = sampleAt(ephem!, t);
      if ('ok' in g) throw new Error(g.message);
      const rec = geometryRecord(g);
      const p = marsPole(t);
      // Body-fixed axes: Z the pole, X the prime meridian (W east of the node Q at α0 + 90°), Y = Z × X.
      const Z = [Math.cos(p.dec) * Math.cos(p.ra), Math.cos(p.dec) * Math.sin(p.ra), Math.sin(p.dec)];
      const Q = [-Math.sin(p.ra), Math.cos(p.ra), 0];
      const ZxQ = [Z[1]! * Q[2]! - Z[2]! * Q[1]!, Z[2]! * Q[0]! - Z[0]! * Q[2]!, Z[0]! * Q[1]! - Z[1]! * Q[0]!];
      const X = Q.map((q, i) => Math.cos(p.w) * q + Math.sin(p.w) * ZxQ[i]!);
      const Y = [Z[1]! * X[2]! - Z[2]! * X[1]!, Z[2]! * X[0]! - Z[0]! * X[2]!, Z[0]! * X[1]! - Z[1]! * X[0]!];
      const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
      const r = orbiter(t), s = sun(t);
      const lon = Math.atan2(dot(r, Y), dot(r, X)) / RAD;
      const latc = Math.asin(dot(r, Z) / Math.hypot(r[0]!, r[1]!, r[2]!)) / RAD;
      expect(rec.geodetic.lonDeg).toBeCloseTo(lon, 3);
      const sub = fromPlanetodetic(rec.geodetic, { a: 3396.19, e2: 1 - (3376.2 / 3396.19) ** 2 });
      expect(Math.asin(sub.z / Math.hypot(sub.x, sub.y, sub.z)) / RAD).toBeCloseTo(latc, 3);
      // Local solar time: the hour angle of the Sun at the sub-spacecraft meridian.
      const sunLon = Math.atan2(dot(s, Y), dot(s, X)) / RAD;
      const lst = (((12 + (lon - sunLon) / 15) % 24) + 24) % 24;
      expect(Math.abs(rec.localSolarTimeH - lst)).toBeLessThan(0.001);
      expect(rec.centralBody).toBe('MARS');
      expect(rec.fixedFrame).toBe('IAU_MARS');
      // Day/night matches the sign of the Sun's direction on the local vertical.
      expect(rec.subSatellite).toBe(rec.sunElevationDeg > 0 ? 'day' : 'night');
      // Ground-track speed: the angle the body-fixed direction of the spacecraft turns through in ±1 s, times
      // the local radius of Mars (a sphere locally: within 1 % of the speed on the ellipsoid).
      const dirAt = (tt: number) => {
        const q = marsPole(tt);
        const z = [Math.cos(q.dec) * Math.cos(q.ra), Math.cos(q.dec) * Math.sin(q.ra), Math.sin(q.dec)];
        const n = [-Math.sin(q.ra), Math.cos(q.ra), 0];
        const zn = [z[1]! * n[2]! - z[2]! * n[1]!, z[2]! * n[0]! - z[0]! * n[2]!, z[0]! * n[1]! - z[1]! * n[0]!];
        const x = n.map((v, i) => Math.cos(q.w) * v + Math.sin(q.w) * zn[i]!);
        const y = [z[1]! * x[2]! - z[2]! * x[1]!, z[2]! * x[0]! - z[0]! * x[2]!, z[0]! * x[1]! - z[1]! * x[0]!];
        const rr = orbiter(tt);
        const v = [dot(rr, x), dot(rr, y), dot(rr, z)];
        const len = Math.hypot(v[0]!, v[1]!, v[2]!);
        return v.map((c) => c / len);
      };
      const a = dirAt(t - 1000), b = dirAt(t + 1000);
      const angle = Math.acos(Math.min(1, dot(a, b)));
      const surface = fromPlanetodetic({ ...rec.geodetic, altKm: 0 }, { a: 3396.19, e2: 1 - (3376.2 / 3396.19) ** 2 });
      const localRadius = Math.hypot(surface.x, surface.y, surface.z);
      expect(Math.abs(rec.groundTrackSpeedKmS / ((angle * localRadius) / 2) - 1)).toBeLessThan(0.01);
    }
  });
});

describe('the CCSDS 502.0-B-2 OEM example (Mars Global Surveyor, CENTER_NAME MARS BARYCENTER)', () => {
  // The example's first segment, as printed in CCSDS 502.0-B-2 §5 (figure "OEM example"), without its
  // USEABLE_START/STOP_TIME lines: the example omits the records between its first three and its last state, so
  // only the printed states are meaningful, and they lie before the useable start. Its states are illustrative
  // (they lie ~90 km inside Mars), so this checks the frame and the reading, not the dynamics.
  const text = `CCSDS_OEM_VERS = 2.0
CREATION_DATE = 1996-11-04T17:22:31
ORIGINATOR = NASA/JPL

META_START
OBJECT_NAME = MARS GLOBAL SURVEYOR
OBJECT_ID = 1996-062A
CENTER_NAME = MARS BARYCENTER
REF_FRAME = EME2000
TIME_SYSTEM = UTC
START_TIME = 1996-12-18T12:00:00.331
STOP_TIME = 1996-12-28T21:28:00.331
INTERPOLATION = HERMITE
INTERPOLATION_DEGREE = 7
META_STOP

COMMENT This file was produced by M.R. Somebody, MSOO NAV/JPL, 1996NOV 04. It is
COMMENT to be used for DSN scheduling purposes only.
1996-12-18T12:00:00.331 2789.619 -280.045 -1746.755 4.73372 -2.49586 -1.04195
1996-12-18T12:01:00.331 2783.419 -308.143 -1877.071 5.18604 -2.42124 -1.99608
1996-12-18T12:02:00.331 2776.033 -336.859 -2008.682 5.63678 -2.33951 -1.94687
1996-12-28T21:28:00.331 -3881.024 563.959 -682.773 -3.28827 -3.66735 1.63861
`;
  it('is refused around the Earth-only default with the reason, and read with its centre when asked', () => {
    expect(() => ephemerisFromText(text, 'mgs.oem')).toThrow(/mgs\.oem:5: CENTER_NAME MARS BARYCENTER: only Earth-centred/);
    const e = ephemerisFromText(text, 'mgs.oem', { anyCenter: true });
    expect(e.centerName).toBe('MARS BARYCENTER');
    expect(() => withCentralBody(e, undefined)).toThrow(/mgs\.oem: centre MARS BARYCENTER: .*give them with --spk/);
  });

  it('names the missing kernel coverage in one line (the DE440s excerpt starts in 2025)', () => {
    const e = ephemerisFromText(text, 'mgs.oem', { anyCenter: true });
    const empty = spkSet([readSpk(writeSpk([{ type: 2, target: 10, center: 0, name: 'SUN 2026', init: utcToEt(Date.UTC(2026, 0, 1)), intlen: 86400, records: [[[1, 0], [0, 0], [0, 0]]] }]), 'sun2026.bsp')]);
    expect(() => withCentralBody(e, empty)).toThrow(/^central body MARS: the SPK kernels give neither 499 nor 4 relative to the Sun at 1996-12-18T12:00:00\.331Z \(kernels: sun2026\.bsp\)$/);
  });

  it('puts MGS at the planetocentric latitude and east longitude the WGCCRE rotation gives', () => {
    // A constant Sun (type 2 kernel written here) is enough: latitude and longitude do not depend on it.
    const t0 = utcToEt(Date.UTC(1996, 11, 18)), t1 = utcToEt(Date.UTC(1996, 11, 30));
    const kernel = writeSpk([
      { type: 2, target: 4, center: 0, name: 'MARS BARY (constant)', init: t0, intlen: t1 - t0, records: [[[2.0e8, 0], [0, 0], [0, 0]]] },
      { type: 2, target: 10, center: 0, name: 'SUN (origin)', init: t0, intlen: t1 - t0, records: [[[0, 0], [0, 0], [0, 0]]] },
    ], { littleEndian: false });
    const e = withCentralBody(ephemerisFromText(text, 'mgs.oem', { anyCenter: true }), spkSet([readSpk(kernel, 'const.bsp')]));
    const t = Date.UTC(1996, 11, 18, 12, 1, 0, 331); // the second printed state
    const g = sampleAt(e, t);
    if ('ok' in g) throw new Error(g.message);
    const p = marsPole(t);
    const r = [g.state.r.x, g.state.r.y, g.state.r.z];
    const Z = [Math.cos(p.dec) * Math.cos(p.ra), Math.cos(p.dec) * Math.sin(p.ra), Math.sin(p.dec)];
    const latc = Math.asin((r[0]! * Z[0]! + r[1]! * Z[1]! + r[2]! * Z[2]!) / Math.hypot(r[0]!, r[1]!, r[2]!)) / RAD;
    const sub = fromPlanetodetic(g.geodetic, { a: 3396.19, e2: 1 - (3376.2 / 3396.19) ** 2 });
    expect(Math.asin(sub.z / Math.hypot(sub.x, sub.y, sub.z)) / RAD).toBeCloseTo(latc, 4);
    expect(g.geodetic.altKm).toBeLessThan(0); // the example's states are inside Mars
    // The Sun from the kernel is on +x (Mars barycentre at −2e8 km from it): solar elevation is defined.
    expect(Number.isFinite(geometryRecord(g).sunElevationDeg)).toBe(true);
  });
});
