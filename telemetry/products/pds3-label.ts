/**
 * @module The OMEGA-heritage alternative to the PDS4 label: a detached PDS3 ODL label (formats.md §5.2) for an
 * L0 product. `PDS_VERSION_ID = PDS3`, `RECORD_TYPE = UNDEFINED` (the packet file is a byte stream of
 * variable-length packets), one binary `TABLE` per run of equal-length packets (as in the PDS4 label) with a
 * `^…_TABLE = ("FILE", n <BYTES>)` pointer (1-based byte), each row a packet: the primary header as a 6-byte
 * column with `BIT_COLUMN`s (CCSDS 133.0-B-2 §4.1.3), then the packet data field as 1-byte items; the index
 * tables, and the frames file's tables when present. Lines end in CR LF; the label ends with `END`.
 * Deterministic: the text depends only on the input.
 */
import type { FrameRun, IndexTable } from './pds4/l0-index-area.js';
import { PRIMARY_HEADER_BITS, qualitySummary, type L0Quality, type PacketRun } from './pds4/index.js';

export interface Pds3LabelInput {
  readonly productId: string;
  readonly version: string;
  readonly dataSetId: string;
  readonly title: string;
  readonly start: string;
  readonly stop: string;
  readonly productTime: string;
  readonly missionName: string;
  readonly instrumentHostName: string;
  readonly instrumentName: string;
  readonly targetName: string;
  readonly quality: L0Quality;
  readonly dataFile: { readonly name: string; readonly size: number; readonly md5: string; readonly runs: readonly PacketRun[] };
  readonly indexFile: { readonly name: string; readonly tables: readonly IndexTable[] };
  readonly framesFile?: { readonly name: string; readonly runs: readonly FrameRun[] };
}

const ODL_TYPES: Readonly<Record<string, string>> = {
  UnsignedByte: 'MSB_UNSIGNED_INTEGER', SignedByte: 'MSB_INTEGER',
  UnsignedMSB2: 'MSB_UNSIGNED_INTEGER', UnsignedMSB4: 'MSB_UNSIGNED_INTEGER', UnsignedMSB8: 'MSB_UNSIGNED_INTEGER',
  SignedMSB4: 'MSB_INTEGER', IEEE754MSBDouble: 'IEEE_REAL',
};

/** PDS3 times: no zone letter (UTC implied), milliseconds. */
const pds3Time = (iso: string): string => iso.replace(/Z$/, '').replace(/(\.\d{3})\d*$/, '$1');
const quoted = (s: string): string => `"${s.replace(/"/g, "'")}"`;

