/**
 * @module Decompressors for science frames, safe on hostile input: never a crash, never an allocation larger
 * than the size the caller expects. Each returns the data or the reason it failed (a value, not an error).
 *
 * - LZ4 frame format (LZ4 Frame Format Description 1.6.x, lz4/lz4 `doc/lz4_Frame_format.md`): the frame is
 *   walked here and each block decoded with npm `lz4` `decodeBlock` (LZ4_decompress_safe). `lz4.decode` itself is
 *   not used: on a truncated frame it returns early and then emits an unhandled stream `error` event that ends
 *   the process, and its stream machinery decodes 4 KiB frames at ~20 MB/s.
 * - Zstandard frame (RFC 8878 §3.1.1): npm `zstd-codec` `Simple.decompress`, which sizes its output from the
 *   frame header's content size; that size is read here first and must equal the expected length, so a
 *   corrupted header cannot make the WebAssembly heap grow (it aborts with OOM otherwise).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Outcome of one decompression. */
export type Decoded = { readonly ok: true; readonly data: Uint8Array } | { readonly ok: false; readonly reason: string };

interface Lz4Module { decodeBlock(input: Buffer, output: Buffer, start?: number, end?: number): number }
let lz4Module: Lz4Module | undefined;
const lz4 = (): Lz4Module => (lz4Module ??= require('lz4') as Lz4Module);

const LZ4_MAGIC = 0x184d2204;
/** LZ4 skippable frames: magic 0x184D2A50…0x184D2A5F. */
const isLz4Skippable = (m: number): boolean => (m & 0xfffffff0) === 0x184d2a50;
const u32le = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;

/**
 * Decode an LZ4 frame (lz4_Frame_format §2–§4) into exactly `expected` octets. Checksums (xxHash32) are not
 * verified: the science frame's CRC-16 over the decoded data is checked by the caller.
 */
export function lz4FrameDecode(input: Uint8Array, expected: number): Decoded {
  const src = Buffer.from(input.buffer, input.byteOffset, input.length);
  let p = 0;
  while (p + 8 <= src.length && isLz4Skippable(u32le(src, p))) p += 8 + u32le(src, p + 4);
  if (p + 7 > src.length) return { ok: false, reason: 'lz4: frame shorter than its header' };
  if (u32le(src, p) !== LZ4_MAGIC) return { ok: false, reason: `lz4: bad magic number 0x${u32le(src, p).toString(16)}` };
  const flg = src[p + 4]!;
  if (flg >>> 6 !== 1) return { ok: false, reason: `lz4: frame version ${flg >>> 6}, expected 1` };
  const independent = (flg & 0x20) !== 0;
  const blockChecksum = (flg & 0x10) !== 0;
  const hasSize = (flg & 0x08) !== 0;
  const hasDict = (flg & 0x01) !== 0;
  const bd = src[p + 5]!;
  const maxBlock = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20][(bd >>> 4) & 7] ?? 0;
  if (maxBlock === 0) return { ok: false, reason: `lz4: invalid block maximum size code ${(bd >>> 4) & 7}` };
  p += 6;
  if (hasSize) {
    if (p + 8 > src.length) return { ok: false, reason: 'lz4: truncated frame descriptor' };
    const size = u32le(src, p) + u32le(src, p + 4) * 2 ** 32;
    if (size !== expected) return { ok: false, reason: `lz4: content size ${size} differs from the expected ${expected}` };
    p += 8;
  }
  if (hasDict) return { ok: false, reason: 'lz4: frames with a dictionary are not supported' };
  p += 1; // header checksum
  const out = Buffer.alloc(expected);
  let o = 0;
  for (;;) {
    if (p + 4 > src.length) return { ok: false, reason: 'lz4: truncated before the end mark' };
    const word = u32le(src, p);
    p += 4;
    if (word === 0) break;
    const stored = word >= 0x80000000;
    const size = word & 0x7fffffff;
    if (size > maxBlock || p + size + (blockChecksum ? 4 : 0) > src.length) return { ok: false, reason: `lz4: block of ${size} octets runs past the frame` };
    if (stored) {
      if (o + size > expected) return { ok: false, reason: `lz4: more than the expected ${expected} octets` };
      src.copy(out, o, p, p + size);
      o += size;
    } else {
      if (!independent && o > 0) return { ok: false, reason: 'lz4: linked blocks are not supported' };
      const room = Math.min(maxBlock, expected - o);
      const block = Buffer.alloc(room);
      let n: number;
      try {
        n = lz4().decodeBlock(src.subarray(p, p + size), block);
      } catch (e) {
        return { ok: false, reason: `lz4: ${(e as Error).message}` };
      }
      if (n < 0) return { ok: false, reason: `lz4: corrupt block (error at block offset ${-n})` };
      if (o + n > expected) return { ok: false, reason: `lz4: more than the expected ${expected} octets` };
      block.copy(out, o, 0, n);
      o += n;
    }
    p += size + (blockChecksum ? 4 : 0);
  }
  if (o !== expected) return { ok: false, reason: `lz4: decoded ${o} octets, expected ${expected}` };
  return { ok: true, data: new Uint8Array(out.buffer, out.byteOffset, out.length) };
}

