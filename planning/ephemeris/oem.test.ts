import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertState } from '../geometry/frames.js';
import type { StateVector } from '../geometry/types.js';
import { hermite, lagrange, windowStart } from './interpolate.js';
import { ephemerisFromFile, ephemerisFromText } from './load.js';
import { interpolateSegment, oemEphemeris } from './oem.js';
import { parseOemKvn } from './oem-kvn.js';
import { parseOemXml } from './oem-xml.js';
import { formatOemKvn, formatOemXml } from './oem-write.js';
import { parseTle, tleEphemeris } from './tle.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => path.join(root, 'fixtures/orbits', name);

describe('lagrange() and hermite()', () => {
  const poly = (c: number[], x: number) => c.reduce((s, a, k) => s + a * x ** k, 0);
  const dpoly = (c: number[], x: number) => c.reduce((s, a, k) => s + (k > 0 ? k * a * x ** (k - 1) : 0), 0);
  const coeffs = (n: number) => fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n });

  it('lagrange() on N+1 nodes reproduces any polynomial of degree N', () => {
    fc.assert(fc.property(coeffs(6), fc.double({ min: 0, max: 5, noNaN: true }), (c, t) => {
      const x = [0, 1, 2, 3, 4, 5];
      const y = x.map((v) => poly(c, v));
      expect(lagrange(x, y, 0, 6, t)).toBeCloseTo(poly(c, t), 6);
    }));
  });

  it('hermite() on m nodes reproduces a polynomial of degree 2m-1 and its derivative', () => {
    fc.assert(fc.property(coeffs(8), fc.double({ min: 0, max: 3, noNaN: true }), (c, t) => {
      const x = [0, 1, 2, 3];
      const [p, dp] = hermite(x, x.map((v) => poly(c, v)), x.map((v) => dpoly(c, v)), 0, 4, t);
      expect(p).toBeCloseTo(poly(c, t), 6);
      expect(dp).toBeCloseTo(dpoly(c, t), 5);
    }));
  });
});

describe('interpolateSegment(): the cached window', () => {
  /** The state at `t` computed from scratch, window and all, as the per-instant form did (no cache). */
  function reference(seg: ReturnType<typeof parseOemKvn>['segments'][number], t: number): number[] {
    const { method, degree } = seg.metadata.interpolation;
    const count = method === 'HERMITE' ? Math.ceil((degree + 1) / 2) : degree + 1;
    const start = windowStart(seg.t, t, count);
    const xs = Array.from({ length: count }, (_, i) => (seg.t[start + i]! - seg.t[start]!) / 1000);
    const s = (t - seg.t[start]!) / 1000;
    const w = (a: Float64Array) => Array.from(a.subarray(start, start + count));
    if (method === 'HERMITE') {
      const [x, vx] = hermite(xs, w(seg.x), w(seg.vx), 0, count, s);
      const [y, vy] = hermite(xs, w(seg.y), w(seg.vy), 0, count, s);
      const [z, vz] = hermite(xs, w(seg.z), w(seg.vz), 0, count, s);
      return [x, y, z, vx, vy, vz];
    }
    return [seg.x, seg.y, seg.z, seg.vx, seg.vy, seg.vz].map((c) => lagrange(xs, w(c), 0, count, s));
  }

  it('gives bit for bit the per-instant result, in any order of instants and segments (Hermite and Lagrange)', () => {
    const segs = ['mars-orbiter.oem', 'leo-sample.oem'].map((f) => parseOemKvn(readFileSync(fixture(f), 'utf8'), f).segments[0]!);
    expect(segs.map((g) => g.metadata.interpolation.method)).toEqual(['HERMITE', 'LAGRANGE']);
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 40 }), (picks) => {
      for (const [k, u] of picks) {
        const seg = segs[k]!;
        const t = seg.t[0]! + u * (seg.t[seg.t.length - 1]! - seg.t[0]!);
        const st = interpolateSegment(seg, t);
        expect([st.r.x, st.r.y, st.r.z, st.v.x, st.v.y, st.v.z]).toEqual(reference(seg, t));
      }
    }));
  });
});

