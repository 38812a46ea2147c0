/**
 * Charts: the SVG is well-formed XML, draws one point per sample (or the per-pixel envelope when dense), its
 * limit lines sit at the alarm bounds of the definitions (warning −10/55, critical −20/60 for the SIM
 * detector temperature) and at the matching height, out-of-limit samples are marked; PNG output is a PNG.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadTmDatabase } from '../../src/mdb/load.js';
import { resolveMission } from '../../src/config/mission.js';
import { utcToTai } from '../../src/time/index.js';
import { ParameterArchiveReader, limitOf, type ParameterSeries } from './archive.js';
import { fillFromFiles } from './fill.js';
import { MAX_POINTS_PER_PIXEL, plotSvg, svgToPng, timeTicks, valueTicks } from './plot.js';

let dir = '';
let reader: ParameterArchiveReader;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'idoc-plot-'));
  const mission = await resolveMission({ config: 'fixtures/sample-mission/idoc.json' });
  await fillFromFiles(dir, ['fixtures/sample/sim.dds'], loadTmDatabase('fixtures/sample-mission/sim-tm.xml'), { read: { framing: 'auto', crc: mission.crc, crcOverrides: mission.crcOverrides, maxPacketLength: 65542 }, profile: mission.profile });
  reader = new ParameterArchiveReader(dir);
});
afterAll(() => {
  reader.close();
  rmSync(dir, { recursive: true, force: true });
});

type Node = Record<string, unknown>;
const parse = (svg: string): Node => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => ['g', 'line', 'polyline', 'circle', 'text'].includes(n) }).parse(svg) as Node;
const panels = (doc: Node): Node[] => ((doc['svg'] as Node)['g'] as Node[]);
const pointsOf = (panel: Node): [number, number][] =>
  ((panel['polyline'] as Node[] | undefined) ?? []).flatMap((p) => String(p['@points']).split(' ').map((xy) => xy.split(',').map(Number) as [number, number]));

describe('plotSvg on the SIM fixture', () => {
  test('well-formed; one point per sample; limit lines at −20, −10, 55, 60 at the right heights; out-of-limit samples marked', () => {
    const s = reader.series('DET_TEMP')!;
    const svg = plotSvg([s]);
    expect(XMLValidator.validate(svg)).toBe(true);
    const [panel] = panels(parse(svg));
    expect(panel!['@data-parameter']).toBe('DET_TEMP');
    const pts = pointsOf(panel!);
    expect(pts.length).toBe(s.length);
    // x increases with time
    for (let k = 1; k < pts.length; k++) expect(pts[k]![0]).toBeGreaterThanOrEqual(pts[k - 1]![0]);
    const limits = (panel!['line'] as Node[]).filter((l) => String(l['@class']).startsWith('limit '));
    expect(limits.map((l) => Number(l['@data-value'])).sort((a, b) => a - b)).toEqual([-20, -10, 55, 60]);
    expect(limits.filter((l) => l['@class'] === 'limit limit-critical').map((l) => Number(l['@data-value'])).sort((a, b) => a - b)).toEqual([-20, 60]);
    // The value axis is linear: a limit line's height interpolates between two data points' heights.
    const eng = s.eng as Float64Array;
    const [i, j] = [0, s.length - 1];
    const yOf = (v: number) => pts[i]![1] + ((v - eng[i]!) / (eng[j]! - eng[i]!)) * (pts[j]![1] - pts[i]![1]);
    for (const l of limits) expect(Number(l['@y1'])).toBeCloseTo(yOf(Number(l['@data-value'])), 0);
    let out = 0;
    for (let k = 0; k < s.length; k++) if (limitOf(s.state[k]!) > 0) out++;
    expect(out).toBe(82); // the README's tm limits example: 82 of 300 samples
    expect(((panel!['circle'] as Node[] | undefined) ?? []).length).toBe(out);
  });

  test('several panels, and a --from/--to range keeps the samples inside it', () => {
    const from = utcToTai('2026-01-01T00:01:00Z');
    const to = utcToTai('2026-01-01T00:02:00Z');
    const series = ['DET_TEMP', 'BUS_VOLT'].map((n) => reader.series(n, from, to)!);
    const doc = parse(plotSvg(series, { fromTai: from, toTai: to }));
    const ps = panels(doc);
    expect(ps.length).toBe(2);
    ps.forEach((p, k) => expect(pointsOf(p).length).toBe(series[k]!.length));
    expect(series[0]!.length).toBe(60); // 1 Hz
  });

  test('dense series: per pixel column the first, min, max and last sample (bounded points, extremes kept)', () => {
    const n = 50_000;
    const t0 = utcToTai('2026-01-01T00:00:00Z');
    const base = reader.series('BUS_VOLT')!;
    const eng = Float64Array.from({ length: n }, (_, k) => Math.sin(k / 300) * 10 + (k === 31_337 ? 50 : 0));
    const s: ParameterSeries = { parameter: base.parameter, tai: Float64Array.from({ length: n }, (_, k) => t0 + k), apid: new Uint16Array(n), raw: eng, eng, state: new Uint8Array(n), length: n };
    const width = 500;
    const pts = pointsOf(panels(parse(plotSvg([s], { width })))[0]!);
    expect(pts.length).toBeLessThanOrEqual(MAX_POINTS_PER_PIXEL * width);
    expect(pts.length).toBeGreaterThan(width);
    const minY = Math.min(...pts.map((p) => p[1]));
    const top = pts.find((p) => p[1] === minY)!;
    // The spike (the maximum, drawn highest) is kept at its time.
    expect(top[0]).toBeCloseTo(90 + (31_337 / (n - 1)) * (width - 110), 0);
  });

  test('PNG: the signature and the width in IHDR', async () => {
    const png = await svgToPng(plotSvg([reader.series('DET_TEMP')!], { width: 640 }));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(new DataView(png.buffer, png.byteOffset).getUint32(16)).toBe(640);
  });
});

describe('axes', () => {
  test('time ticks fall on whole UTC minutes over 5 minutes, days over 3 weeks', () => {
    const t = timeTicks(utcToTai('2026-01-01T00:00:10Z'), utcToTai('2026-01-01T00:05:10Z'));
    expect(t.map((x) => x.label)).toEqual(['2026-01-01 00:01', '00:02', '00:03', '00:04', '00:05']);
    const d = timeTicks(utcToTai('2026-01-01T06:00:00Z'), utcToTai('2026-01-22T00:00:00Z'));
    expect(d.every((x) => /^\d{4}-\d{2}-\d{2}$/.test(x.label))).toBe(true);
  });
  test('value ticks are round', () => {
    expect(valueTicks(-21, 63)).toEqual([-20, 0, 20, 40, 60]);
    expect(valueTicks(0.1, 0.9)).toEqual([0.2, 0.4, 0.6, 0.8]);
  });
});
