/**
 * @module Extra `File_Area_Observational`s of an L0 product (IM 1.26.0.0), added after the packet file's area
 * (passed to `l0Label` as `fileAreas`): the **index file** (one fixed-length record per packet with its offset, header numbers,
 * times, ground fields and quality flags, and one per reassembled frame) and the **frames file** (reassembled, decompressed
 * source frames back to back, one `Array_1D` of octets; each frame's offset and length are in the `frame_index` table).
 * Deterministic: the text depends only on the input.
 */
import { leaf, node, type XmlElement } from './_xml.js';

const byte = { unit: 'byte' } as const;

/** A fixed-size binary field of an index record. */
export interface IndexField {
  readonly name: string;
  readonly dataType: string;
  readonly length: number;
  readonly description: string;
}

/** A fixed-record table inside the index file. */
export interface IndexTable {
  readonly name: string;
  readonly offset: number;
  readonly records: number;
  readonly description: string;
  readonly fields: readonly IndexField[];
}

export interface IndexAreaInput {
  readonly fileName: string;
  readonly size: number;
  readonly md5: string;
  readonly creationDateTime: string;
  readonly comment?: string;
  readonly tables: readonly IndexTable[];
}

export interface FramesAreaInput {
  readonly fileName: string;
  readonly size: number;
  readonly md5: string;
  readonly creationDateTime: string;
  readonly comment?: string;
  /** Frames in the file (records of the `frame_index` table). */
  readonly frames: number;
}

const fileElement = (i: { fileName: string; creationDateTime: string; size: number; md5: string; comment?: string }, records: number): XmlElement =>
  node('File', [
    leaf('file_name', i.fileName),
    leaf('creation_date_time', i.creationDateTime),
    leaf('file_size', i.size, byte),
    leaf('records', records),
    leaf('md5_checksum', i.md5.toLowerCase()),
    i.comment === undefined ? undefined : leaf('comment', i.comment),
  ]);

function indexTable(t: IndexTable): XmlElement {
  let location = 1;
  const recordLength = t.fields.reduce((n, f) => n + f.length, 0);
  return node('Table_Binary', [
    leaf('name', t.name),
    leaf('local_identifier', t.name),
    leaf('offset', t.offset, byte),
    leaf('records', t.records),
    leaf('description', t.description),
    node('Record_Binary', [
      leaf('fields', t.fields.length),
      leaf('groups', 0),
      leaf('record_length', recordLength, byte),
      ...t.fields.map((f, k) => {
        const e = node('Field_Binary', [
          leaf('name', f.name),
          leaf('field_number', k + 1),
          leaf('field_location', location, byte),
          leaf('data_type', f.dataType),
          leaf('field_length', f.length, byte),
          leaf('description', f.description),
        ]);
        location += f.length;
        return e;
      }),
    ]),
  ]);
}

/** The index file's `File_Area_Observational` (tables with at least one record only). */
export function indexFileArea(input: IndexAreaInput): XmlElement {
  const tables = input.tables.filter((t) => t.records > 0);
  return node('File_Area_Observational', [
    fileElement(input, tables.reduce((n, t) => n + t.records, 0)),
    ...tables.map(indexTable),
  ]);
}

/** The frames file's `File_Area_Observational`: one `Array_1D` of octets (constant size, like the packet file's). */
export function framesFileArea(input: FramesAreaInput): XmlElement {
  return node('File_Area_Observational', [
    fileElement(input, input.frames),
    node('Array_1D', [
      leaf('name', 'frame_stream'),
      leaf('local_identifier', 'frame_stream'),
      leaf('offset', 0, byte),
      leaf('axes', 1),
      leaf('axis_index_order', 'Last Index Fastest'),
      leaf('description', `${input.frames} source frame(s) back to back: decompressed data, or the raw reassembled user data when the frame failed or is incomplete. `
        + 'Frame k (from 0) is the octets [frame_offset, frame_offset + frame_length) of this array, from record k of the frame_index table of the index file (status there).'),
      node('Element_Array', [leaf('data_type', 'UnsignedByte')]),
      node('Axis_Array', [leaf('axis_name', 'octet'), leaf('elements', input.size), leaf('sequence_number', 1)]),
    ]),
  ]);
}
