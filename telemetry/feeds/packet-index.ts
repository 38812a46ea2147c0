/**
 * @module The packets a feed server holds: every packet file under a folder (DDS, raw, prefixed, pcap/pcapng:
 * whatever idoc reads) indexed once at start, per packet its APID, a UTC time (the DDS time or the packet
 * time, per option) and where its bytes are, sorted by time. Column arrays keep a million packets small.
 * Packets inside captures are not contiguous in their file (TCP segments, link headers): their bytes are
 * kept in memory. Packets without a time (no profile time, no DDS header) cannot be served by window and are
 * counted as `untimed`.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { packetTimeOf, timeOffsetOf } from '../../src/ccsds/secondary-header.js';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { taiToUtcUnix } from '../../src/time/index.js';
import { openPacketFile, type ReadOptions } from '../framing/index.js';
import { guessProfile } from '../inspect/walk.js';

/** Which time a packet is served by. */
export type TimeSource =
  /** The DDS header time when the file is DDS-framed, else the packet time. */
  | 'auto'
  /** Only the DDS time (packets of other framings are untimed). */
  | 'dds'
  /** Only the packet time from the secondary header. */
  | 'packet';

export interface IndexOptions {
  readonly read?: ReadOptions;
  /** Secondary-header profile for packet times; `auto` guesses per file. Default `auto`. */
  readonly profile?: PacketProfile | 'auto';
  /** Default `auto`. */
  readonly timeSource?: TimeSource;
}

/** A file that could not be indexed. */
export interface IndexProblem {
  readonly file: string;
  readonly message: string;
}

/** The index: entry i is the i-th packet in time order. */
export interface PacketIndex {
  readonly root: string;
  readonly files: readonly string[];
  readonly count: number;
  /** UTC, microseconds since 1970 (sorted ascending). */
  readonly timeUs: Float64Array;
  readonly fileOf: Uint32Array;
  /** File offset of the packet (for files whose packets are contiguous). */
  readonly offset: Float64Array;
  readonly length: Uint32Array;
  readonly apid: Uint16Array;
  /** From the DDS header when there was one, else 0. */
  readonly station: Uint16Array;
  readonly virtualChannel: Uint16Array;
  /** Packet bytes kept in memory (capture packets), by entry. */
  readonly held: ReadonlyMap<number, Uint8Array>;
  /** Packets without a usable time (not served). */
  readonly untimed: number;
  readonly problems: readonly IndexProblem[];
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(root);
  return out;
}

/** Index every packet file under `root` (recursively; dot files skipped; empty or unreadable files noted). */
export async function indexPacketFolder(root: string, options: IndexOptions = {}): Promise<PacketIndex> {
  const read = options.read ?? {};
  const source = options.timeSource ?? 'auto';
  const files = await listFiles(root);
  const t: number[] = [], f: number[] = [], off: number[] = [], len: number[] = [], ap: number[] = [], st: number[] = [], vc: number[] = [];
  const heldRaw = new Map<number, Uint8Array>();
  const problems: IndexProblem[] = [];
  let untimed = 0;
  const kept: string[] = [];
  for (const file of files) {
    let src;
    try {
      src = await openPacketFile(file, read);
    } catch (e) {
      problems.push({ file, message: (e as Error).message });
      continue;
    }
    const profile = (options.profile ?? 'auto') === 'auto' ? await guessProfile(file, read) : (options.profile as PacketProfile);
    const timeOffset = timeOffsetOf(profile);
    const capture = src.framing.framing === 'pcap' || src.framing.framing === 'pcapng';
    const fileIndex = kept.length;
    let packets = 0;
    for await (const batch of src.batches) {
      for (const p of batch.packets) {
        packets++;
        let us: number | undefined;
        if (p.dds && source !== 'packet') us = p.dds.seconds * 1e6 + p.dds.microseconds;
        else if (source !== 'dds' && p.type === 0 && p.secondaryHeader) {
          const tai = packetTimeOf(p.buf, p.offset, p.length, profile, timeOffset);
          if (tai !== undefined) us = Math.round(taiToUtcUnix(tai) * 1e6);
        }
        if (us === undefined) {
          untimed++;
          continue;
        }
        if (capture) heldRaw.set(t.length, p.buf.slice(p.offset, p.offset + p.length));
        t.push(us); f.push(fileIndex); off.push(p.streamOffset); len.push(p.length); ap.push(p.apid);
        st.push(p.dds?.groundStation ?? 0); vc.push(p.dds?.virtualChannel ?? 0);
      }
    }
    if (packets) kept.push(file);
    else problems.push({ file, message: 'no packets found' });
  }
  // Stable sort by time (ties keep file and stream order).
  const order = Array.from(t.keys()).sort((a, b) => t[a]! - t[b]! || a - b);
  const n = order.length;
  const index = {
    root, files: kept, count: n, untimed, problems,
    timeUs: new Float64Array(n), fileOf: new Uint32Array(n), offset: new Float64Array(n), length: new Uint32Array(n),
    apid: new Uint16Array(n), station: new Uint16Array(n), virtualChannel: new Uint16Array(n), held: new Map<number, Uint8Array>(),
  };
  order.forEach((k, i) => {
    index.timeUs[i] = t[k]!; index.fileOf[i] = f[k]!; index.offset[i] = off[k]!; index.length[i] = len[k]!;
    index.apid[i] = ap[k]!; index.station[i] = st[k]!; index.virtualChannel[i] = vc[k]!;
    const h = heldRaw.get(k);
    if (h) index.held.set(i, h);
  });
  return index;
}

/** First entry with time ≥ `us`. */
export function lowerBound(index: PacketIndex, us: number): number {
  let lo = 0, hi = index.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.timeUs[mid]! < us) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The cursor of entry `i`: `<UTC µs>:<rank among the entries of that same time>`. It names a position that
 * survives a server restart as long as no packet is added at or before that time.
 */
export function cursorOf(index: PacketIndex, i: number): string {
  const us = index.timeUs[i]!;
  return `${us}:${i - lowerBound(index, us)}`;
}

/** Entry following `cursor` (0 for undefined). @throws Error when the cursor is not `<µs>:<n>`. */
export function positionAfter(index: PacketIndex, cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const m = /^(\d+):(\d+)$/.exec(cursor);
  if (!m) throw new Error(`cursor ${JSON.stringify(cursor)}: expected <microseconds>:<n>`);
  const us = Number(m[1]);
  const first = lowerBound(index, us);
  const end = lowerBound(index, us + 1);
  return Math.min(first + Number(m[2]) + 1, end);
}

/** A selection of entries. */
export interface IndexQuery {
  /** APID predicate; all when absent. */
  readonly apid?: (apid: number) => boolean;
  /** UTC µs, inclusive. */
  readonly fromUs?: number;
  /** UTC µs, exclusive. */
  readonly toUs?: number;
  readonly after?: string;
  /** At most this many entries. */
  readonly limit?: number;
}

/** Entries matching `q` in time order, and whether more match beyond the limit. */
export function selectEntries(index: PacketIndex, q: IndexQuery): { entries: number[]; more: boolean } {
  let i = Math.max(positionAfter(index, q.after), q.fromUs !== undefined ? lowerBound(index, q.fromUs) : 0);
  const end = q.toUs !== undefined ? lowerBound(index, q.toUs) : index.count;
  const limit = q.limit ?? Infinity;
  const entries: number[] = [];
  for (; i < end; i++) {
    if (q.apid && !q.apid(index.apid[i]!)) continue;
    if (entries.length >= limit) return { entries, more: true };
    entries.push(i);
  }
  return { entries, more: false };
}
