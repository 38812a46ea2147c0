/**
 * @module One piece of a window read from the archive, processed as columns (no object per packet): what
 * `processStream` (sort, de-duplicate, check) and `encodeIndex` do for a route without reassembly or
 * decompression, rule for rule (sort.ts, checks.ts, index-file.ts, packet-times.ts), writing the packets in L0
 * order into one contiguous buffer (the data file's next octets) and their index records into another. The
 * products are byte-identical to those of the object path (from-archive.test.ts and piece-columns.test.ts
 * compare them); this path exists because a day of a million small packets spent most of its time making,
 * hashing and collecting per-packet objects.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { timeOffsetOf } from '../../src/ccsds/secondary-header.js';
import { utcUnixToTai } from '../../src/time/index.js';
import { ContinuityState, usableObt } from '../checks/continuity.js';
import type { SequenceCarry } from './checks.js';
import { BlockHasher, type FileBlocks } from './block-fixity.js';
import { PACKET_RECORD_LENGTH } from './index-file.js';
import { sequenceDelta } from './sort.js';
import { QualityFlag, type L0Summary } from './types.js';
import type { SourceTracker } from '../preservation/provenance.js';

/** A piece of a window: columns in arrival order (row i = packet i) and each packet's octets. */
export interface PacketPiece {
  readonly count: number;
  readonly apid: Uint16Array;
  /** Packet time, TAI; NaN without one. */
  readonly tai: Float64Array;
  readonly seq: Uint16Array;
  /** As the archive port's `RowColumns.meta`: bits 0-1 sequence flags, 2-3 CRC (0 none, 1 ok, 2 bad), 8-10 time status. */
  readonly meta: Uint16Array;
  /** Ground time, Unix ms. */
  readonly received: Float64Array;
  /** Arrival order in the archive (larger: stored later): the order time monotonicity is judged in. */
  readonly arrival: Float64Array;
  /** DDS station << 16 | virtual channel (0 without a DDS header). */
  readonly dds: Uint32Array;
  /** Source of each packet: an id, named by `sourceName`. */
  readonly source: Int32Array;
  readonly sourceName: (id: number) => string;
  /** Packet octets, end to end in arrival order (in shared memory: hashed in a thread when written as they are). */
  readonly octets: Uint8Array;
  /** Where each packet starts in `octets`, and its length. */
  readonly offset: Float64Array;
  readonly length: Uint32Array;
  /** The consumer's promise that it is done with `octets` (written and hashed): the buffer is not reused before. */
  readonly hold?: (done: Promise<unknown>) => void;
}

export interface PieceOptions {
  readonly profile: PacketProfile;
  readonly timeRange?: { readonly minTai: number; readonly maxTai: number };
  readonly periodOf?: (apid: number) => number | undefined;
  readonly carry: SequenceCarry;
}

/** What the product keeps across its pieces (updated in place by {@link encodePiece}). */
export interface PieceTotals {
  summary: Record<keyof L0Summary, number>;
  startTai: number | undefined;
  stopTai: number | undefined;
  newest: number;
  /** On-board time fields of the first and of the last timed packet (for the spacecraft clock counts). */
  first: { hi: number; lo: number; has: boolean } | undefined;
  last: { hi: number; lo: number; has: boolean } | undefined;
  readonly sources: Set<string>;
  readonly tracker: SourceTracker;
  readonly monotonic: MonotonicState;
  /** The data file as runs of packets of one source (name, octets), in order: for a checksum per source. */
  readonly sourceRuns: { readonly name: string; octets: number }[];
}

/**
 * Time monotonicity across the pieces of a product (checks.ts judges a whole window: a packet is flagged when a
 * packet of its APID and source that arrived before it has a later time). Pieces come in time order, so a packet
 * of a later piece that arrived before a packet of an earlier one makes that one a step back: `encodePiece` judges
 * each piece and notes such a packet here (`inversion`), with every kept packet's arrival and key in record order;
 * `retroFlags` then finds the packets of earlier pieces to flag. The same flags as one whole window, however the
 * window is cut.
 */
