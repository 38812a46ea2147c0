import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEphemerisText } from './check.js';
import { ephemerisFromFile, ephemerisFromText } from './load.js';
import { segmentHoles } from './oem.js';
import { parseOemKvn } from './oem-kvn.js';
import { parseOemXml } from './oem-xml.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'fixtures/orbits/conformance');
const read = (p: string) => readFileSync(path.join(dir, p), 'utf8');
const validFiles = readdirSync(path.join(dir, 'valid')).sort();
const expected = JSON.parse(read('invalid/expected.json')) as Record<string, { line: number; message: string; rule: string }>;

describe('OEM conformance set (CCSDS 502.0-B-1/-2/-3, 505.0-B-2): valid files', () => {
  it.each(validFiles)('%s is valid and loads', (name) => {
    const text = read(`valid/${name}`);
    const c = checkEphemerisText(text, name);
    expect(c.problems).toEqual([]);
    expect(c.valid).toBe(true);
    const e = ephemerisFromText(text, name);
    const mid = (e.coverage[0]!.start + e.coverage[0]!.end) / 2;
    expect(e.stateAt(mid).ok).toBe(true);
  });

  it('versions 1.0, 2.0 and 3.0, KVN, XML and the NDM wrapper give the same states as the base file', () => {
    const base = parseOemKvn(read('valid/v1-kvn.oem'), 'v1');
    for (const name of ['v3-kvn.oem', 'v2-kvn-covariance.oem', 'v1-xml.oem.xml', 'v3-xml.oem.xml', 'v2-ndm-iss.xml', 'v2-xml-covariance.oem.xml']) {
      const m = name.endsWith('.xml') ? parseOemXml(read(`valid/${name}`), name) : parseOemKvn(read(`valid/${name}`), name);
      expect([...m.segments[0]!.t], name).toEqual([...base.segments[0]!.t]);
      expect([...m.segments[0]!.x], name).toEqual([...base.segments[0]!.x]);
      expect([...m.segments[0]!.vz], name).toEqual([...base.segments[0]!.vz]);
    }
    expect(parseOemKvn(read('valid/v3-kvn.oem'), 'v3').version).toBe('3.0');
    expect(parseOemXml(read('valid/v1-xml.oem.xml'), 'v1').version).toBe('1.0');
  });

  it('reads an OEM inside an NDM combined instantiation (<ndm><oem>), as JSC publishes the ISS ephemeris, keeping CENTER_NAME and REF_FRAME', async () => {
    const e = await ephemerisFromFile(path.join(dir, 'valid/v2-ndm-iss.xml'));
    expect(e.objectName).toBe('ISS');
    expect(e.objectId).toBe('1998-067-A');
    const m = parseOemXml(read('valid/v2-ndm-iss.xml'), 'iss.xml');
    expect(m.segments[0]!.metadata).toMatchObject({ centerName: 'EARTH', refFrame: 'EME2000', frame: 'GCRF' });
    expect(m.originator).toBe('JSC');
    // Two OEMs in one NDM: their segments in order.
    const text = read('valid/v2-ndm-iss.xml');
    const oem = /<oem[\s\S]*<\/oem>\n/.exec(text)![0];
    const two = text.replace(oem, oem + oem.replace(/2014-01-21T00:0/g, '2014-01-21T02:0'));
    expect(parseOemXml(two, 'two.xml').segments.map((s) => new Date(s.t[0]!).toISOString())).toEqual(['2014-01-21T00:00:00.000Z', '2014-01-21T02:00:00.000Z']);
  });

  it('TAI epochs in day-of-year form are read and converted (ΔAT = 35 s in 2014)', () => {
    const m = parseOemKvn(read('valid/v2-kvn-doy-tai.oem'), 'doy');
    expect(new Date(m.segments[0]!.t[0]!).toISOString()).toBe('2014-01-20T23:59:25.000Z');
  });
});

