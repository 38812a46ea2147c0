/**
 * @module Filling the parameter archive: from packet files (added to what the archive holds; a file whose
 * content was loaded before is skipped) or from the packet archive in the same folder after ingest (the
 * parameter archive is rebuilt whole, at a temporary name renamed at the end). Packets are decoded in batches
 * and each batch is stored before the next is decoded, so memory stays bounded whatever the input size.
 */
import { asTai } from '../../src/time/tai.js';
import type { TmDatabase } from '../../src/mdb/types.js';
import { openSqliteArchiveReader } from '../../src/store/index.js';
import type { ArchiveReader, PacketQuery } from '../../src/archive/port.js';
import { compileDecoder, type Decoder } from './compile.js';
import { decodeFiles, type DecodeFilesOptions, type Undecoded } from './decode-files.js';
import { fileKey, ParameterArchiveWriter, type SampleTime } from './archive.js';
export { withTime };

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

/** `keep` with the time parameter added (it must be decoded to time the samples). */
function withTime(keep: ReadonlySet<string> | undefined, time: SampleTime): ReadonlySet<string> | undefined {
  return keep ? new Set([...keep, time.parameter]) : undefined;
}

export interface ArchiveFillOptions extends FillOptions {
  readonly keep?: ReadonlySet<string>;
  readonly apids?: readonly (readonly [number, number])[];
  readonly fromTai?: number;
  readonly toTai?: number;
  /** The packet archive to read (default: the SQLite archive in `dir`); closed here. A PostgreSQL archive's reader (archive.kind postgres). */
  readonly reader?: ArchiveReader;
}

interface Failure { apid: number; reason: string; packets: number; first: string }

/**
 * Decode the packets `reader` gives for `q` (through the async archive port, src/archive/port.ts) into `w`,
 * batch by batch; rows of arrival ≤ `after` are passed over (asked of the archive as `afterArrival`, which finds
 * them through its arrival index: the cost grows with the rows stored since, not with the archive). Returns the packets decoded and the highest arrival
 * seen per route.
 */
export async function decodeArchiveRows(
  reader: ArchiveReader, q: PacketQuery, decoder: Decoder, w: ParameterArchiveWriter, failures: Map<string, Failure>,
  o: FillOptions & { readonly after?: number } = {},
): Promise<{ packets: number; arrivals: Map<string, number> }> {
  const batch = o.batchPackets ?? 65_536;
  const after = o.after ?? -1;
  const arrivals = new Map<string, number>();
  let packets = 0;
  let inBatch = 0;
  for await (const rows of reader.rows(after < 0 ? q : { ...q, afterArrival: after })) {
    const take = after < 0 ? rows : rows.filter((r) => r.arrival > after);
    if (!take.length) continue;
    const octets = await reader.bytes(take);
    for (let k = 0; k < take.length; k++) {
      const row = take[k]!;
      const bytes = octets[k]!;
      if (row.arrival > (arrivals.get(row.route) ?? -1)) arrivals.set(row.route, row.arrival);
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
  }
  w.addDecoded(decoder, o.time);
  decoder.reset();
  return { packets, arrivals };
}

/**
 * Rebuild the parameter archive of `dir` from the packet archive there, read through the archive port. Packets
 * are timed by their archive time (the mission's chosen axis), or by `time`. The highest arrival per route is
 * recorded, so decoding after later ingest runs goes on from there.
 */
export async function fillFromPacketArchive(dir: string, db: TmDatabase, o: ArchiveFillOptions = {}): Promise<FillReport> {
  const reader = o.reader ?? await openSqliteArchiveReader(dir);
  const keep = o.time ? withTime(o.keep, o.time) : o.keep;
  const decoder: Decoder = compileDecoder(db, keep ? { keep } : {});
  const w = new ParameterArchiveWriter(dir, true);
  const failures = new Map<string, Failure>();
  let packets = 0;
  try {
    const q = { ...(o.apids ? { apids: o.apids } : {}), ...(o.fromTai !== undefined ? { fromTai: asTai(o.fromTai) } : {}), ...(o.toTai !== undefined ? { toTai: asTai(o.toTai) } : {}) };
    const r = await decodeArchiveRows(reader, q, decoder, w, failures, o);
    packets = r.packets;
    for (const [route, arrival] of r.arrivals) w.setArrivalMark(route, arrival);
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  } finally {
    await reader.close();
  }
  return { packets, samples: w.samples, chunks: w.chunks, undecoded: [...failures.values()], skipped: [] };
}