export interface MonotonicState {
  /** Source names by number (the key of a packet is its source's number << 11 | its APID). */
  readonly names: Map<string, number>;
  /** Per piece, its kept packets' arrival (NaN: no time) and key, in record order. */
  readonly pieces: { readonly arrival: Float64Array; readonly key: Uint32Array }[];
  /** The latest arrival per source number and APID over the pieces so far (NaN: none). */
  readonly latest: Float64Array[];
  /** Whether a packet arrived before a packet of the same key in an earlier piece. */
  inversion: boolean;
}

/**
 * Records (numbers in the product's index) of earlier pieces that a packet of a later piece, of the same APID and
 * source, arrived before: those whose time steps back, which their own piece could not see.
 */
export function retroFlags(state: MonotonicState): number[] {
  if (!state.inversion) return [];
  const out: number[] = [];
  const earliestAfter = new Map<number, number>();
  let end = state.pieces.reduce((n, p) => n + p.arrival.length, 0);
  for (let j = state.pieces.length - 1; j >= 0; j--) {
    const { arrival, key } = state.pieces[j]!;
    const start = end - arrival.length;
    for (let r = 0; r < arrival.length; r++) {
      const a = arrival[r]!;
      if (Number.isNaN(a)) continue;
      const after = earliestAfter.get(key[r]!);
      if (after !== undefined && after < a) out.push(start + r);
    }
    for (let r = 0; r < arrival.length; r++) {
      const a = arrival[r]!;
      if (Number.isNaN(a)) continue;
      const k = key[r]!, after = earliestAfter.get(k);
      if (after === undefined || a < after) earliestAfter.set(k, a);
    }
    end = start;
  }
  return out.sort((x, y) => x - y);
}

export const newPieceTotals = (tracker: SourceTracker): PieceTotals => ({
  summary: { packets: 0, bytes: 0, duplicates: 0, gaps: 0, missingPackets: 0, resets: 0, crcErrors: 0, lengthErrors: 0, timeProblems: 0, pusHeaderErrors: 0, frames: 0, decompressionFailures: 0, incompleteFrames: 0, orphanSegments: 0, flaggedPackets: 0 },
  startTai: undefined, stopTai: undefined, newest: -Infinity, first: undefined, last: undefined, sources: new Set(), tracker,
  monotonic: { names: new Map(), pieces: [], latest: [], inversion: false }, sourceRuns: [],
});

/**
 * The sha256 (hex) of each source's packets in the data file `data` (the product's order), by source name, from
 * `runs` (PieceTotals.sourceRuns): what the provenance records when a product's packets came from several sources.
 */
export async function sourceDigests(data: FileHandle, runs: PieceTotals['sourceRuns']): Promise<Map<string, string>> {
  const hashes = new Map<string, ReturnType<typeof createHash>>();
  const buf = Buffer.allocUnsafe(4 << 20);
  let at = 0;
  for (const run of runs) {
    const h = hashes.get(run.name) ?? hashes.set(run.name, createHash('sha256')).get(run.name)!;
    for (let left = run.octets; left > 0;) {
      const { bytesRead } = await data.read(buf, 0, Math.min(buf.length, left), at);
      if (bytesRead === 0) throw new Error(`data file: octets missing at offset ${at}`);
      h.update(buf.subarray(0, bytesRead));
      at += bytesRead;
      left -= bytesRead;
    }
  }
  return new Map([...hashes].map(([name, h]) => [name, h.digest('hex')]));
}

/** Offset of the quality flags (u32) in an index record (index-file.ts; encodePiece writes them there). */
const RECORD_FLAGS = 18;

/**
 * Set the time-not-monotonic flag of `records` (numbers in the index file `index`, already written) and count
 * them in `summary` as encodePiece would have; then the index file's md5 and block SHA-256, read back (the ones
 * computed while it was written are stale).
 */
