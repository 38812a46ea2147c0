/**
 * @module Benchmark: all events (eclipse, passes over 3 stations, nodes, altitude and latitude thresholds,
 * terminator) for one low-Earth-orbit object (the bundled ISS element set) over 7 days. Target < 1 s.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { findEvents, parseStation, parseTle, selectObject, tleEphemeris } from '../planning/index.js';

/** The bundled fixture, found from this file whether run from source or from dist/. */
async function fixtureTle(): Promise<{ text: string; file: string }> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', '../..']) {
    const file = path.resolve(here, up, 'fixtures/orbits/iss-2014.tle');
    try { return { text: await readFile(file, 'utf8'), file }; } catch { /* try the next */ }
  }
  throw new Error('fixtures/orbits/iss-2014.tle not found');
}

/** Run the geometry benchmark: median of `runs` (≥ 5) timings of `findEvents` over 7 days. */
export async function benchGeometry(runs = 7): Promise<{ name: string; medianMs: number; runs: number }> {
  const { text, file } = await fixtureTle();
  const recs = parseTle(text, file);
  const ephem = tleEphemeris(selectObject(recs, file), file);
  const t0 = recs[0]!.epoch;
  const stations = ['KIRUNA:67.857:20.964:402:5', 'SVALBARD:78.23:15.39:500:5', 'MALARGUE:-35.776:-69.398:1550:10'].map((s) => parseStation(s));
  const times: number[] = [];
  const n = Math.max(5, runs);
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    findEvents(ephem, { start: t0, end: t0 + 7 * 86400000 }, { stations, altitudesKm: [420], latitudesDeg: [60, -60] });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name: 'geometry: all events, 1 LEO object, 7 days, 3 stations', medianMs: times[n >> 1]!, runs: n };
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) benchGeometry().then((r) => console.log(`${r.name}: median ${r.medianMs.toFixed(1)} ms over ${r.runs} runs`));
