/**
 * @module The resynchronising splitter shared by the record framings (raw, prefix, DDS): a record is
 * `headerLength` framing octets then one CCSDS packet. The format descriptor says how to check its header.
 *
 * Rules (the same for every chunking, because a decision is taken only once every byte it looks at has
 * arrived, or at the end of the stream):
 * - a candidate packet needs a plausible primary header (version 0, not six zero octets, length within the
 *   maximum; a declared APID when resynchronising after skipped bytes and APIDs are declared);
 * - it is confirmed by its record header (DDS: size field = packet length), by a correct CRC when its APID
 *   carries one (per APID: over the packet, or over the data field only; src/ccsds/crc-policy.ts), or by a
 *   plausible header right after it (or the exact end of the stream);
 * - a CRC failure never drops a packet whose length chain is consistent with its neighbours: in sync, a packet
 *   whose CRC fails is kept, flagged `crc: bad`, when the next record confirms (a successor whose CRC checks,
 *   or two plausible headers chaining after it). CRC is a confirmation only while resynchronising: there a
 *   candidate whose CRC fails is never accepted;
 * - anything else is skipped one byte at a time; consecutive skipped bytes form one reported range.
 * A packet followed directly by garbage cannot be told from one whose length field lies; it is kept only when it
 * continues its APID exactly (next sequence count, same length as the APID's last packet), otherwise it is
 * reported with the garbage as skipped bytes rather than passed on unconfirmed.
 * While resynchronising, only APIDs declared in the config (or, without a config, APIDs already seen in the
 * stream) are candidates, and without a CRC two headers must chain.
 * An APID whose CRC is `auto` and was not decided from the head of the stream is decided by its first packets
 * here: the first whose packet or data-field CRC checks decides it; four that check neither make it `none`.
 */
import { IDLE_APID, MAX_PACKET_LENGTH } from '../../src/ccsds/primary-header.js';
import { CrcCode, crcMatches, crcTable, MODE_OF_CODE, type CrcTable } from '../../src/ccsds/crc-policy.js';
import type { DdsHeader } from './dds/layout.js';
import { emptyBatch, type Batch, type FramedPacket, type SkipReason, type SplitOptions, type Splitter } from './types.js';

/** How one framing's records look. */
export interface RecordFormat {
  readonly name: string;
  /** Framing octets before each packet. */
  readonly headerLength: number;
  /** Check the framing header at `p` against the packet length; true = consistent. */
  readonly checkHeader?: (buf: Uint8Array, p: number, packetLength: number) => boolean;
  /** A consistent framing header confirms the record on its own (DDS: a 32-bit size that matches). */
  readonly selfConfirming: boolean;
  /** Decode the framing header to travel with the packet. */
  readonly decodeHeader?: (buf: Uint8Array, p: number) => DdsHeader;
}

const EMPTY = new Uint8Array(0);
const NEED_MORE = -1;
const REJECT = -2;
const TRUNCATED = -3;
/** Default head of a new chunk joined to the carried tail (larger needs fall back to a full join). */
const STITCH = 64 * 1024;

/** `a` then `b` in a new buffer (every byte written, so no zero fill). */
function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Longest zero run looked across when confirming a packet by its successor. */
const MAX_ZERO_RUN = 65536;

export class RecordSplitter implements Splitter {
  readonly framing: string;
  private buf: Uint8Array = EMPTY;
  /** Stream offset of buf[0]. */
  private base = 0;
  private inSync = true;
  /** CRC code per APID (a copy: `auto` entries are decided as packets arrive). */
  private readonly crc: CrcTable;
  private readonly autoMisses = new Uint8Array(2048);
  private readonly late: { apid: number; mode: string }[] = [];
  /** For an undecided `auto` APID: which CRC the last candidate matched (0 none). */
  private autoMatch = 0;
  private readonly known: Uint8Array | undefined;
  /** APIDs of packets accepted so far: the resynchronisation filter when none are declared. */
  private readonly learned = new Uint8Array(2048);
  private learnedAny = false;
  /** Per APID, the sequence count and length of the last accepted packet (-1: none yet). */
  private readonly lastSeq = new Int32Array(2048).fill(-1);
  private readonly lastLen = new Int32Array(2048);
  /** 1 once a packet of the APID passed its CRC: its packets do carry one, and a failure is damage. */
  private readonly crcSeen = new Uint8Array(2048);
  private readonly maxLen: number;
  private readonly stitch: number;
  // The open skip range.
  private skipStart = -1;
  private skipLen = 0;
  private skipNonZero = false;
  private skipFirst: SkipReason = 'garbage';
  // Result of the last record check.
  private crcState: 'ok' | 'bad' | 'none' = 'none';
  private lastReject: SkipReason = 'garbage';
  /** Inside {@link quiet}. */
  private quietScan = false;

