import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ephemerisFromText } from '../ephemeris/load.js';
import { formatOemKvn } from '../ephemeris/oem-write.js';
import { utcToEt } from '../ephemeris/spk/et.js';
import { readSpk } from '../ephemeris/spk/spk.js';
import { spkSet } from '../ephemeris/spk/spk-set.js';
import { writeSpk } from '../ephemeris/spk/spk-write.js';
import { withCentralBody } from '../geometry/central-body.js';
import { geometryRecord, sampleAt } from '../geometry/sample.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DE440S = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');

describe.skipIf(!existsSync(DE440S))('around Europa: eclipse by Jupiter when a kernel gives Europa (synthetic) and the Sun (DE440s)', () => {
  it('a spacecraft 2000 km sunward of Europa, with Europa in Jupiter\'s shadow, is in Jupiter\'s umbra; IAU_EUROPA geometry', () => {
    const de = readSpk(readFileSync(DE440S), DE440S);
    const t = Date.UTC(2026, 5, 1, 12);
    const et = utcToEt(t);
    const sunFromJup = spkSet([de]).state(10, 5, et);
    const d = Math.hypot(sunFromJup[0]!, sunFromJup[1]!, sunFromJup[2]!);
    const u = [0, 1, 2].map((i) => sunFromJup[i]! / d);
    // Europa 671 100 km from Jupiter, straight away from the Sun (a synthetic, fixed position for two hours).
    const europa = u.map((x) => -671100 * x);
    const kernel = readSpk(writeSpk([{ type: 2, target: 502, center: 5, name: 'EUROPA (synthetic, fixed)', init: et - 3600, intlen: 7200, records: [[[europa[0]!, 0], [europa[1]!, 0], [europa[2]!, 0]]] }]), 'europa.bsp');
    const p = u.map((x) => 2000 * x);
    const state = (k: number) => ({ t: t + k * 60000, frame: 'GCRF' as const, r: { x: p[0]!, y: p[1]!, z: p[2]! }, v: { x: 0, y: 0, z: 0 } });
    const oem = formatOemKvn([{ objectName: 'PROBE', objectId: '2026-901A', refFrame: 'EME2000', states: [state(-1), state(0), state(1)], interpolation: { method: 'LAGRANGE', degree: 1 } }], 'TEST', t)
      .replace('CENTER_NAME = EARTH', 'CENTER_NAME = EUROPA');
    const ephem = withCentralBody(ephemerisFromText(oem, 'probe.oem', { anyCenter: true }), spkSet([de, kernel]));
    expect(ephem.centralBody!.name).toBe('EUROPA');
    expect(ephem.centralBody!.occulters.map((o) => o.name)).toEqual(['JUPITER']);
    const g = sampleAt(ephem, t);
    if ('ok' in g) throw new Error(g.message);
    const rec = geometryRecord(g);
    expect([rec.fixedFrame, rec.eclipse, rec.illumination]).toEqual(['IAU_EUROPA', 'umbra', 0]);
    // Sunward of Europa: the Sun is at the zenith of the sub-spacecraft point (a sphere: exactly).
    expect(rec.sunElevationDeg).toBeCloseTo(90, 3);
    expect(rec.geodetic.altKm).toBeCloseTo(2000 - 1560.8, 6);
    expect(rec.localSolarTimeH).toBeCloseTo(12, 3);
  });
});