interface ZstdSimple { decompress(b: Uint8Array): Uint8Array | null }
let zstdSimple: Promise<ZstdSimple> | undefined;

/** Load zstd-codec (WebAssembly) once; resolves when {@link zstdFrameDecode} can be used. */
export function loadZstd(): Promise<ZstdSimple> {
  zstdSimple ??= new Promise((resolve) => {
    const { ZstdCodec } = require('zstd-codec') as { ZstdCodec: { run(cb: (z: { Simple: new () => ZstdSimple }) => void): void } };
    ZstdCodec.run((z) => resolve(new z.Simple()));
  });
  return zstdSimple;
}
let zstdReady: ZstdSimple | undefined;
/** Resolve the zstd codec for synchronous use later. */
export async function prepareCodecs(): Promise<void> {
  zstdReady = await loadZstd();
}

const ZSTD_MAGIC = 0xfd2fb528;

/** Frame_Content_Size of a Zstandard frame (RFC 8878 §3.1.1.1), or a reason when absent or unreadable. */
export function zstdContentSize(src: Uint8Array): { ok: true; size: number } | { ok: false; reason: string } {
  if (src.length < 6) return { ok: false, reason: 'zstd: frame shorter than its header' };
  if (u32le(src, 0) !== ZSTD_MAGIC) return { ok: false, reason: `zstd: bad magic number 0x${u32le(src, 0).toString(16)}` };
  const fhd = src[4]!;
  const fcsFlag = fhd >>> 6;
  const single = (fhd & 0x20) !== 0;
  if ((fhd & 0x08) !== 0) return { ok: false, reason: 'zstd: reserved bit set in the frame header descriptor' };
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = fcsFlag === 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
  if (fcsBytes === 0) return { ok: false, reason: 'zstd: frame without a content size' };
  const at = 5 + (single ? 0 : 1) + dictBytes;
  if (at + fcsBytes > src.length) return { ok: false, reason: 'zstd: truncated frame header' };
  let size = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + src[at + i]!;
  if (fcsBytes === 2) size += 256;
  return { ok: true, size };
}

/** Decode a Zstandard frame into exactly `expected` octets ({@link prepareCodecs} must have resolved). */
export function zstdFrameDecode(input: Uint8Array, expected: number): Decoded {
  if (zstdReady === undefined) throw new Error('zstdFrameDecode: call prepareCodecs() first');
  const size = zstdContentSize(input);
  if (!size.ok) return size;
  if (size.size !== expected) return { ok: false, reason: `zstd: content size ${size.size} differs from the expected ${expected}` };
  try {
    const data = zstdReady.decompress(input);
    if (data === null) return { ok: false, reason: 'zstd: corrupt frame' };
    if (data.length !== expected) return { ok: false, reason: `zstd: decoded ${data.length} octets, expected ${expected}` };
    return { ok: true, data };
  } catch (e) {
    return { ok: false, reason: `zstd: ${String(e).slice(0, 120)}` };
  }
}
