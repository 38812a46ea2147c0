/**
 * @module The `epn_core` view of the catalogue (EPN-TAP 2.0 §3): one row per product, the mandatory columns of
 * the standard (in its table's order) plus optional access columns and idoc's own (route, level, quality). Times
 * are Julian days UTC (time_min/time_max, §3 table); dates ISO-8601 (xtype timestamp). Longitudes 0…360 (§3
 * note 1): the footprint's bbox gives c1 (longitude) and c2 (latitude) in a `body` frame.
 */
import type { ProductRecord } from '../../src/archive/port.js';
import type { Value } from './adql.js';
import type { CatalogueEntry } from './catalogue.js';

/** The schema and table (EPN-TAP 2.0 §1.2: `<schema>.epn_core`). */
export const EPN_SCHEMA = 'idoc';
export const EPN_TABLE = 'epn_core';

export interface ColumnMeta {
  readonly name: string;
  /** VOTable datatype. */
  readonly datatype: 'char' | 'double' | 'int' | 'long';
  readonly unit?: string;
  readonly ucd?: string;
  readonly xtype?: string;
  readonly description: string;
  /** Mandatory in EPN-TAP 2.0. */
  readonly std: boolean;
}

const c = (name: string, datatype: ColumnMeta['datatype'], description: string, extra: Partial<ColumnMeta> = {}, std = true): ColumnMeta =>
  ({ name, datatype, description, std, ...extra });

/** EPN-TAP 2.0 §3 mandatory columns, then optional and local ones. */
export const EPN_COLUMNS: readonly ColumnMeta[] = [
  c('granule_uid', 'char', 'Unique identifier of the product (its PDS4 lidvid)', { ucd: 'meta.id' }),
  c('granule_gid', 'char', 'Group identifier: the product level', { ucd: 'meta.id' }),
  c('obs_id', 'char', 'Product identifier (common to its versions and its geometry)', { ucd: 'meta.id' }),
  c('dataproduct_type', 'char', 'EPN-TAP data product type (ts: time series)', { ucd: 'meta.code.class' }),
  c('measurement_type', 'char', 'UCD of the measured quantity', { ucd: 'meta.ucd' }),
  c('processing_level', 'int', 'CODMAC level: 2 raw (L0), 3 calibrated (L1), 6 ancillary/geometry', { ucd: 'meta.calibLevel' }),
  c('target_name', 'char', 'Target', { ucd: 'meta.id;src' }),
  c('target_class', 'char', 'Target class', { ucd: 'src.class' }),
  c('time_min', 'double', 'Start, Julian day UTC', { unit: 'd', ucd: 'time.start' }),
  c('time_max', 'double', 'Stop, Julian day UTC', { unit: 'd', ucd: 'time.end' }),
  c('time_sampling_step_min', 'double', 'Sampling step, minimum', { unit: 's' }),
  c('time_sampling_step_max', 'double', 'Sampling step, maximum', { unit: 's' }),
  c('time_exp_min', 'double', 'Integration time, minimum', { unit: 's' }),
  c('time_exp_max', 'double', 'Integration time, maximum', { unit: 's' }),
  c('spectral_range_min', 'double', 'Spectral range, minimum', { unit: 'Hz' }),
  c('spectral_range_max', 'double', 'Spectral range, maximum', { unit: 'Hz' }),
  c('spectral_sampling_step_min', 'double', 'Spectral sampling step, minimum', { unit: 'Hz' }),
  c('spectral_sampling_step_max', 'double', 'Spectral sampling step, maximum', { unit: 'Hz' }),
  c('spectral_resolution_min', 'double', 'Spectral resolution, minimum'),
  c('spectral_resolution_max', 'double', 'Spectral resolution, maximum'),
  c('c1min', 'double', 'Longitude of the ground track, west', { unit: 'deg' }),
  c('c1max', 'double', 'Longitude of the ground track, east', { unit: 'deg' }),
  c('c2min', 'double', 'Latitude of the ground track, south', { unit: 'deg' }),
  c('c2max', 'double', 'Latitude of the ground track, north', { unit: 'deg' }),
  c('c3min', 'double', 'Third coordinate, minimum'),
  c('c3max', 'double', 'Third coordinate, maximum'),
  c('s_region', 'char', 'Footprint (not given)', { xtype: 'polygon' }),
  c('c1_resol_min', 'double', 'Resolution in c1, minimum'),
  c('c1_resol_max', 'double', 'Resolution in c1, maximum'),
  c('c2_resol_min', 'double', 'Resolution in c2, minimum'),
  c('c2_resol_max', 'double', 'Resolution in c2, maximum'),
  c('c3_resol_min', 'double', 'Resolution in c3, minimum'),
  c('c3_resol_max', 'double', 'Resolution in c3, maximum'),
  c('spatial_frame_type', 'char', 'body when the product has a ground track, else none'),
  c('incidence_min', 'double', 'Incidence angle, minimum', { unit: 'deg' }),
  c('incidence_max', 'double', 'Incidence angle, maximum', { unit: 'deg' }),
  c('emergence_min', 'double', 'Emergence angle, minimum', { unit: 'deg' }),
  c('emergence_max', 'double', 'Emergence angle, maximum', { unit: 'deg' }),
  c('phase_min', 'double', 'Phase angle, minimum', { unit: 'deg' }),
  c('phase_max', 'double', 'Phase angle, maximum', { unit: 'deg' }),
  c('instrument_host_name', 'char', 'Spacecraft'),
  c('instrument_name', 'char', 'Instrument'),
  c('service_title', 'char', 'Service title'),
  c('creation_date', 'char', 'When the product was registered', { xtype: 'timestamp' }),
  c('modification_date', 'char', 'When the product was last registered', { xtype: 'timestamp' }),
  c('release_date', 'char', 'When the product is public (end of the embargo; far future when none)', { xtype: 'timestamp' }),
  c('access_url', 'char', 'Download of the product label', {}, false),
  c('access_format', 'char', 'MIME type of access_url', {}, false),
  c('access_estsize', 'int', 'Size of the product files', { unit: 'kbyte' }, false),
  c('file_name', 'char', 'Label file name', {}, false),
  c('route', 'char', 'idoc route (instrument stream) of the product', {}, false),
  c('level', 'char', 'idoc product level (L0, L1, geometry, ancillary)', {}, false),
  c('orbit_number', 'int', 'Orbit number at the product start', {}, false),
  c('quality_gaps', 'int', 'Sequence gaps in the product', {}, false),
  c('quality_crc_errors', 'int', 'Packets with a CRC error', {}, false),
];

