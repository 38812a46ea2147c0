/**
 * @module Filling the parameter archive: from packet files (added to what the archive holds; a file whose
 * content was loaded before is skipped) or from the packet archive in the same folder after ingest (the
 * parameter archive is rebuilt whole, at a temporary name renamed at the end). Packets are decoded in batches
 * and each batch is stored before the next is decoded, so memory stays bounded whatever the input size.
 */
import { asTai } from '../../src/time/tai.js';
import type { TmDatabase } from '../../src/mdb/types.js';
import { openArchive } from '../../src/store/index.js';
import { compileDecoder, type Decoder } from './compile.js';
import { decodeFiles, type DecodeFilesOptions, type Undecoded } from './decode-files.js';
import { fileKey, ParameterArchiveWriter, type SampleTime } from './archive.js';

export interface FillReport {
  readonly packets: number;
  readonly samples: number;
  readonly chunks: number;
  readonly undecoded: readonly Undecoded[];
  /** Files skipped because their content was loaded before. */
  readonly skipped: readonly string[];
}

export interface FillOptions {
  readonly time?: SampleTime;
  /** Packets per stored batch (default 65 536). */
  readonly batchPackets?: number;
}

/** Decode `files` into the parameter archive of `dir`. */
export async function fillFromFiles(dir: string, files: readonly string[], db: TmDatabase, decode: DecodeFilesOptions, o: FillOptions = {}): Promise<FillReport> {
  const w = new ParameterArchiveWriter(dir);
  const skipped: string[] = [];
  const undecoded: Undecoded[] = [];
  let packets = 0;
  try {
    for (const file of files) {
      const key = fileKey(file);
      if (w.loaded(key)) {
        skipped.push(file);
        continue;
      }
      const keep = o.time ? withTime(decode.keep, o.time) : decode.keep;
      const r = await decodeFiles([file], db, {
        ...decode,
        ...(keep ? { keep } : {}),
        onBatch: (d) => w.addDecoded(d, o.time),
        batchPackets: o.batchPackets ?? 65_536,
      });
      packets += r.decoded;
      undecoded.push(...r.undecoded);
      w.markLoaded(key, file);
    }
  } finally {
    w.close();
  }
  return { packets, samples: w.samples, chunks: w.chunks, undecoded, skipped };
}

const withTime = (keep: ReadonlySet<string> | undefined, time: SampleTime): ReadonlySet<string> | undefined => (keep ? new Set([...keep, time.parameter]) : undefined);

export interface ArchiveFillOptions extends FillOptions {
  readonly keep?: ReadonlySet<string>;
  readonly apids?: readonly (readonly [number, number])[];
  readonly fromTai?: number;
  readonly toTai?: number;
}

/**
 * Rebuild the parameter archive of `dir` from the packet archive there (src/store), APID by APID in packet
 * order. Packets are timed by their archive time (the mission's chosen axis), or by `time`.
 */
export function fillFromPacketArchive(dir: string, db: TmDatabase, o: ArchiveFillOptions = {}): FillReport {
  const archive = openArchive(dir, { readonly: true });
  const keep = o.time ? withTime(o.keep, o.time) : o.keep;
  const decoder: Decoder = compileDecoder(db, keep ? { keep } : {});
  const w = new ParameterArchiveWriter(dir, true);
  const failures = new Map<string, { apid: number; reason: string; packets: number; first: string }>();
  let packets = 0;
  let inBatch = 0;
  const batch = o.batchPackets ?? 65_536;
  try {
    const q = { ...(o.apids ? { apids: o.apids } : {}), ...(o.fromTai !== undefined ? { fromTai: asTai(o.fromTai) } : {}), ...(o.toTai !== undefined ? { toTai: asTai(o.toTai) } : {}) };
    for (const row of archive.query(q)) {
      const bytes = archive.bytesOf(row);
      const r = decoder.decode(bytes, 0, bytes.length, row.tai, row.apid);
      if (typeof r === 'string') {
        const key = `${row.apid}\u0000${r}`;
        const f = failures.get(key);
        if (f) f.packets++;
        else failures.set(key, { apid: row.apid, reason: r, packets: 1, first: `archive route ${row.route} sequence count ${row.sequenceCount}` });
        continue;
      }
      packets++;
      if (++inBatch >= batch) {
        w.addDecoded(decoder, o.time);
        decoder.reset();
        inBatch = 0;
      }
    }
    w.addDecoded(decoder, o.time);
    decoder.reset();
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  } finally {
    archive.close();
  }
  return { packets, samples: w.samples, chunks: w.chunks, undecoded: [...failures.values()], skipped: [] };
}
