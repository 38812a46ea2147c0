import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ephemerisFromFile } from '../ephemeris/load.js';
import { inWindows } from '../events/windows.js';
import { sampleAt, shadowOf, sunElevationAtSubSatellite } from '../geometry/sample.js';
import { elevationDeg, parseStation, stationFrame } from '../geometry/station.js';
import { atomsOf, buildPlanGeometry, constraintFailures, constraintWindows } from './constraints.js';
import type { GeometryConstraints } from './types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const range = { start: Date.parse('2025-01-01T00:00:00Z'), end: Date.parse('2025-01-01T12:00:00Z') };
const station = parseStation('SVALBARD:78.23:15.39:500:5');

describe('constraint windows agree with direct sampling of the ephemeris', async () => {
  const ephemeris = await ephemerisFromFile(path.join(root, 'fixtures/planning/samplesat.tle'));
  const cases: [string, GeometryConstraints, (t: number) => boolean][] = [];
  const at = (t: number) => { const s = sampleAt(ephemeris, t); if ('ok' in s) throw new Error(s.message); return s; };
  cases.push(['sunlit', { sunlit: true }, (t) => shadowOf(at(t)).state === 'sunlit']);
  cases.push(['not in umbra', { eclipse: false }, (t) => shadowOf(at(t)).state !== 'umbra']);
  cases.push(['night below', { subSatellite: 'night' }, (t) => sunElevationAtSubSatellite(at(t)) <= 0]);
  cases.push(['latitude band', { latitudeDeg: { min: -20, max: 45 } }, (t) => { const g = at(t).geodetic; return g.latDeg >= -20 && g.latDeg <= 45; }]);
  cases.push(['longitude box across the antimeridian', { longitudeDeg: { min: 150, max: -150 } }, (t) => { const l = at(t).geodetic.lonDeg; return l >= 150 || l <= -150; }]);
  cases.push(['station + sunlit', { stationVisible: ['SVALBARD'], sunlit: true }, (t) => elevationDeg(stationFrame(station), at(t).r) > 5 && shadowOf(at(t)).state === 'sunlit']);
  const all = cases.flatMap(([, c]) => atomsOf(c, [station]));
  const geo = buildPlanGeometry(ephemeris, range, [station], all);

  for (const [name, c, truth] of cases) {
    it(`${name}: every instant 20 s away from a window edge is inside iff the sample says so`, () => {
      const w = constraintWindows(geo, c);
      expect(w.length).toBeGreaterThan(0);
      const edges = w.flatMap((x) => [x.start, x.end]);
      let checked = 0;
      for (let t = range.start + 1000; t < range.end; t += 61_000) {
        if (edges.some((e) => Math.abs(e - t) < 20_000)) continue;
        expect(inWindows(w, t), new Date(t).toISOString()).toBe(truth(t));
        expect(constraintFailures(geo, c, t).length === 0).toBe(truth(t));
        checked++;
      }
      expect(checked).toBeGreaterThan(500);
    });
  }

  it('orbit windows follow the ascending nodes, and failures name the actual orbit', () => {
    const n = geo.orbitAt(range.start + 3 * 3600_000);
    const w = constraintWindows(geo, { orbits: { min: n, max: n } });
    expect(w).toHaveLength(1);
    // One revolution of a 14.57 rev/day orbit: 98.8 min.
    expect((w[0]!.end - w[0]!.start) / 60_000).toBeCloseTo(1440 / 14.57, 0);
    expect(constraintFailures(geo, { orbits: { min: n + 1 } }, range.start + 3 * 3600_000)).toEqual([`requires orbit ≥ ${n + 1}, but it is orbit ${n}`]);
  });
});
