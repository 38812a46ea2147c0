/**
 * @module Streaming reader of pcap (draft-ietf-opsawg-pcap) and pcapng (draft-ietf-opsawg-pcapng) captures
 * that yields the UDP payloads and the reassembled TCP byte streams inside them.
 *
 * Streaming: the file is read as a sequence of units (file header, record, block). A unit lying wholly in a
 * chunk is decoded in place; one that spans chunks is gathered in a carry buffer that never holds more than
 * one unit (at most `maxRecordLength` + 32 octets for pcap, + 65536 for pcapng). Every decision depends
 * only on the bytes of the file, never on where chunks end, so any chunking gives the same results.
 *
 * Damage never throws. A pcap record header that cannot be right (timestamp fraction ≥ 1 s, captured length
 * above `maxRecordLength`) or a pcapng block whose length is impossible or whose trailing length differs from
 * its leading one starts a resynchronisation: the reader scans forward one octet at a time for a plausible
 * unit, and reports everything from the bad unit to it as one skip. Plausible means, for pcap, a record
 * header with a fraction below one second, 0 < captured ≤ original length, captured ≤ `maxRecordLength`,
 * a timestamp within a year of the last good record (non-zero when there is none yet), followed by another
 * such header or by the end of the file; for pcapng, a block of a registered type whose leading and trailing lengths agree. If none is found
 * the rest of the file is one skip.
 *
 * pcapng: blocks other than SHB, IDB, EPB, SPB and the obsolete PB are passed over by their length; a
 * section whose SHB has a major version other than 1 is skipped up to the next SHB (§3.4), as one skip.
 * A Simple Packet Block has no timestamp: its payloads carry `timeUs` NaN.
 */
import { decodeFrame } from './_frame.js';
import { TcpReassembler } from './_tcp-stream.js';
import type { Sink } from './_tcp-stream.js';
import {
  BlockType,
  IdbOption,
  PCAPNG_BLOCK_HEADER_LENGTH,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_EPB_BODY_LENGTH,
  PCAPNG_IDB_BODY_BE,
  PCAPNG_IDB_BODY_LE,
  PCAPNG_IDB_BODY_LENGTH,
  PCAPNG_MIN_BLOCK_LENGTH,
  PCAPNG_OPTION_HEADER_BE,
  PCAPNG_OPTION_HEADER_LE,
  PCAPNG_OPTION_HEADER_LENGTH,
  PCAPNG_PB_BODY_BE,
  PCAPNG_PB_BODY_LE,
  PCAPNG_PB_BODY_LENGTH,
  PCAPNG_SHB_BODY_BE,
  PCAPNG_SHB_BODY_LE,
  PCAPNG_SHB_BODY_LENGTH,
  PCAPNG_SHB_TYPE,
  PCAPNG_SPB_BODY_BE,
  PCAPNG_SPB_BODY_LE,
  PCAPNG_SPB_BODY_LENGTH,
  PCAP_FILE_HEADER_BE,
  PCAP_FILE_HEADER_LE,
  PCAP_FILE_HEADER_LENGTH,
  PCAP_LINKTYPE_MASK,
  PCAP_RECORD_HEADER_LENGTH,
  PcapMagic,
  parseAt,
  readPcapRecordHeader,
  readPcapngBlockHeader,
  readPcapngEnhancedPacket,
  readU32,
} from './layout.js';
import type {
  PcapFileHeader,
  PcapRecordHeader,
  PcapngBlockHeader,
  PcapngEnhancedPacket,
  PcapngInterfaceDescription,
  PcapngObsoletePacket,
  PcapngOptionHeader,
  PcapngSectionHeader,
  PcapngSimplePacket,
} from './layout.js';
import type { PcapBatch, PcapReader, PcapReaderOptions } from './types.js';

/** Default {@link PcapReaderOptions.maxRecordLength}: libpcap's MAXIMUM_SNAPLEN. */
export const DEFAULT_MAX_RECORD_LENGTH = 262144;
/** Default {@link PcapReaderOptions.maxTcpBufferedBytes}. */
export const DEFAULT_MAX_TCP_BUFFERED_BYTES = 1048576;
/** Room for a pcapng block's header, trailer and options on top of `maxRecordLength`. */
const PCAPNG_BLOCK_ALLOWANCE = 65536;
/** A resynchronised pcap record must lie within this many seconds of the last good one. */
const RESYNC_TIME_WINDOW_S = 366 * 86400;

