/**
 * @module The SIM science-frame format (fixtures/README.md "Science frames"): a 10-octet big-endian header
 * (codec u8, flags u8, frame id u16, uncompressed length u32, CRC-16/CCITT-FALSE u16 of the uncompressed
 * data) and the compressed data. Decoding checks the codec, the length (capped) and the CRC; any failure is
 * returned as a reason, never thrown.
 */
import { crc16 } from '../../src/ccsds/crc16.js';
import { lz4FrameDecode, zstdFrameDecode, type Decoded } from './_codecs.js';

/** Header length in octets. */
export const SCIENCE_FRAME_HEADER_LENGTH = 10;

/** Codec byte values. */
export const ScienceCodec = {
  /** Data stored as is. */
  None: 0,
  /** LZ4 frame format (npm `lz4`). */
  Lz4: 1,
  /** Zstandard frame (npm `zstd-codec`). */
  Zstd: 2,
} as const;
export type ScienceCodec = (typeof ScienceCodec)[keyof typeof ScienceCodec];

/** The decoded header. */
export interface ScienceFrameHeader {
  readonly codec: number;
  /** Reserved, 0. */
  readonly flags: number;
  readonly frameId: number;
  /** Uncompressed length, octets. */
  readonly length: number;
  /** CRC-16/CCITT-FALSE of the uncompressed data. */
  readonly crc: number;
}

/** Default cap on the declared uncompressed length: 16 MiB. */
export const DEFAULT_MAX_FRAME_LENGTH = 16 << 20;

/** Read the header; undefined when the frame is shorter than it. */
export function scienceFrameHeader(frame: Uint8Array): ScienceFrameHeader | undefined {
  if (frame.length < SCIENCE_FRAME_HEADER_LENGTH) return undefined;
  return {
    codec: frame[0]!,
    flags: frame[1]!,
    frameId: (frame[2]! << 8) | frame[3]!,
    length: (frame[4]! * 0x1000000) + ((frame[5]! << 16) | (frame[6]! << 8) | frame[7]!),
    crc: (frame[8]! << 8) | frame[9]!,
  };
}

/** Result of decoding one frame: the header when readable, and the data or why not. */
export type ScienceFrameResult = { readonly header: ScienceFrameHeader | undefined } & Decoded;

/**
 * Decode and check one science frame. Call `prepareCodecs()` (index) once before, for zstd.
 * @param maxLength cap on the declared uncompressed length (default {@link DEFAULT_MAX_FRAME_LENGTH}).
 */
export function decodeScienceFrame(frame: Uint8Array, maxLength = DEFAULT_MAX_FRAME_LENGTH): ScienceFrameResult {
  const header = scienceFrameHeader(frame);
  if (header === undefined) return { header, ok: false, reason: `frame of ${frame.length} octets is shorter than the ${SCIENCE_FRAME_HEADER_LENGTH}-octet header` };
  if (header.length > maxLength) return { header, ok: false, reason: `declared length ${header.length} exceeds the cap ${maxLength}` };
  const body = frame.subarray(SCIENCE_FRAME_HEADER_LENGTH);
  let d: Decoded;
  switch (header.codec) {
    case ScienceCodec.None:
      d = body.length === header.length ? { ok: true, data: body } : { ok: false, reason: `stored data of ${body.length} octets, header says ${header.length}` };
      break;
    case ScienceCodec.Lz4: d = lz4FrameDecode(body, header.length); break;
    case ScienceCodec.Zstd: d = zstdFrameDecode(body, header.length); break;
    default: d = { ok: false, reason: `unknown codec ${header.codec}` };
  }
  if (!d.ok) return { header, ...d };
  const crc = crc16(d.data);
  if (crc !== header.crc) return { header, ok: false, reason: `CRC-16 of the decompressed data 0x${crc.toString(16).padStart(4, '0')} differs from the header's 0x${header.crc.toString(16).padStart(4, '0')}` };
  return { header, ok: true, data: d.data };
}
