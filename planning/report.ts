/**
 * @module Text, CSV and JSON renderings of states, events and geometry tables (for `idoc orbit` and for
 * ancillary files beside L0 products). Times are ISO-8601 UTC with a trailing Z; lengths km, speeds km/s,
 * angles degrees. CSV follows RFC 4180 (comma-separated, a header line, fields quoted when needed).
 */
import type { OrbitEvent, Pass } from './events/events.js';
import type { GeometryRecord } from './geometry/sample.js';
import { isoUtc } from './ephemeris/epoch.js';

const csvField = (v: string | number | undefined | null): string => {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const fix = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '');

/** Events as CSV: time,kind,orbit,station,threshold,value. */
export function eventsCsv(events: readonly OrbitEvent[]): string {
  const rows = ['time,kind,orbit,station,threshold,value'];
  for (const e of events) rows.push([isoUtc(e.t), e.kind, e.orbit, e.station, e.threshold, e.value === undefined ? undefined : fix(e.value, 3)].map(csvField).join(','));
  return `${rows.join('\r\n')}\r\n`; // RFC 4180 §2: CRLF line breaks
}

/** Events as aligned text lines. */
export function eventsText(events: readonly OrbitEvent[], passes: readonly Pass[]): string {
  const out = events.map((e) => {
    const extra = [e.station, e.threshold !== undefined ? `threshold ${e.threshold}` : undefined, e.value !== undefined ? `elevation ${fix(e.value, 2)}°` : undefined].filter(Boolean).join('  ');
    return `${isoUtc(e.t)}  ${e.kind.padEnd(21)} orbit ${e.orbit}${extra ? `  ${extra}` : ''}`;
  });
  if (passes.length > 0) {
    out.push('', 'passes:');
    for (const p of passes) {
      out.push(`  ${p.station.padEnd(12)} AOS ${p.aos === null ? '(in progress)'.padEnd(24) : isoUtc(p.aos)}  LOS ${p.los === null ? '(in progress)'.padEnd(24) : isoUtc(p.los)}  max ${fix(p.maxElevationDeg, 2)}° at ${isoUtc(p.maxElevationTime)} az ${fix(p.maxElevationAzimuthDeg, 1)}°`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** A geometry record as JSON-ready data (times ISO). */
export function geometryJson(g: GeometryRecord, orbit?: number): Record<string, unknown> {
  return {
    time: isoUtc(g.t), frame: g.frame, positionKm: g.position, velocityKmS: g.velocity,
    positionItrfKm: { x: g.positionItrf.x, y: g.positionItrf.y, z: g.positionItrf.z },
    velocityItrfKmS: { x: g.velocityItrf.x, y: g.velocityItrf.y, z: g.velocityItrf.z },
    latitudeDeg: g.geodetic.latDeg, longitudeDeg: g.geodetic.lonDeg, altitudeKm: g.geodetic.altKm,
    groundTrackSpeedKmS: g.groundTrackSpeedKmS, sunElevationDeg: g.sunElevationDeg, subSatellite: g.subSatellite,
    eclipse: g.eclipse, illumination: g.illumination, ...(orbit !== undefined ? { orbit } : {}),
    stations: g.stations,
    localSolarTimeHours: g.localSolarTimeH, centralBody: g.centralBody, fixedFrame: g.fixedFrame, ellipsoid: g.ellipsoid,
  };
}

const hhmm = (h: number): string => {
  const m = Math.floor(h * 60 + 1e-9) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** A geometry record as readable text. */
export function geometryText(g: GeometryRecord, orbit?: number): string {
  const v3 = (v: { x: number; y: number; z: number }, d: number) => `${fix(v.x, d)} ${fix(v.y, d)} ${fix(v.z, d)}`;
  const lines = [
    `time            ${isoUtc(g.t)}`,
    `position ${g.frame.padEnd(6)} ${v3(g.position, 3)} km`,
    `velocity ${g.frame.padEnd(6)} ${v3(g.velocity, 6)} km/s`,
    `position ${g.fixedFrame.padEnd(6)} ${v3(g.positionItrf, 3)} km`,
    `geodetic        lat ${fix(g.geodetic.latDeg, 4)}°  lon ${fix(g.geodetic.lonDeg, 4)}°  alt ${fix(g.geodetic.altKm, 3)} km (${g.ellipsoid}${g.centralBody === 'EARTH' ? '' : ', planetodetic latitude, east longitude'})`,
    `ground speed    ${fix(g.groundTrackSpeedKmS, 4)} km/s`,
    `sun elevation   ${fix(g.sunElevationDeg, 3)}° at the sub-satellite point (${g.subSatellite})`,
    `local time      ${hhmm(g.localSolarTimeH)} (apparent local solar time at the sub-satellite point)`,
    `eclipse         ${g.eclipse} (illumination ${fix(g.illumination, 3)})`,
  ];
  if (orbit !== undefined) lines.push(`orbit           ${orbit}`);
  for (const s of g.stations) lines.push(`station ${s.name.padEnd(8)} az ${fix(s.azimuthDeg, 3)}°  el ${fix(s.elevationDeg, 3)}°  range ${fix(s.rangeKm, 3)} km${s.visible ? '  visible' : ''}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Header of the geometry CSV for the given station names. Around a body other than the Earth (`centralBody`
 * given and not `EARTH`) a `local_solar_time_h` column follows `orbit` (Earth tables keep their columns).
 */
export function geometryCsvHeader(stations: readonly string[], centralBody = 'EARTH'): string {
  const cols = ['time', 'frame', 'x_km', 'y_km', 'z_km', 'vx_km_s', 'vy_km_s', 'vz_km_s', 'lat_deg', 'lon_deg', 'alt_km',
    'ground_speed_km_s', 'sun_elevation_deg', 'day_night', 'eclipse', 'illumination', 'orbit'];
  if (centralBody !== 'EARTH') cols.push('local_solar_time_h');
  for (const s of stations) cols.push(`${s}_az_deg`, `${s}_el_deg`, `${s}_range_km`, `${s}_visible`);
  return `${cols.map(csvField).join(',')}\r\n`; // RFC 4180 §2: CRLF line breaks
}

/** One geometry CSV row. */
export function geometryCsvRow(g: GeometryRecord, orbit: number): string {
  const f = [isoUtc(g.t), g.frame, fix(g.position.x, 6), fix(g.position.y, 6), fix(g.position.z, 6), fix(g.velocity.x, 9), fix(g.velocity.y, 9), fix(g.velocity.z, 9),
    fix(g.geodetic.latDeg, 6), fix(g.geodetic.lonDeg, 6), fix(g.geodetic.altKm, 6), fix(g.groundTrackSpeedKmS, 6), fix(g.sunElevationDeg, 4), g.subSatellite, g.eclipse,
    fix(g.illumination, 4), String(orbit)];
  if (g.centralBody !== 'EARTH') f.push(fix(g.localSolarTimeH, 4));
  for (const s of g.stations) f.push(fix(s.azimuthDeg, 4), fix(s.elevationDeg, 4), fix(s.rangeKm, 4), s.visible ? '1' : '0');
  return `${f.map(csvField).join(',')}\r\n`;
}