/** Which file format the 4 first bytes announce (pcap: draft-ietf-opsawg-pcap §4; pcapng: §4.1). */
export function isPcapMagic(first4: Uint8Array): 'pcap' | 'pcapng' | undefined {
  if (first4.length < 4) return undefined;
  const be = ((first4[0]! << 24) | (first4[1]! << 16) | (first4[2]! << 8) | first4[3]!) >>> 0;
  const le = ((first4[3]! << 24) | (first4[2]! << 16) | (first4[1]! << 8) | first4[0]!) >>> 0;
  if (be === PcapMagic.Microseconds || be === PcapMagic.Nanoseconds) return 'pcap';
  if (le === PcapMagic.Microseconds || le === PcapMagic.Nanoseconds) return 'pcap';
  if (be === PCAPNG_SHB_TYPE) return 'pcapng';
  return undefined;
}

/**
 * A reader to feed a capture file chunk by chunk.
 * @throws RangeError when an option is not a positive integer (misuse).
 */
export function createPcapReader(options: PcapReaderOptions = {}): PcapReader {
  const maxRecordLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
  const maxTcp = options.maxTcpBufferedBytes ?? DEFAULT_MAX_TCP_BUFFERED_BYTES;
  for (const [name, v] of [['maxRecordLength', maxRecordLength], ['maxTcpBufferedBytes', maxTcp]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`pcap reader option ${name} must be a positive integer, got ${v}`);
  }
  return new Reader(maxRecordLength, maxTcp);
}

type Mode = 'magic' | 'pcapHeader' | 'pcapRecord' | 'pcapngBlock' | 'resync' | 'unknown';

/** A pcapng interface (IDB, §4.2) as far as decoding needs it. */
interface Interface {
  readonly linkType: number;
  readonly snapLen: number;
  /** if_tsresol: units are 10^-n s (pow2 false) or 2^-n s (pow2 true). */
  readonly resolution: number;
  readonly pow2: boolean;
  /** if_tsoffset, seconds. */
  readonly offsetS: bigint;
}

/** Step result meaning "need `want` octets from the unit start". */
const NEED_MORE = -1;

class Reader implements PcapReader {
  format: 'pcap' | 'pcapng' | undefined = undefined;

  private mode: Mode = 'magic';
  /** File offset of the next octet to decode. */
  private pos = 0;
  /** Octets the current step needs from `pos` (valid after a step returned NEED_MORE). */
  private want = 4;
  private ended = false;
  private out: PcapBatch = { payloads: [], skips: [] };

  // Carry buffer: the start of a unit that spans chunks, in carry[carryStart, carryEnd).
  private carry = new Uint8Array(0);
  private carryStart = 0;
  private carryEnd = 0;
  /** Views into `carry` were handed out in this push: do not overwrite it. */
  private exported = false;

  // pcap state
  private littleEndian = true;
  private nanoseconds = false;
  private linkType = 0;
  /** Last good record's seconds, for resynchronisation; undefined before the first. */
  private lastSeconds: number | undefined = undefined;

  // pcapng state
  private interfaces: Interface[] = [];
  /** Start of a section being skipped for its version (§3.4), or undefined. */
  private skippedSectionFrom: number | undefined = undefined;
  private skippedSectionReason = '';

  // resynchronisation
  private resyncFrom = 0;
  private resyncReason = '';

  private readonly tcp: TcpReassembler;
  private readonly maxBlockLength: number;

  constructor(
    private readonly maxRecordLength: number,
    maxTcpBuffered: number,
  ) {
    this.tcp = new TcpReassembler(maxTcpBuffered);
    this.maxBlockLength = maxRecordLength + PCAPNG_BLOCK_ALLOWANCE;
  }