  constructor(private readonly format: RecordFormat, options: SplitOptions = {}) {
    this.framing = format.name;
    const c = options.crc ?? false;
    this.crc = typeof c === 'boolean' ? crcTable(c ? 'packet' : 'none') : Uint8Array.from(c);
    this.known = options.knownApids;
    this.maxLen = options.maxPacketLength ?? MAX_PACKET_LENGTH;
    this.stitch = options.stitchBytes ?? STITCH;
    this.inSync = options.startInSync ?? true;
  }

  push(chunk: Uint8Array): Batch {
    const out = emptyBatch();
    if (chunk.length === 0) return out;
    const tail = this.buf;
    if (tail.length === 0) {
      this.scan(chunk, 0, false, out);
    } else if (chunk.length <= 2 * this.stitch) {
      this.scan(join(tail, chunk), 0, false, out);
    } else {
      // Only the carried tail and the head of the chunk are joined (a copy of a few KiB, not of the chunk):
      // the records that start in the tail are decided there, then the scan goes on in the chunk itself.
      const stitched = join(tail, chunk.subarray(0, this.stitch));
      const p = this.scanUntil(stitched, tail.length, out);
      if (p >= tail.length) {
        this.base += tail.length;
        this.scan(chunk, p - tail.length, false, out);
      } else {
        // A decision there needs more than the stitched head (a long packet): join the rest from where it stopped.
        this.base += p;
        this.scan(join(stitched.subarray(p), chunk.subarray(this.stitch)), 0, false, out);
      }
    }
    return out;
  }

  crcDecidedLate(): readonly { apid: number; mode: string }[] {
    return this.late;
  }

  end(): Batch {
    const out = emptyBatch();
    this.scan(this.buf, 0, true, out);
    return out;
  }

  /** See {@link Splitter.quiet}: live links only; the one place where a decision may depend on chunk timing. */
  quiet(): Batch {
    const out = emptyBatch();
    if (this.buf.length === 0) return out;
    this.quietScan = true;
    try {
      this.scan(this.buf, 0, false, out);
    } finally {
      this.quietScan = false;
    }
    return out;
  }

  /**
   * Decide records of `buf` (whose first byte is stream offset `this.base`) from `start`, until the data runs
   * out; then keep the unread tail (a copy, so the caller may reuse its chunk) — or, at the end, report it.
   */
  private scan(buf: Uint8Array, start: number, ended: boolean, out: Batch): void {
    const n = buf.length;
    const p = this.decide(buf, start, n, ended, out);
    if (ended) {
      if (p < n) this.skipBytes(buf, p, n - p, 'truncated');
      this.closeSkip(out);
      this.base += n;
      this.buf = EMPTY;
    } else {
      this.base += p;
      this.buf = p < n ? buf.slice(p) : EMPTY;
    }
  }

  /** Decide records of `buf` that start before `stop`; returns where it stopped (≥ stop, or earlier when it needs more bytes). */
  private scanUntil(buf: Uint8Array, stop: number, out: Batch): number {
    return this.decide(buf, 0, stop, false, out);
  }

