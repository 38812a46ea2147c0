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
}

export async function decodeFiles(files: readonly string[], db: TmDatabase, options: DecodeFilesOptions): Promise<DecodeFilesResult> {
  const decoder = compileDecoder(db, options.keep ? { keep: options.keep } : {});
  const failures = new Map<string, { apid: number; reason: string; packets: number; first: string }>();
  let decoded = 0;
  const inspect = await walkFiles(files, options, (p, tai, file, times) => {
    // A sample's time is the packet's time on the mission axis, but not a plain file's receipt time (its
    // modification time: the same for every packet, it says nothing of when a value was measured).
    const t = times.status !== 0 && times.groundKind === 'receipt' ? undefined : tai;
    const r = decoder.decode(p.buf, p.offset, p.length, t, p.apid);
    if (typeof r !== 'string') {
      decoded++;
      return;
    }
    const key = `${p.apid}\u0000${r}`;
    const f = failures.get(key);
    if (f) f.packets++;
    else failures.set(key, { apid: p.apid, reason: r, packets: 1, first: `${file} offset 0x${p.streamOffset.toString(16)} (${p.streamOffset})` });
  });
  return { decoder, decoded, undecoded: [...failures.values()], inspect };
}
