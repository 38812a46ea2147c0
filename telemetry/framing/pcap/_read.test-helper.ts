/**
 * @module Test helper: run a whole file through the pcap reader with a given chunking and return plain,
 * comparable results (payload bytes as hex).
 */
import { createPcapReader } from './reader.js';
import type { PcapPayload, PcapReaderOptions, PcapSkip } from './types.js';

export interface ReadResult {
  readonly format: string | undefined;
  readonly payloads: { flow: string; protocol: string; hex: string; fileOffset: number; timeUs: number }[];
  readonly skips: PcapSkip[];
}

export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/** Read `file` split at the given chunk sizes (repeated cyclically; default: whole). */
export function readCapture(file: Uint8Array, chunkSizes: readonly number[] = [file.length || 1], options: PcapReaderOptions = {}): ReadResult {
  const reader = createPcapReader(options);
  const payloads: ReadResult['payloads'] = [];
  const skips: PcapSkip[] = [];
  const take = (r: { payloads: PcapPayload[]; skips: PcapSkip[] }): void => {
    // Copy now: views are valid only until the next push.
    for (const p of r.payloads) payloads.push({ flow: p.flow, protocol: p.protocol, hex: hex(p.bytes), fileOffset: p.fileOffset, timeUs: p.timeUs });
    skips.push(...r.skips);
  };
  let o = 0;
  for (let i = 0; o < file.length; i++) {
    const n = Math.max(1, chunkSizes[i % chunkSizes.length]!);
    take(reader.push(file.subarray(o, o + n)));
    o += n;
  }
  take(reader.end());
  return { format: reader.format, payloads, skips };
}
