/**
 * @module A batch of packets to store, packed in columns: the octets back to back in arrival order in one
 * shared buffer, {@link INTS} integers and {@link REALS} reals per packet in two others. This is what crosses from the ingest thread
 * to the archive's writer thread (writer.ts): three SharedArrayBuffers and two short string tables, no object
 * per packet, no copy. Built by {@link PackedBatchBuilder}, which ingest fills straight from the framed packets.
 */
import type { PacketView as FramedPacket } from '../ccsds/packet-view.js';
import { packetDigest } from './digest.js';
import { utcUnixToTai } from '../time/utc.js';

/**
 * Where each packet's integer values sit in {@link PackedBatch.ints} (packet i: `ints[i * INTS + I.x]`). Kept
 * apart from the real-valued ones so that reading them back gives small integers, which V8 passes to SQLite
 * without allocating a number object per value (measured: ~15 % of the insert time with one Float64Array).
 */
export const I = {
  apid: 0,
  seq: 1,
  /** The archive's `meta` column (schema.ts): sequence flags, CRC, type, secondary header flag, DDS time quality, time status. */
  meta: 2,
  /** DDS ground station << 16 | virtual channel; -1 without a DDS header. */
  dds: 3,
  /** Index into {@link PackedBatch.routes}. */
  route: 4,
  /** Index into {@link PackedBatch.sources}. */
  source: 5,
  len: 6,
  /** {@link packetDigest} of the octets, computed here (on the ingest thread) so the writer thread need not. */
  digest: 7,
} as const;
export const INTS = 8;

/** Where each packet's real values sit in {@link PackedBatch.reals} (packet i: `reals[i * REALS + R.x]`). */
export const R = {
  /** The packet's time on the mission's chosen axis, TAI seconds since 1958 (src/time/packet-times.ts). */
  tai: 0,
  /** On-board time as decoded (TAI with the profile's epoch); NaN without one. */
  obt: 1,
  /** Ground time, Unix ms: the DDS header's time, else the capture record's timestamp, else the receipt time. */
  ground: 2,
  /** Offset of the packet in its source (files may pass 2 GiB). */
  soff: 3,
} as const;
export const REALS = 4;

const CRC_CODE = { none: 0, ok: 1, bad: 2 } as const;

/** `meta` bit 12: the ground time is the capture record's timestamp (pcap/pcapng, schema.ts). */
export const CAPTURE_TIME_BIT = 1 << 12;

/** The `meta` value of a packet (schema.ts documents the bits); `timeStatus` is src/time's TimeStatus. */
export function metaOf(p: FramedPacket, timeStatus = 0): number {
  const dds = p.dds;
  return p.sequenceFlags | (CRC_CODE[p.crc] << 2) | (p.type << 4) | (p.secondaryHeader ? 32 : 0) | (dds ? (Math.min(dds.timeQuality, 2) + 1) << 6 : 0) | (timeStatus << 8)
    | (!dds && p.captureUs === p.captureUs ? CAPTURE_TIME_BIT : 0);
}

export interface PackedBatch {
  readonly count: number;
  /** Octets used in {@link octets}. */
  readonly bytes: number;
  /** Every packet's octets, back to back in arrival order, from offset 0 of a SharedArrayBuffer. */
  readonly octets: Uint8Array;
  /** {@link INTS} integers per packet, laid out as {@link I} says. */
  readonly ints: Int32Array;
  /** {@link REALS} reals per packet, laid out as {@link R} says. */
  readonly reals: Float64Array;
  readonly routes: readonly string[];
  readonly sources: readonly { readonly feed: string; readonly source: string }[];
  /** Receipt time of the batch (its first packet's), Unix ms. */
  readonly receivedUnixMs: number;
}

const sharedBytes = (n: number) => new Uint8Array(new SharedArrayBuffer(n));
const sharedF64 = (n: number) => new Float64Array(new SharedArrayBuffer(n * 8));
const sharedI32 = (n: number) => new Int32Array(new SharedArrayBuffer(n * 4));

/**
 * Fills a {@link PackedBatch}. Packets lying back to back in one buffer (raw framing) are copied as one run.
 * The framed packets' buffers must stay untouched until {@link seal} (ingest's chunks are never reused).
 * After `seal`, the batch's buffers belong to whoever stores it until {@link reset}.
 */
export class PackedBatchBuilder {
  count = 0;
  octets: Uint8Array;
  ints: Int32Array;
  reals: Float64Array;
  readonly routes: string[] = [];
  readonly sources: { feed: string; source: string }[] = [];
  /** Octets copied so far (the pending run not included). */
  private copied = 0;
  private runBuf: Uint8Array | undefined;
  private runStart = 0;
  private runEnd = 0;
  private lastRoute = '';
  private lastRouteIx = -1;
  private lastFeed = '';
  private lastSource = '';
  private lastSourceIx = -1;
  private receivedUnixMs = 0;

  constructor(octetCapacity = 1 << 20, packetCapacity = 4096) {
    this.octets = sharedBytes(octetCapacity);
    this.ints = sharedI32(packetCapacity * INTS);
    this.reals = sharedF64(packetCapacity * REALS);
  }

