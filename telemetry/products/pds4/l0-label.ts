/**
 * @module The PDS4 label (IM 1.26.0.0, `Product_Observational`) of an L0 raw-telemetry product: one data
 * file of CCSDS Space Packets as received (sorted, deduplicated, nothing decoded). Each run of
 * consecutive equal-length packets is a `Table_Binary` (see `packet-runs.ts` and README.md); a record
 * is one packet: the 6-octet primary header as `Packed_Data_Fields` (CCSDS 133.0-B-2 §4.1.3) and the
 * packet data field as a group of `UnsignedByte` fields. Element order and cardinalities follow the
 * 1Q00 XSD. The text depends only on the input: no clock is read.
 */
import { leaf, node, serialize, templated, type XmlElement } from './_xml.js';
import { packetRuns, type PacketRun, type PacketSpan } from './packet-runs.js';
import { INFORMATION_MODEL_VERSION, PDS4_SCH_FILE, PDS4_XSD_FILE } from './schema-dir.js';

export const PDS_NS = 'http://pds.nasa.gov/pds4/pds/v1';
/** The canonical schema locations written into labels (formats.md §5.1). */
export const PDS4_XSD_URL = `https://pds.nasa.gov/pds4/pds/v1/${PDS4_XSD_FILE}`;
export const PDS4_SCH_URL = `https://pds.nasa.gov/pds4/pds/v1/${PDS4_SCH_FILE}`;

/** Packet counts that describe the product's quality (from the ingest checks). */
export interface L0Quality {
  readonly packets: number;
  /** Sequence-count gaps found. */
  readonly gaps: number;
  readonly crcErrors: number;
  readonly decompressionFailures: number;
}

/**
 * Context-product LIDs for `Internal_Reference`s. The XSD requires one under `Investigation_Area`:
 * when not given it is `<urn:agency:authority of the product LID>:context:investigation:mission.<mission>`
 * (the PSA form, e.g. `urn:esa:psa:context:investigation:mission.em16`). The others are written only when given.
 */
export interface L0ContextLids {
  readonly investigation?: string;
  readonly instrumentHost?: string;
  readonly instrument?: string;
  readonly target?: string;
}

export interface L0LabelInput {
  /** Product LID, `urn:<agency>:<authority>:<bundle>:<collection>:<product>`, lower case. */
  readonly lid: string;
  /** Version id `M.n`. */
  readonly vid: string;
  readonly title: string;
  /** First and last packet time, ISO-8601 UTC ending in `Z`. */
  readonly start: string;
  readonly stop: string;
  readonly missionName: string;
  readonly instrumentName: string;
  /** Spacecraft; written as an `Observing_System_Component` of type `Host` when given. */
  readonly instrumentHostName?: string;
  readonly targetName: string;
  /** `Target_Identification/type` (a Schematron enumeration). Default `Planet`. */
  readonly targetType?: string;
  readonly dataFile: { readonly name: string; readonly size: number; readonly md5: string; readonly creationDateTime?: string };
  /** Packet positions in the data file, in file order (or already grouped runs). */
  readonly packets: readonly PacketSpan[] | { readonly runs: readonly PacketRun[] };
  readonly quality: L0Quality;
  /** When the product was made (ISO Z): `File/creation_date_time` default and `Modification_Detail` date. */
  readonly productTime: string;
  /** Default `Raw` (the L0 issue asks for it; see README.md); `Telemetry` for a packetized-stream product. */
  readonly processingLevel?: 'Telemetry' | 'Raw';
  /** Default `Mission`. */
  readonly investigationType?: string;
  readonly contextLids?: L0ContextLids;
  /**
   * The delivered telemetry files this product was built from (`Source_Product_External`,
   * `data_to_telemetry_source_product`); the Schematron requires a curating facility (or a DOI).
   */
  readonly sourceProducts?: { readonly ids: readonly string[]; readonly curatingFacility: string };
  /** Further `File_Area_Observational`s after the packet file's (the index and frames files: `l0-index-area.ts`). */
  readonly fileAreas?: readonly XmlElement[];
}

