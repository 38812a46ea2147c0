/**
 * @module The packets a feed server holds: every packet file under a folder (DDS, raw, prefixed, pcap/pcapng:
 * whatever idoc reads) indexed once at start, per packet its APID, a UTC time (the DDS time or the packet
 * time, per option) and where its bytes are, sorted by time. Column arrays keep a million packets small.
 * Packets inside captures are not contiguous in their file (TCP segments, link headers): their bytes are
 * kept in memory. Packets without a time (no profile time, no DDS header) cannot be served by window and are
 * counted as `untimed`. A folder holding an idoc archive (`index.sqlite`, src/store) is served from the
 * archive instead: its packets, by DDS time or packet time, read from its segment files.
 *
 * Backfill (issue 11). Every entry also has a delivery number: the order in which the server came to hold it
 * (time order for what was indexed at start; files added to the root later, or packets added to the archive,
 * come after, in time order among themselves: {@link PacketIndex.refresh}). Responses go in delivery order and
 * the cursor is a delivery number (`d<N>`), so data added later but older than a client's cursor still reaches
 * it. A client asks for a window again with `from`/`to` and no cursor.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { packetTimeOf, timeOffsetOf } from '../../src/ccsds/secondary-header.js';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import type { ArchiveReader } from '../../src/archive/port.js';
import { taiToUtcUnix } from '../../src/time/index.js';
import { openPacketFile, type ReadOptions } from '../framing/index.js';
import { guessProfile } from '../inspect/walk.js';

/** The index file of an idoc archive folder (src/store INDEX_FILE; named here so files need not load SQLite). */
const ARCHIVE_INDEX_FILE = 'index.sqlite';

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
  /** Serve this archive (e.g. PostgreSQL, archive.kind postgres, whose segment files are under `root`) instead of indexing `root`. */
  readonly archive?: () => Promise<ArchiveReader>;
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
  /** Delivery number of entry i: 0, 1, … in the order the server came to hold the packets (see the module). */
  readonly delivery: Float64Array;
  /** Entry indices in delivery order (`byDelivery[d]` holds delivery number d). */
  readonly byDelivery: Uint32Array;
  /** Bytes of entry i when they come from elsewhere than files (an archive). */
  readonly readPacket?: (i: number) => Promise<Uint8Array>;
  /** Release what the index holds open (an archive). */
  close?(): Promise<void> | void;
  /** The index with what was added to the root since (new files; new archive packets), or this one when nothing was. */
  refresh?(): Promise<PacketIndex>;
}

/** Archive packets read together when one is asked for (the entries after it in time order). */
const READ_AHEAD = 256;

