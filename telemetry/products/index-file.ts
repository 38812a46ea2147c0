/**
 * @module The index file of an L0 product: fixed-length big-endian records, first one per packet (in data-file
 * order), then one per reassembled frame. It carries what a reader needs without parsing the packets: where each
 * packet is, its header numbers, its time and its quality flags; and where each frame is in the frames file,
 * with its status. The field lists are data, written into the label as they are encoded here.
 */
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { emptyTimes, packetTimesFor } from './packet-times.js';
import type { IndexField, IndexTable } from './pds4/l0-index-area.js';
import { QUALITY_FLAG_DESCRIPTIONS, type L0Frame, type L0Packet } from './types.js';

const flagList = QUALITY_FLAG_DESCRIPTIONS.map((d) => `bit ${d.bit} (value ${1 << d.bit}) ${d.name}: ${d.meaning}`).join('; ');

/** Fields of a packet record (63 octets). The times come from `packetTimesFor` (`packet-times.ts`). */
export const PACKET_INDEX_FIELDS: readonly IndexField[] = [
  { name: 'packet_offset', dataType: 'UnsignedMSB8', length: 8, description: 'Offset of the packet in the packet data file, octets from 0' },
  { name: 'packet_length', dataType: 'UnsignedMSB4', length: 4, description: 'Packet length, octets (primary header packet_data_length + 7, CCSDS 133.0-B-2 4.1.3.5)' },
  { name: 'apid', dataType: 'UnsignedMSB2', length: 2, description: 'Application process identifier (CCSDS 133.0-B-2 4.1.3.3.4)' },
  { name: 'sequence_count', dataType: 'UnsignedMSB2', length: 2, description: 'Packet sequence count, modulo 16384' },
  { name: 'sequence_flags', dataType: 'UnsignedByte', length: 1, description: '3 unsegmented, 1 first, 0 continuation, 2 last segment' },
  { name: 'crc_status', dataType: 'UnsignedByte', length: 1, description: '0 no PEC checked, 1 PEC correct, 2 PEC wrong' },
  { name: 'quality_flags', dataType: 'UnsignedMSB4', length: 4, description: `Quality flags, 0 when clean: ${flagList}` },
  { name: 'obt_raw', dataType: 'UnsignedMSB8', length: 8, description: 'On-board time as received: the secondary header time field (CCSDS 301.0-B-4 CUC or CDS T-field) read as one big-endian unsigned integer of its first 8 octets at most (CUC 4+2: coarse times 65536 plus fine); 0 when the packet has no on-board time' },
  { name: 'packet_time_tai', dataType: 'IEEE754MSBDouble', length: 8, description: 'Packet time on the mission time axis the product is sorted and windowed by (UTC from on-board time where synchronised, else the ground time), TAI seconds since 1958-01-01T00:00:00 TAI; -1 when none is known' },
  { name: 'utc_from_obt_tai', dataType: 'IEEE754MSBDouble', length: 8, description: 'UTC from on-board time through the time correlation, TAI seconds since 1958-01-01T00:00:00 TAI; -1 when not used (see time_status)' },
  { name: 'time_status', dataType: 'UnsignedByte', length: 1, description: 'How packet_time_tai was found: 0 on-board time synchronised (UTC from on-board time), 1 no on-board time, 2 on-board time not covered by a time correlation, 3 on-board time implausible, 4 on-board clock flagged not synchronised by the header, 5 ground time axis chosen; 1 to 5: packet_time_tai is the ground time' },
  { name: 'ground_time_tai', dataType: 'IEEE754MSBDouble', length: 8, description: 'Ground time (DDS header time, else the time the packet was received), TAI seconds since 1958; -1 when not known' },
  { name: 'ground_station', dataType: 'UnsignedMSB2', length: 2, description: 'DDS header ground station identifier; 0 without a DDS header' },
  { name: 'virtual_channel', dataType: 'UnsignedMSB2', length: 2, description: 'DDS header virtual channel; 0 without a DDS header' },
  { name: 'frame_number', dataType: 'SignedMSB4', length: 4, description: 'Record number (from 0) of the frame this packet belongs to in the frame_index table, -1 when none' },
];