/** `1…n` bit positions of the primary header inside its 6-octet field (CCSDS 133.0-B-2 §4.1.3, bit 1 = MSB). */
export const PRIMARY_HEADER_BITS: readonly { name: string; start: number; stop: number; description: string }[] = [
  { name: 'packet_version_number', start: 1, stop: 3, description: 'CCSDS packet version number, 0 for version 1 (CCSDS 133.0-B-2 4.1.3.2)' },
  { name: 'packet_type', start: 4, stop: 4, description: '0 telemetry, 1 telecommand (4.1.3.3.2)' },
  { name: 'secondary_header_flag', start: 5, stop: 5, description: '1 when a secondary header follows (4.1.3.3.3)' },
  { name: 'apid', start: 6, stop: 16, description: 'application process identifier; 2047 = idle (4.1.3.3.4)' },
  { name: 'sequence_flags', start: 17, stop: 18, description: '3 unsegmented, 1 first, 0 continuation, 2 last (4.1.3.4.2)' },
  { name: 'packet_sequence_count', start: 19, stop: 32, description: 'per-APID counter modulo 16384 (4.1.3.4.3)' },
  { name: 'packet_data_length', start: 33, stop: 48, description: 'octets in the packet data field minus 1 (4.1.3.5)' },
];

const byte = { unit: 'byte' } as const;

/** One `Table_Binary` for a run of equal-length packets (rendered from a template: labels may hold thousands). */
function packetTable(run: PacketRun, index: number): XmlElement {
  return packetTableOf([index + 1, run.offset, run.records, run.length, run.length - 6]);
}

const packetTableOf = templated('Table_Binary', (v) => {
  const [index, offset, records, length, dataLength] = [v(0), v(1), v(2), v(3), v(4)];
  return node('Table_Binary', [
    leaf('name', `packets_${index}`),
    leaf('local_identifier', `packets_${index}`),
    leaf('offset', offset, byte),
    leaf('records', records),
    leaf('description', `${records} CCSDS packet(s) of ${length} octets each, back to back; one record per packet.`),
    node('Record_Binary', [
      leaf('fields', 1),
      leaf('groups', 1),
      leaf('record_length', length, byte),
      node('Field_Binary', [
        leaf('name', 'primary_header'),
        leaf('field_number', 1),
        leaf('field_location', 1, byte),
        leaf('data_type', 'UnsignedBitString'),
        leaf('field_length', 6, byte),
        leaf('description', 'CCSDS Space Packet primary header (CCSDS 133.0-B-2 4.1.3), big-endian'),
        node('Packed_Data_Fields', [
          leaf('bit_fields', PRIMARY_HEADER_BITS.length),
          ...PRIMARY_HEADER_BITS.map((b, i) => node('Field_Bit', [
            leaf('name', b.name),
            leaf('field_number', i + 1),
            leaf('start_bit_location', b.start),
            leaf('stop_bit_location', b.stop),
            leaf('data_type', 'UnsignedBitString'),
            leaf('description', b.description),
          ])),
        ]),
      ]),
      node('Group_Field_Binary', [
        leaf('name', 'packet_data_field'),
        leaf('group_number', 1),
        leaf('repetitions', dataLength),
        leaf('fields', 1),
        leaf('groups', 0),
        leaf('description', 'Packet data field (secondary header, user data, packet error control) as octets, unchanged'),
        leaf('group_location', 7, byte),
        leaf('group_length', dataLength, byte),
        node('Field_Binary', [
          leaf('name', 'octet'),
          leaf('field_number', 2),
          leaf('field_location', 1, byte),
          leaf('data_type', 'UnsignedByte'),
          leaf('field_length', 1, byte),
        ]),
      ]),
    ]),
  ]);
});

/** The one-line quality summary written into the label. */
export const qualitySummary = (q: L0Quality): string =>
  `L0 quality: packets=${q.packets}, sequence_gaps=${q.gaps}, crc_errors=${q.crcErrors}, decompression_failures=${q.decompressionFailures}.`;

const internalRef = (lid: string | undefined, type: string): XmlElement | undefined =>
  lid === undefined ? undefined : node('Internal_Reference', [leaf('lid_reference', lid), leaf('reference_type', type)]);

/** `urn:esa:psa:…` + `JUICE` → `urn:esa:psa:context:investigation:mission.juice`. */
export function defaultInvestigationLid(productLid: string, missionName: string): string {
  const prefix = productLid.split(':').slice(0, 3).join(':');
  const id = missionName.toLowerCase().replace(/[^a-z0-9._-]+/g, '_');
  return `${prefix}:context:investigation:mission.${id}`;
}

