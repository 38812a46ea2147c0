/**
 * @module The PDS4 label (IM 1.26.0.0, `Product_Ancillary`) of the geometry beside an L0 product: the CSV of
 * samples (`Table_Delimited`, PDS DSV 1, after a one-line `Header`) and the ground track GeoJSON (`Stream_Text`,
 * UTF-8), with `Context_Area` (time span, investigation, observing system, target) and a reference to the L0
 * product (`ancillary_to_data`). Element order follows the 1Q00 XSD; no clock is read.
 */
import { leaf, node, serialize, type XmlElement } from './_xml.js';
import { defaultInvestigationLid, identificationArea, labelProlog, rootAttrs, type L0ContextLids } from './l0-label.js';

const byte = { unit: 'byte' } as const;

export interface GeometryLabelInput {
  readonly lid: string;
  readonly vid: string;
  readonly title: string;
  readonly start: string;
  readonly stop: string;
  readonly productTime: string;
  readonly missionName: string;
  readonly instrumentName: string;
  readonly instrumentHostName?: string;
  readonly targetName: string;
  readonly targetType?: string;
  readonly contextLids?: L0ContextLids;
  /** LIDVID of the L0 product it belongs to. */
  readonly dataLidvid: string;
  /** The CSV: name, size, md5, header length (octets), records and the column descriptions. */
  readonly csv: { readonly name: string; readonly size: number; readonly md5: string; readonly headerLength: number; readonly records: number; readonly maxRecordLength: number };
  readonly columns: readonly { readonly name: string; readonly type: string; readonly unit?: string; readonly description: string }[];
  readonly frame: string;
  readonly centralBody: string;
  readonly stepSeconds: number;
  readonly ephemerisFile: string;
  readonly geojson: { readonly name: string; readonly size: number; readonly md5: string };
}

const internalRef = (lid: string | undefined, type: string): XmlElement | undefined =>
  lid === undefined ? undefined : node('Internal_Reference', [leaf('lid_reference', lid), leaf('reference_type', type)]);

/** The label text (UTF-8, LF line ends). Same input → same bytes. */
export function geometryLabel(i: GeometryLabelInput): string {
  const ctx = i.contextLids ?? {};
  const product = node('Product_Ancillary', [
    identificationArea(i.lid, i.vid, i.title, 'Product_Ancillary', i.productTime,
      `Geometry beside L0 product ${i.dataLidvid}, computed by idoc from ${i.ephemerisFile}.`),
    node('Context_Area', [
      node('Time_Coordinates', [leaf('start_date_time', i.start), leaf('stop_date_time', i.stop)]),
      node('Investigation_Area', [
        leaf('name', i.missionName),
        leaf('type', 'Mission'),
        internalRef(ctx.investigation ?? defaultInvestigationLid(i.lid, i.missionName), 'ancillary_to_investigation'),
      ]),
      node('Observing_System', [
        i.instrumentHostName === undefined ? undefined : node('Observing_System_Component', [leaf('name', i.instrumentHostName), leaf('type', 'Host')]),
        node('Observing_System_Component', [leaf('name', i.instrumentName), leaf('type', 'Instrument')]),
      ]),
      node('Target_Identification', [
        leaf('name', i.targetName),
        leaf('type', i.targetType ?? 'Planet'),
        internalRef(ctx.target, 'ancillary_to_target'),
      ]),
    ]),
    node('Reference_List', [
      node('Internal_Reference', [
        leaf('lidvid_reference', i.dataLidvid),
        leaf('reference_type', 'ancillary_to_data'),
        leaf('comment', 'The L0 product whose time span this geometry covers'),
      ]),
    ]),
    node('File_Area_Ancillary', [
      node('File', [
        leaf('file_name', i.csv.name),
        leaf('creation_date_time', i.productTime),
        leaf('file_size', i.csv.size, byte),
        leaf('records', i.csv.records + 1),
        leaf('md5_checksum', i.csv.md5),
      ]),
      node('Header', [
        leaf('name', 'column_names'),
        leaf('offset', 0, byte),
        leaf('object_length', i.csv.headerLength, byte),
        leaf('parsing_standard_id', 'UTF-8 Text'),
        leaf('description', 'One line: the column names, comma-separated.'),
      ]),
      node('Table_Delimited', [
        leaf('name', 'geometry'),
        leaf('offset', i.csv.headerLength, byte),
        leaf('parsing_standard_id', 'PDS DSV 1'),
        leaf('description', `Spacecraft geometry every ${i.stepSeconds} s over the product span (and at its stop time), from ${i.ephemerisFile}. `
          + `Position and velocity in the ephemeris frame ${i.frame}; latitude, longitude, altitude, ground speed and solar elevation over ${i.centralBody} (geodetic, reference ellipsoid WGS-84 for the Earth).`),
        leaf('records', i.csv.records),
        leaf('record_delimiter', 'Carriage-Return Line-Feed'),
        leaf('field_delimiter', 'Comma'),
        node('Record_Delimited', [
          leaf('fields', i.columns.length),
          leaf('groups', 0),
          leaf('maximum_record_length', i.csv.maxRecordLength, byte),
          ...i.columns.map((c, k) => node('Field_Delimited', [
            leaf('name', c.name),
            leaf('field_number', k + 1),
            leaf('data_type', c.type),
            c.unit === undefined ? undefined : leaf('unit', c.unit),
            leaf('description', c.description),
          ])),
        ]),
      ]),
    ]),
    node('File_Area_Ancillary', [
      node('File', [
        leaf('file_name', i.geojson.name),
        leaf('creation_date_time', i.productTime),
        leaf('file_size', i.geojson.size, byte),
        leaf('md5_checksum', i.geojson.md5),
      ]),
      node('Stream_Text', [
        leaf('name', 'ground_track'),
        leaf('offset', 0, byte),
        leaf('object_length', i.geojson.size, byte),
        leaf('parsing_standard_id', 'UTF-8 Text'),
        leaf('description', 'Ground track of the sub-spacecraft point as GeoJSON (RFC 7946): a FeatureCollection of one Feature, a LineString of [longitude, latitude] in degrees, or a MultiLineString split at the antimeridian (RFC 7946 3.1.9).'),
        leaf('record_delimiter', 'Line-Feed'),
      ]),
    ]),
  ], rootAttrs);
  return labelProlog + serialize(product);
}
