import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sat from 'satellite.js';
import { describe, expect, it } from 'vitest';
import { ephemerisFromText } from '../ephemeris/load.js';
import { parseTle, tleEphemeris } from '../ephemeris/tle.js';
import { sampleAt, sunElevationAtSubSatellite, type GeometrySample } from '../geometry/sample.js';
import { parseStation } from '../geometry/station.js';
import { WGS84_A } from '../geometry/types.js';
import { stationVisible, sunlit } from './conditions.js';
import { findEvents } from './events.js';
import { conditionWindows, scanConditions } from './find.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tleFile = path.join(root, 'fixtures/orbits/iss-2014.tle');
const tleText = readFileSync(tleFile, 'utf8');
const [rec] = parseTle(tleText, tleFile);
const ephem = tleEphemeris([rec!], tleFile);
const t0 = rec!.epoch;
const DAY = 86400000;
const satrec = sat.twoline2satrec(rec!.line1, rec!.line2);

const sample = (t: number): GeometrySample => {
  const s = sampleAt(ephem, t);
  if ('ok' in s) throw new Error(s.message);
  return s;
};

/** Refine a boolean transition in [a, b] by bisection to 1 ms. */
function refine(f: (t: number) => boolean, a: number, b: number): number {
  const fa = f(a);
  while (b - a > 1) {
    const m = (a + b) / 2;
    if (f(m) === fa) a = m; else b = m;
  }
  return (a + b) / 2;
}

/** Transitions of a boolean function over [from, to] sampled every `step` ms and refined. */
function transitions(f: (t: number) => boolean, from: number, to: number, step: number): { t: number; on: boolean }[] {
  const out: { t: number; on: boolean }[] = [];
  let prev = f(from);
  for (let t = from + step; t <= to; t += step) {
    const cur = f(t);
    if (cur !== prev) out.push({ t: refine(f, t - step, t), on: cur });
    prev = cur;
  }
  return out;
}

describe('eclipse events against an independent ray-tracing calculation', () => {
  // Independent: satellite.js SGP4 position and its own Sun series (sunPos) in TEME; a ray from the
  // spacecraft to each of 360 points of the solar limb tested against the Earth sphere (R = 6378.137 km).
  // Penumbra starts when one limb point is hidden, umbra when all are. Accepted difference: 1 s (the two Sun
  // series differ by up to ~0.02°, i.e. ~0.3 s of ISS motion).
  const limbHidden = (t: number): { any: boolean; all: boolean } => {
    const d = new Date(t);
    const pv = sat.propagate(satrec, d);
    if (!pv) throw new Error('propagation');
    const s = pv.position;
    const jd = sat.jday(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds() + d.getUTCMilliseconds() / 1000);
    const au = 149597870.7;
    const c = { x: sat.sunPos(jd).rsun.x * au, y: sat.sunPos(jd).rsun.y * au, z: sat.sunPos(jd).rsun.z * au };
    // Two unit vectors perpendicular to the line of sight, to place limb points.
    const l = { x: c.x - s.x, y: c.y - s.y, z: c.z - s.z };
    const ln = Math.hypot(l.x, l.y, l.z);
    const u1n = Math.hypot(l.y, -l.x);
    const u1 = { x: l.y / u1n, y: -l.x / u1n, z: 0 };
    const u2 = { x: (l.y * u1.z - l.z * u1.y) / ln, y: (l.z * u1.x - l.x * u1.z) / ln, z: (l.x * u1.y - l.y * u1.x) / ln };
    let any = false;
    let all = true;
    for (let k = 0; k < 360; k++) {
      const a = (k * Math.PI) / 180;
      const p = { x: c.x + 695700 * (Math.cos(a) * u1.x + Math.sin(a) * u2.x), y: c.y + 695700 * (Math.cos(a) * u1.y + Math.sin(a) * u2.y), z: c.z + 695700 * (Math.cos(a) * u1.z + Math.sin(a) * u2.z) };
      const dx = p.x - s.x;
      const dy = p.y - s.y;
      const dz = p.z - s.z;
      const dn = Math.hypot(dx, dy, dz);
      const tca = -(s.x * dx + s.y * dy + s.z * dz) / dn;
      const hidden = tca > 0 && s.x * s.x + s.y * s.y + s.z * s.z - tca * tca < WGS84_A * WGS84_A;
      any ||= hidden;
      all &&= hidden;
    }
    return { any, all };
  };

  it('penumbra and umbra entry/exit over one day agree within 1 s', () => {
    const range = { start: t0, end: t0 + DAY };
    const ev = findEvents(ephem, range, { kinds: ['penumbra-entry', 'umbra-entry', 'umbra-exit', 'penumbra-exit'] }).events;
    const pen = transitions((t) => limbHidden(t).any, range.start, range.end, 10000);
    const umb = transitions((t) => limbHidden(t).all, range.start, range.end, 10000);
    const expected = [
      ...pen.map((x) => ({ kind: x.on ? 'penumbra-entry' : 'penumbra-exit', t: x.t })),
      ...umb.map((x) => ({ kind: x.on ? 'umbra-entry' : 'umbra-exit', t: x.t })),
    ].sort((a, b) => a.t - b.t);
    expect(expected.length).toBeGreaterThan(50); // ~16 orbits × 4
    expect(ev.map((e) => e.kind)).toEqual(expected.map((e) => e.kind));
    ev.forEach((e, i) => expect(Math.abs(e.t - expected[i]!.t), `${e.kind} ${new Date(e.t).toISOString()}`).toBeLessThan(1000));
  });
});

