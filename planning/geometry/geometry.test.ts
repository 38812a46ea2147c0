import fc from 'fast-check';
import * as sat from 'satellite.js';
import { describe, expect, it } from 'vitest';
import { convertState, gmst, nutation } from './frames.js';
import { ecefToGeodetic, geodeticToEcef, groundTrackSpeed } from './geodetic.js';
import { lookAngles, parseStation, stationFrame } from './station.js';
import { sunPosition } from './sun.js';
import { shadowGeometry } from './eclipse.js';
import type { StateVector } from './types.js';
import { WGS84_A } from './types.js';

describe('frames', () => {
  // Vallado, "Fundamentals of Astrodynamics and Applications", example 3-15 (also Vallado et al. 2006,
  // "Revisiting Spacetrack Report #3", appendix): 2004-04-06 07:51:28.386009 UTC, UT1−UTC = −0.4399619 s,
  // xp = −0.140682″, yp = 0.333309″.
  const t = Date.UTC(2004, 3, 6, 7, 51, 28) + 386.009;
  const itrf: StateVector<'ITRF'> = { t, frame: 'ITRF', r: { x: -1033.479383, y: 7901.2952754, z: 6380.3565958 }, v: { x: -3.22563652, y: -2.87245145, z: 5.531924446 } };
  const gcrf = { x: 5102.508958, y: 6123.011401, z: 6378.136928 };
  const gcrfV = { x: -4.74322016, y: 0.79053650, z: 5.53375528 };
  const teme = { x: 5094.18016210, y: 6127.64465950, z: 6380.34453270 };
  const dist = (a: { x: number; y: number; z: number }, b: { x: number; y: number; z: number }) => Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);

  it('convertState() ITRF → GCRF matches Vallado example 3-15 within 20 m (polar motion ignored, truncated nutation)', () => {
    const g = convertState(itrf, 'GCRF', { ut1MinusUtcS: -0.4399619 });
    expect(dist(g.r, gcrf)).toBeLessThan(0.02);
    expect(dist(g.v, gcrfV)).toBeLessThan(2e-5);
  });

  it('convertState() ITRF → TEME matches the published TEME position within 20 m', () => {
    expect(dist(convertState(itrf, 'TEME', { ut1MinusUtcS: -0.4399619 }).r, teme)).toBeLessThan(0.02);
  });

  it('gmst() agrees with satellite.js gstime (same IAU-82 formula) to 1e-9 rad', () => {
    for (const ms of [0, 946728000000, t, Date.UTC(2026, 2, 12)]) {
      const d = new Date(ms);
      expect(Math.abs(gmst(ms) - sat.gstime(d))).toBeLessThan(1e-9);
    }
  });

  it('nutation() is within 0.5″ of Meeus example 22.a (1987-04-10 0h TD: Δψ = −3.788″, Δε = +9.443″)', () => {
    const n = nutation(Date.UTC(1987, 3, 10) - 55.184e3); // 0h TD; TT−UTC was 55.184 s then, we assume 69.184 s
    expect(Math.abs(n.dPsi / (Math.PI / 648000) - -3.788)).toBeLessThan(0.5);
    expect(Math.abs(n.dEps / (Math.PI / 648000) - 9.443)).toBeLessThan(0.5);
  });

  it('convertState() round trips TEME → ITRF → GCRF → TEME to 1e-9 km', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2e12 }), fc.double({ min: 6500, max: 45000, noNaN: true }), (ms, rad) => {
      const s: StateVector<'TEME'> = { t: ms, frame: 'TEME', r: { x: rad, y: rad / 3, z: -rad / 2 }, v: { x: 1, y: 7, z: -2 } };
      const back = convertState(convertState(convertState(s, 'ITRF'), 'GCRF'), 'TEME');
      expect(dist(back.r, s.r)).toBeLessThan(1e-9 * rad);
      expect(dist(back.v, s.v)).toBeLessThan(1e-9 * 10);
    }));
  });

  it('TEME → ITRF agrees with satellite.js eciToEcf (position)', () => {
    const s: StateVector<'TEME'> = { t, frame: 'TEME', r: teme, v: { x: 0, y: 0, z: 0 } };
    const e = convertState(s, 'ITRF');
    const ref = sat.eciToEcf(teme, sat.gstime(new Date(t)));
    expect(dist(e.r, ref)).toBeLessThan(1e-8);
  });
});

describe('geodetic', () => {
  it('geodeticToEcef() puts the equator/prime meridian at a and the pole at b', () => {
    expect(geodeticToEcef({ latDeg: 0, lonDeg: 0, altKm: 0 }).x).toBeCloseTo(WGS84_A, 9);
    expect(geodeticToEcef({ latDeg: 90, lonDeg: 0, altKm: 0 }).z).toBeCloseTo(6356.752314245, 6); // NIMA TR8350.2 b
  });

  it('ecefToGeodetic() inverts geodeticToEcef() (1 mm, 1e-9°) from -100 km to 40 000 km', () => {
    fc.assert(fc.property(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -179.999, max: 180, noNaN: true }), fc.double({ min: -100, max: 40000, noNaN: true }), (lat, lon, alt) => {
      const g = ecefToGeodetic(geodeticToEcef({ latDeg: lat, lonDeg: lon, altKm: alt }));
      expect(Math.abs(g.latDeg - lat)).toBeLessThan(1e-9);
      if (Math.abs(lat) < 89.9999) expect(Math.abs(((g.lonDeg - lon + 540) % 360) - 180)).toBeLessThan(1e-9);
      expect(Math.abs(g.altKm - alt)).toBeLessThan(1e-6);
    }));
  });

  it('ecefToGeodetic() agrees with satellite.js eciToGeodetic at gmst 0 (1e-7°, 1 mm)', () => {
    const r = { x: 4000, y: -3000, z: 4500 };
    const g = ecefToGeodetic(r);
    const ref = sat.eciToGeodetic(r, 0);
    expect(Math.abs(g.latDeg - sat.degreesLat(ref.latitude))).toBeLessThan(1e-7);
    expect(Math.abs(g.altKm - ref.height)).toBeLessThan(1e-6);
  });

  it('groundTrackSpeed() of a circular equatorial orbit is v·R/r (no Earth rotation in ITRF velocity taken)', () => {
    const r = { x: 7000, y: 0, z: 0 };
    const v = { x: 0, y: 7.0, z: 0 };
    expect(groundTrackSpeed(r, v, ecefToGeodetic(r))).toBeCloseTo((7.0 * WGS84_A) / 7000, 9);
  });
});

