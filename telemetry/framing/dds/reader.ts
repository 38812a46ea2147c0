/**
 * @module DDS framing (formats.md §4.2): `[18-byte DDS header][CCSDS packet]` records, no file header, runs of
 * zero bytes tolerated between records (reported as `zero-fill`, which is not a data problem for DDS).
 * A record is accepted when its 32-bit size equals the packet length and its microseconds are < 10^6.
 */
import { RecordSplitter } from '../_record-splitter.js';
import type { SplitOptions, Splitter } from '../types.js';
import { DDS_HEADER_LENGTH, decodeDdsHeader } from './layout.js';

const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);

/** Is the DDS header at `p` consistent with a packet of `packetLength` octets? */
export const ddsHeaderConsistent = (buf: Uint8Array, p: number, packetLength: number): boolean =>
  u32(buf, p + 8) === packetLength && u32(buf, p + 4) < 1_000_000;

export const createDdsSplitter = (options: SplitOptions = {}): Splitter =>
  new RecordSplitter(
    { name: 'dds', headerLength: DDS_HEADER_LENGTH, selfConfirming: true, checkHeader: ddsHeaderConsistent, decodeHeader: decodeDdsHeader },
    options,
  );