export async function markSteppedBack(index: FileHandle, size: number, records: readonly number[], summary: PieceTotals['summary']): Promise<{ md5: string; blocks: FileBlocks }> {
  const timeBits = QualityFlag.TimeMissing | QualityFlag.TimeNotMonotonic | QualityFlag.TimeOutOfRange;
  const md5 = createHash('md5'), blocks = new BlockHasher();
  // One pass in whole records: each part read, its flags set, written back when changed, and hashed.
  const part = Math.floor((4 << 20) / PACKET_RECORD_LENGTH) * PACKET_RECORD_LENGTH;
  const buf = Buffer.allocUnsafe(part);
  let next = 0; // the next of `records` (ascending)
  for (let at = 0; at < size;) {
    const want = Math.min(part, size - at);
    for (let got = 0; got < want;) {
      const { bytesRead } = await index.read(buf, got, want - got, at + got);
      if (bytesRead === 0) throw new Error(`index file: ${size - at - got} octets missing at offset ${at + got}`);
      got += bytesRead;
    }
    let changed = false;
    for (; next < records.length && records[next]! * PACKET_RECORD_LENGTH < at + want; next++) {
      const o = records[next]! * PACKET_RECORD_LENGTH + RECORD_FLAGS - at;
      const f = buf.readUInt32BE(o);
      if (f & QualityFlag.TimeNotMonotonic) continue;
      if (f === 0) summary.flaggedPackets++;
      if ((f & timeBits) === 0) summary.timeProblems++;
      buf.writeUInt32BE((f | QualityFlag.TimeNotMonotonic) >>> 0, o);
      changed = true;
    }
    if (changed) for (let put = 0; put < want;) put += (await index.write(buf, put, want - put, at + put)).bytesWritten;
    md5.update(buf.subarray(0, want));
    blocks.update(buf.subarray(0, want));
    at += want;
  }
  return { md5: md5.digest('hex'), blocks: blocks.digest() };
}

/**
 * Working columns of {@link encodePiece}, reused from call to call (it runs to its end without waiting, and keeps
 * none of them): fresh memory costs a page fault per 4 KiB on first touch, and a million-packet day made ~20 MB of
 * them. Views of the first `n` rows (`sorted` is a subarray: its sort stays within them).
 */
let working: { time: Float64Array; sorted: Int32Array; kept: Int32Array; flags: Uint32Array } | undefined;
function scratch(n: number): { time: Float64Array; sorted: Int32Array; kept: Int32Array; flags: Uint32Array } {
  if (!working || working.time.length < n) {
    const cap = Math.max(n, 2 * (working?.time.length ?? 0), 1024);
    working = { time: new Float64Array(cap), sorted: new Int32Array(cap), kept: new Int32Array(cap), flags: new Uint32Array(cap) };
  }
  return { time: working.time.subarray(0, n), sorted: working.sorted.subarray(0, n), kept: working.kept.subarray(0, n), flags: working.flags.subarray(0, n) };
}

/** Octets the packets of `piece` take (an upper bound of its data). */
export const pieceOctets = (piece: PacketPiece): number => (piece.count === 0 ? 0 : piece.offset[piece.count - 1]! + piece.length[piece.count - 1]!);

const CRC_BAD = 2, CRC_OK = 1;
const crcCode = (meta: number): number => { const c = (meta >>> 2) & 3; return c === 3 ? 0 : c; };

/** Octets of the time field (≤ 8 read), or 0 when the profile has none (packet-times.ts). */
function timeFieldOctets(profile: PacketProfile): number {
  const t = profile.time;
  if (t.code === 'cuc') return Math.min(8, t.coarseOctets + t.fineOctets);
  return Math.min(8, t.dayOctets + 4 + (t.subMs === 'us' ? 2 : t.subMs === 'ps' ? 4 : 0));
}

/**
 * Sort, de-duplicate and check `piece` and encode the index records of its kept packets (file offsets from
 * `dataOffset`). Returns the data file's next octets (the piece's own octets when it is already in L0 order with
 * nothing removed, else the kept packets copied in L0 order into `spare()`, which must hold {@link pieceOctets})
 * and the index records, in `indexBuffer(octets)` (shared memory, for hashing in a thread).
 */