  /** The decision loop: records starting in [start, stop) of `buf`; returns the position reached. */
  private decide(buf: Uint8Array, start: number, stop: number, ended: boolean, out: Batch): number {
    const n = buf.length;
    const H = this.format.headerLength;
    let p = start;
    while (p < stop) {
      const r = this.tryRecord(buf, p, n, ended);
      if (r === NEED_MORE) break;
      if (r === TRUNCATED) {
        this.skipBytes(buf, p, n - p, 'truncated');
        p = n;
        break;
      }
      if (r === REJECT) {
        this.skipBytes(buf, p, 1, this.lastReject);
        p += 1;
        this.inSync = false;
        continue;
      }
      // Accepted: r is the packet length.
      this.closeSkip(out);
      const o = p + H;
      const b0 = buf[o]!;
      const apid = ((b0 & 0x07) << 8) | buf[o + 1]!;
      if (apid === IDLE_APID) {
        out.idle += 1;
        out.idleBytes += r;
      } else {
        if (!this.learned[apid]) { this.learned[apid] = 1; this.learnedAny = true; }
        if (this.crc[apid] === CrcCode.Auto) {
          if (this.autoMatch) this.crc[apid] = this.autoMatch;
          else if (++this.autoMisses[apid]! >= 4) this.crc[apid] = CrcCode.None;
          if (this.crc[apid] !== CrcCode.Auto) this.late.push({ apid, mode: MODE_OF_CODE[this.crc[apid]!]! });
        }
        const b2 = buf[o + 2]!;
        this.lastSeq[apid] = ((b2 & 0x3f) << 8) | buf[o + 3]!;
        this.lastLen[apid] = r;
        if (this.crcState === 'ok') this.crcSeen[apid] = 1;
        const packet: FramedPacket = {
          buf, offset: o, length: r, streamOffset: this.base + o, apid,
          type: ((b0 >>> 4) & 1) as 0 | 1, secondaryHeader: (b0 & 0x08) !== 0,
          sequenceFlags: b2 >>> 6, sequenceCount: ((b2 & 0x3f) << 8) | buf[o + 3]!, crc: this.crcState,
          dds: this.format.decodeHeader ? this.format.decodeHeader(buf, p) : undefined, captureUs: NaN,
        };
        out.packets.push(packet);
      }
      p = o + r;
      this.inSync = true;
    }
    return p;
  }

  /** Is there a plausible primary header at `o`? (Needs 6 bytes.) */
  private plausible(buf: Uint8Array, o: number, requireKnown: boolean): boolean {
    const b0 = buf[o]!;
    if ((b0 & 0xe0) !== 0) return false; // packet version 000 (CCSDS 133.0-B-2 §4.1.3.2)
    const b1 = buf[o + 1]!, b2 = buf[o + 2]!, b3 = buf[o + 3]!, b4 = buf[o + 4]!, b5 = buf[o + 5]!;
    if ((b0 | b1 | b2 | b3 | b4 | b5) === 0) return false; // six zero octets: fill, not a packet
    if (((b4 << 8) | b5) + 7 > this.maxLen) return false;
    if (requireKnown) {
      const known = this.known ?? (this.learnedAny ? this.learned : undefined);
      const apid = ((b0 & 0x07) << 8) | b1;
      if (known && apid !== IDLE_APID && !known[apid]) return false;
    }
    return true;
  }

