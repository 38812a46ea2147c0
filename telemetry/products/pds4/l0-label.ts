/**
 * @module The PDS4 label (IM 1.26.0.0, `Product_Observational`) of an L0 raw-telemetry product: one data
 * file of CCSDS Space Packets as received (sorted, deduplicated, nothing decoded), described as one
 * `Array_1D` of octets, and the index file (one fixed-length `Table_Binary` record per packet: its offset
 * and length in that array, header numbers, times, ground fields, quality; `l0-index-area.ts`). The label's
 * size does not depend on the number of packets (see README.md, "Representation"). Mission-specific
 * metadata (spacecraft clock counts, mission phase, orbits, sub-instrument, processing context) goes in a
 * `Mission_Area` as ESA's PSA writes it (`psa:` namespace, `psa-subset.xsd`). Element order and
 * cardinalities follow the 1Q00 XSD. The text depends only on the input: no clock is read.
 */
import { leaf, node, serialize, type XmlElement } from './_xml.js';
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
  /** Packets in the data file (their offsets and lengths are in the index file's `packet_index` table). */
  readonly packetCount: number;
  /** `Primary_Result_Summary/purpose`: `Engineering` for housekeeping streams, `Science` (default) otherwise. */
  readonly purpose?: 'Science' | 'Engineering';
  /** The `Mission_Area` (`psa:` elements, as the PSA writes them); left out when empty. */
  readonly mission?: L0MissionArea;
  /** `Reference_List/Internal_Reference`s (the geometry product, documents), before the source products. */
  readonly references?: readonly { readonly lidReference: string; readonly type: string; readonly comment?: string }[];
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
  /**
   * How the product was made (issue 20), with core IM 1.26 classes only (no PDS4 dictionary of processing
   * history is loaded here): the W3C PROV-JSON document beside the label as an `External_Reference` (its name and
   * sha256; the description says software, configuration digest, inputs with checksums and steps with parameters),
   * and the software and configuration digest in `Modification_Detail/description`.
   */
  readonly provenance?: { readonly fileName: string; readonly sha256: string; readonly software: string; readonly configDigest?: string; readonly description: string };
}

/** Mission_Area content, written with the PSA's element names (`psa:Mission_Information` …). */
export interface L0MissionArea {
  /** Spacecraft clock counts of the first and last packet, e.g. `1/0793930200:26725` (partition/coarse:fine). */
  readonly clockStart?: string;
  readonly clockStop?: string;
  readonly phase?: { readonly name: string; readonly id: string };
  readonly startOrbit?: number;
  readonly stopOrbit?: number;
  readonly subInstrument?: { readonly identifier: string; readonly name: string; readonly type?: string };
  readonly processing?: { readonly software: string; readonly version: string; readonly inputs: readonly { readonly type: string; readonly fileName: string }[] };
}

/** The PSA dictionary namespace (as in the ESA example labels). */
export const PSA_NS = 'http://psa.esa.int/psa/v1';

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

/**
 * The packet data file as one `Array_1D` of octets (IM 1.26 Array_1D: axes 1, `Last Index Fastest`): a
 * generic reader gets the file's bytes, and each packet from the `packet_offset` / `packet_length` fields of
 * the index table. Constant size, whatever the number and lengths of the packets.
 */
function packetStream(size: number, packets: number): XmlElement {
  return node('Array_1D', [
    leaf('name', 'packet_stream'),
    leaf('local_identifier', 'packet_stream'),
    leaf('offset', 0, byte),
    leaf('axes', 1),
    leaf('axis_index_order', 'Last Index Fastest'),
    leaf('description', `${packets} CCSDS Space Packet(s) (CCSDS 133.0-B-2 4.1) of varying lengths, back to back in L0 order, as received: `
      + 'primary header, secondary header, user data and packet error control unchanged. Packet k (from 0) is the octets '
      + '[packet_offset, packet_offset + packet_length) of this array, from record k of the packet_index table of the index file; '
      + 'its first 6 octets are the primary header: version bits 1-3, type 4, secondary header flag 5, APID 6-16, '
      + 'sequence flags 17-18, sequence count 19-32, packet data length 33-48 (bit 1 = most significant).'),
    node('Element_Array', [leaf('data_type', 'UnsignedByte')]),
    node('Axis_Array', [leaf('axis_name', 'octet'), leaf('elements', size), leaf('sequence_number', 1)]),
  ]);
}

const psa = (name: string, v: string | number | undefined): XmlElement | undefined => (v === undefined ? undefined : leaf(`psa:${name}`, v));