  /** @throws TypeError when `chunk` is not a Uint8Array; Error after end() (misuse). */
  push(chunk: Uint8Array): PcapBatch {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('pcap reader push() takes a Uint8Array');
    if (this.ended) throw new Error('pcap reader push() after end()');
    this.out = { payloads: [], skips: [] };
    this.exported = false;
    let p = 0;
    const end = chunk.length;
    for (;;) {
      if (this.carryEnd > this.carryStart) {
        const have = this.carryEnd - this.carryStart;
        if (have < this.want) {
          if (p >= end) break;
          const n = Math.min(this.want - have, end - p);
          this.appendCarry(chunk, p, p + n);
          p += n;
          if (this.carryEnd - this.carryStart < this.want) break;
        }
        const c = this.step(this.carry, this.carryStart, this.carryEnd - this.carryStart, false);
        if (c === NEED_MORE) continue;
        this.consumeCarry(c);
        continue;
      }
      if (p >= end) break;
      const c = this.step(chunk, p, end - p, false);
      if (c === NEED_MORE) {
        this.appendCarry(chunk, p, end);
        break;
      }
      p += c;
      this.pos += c;
    }
    return this.out;
  }

  /** @throws Error when called twice (misuse). */
  end(): PcapBatch {
    if (this.ended) throw new Error('pcap reader end() called twice');
    this.ended = true;
    this.out = { payloads: [], skips: [] };
    this.exported = false;
    while (this.carryEnd > this.carryStart) {
      this.consumeCarry(this.step(this.carry, this.carryStart, this.carryEnd - this.carryStart, true));
    }
    this.closeSkippedSection();
    if (this.mode === 'resync') {
      this.skip(this.resyncFrom, this.pos - this.resyncFrom, `${this.resyncReason}; no plausible record found before the end of the file`);
    } else if (this.mode === 'unknown') {
      this.skip(0, this.pos, 'not a pcap or pcapng file (unknown magic number)');
    } else if (this.mode === 'magic' && this.pos === 0) {
      this.skip(0, 0, 'empty file');
    }
    this.tcp.flush(this.out as Sink);
    return this.out;
  }

  private consumeCarry(c: number): void {
    this.carryStart += c;
    this.pos += c;
    if (c > 0) this.exported = true;
    if (this.carryStart === this.carryEnd) this.carryStart = this.carryEnd = 0;
  }

  private appendCarry(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    const live = this.carryEnd - this.carryStart;
    if (this.carryEnd + n > this.carry.length || (live === 0 && this.exported)) {
      // New buffer: views handed out from the old one stay valid until the next push.
      const next = new Uint8Array(Math.max(live + n, this.want, 2048));
      next.set(this.carry.subarray(this.carryStart, this.carryEnd));
      this.carry = next;
      this.carryStart = 0;
      this.carryEnd = live;
      this.exported = false;
    }
    this.carry.set(src.subarray(from, to), this.carryEnd);
    this.carryEnd += n;
  }

  private skip(offset: number, length: number, reason: string, flow?: string): void {
    this.out.skips.push(flow === undefined ? { offset, length, reason } : { offset, length, reason, flow });
  }

  /**
   * Decode one unit at buf[at], `avail` octets available (more may follow unless `eof`). Returns the octets
   * consumed (0 when only the mode changed), or NEED_MORE after setting `want`. With `eof` it never returns
   * NEED_MORE.
   */
  private step(buf: Uint8Array, at: number, avail: number, eof: boolean): number {
    switch (this.mode) {
      case 'magic':
        return this.stepMagic(buf, at, avail, eof);
      case 'pcapHeader':
        return this.stepPcapHeader(buf, at, avail, eof);
      case 'pcapRecord':
        return this.stepPcapRecord(buf, at, avail, eof);
      case 'pcapngBlock':
        return this.stepPcapngBlock(buf, at, avail, eof);
      case 'resync':
        return this.format === 'pcap' ? this.stepPcapResync(buf, at, avail, eof) : this.stepPcapngResync(buf, at, avail, eof);
      case 'unknown':
        return avail;
    }
  }

  private need(n: number, avail: number): boolean {
    if (avail >= n) return false;
    this.want = n;
    return true;
  }