describe('OEM conformance set: each invalid file is rejected for its specific reason, with file and line', () => {
  const files = readdirSync(path.join(dir, 'invalid')).filter((f) => f !== 'expected.json').sort();
  it('every invalid file has an expected reason and vice versa', () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });
  it.each(files)('%s', (name) => {
    const want = expected[name]!;
    const c = checkEphemerisText(read(`invalid/${name}`), name);
    expect(c.valid).toBe(false);
    expect(c.problems[0]!.path).toBe(`${name}:${want.line}`);
    expect(c.problems[0]!.message).toMatch(new RegExp(want.message));
    // The loader refuses it with the same first line.
    expect(() => ephemerisFromText(read(`invalid/${name}`), name)).toThrow(`${name}:${want.line}: ${c.problems[0]!.message}`);
  });
  it('problems in two segments are both reported, in line order', () => {
    const one = read('invalid/degree-too-high-lagrange.oem');
    const seg = one.slice(one.indexOf('META_START'));
    const c = checkEphemerisText(one + '\n' + seg.replace('OBJECT_ID = 1998-067A\n', '').replace(/2014-01-21T00:0/g, '2014-01-21T01:0'), 'two.oem');
    expect(c.problems.map((p) => p.message.replace(/ .*/, ''))).toEqual(['INTERPOLATION_DEGREE', 'segment']);
    expect(c.problems[1]!.message).toBe('segment metadata lacks OBJECT_ID');
  });
});

describe('interpolation never across a gap inside a segment', () => {
  const text = read('valid/v2-kvn-data-gap.oem');
  it('a request inside a 71-minute hole in 60 s data is an error naming the lines around it (it used to return garbage)', () => {
    const e = ephemerisFromText(text, 'gap.oem');
    const s = e.stateAt(Date.parse('2014-01-21T00:40:00Z'));
    expect(s.ok).toBe(false);
    if (!s.ok) {
      expect(s.reason).toBe('outside-coverage');
      expect(s.message).toBe('gap.oem: 2014-01-21T00:40:00.000Z is in a coverage hole: no states between line 24 (2014-01-21T00:07:00.000Z) and line 25 (2014-01-21T01:18:00.000Z), a 4260 s gap in a segment sampled more finely; not interpolated across');
    }
    expect(e.coverage.map((c) => c.where)).toEqual(['gap.oem:17-24', 'gap.oem:25-32']);
  });
  it('near the hole, states come from the run of states on its side only (same as a file cut at the hole)', () => {
    const e = ephemerisFromText(text, 'gap.oem');
    const cut = ephemerisFromText(text.replace(/^2014-01-21T01:.*\n/gm, '').replace('STOP_TIME = 2014-01-21T01:25:00.000', 'STOP_TIME = 2014-01-21T00:07:00.000'), 'cut.oem');
    const t = Date.parse('2014-01-21T00:06:30Z');
    const a = e.stateAt(t);
    const b = cut.stateAt(t);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(a.state.r).toEqual(b.state.r);
  });
  it('the threshold is configurable: with maxGapSteps 100 the hole is interpolated across', () => {
    expect(ephemerisFromText(text, 'gap.oem', { maxGapSteps: 100 }).stateAt(Date.parse('2014-01-21T00:40:00Z')).ok).toBe(true);
  });
  it('segmentHoles(): none in uniform or smoothly varying sampling; exactly the inserted gap otherwise', () => {
    fc.assert(fc.property(fc.integer({ min: 5, max: 200 }), fc.double({ min: 1, max: 1.3, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (n, growth, where) => {
      const t: number[] = [0];
      let dt = 60;
      for (let i = 1; i < n; i++) { t.push(t[i - 1]! + dt); dt *= growth; }
      expect(segmentHoles(t)).toEqual([]);
      const k = where % (n - 1);
      const gap = 100 * (t[n - 1]! - t[n - 2]!);
      const gapped = t.map((v, i) => (i > k ? v + gap : v));
      expect(segmentHoles(gapped)).toEqual([k]);
    }));
  });
});

describe('parseEpochMs() (CCSDS 502.0-B §7.5.10 epochs)', () => {
  it('agrees with Date.parse on every calendar instant and rejects days a month does not have', async () => {
    const { parseEpochMs } = await import('./epoch.js');
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1958, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
      const iso = new Date(ms).toISOString();
      expect(parseEpochMs(iso)).toBe(ms);
      expect(parseEpochMs(iso.replace('Z', ''))).toBe(ms);
      const d = new Date(ms);
      const doy = Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
      expect(parseEpochMs(`${d.getUTCFullYear()}-${String(doy).padStart(3, '0')}${iso.slice(10)}`)).toBe(ms);
    }));
    for (const bad of ['2025-02-29T00:00:00', '2024-02-30T00:00:00', '2025-04-31T00:00:00', '2100-02-29T00:00:00', '2025-13-01T00:00:00', '2025-01-01T24:00:00', '2025-01-01T00:00:61']) {
      expect(parseEpochMs(bad), bad).toBeUndefined();
    }
    expect(parseEpochMs('2024-02-29T00:00:00')).toBe(Date.UTC(2024, 1, 29));
    expect(parseEpochMs('2000-02-29T00:00:00')).toBe(Date.UTC(2000, 1, 29));
  });
});

