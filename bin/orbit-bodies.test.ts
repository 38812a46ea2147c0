import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ephemerisFromFile, utcToEt, writeSpk } from '../planning/index.js';
import { runIdoc } from './_run-in-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARS = path.join(root, 'fixtures/orbits/mars-orbiter.oem');
const DE440S = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');

const idoc = (...argv: string[]) => runIdoc(argv);

describe('idoc orbit around Mars: usage and input errors (one line, exit 2)', () => {
  it('asks for SPK kernels for a Mars OEM, and refuses stations, bad kernels and --spk without --object', async () => {
    const noSpk = await idoc('orbit', 'state', '--oem', MARS, '--at', '2026-03-01T01:00:00Z');
    expect([noSpk.code, noSpk.err]).toEqual([2, expect.stringMatching(/^idoc: .*mars-orbiter\.oem: centre MARS: .*give them with --spk/)]);
    expect(noSpk.err.trim().split('\n')).toHaveLength(1);
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-spk-'));
    try {
      const bad = path.join(dir, 'cut.bsp');
      writeFileSync(bad, writeSpk([{ type: 13, target: -9, center: 499, name: 'X', epochs: [0, 60, 120, 180], states: [[4000, 0, 0, 0, 3, 0], [4000, 180, 0, 0, 3, 0], [4000, 360, 0, 0, 3, 0], [4000, 540, 0, 0, 3, 0]], windowSize: 2 }]).subarray(0, 3172));
      const cut = await idoc('orbit', 'state', '--oem', MARS, '--spk', bad, '--at', '2026-03-01T01:00:00Z');
      expect([cut.code, cut.err]).toEqual([2, expect.stringMatching(/cut\.bsp: segment 1 "X" \(body -9 from 499, type 13\): .*truncated\n$/)]);
      const noObject = await idoc('orbit', 'state', '--spk', bad, '--at', '2026-03-01T01:00:00Z');
      expect([noObject.code, noObject.err]).toEqual([2, expect.stringMatching(/--object/)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!existsSync(DE440S))('idoc orbit state|events|geometry for a Mars orbiter with the DE440s kernel (../shared/orbits; skipped when absent)', () => {
  const dirs: string[] = [];
  afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  it('state: geometry in IAU_MARS on the IAU 2015 ellipsoid, with local solar time', async () => {
    const j = await idoc('orbit', 'state', '--oem', MARS, '--spk', DE440S, '--at', '2026-03-01T01:00:00Z', '--json');
    expect(j.code).toBe(0);
    const rec = JSON.parse(j.out).result;
    expect([rec.centralBody, rec.fixedFrame, rec.frame]).toEqual(['MARS', 'IAU_MARS', 'GCRF']);
    const r = Math.hypot(rec.positionKm.x, rec.positionKm.y, rec.positionKm.z);
    expect(Math.hypot(rec.positionItrfKm.x, rec.positionItrfKm.y, rec.positionItrfKm.z)).toBeCloseTo(r, 6);
    expect(rec.altitudeKm).toBeGreaterThan(r - 3396.19 - 1e-6);
    expect(rec.altitudeKm).toBeLessThan(r - 3376.2);
    expect(rec.localSolarTimeHours).toBeGreaterThanOrEqual(0);
    const withStation = await idoc('orbit', 'state', '--oem', MARS, '--spk', DE440S, '--at', '2026-03-01T01:00:00Z', '--station', 'KIRUNA:67.857:20.964:402:5');
    expect([withStation.code, withStation.err]).toEqual([2, expect.stringMatching(/--station: ground stations are on the Earth, and .* is centred on MARS/)]);
  });

  it('events: eclipses, nodes, apsides and terminator crossings; --json and --csv carry the same events', async () => {
    const args = ['orbit', 'events', '--oem', MARS, '--spk', DE440S, '--from', '2026-03-01T00:00:00Z', '--to', '2026-03-02T00:00:00Z'];
    const json = JSON.parse((await idoc(...args, '--json')).out).result;
    const kinds = new Set(json.events.map((e: { kind: string }) => e.kind));
    for (const k of ['umbra-entry', 'umbra-exit', 'penumbra-entry', 'ascending-node', 'pericentre', 'apocentre', 'subsatellite-sunrise']) expect(kinds).toContain(k);
    const csv = (await idoc(...args, '--csv')).out.trim().split('\r\n');
    expect(csv).toHaveLength(json.events.length + 1);
    // Orbit numbers step by one at each ascending node.
    const nodes = json.events.filter((e: { kind: string }) => e.kind === 'ascending-node');
    nodes.forEach((e: { orbit: number }, k: number) => expect(e.orbit).toBe(nodes[0].orbit + k));
  });

  it('geometry: CSV with a local_solar_time_h column, one row per step', async () => {
    const g = await idoc('orbit', 'geometry', '--oem', MARS, '--spk', DE440S, '--from', '2026-03-01T00:00:00Z', '--to', '2026-03-01T01:00:00Z', '--step', 'PT10M');
    expect(g.code).toBe(0);
    const rows = g.out.trim().split('\r\n');
    expect(rows[0]).toBe('time,frame,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s,lat_deg,lon_deg,alt_km,ground_speed_km_s,sun_elevation_deg,day_night,eclipse,illumination,orbit,local_solar_time_h');
    expect(rows).toHaveLength(8);
  });

  it('a spacecraft from an SPK type 13 kernel (written here from the OEM\'s states) gives the OEM\'s geometry', async () => {
    const ephem = await ephemerisFromFile(MARS, { anyCenter: true });
    const epochs: number[] = [];
    const states: number[][] = [];
    for (let t = Date.UTC(2026, 2, 1); t <= Date.UTC(2026, 2, 1, 6); t += 120_000) {
      const s = ephem.stateAt(t);
      if (!s.ok) throw new Error(s.message);
      epochs.push(utcToEt(t));
      states.push([s.state.r.x, s.state.r.y, s.state.r.z, s.state.v.x, s.state.v.y, s.state.v.z]);
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-spk-'));
    dirs.push(dir);
    const kernel = path.join(dir, 'orbiter.bsp');
    writeFileSync(kernel, writeSpk([{ type: 13, target: -900, center: 499, name: 'IDOC MARS ORBITER', epochs, states, windowSize: 4 }], { littleEndian: false }));
    const fromSpk = JSON.parse((await idoc('orbit', 'state', '--spk', DE440S, '--spk', kernel, '--object', '-900', '--at', '2026-03-01T02:00:00Z', '--json')).out).result;
    const fromOem = JSON.parse((await idoc('orbit', 'state', '--oem', MARS, '--spk', DE440S, '--at', '2026-03-01T02:00:00Z', '--json')).out).result;
    expect(fromSpk.centralBody).toBe('MARS');
    expect(fromSpk.latitudeDeg).toBeCloseTo(fromOem.latitudeDeg, 5);
    expect(fromSpk.longitudeDeg).toBeCloseTo(fromOem.longitudeDeg, 5);
    expect(fromSpk.altitudeKm).toBeCloseTo(fromOem.altitudeKm, 2);
    expect(readFileSync(kernel).subarray(88, 96).toString('latin1')).toBe('BIG-IEEE');
  });
});
