/**
 * @module The three PDS4 representations of variable-length packets (formats-wave2.md §7.3, README "Representation")
 * compared on real packet mixes (`../shared/samples`) and a synthetic 1,000,000-packet mixed-length day: size on
 * disk and label size of each. Labels are rendered, not estimated: the chosen one with `l0Label` and the index
 * area, the others with the same writer and the Table_Binary of §7.3 (primary header bit fields + octet group).
 * Run: `node dist/bench/l0-representations.js [SAMPLES_DIR]` (default `../shared/samples` beside the repo).
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openPacketFile } from '../telemetry/framing/index.js';
import { PACKET_INDEX_FIELDS, PACKET_RECORD_LENGTH } from '../telemetry/products/index-file.js';
import { leaf, node, serialize } from '../telemetry/products/pds4/_xml.js';
import { indexFileArea } from '../telemetry/products/pds4/l0-index-area.js';
import { l0Label, PRIMARY_HEADER_BITS } from '../telemetry/products/pds4/l0-label.js';
import { mixedDay } from './l0-fresh.bench.js';

const byte = { unit: 'byte' } as const;
/** A File_Area_Observational holding one Table_Binary of `records` packets of `length` octets (layout 1 of §7.3). */
const lengthArea = (length: number, records: number): string => serialize(node('File_Area_Observational', [
  node('File', [leaf('file_name', `product_len${length}.dat`), leaf('creation_date_time', '2026-01-02T00:00:00.000Z'), leaf('file_size', length * records, byte), leaf('records', records), leaf('md5_checksum', '0'.repeat(32))]),
  node('Table_Binary', [leaf('name', `packets_${length}`), leaf('offset', 0, byte), leaf('records', records),
    node('Record_Binary', [leaf('fields', 1), leaf('groups', 1), leaf('record_length', length, byte),
      node('Field_Binary', [leaf('name', 'primary_header'), leaf('field_number', 1), leaf('field_location', 1, byte), leaf('data_type', 'UnsignedBitString'), leaf('field_length', 6, byte),
        node('Packed_Data_Fields', [leaf('bit_fields', PRIMARY_HEADER_BITS.length), ...PRIMARY_HEADER_BITS.map((b, i) => node('Field_Bit', [leaf('name', b.name), leaf('field_number', i + 1), leaf('start_bit_location', b.start), leaf('stop_bit_location', b.stop), leaf('data_type', 'UnsignedBitString')]))])]),
      node('Group_Field_Binary', [leaf('group_number', 1), leaf('repetitions', length - 6), leaf('fields', 1), leaf('groups', 0), leaf('group_location', 7, byte), leaf('group_length', length - 6, byte),
        node('Field_Binary', [leaf('name', 'octet'), leaf('field_number', 2), leaf('field_location', 1, byte), leaf('data_type', 'UnsignedByte'), leaf('field_length', 1, byte)])])])]),
]), 1);

interface Mix { name: string; lengths: number[] }

function compare(m: Mix): string {
  const n = m.lengths.length;
  const bytes = m.lengths.reduce((a, b) => a + b, 0);
  const distinct = new Map<number, number>();
  for (const l of m.lengths) distinct.set(l, (distinct.get(l) ?? 0) + 1);
  let runs = 0;
  for (let i = 0; i < n; i++) if (i === 0 || m.lengths[i] !== m.lengths[i - 1]) runs++;
  const max = m.lengths.reduce((a, b) => Math.max(a, b), 0);
  const base = {
    lid: 'urn:esa:psa:bench:data_raw:x_l0_20260101', vid: '1.0', title: 'x', start: '2026-01-01T00:00:00.000Z', stop: '2026-01-01T23:59:59.000Z',
    missionName: 'M', instrumentName: 'I', targetName: 'Earth', productTime: '2026-01-02T00:00:00.000Z',
    quality: { packets: n, gaps: 0, crcErrors: 0, decompressionFailures: 0 },
  };
  const index = indexFileArea({ fileName: 'x_index.dat', size: n * PACKET_RECORD_LENGTH, md5: '0'.repeat(32), creationDateTime: base.productTime, tables: [{ name: 'packet_index', offset: 0, records: n, description: 'One record per packet.', fields: PACKET_INDEX_FIELDS }] });
  const chosen = l0Label({ ...base, dataFile: { name: 'x.dat', size: bytes, md5: '0'.repeat(32) }, packetCount: n, fileAreas: [index] }).length;
  const skeleton = chosen - serialize(index, 1).length; // the label without any packet description but the array
  const perLength = [...distinct].reduce((s, [len, c]) => s + lengthArea(len, c).length, skeleton) + serialize(index, 1).length;
  const padded = skeleton + lengthArea(max, n).length;
  const perRun = skeleton + runs * (lengthArea(100, 100).length - 120); // the former label: one table per run, in the one file
  const kb = (x: number) => `${(x / 1024).toFixed(1)} KiB`;
  const mbs = (x: number) => `${(x / 1e6).toFixed(2)} MB`;
  return `| ${m.name} | ${n.toLocaleString('en')} | ${distinct.size} | ${runs.toLocaleString('en')} | ${mbs(bytes)} `
    + `| ${mbs(bytes + n * PACKET_RECORD_LENGTH)}, ${kb(chosen)} `
    + `| ${mbs(bytes + n * PACKET_RECORD_LENGTH)} in ${distinct.size + 1} files, ${kb(perLength)} `
    + `| ${mbs(n * max)}, ${kb(padded)} `
    + `| ${kb(perRun)} |`;
}

async function lengthsOf(file: string): Promise<number[]> {
  const src = await openPacketFile(file, { framing: 'auto', crc: 'auto' });
  const out: number[] = [];
  for await (const b of src.batches) for (const p of b.packets) out.push(p.length);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples');
  const mixes: Mix[] = [];
  for (const [name, f] of [['IMAP Lo', 'imap_lo_l0_raw_20240627_v001.pkts'], ['IMAP CoDICE HK', 'imap_codice_l0_hskp_20100101_v001.pkts'], ['CTIM', 'ccsds_2021_155_14_39_51'], ['SERENA (DDS)', '2015-04-22_tm.dds']] as const) {
    const file = path.join(dir, f);
    if (existsSync(file)) mixes.push({ name, lengths: await lengthsOf(file) });
    else process.stderr.write(`${file}: absent, left out\n`);
  }
  mixes.push({ name: 'synthetic day (mixed lengths)', lengths: Array.from(mixedDay(1_000_000), (p) => p.bytes.length) });
  process.stdout.write('| mix | packets | distinct lengths | runs of equal length | packet bytes | chosen: stream + index (data, label) | one table per length (data, label) | padded records (data, label) | former: table per run (label) |\n|---|---|---|---|---|---|---|---|---|\n');
  for (const m of mixes) process.stdout.write(`${compare(m)}\n`);
}