const DE440S = path.resolve(root, '../shared/orbits/de440s_2025-2030_excerpt.bsp');
describe.skipIf(!existsSync(DE440S))('orbit check on a JPL SPK kernel (../shared/orbits)', () => {
  it('the DE440s excerpt is a valid SPK; the same bytes cut short are invalid with a one-line reason', async () => {
    const { checkEphemerisFile } = await import('./check.js');
    const bytes = readFileSync(DE440S);
    const ok = checkEphemerisFile(bytes, 'de440s.bsp');
    expect(ok.format).toBe('spk');
    expect(ok.valid).toBe(true);
    expect(ok.summary).toMatch(/^SPK kernel, \d+ segments/);
    const cut = checkEphemerisFile(bytes.subarray(0, Math.floor(bytes.length / 2)), 'cut.bsp');
    expect(cut.valid).toBe(false);
    expect(cut.problems.length).toBeGreaterThan(0);
    for (const p of cut.problems) expect(p.message).not.toContain('\n');
    // An OEM's bytes still go through the text checks.
    expect(checkEphemerisFile(Buffer.from(read(`valid/${validFiles[0]!}`)), validFiles[0]!).format).not.toBe('spk');
  });
});

describe('parseUtcInstant() (plans, requests, --at/--from on planning commands; luxon)', () => {
  it('reads ISO 8601 forms with known answers, the leap second as the next midnight, and refuses the rest', async () => {
    const { parseUtcInstant } = await import('./epoch.js');
    expect(parseUtcInstant('2025-03-01T12:00:00Z')).toBe(Date.UTC(2025, 2, 1, 12));
    expect(parseUtcInstant('2025-03-01T12:00:00.250')).toBe(Date.UTC(2025, 2, 1, 12, 0, 0, 250));
    expect(parseUtcInstant('2025-060T12:00:00Z')).toBe(Date.UTC(2025, 2, 1, 12));
    expect(parseUtcInstant('2025-03-01T14:00:00+02:00')).toBe(Date.UTC(2025, 2, 1, 12));
    expect(parseUtcInstant('2025-03-01')).toBe(Date.UTC(2025, 2, 1));
    expect(parseUtcInstant('2016-12-31T23:59:60.5Z')).toBe(Date.UTC(2017, 0, 1));
    for (const bad of ['2015-12-31T23:59:60Z', '2025-02-29', '2025-03-01T12:00:61Z', 'tomorrow']) expect(parseUtcInstant(bad), bad).toBeUndefined();
  });
});
