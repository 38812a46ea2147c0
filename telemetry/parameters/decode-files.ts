/**
 * @module Decoding packet files with a mission database: packets are read through the shared walk
 * (framing, CRC, secondary-header time, APID and time filters), each is decoded into its container's table,
 * and packets that could not be decoded are counted per APID and reason.
 */
import type { TmDatabase } from '../../src/mdb/types.js';
import { walkFiles, type WalkOptions } from '../inspect/walk.js';
import type { InspectReport } from '../inspect/inspect.js';
import { compileDecoder, type Decoder } from './compile.js';

export interface Undecoded {
  readonly apid: number;
  readonly reason: string;
  readonly packets: number;
  /** File and offset of the first such packet. */
  readonly first: string;
}

export interface DecodeFilesResult {
  readonly decoder: Decoder;
  readonly decoded: number;
  readonly undecoded: readonly Undecoded[];
  readonly inspect: InspectReport;
}

export interface DecodeFilesOptions extends WalkOptions {
  /** Keep only these parameters in the tables. */
  readonly keep?: ReadonlySet<string>;
  /**
   * Called after every `batchPackets` decoded packets and once at the end, with the decoder holding the rows
   * decoded since the last call; the decoder is then {@link Decoder.reset} (bounded memory). Without it the
   * tables hold the whole input.
   */
  readonly onBatch?: (decoder: Decoder) => void;
  /** Packets per {@link onBatch} call (default 65 536). */
  readonly batchPackets?: number;
}

export async function decodeFiles(files: readonly string[], db: TmDatabase, options: DecodeFilesOptions): Promise<DecodeFilesResult> {
  const decoder = compileDecoder(db, options.keep ? { keep: options.keep } : {});
  const failures = new Map<string, { apid: number; reason: string; packets: number; first: string }>();
  let decoded = 0;
  let inBatch = 0;
  const batchPackets = options.batchPackets ?? 65_536;
  const onBatch = options.onBatch;
  const inspect = await walkFiles(files, options, (p, tai, file, times) => {
    // A sample's time is the packet's time on the mission axis, but not a plain file's receipt time (its
    // modification time: the same for every packet, it says nothing of when a value was measured).
    const t = times.status !== 0 && times.groundKind === 'receipt' ? undefined : tai;
    const r = decoder.decode(p.buf, p.offset, p.length, t, p.apid);
    if (typeof r !== 'string') {
      decoded++;
      if (onBatch && ++inBatch >= batchPackets) {
        onBatch(decoder);
        decoder.reset();
        inBatch = 0;
      }
      return;
    }
    const key = `${p.apid}\u0000${r}`;
    const f = failures.get(key);
    if (f) f.packets++;
    else failures.set(key, { apid: p.apid, reason: r, packets: 1, first: `${file} offset 0x${p.streamOffset.toString(16)} (${p.streamOffset})` });
  });
  if (onBatch) {
    onBatch(decoder);
    decoder.reset();
  }
  return { decoder, decoded, undecoded: [...failures.values()], inspect };
}
