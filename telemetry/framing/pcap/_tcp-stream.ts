/**
 * @module TCP byte-stream reassembly, one state per flow direction (RFC 9293 §3.4 sequence numbers).
 *
 * - SYN consumes one sequence number: the first data octet is ISN + 1. A repeated SYN with the same ISN is a
 *   retransmission; a SYN with a new ISN starts a new connection: anything still buffered is flushed first,
 *   and if the old connection delivered bytes, a skip `tcp connection restarted (new SYN) in flow …` of
 *   length 0 at the SYN's payload offset marks the discontinuity.
 * - A flow whose SYN was not captured starts at the sequence number of its first segment with data; bytes
 *   that arrive later but lie before that start are reported as a skip (without `flow`: the delivered
 *   stream is not broken) rather than silently dropped.
 * - In-order bytes are delivered at once; bytes already delivered (retransmissions, overlaps) are dropped.
 * - Segments ahead of the expected sequence number are copied into a reorder buffer. When that buffer holds
 *   more than `maxBuffered` octets, or at the end of the capture, the hole before its first segment is taken
 *   as lost: a skip `tcp gap of N bytes in flow …` is reported and the stream goes on from there.
 * - FIN and RST need no handling: nothing follows them in the same connection.
 *
 * Every skip that carries a `flow` means "the byte stream of that flow is broken here": a consumer that
 * splits the stream into packets drops its partial packet for that flow.
 * A gap skip has `length` 0 (the missing bytes are not in the file) and `offset` = the `fileOffset` of the
 * payload that resumes the stream after the gap, so a consumer can tell where in the flow the hole lies.
 * Comparisons are modulo 2^32 (serial arithmetic): a flow may wrap its sequence space.
 */
import { TcpFlag } from './layout.js';
import type { PcapPayload, PcapSkip } from './types.js';

interface Pending {
  /** Sequence number of bytes[0]. */
  readonly seq: number;
  /** A copy of the segment's payload. */
  readonly bytes: Uint8Array;
  readonly fileOffset: number;
  readonly timeUs: number;
}

interface FlowState {
  /** Next sequence number expected; undefined until the first SYN or data segment. */
  next: number | undefined;
  /** ISN of the last SYN seen. */
  isn: number | undefined;
  /** Sequence number of the first byte delivered when the flow started without a SYN (mid-stream). */
  base: number | undefined;
  /** Out-of-order segments, ordered by sequence number relative to `next`. */
  pending: Pending[];
  pendingBytes: number;
  /** Bytes were delivered since the last SYN (or since the flow was first seen). */
  delivered: boolean;
}

/** Where results go. */
export interface Sink {
  readonly payloads: PcapPayload[];
  readonly skips: PcapSkip[];
}

/** Serial-number difference a - b as a signed 32-bit value. */
const diff = (a: number, b: number): number => (a - b) | 0;

export class TcpReassembler {
  private readonly flows = new Map<string, FlowState>();

  constructor(private readonly maxBuffered: number) {}

  /** Feed one captured segment; `bytes` is a view valid until the next push (copied when buffered). */
  segment(flow: string, sequence: number, flags: number, bytes: Uint8Array, fileOffset: number, timeUs: number, out: Sink): void {
    let st = this.flows.get(flow);
    if (st === undefined) {
      st = { next: undefined, isn: undefined, base: undefined, pending: [], pendingBytes: 0, delivered: false };
      this.flows.set(flow, st);
    }
    let seq = sequence >>> 0;
    if ((flags & TcpFlag.Syn) !== 0) {
      if (st.isn !== seq) {
        if (st.pending.length > 0) this.flushFlow(flow, st, out);
        if (st.delivered) {
          out.skips.push({ offset: fileOffset, length: 0, reason: `tcp connection restarted (new SYN) in flow ${flow}: stream discontinuity`, flow });
          st.delivered = false;
        }
        st.isn = seq;
        st.base = undefined;
        st.next = (seq + 1) >>> 0;
      }
      seq = (seq + 1) >>> 0;
    }
    const length = bytes.length;
    if (length === 0) return;
    if (st.next === undefined) st.next = st.base = seq;
    if (st.base !== undefined && diff(seq, st.base) < 0) {
      // Bytes older than the first one delivered of a flow picked up mid-stream: never delivered, and too
      // late to deliver in order. Not a break of the delivered stream, so no `flow` field.
      const n = Math.min(length, diff(st.base, seq));
      out.skips.push({ offset: fileOffset, length: n, reason: `tcp data before the first delivered byte of flow ${flow} (capture started mid-stream): ${n} bytes not delivered` });
    }
    const d = diff(seq, st.next);
    if (d <= 0) {
      if (d + length <= 0) return; // every byte already delivered: a retransmission
      out.payloads.push({ flow, protocol: 'tcp', bytes: bytes.subarray(-d), fileOffset: fileOffset - d, timeUs });
      st.delivered = true;
      st.next = (seq + length) >>> 0;
      this.drain(flow, st, out);
      return;
    }
    this.insert(st, { seq, bytes: bytes.slice(), fileOffset, timeUs });
    while (st.pendingBytes > this.maxBuffered && st.pending.length > 0) this.gap(flow, st, out);
  }

  /** End of capture: every hole still open is lost; deliver what follows each. */
  flush(out: Sink): void {
    for (const [flow, st] of this.flows) if (st.pending.length > 0) this.flushFlow(flow, st, out);
  }

  private flushFlow(flow: string, st: FlowState, out: Sink): void {
    while (st.pending.length > 0) this.gap(flow, st, out);
  }

  private insert(st: FlowState, p: Pending): void {
    const next = st.next!;
    const key = diff(p.seq, next);
    let i = st.pending.length;
    while (i > 0 && diff(st.pending[i - 1]!.seq, next) > key) i--;
    // Already buffered (a retransmission of an out-of-order segment): keep the first copy.
    const prev = st.pending[i - 1];
    if (prev !== undefined && diff(p.seq + p.bytes.length, prev.seq + prev.bytes.length) <= 0) return;
    st.pending.splice(i, 0, p);
    st.pendingBytes += p.bytes.length;
  }

  /** Declare the hole before the first buffered segment lost, report it, and deliver what is now in order. */
  private gap(flow: string, st: FlowState, out: Sink): void {
    const first = st.pending[0]!;
    const missing = diff(first.seq, st.next!);
    if (missing > 0) {
      out.skips.push({ offset: first.fileOffset, length: 0, reason: `tcp gap of ${missing} bytes in flow ${flow}`, flow });
      st.next = first.seq;
    }
    this.drain(flow, st, out);
  }

  /** Deliver buffered segments that have become in order. */
  private drain(flow: string, st: FlowState, out: Sink): void {
    while (st.pending.length > 0) {
      const p = st.pending[0]!;
      const d = diff(p.seq, st.next!);
      if (d > 0) return;
      st.pending.shift();
      st.pendingBytes -= p.bytes.length;
      if (d + p.bytes.length <= 0) continue;
      out.payloads.push({ flow, protocol: 'tcp', bytes: p.bytes.subarray(-d), fileOffset: p.fileOffset - d, timeUs: p.timeUs });
      st.delivered = true;
      st.next = (p.seq + p.bytes.length) >>> 0;
    }
  }
}
