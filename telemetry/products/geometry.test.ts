import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSim, type SimPacket } from '../../fixtures/sim-instrument.js';
import { ephemerisFromFile, findEvents, geometryRecord, sampleAt } from '../../planning/index.js';
import { parseConfig } from '../../src/config/index.js';
import { SIM_PROFILE, toL0 } from './_test-helpers.js';
import { buildL0, type BuildOptions } from './build.js';
import { productsConfig } from './config.js';
import { listL0 } from './list.js';
import { geometrySource, groundTrackGeoJson, type ProductGeometry } from './geometry.js';
import { HAVE_SHARED_PDS4, SKIP_MESSAGE } from './pds4/_test-fixtures.js';
import { validateLabel } from './pds4/validate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(ROOT, 'fixtures/l0/idoc.json');
const TLE = path.join(ROOT, 'fixtures/planning/samplesat.tle');
const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(path.join(tmpdir(), 'idoc-l0-geo-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const START = '2025-01-01T00:00:00Z';
let sim: SimPacket[];
let options: Omit<BuildOptions, 'out'>;
let out: string;
let report: Awaited<ReturnType<typeof buildL0>>;
beforeAll(async () => {
  sim = await generateSim({ start: START, seconds: 2 * 3600, scienceEvery: 120 });
  const raw = JSON.parse(readFileSync(CONFIG, 'utf8')) as { products: Record<string, unknown> };
  Object.assign(raw.products, { window: 'PT1H', ephemeris: '../planning/samplesat.tle', geometry: { step: 30 } });
  options = { products: productsConfig(parseConfig(JSON.stringify(raw), CONFIG)), mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, profile: SIM_PROFILE };
  out = tmp();
  report = await buildL0(sim.map((p) => toL0(p)), { ...options, out });
});

const csvOf = (file: string) => readFileSync(file, 'utf8').split('\r\n').filter((l) => l !== '').map((l) => l.split(','));
const geometryDir = () => path.join(out, 'geometry', 'sim_hk_fast');

describe('geometry beside L0', () => {
  it('writes a CSV, a GeoJSON and a Product_Ancillary label per L0 product, referenced from the L0 label', () => {
    const fast = report.products.filter((p) => p.route === 'SIM_HK_FAST');
    expect(fast.map((p) => p.window)).toEqual(['20250101t000000', '20250101t010000']);
    expect(readdirSync(geometryDir()).sort()).toEqual([
      'sim_hk_fast_l0_20250101t000000_geometry_v1.csv', 'sim_hk_fast_l0_20250101t000000_geometry_v1.fixity.json', 'sim_hk_fast_l0_20250101t000000_geometry_v1.geojson', 'sim_hk_fast_l0_20250101t000000_geometry_v1.xml',
      'sim_hk_fast_l0_20250101t010000_geometry_v1.csv', 'sim_hk_fast_l0_20250101t010000_geometry_v1.fixity.json', 'sim_hk_fast_l0_20250101t010000_geometry_v1.geojson', 'sim_hk_fast_l0_20250101t010000_geometry_v1.xml',
    ]);
    const l0 = readFileSync(fast[0]!.label, 'utf8');
    expect(l0).toMatch(/<lidvid_reference>urn:esa:psa:sample_sim:geometry:sim_hk_fast_l0_20250101t000000_geometry::1\.0<\/lidvid_reference>\s*<reference_type>data_to_geometry</);
    expect(readFileSync(path.join(geometryDir(), 'sim_hk_fast_l0_20250101t000000_geometry_v1.xml'), 'utf8'))
      .toMatch(/<lidvid_reference>urn:esa:psa:sample_sim:data_raw:sim_hk_fast_l0_20250101t000000::1\.0<\/lidvid_reference>\s*<reference_type>ancillary_to_data</);
  });

  it('lists geometry labels as ancillary, apart from the L0 products they sit beside', async () => {
    const list = await listL0(out);
    const ancillary = list.products.filter((p) => p.kind === 'ancillary').map((p) => p.productId).sort();
    const observational = list.products.filter((p) => p.kind === 'observational').map((p) => p.productId);
    const geometryLabels = readdirSync(path.join(out, 'geometry'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('_geometry_v1.xml') && !path.basename(f).startsWith('collection_')).map((f) => path.basename(f, '_v1.xml')).sort();
    expect(geometryLabels.length).toBeGreaterThan(0);
    expect(ancillary).toEqual(geometryLabels);
    expect(observational.sort()).toEqual(report.products.map((p) => path.basename(p.label).replace(/_v\d+\.xml$/, '')).sort());
  });

  it('samples every step over the product span (and its stop time), as planning computes them at those instants', async () => {
    const ephem = await ephemerisFromFile(TLE);
    const p = report.products.find((x) => x.route === 'SIM_HK_FAST')!;
    const rows = csvOf(path.join(geometryDir(), 'sim_hk_fast_l0_20250101t000000_geometry_v1.csv'));
    expect(rows[0]).toEqual(['utc', 'x_km', 'y_km', 'z_km', 'vx_km_s', 'vy_km_s', 'vz_km_s', 'latitude_deg', 'longitude_deg', 'altitude_km', 'ground_speed_km_s', 'solar_elevation_deg', 'eclipse', 'orbit']);
    const data = rows.slice(1);
    // first packet at 00:00:00, last at 00:59:59 → samples at 00:00:00, 00:00:30, …, 00:59:30 and 00:59:59
    expect(data.length).toBe(121);
    expect(data[0]![0]).toBe(p.start);
    expect(data.at(-1)![0]).toBe(p.stop);
    for (const k of [0, 37, 120]) {
      const row = data[k]!;
      const s = sampleAt(ephem, Date.parse(row[0]!));
      if ('ok' in s) throw new Error('no state');
      const g = geometryRecord(s);
      const num = row.slice(1, 12).map(Number);
      const want = [g.position.x, g.position.y, g.position.z, g.velocity.x, g.velocity.y, g.velocity.z, g.geodetic.latDeg, g.geodetic.lonDeg, g.geodetic.altKm, g.groundTrackSpeedKmS, g.sunElevationDeg];
      num.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 3));
      expect(row[12]).toBe(g.eclipse);
    }
    // orbit numbers: planning's ascending nodes
    const nodes = findEvents(ephem, { start: Date.parse(START) - 6 * 3600_000, end: Date.parse(START) + 3 * 3600_000 }, { kinds: ['ascending-node'] }).events;
    for (const row of data) {
      const t = Date.parse(row[0]!);
      const last = nodes.filter((n) => n.t <= t).at(-1)!;
      expect(Number(row[13])).toBe(last.orbit);
    }
    const l0 = readFileSync(p.label, 'utf8');
    expect(l0).toContain(`<psa:start_orbit_number>${data[0]![13]}</psa:start_orbit_number>`);
    expect(l0).toContain(`<psa:stop_orbit_number>${data.at(-1)![13]}</psa:stop_orbit_number>`);
  });

  it('gives a product a new version when the ephemeris changes its geometry, and none when it does not', async () => {
    const dir = tmp();
    const packets = sim.map((p) => toL0(p));
    const first = await buildL0(packets, { ...options, out: dir });
    const again = await buildL0(packets, { ...options, out: dir });
    expect(again.products.map((p) => p.status)).toEqual(first.products.map(() => 'unchanged'));
    // A fresher TLE: the orbit plane 2° further east (line 2's checksum recomputed, TLE rule: digits, '-' = 1, mod 10).
    const [name, l1, l2] = readFileSync(TLE, 'utf8').trim().split('\n') as [string, string, string];
    const moved = l2.slice(0, 17) + ' 95.5000' + l2.slice(25, 68);
    const sum = [...moved].reduce((a, c) => a + (c === '-' ? 1 : /\d/.test(c) ? Number(c) : 0), 0) % 10;
    const tle = path.join(dir, 'fresher.tle');
    writeFileSync(tle, `${name}\n${l1}\n${moved}${sum}\n`);
    const third = await buildL0(packets, { ...options, out: dir, geometry: await geometrySource(tle) });
    expect(third.products.map((p) => [p.status, p.version])).toEqual(first.products.map(() => ['updated', 2]));
    const id = third.products.find((p) => p.route === 'SIM_HK_FAST')!.productId;
    const [v1, v2] = [1, 2].map((v) => readFileSync(path.join(dir, 'geometry', 'sim_hk_fast', `${id}_geometry_v${v}.csv`), 'utf8'));
    expect(v2).not.toEqual(v1);
  });

  it('writes the ground track as RFC 7946 GeoJSON, split at the antimeridian', () => {
    const gj = JSON.parse(readFileSync(path.join(geometryDir(), 'sim_hk_fast_l0_20250101t000000_geometry_v1.geojson'), 'utf8')) as { features: { geometry: { type: string; coordinates: number[][] | number[][][] } }[] };
    const geom = gj.features[0]!.geometry;
    const lines = (geom.type === 'LineString' ? [geom.coordinates] : geom.coordinates) as number[][][];
    for (const l of lines) {
      expect(l.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < l.length; i++) expect(Math.abs(l[i]![0]! - l[i - 1]![0]!)).toBeLessThan(180);
    }
    // A made-up track crossing +180 eastwards: two lines meeting the antimeridian at the interpolated latitude.
    const row = (lon: number, lat: number) => ({ tai: 0, orbit: 1, record: { geodetic: { lonDeg: lon, latDeg: lat, altKm: 0 } } });
    const g = { rows: [row(170, 0), row(178, 2), row(-178, 4), row(-170, 6)], frame: 'TEME', startOrbit: 1, stopOrbit: 1 } as unknown as ProductGeometry;
    const split = JSON.parse(groundTrackGeoJson(g, {})) as { features: { geometry: { type: string; coordinates: number[][][] } }[] };
    expect(split.features[0]!.geometry).toEqual({ type: 'MultiLineString', coordinates: [[[170, 0], [178, 2], [180, 3]], [[-180, 3], [-178, 4], [-170, 6]]] });
  });

  it.skipIf(!HAVE_SHARED_PDS4)('geometry and L0 labels validate with no problem at all', async () => {
    if (!HAVE_SHARED_PDS4) console.warn(SKIP_MESSAGE);
    const p = report.products.find((x) => x.route === 'SIM_SCI')!;
    const geo = path.join(out, 'geometry', 'sim_sci', `${p.productId}_geometry_v1.xml`);
    expect(report.geometryCollection?.members).toBe(report.products.length);
    for (const f of [p.label, geo, report.geometryCollection!.label]) expect(await validateLabel(readFileSync(f, 'utf8'), f)).toEqual([]);
  }, 60_000);
});
