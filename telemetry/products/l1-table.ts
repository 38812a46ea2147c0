/**
 * @module L1 products of decoded parameters: a fixed-width character table (one record per sample time: the
 * UTC time, then one field per parameter: its engineering value) and its PDS4 label (IM 1.26.0.0,
 * `Product_Observational`, `Table_Character` after a one-record `Header` naming the fields). Records end in
 * CR LF (PDS4 IM: `record_delimiter` "Carriage-Return Line-Feed"); fields are right-aligned numbers or
 * left-aligned texts separated by commas, so the file also reads as CSV. Field names, units and descriptions come
 * from the definitions. Processing level (IM 1.26 `processing_level`): `Calibrated` when a parameter has a
 * calibration to physical units, else `Partially Processed` (decoded from packets, not calibrated).
 * Values missing at a time (a parameter of another packet) are the field's `missing_constant`.
 */
import { leaf, node, serialize } from './pds4/_xml.js';
import { defaultInvestigationLid, identificationArea, labelProlog, rootAttrs } from './pds4/l0-label.js';

const byte = { unit: 'byte' } as const;
const CRLF = '\r\n';
const TIME_WIDTH = 27; // YYYY-MM-DDTHH:MM:SS.ffffffZ
/** Missing values of real and integer fields (outside what 64-bit floats of housekeeping hold in practice). */
export const MISSING_REAL = '-1.0E+32';
export const MISSING_INTEGER = '-999999999999999';

/** One parameter column. */
export interface L1Column {
  readonly name: string;
  readonly unit?: string;
  readonly description?: string;
  /** Numbers (engineering values) or texts (enumeration labels, strings); undefined = missing at that time. */
  readonly values: readonly (number | string | undefined)[];
  /** A calibration to physical units was applied. */
  readonly calibrated: boolean;
}

export interface L1TableInput {
  /** UTC times of the records, ISO-8601 with Z and 6 decimals (27 characters). */
  readonly times: readonly string[];
  readonly columns: readonly L1Column[];
}

/** Where a field sits in the record. */
export interface L1Field {
  readonly name: string;
  readonly dataType: 'ASCII_Date_Time_YMD_UTC' | 'ASCII_Real' | 'ASCII_Integer' | 'ASCII_String';
  /** 1-based byte position (PDS4 field_location). */
  readonly location: number;
  readonly length: number;
  readonly unit?: string;
  readonly description?: string;
  readonly missing?: string;
}

export interface L1Table {
  /** The file text (header record, then data records, each ending in CR LF), ASCII. */
  readonly text: string;
  readonly fields: readonly L1Field[];
  /** Record length in bytes, CR LF included. */
  readonly recordLength: number;
  readonly records: number;
  readonly calibrated: boolean;
}

const ascii = (s: string): string => s.replace(/[^\x20-\x7e]|,/g, '_');
const realText = (v: number): string => {
  const s = String(v);
  return /e/.test(s) ? v.toExponential().toUpperCase() : s;
};

/** The table text and its field layout. */
export function l1Table(input: L1TableInput): L1Table {
  const n = input.times.length;
  for (const t of input.times) if (t.length !== TIME_WIDTH) throw new Error(`time "${t}" is not YYYY-MM-DDTHH:MM:SS.ffffffZ`);
  const cols = input.columns.map((c) => {
    if (c.values.length !== n) throw new Error(`${c.name}: ${c.values.length} values for ${n} times`);
    const texts = c.values.some((v) => typeof v === 'string');
    const integers = !texts && c.values.every((v) => v === undefined || (Number.isSafeInteger(v) && String(v) !== MISSING_INTEGER));
    const dataType: L1Field['dataType'] = texts ? 'ASCII_String' : integers ? 'ASCII_Integer' : 'ASCII_Real';
    const missing = texts ? undefined : integers ? MISSING_INTEGER : MISSING_REAL;
    const cells = c.values.map((v) => (v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? missing ?? '' : typeof v === 'number' ? (integers ? String(v) : realText(v)) : ascii(v)));
    const width = Math.max(1, ascii(c.name).length, ...cells.map((s) => s.length));
    return { c, dataType, missing, cells, width };
  });
  const fields: L1Field[] = [{ name: 'UTC', dataType: 'ASCII_Date_Time_YMD_UTC', location: 1, length: TIME_WIDTH, description: 'Packet time (or the chosen time parameter), UTC' }];
  let pos = TIME_WIDTH + 2; // after the comma
  for (const k of cols) {
    fields.push({
      name: k.c.name, dataType: k.dataType, location: pos, length: k.width,
      ...(k.c.unit ? { unit: k.c.unit } : {}), ...(k.c.description ? { description: k.c.description } : {}), ...(k.missing ? { missing: k.missing } : {}),
    });
    pos += k.width + 1;
  }
  const recordLength = pos - 2 + CRLF.length; // pos is past the comma after the last field
  const pad = (s: string, w: number, right: boolean) => (right ? s.padStart(w) : s.padEnd(w));
  const lines: string[] = [];
  lines.push([pad('UTC', TIME_WIDTH, false), ...cols.map((k) => pad(ascii(k.c.name), k.width, false))].join(',') + CRLF);
  for (let r = 0; r < n; r++) {
    lines.push([input.times[r]!, ...cols.map((k) => pad(k.cells[r]!, k.width, k.dataType !== 'ASCII_String'))].join(',') + CRLF);
  }
  return { text: lines.join(''), fields, recordLength, records: n, calibrated: input.columns.some((c) => c.calibrated) };
}