  /** Decide the record at `p`: its packet length, or NEED_MORE / REJECT / TRUNCATED. */
  private tryRecord(buf: Uint8Array, p: number, n: number, ended: boolean): number {
    const H = this.format.headerLength;
    const o = p + H;
    if (o + 6 > n) return ended ? TRUNCATED : NEED_MORE;
    this.lastReject = 'garbage';
    if (!this.plausible(buf, o, !this.inSync)) return REJECT;
    const len = ((buf[o + 4]! << 8) | buf[o + 5]!) + 7;
    if (this.format.checkHeader && !this.format.checkHeader(buf, p, len)) return REJECT;
    const end = o + len;
    if (end > n) {
      // Quiet: no more is coming now. A long claim inside garbage is rejected; in sync, a packet cut by the pause
      // waits only when it continues its APID's sequence count (as the rest of a real packet would).
      if (!ended && this.quietScan && (!this.inSync || !this.nextInSequence(buf, o))) return REJECT;
      if (!ended) return NEED_MORE;
      // The stream ends inside this candidate: skip a byte and look on (a later packet may still be whole).
      this.lastReject = 'truncated';
      return REJECT;
    }
    const code = this.crc[((buf[o]! & 0x07) << 8) | buf[o + 1]!]!;
    if (code === CrcCode.None) {
      this.crcState = 'none';
    } else if (code === CrcCode.Auto) {
      this.autoMatch = crcMatches(CrcCode.Packet, buf, o, end) ? CrcCode.Packet : crcMatches(CrcCode.DataField, buf, o, end) ? CrcCode.DataField : 0;
      this.crcState = this.autoMatch ? 'ok' : 'none';
    } else {
      this.crcState = crcMatches(code, buf, o, end) ? 'ok' : 'bad';
    }
    if (this.format.selfConfirming || this.crcState === 'ok') return len;
    // While resynchronising, a packet whose CRC fails is never accepted: real packets are dense, so "some
    // packet follows" is weak evidence for a candidate found inside garbage.
    if (this.crcState === 'bad' && !this.inSync) return REJECT;
    // The first record of a stream whose CRC fails while a record whose CRC checks starts inside it: damaged head
    // bytes that read as a header (by chance its length may even land on a real boundary).
    if (this.crcState === 'bad' && !this.learnedAny && this.swallowsCheckedPacket(buf, o, end)) return REJECT;
    // Confirm by what follows: the exact end of the stream, or the next records. In sync, one plausible header
    // (a packet without a CRC) or, for a packet whose CRC failed, a successor whose CRC checks or two plausible
    // headers in a chain; resynchronising, two in a chain (so that garbage rarely passes).
    const remaining = n - end;
    // Before the first packet is taken nothing says the stream is in step: a CRC failure there needs a chain of
    // four (a damaged head whose bytes read as a header would otherwise be kept, and its APID learned as the only
    // one known, which holds every real packet back while resynchronising).
    const depth = this.inSync && this.crcState !== 'bad' ? 1 : this.crcState === 'bad' && !this.learnedAny ? 4 : 2;
    // A CRC failure of an APID whose packets passed their CRC before is damage: only a successor whose CRC checks
    // confirms it (a truncated packet whose header claims the start of the next, whole copy is not kept).
    const damaged = this.crcState === 'bad' && this.crcSeen[((buf[o]! & 0x07) << 8) | buf[o + 1]!] === 1;
    const v = remaining === 0 && (ended || this.quietScan) ? 1 : this.confirmAt(buf, end, n, ended, depth, damaged);
    if (v === NEED_MORE && this.quietScan) {
      // Quiet: decide as at an end of stream would, for now. Inside garbage: unconfirmed. In sync: a packet
      // without a CRC stands (a plausible successor is starting); one whose CRC failed is not kept on a guess.
      if (!this.inSync || this.crcState === 'bad') return REJECT;
      return len;
    }
    if (v === NEED_MORE) return NEED_MORE;
    if (v === 1) return len;
    // No plausible successor (garbage follows, or this length lies): keep the packet only when it continues its
    // APID exactly, next sequence count and the same length as the last one (fixed-length housekeeping); a
    // lying length field would differ.
    // A CRC failure is not rescued this way for an APID whose packets have passed their CRC before: there it is
    // damage, typically a truncated packet whose header claims the start of the next, whole copy.
    if (this.inSync && (this.crcState !== 'bad' || !this.crcSeen[((buf[o]! & 0x07) << 8) | buf[o + 1]!]) && this.continuesApid(buf, o, len)) return len;
    this.lastReject = 'bad-length';
    return REJECT;
  }

  /** Known APID (or the first of its APID) and the next sequence count after its last packet. */
  private nextInSequence(buf: Uint8Array, o: number): boolean {
    if (!this.plausible(buf, o, true)) return false;
    const apid = ((buf[o]! & 0x07) << 8) | buf[o + 1]!;
    const last = this.lastSeq[apid]!;
    return last < 0 || (((buf[o + 2]! & 0x3f) << 8) | buf[o + 3]!) === ((last + 1) & 0x3fff);
  }