/** A realistic LEO ephemeris: the bundled ISS element set, SGP4, converted to EME2000, every 60 s for 1 day. */
function issStates(): StateVector[] {
  const file = fixture('iss-2014.tle');
  const e = tleEphemeris(parseTle(readFileSync(file, 'utf8'), file), file);
  const t0 = Date.UTC(2014, 0, 21);
  const out: StateVector[] = [];
  for (let s = 0; s <= 86400; s += 60) {
    const r = e.stateAt(t0 + s * 1000);
    if (!r.ok) throw new Error(r.message);
    out.push(convertState(r.state, 'GCRF'));
  }
  return out;
}

/**
 * A dynamically consistent LEO ephemeris: two-body + J2 (EGM-96 J2 = 1.08262668e-3) integrated with RK4 at
 * 10 s from the ISS's EME2000 state, sampled every 60 s for 12 h. Positions and velocities agree exactly
 * (unlike SGP4's, whose velocity is not the exact derivative of its position: 0.7 m disagreement through
 * Hermite interpolation at 120 s, which is why the Hermite case uses this one).
 */
function integratedStates(): StateVector[] {
  const mu = 398600.4418;
  const re = 6378.137;
  const j2 = 1.08262668e-3;
  const acc = (r: number[]) => {
    const [x, y, z] = r as [number, number, number];
    const r2 = x * x + y * y + z * z;
    const rn = Math.sqrt(r2);
    const k = (1.5 * j2 * mu * re * re) / (r2 * r2 * rn);
    const f = (5 * z * z) / r2;
    return [-mu * x / (r2 * rn) + k * x * (f - 1), -mu * y / (r2 * rn) + k * y * (f - 1), -mu * z / (r2 * rn) + k * z * (f - 3)];
  };
  const deriv = (s: number[]) => [s[3]!, s[4]!, s[5]!, ...acc(s)];
  const s0 = issStates()[0]!;
  let s = [s0.r.x, s0.r.y, s0.r.z, s0.v.x, s0.v.y, s0.v.z];
  const out: StateVector[] = [];
  const h = 10;
  for (let k = 0; k <= 12 * 360; k++) {
    if (k % 6 === 0) out.push({ t: s0.t + k * h * 1000, frame: 'GCRF', r: { x: s[0]!, y: s[1]!, z: s[2]! }, v: { x: s[3]!, y: s[4]!, z: s[5]! } });
    const k1 = deriv(s);
    const k2 = deriv(s.map((v, i) => v + (h / 2) * k1[i]!));
    const k3 = deriv(s.map((v, i) => v + (h / 2) * k2[i]!));
    const k4 = deriv(s.map((v, i) => v + h * k3[i]!));
    s = s.map((v, i) => v + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  }
  return out;
}

describe('OEM interpolation: drop every other state and interpolate it back', () => {
  // Documented error bounds for a low Earth orbit sampled every 120 s (the written file rounds positions to
  // 1 mm and velocities to 1 µm/s): Hermite 7 and Lagrange 8 < 1 cm and < 0.1 mm/s; Lagrange 5 < 5 m, < 5 mm/s.
  const cases = [
    { source: 'J2-integrated', states: integratedStates, method: 'HERMITE', degree: 7, posKm: 1e-5, velKmS: 1e-7 },
    { source: 'J2-integrated', states: integratedStates, method: 'LAGRANGE', degree: 8, posKm: 1e-5, velKmS: 1e-7 },
    { source: 'SGP4 (ISS)', states: issStates, method: 'LAGRANGE', degree: 8, posKm: 1e-5, velKmS: 1e-7 },
    { source: 'SGP4 (ISS)', states: issStates, method: 'LAGRANGE', degree: 5, posKm: 5e-3, velKmS: 5e-6 },
  ] as const;
  for (const c of cases) {
    it(`${c.method} degree ${c.degree} on a ${c.source} ephemeris: position error < ${c.posKm * 1000} m, velocity < ${c.velKmS * 1000} m/s`, () => {
      const all = c.states();
      const kept = all.filter((_, i) => i % 2 === 0); // 120 s spacing
      const text = formatOemKvn([{ objectName: 'ISS', objectId: '1998-067A', refFrame: 'EME2000', states: kept, interpolation: c }]);
      const e = oemEphemeris(parseOemKvn(text, 'iss.oem'), 'iss.oem');
      let maxR = 0;
      let maxV = 0;
      all.forEach((truth, i) => {
        if (i % 2 === 0) return;
        const s = e.stateAt(truth.t);
        if (!s.ok) throw new Error(s.message);
        maxR = Math.max(maxR, Math.hypot(s.state.r.x - truth.r.x, s.state.r.y - truth.r.y, s.state.r.z - truth.r.z));
        maxV = Math.max(maxV, Math.hypot(s.state.v.x - truth.v.x, s.state.v.y - truth.v.y, s.state.v.z - truth.v.z));
      });
      expect(maxR).toBeLessThan(c.posKm);
      expect(maxV).toBeLessThan(c.velKmS);
    });
  }
});

describe('parseOemKvn() and parseOemXml()', () => {
  const kvnText = readFileSync(fixture('leo-sample.oem'), 'utf8');
  const xmlText = readFileSync(fixture('leo-sample.oem.xml'), 'utf8');

  it('read two segments with metadata, declared interpolation, useable times and skip the covariance block', () => {
    const m = parseOemKvn(kvnText, 'leo.oem');
    expect(m.version).toBe('2.0');
    expect(m.segments).toHaveLength(2);
    const [a, b] = m.segments;
    expect(a!.metadata).toMatchObject({ objectName: 'ISS (ZARYA)', objectId: '1998-067A', centerName: 'EARTH', refFrame: 'EME2000', frame: 'GCRF', timeSystem: 'UTC' });
    expect(a!.metadata.interpolation).toEqual({ method: 'LAGRANGE', degree: 8, defaulted: false });
    expect(b!.metadata.interpolation).toEqual({ method: 'HERMITE', degree: 7, defaulted: false });
    expect(a!.covarianceSkipped).toBe(1);
    expect(a!.t.length).toBe(91);
    expect(new Date(a!.metadata.useableStartTime!).toISOString()).toBe('2014-01-21T00:05:00.000Z');
  });

  it('KVN and XML give the same states', () => {
    const k = parseOemKvn(kvnText, 'a');
    const x = parseOemXml(xmlText, 'b');
    expect(x.segments.map((s) => [...s.t])).toEqual(k.segments.map((s) => [...s.t]));
    expect(x.segments.map((s) => [...s.vz])).toEqual(k.segments.map((s) => [...s.vz]));
    expect(x.segments.map((s) => s.metadata)).toEqual(k.segments.map((s) => s.metadata));
  });

  it('accept version 3.0 and namespaced XML with units attributes', () => {
    expect(parseOemKvn(kvnText.replace('CCSDS_OEM_VERS = 2.0', 'CCSDS_OEM_VERS = 3.0').replace('ORIGINATOR = IDOC FIXTURE', 'ORIGINATOR = IDOC FIXTURE\nMESSAGE_ID = 42'), 'v3').version).toBe('3.0');
    const ns = xmlText.replace('<oem ', '<ndm:oem xmlns:ndm="urn:ccsds:schema:ndmxml" ').replace('</oem>', '</ndm:oem>').replace(/<X>/g, '<X units="km">');
    const m = parseOemXml(ns, 'ns.xml');
    expect(m.segments[0]!.x[0]).toBe(parseOemKvn(kvnText, 'a').segments[0]!.x[0]);
  });

  it('never interpolates across segments nor beyond a useable span', () => {
    const e = ephemerisFromText(kvnText, 'leo.oem');
    expect(e.coverage.map((c) => [new Date(c.start).toISOString(), new Date(c.end).toISOString(), c.where])).toEqual([
      ['2014-01-21T00:05:00.000Z', '2014-01-21T01:25:00.000Z', 'leo.oem:5'],
      ['2014-01-21T01:40:00.000Z', '2014-01-21T03:10:00.000Z', expect.stringMatching(/^leo\.oem:\d+$/)],
    ]);
    for (const iso of ['2014-01-21T00:04:59Z', '2014-01-21T01:30:00Z', '2014-01-21T03:10:01Z']) {
      const s = e.stateAt(Date.parse(iso));
      expect(s.ok ? 'ok' : s.reason, iso).toBe('outside-coverage');
    }
    const s = e.stateAt(Date.parse('2014-01-21T01:31:00Z'));
    expect(s.ok ? '' : s.message).toMatch(/^leo\.oem: 2014-01-21T01:31:00\.000Z is outside the usable spans: 2014-01-21T00:05:00\.000Z…/);
    expect(e.stateAt(Date.parse('2014-01-21T01:40:00Z')).ok).toBe(true);
  });

  it('converts TAI epochs to UTC with the leap-second table (ΔAT = 35 s in 2014)', () => {
    const tai = kvnText.replace(/TIME_SYSTEM = UTC/g, 'TIME_SYSTEM = TAI');
    const m = parseOemKvn(tai, 'tai.oem');
    expect(m.segments[0]!.t[0]! - parseOemKvn(kvnText, 'utc.oem').segments[0]!.t[0]!).toBe(-35000);
    const gps = parseOemKvn(kvnText.replace(/TIME_SYSTEM = UTC/g, 'TIME_SYSTEM = GPS'), 'gps.oem');
    expect(gps.segments[0]!.t[0]! - parseOemKvn(kvnText, 'utc.oem').segments[0]!.t[0]!).toBe(-35000 + 19000);
  });
});

describe('bad OEM input: one clear error naming file and line', () => {
  const cases: [string, RegExp][] = [
    ['bad/missing-ref-frame.oem', /missing-ref-frame\.oem:5: segment metadata lacks REF_FRAME/],
    ['bad/epochs-out-of-order.oem', /epochs-out-of-order\.oem:20: epoch 2014-01-21T01:42:00\.000 is not after the previous state's \(line 19\): epochs out of order/],
    ['bad/short-data-line.oem', /short-data-line\.oem:\d+: ephemeris data line has 5 numbers after the epoch, expected 6/],
  ];
  for (const [name, re] of cases) {
    it(`ephemerisFromFile() rejects ${name}`, async () => {
      await expect(ephemerisFromFile(fixture(name))).rejects.toThrow(re);
    });
  }
  const base = readFileSync(fixture('leo-sample.oem'), 'utf8');
  it.each([
    ['an unsupported time system', base.replace('TIME_SYSTEM = UTC', 'TIME_SYSTEM = MET'), /x\.oem:10: TIME_SYSTEM MET not supported/],
    ['a missing header keyword', base.replace(/^ORIGINATOR.*\n/m, ''), /x\.oem:1: header lacks ORIGINATOR/],
    ['a bad version', base.replace('= 2.0', '= 4.0'), /x\.oem:1: CCSDS_OEM_VERS 4\.0 not supported \(1\.0, 2\.0, 3\.0\)/],
    ['META_START without META_STOP', base.replace('META_STOP', 'XX = 1'), /x\.oem:19: expected KEYWORD = value, found "2014-01-21T00:00:00\.000 /],
    ['a state outside START/STOP', base.replace('STOP_TIME = 2014-01-21T01:30:00.000', 'STOP_TIME = 2014-01-21T01:26:00.000'), /x\.oem:\d+: epoch 2014-01-21T01:27:00\.000 outside START_TIME…STOP_TIME of its segment \(line 5\)/],
    ['a non-Earth centre', base.replace('CENTER_NAME = EARTH', 'CENTER_NAME = MARS BARYCENTER'), /x\.oem:5: CENTER_NAME MARS BARYCENTER: only Earth-centred/],
    ['a degree without method', base.replace(/^INTERPOLATION = LAGRANGE\n/m, 'INTERPOLATION = SPLINE\n'), /x\.oem:15: INTERPOLATION SPLINE not supported/],
  ])('rejects %s', (_what, text, re) => {
    expect(() => ephemerisFromText(text, 'x.oem')).toThrow(re);
  });
  it('rejects malformed XML and an XML state without Z_DOT, with lines', () => {
    const xml = readFileSync(fixture('leo-sample.oem.xml'), 'utf8');
    expect(() => parseOemXml(xml.replace('</header>', '</headr>'), 'x.xml')).toThrow(/^x\.xml:6: XML: /);
    const lines = xml.split('\n');
    const i = lines.findIndex((l) => l.includes('<stateVector>'));
    lines[i + 2] = lines[i + 2]!.replace(/<Z_DOT>.*<\/Z_DOT>/, '');
    expect(() => parseOemXml(lines.join('\n'), 'x.xml')).toThrow(new RegExp(`^x\\.xml:${i + 3}: <stateVector> without Z_DOT`));
  });
  it('formatOemXml() output parses back', () => {
    const s = issStates().slice(0, 5);
    const m = parseOemXml(formatOemXml([{ objectName: 'ISS', objectId: '1998-067A', refFrame: 'GCRF', states: s }]), 'w.xml');
    expect(m.segments[0]!.metadata.interpolation.defaulted).toBe(true);
    expect(m.segments[0]!.x[4]).toBeCloseTo(s[4]!.r.x, 6);
  });
});
