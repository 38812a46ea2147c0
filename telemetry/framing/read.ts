/**
 * @module Reading a packet source (a file, or any async iterable of chunks) into batches: framing chosen
 * by option or detected from the head, CRC decided the same way, the stream read in large chunks and never
 * whole into memory.
 */
import { open } from 'node:fs/promises';
import { DETECT_BYTES, type FramingChoice } from './detect.js';
import type { CrcChoice } from './crc-choice.js';
import type { Batch } from './types.js';
import { createRedecidingSplitter } from './redecide.js';
import { createSplitter, decide, type ReadOptions } from './decide.js';

export { createSplitter, decide, type ReadOptions } from './decide.js';

/** An opened source: what was chosen and the batches. */
export interface PacketSource {
  readonly name: string;
  /** The framing in use: the head's decision, or (framing auto) the one taken over when the evidence turned (redecide.ts). */
  readonly framing: FramingChoice;
  readonly crc: CrcChoice;
  /** Size in bytes when known (files). */
  readonly size: number | undefined;
  readonly batches: AsyncIterable<Batch>;
  /** CRC modes the splitter decided for `auto` APIDs absent from the head (known as the batches are read). */
  readonly crcDecidedLate: () => readonly { apid: number; mode: string }[];
}

/** Open a file: read its head to decide, then stream it from the start in chunks. */
export async function openPacketFile(path: string, opts: ReadOptions = {}): Promise<PacketSource> {
  const fh = await open(path, 'r');
  let size: number;
  let head: Uint8Array;
  try {
    size = (await fh.stat()).size;
    const h = Buffer.alloc(Math.min(DETECT_BYTES, size));
    const { bytesRead } = await fh.read(h, 0, h.length, 0);
    head = h.subarray(0, bytesRead);
  } catch (e) {
    await fh.close();
    throw e;
  }
  const { framing, crc } = decide(head, opts);
  const chunkSize = opts.chunkSize ?? 1 << 20;
  // With framing auto, decided again when the evidence turns (redecide.ts, as ingest does for feed units).
  const splitter = createRedecidingSplitter({ framing, crc }, opts);
  async function* batches(): AsyncGenerator<Batch> {
    // Read ahead: the next chunk is being read while this one is split.
    let pos = 0;
    const readNext = async (): Promise<Buffer | undefined> => {
      const chunk = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await fh.read(chunk, 0, chunkSize, pos);
      pos += bytesRead;
      return bytesRead ? chunk.subarray(0, bytesRead) : undefined;
    };
    let pending = readNext();
    try {
      for (;;) {
        const chunk = await pending;
        if (!chunk) break;
        pending = readNext();
        yield splitter.push(chunk);
      }
      yield splitter.end();
    } finally {
      await pending.catch(() => undefined);
      await fh.close();
    }
  }
  return { name: path, get framing() { return splitter.framing; }, crc, size, batches: batches(), crcDecidedLate: () => splitter.crcDecidedLate() };
}

/** Split a whole in-memory buffer (tests, small inputs) with the same decisions as a file. */
export function splitBuffer(bytes: Uint8Array, opts: ReadOptions = {}): { framing: FramingChoice; crc: boolean; crcReason: string; batch: Batch } {
  const { framing, crc } = decide(bytes.subarray(0, DETECT_BYTES), opts);
  const s = createSplitter(framing, { ...opts, crc: crc.table });
  const a = s.push(bytes);
  const b = s.end();
  return {
    framing, crc: crc.crc, crcReason: crc.reason,
    batch: { packets: [...a.packets, ...b.packets], skips: [...a.skips, ...b.skips], idle: a.idle + b.idle, idleBytes: a.idleBytes + b.idleBytes },
  };
}