export function encodePiece(piece: PacketPiece, opts: PieceOptions, dataOffset: number, spare: () => Uint8Array, indexBuffer: (octets: number) => Uint8Array, totals: PieceTotals): { data: Uint8Array; index: Uint8Array } {
  const n = piece.count;
  const { apid, tai, seq, meta, octets: oct, offset: off, length: lens } = piece;
  // sort.ts: time (an untimed packet takes the last time before it), APID, wrap-aware count, arrival.
  const { time, sorted, kept, flags } = scratch(n);
  let lastT = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = tai[i]!;
    if (Number.isFinite(t)) lastT = t;
    time[i] = lastT;
  }
  const before = (i: number, j: number): number => {
    const dt = time[i]! - time[j]!;
    if (dt !== 0) return dt;
    if (apid[i] !== apid[j]) return apid[i]! - apid[j]!;
    const ds = sequenceDelta(seq[i]!, seq[j]!);
    return ds !== 0 ? ds : i - j;
  };
  let inOrder = true;
  for (let i = 1; i < n && inOrder; i++) inOrder = before(i - 1, i) < 0;
  for (let i = 0; i < n; i++) sorted[i] = i;
  if (!inOrder) sorted.sort(before);
  let m = 0, duplicates = 0, groupStart = 0;
  for (let s = 0; s < n; s++) {
    const i = sorted[s]!;
    const prev = m > 0 ? kept[m - 1]! : -1;
    if (prev < 0 || time[prev] !== time[i] || apid[prev] !== apid[i] || seq[prev] !== seq[i]) {
      groupStart = m;
    } else {
      const bad = crcCode(meta[i]!) === CRC_BAD;
      let dup = false;
      for (let k = groupStart; k < m && !dup; k++) {
        const q = kept[k]!;
        dup = sameBytes(oct, off[q]!, lens[q]!, off[i]!, lens[i]!) || (bad && crcCode(meta[q]!) === CRC_OK && lens[q] === lens[i]);
      }
      if (dup) { duplicates++; continue; }
      if (crcCode(meta[i]!) === CRC_OK) {
        let replaced = false;
        for (let k = groupStart; k < m && !replaced; k++) {
          const q = kept[k]!;
          if (crcCode(meta[q]!) === CRC_BAD && lens[q] === lens[i]) { kept[k] = i; replaced = true; }
        }
        if (replaced) { duplicates++; continue; }
      }
    }
    kept[m++] = i;
  }
  // checks.ts, in L0 order.
  flags.fill(0, 0, m);
  const { cont, tai: lastTai } = opts.carry;
  const range = opts.timeRange;
  const sh = opts.profile.secondaryHeader;
  const hasTime = sh !== 'none';
  let gaps = 0, missing = 0, resets = 0;
  for (let k = 0; k < m; k++) {
    const i = kept[k]!;
    const o = off[i]!;
    const len = lens[i]!;
    const mt = meta[i]!;
    let f = 0;
    if (len < 7 || ((oct[o + 4]! << 8) | oct[o + 5]!) + 7 !== len) f |= QualityFlag.Length;
    if (crcCode(mt) === CRC_BAD) f |= QualityFlag.Crc;
    const t = Number.isNaN(tai[i]!) ? undefined : tai[i]!;
    const status = (mt >>> 8) & 7;
    if (t === undefined || status !== 0) {
      f |= QualityFlag.TimeMissing;
      if ((t === undefined || status === 1) && hasTime && len >= 6 && (oct[o]! & 0x08) !== 0) f |= QualityFlag.PusHeader;
    }
    if (t !== undefined && range !== undefined && (t < range.minTai || t > range.maxTai)) f |= QualityFlag.TimeOutOfRange;
    if (len > 6 && (oct[o]! & 0x08) !== 0) {
      if (sh === 'pus-c' ? (oct[o + 6]! >>> 4) !== 2 : sh === 'pus-a' ? ((oct[o + 6]! >>> 4) & 7) !== 1 : false) f |= QualityFlag.PusHeader;
    }
    const a = apid[i]! & 0x7ff;
    const c = cont[a] ?? (cont[a] = new ContinuityState(opts.periodOf?.(a)));
    const prev = c.lastSeq;
    const kind = c.stepAt(seq[i]!, status === 0 ? usableObt(t) : undefined, undefined);
    if (kind === 'out-of-order') f |= QualityFlag.SequenceOrder;
    else if (kind === 'gap') { f |= QualityFlag.SequenceGap; gaps++; missing += ((seq[i]! - prev) & 0x3fff) - 1; }
    else if (kind === 'reset') resets++;
    if (!(f & QualityFlag.SequenceOrder) && t !== undefined) lastTai[a] = t;
    flags[k] = f;
  }
  // Time monotonic per APID and source, in arrival order.
  let order: Int32Array | undefined;
  let arrivalInOrder = true;
  for (let k = 1; k < m && arrivalInOrder; k++) arrivalInOrder = kept[k - 1]! < kept[k]!;
  if (!arrivalInOrder) order = Int32Array.from({ length: m }, (_, k) => k).sort((x, y) => kept[x]! - kept[y]!);
  // Across pieces: each kept packet's arrival and key in record order, and whether one arrived before a packet of
  // its key in an earlier piece (MonotonicState).
  const mono = totals.monotonic;
  const arrivals = new Float64Array(m).fill(NaN), keys = new Uint32Array(m);
  /** This piece's latest arrival per source number and APID (in arrival order here: the last one seen). */
  const latest: Float64Array[] = [];
  const perSource = new Map<string, Float64Array>();
  let lastId = NaN, lastName = '';
  let lastKey: string | undefined;
  let lastBySource: Float64Array | undefined;
  let nameNo = 0;
  let earlier: Float64Array = new Float64Array(0), here: Float64Array = new Float64Array(0);
  for (let r = 0; r < m; r++) {
    const k = order ? order[r]! : r;
    const i = kept[k]!;
    if (Number.isNaN(tai[i]!)) continue;
    if (piece.source[i] !== lastId) { lastId = piece.source[i]!; lastName = piece.sourceName(lastId); }
    const key = lastName;
    if (key !== lastKey || lastBySource === undefined) {
      lastBySource = perSource.get(key);
      if (!lastBySource) { lastBySource = new Float64Array(2048).fill(NaN); perSource.set(key, lastBySource); }
      lastKey = key;
      let no = mono.names.get(key);
      if (no === undefined) { no = mono.names.size; mono.names.set(key, no); mono.latest.push(new Float64Array(2048).fill(NaN)); }
      nameNo = no;
      earlier = mono.latest[no]!;
      here = latest[no] ??= new Float64Array(2048).fill(NaN);
    }
    const a = apid[i]! & 0x7ff;
    const prevT = lastBySource[a]!;
    if (!Number.isNaN(prevT) && tai[i]! < prevT) flags[k] = flags[k]! | QualityFlag.TimeNotMonotonic;
    else lastBySource[a] = tai[i]!;
    const at = piece.arrival[i]!;
    arrivals[k] = at;
    keys[k] = nameNo * 2048 + a;
    if (at < earlier[a]!) mono.inversion = true; // false while NaN (no earlier piece had the key)
    here[a] = at;
  }
  latest.forEach((now, no) => {
    const all = mono.latest[no]!;
    for (let a = 0; a < 2048; a++) if (now[a]! > all[a]! || Number.isNaN(all[a]!)) all[a] = now[a]!;
  });
  mono.pieces.push({ arrival: arrivals, key: keys });
  // index-file.ts records, packet-times.ts times; the data file's octets; the product's running totals.
  const index = indexBuffer(m * PACKET_RECORD_LENGTH).subarray(0, m * PACKET_RECORD_LENGTH);
  const v = new DataView(index.buffer, index.byteOffset, index.length);
  const offset = timeOffsetOf(opts.profile);
  const at = offset + (opts.profile.time.pField ? 1 : 0);
  const octets = offset < 0 ? 0 : timeFieldOctets(opts.profile);
  let lastMs = NaN, lastGround = -1;
  const sum = totals.summary;
  let pos = 0, flagged = 0, crc = 0, lengthErr = 0, timeErr = 0, pus = 0;
  const timeBits = QualityFlag.TimeMissing | QualityFlag.TimeNotMonotonic | QualityFlag.TimeOutOfRange;
  // The piece's own octets are the data when it is in L0 order with nothing removed (the usual case).
  let same = m === n;
  for (let k = 0; k < m && same; k++) same = kept[k] === k;
  const data = same ? oct : spare();
  let lastSource: string | undefined;
  let lastTimed = -1, lastHi = 0, lastLo = 0, lastHas = false;
  for (let k = 0; k < m; k++) {
    const i = kept[k]!;
    const po = off[i]!;
    const len = lens[i]!;
    const mt = meta[i]!;
    const f = flags[k]!;
    if (f) flagged++;
    if (f & QualityFlag.Crc) crc++;
    if (f & QualityFlag.Length) lengthErr++;
    if (f & timeBits) timeErr++;
    if (f & QualityFlag.PusHeader) pus++;
    if (!same) data.set(oct.subarray(po, po + len), pos);
    const o = k * PACKET_RECORD_LENGTH;
    const fileOffset = dataOffset + pos;
    v.setUint32(o, Math.floor(fileOffset / 4294967296));
    v.setUint32(o + 4, fileOffset >>> 0);
    pos += len;
    v.setUint32(o + 8, len);
    v.setUint16(o + 12, apid[i]!);
    v.setUint16(o + 14, seq[i]!);
    index[o + 16] = mt & 3;
    index[o + 17] = crcCode(mt);
    v.setUint32(o + 18, f);
    const status = (mt >>> 8) & 7;
    const t = tai[i]!;
    const timed = !Number.isNaN(t);
    let hi = 0, lo = 0;
    const has = status !== 1 && octets > 0 && len >= at + octets;
    if (has) {
      for (let q = 0; q < octets; q++) {
        hi = ((hi << 8) | (lo >>> 24)) >>> 0;
        lo = ((lo << 8) | oct[po + at + q]!) >>> 0;
      }
    }
    v.setUint32(o + 22, hi);
    v.setUint32(o + 26, lo);
    v.setFloat64(o + 30, timed ? t : -1);
    v.setFloat64(o + 38, status === 0 && timed ? t : -1);
    index[o + 46] = status;
    const ms = piece.received[i]!;
    if (ms !== lastMs) { lastMs = ms; lastGround = utcUnixToTai(ms / 1000); }
    v.setFloat64(o + 47, lastGround);
    const dds = piece.dds[i]!;
    v.setUint16(o + 55, dds >>> 16);
    v.setUint16(o + 57, dds & 0xffff);
    v.setInt32(o + 59, -1);
    // build.ts `writePieces`: provenance, sources, times.
    if (piece.source[i] !== lastId) { lastId = piece.source[i]!; lastName = piece.sourceName(lastId); }
    const source = lastName;
    totals.tracker.addFields(source, len, ms, dds !== 0 ? dds >>> 16 : undefined, dds !== 0 ? dds & 0xffff : undefined);
    const run = totals.sourceRuns[totals.sourceRuns.length - 1];
    if (run?.name === source) run.octets += len;
    else totals.sourceRuns.push({ name: source, octets: len });
    if (source !== lastSource) { lastSource = source; totals.sources.add(path.basename(source)); }
    if (!timed) continue;
    if (totals.startTai === undefined) { totals.startTai = t; totals.first = { hi, lo, has }; }
    totals.stopTai = t;
    lastTimed = k; lastHi = hi; lastLo = lo; lastHas = has;
    if (t > totals.newest) totals.newest = t;
  }
  if (lastTimed >= 0) totals.last = { hi: lastHi, lo: lastLo, has: lastHas };
  sum.packets += m;
  sum.bytes += pos;
  sum.duplicates += duplicates;
  sum.gaps += gaps;
  sum.missingPackets += missing;
  sum.resets += resets;
  sum.crcErrors += crc;
  sum.lengthErrors += lengthErr;
  sum.timeProblems += timeErr;
  sum.pusHeaderErrors += pus;
  sum.flaggedPackets += flagged;
  return { data: data.subarray(0, pos), index };
}

/** Whether the packets at `a` and `b` (of lengths `la`, `lb`) in `oct` are the same octets. */
function sameBytes(oct: Uint8Array, a: number, la: number, b: number, lb: number): boolean {
  if (la !== lb) return false;
  const buf = Buffer.from(oct.buffer, oct.byteOffset, oct.length);
  return buf.compare(buf, a, a + la, b, b + lb) === 0;
}