describe('station passes against satellite.js look angles', () => {
  // Independent: satellite.js propagate + eciToEcf(gstime) + ecfToLookAngles every second, crossings of the
  // mask refined by bisection on the same functions. Accepted difference: 1 s for AOS/LOS, 0.01° for the
  // maximum elevation.
  const stations = [parseStation('REDU:50.0:5.15:380:5'), parseStation('MALARGUE:-35.776:-69.398:1550:10')];
  const elevation = (st: (typeof stations)[number], t: number) => {
    const d = new Date(t);
    const pv = sat.propagate(satrec, d);
    if (!pv) throw new Error('propagation');
    const ecf = sat.eciToEcf(pv.position, sat.gstime(d));
    const la = sat.ecfToLookAngles({ latitude: sat.degreesToRadians(st.latDeg), longitude: sat.degreesToRadians(st.lonDeg), height: st.altM / 1000 }, ecf);
    return sat.radiansToDegrees(la.elevation);
  };

  it('AOS, LOS and maximum elevation over two days agree', () => {
    const range = { start: t0, end: t0 + 2 * DAY };
    const { passes } = findEvents(ephem, range, { stations, kinds: ['aos', 'los'] });
    for (const st of stations) {
      const mine = passes.filter((p) => p.station === st.name);
      const ref = transitions((t) => elevation(st, t) > st.maskDeg, range.start, range.end, 1000);
      expect(mine.length).toBeGreaterThan(2);
      expect(mine.flatMap((p) => [p.aos, p.los]).length).toBe(ref.length);
      mine.forEach((p, i) => {
        expect(Math.abs(p.aos! - ref[2 * i]!.t)).toBeLessThan(1000);
        expect(Math.abs(p.los! - ref[2 * i + 1]!.t)).toBeLessThan(1000);
        let best = -90;
        let tBest = p.aos!;
        for (let t = p.aos!; t <= p.los!; t += 1000) if (elevation(st, t) > best) [best, tBest] = [elevation(st, t), t];
        for (let t = tBest - 1000; t <= tBest + 1000; t += 5) best = Math.max(best, elevation(st, t));
        expect(Math.abs(p.maxElevationDeg - best)).toBeLessThan(0.01);
      });
    }
  });

  it('finds a grazing pass shorter than the grid step (mask 0.05° below its maximum elevation)', () => {
    const range = { start: t0, end: t0 + DAY };
    const st = stations[0]!;
    const first = findEvents(ephem, range, { stations: [st] }).passes[0]!;
    const grazing = { ...st, name: 'GRAZE', maskDeg: first.maxElevationDeg - 0.05 };
    const sub = { start: first.maxElevationTime - 600000, end: first.maxElevationTime + 600000 };
    const r = scanConditions(ephem, [stationVisible(grazing)], sub, { stepMs: 120000 }).scans[0]!;
    expect(r.crossings.map((c) => c.rising)).toEqual([true, false]);
    expect(r.crossings[1]!.t - r.crossings[0]!.t).toBeLessThan(120000);
    expect(r.windows).toHaveLength(1);
  });
});