/** Fields of a frame record (44 octets). */
export const FRAME_INDEX_FIELDS: readonly IndexField[] = [
  { name: 'frame_offset', dataType: 'UnsignedMSB8', length: 8, description: 'Offset of the frame in the frames data file, octets from 0' },
  { name: 'frame_length', dataType: 'UnsignedMSB4', length: 4, description: 'Frame length in the frames file, octets' },
  { name: 'apid', dataType: 'UnsignedMSB2', length: 2, description: 'APID of its packets' },
  { name: 'status', dataType: 'UnsignedByte', length: 1, description: '0 complete and decoded, 1 complete but decompression or its checks failed (raw user data kept), 2 incomplete (raw segments kept)' },
  { name: 'codec', dataType: 'SignedByte', length: 1, description: 'Science-frame codec: 0 none, 1 lz4, 2 zstd, -1 not read' },
  { name: 'frame_id', dataType: 'SignedMSB4', length: 4, description: 'Science-frame id from its header, -1 when not read' },
  { name: 'first_packet', dataType: 'UnsignedMSB4', length: 4, description: 'Record number (from 0) of its first packet in the packet table' },
  { name: 'segments', dataType: 'UnsignedMSB4', length: 4, description: 'Number of packets (segments) it was made of' },
  { name: 'start_time_tai', dataType: 'IEEE754MSBDouble', length: 8, description: 'Time of its first packet, TAI seconds since 1958; -1 when none' },
  { name: 'stop_time_tai', dataType: 'IEEE754MSBDouble', length: 8, description: 'Time of its last packet, TAI seconds since 1958; -1 when none' },
];

const recordLength = (fields: readonly IndexField[]): number => fields.reduce((n, f) => n + f.length, 0);
export const PACKET_RECORD_LENGTH = recordLength(PACKET_INDEX_FIELDS);
export const FRAME_RECORD_LENGTH = recordLength(FRAME_INDEX_FIELDS);

const STATUS = { ok: 0, failed: 1, incomplete: 2 } as const;
const CRC = { none: 0, ok: 1, bad: 2 } as const;

/** The encoded index and the table descriptions for the label. */
export interface EncodedIndex {
  readonly bytes: Uint8Array;
  readonly tables: readonly IndexTable[];
}

/**
 * Encode the index. `packetOffsets[i]` is packet i's offset in the data file; `frameOffsets[k]` frame k's
 * offset in the frames file (ignored when frames are not written: then frame offsets are written as 0).
 */
export function encodeIndex(
  packets: readonly L0Packet[], flags: Uint32Array, packetOffsets: Float64Array,
  frames: readonly L0Frame[], frameOffsets: Float64Array | undefined, profile: PacketProfile,
): EncodedIndex {
  const timesOf = packetTimesFor(profile);
  const t = emptyTimes();
  const frameOf = new Int32Array(packets.length).fill(-1);
  for (let k = 0; k < frames.length; k++) for (const i of frames[k]!.packetIndices) frameOf[i] = k;
  const packetBytes = packets.length * PACKET_RECORD_LENGTH;
  // One preallocated buffer, fixed records; 64-bit offsets as two 32-bit halves (no BigInt per record).
  // In shared memory: hashed in a worker thread while it is written (`_md5.ts`).
  const bytes = new Uint8Array(new SharedArrayBuffer(packetBytes + frames.length * FRAME_RECORD_LENGTH));
  const v = new DataView(bytes.buffer);
  const u64 = (o: number, x: number): void => { v.setUint32(o, Math.floor(x / 4294967296)); v.setUint32(o + 4, x >>> 0); };
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i]!;
    const o = i * PACKET_RECORD_LENGTH;
    u64(o, packetOffsets[i]!);
    v.setUint32(o + 8, p.bytes.length);
    v.setUint16(o + 12, p.apid);
    v.setUint16(o + 14, p.sequenceCount);
    bytes[o + 16] = p.sequenceFlags & 3;
    bytes[o + 17] = CRC[p.crc];
    v.setUint32(o + 18, flags[i]!);
    timesOf(p, t);
    v.setUint32(o + 22, t.obtHigh);
    v.setUint32(o + 26, t.obtLow);
    v.setFloat64(o + 30, t.packetTai);
    v.setFloat64(o + 38, t.utcTai);
    bytes[o + 46] = t.status;
    v.setFloat64(o + 47, t.groundTai);
    v.setUint16(o + 55, t.station);
    v.setUint16(o + 57, t.virtualChannel);
    v.setInt32(o + 59, frameOf[i]!);
  }
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k]!;
    const o = packetBytes + k * FRAME_RECORD_LENGTH;
    u64(o, frameOffsets?.[k] ?? 0);
    v.setUint32(o + 8, f.data.length);
    v.setUint16(o + 12, f.apid);
    v.setUint8(o + 14, STATUS[f.status]);
    v.setInt8(o + 15, f.codec);
    v.setInt32(o + 16, f.frameId);
    v.setUint32(o + 20, f.firstPacket);
    v.setUint32(o + 24, f.segments);
    v.setFloat64(o + 28, f.startTai ?? -1);
    v.setFloat64(o + 36, f.stopTai ?? -1);
  }
  const tables: IndexTable[] = [
    { name: 'packet_index', offset: 0, records: packets.length, description: 'One record per packet of the packet data file, in file order.', fields: PACKET_INDEX_FIELDS },
    { name: 'frame_index', offset: packetBytes, records: frames.length, description: 'One record per source frame reassembled from segmented packets (and decompressed when configured).', fields: FRAME_INDEX_FIELDS },
  ];
  return { bytes, tables };
}