export interface L1LabelInput {
  readonly lid: string;
  readonly vid: string;
  readonly title: string;
  readonly start: string;
  readonly stop: string;
  readonly missionName: string;
  readonly instrumentName: string;
  readonly instrumentHostName?: string;
  readonly targetName: string;
  readonly targetType?: string;
  readonly investigationLid?: string;
  readonly dataFile: { readonly name: string; readonly size: number; readonly md5: string };
  /** When the product was made (ISO Z). */
  readonly productTime: string;
  /** The L0 or packet sources, a free text for the description. */
  readonly source?: string;
}

/** The PDS4 label of an L1 table. Same input → same bytes. */
export function l1Label(input: L1LabelInput, table: L1Table): string {
  const level = table.calibrated ? 'Calibrated' : 'Partially Processed';
  const product = node('Product_Observational', [
    identificationArea(input.lid, input.vid, input.title, 'Product_Observational', input.productTime,
      'L1 product: telemetry parameters decoded from packets with the mission database; generated by idoc.'),
    node('Observation_Area', [
      node('Time_Coordinates', [leaf('start_date_time', input.start), leaf('stop_date_time', input.stop)]),
      node('Primary_Result_Summary', [
        leaf('purpose', 'Engineering'),
        leaf('processing_level', level),
        leaf('description', `${table.fields.length - 1} parameter(s) decoded${table.calibrated ? ' and calibrated to engineering units' : ''}, one record per sample time${input.source ? `; from ${input.source}` : ''}.`),
      ]),
      node('Investigation_Area', [
        leaf('name', input.missionName),
        leaf('type', 'Mission'),
        node('Internal_Reference', [leaf('lid_reference', input.investigationLid ?? defaultInvestigationLid(input.lid, input.missionName)), leaf('reference_type', 'data_to_investigation')]),
      ]),
      node('Observing_System', [
        input.instrumentHostName === undefined ? undefined : node('Observing_System_Component', [leaf('name', input.instrumentHostName), leaf('type', 'Host')]),
        node('Observing_System_Component', [leaf('name', input.instrumentName), leaf('type', 'Instrument')]),
      ]),
      node('Target_Identification', [leaf('name', input.targetName), leaf('type', input.targetType ?? 'Planet')]),
    ]),
    node('File_Area_Observational', [
      node('File', [
        leaf('file_name', input.dataFile.name),
        leaf('creation_date_time', input.productTime),
        leaf('file_size', input.dataFile.size, byte),
        leaf('records', table.records + 1),
        leaf('md5_checksum', input.dataFile.md5.toLowerCase()),
      ]),
      node('Header', [
        leaf('name', 'field_names'),
        leaf('offset', 0, byte),
        leaf('object_length', table.recordLength, byte),
        leaf('parsing_standard_id', '7-Bit ASCII Text'),
        leaf('description', 'One record: the field names, comma-separated, padded to the field widths.'),
      ]),
      node('Table_Character', [
        leaf('name', 'parameters'),
        leaf('offset', table.recordLength, byte),
        leaf('records', table.records),
        leaf('description', 'Engineering values of decoded telemetry parameters, one record per sample time.'),
        leaf('record_delimiter', 'Carriage-Return Line-Feed'),
        node('Record_Character', [
          leaf('fields', table.fields.length),
          leaf('groups', 0),
          leaf('record_length', table.recordLength, byte),
          ...table.fields.map((f, k) => node('Field_Character', [
            leaf('name', f.name),
            leaf('field_number', k + 1),
            leaf('field_location', f.location, byte),
            leaf('data_type', f.dataType),
            leaf('field_length', f.length, byte),
            f.unit === undefined ? undefined : leaf('unit', f.unit),
            f.description === undefined ? undefined : leaf('description', f.description),
            f.missing === undefined ? undefined : node('Special_Constants', [leaf('missing_constant', f.missing)]),
          ])),
        ]),
      ]),
    ]),
  ], rootAttrs);
  return labelProlog + serialize(product);
}