  private continuesApid(buf: Uint8Array, o: number, len: number): boolean {
    const apid = ((buf[o]! & 0x07) << 8) | buf[o + 1]!;
    const last = this.lastSeq[apid]!;
    const seq = ((buf[o + 2]! & 0x3f) << 8) | buf[o + 3]!;
    return last >= 0 && seq === ((last + 1) & 0x3fff) && this.lastLen[apid] === len;
  }

  /**
   * Is there a confirming record at `p`? 1 yes, 0 no, NEED_MORE. `depth` plausible headers in a chain (the end of
   * the stream counts as confirming); before the last link, a packet whose own CRC checks confirms at once.
   */
  /** Whether a record whose CRC checks starts inside (o, end) of `buf` and ends within it. */
  private swallowsCheckedPacket(buf: Uint8Array, o: number, end: number): boolean {
    for (let q = o + 1; q + 6 <= end; q++) {
      if ((buf[q]! & 0xe0) !== 0) continue; // packet version 000
      const code = this.crc[((buf[q]! & 0x07) << 8) | buf[q + 1]!]!;
      if (code === CrcCode.None) continue;
      const qEnd = q + ((buf[q + 4]! << 8) | buf[q + 5]!) + 7;
      if (qEnd > end || !this.plausible(buf, q, false)) continue;
      if (code === CrcCode.Auto ? crcMatches(CrcCode.Packet, buf, q, qEnd) || crcMatches(CrcCode.DataField, buf, q, qEnd) : crcMatches(code, buf, q, qEnd)) return true;
    }
    return false;
  }

  private confirmAt(buf: Uint8Array, p: number, n: number, ended: boolean, depth: number, checkedOnly = false): number {
    const H = this.format.headerLength;
    const start = p;
    for (let k = 0; k < depth; k++) {
      if (p === n && ended) return 1;
      if (p + H + 6 > n) return ended ? 1 : NEED_MORE;
      // Zero fill between records does not break the chain (it is reported as a zero-fill skip).
      if (buf[p] === 0 && !this.plausible(buf, p + H, !this.inSync)) {
        while (p < n && buf[p] === 0 && p - start < MAX_ZERO_RUN) p++;
        if (p === n) return ended ? 1 : NEED_MORE;
      }
      const o = p + H;
      if (o + 6 > n) return ended ? 1 : NEED_MORE;
      if (!this.plausible(buf, o, !this.inSync)) return 0;
      const len = ((buf[o + 4]! << 8) | buf[o + 5]!) + 7;
      const code = this.crc[((buf[o]! & 0x07) << 8) | buf[o + 1]!]!;
      if (k + 1 < depth && code !== CrcCode.None) {
        // Decided on the whole successor (so the same whatever the chunking).
        if (o + len > n && !ended) return NEED_MORE;
        if (o + len <= n && (code === CrcCode.Auto
          ? crcMatches(CrcCode.Packet, buf, o, o + len) || crcMatches(CrcCode.DataField, buf, o, o + len)
          : crcMatches(code, buf, o, o + len))) return 1;
        // Confirming damage: a successor of an APID whose packets pass their CRC must pass it too; one of an APID
        // seen but never passing (it carries no such CRC: mixed CRC use) must chain on; an APID never seen fails.
        const sapid = ((buf[o]! & 0x07) << 8) | buf[o + 1]!;
        if (checkedOnly && (this.crcSeen[sapid] === 1 || !this.learned[sapid])) return 0;
      }
      p = o + len;
      if (p > n && k + 1 < depth) return ended ? 1 : NEED_MORE;
    }
    return 1;
  }

  private skipBytes(buf: Uint8Array, p: number, count: number, reason: SkipReason): void {
    if (this.skipStart < 0) {
      this.skipStart = this.base + p;
      this.skipLen = 0;
      this.skipNonZero = false;
      this.skipFirst = reason;
    }
    for (let i = p; i < p + count && !this.skipNonZero; i++) if (buf[i] !== 0) this.skipNonZero = true;
    this.skipLen += count;
  }

  private closeSkip(out: Batch): void {
    if (this.skipStart < 0) return;
    const reason: SkipReason = !this.skipNonZero ? 'zero-fill' : this.skipFirst;
    out.skips.push({ offset: this.skipStart, length: this.skipLen, reason });
    this.skipStart = -1;
  }
}