describe('sunPosition()', () => {
  it('is within 0.01° of Meeus example 25.a (1992-10-13 0h TD: α = 13h13m30.749s, δ = −7°47′01.74″, R = 0.99760775 AU)', () => {
    const s = sunPosition(Date.UTC(1992, 9, 13) - 59e3); // 0h TD ≈ UTC − 59 s in 1992
    expect(Math.abs(s.raDeg - (13 + 13 / 60 + 30.749 / 3600) * 15)).toBeLessThan(0.01);
    expect(Math.abs(s.decDeg - -(7 + 47 / 60 + 1.74 / 3600))).toBeLessThan(0.01);
    expect(Math.abs(s.distanceAu - 0.99760775)).toBeLessThan(3e-4);
  });

  it('agrees with satellite.js sunPos (a different low-precision series) within 0.02° over 2000–2040', () => {
    for (let y = 2000; y <= 2040; y += 3) {
      const ms = Date.UTC(y, (y * 7) % 12, 11, 5);
      const ours = sunPosition(ms);
      const d = new Date(ms);
      const jd = sat.jday(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
      const ref = sat.sunPos(jd);
      const rn = Math.hypot(ref.rsun.x, ref.rsun.y, ref.rsun.z);
      const on = Math.hypot(ours.r.x, ours.r.y, ours.r.z);
      const cos = (ours.r.x * ref.rsun.x + ours.r.y * ref.rsun.y + ours.r.z * ref.rsun.z) / (rn * on);
      expect(Math.acos(Math.min(1, cos)) * (180 / Math.PI)).toBeLessThan(0.02);
    }
  });
});

describe('shadowGeometry()', () => {
  const sun = { x: 1.496e8, y: 0, z: 0 };
  it('is sunlit on the day side, umbra straight behind the Earth, penumbra at the edge', () => {
    expect(shadowGeometry({ x: 7000, y: 0, z: 0 }, sun).state).toBe('sunlit');
    const u = shadowGeometry({ x: -7000, y: 0, z: 0 }, sun);
    expect([u.state, u.illumination]).toEqual(['umbra', 0]);
    // Edge of the geometric shadow cylinder: y = R_earth; the penumbra straddles it.
    const p = shadowGeometry({ x: -7000, y: WGS84_A + 0.5, z: 0 }, sun);
    expect(p.state).toBe('penumbra');
    expect(p.illumination).toBeGreaterThan(0.3);
    expect(p.illumination).toBeLessThan(0.9);
  });
  it('illumination falls monotonically through the penumbra', () => {
    let prev = 1;
    for (let y = WGS84_A + 40; y > WGS84_A - 40; y -= 1) {
      const g = shadowGeometry({ x: -7000, y, z: 0 }, sun);
      expect(g.illumination).toBeLessThanOrEqual(prev + 1e-12);
      prev = g.illumination;
    }
    expect(prev).toBe(0);
  });
});

describe('stations', () => {
  it('parseStation() reads NAME:LAT:LON:ALT_M:MASK_DEG and rejects bad fields', () => {
    expect(parseStation('KIRUNA:67.857:20.964:402:5')).toEqual({ name: 'KIRUNA', latDeg: 67.857, lonDeg: 20.964, altM: 402, maskDeg: 5 });
    expect(() => parseStation('KIRUNA:67.857:20.964:402')).toThrow(/expected NAME:LAT:LON:ALT_M:MASK_DEG/);
    expect(() => parseStation('X:95:0:0:5')).toThrow(/latitude must be/);
    expect(() => parseStation('X:45:0:0:abc')).toThrow(/mask must be/);
  });
  it('lookAngles() agrees with satellite.js ecfToLookAngles (1e-7°, 1e-7 km)', () => {
    const st = parseStation('KOUROU:5.25:-52.8:10:5');
    const sf = stationFrame(st);
    const r = { x: 4000, y: -5000, z: 2500 };
    const la = lookAngles(sf, r);
    const ref = sat.ecfToLookAngles({ latitude: sat.degreesToRadians(5.25), longitude: sat.degreesToRadians(-52.8), height: 0.01 }, r);
    expect(Math.abs(la.elevationDeg - sat.radiansToDegrees(ref.elevation))).toBeLessThan(1e-7);
    expect(Math.abs(la.azimuthDeg - sat.radiansToDegrees(ref.azimuth))).toBeLessThan(1e-7);
    expect(Math.abs(la.rangeKm - ref.rangeSat)).toBeLessThan(1e-7);
  });
});