/** The label text (ASCII, CR LF). */
export function pds3Label(input: Pds3LabelInput): string {
  const lines: string[] = [];
  let depth = 0;
  const kv = (k: string, v: string | number) => lines.push(`${'  '.repeat(depth)}${k.padEnd(Math.max(0, 24 - 2 * depth))} = ${v}`);
  const open = (name: string) => { kv('OBJECT', name); depth++; };
  const close = (name: string) => { depth--; kv('END_OBJECT', name); };
  kv('PDS_VERSION_ID', 'PDS3');
  kv('LABEL_REVISION_NOTE', quoted('idoc L0 product label'));
  kv('RECORD_TYPE', 'UNDEFINED');
  const tables: { pointer: string; file: string; offset: number }[] = [];
  input.dataFile.runs.forEach((r, i) => tables.push({ pointer: `PACKETS_${i + 1}_TABLE`, file: input.dataFile.name, offset: r.offset }));
  const index = input.indexFile.tables.filter((t) => t.records > 0);
  for (const t of index) tables.push({ pointer: `${t.name.toUpperCase()}_TABLE`, file: input.indexFile.name, offset: t.offset });
  input.framesFile?.runs.forEach((r, i) => tables.push({ pointer: `FRAMES_${i + 1}_TABLE`, file: input.framesFile!.name, offset: r.offset }));
  for (const t of tables) kv(`^${t.pointer}`, `(${quoted(t.file)}, ${t.offset + 1} <BYTES>)`);
  kv('DATA_SET_ID', quoted(input.dataSetId));
  kv('PRODUCT_ID', quoted(input.productId));
  kv('PRODUCT_VERSION_ID', quoted(input.version));
  kv('PRODUCT_TYPE', 'EDR');
  kv('PRODUCT_CREATION_TIME', pds3Time(input.productTime));
  kv('MISSION_NAME', quoted(input.missionName));
  kv('INSTRUMENT_HOST_NAME', quoted(input.instrumentHostName));
  kv('INSTRUMENT_NAME', quoted(input.instrumentName));
  kv('TARGET_NAME', quoted(input.targetName.toUpperCase()));
  kv('START_TIME', pds3Time(input.start));
  kv('STOP_TIME', pds3Time(input.stop));
  kv('PROCESSING_LEVEL_ID', 1);
  kv('MD5_CHECKSUM', quoted(input.dataFile.md5.toLowerCase()));
  kv('FILE_RECORDS', input.quality.packets);
  kv('DESCRIPTION', quoted(`${input.title}. ${qualitySummary(input.quality)}`));
  input.dataFile.runs.forEach((r, i) => {
    const name = `PACKETS_${i + 1}_TABLE`;
    open(name);
    kv('INTERCHANGE_FORMAT', 'BINARY');
    kv('ROWS', r.records);
    kv('COLUMNS', 2);
    kv('ROW_BYTES', r.length);
    kv('DESCRIPTION', quoted(`${r.records} CCSDS packet(s) of ${r.length} octets each`));
    open('COLUMN');
    kv('NAME', 'PRIMARY_HEADER');
    kv('DATA_TYPE', 'MSB_BIT_STRING');
    kv('START_BYTE', 1);
    kv('BYTES', 6);
    for (const b of PRIMARY_HEADER_BITS) {
      open('BIT_COLUMN');
      kv('NAME', b.name.toUpperCase());
      kv('BIT_DATA_TYPE', 'MSB_UNSIGNED_INTEGER');
      kv('START_BIT', b.start);
      kv('BITS', b.stop - b.start + 1);
      close('BIT_COLUMN');
    }
    close('COLUMN');
    open('COLUMN');
    kv('NAME', 'PACKET_DATA_FIELD');
    kv('DATA_TYPE', 'MSB_UNSIGNED_INTEGER');
    kv('START_BYTE', 7);
    kv('BYTES', r.length - 6);
    kv('ITEMS', r.length - 6);
    kv('ITEM_BYTES', 1);
    close('COLUMN');
    close(name);
  });
  for (const t of index) {
    const name = `${t.name.toUpperCase()}_TABLE`;
    open(name);
    kv('INTERCHANGE_FORMAT', 'BINARY');
    kv('ROWS', t.records);
    kv('COLUMNS', t.fields.length);
    kv('ROW_BYTES', t.fields.reduce((n, f) => n + f.length, 0));
    kv('DESCRIPTION', quoted(t.description));
    let start = 1;
    for (const f of t.fields) {
      open('COLUMN');
      kv('NAME', f.name.toUpperCase());
      kv('DATA_TYPE', ODL_TYPES[f.dataType] ?? 'MSB_UNSIGNED_INTEGER');
      kv('START_BYTE', start);
      kv('BYTES', f.length);
      kv('DESCRIPTION', quoted(f.description));
      close('COLUMN');
      start += f.length;
    }
    close(name);
  }
  input.framesFile?.runs.forEach((r, i) => {
    const name = `FRAMES_${i + 1}_TABLE`;
    open(name);
    kv('INTERCHANGE_FORMAT', 'BINARY');
    kv('ROWS', r.records);
    kv('COLUMNS', 1);
    kv('ROW_BYTES', r.length);
    open('COLUMN');
    kv('NAME', 'FRAME_DATA');
    kv('DATA_TYPE', 'MSB_UNSIGNED_INTEGER');
    kv('START_BYTE', 1);
    kv('BYTES', r.length);
    kv('ITEMS', r.length);
    kv('ITEM_BYTES', 1);
    close('COLUMN');
    close(name);
  });
  lines.push('END');
  return `${lines.join('\r\n')}\r\n`;
}