/** XML declaration, Schematron processing instruction, and the product element's attributes. */
export const labelProlog = `<?xml version="1.0" encoding="UTF-8"?>\n<?xml-model href="${PDS4_SCH_URL}" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n`;
export const rootAttrs = {
  xmlns: PDS_NS,
  'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
  'xsi:schemaLocation': `${PDS_NS} ${PDS4_XSD_URL}`,
} as const;

/** The `Identification_Area` shared by product and collection labels. */
export function identificationArea(
  lid: string, vid: string, title: string, productClass: string, productTime: string, what: string, citation?: string,
): XmlElement {
  return node('Identification_Area', [
    leaf('logical_identifier', lid),
    leaf('version_id', vid),
    leaf('title', title),
    leaf('information_model_version', INFORMATION_MODEL_VERSION),
    leaf('product_class', productClass),
    citation === undefined ? undefined : node('Citation_Information', [
      leaf('publication_year', productTime.slice(0, 4)),
      leaf('description', citation),
    ]),
    node('Modification_History', [
      node('Modification_Detail', [
        leaf('modification_date', productTime.slice(0, 10)),
        leaf('version_id', vid),
        leaf('description', what),
      ]),
    ]),
  ]);
}

/** The label text (UTF-8, LF line ends) of an L0 product. Same input → same bytes. */
export function l0Label(input: L0LabelInput): string {
  const runs = 'runs' in input.packets ? [...input.packets.runs] : packetRuns(input.packets);
  const records = runs.reduce((n, r) => n + r.records, 0);
  const ctx = input.contextLids ?? {};
  const product = node('Product_Observational', [
    identificationArea(input.lid, input.vid, input.title, 'Product_Observational', input.productTime,
      'L0 product: CCSDS packets as received, sorted and deduplicated; generated by idoc.'),
    node('Observation_Area', [
      leaf('comment', qualitySummary(input.quality)),
      node('Time_Coordinates', [leaf('start_date_time', input.start), leaf('stop_date_time', input.stop)]),
      node('Primary_Result_Summary', [
        leaf('purpose', 'Science'),
        leaf('processing_level', input.processingLevel ?? 'Raw'),
        leaf('description', `${qualitySummary(input.quality)} ${records} packet(s) in ${runs.length} table(s) of equal-length packets.`),
      ]),
      node('Investigation_Area', [
        leaf('name', input.missionName),
        leaf('type', input.investigationType ?? 'Mission'),
        internalRef(ctx.investigation ?? defaultInvestigationLid(input.lid, input.missionName), 'data_to_investigation'),
      ]),
      node('Observing_System', [
        input.instrumentHostName === undefined ? undefined : node('Observing_System_Component', [
          leaf('name', input.instrumentHostName),
          leaf('type', 'Host'),
          internalRef(ctx.instrumentHost, 'is_instrument_host'),
        ]),
        node('Observing_System_Component', [
          leaf('name', input.instrumentName),
          leaf('type', 'Instrument'),
          internalRef(ctx.instrument, 'is_instrument'),
        ]),
      ]),
      node('Target_Identification', [
        leaf('name', input.targetName),
        leaf('type', input.targetType ?? 'Planet'),
        internalRef(ctx.target, 'data_to_target'),
      ]),
    ]),
    input.sourceProducts === undefined || input.sourceProducts.ids.length === 0 ? undefined : node('Reference_List', [
      node('Source_Product_External', [
        ...input.sourceProducts.ids.map((id) => leaf('external_source_product_identifier', id)),
        leaf('reference_type', 'data_to_telemetry_source_product'),
        leaf('curating_facility', input.sourceProducts.curatingFacility),
        leaf('description', 'Delivered telemetry file(s) the packets were taken from'),
      ]),
    ]),
    node('File_Area_Observational', [
      node('File', [
        leaf('file_name', input.dataFile.name),
        leaf('creation_date_time', input.dataFile.creationDateTime ?? input.productTime),
        leaf('file_size', input.dataFile.size, byte),
        leaf('records', records),
        leaf('md5_checksum', input.dataFile.md5.toLowerCase()),
        leaf('comment', qualitySummary(input.quality)),
      ]),
      ...runs.map(packetTable),
    ]),
    ...(input.fileAreas ?? []),
  ], rootAttrs);
  return labelProlog + serialize(product);
}