/** Columns collected in stream order, sorted by time at the end. */
class IndexBuilder {
  readonly t: number[] = []; readonly f: number[] = []; readonly off: number[] = []; readonly len: number[] = [];
  readonly ap: number[] = []; readonly st: number[] = []; readonly vc: number[] = [];
  readonly held = new Map<number, Uint8Array>();
  untimed = 0;
  add(us: number, file: number, offset: number, length: number, apid: number, station: number, vc: number, bytes?: Uint8Array): void {
    if (bytes) this.held.set(this.t.length, bytes);
    this.t.push(us); this.f.push(file); this.off.push(offset); this.len.push(length); this.ap.push(apid); this.st.push(station); this.vc.push(vc);
  }
  /**
   * Sort by time (stable: ties keep stream order) into column arrays, after the entries of `prev` (whose
   * delivery numbers are kept; the new entries get the next ones, in time order).
   */
  finish(root: string, files: string[], problems: IndexProblem[], prev?: PacketIndex): PacketIndex {
    const { t } = this;
    const fresh = Array.from(t.keys()).sort((a, b) => t[a]! - t[b]! || a - b);
    const base = prev?.count ?? 0;
    const n = base + fresh.length;
    // Combined entries: k < base from prev, else fresh[k - base]; delivery numbers prev's, then base + rank.
    const timeOf = (k: number) => (k < base ? prev!.timeUs[k]! : t[fresh[k - base]!]!);
    const deliveryOf = (k: number) => (k < base ? prev!.delivery[k]! : k);
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => timeOf(a) - timeOf(b) || deliveryOf(a) - deliveryOf(b));
    const index = {
      root, files, count: n, untimed: (prev?.untimed ?? 0) + this.untimed, problems: [...(prev?.problems ?? []), ...problems],
      timeUs: new Float64Array(n), fileOf: new Uint32Array(n), offset: new Float64Array(n), length: new Uint32Array(n),
      apid: new Uint16Array(n), station: new Uint16Array(n), virtualChannel: new Uint16Array(n), held: new Map<number, Uint8Array>(),
      delivery: new Float64Array(n), byDelivery: new Uint32Array(n),
    };
    order.forEach((k, i) => {
      index.delivery[i] = deliveryOf(k);
      index.byDelivery[deliveryOf(k)] = i;
      if (k < base) {
        const p = prev!;
        index.timeUs[i] = p.timeUs[k]!; index.fileOf[i] = p.fileOf[k]!; index.offset[i] = p.offset[k]!; index.length[i] = p.length[k]!;
        index.apid[i] = p.apid[k]!; index.station[i] = p.station[k]!; index.virtualChannel[i] = p.virtualChannel[k]!;
        const h = p.held.get(k);
        if (h) index.held.set(i, h);
        return;
      }
      const j = fresh[k - base]!;
      index.timeUs[i] = t[j]!; index.fileOf[i] = this.f[j]!; index.offset[i] = this.off[j]!; index.length[i] = this.len[j]!;
      index.apid[i] = this.ap[j]!; index.station[i] = this.st[j]!; index.virtualChannel[i] = this.vc[j]!;
      const h = this.held.get(j);
      if (h) index.held.set(i, h);
    });
    return index;
  }
}

/**
 * Index the packets of an idoc archive through the archive port (a reader kept open to read packet bytes until
 * `close`). The index keeps each packet's opaque octet ref (`raw`) in `offset`.
 */