  private stepMagic(buf: Uint8Array, at: number, avail: number, eof: boolean): number {
    if (avail < 4) {
      if (!eof) return this.needMore(4);
      this.skip(this.pos, avail, `file of ${avail} octets too short for a capture magic number`);
      return avail;
    }
    const format = isPcapMagic(buf.subarray(at, at + 4));
    if (format === undefined) {
      this.mode = 'unknown';
      return 0;
    }
    this.format = format;
    this.mode = format === 'pcap' ? 'pcapHeader' : 'pcapngBlock';
    return 0;
  }

  private needMore(n: number): number {
    this.want = n;
    return NEED_MORE;
  }

  // ------------------------------------------------------------------------------------------------------
  // pcap

  private stepPcapHeader(buf: Uint8Array, at: number, avail: number, eof: boolean): number {
    if (avail < PCAP_FILE_HEADER_LENGTH) {
      if (!eof) return this.needMore(PCAP_FILE_HEADER_LENGTH);
      this.skip(this.pos, avail, `truncated pcap file header: ${avail} of ${PCAP_FILE_HEADER_LENGTH} octets`);
      return avail;
    }
    const be = buf[at] === 0xa1; // a1b2c3d4 / a1b23c4d written big-endian
    const h = parseAt<PcapFileHeader>(be ? PCAP_FILE_HEADER_BE : PCAP_FILE_HEADER_LE, buf, at, PCAP_FILE_HEADER_LENGTH);
    this.littleEndian = !be;
    this.nanoseconds = h.magic === PcapMagic.Nanoseconds;
    this.linkType = h.linkType & PCAP_LINKTYPE_MASK;
    this.mode = 'pcapRecord';
    return PCAP_FILE_HEADER_LENGTH;
  }

  private recordHeader(buf: Uint8Array, at: number): PcapRecordHeader {
    return readPcapRecordHeader(buf, at, this.littleEndian);
  }

  private get fractionLimit(): number {
    return this.nanoseconds ? 1_000_000_000 : 1_000_000;
  }

  private stepPcapRecord(buf: Uint8Array, at: number, avail: number, eof: boolean): number {
    if (avail < PCAP_RECORD_HEADER_LENGTH) {
      if (!eof) return this.needMore(PCAP_RECORD_HEADER_LENGTH);
      this.skip(this.pos, avail, `truncated record header: the file ends ${avail} octets into it`);
      return avail;
    }
    const h = this.recordHeader(buf, at);
    if (h.tsFrac >= this.fractionLimit || h.inclLen > this.maxRecordLength) {
      const why =
        h.inclLen > this.maxRecordLength
          ? `captured length ${h.inclLen} > maxRecordLength ${this.maxRecordLength}`
          : `timestamp fraction ${h.tsFrac} ≥ 1 s`;
      return this.startResync(`corrupt pcap record header (${why})`);
    }
    const total = PCAP_RECORD_HEADER_LENGTH + h.inclLen;
    if (avail < total) {
      if (!eof) return this.needMore(total);
      this.skip(this.pos, avail, `truncated record: the file ends ${avail} octets into a ${total}-octet record`);
      return avail;
    }
    this.lastSeconds = h.tsSec;
    const timeUs = h.tsSec * 1e6 + (this.nanoseconds ? Math.floor(h.tsFrac / 1000) : h.tsFrac);
    const dataAt = at + PCAP_RECORD_HEADER_LENGTH;
    this.packet(buf.subarray(dataAt, dataAt + h.inclLen), this.pos + PCAP_RECORD_HEADER_LENGTH, h.origLen, this.linkType, timeUs);
    return total;
  }

  private startResync(reason: string): number {
    this.closeSkippedSection();
    this.mode = 'resync';
    this.resyncFrom = this.pos;
    this.resyncReason = `${reason} at offset ${this.pos}`;
    return 1; // the bad unit's first octet cannot start the next one
  }

  private endResync(): number {
    this.skip(this.resyncFrom, this.pos - this.resyncFrom, `${this.resyncReason}; resynchronised at offset ${this.pos}`);
    this.mode = this.format === 'pcap' ? 'pcapRecord' : 'pcapngBlock';
    return 0;
  }

  /** A pcap record header that could be real (see the module comment). */
  private plausibleRecord(h: PcapRecordHeader): boolean {
    if (h.tsFrac >= this.fractionLimit || h.inclLen === 0 || h.inclLen > this.maxRecordLength || h.origLen < h.inclLen) return false;
    return this.lastSeconds === undefined ? h.tsSec !== 0 : Math.abs(h.tsSec - this.lastSeconds) <= RESYNC_TIME_WINDOW_S;
  }

