/**
 * @module The OMEGA-heritage alternative to the PDS4 label: a detached PDS3 ODL label (formats.md §5.2) for an
 * L0 product. `PDS_VERSION_ID = PDS3`, `RECORD_TYPE = UNDEFINED` (the packet file is a byte stream of
 * variable-length packets). As in the PDS4 label, the packet file is one `ARRAY` of octets (PDS3 Standards Reference
 * 3.8 Appendix A.2 ARRAY with an A.14 ELEMENT of 1 byte) and the fixed-record index `TABLE`s say where each packet
 * starts, how long it is and its header fields and times: the label's size does not grow with the packet count or
 * the mix of lengths. Pointers are `^NAME = ("FILE", n <BYTES>)` (1-based byte). The frames file, when present, is
 * an ARRAY too (the frames index table locates each frame). Lines end in CR LF; the label ends with `END`.
 * Deterministic: the text depends only on the input.
 */
import type { IndexTable } from './pds4/l0-index-area.js';
import { qualitySummary, type L0Quality } from './pds4/index.js';

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
  readonly dataFile: { readonly name: string; readonly size: number; readonly md5: string };
  readonly indexFile: { readonly name: string; readonly tables: readonly IndexTable[] };
  readonly framesFile?: { readonly name: string; readonly size: number };
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
  if (input.dataFile.size > 0) tables.push({ pointer: 'PACKET_ARRAY', file: input.dataFile.name, offset: 0 });
  const index = input.indexFile.tables.filter((t) => t.records > 0);
  for (const t of index) tables.push({ pointer: `${t.name.toUpperCase()}_TABLE`, file: input.indexFile.name, offset: t.offset });
  if (input.framesFile && input.framesFile.size > 0) tables.push({ pointer: 'FRAME_ARRAY', file: input.framesFile.name, offset: 0 });
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
  // PDS3 SR A.2: an ARRAY needs AXES, AXIS_ITEMS, NAME and one sub-object (here an A.14 ELEMENT).
  const octets = (name: string, items: number, description: string) => {
    open(name);
    kv('NAME', name);
    kv('AXES', 1);
    kv('AXIS_ITEMS', items);
    kv('DESCRIPTION', quoted(description));
    open('ELEMENT');
    kv('NAME', 'OCTET');
    kv('DATA_TYPE', 'MSB_UNSIGNED_INTEGER');
    kv('BYTES', 1);
    close('ELEMENT');
    close(name);
  };
  if (input.dataFile.size > 0) {
    octets('PACKET_ARRAY', input.dataFile.size, `${input.quality.packets} CCSDS packet(s) end to end (CCSDS 133.0-B-2 space packets, primary header first); PACKET_INDEX_TABLE gives each one's offset and length`);
  }
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
  if (input.framesFile && input.framesFile.size > 0) {
    octets('FRAME_ARRAY', input.framesFile.size, 'Reassembled (and decompressed) frames end to end; the frames index table gives each one\'s offset and length');
  }
  lines.push('END');
  return `${lines.join('\r\n')}\r\n`;
}