async function indexArchive(root: string, source: TimeSource, open?: () => Promise<ArchiveReader>): Promise<PacketIndex> {
  const archive = open ? await open() : await (await import('../../src/store/index.js')).openSqliteArchiveReader(root);
  /** Rows that arrived after `seen` (the archive's arrival order) → an index after `prev`. */
  const build = async (prev: PacketIndex | undefined, seen: number): Promise<PacketIndex> => {
    const b = new IndexBuilder();
    let last = seen;
    for await (const rows of archive.rows()) for (const row of rows) {
      if (row.arrival <= seen) continue;
      last = Math.max(last, row.arrival);
      let us: number | undefined;
      if (row.dds && source !== 'packet') us = Math.round(row.dds.unixMs * 1000);
      else if (source !== 'dds' && row.tai !== undefined) us = Math.round(taiToUtcUnix(row.tai) * 1e6);
      if (us === undefined) {
        b.untimed++;
        continue;
      }
      b.add(us, 0, row.raw, row.length, row.apid, row.dds?.groundStation ?? 0, row.dds?.virtualChannel ?? 0);
    }
    if (prev && b.t.length === 0 && b.untimed === 0) return prev;
    const index: PacketIndex = b.finish(root, [root], [], prev);
    let ahead: { from: number; views: Uint8Array[] } = { from: 0, views: [] };
    const self: PacketIndex = {
      ...index,
      readPacket: async (i) => {
        // Served mostly in time order: read the next entries with it (coalesced reads), keep them until passed.
        if (!(i >= ahead.from && i < ahead.from + ahead.views.length)) {
          const n = Math.min(READ_AHEAD, index.count - i);
          ahead = { from: i, views: await archive.scanBytes({ count: n, raw: index.offset.subarray(i, i + n), length: index.length.subarray(i, i + n) }) };
        }
        return ahead.views[i - ahead.from]!;
      },
      close: () => archive.close(),
      refresh: async () => build(self, last),
    };
    return self;
  };
  return build(undefined, -1);
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

/**
 * Index every packet file under `root` (recursively; dot files skipped; empty or unreadable files noted), or
 * the archive when `root` holds one.
 */
export async function indexPacketFolder(root: string, options: IndexOptions = {}): Promise<PacketIndex> {
  const source = options.timeSource ?? 'auto';
  if (options.archive) return indexArchive(root, source, options.archive);
  if (existsSync(path.join(root, ARCHIVE_INDEX_FILE))) return indexArchive(root, source);
  return indexFiles(root, options, undefined, new Set());
}

/** Index the files under `root` not in `known` (all of them at start), after `prev`. */
async function indexFiles(root: string, options: IndexOptions, prev: PacketIndex | undefined, known: Set<string>): Promise<PacketIndex> {
  const read = options.read ?? {};
  const source = options.timeSource ?? 'auto';
  const files = (await listFiles(root)).filter((f) => !known.has(f));
  if (prev && files.length === 0) return prev;
  const b = new IndexBuilder();
  const problems: IndexProblem[] = [];
  const kept: string[] = [...(prev?.files ?? [])];
  for (const file of files) {
    known.add(file);
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
          b.untimed++;
          continue;
        }
        b.add(us, fileIndex, p.streamOffset, p.length, p.apid, p.dds?.groundStation ?? 0, p.dds?.virtualChannel ?? 0,
          capture ? p.buf.slice(p.offset, p.offset + p.length) : undefined);
      }
    }
    if (packets) kept.push(file);
    else problems.push({ file, message: 'no packets found' });
  }
  // Files added later are indexed on refresh; a file that grows in place is not re-read (drop whole files in).
  const self: PacketIndex = { ...b.finish(root, kept, problems, prev), refresh: () => indexFiles(root, options, self, known) };
  return self;
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

/** The cursor of entry `i`: `d<delivery number>` (see the module: it follows delivery order, not packet time). */
export function cursorOf(index: PacketIndex, i: number): string {
  return `d${index.delivery[i]!}`;
}

/**
 * Position in delivery order following `cursor` (0 for undefined): `d<N>`, or a cursor of the former time form
 * `<UTC µs>:<rank among the entries of that time>` (archives keep the cursors of earlier runs).
 * @throws Error when the cursor is neither.
 */
export function positionAfter(index: PacketIndex, cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const d = /^d(\d+)$/.exec(cursor);
  if (d) return Math.min(Number(d[1]) + 1, index.count);
  const m = /^(\d+):(\d+)$/.exec(cursor);
  if (!m) throw new Error(`cursor ${JSON.stringify(cursor)}: expected d<n> (or <microseconds>:<n>)`);
  // The entry after it in time order, then on in delivery order (the same thing until something was added later).
  const us = Number(m[1]);
  const p = Math.min(lowerBound(index, us) + Number(m[2]) + 1, lowerBound(index, us + 1));
  return p < index.count ? index.delivery[p]! : index.count;
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

/** Entries matching `q` in delivery order (time order until something was added later), and whether more match beyond the limit. */
export function selectEntries(index: PacketIndex, q: IndexQuery): { entries: number[]; more: boolean } {
  const limit = q.limit ?? Infinity;
  const entries: number[] = [];
  for (let d = positionAfter(index, q.after); d < index.count; d++) {
    const i = index.byDelivery[d]!;
    if (q.apid && !q.apid(index.apid[i]!)) continue;
    const us = index.timeUs[i]!;
    if ((q.fromUs !== undefined && us < q.fromUs) || (q.toUs !== undefined && us >= q.toUs)) continue;
    if (entries.length >= limit) return { entries, more: true };
    entries.push(i);
  }
  return { entries, more: false };
}
