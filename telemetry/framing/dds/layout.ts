/**
 * @module ESOC DDS TM packet header (RO-MEX-VEX-ESC-IF-5003 DDID, as read by scospus and Rosetta MIDAS;
 * formats.md §4.3): 18 octets, big-endian, before every packet of a DDS `.DAT` file.
 */
import { Parser } from '../../../src/binary-layout.js';
import type { DdsHeader } from '../../../src/ccsds/packet-view.js';

export const DDS_HEADER_LENGTH = 18;

/** The DDS header fields that travel with each packet. */
export type { DdsHeader } from '../../../src/ccsds/packet-view.js';

/** `struct '>IIIHHBB'`, declared. */
export const ddsHeaderParser = new Parser()
  .endianness('big')
  .uint32('seconds')
  .uint32('microseconds')
  .uint32('packetSize')
  .uint16('groundStation')
  .uint16('virtualChannel')
  .uint8('sleService')
  .uint8('timeQuality');

/** Decode the DDS header at `buf[offset]` (18 bytes must be there). */
export function decodeDdsHeader(buf: Uint8Array, offset: number): DdsHeader {
  return ddsHeaderParser.parse(Buffer.from(buf.buffer, buf.byteOffset + offset, DDS_HEADER_LENGTH)) as DdsHeader;
}

/** Encode a DDS header (fixtures, `feed serve`, DDS exports). */
export function encodeDdsHeader(h: DdsHeader, buf: Uint8Array = new Uint8Array(DDS_HEADER_LENGTH), offset = 0): Uint8Array {
  const v = new DataView(buf.buffer, buf.byteOffset + offset, DDS_HEADER_LENGTH);
  v.setUint32(0, h.seconds);
  v.setUint32(4, h.microseconds);
  v.setUint32(8, h.packetSize);
  v.setUint16(12, h.groundStation);
  v.setUint16(14, h.virtualChannel);
  v.setUint8(16, h.sleService);
  v.setUint8(17, h.timeQuality);
  return buf;
}

/** Ground station names (formats.md §4.3, from the DDID as quoted by scospus). */
export const GROUND_STATIONS: Readonly<Record<number, string>> = {
  0x00: 'none', 0x0d: 'Villafranca 2', 0x15: 'Kourou', 0x16: 'NDIU Lite', 0x17: 'New Norcia', 0x18: 'Cebreros',
  0x22: 'Goldstone (old)', 0x67: 'Goldstone (new)', 0x23: 'Canberra (old)', 0x70: 'Canberra (new)',
  0x24: 'Madrid (old)', 0x6c: 'Madrid (new)', 0x7f: 'ESA/ESOC test station', 0x82: 'NDIU Classic',
};