  /** Octets in the batch so far. */
  get bytes(): number {
    return this.copied + (this.runEnd - this.runStart);
  }

  /**
   * Append a packet with its route, origin, receipt time and times (src/time/packet-times.ts): `time` on the
   * chosen axis (undefined: none known, its ground time is used), `obt` as decoded (default `time`), `timeStatus`
   * (default: synchronised when `time` is given, no on-board time otherwise).
   */
  add(p: FramedPacket, time: number | undefined, route: string, feed: string, source: string, receivedUnixMs: number,
    obt: number | undefined = time, timeStatus = time === undefined ? 1 : 0): void {
    const i = this.count;
    if ((i + 1) * INTS > this.ints.length) {
      const ints = sharedI32(Math.max(this.ints.length * 2, (i + 1) * INTS));
      ints.set(this.ints);
      this.ints = ints;
      const reals = sharedF64(Math.max(this.reals.length * 2, (i + 1) * REALS));
      reals.set(this.reals);
      this.reals = reals;
    }
    if (route !== this.lastRoute || this.lastRouteIx < 0) {
      let ix = this.routes.indexOf(route);
      if (ix < 0) ix = this.routes.push(route) - 1;
      this.lastRoute = route;
      this.lastRouteIx = ix;
    }
    if (feed !== this.lastFeed || source !== this.lastSource || this.lastSourceIx < 0) {
      let ix = this.sources.findIndex((s) => s.feed === feed && s.source === source);
      if (ix < 0) ix = this.sources.push({ feed, source }) - 1;
      this.lastFeed = feed;
      this.lastSource = source;
      this.lastSourceIx = ix;
    }
    const n = this.ints;
    const o = i * INTS;
    const r = this.reals;
    const q = i * REALS;
    const dds = p.dds;
    const ground = dds ? dds.seconds * 1000 + dds.microseconds / 1000 : p.captureUs === p.captureUs ? p.captureUs / 1000 : receivedUnixMs;
    if (i === 0) this.receivedUnixMs = receivedUnixMs;
    n[o] = p.apid;
    n[o + 1] = p.sequenceCount;
    n[o + 2] = metaOf(p, timeStatus);
    n[o + 3] = dds ? (dds.groundStation << 16) | dds.virtualChannel : -1;
    n[o + 4] = this.lastRouteIx;
    n[o + 5] = this.lastSourceIx;
    n[o + 6] = p.length;
    n[o + 7] = packetDigest(p.buf, p.offset, p.length);
    r[q] = time ?? utcUnixToTai(ground / 1000);
    r[q + 1] = obt ?? NaN;
    r[q + 2] = ground;
    r[q + 3] = p.streamOffset;
    this.count = i + 1;
    if (p.buf === this.runBuf && p.offset === this.runEnd) {
      this.runEnd += p.length;
      return;
    }
    this.flushRun();
    this.runBuf = p.buf;
    this.runStart = p.offset;
    this.runEnd = p.offset + p.length;
  }

  private flushRun(): void {
    const len = this.runEnd - this.runStart;
    if (!this.runBuf || len === 0) return;
    if (this.copied + len > this.octets.length) {
      const more = sharedBytes(Math.max(this.octets.length * 2, this.copied + len));
      more.set(this.octets.subarray(0, this.copied));
      this.octets = more;
    }
    this.octets.set(this.runBuf.subarray(this.runStart, this.runEnd), this.copied);
    this.copied += len;
    this.runBuf = undefined;
    this.runStart = this.runEnd = 0;
  }

  /** Copy what is pending and return the batch (valid until {@link reset}). */
  seal(): PackedBatch {
    this.flushRun();
    return { count: this.count, bytes: this.copied, octets: this.octets, ints: this.ints, reals: this.reals, routes: this.routes, sources: this.sources, receivedUnixMs: this.receivedUnixMs };
  }

  /** Empty, for the next batch (the buffers are kept). */
  reset(): void {
    this.count = 0;
    this.copied = 0;
    this.runBuf = undefined;
    this.runStart = this.runEnd = 0;
    this.routes.length = 0;
    this.sources.length = 0;
    this.lastRoute = this.lastFeed = this.lastSource = '';
    this.lastRouteIx = this.lastSourceIx = -1;
  }
}

/** Pack stored-packet inputs (the archive's `storeBatch` path and tests). */
export function packItems(
  items: readonly {
    readonly packet: FramedPacket; readonly tai: number | undefined; readonly route: string; readonly feed: string; readonly source: string; readonly receivedUnixMs: number;
    readonly obt?: number | undefined; readonly timeStatus?: number;
  }[],
  into = new PackedBatchBuilder(),
): PackedBatch {
  into.reset();
  for (const it of items) into.add(it.packet, it.tai, it.route, it.feed, it.source, it.receivedUnixMs, 'obt' in it ? it.obt : it.tai, it.timeStatus ?? (it.tai === undefined ? 1 : 0));
  return into.seal();
}
