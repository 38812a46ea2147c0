import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ephemerisFromFile } from '../ephemeris/load.js';
import { readSpk } from '../ephemeris/spk/spk.js';
import { spkSet } from '../ephemeris/spk/spk-set.js';
import { utcToEt } from '../ephemeris/spk/et.js';
import { inWindows } from '../events/windows.js';
import { withCentralBody } from '../geometry/central-body.js';
import { sampleAt, sunElevationAtSubSatellite } from '../geometry/sample.js';
import { atomsOf, buildPlanGeometry, constraintFailures, constraintWindows } from './constraints.js';
import type { GeometryConstraints } from './types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DE440S = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');
const range = { start: Date.UTC(2026, 2, 2), end: Date.UTC(2026, 2, 2, 12) };

describe.skipIf(!existsSync(DE440S))('plan constraints around Mars work as around the Earth (../shared/orbits; skipped when absent)', async () => {
  const spk = existsSync(DE440S) ? spkSet([readSpk(readFileSync(DE440S), DE440S)]) : undefined;
  const ephemeris = spk ? withCentralBody(await ephemerisFromFile(path.join(root, 'fixtures/orbits/mars-orbiter.oem'), { anyCenter: true }), spk) : undefined;
  const at = (t: number) => { const s = sampleAt(ephemeris!, t); if ('ok' in s) throw new Error(s.message); return s; };
  /** Behind Mars (a sphere of 3396.19 km) from the Sun, in the cylinder of its shadow: a coarse, independent umbra test. */
  const inCylinder = (t: number) => {
    const s = ephemeris!.stateAt(t);
    if (!s.ok) throw new Error(s.message);
    const sun = spk!.state(10, 4, utcToEt(t));
    const d = Math.hypot(sun[0]!, sun[1]!, sun[2]!);
    const r = s.state.r;
    const along = (r.x * sun[0]! + r.y * sun[1]! + r.z * sun[2]!) / d;
    return along < 0 && Math.hypot(r.x, r.y, r.z) ** 2 - along * along < 3396.19 ** 2;
  };
  const cases: [string, GeometryConstraints, (t: number) => boolean, number][] = [
    ['day at the sub-spacecraft point', { subSatellite: 'day' }, (t) => sunElevationAtSubSatellite(at(t)) > 0, 20_000],
    ['latitude box', { latitudeDeg: { min: -30, max: 60 } }, (t) => { const g = at(t).geodetic; return g.latDeg >= -30 && g.latDeg <= 60; }, 20_000],
    ['altitude above 2000 km', { altitudeKm: { min: 2000 } }, (t) => at(t).geodetic.altKm >= 2000, 20_000],
    // The cylinder and the umbra cone differ by < 20 s of flight at these distances.
    ['not in eclipse (umbra)', { eclipse: false }, (t) => !inCylinder(t), 40_000],
  ];
  const all = ephemeris ? cases.flatMap(([, c]) => atomsOf(c, [])) : [];
  const geo = ephemeris ? buildPlanGeometry(ephemeris, range, [], all) : undefined;
  for (const [name, c, truth, margin] of cases) {
    it(`${name}: instants away from window edges are inside iff the geometry says so`, () => {
      const w = constraintWindows(geo!, c);
      expect(w.length).toBeGreaterThan(1);
      const edges = w.flatMap((x) => [x.start, x.end]);
      let checked = 0;
      for (let t = range.start + 1000; t < range.end; t += 47_000) {
        if (edges.some((e) => Math.abs(e - t) < margin)) continue;
        expect(inWindows(w, t), new Date(t).toISOString()).toBe(truth(t));
        expect(constraintFailures(geo!, c, t).length === 0).toBe(truth(t));
        checked++;
      }
      expect(checked).toBeGreaterThan(700);
    });
  }
});