function missionArea(m: L0MissionArea | undefined): XmlElement | undefined {
  if (m === undefined) return undefined;
  const info = [psa('spacecraft_clock_start_count', m.clockStart), psa('spacecraft_clock_stop_count', m.clockStop),
    psa('mission_phase_name', m.phase?.name), psa('mission_phase_identifier', m.phase?.id),
    psa('start_orbit_number', m.startOrbit), psa('stop_orbit_number', m.stopOrbit)];
  const kids = [
    info.some((e) => e !== undefined) ? node('psa:Mission_Information', info) : undefined,
    m.subInstrument === undefined ? undefined : node('psa:Sub-Instrument', [
      psa('identifier', m.subInstrument.identifier), psa('name', m.subInstrument.name), psa('type', m.subInstrument.type),
    ]),
    m.processing === undefined ? undefined : node('psa:Processing_Context', [
      psa('processing_software_title', m.processing.software),
      psa('processing_software_version', m.processing.version),
      m.processing.inputs.length === 0 ? undefined : node('psa:Processing_Inputs', m.processing.inputs.map((i) =>
        node('psa:Processing_Input_Identification', [psa('type', i.type), psa('file_name', i.fileName)]))),
    ]),
  ];
  return kids.some((k) => k !== undefined) ? node('Mission_Area', kids) : undefined;
}

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
/** The same with the PSA namespace (labels holding a `Mission_Area`). */
export const rootAttrsPsa = { ...rootAttrs, 'xmlns:psa': PSA_NS } as const;

/** A DOI read back into a label (`Citation_Information/doi`) with the authors the Schematron then requires. */
export interface CitationDoi {
  readonly doi: string;
  readonly authors: readonly { readonly name: string; readonly nameType: 'Personal' | 'Organizational'; readonly orcid?: string; readonly affiliation?: string }[];
}

/** The `Identification_Area` shared by product and collection labels. */
export function identificationArea(
  lid: string, vid: string, title: string, productClass: string, productTime: string, what: string, citation?: string, doi?: CitationDoi,
): XmlElement {
  return node('Identification_Area', [
    leaf('logical_identifier', lid),
    leaf('version_id', vid),
    leaf('title', title),
    leaf('information_model_version', INFORMATION_MODEL_VERSION),
    leaf('product_class', productClass),
    citation === undefined ? undefined : node('Citation_Information', [
      leaf('publication_year', productTime.slice(0, 4)),
      doi === undefined ? undefined : leaf('doi', doi.doi),
      leaf('description', citation),
      // The Schematron requires authors beside a DOI (List_Author: organisations first, then persons, IM 1.26).
      doi === undefined ? undefined : node('List_Author', [
        ...doi.authors.filter((a) => a.nameType === 'Organizational').map((a) => node('Organization', [leaf('organization_name', a.name)])),
        ...doi.authors.filter((a) => a.nameType === 'Personal').map((a) => node('Person', [
          leaf('given_name', a.name.includes(',') ? a.name.split(',').slice(1).join(',').trim() : a.name),
          leaf('family_name', a.name.includes(',') ? a.name.split(',')[0]!.trim() : a.name),
          a.orcid === undefined ? undefined : leaf('person_orcid', a.orcid),
          a.affiliation === undefined ? undefined : node('Affiliation', [leaf('organization_name', a.affiliation)]),
        ])),
      ]),
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
  const records = input.packetCount;
  const mission = missionArea(input.mission);
  const refs = input.references ?? [];
  const sources = input.sourceProducts !== undefined && input.sourceProducts.ids.length > 0 ? input.sourceProducts : undefined;
  const ctx = input.contextLids ?? {};
  const prov = input.provenance;
  const product = node('Product_Observational', [
    identificationArea(input.lid, input.vid, input.title, 'Product_Observational', input.productTime,
      prov === undefined ? 'L0 product: CCSDS packets as received, sorted and deduplicated; generated by idoc.'
        : `L0 product: CCSDS packets as received, sorted and deduplicated; generated by ${prov.software}${prov.configDigest !== undefined ? ` with configuration ${prov.configDigest}` : ''}; provenance in ${prov.fileName}.`),
    node('Observation_Area', [
      leaf('comment', qualitySummary(input.quality)),
      node('Time_Coordinates', [leaf('start_date_time', input.start), leaf('stop_date_time', input.stop)]),
      node('Primary_Result_Summary', [
        leaf('purpose', input.purpose ?? 'Science'),
        leaf('processing_level', input.processingLevel ?? 'Raw'),
        leaf('description', `${qualitySummary(input.quality)} ${records} packet(s) in one octet array, indexed by the packet_index table.`),
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
      mission,
    ]),
    sources === undefined && refs.length === 0 && prov === undefined ? undefined : node('Reference_List', [
      ...refs.map((r) => node('Internal_Reference', [
        leaf(r.lidReference.includes('::') ? 'lidvid_reference' : 'lid_reference', r.lidReference),
        leaf('reference_type', r.type),
        r.comment === undefined ? undefined : leaf('comment', r.comment),
      ])),
      prov === undefined ? undefined : node('External_Reference', [
        leaf('reference_text', `W3C PROV-JSON provenance document ${prov.fileName} beside this label (sha256 ${prov.sha256})`),
        leaf('description', prov.description),
      ]),
      sources === undefined ? undefined : node('Source_Product_External', [
        ...sources.ids.map((id) => leaf('external_source_product_identifier', id)),
        leaf('reference_type', 'data_to_telemetry_source_product'),
        leaf('curating_facility', sources.curatingFacility),
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
      packetStream(input.dataFile.size, records),
    ]),
    ...(input.fileAreas ?? []),
  ], mission === undefined ? rootAttrs : rootAttrsPsa);
  return labelProlog + serialize(product);
}
