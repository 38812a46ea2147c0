/**
 * @module Extra `File_Area_Observational`s of an L0 product (IM 1.26.0.0), added after the packet file's area
 * (passed to `l0Label` as `fileAreas`): the **index file** (one fixed-length record per packet with its offset, header numbers,
 * time and quality flags, and one per reassembled frame) and the **frames file** (reassembled, decompressed
 * source frames; each run of equal-length frames a `Table_Binary` of `UnsignedByte` groups, as for packets).
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

/** A run of `records` equal-length frames back to back from `offset` in the frames file. */
export interface FrameRun {
  readonly offset: number;
  readonly length: number;
  readonly records: number;
}

export interface FramesAreaInput {
  readonly fileName: string;
  readonly size: number;
  readonly md5: string;
  readonly creationDateTime: string;
  readonly comment?: string;
  readonly runs: readonly FrameRun[];
}

/** Group consecutive, contiguous equal-length frames (zero-length frames are left out: no record). */
export function frameRuns(frames: readonly { offset: number; length: number }[]): FrameRun[] {
  const runs: FrameRun[] = [];
  for (const f of frames) {
    if (f.length === 0) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.length === f.length && last.offset + last.length * last.records === f.offset) {
      runs[runs.length - 1] = { ...last, records: last.records + 1 };
    } else {
      runs.push({ offset: f.offset, length: f.length, records: 1 });
    }
  }
  return runs;
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

/** The frames file's `File_Area_Observational`: one table per run of equal-length frames. */
export function framesFileArea(input: FramesAreaInput): XmlElement {
  return node('File_Area_Observational', [
    fileElement(input, input.runs.reduce((n, r) => n + r.records, 0)),
    ...input.runs.map((r, i) => node('Table_Binary', [
      leaf('name', `frames_${i + 1}`),
      leaf('local_identifier', `frames_${i + 1}`),
      leaf('offset', r.offset, byte),
      leaf('records', r.records),
      leaf('description', `${r.records} source frame(s) of ${r.length} octets each, back to back; one record per frame.`),
      node('Record_Binary', [
        leaf('fields', 0),
        leaf('groups', 1),
        leaf('record_length', r.length, byte),
        node('Group_Field_Binary', [
          leaf('name', 'frame_data'),
          leaf('group_number', 1),
          leaf('repetitions', r.length),
          leaf('fields', 1),
          leaf('groups', 0),
          leaf('description', 'Frame octets: decompressed data, or the raw reassembled user data when the frame failed or is incomplete (see the index)'),
          leaf('group_location', 1, byte),
          leaf('group_length', r.length, byte),
          node('Field_Binary', [
            leaf('name', 'octet'),
            leaf('field_number', 1),
            leaf('field_location', 1, byte),
            leaf('data_type', 'UnsignedByte'),
            leaf('field_length', 1, byte),
          ]),
        ]),
      ]),
    ])),
  ]);
}