  private stepPcapResync(buf: Uint8Array, at: number, avail: number, eof: boolean): number {
    if (avail < PCAP_RECORD_HEADER_LENGTH) return eof ? avail : this.needMore(PCAP_RECORD_HEADER_LENGTH);
    const h = this.recordHeader(buf, at);
    if (!this.plausibleRecord(h)) return 1;
    const recordEnd = PCAP_RECORD_HEADER_LENGTH + h.inclLen;
    const withNext = recordEnd + PCAP_RECORD_HEADER_LENGTH;
    if (avail < withNext) {
      if (!eof) return this.needMore(withNext);
      return avail === recordEnd ? this.endResync() : 1;
    }
    return this.plausibleRecord(this.recordHeader(buf, at + recordEnd)) ? this.endResync() : 1;
  }

  // ------------------------------------------------------------------------------------------------------
  // pcapng

  /**
   * Read a block's type and length at buf[at] (needs 12 octets for an SHB, 8 otherwise). Returns undefined
   * after NEED_MORE was set, or the header with the byte order it is in (null: bad SHB byte-order magic).
   */
  private blockHeader(buf: Uint8Array, at: number, avail: number): { h: PcapngBlockHeader; le: boolean } | null | undefined {
    if (this.need(PCAPNG_BLOCK_HEADER_LENGTH, avail)) return undefined;
    let le = this.littleEndian;
    const shb = buf[at] === 0x0a && buf[at + 1] === 0x0d && buf[at + 2] === 0x0d && buf[at + 3] === 0x0a;
    if (shb) {
      if (this.need(PCAPNG_BLOCK_HEADER_LENGTH + 4, avail)) return undefined;
      const bom = readU32(buf, at + 8, false);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) le = false;
      else if (bom === 0x4d3c2b1a) le = true;
      else return null;
    }
    return { h: readPcapngBlockHeader(buf, at, le), le };
  }

  private trailer(buf: Uint8Array, at: number, length: number, le: boolean): number {
    return readU32(buf, at + length - 4, le);
  }

  private badLength(len: number): boolean {
    return len < PCAPNG_MIN_BLOCK_LENGTH || len % 4 !== 0 || len > this.maxBlockLength;
  }

  private stepPcapngBlock(buf: Uint8Array, at: number, avail: number, eof: boolean): number {
    const r = this.blockHeader(buf, at, avail);
    if (r === undefined) {
      if (!eof) return NEED_MORE;
      this.closeSkippedSection();
      this.skip(this.pos, avail, `truncated pcapng block header: the file ends ${avail} octets into it`);
      return avail;
    }
    if (r === null) return this.startResync('pcapng section header block with an unknown byte-order magic');
    const { h, le } = r;
    const len = h.blockTotalLength;
    if (this.badLength(len)) {
      return this.startResync(`pcapng block type 0x${h.blockType.toString(16)} with impossible length ${len}`);
    }
    if (avail < len) {
      if (!eof) return this.needMore(len);
      this.closeSkippedSection();
      this.skip(this.pos, avail, `truncated pcapng block: the file ends ${avail} octets into a ${len}-octet block`);
      return avail;
    }
    const trailing = this.trailer(buf, at, len, le);
    if (trailing !== len) {
      return this.startResync(`pcapng block type 0x${h.blockType.toString(16)}: trailing length ${trailing} differs from leading length ${len}`);
    }
    if (h.blockType === BlockType.SectionHeader) this.closeSkippedSection();
    else if (this.skippedSectionFrom !== undefined) return len;
    this.block(buf, at, h.blockType, len, le);
    return len;
  }

  /** Report the section skipped so far for its version, if any, up to the current position. */
  private closeSkippedSection(): void {
    if (this.skippedSectionFrom === undefined) return;
    this.skip(this.skippedSectionFrom, this.pos - this.skippedSectionFrom, this.skippedSectionReason);
    this.skippedSectionFrom = undefined;
  }

  private stepPcapngResync(buf: Uint8Array, at: number, avail: number, eof: boolean): number {
    const r = this.blockHeader(buf, at, avail);
    if (r === undefined) return eof ? avail : NEED_MORE;
    if (r === null) return 1;
    const { h, le } = r;
    const t = h.blockType;
    const registered = t <= 0x0000000f || t === 0x00000bad || t === 0x40000bad || t === PCAPNG_SHB_TYPE;
    if (!registered || this.badLength(h.blockTotalLength)) return 1;
    if (avail < h.blockTotalLength) return eof ? 1 : this.needMore(h.blockTotalLength);
    return this.trailer(buf, at, h.blockTotalLength, le) === h.blockTotalLength ? this.endResync() : 1;
  }

  /** A whole, length-checked block at buf[at]. */
  private block(buf: Uint8Array, at: number, type: number, len: number, le: boolean): void {
    const bodyAt = at + PCAPNG_BLOCK_HEADER_LENGTH;
    const bodyEnd = at + len - 4;
    const tooShort = (min: number, what: string): boolean => {
      if (len >= min) return false;
      this.skip(this.pos, len, `pcapng ${what} of ${len} octets shorter than its fixed part (${min})`);
      return true;
    };
    switch (type) {
      case BlockType.SectionHeader: {
        if (tooShort(PCAPNG_BLOCK_HEADER_LENGTH + PCAPNG_SHB_BODY_LENGTH + 4, 'section header block')) return;
        // §4.1: a new section; its interfaces are numbered afresh.
        this.littleEndian = le;
        this.interfaces = [];
        const shb = parseAt<PcapngSectionHeader>(le ? PCAPNG_SHB_BODY_LE : PCAPNG_SHB_BODY_BE, buf, bodyAt, PCAPNG_SHB_BODY_LENGTH);
        if (shb.versionMajor !== 1) {
          // §3.4: a section of a version the reader does not understand is skipped up to the next SHB.
          this.skippedSectionFrom = this.pos;
          this.skippedSectionReason = `pcapng section of unsupported version ${shb.versionMajor}.${shb.versionMinor} skipped`;
        }
        return;
      }
      case BlockType.InterfaceDescription: {
        if (tooShort(PCAPNG_BLOCK_HEADER_LENGTH + PCAPNG_IDB_BODY_LENGTH + 4, 'interface description block')) return;
        const d = parseAt<PcapngInterfaceDescription>(le ? PCAPNG_IDB_BODY_LE : PCAPNG_IDB_BODY_BE, buf, bodyAt, PCAPNG_IDB_BODY_LENGTH);
        this.interfaces.push(this.interfaceOf(d, buf, bodyAt + PCAPNG_IDB_BODY_LENGTH, bodyEnd, le));
        return;
      }
      case BlockType.EnhancedPacket:
      case BlockType.ObsoletePacket: {
        const epb = type === BlockType.EnhancedPacket;
        const name = epb ? 'enhanced packet block' : 'packet block';
        const fixed = epb ? PCAPNG_EPB_BODY_LENGTH : PCAPNG_PB_BODY_LENGTH;
        if (tooShort(PCAPNG_BLOCK_HEADER_LENGTH + fixed + 4, name)) return;
        const b: PcapngEnhancedPacket | PcapngObsoletePacket = epb
          ? readPcapngEnhancedPacket(buf, bodyAt, le)
          : parseAt<PcapngObsoletePacket>(le ? PCAPNG_PB_BODY_LE : PCAPNG_PB_BODY_BE, buf, bodyAt, fixed);
        const dataAt = bodyAt + fixed;
        if (dataAt + b.capturedLen > bodyEnd) {
          this.skip(this.pos, len, `pcapng ${name}: captured length ${b.capturedLen} exceeds the block`);
          return;
        }
        const itf = this.interfaces[b.interfaceId];
        if (itf === undefined) {
          this.skip(this.pos, len, `pcapng ${name} refers to interface ${b.interfaceId}, not described in this section`);
          return;
        }
        const frame = buf.subarray(dataAt, dataAt + b.capturedLen);
        this.packet(frame, this.pos + (dataAt - at), b.originalLen, itf.linkType, timestampUs(b.tsHigh, b.tsLow, itf));
        return;
      }
      case BlockType.SimplePacket: {
        if (tooShort(PCAPNG_BLOCK_HEADER_LENGTH + PCAPNG_SPB_BODY_LENGTH + 4, 'simple packet block')) return;
        const s = parseAt<PcapngSimplePacket>(le ? PCAPNG_SPB_BODY_LE : PCAPNG_SPB_BODY_BE, buf, bodyAt, PCAPNG_SPB_BODY_LENGTH);
        const itf = this.interfaces[0];
        if (itf === undefined) {
          this.skip(this.pos, len, 'pcapng simple packet block before any interface description block');
          return;
        }
        const dataAt = bodyAt + PCAPNG_SPB_BODY_LENGTH;
        // §4.4: captured length = min(original length, snaplen, room in the block).
        let captured = Math.min(s.originalLen, bodyEnd - dataAt);
        if (itf.snapLen > 0) captured = Math.min(captured, itf.snapLen);
        this.packet(buf.subarray(dataAt, dataAt + captured), this.pos + (dataAt - at), s.originalLen, itf.linkType, Number.NaN);
        return;
      }
      default:
        return; // NRB, ISB, DSB, custom…: nothing for us, skipped by length (§3.1)
    }
  }

  /** IDB options of interest (§4.2): if_tsresol, if_tsoffset. Damaged options are ignored from there on. */
  private interfaceOf(d: PcapngInterfaceDescription, buf: Uint8Array, from: number, to: number, le: boolean): Interface {
    let resolution = 6;
    let pow2 = false;
    let offsetS = 0n;
    const layout = le ? PCAPNG_OPTION_HEADER_LE : PCAPNG_OPTION_HEADER_BE;
    for (let p = from; p + PCAPNG_OPTION_HEADER_LENGTH <= to; ) {
      const o = parseAt<PcapngOptionHeader>(layout, buf, p, PCAPNG_OPTION_HEADER_LENGTH);
      const v = p + PCAPNG_OPTION_HEADER_LENGTH;
      if (o.code === IdbOption.EndOfOptions || v + o.length > to) break;
      if (o.code === IdbOption.TsResol && o.length >= 1) {
        pow2 = (buf[v]! & 0x80) !== 0;
        resolution = buf[v]! & 0x7f;
      } else if (o.code === IdbOption.TsOffset && o.length >= 8) {
        offsetS = new DataView(buf.buffer, buf.byteOffset + v, 8).getBigInt64(0, le);
      }
      p = v + ((o.length + 3) & ~3);
    }
    return { linkType: d.linkType, snapLen: d.snapLen, resolution, pow2, offsetS };
  }

  // ------------------------------------------------------------------------------------------------------
  // packets

  /** A captured frame: decode it and hand its payload on. */
  private packet(frame: Uint8Array, fileOffset: number, origLen: number, linkType: number, timeUs: number): void {
    const r = decodeFrame(linkType, frame, origLen);
    switch (r.kind) {
      case 'none':
        return;
      case 'skip':
        this.skip(fileOffset + r.start, r.length, r.reason, r.flow);
        return;
      case 'udp':
        this.out.payloads.push({ flow: r.flow, protocol: 'udp', bytes: frame.subarray(r.start, r.end), fileOffset: fileOffset + r.start, timeUs });
        return;
      case 'tcp':
        this.tcp.segment(r.flow, r.sequence, r.flags, frame.subarray(r.start, r.end), fileOffset + r.start, timeUs, this.out as Sink);
        return;
    }
  }
}

/** pcapng timestamp (§4.3: 64 bits in if_tsresol units, plus if_tsoffset seconds) in whole Unix µs. */
function timestampUs(high: number, low: number, itf: Interface): number {
  if (!itf.pow2 && itf.resolution === 6 && itf.offsetS === 0n) return high * 4294967296 + low; // exact below 2^53
  const ts = (BigInt(high) << 32n) | BigInt(low);
  let us: bigint;
  if (itf.pow2) us = (ts * 1_000_000n) >> BigInt(itf.resolution);
  else if (itf.resolution >= 6) us = ts / 10n ** BigInt(itf.resolution - 6);
  else us = ts * 10n ** BigInt(6 - itf.resolution);
  return Number(us + itf.offsetS * 1_000_000n);
}
