/**
 * @module Framing a feed unit: its chunks arrive in any sizes, so the head is gathered (up to the detection
 * size, or the end) to choose framing and CRC exactly as for a file, then everything is split in order.
 */
import { DETECT_BYTES, createSplitter, decide, type Batch, type FramingChoice, type ReadOptions } from '../framing/index.js';

export interface FramedUnit {
  /** Known once the first batch has been produced (or at the end for an empty unit). */
  framing: FramingChoice | undefined;
  crc: boolean | undefined;
  bytes: number;
}

/** Split a unit's chunks into batches. Errors of the chunk source propagate (a transfer that dropped). */
export async function* frameChunks(chunks: AsyncIterable<Uint8Array>, opts: ReadOptions, info: FramedUnit): AsyncGenerator<Batch> {
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let splitter: ReturnType<typeof createSplitter> | undefined;
  const start = () => {
    const all = Buffer.concat(head);
    const d = decide(all.subarray(0, DETECT_BYTES), opts);
    info.framing = d.framing;
    info.crc = d.crc.crc;
    splitter = createSplitter(d.framing, { ...opts, crc: d.crc.table });
    head.length = 0;
    return splitter.push(all);
  };
  for await (const chunk of chunks) {
    info.bytes += chunk.length;
    if (splitter) {
      yield splitter.push(chunk);
      continue;
    }
    head.push(Uint8Array.from(chunk)); // chunk buffers may be reused by the source
    headBytes += chunk.length;
    if (headBytes >= DETECT_BYTES) yield start();
  }
  if (!splitter) {
    if (headBytes === 0) return;
    yield start();
  }
  yield splitter!.end();
}