describe('findEvents()', () => {
  const range = { start: t0, end: t0 + DAY };
  const res = findEvents(ephem, range, { altitudesKm: [425], latitudesDeg: [45, -30] });

  it('puts ascending and descending nodes on the equator, one ascending node per orbit number', () => {
    const nodes = res.events.filter((e) => e.kind === 'ascending-node' || e.kind === 'descending-node');
    expect(nodes.length).toBeGreaterThan(30);
    for (const n of nodes) {
      const g = sample(n.t);
      expect(Math.abs(g.geodetic.latDeg)).toBeLessThan(1e-3);
      const later = sample(n.t + 10000).geodetic.latDeg;
      expect(later > 0).toBe(n.kind === 'ascending-node');
    }
    const asc = nodes.filter((n) => n.kind === 'ascending-node');
    asc.forEach((n, i) => {
      if (i > 0) expect(n.orbit).toBe(asc[i - 1]!.orbit + 1);
      // Just before the node the previous orbit number is in force.
      expect(res.events.find((e) => e.t < n.t && e.t > n.t - 600000)?.orbit ?? n.orbit - 1).toBe(n.orbit - 1);
    });
    // The TLE's revolution number holds from its epoch to the first ascending node.
    expect(res.events.filter((e) => e.t < asc[0]!.t).every((e) => e.orbit === rec!.revAtEpoch)).toBe(true);
    expect(asc[0]!.orbit).toBe(rec!.revAtEpoch + 1);
  });

  it('refines altitude, latitude and terminator crossings to their thresholds', () => {
    const of = (k: string) => res.events.filter((e) => e.kind === k);
    expect(of('altitude-above').length + of('altitude-below').length).toBeGreaterThan(10);
    for (const e of [...of('altitude-above'), ...of('altitude-below')]) expect(Math.abs(sample(e.t).geodetic.altKm - 425)).toBeLessThan(1e-3);
    for (const e of [...of('latitude-northward'), ...of('latitude-southward')]) expect(Math.abs(sample(e.t).geodetic.latDeg - e.threshold!)).toBeLessThan(1e-3);
    expect(new Set(of('latitude-northward').map((e) => e.threshold))).toEqual(new Set([45, -30]));
    expect(of('subsatellite-sunrise').length).toBeGreaterThan(10);
    for (const e of [...of('subsatellite-sunrise'), ...of('subsatellite-sunset')]) expect(Math.abs(sunElevationAtSubSatellite(sample(e.t)))).toBeLessThan(1e-3);
  });

  it('alternates entries and exits of each kind and sorts events by time', () => {
    const ts = res.events.map((e) => e.t);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    const seq = res.events.filter((e) => e.kind === 'umbra-entry' || e.kind === 'umbra-exit').map((e) => e.kind);
    seq.forEach((k, i) => i > 0 && expect(k).not.toBe(seq[i - 1]));
  });

  it('windows of a condition are where it holds (sunlit windows vs samples)', () => {
    const w = conditionWindows(ephem, sunlit(), range);
    for (let t = range.start + 7000; t < range.end; t += 313000) {
      const lit = sample(t).cache && sunlit().value(sample(t)) > 0;
      expect(w.some((x) => t >= x.start && t <= x.end)).toBe(lit);
    }
  });

  it('scans only the covered parts of an OEM and reports them', () => {
    const oemText = readFileSync(path.join(root, 'fixtures/orbits/leo-sample.oem'), 'utf8');
    const oem = ephemerisFromText(oemText, 'leo.oem');
    const r = findEvents(oem, { start: Date.parse('2014-01-21T00:00:00Z'), end: Date.parse('2014-01-21T04:00:00Z') });
    expect(r.covered.map((c) => [new Date(c.start).toISOString(), new Date(c.end).toISOString()])).toEqual([
      ['2014-01-21T00:05:00.000Z', '2014-01-21T01:25:00.000Z'],
      ['2014-01-21T01:40:00.000Z', '2014-01-21T03:10:00.000Z'],
    ]);
    expect(r.events.every((e) => r.covered.some((c) => e.t >= c.start && e.t <= c.end))).toBe(true);
    // OEM orbits count from 1 at the start of coverage.
    expect(r.events[0]!.orbit).toBe(1);
    // The OEM was written from the same TLE: its nodes agree with the TLE's within 1 s.
    const tleNodes = findEvents(ephem, { start: Date.parse('2014-01-21T00:05:00Z'), end: Date.parse('2014-01-21T01:25:00Z') }, { kinds: ['ascending-node'] }).events;
    const oemNodes = r.events.filter((e) => e.kind === 'ascending-node' && e.t < Date.parse('2014-01-21T01:25:00Z'));
    expect(oemNodes.map((e) => Math.round(e.t / 1000))).toEqual(tleNodes.map((e) => Math.round(e.t / 1000)));
  });
});
