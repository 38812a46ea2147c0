/**
 * @module Captures (pcap, pcapng) as a framing: the capture reader yields UDP/TCP payloads per flow; each flow
 * is a byte stream of its own, framed by an inner splitter chosen from the flow's first payload (raw, DDS or
 * prefix). Packet offsets are mapped back to offsets in the capture file.
 */
import { createPcapReader, type PcapPayload, type PcapSkip } from './pcap/index.js';
import { createDdsSplitter } from './dds/reader.js';
import { createPrefixSplitter } from './prefix/reader.js';
import { createRawSplitter } from './raw/reader.js';
import { detectFraming } from './detect.js';
import { emptyBatch, type Batch, type SplitOptions, type Splitter } from './types.js';

interface Flow {
  splitter: Splitter;
  /** Flow stream offset where the current splitter started (it restarts after a break in the flow). */
  base: number;
  /**
   * Flow stream offset → capture file offset: the stream start and file offset of every payload, increasing.
   * Kept whole (two numbers a payload) because a skip range is reported when it closes, possibly long after it began.
   */
  streamStarts: number[];
  fileOffsets: number[];
  /** Capture timestamp (Unix µs) of every payload, beside {@link fileOffsets}. */
  timesUs: number[];
  streamPos: number;
  makeSplitter: () => Splitter;
}

function innerSplitter(first: Uint8Array, options: SplitOptions): Splitter {
  const c = detectFraming(first, options.maxPacketLength);
  switch (c.framing) {
    case 'dds': return createDdsSplitter(options);
    case 'prefix': return createPrefixSplitter(c.prefixBytes ?? 4, options);
    default: return createRawSplitter(options);
  }
}

class CaptureSplitter implements Splitter {
  private readonly reader = createPcapReader();
  private readonly flows = new Map<string, Flow>();

  constructor(private readonly options: SplitOptions) {}

  get framing(): string {
    const inner = [...new Set([...this.flows.values()].map((f) => f.splitter.framing))].join(',');
    return `${this.reader.format ?? 'pcap'}${inner ? `(${inner})` : ''}`;
  }

  push(chunk: Uint8Array): Batch {
    return this.take(this.reader.push(chunk), false);
  }

  end(): Batch {
    return this.take(this.reader.end(), true);
  }

  private take(r: { payloads: PcapPayload[]; skips: PcapSkip[] }, ended: boolean): Batch {
    const out = emptyBatch();
    for (const s of r.skips) {
      out.skips.push({ offset: s.offset, length: s.length, reason: 'capture', detail: s.reason });
      // A break in a flow's byte stream (TCP hole, restart, truncated payload): end that flow's splitter so a
      // packet is never stitched across the hole (its partial tail is reported), and start afresh.
      const flow = s.flow !== undefined ? this.flows.get(s.flow) : undefined;
      if (flow) {
        this.merge(out, flow, flow.splitter.end());
        flow.splitter = flow.makeSplitter();
        flow.base = flow.streamPos;
      }
    }
    for (const p of r.payloads) {
      let flow = this.flows.get(p.flow);
      if (!flow) {
        const first = p.bytes;
        const makeSplitter = () => innerSplitter(first, this.options);
        flow = { splitter: makeSplitter(), makeSplitter, base: 0, streamStarts: [], fileOffsets: [], timesUs: [], streamPos: 0 };
        this.flows.set(p.flow, flow);
      }
      flow.streamStarts.push(flow.streamPos);
      flow.fileOffsets.push(p.fileOffset);
      flow.timesUs.push(p.timeUs);
      flow.streamPos += p.bytes.length;
      this.merge(out, flow, flow.splitter.push(p.bytes));
    }
    if (ended) for (const flow of this.flows.values()) this.merge(out, flow, flow.splitter.end());
    return out;
  }

  /**
   * Map stream offsets of a flow's batch to capture-file offsets and append it. A packet takes the timestamp of
   * the record holding its first octet (its ground time, issue 11: when the capture saw it begin).
   */
  private merge(out: Batch, flow: Flow, b: Batch): void {
    const starts = flow.streamStarts;
    // Binary search: the last payload starting at or before the offset.
    const payloadAt = (splitterOffset: number): number => {
      const streamOffset = splitterOffset + flow.base;
      let lo = 0, hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid]! <= streamOffset) lo = mid; else hi = mid - 1;
      }
      return lo;
    };
    const toFile = (splitterOffset: number, at = payloadAt(splitterOffset)): number =>
      flow.fileOffsets[at]! + (splitterOffset + flow.base - starts[at]!);
    for (const s of b.skips) out.skips.push({ ...s, offset: toFile(s.offset) });
    for (const p of b.packets) {
      const at = payloadAt(p.streamOffset);
      p.streamOffset = toFile(p.streamOffset, at);
      p.captureUs = flow.timesUs[at]!;
      out.packets.push(p);
    }
    out.idle += b.idle;
    out.idleBytes += b.idleBytes;
  }
}

/** A splitter for pcap/pcapng captures carrying CCSDS packets in UDP or TCP payloads. */
export const createCaptureSplitter = (options: SplitOptions = {}): Splitter => new CaptureSplitter(options);