export const EPN_COLUMN_NAMES = EPN_COLUMNS.map((x) => x.name);

const JD_UNIX_EPOCH = 2440587.5;
const jd = (iso: string): number => Date.parse(iso) / 86_400_000 + JD_UNIX_EPOCH;
const lon360 = (x: number): number => (x < 0 ? x + 360 : x);

const LEVEL_CODMAC: Record<ProductRecord['level'], number> = { L0: 2, L1: 3, geometry: 6, ancillary: 6 };

/** One epn_core row. `release` is the embargo's end (Unix ms), `base` the service's URL root for access_url. */
export function epnRow(e: CatalogueEntry, release: number | undefined, base: string, spacecraft: string): Record<string, Value> {
  const p = e.record;
  const row: Record<string, Value> = Object.fromEntries(EPN_COLUMN_NAMES.map((n) => [n, null]));
  const bytes = p.files.reduce((s, f) => s + f.bytes, 0);
  const reg = new Date(p.registeredUnixMs).toISOString();
  Object.assign(row, {
    granule_uid: p.lidvid, granule_gid: p.level.toLowerCase(), obs_id: p.productId.replace(/_geometry$/, ''), dataproduct_type: 'ts',
    processing_level: LEVEL_CODMAC[p.level], target_name: p.target ?? null, target_class: p.target ? 'planet' : 'spacecraft',
    time_min: jd(p.start), time_max: jd(p.stop), spatial_frame_type: e.bbox ? 'body' : 'none',
    instrument_host_name: spacecraft, instrument_name: p.instrument ?? null, service_title: 'idoc',
    creation_date: reg, modification_date: reg,
    release_date: new Date(release ?? Date.UTC(9999, 11, 31)).toISOString(),
    access_url: `${base}/catalogue/products/${encodeURIComponent(p.lidvid)}/label`, access_format: 'application/xml',
    access_estsize: Math.ceil(bytes / 1024), file_name: p.label.split('/').pop() ?? p.label,
    route: p.route, level: p.level, orbit_number: p.orbit ?? null,
    quality_gaps: p.quality['sequenceGaps'] ?? p.quality['gaps'] ?? null, quality_crc_errors: p.quality['crcErrors'] ?? null,
  });
  if (e.bbox) {
    const [w, s, east, n] = e.bbox;
    const crosses = w > east;
    Object.assign(row, { c1min: crosses ? lon360(w) : lon360(w), c1max: lon360(east), c2min: s, c2max: n });
    if (!crosses && w < 0 && east >= 0) Object.assign(row, { c1min: 0, c1max: 360 }); // spans the prime meridian in 0…360
  }
  return row;
}
