/**
 * @module Reading observation requests: JSON syntax (file:line:column), the schema
 * (`schemas/requests.schema.json`), then what a schema cannot say: unique ids, instants that exist, windows
 * that are not empty, ranges with min ≤ max, stations that parse.
 */
import { readFileSync } from 'node:fs';
import { InputError, type Problem } from '../../src/errors.js';
import { parseUtcInstant } from '../ephemeris/epoch.js';
import { parseStation, type Station } from '../geometry/station.js';
import { readChecked } from '../plan/_json-schema.js';
import type { GeometryConstraints, ObservationRequest, RequestsFile, RequestsFileJson } from './types.js';

/**
 * Read and check the requests file at `file`.
 * @throws InputError listing every problem; file-system errors as they come.
 */
export function loadRequests(file: string): RequestsFile {
  return parseRequests(readFileSync(file, 'utf8'), file);
}

/** Parse and check requests text; `fileName` names the source in problems. @throws InputError. */
export function parseRequests(text: string, fileName: string): RequestsFile {
  const data = readChecked(text, fileName, 'requests.schema.json', 'requests file') as RequestsFileJson;
  const problems: Problem[] = [];
  const at = (pointer: string, code: string, message: string) => problems.push({ code, path: `${fileName}#${pointer}`, message });
  const stations = parseStations(data.stations ?? [], fileName, '/stations', problems);
  const ids = new Set<string>();
  const requests: ObservationRequest[] = [];
  data.requests.forEach((r, i) => {
    const base = `/requests/${i}`;
    if (ids.has(r.id)) at(`${base}/id`, 'duplicate-id', `request id ${r.id} is used twice`);
    ids.add(r.id);
    checkConstraints(r.constraints, `${base}/constraints`, at);
    let start = -Infinity;
    let end = Infinity;
    const instant = (text: string, pointer: string): number | undefined => {
      const t = parseUtcInstant(text);
      if (t === undefined) at(pointer, 'instant', `"${text}" is not a UTC instant (e.g. 2014-01-21T06:00:00Z)`);
      return t;
    };
    const w = r.time?.window;
    if (w) {
      const a = instant(w.start, `${base}/time/window/start`);
      const b = instant(w.end, `${base}/time/window/end`);
      if (a !== undefined && b !== undefined && !(b > a)) at(`${base}/time/window`, 'window', 'the window ends before it starts');
      if (a !== undefined) start = Math.max(start, a);
      if (b !== undefined) end = Math.min(end, b);
    }
    if (r.time?.earliest !== undefined) { const a = instant(r.time.earliest, `${base}/time/earliest`); if (a !== undefined) start = Math.max(start, a); }
    if (r.time?.latest !== undefined) { const b = instant(r.time.latest, `${base}/time/latest`); if (b !== undefined) end = Math.min(end, b); }
    requests.push({ ...r, index: i, allowed: { start, end } });
  });
  if (problems.length) throw new InputError(`${fileName}: not a valid requests file (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  return {
    file: fileName, ...(data.instrument !== undefined ? { instrument: data.instrument } : {}), stations,
    gapS: data.gapS ?? 10, marginS: data.marginS ?? 1, requests,
  };
}

/** Parse station strings, each problem located at `pointer/i`. */
export function parseStations(list: readonly string[], fileName: string, pointer: string, problems: Problem[]): Station[] {
  const out: Station[] = [];
  list.forEach((s, i) => {
    try {
      out.push(parseStation(s, `${fileName}#${pointer}/${i}`));
    } catch (e) {
      problems.push({ code: 'station', path: `${fileName}#${pointer}/${i}`, message: (e as Error).message.replace(/^.*?: "/, '"') });
    }
  });
  return out;
}

/** Ranges with min ≤ max (longitude may wrap, so it is exempt). */
export function checkConstraints(c: GeometryConstraints | undefined, pointer: string, at: (pointer: string, code: string, message: string) => void): void {
  if (!c) return;
  for (const key of ['altitudeKm', 'latitudeDeg', 'orbits'] as const) {
    const r = c[key];
    if (r?.min !== undefined && r.max !== undefined && r.min > r.max) at(`${pointer}/${key}`, 'range', `min ${r.min} is above max ${r.max}`);
  }
  if (c.sunlit === true && c.eclipse === true) at(pointer, 'contradiction', 'sunlit and eclipse cannot both hold');
}
