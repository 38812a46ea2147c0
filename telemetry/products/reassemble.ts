/**
 * @module Reassembly of segmented user data (CCSDS 133.0-B-2 §4.1.3.4.2.1: sequence flags 01 first segment,
 * 00 continuation, 10 last, 11 unsegmented) into source frames, per APID, over packets in L0 order.
 *
 * A frame is complete when its first segment, each continuation and its last segment follow one another with
 * consecutive sequence counts (modulo 16384). Anything else is reported, never dropped:
 * - a continuation or last segment with no open frame is an **orphan**;
 * - a frame interrupted (a count jump, a new first segment, an unsegmented packet, the segment cap, or the end
 *   of the data) is **incomplete**, and the segments after a count jump up to the next first segment are orphans.
 * The cap on segments per frame (`maxSegments`, default {@link DEFAULT_MAX_SEGMENTS}) bounds memory on a stream
 * whose last segment never comes.
 */
import { SEQUENCE_MODULO } from '../../src/ccsds/primary-header.js';
import type { L0Orphan, L0Packet } from './types.js';

/** Default cap on segments per frame: 4096 (a 65536-octet-packet frame of 256 MiB at most). */
export const DEFAULT_MAX_SEGMENTS = 4096;

/** A frame found by reassembly, before any decompression. */
export interface RawFrame {
  readonly apid: number;
  /** Indices of its packets in the input, in order. */
  readonly packets: readonly number[];
  readonly complete: boolean;
  /** Why it is incomplete. */
  readonly reason?: string;
  /** The segments' user data, concatenated. */
  readonly data: Uint8Array;
}

export interface ReassembleOptions {
  /** APIDs to reassemble (others are skipped). */
  readonly apids: (apid: number) => boolean;
  /** The user data of a packet (after the secondary header, before the PEC). */
  readonly payload: (p: L0Packet) => Uint8Array;
  /** Default {@link DEFAULT_MAX_SEGMENTS}. */
  readonly maxSegments?: number;
}

export interface Reassembled {
  /** Complete and incomplete frames, ordered by their first packet. */
  readonly frames: RawFrame[];
  readonly orphans: L0Orphan[];
}

interface Open { apid: number; packets: number[]; parts: Uint8Array[]; lastSeq: number }

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Reassemble the segmented packets of `packets` (already in L0 order). */
export function reassemble(packets: readonly L0Packet[], options: ReassembleOptions): Reassembled {
  const maxSegments = options.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  const open = new Map<number, Open>();
  const frames: RawFrame[] = [];
  const orphans: L0Orphan[] = [];
  const close = (o: Open, complete: boolean, reason?: string): void => {
    open.delete(o.apid);
    frames.push({ apid: o.apid, packets: o.packets, complete, data: concat(o.parts), ...(reason !== undefined ? { reason } : {}) });
  };
  const orphan = (i: number, p: L0Packet): void => { orphans.push({ apid: p.apid, packet: i, sequenceCount: p.sequenceCount, tai: p.tai }); };
  packets.forEach((p, i) => {
    if (!options.apids(p.apid)) return;
    const o = open.get(p.apid);
    const flags = p.sequenceFlags & 3;
    if (flags === 3 || flags === 1) {
      if (o) close(o, false, flags === 3 ? 'interrupted by an unsegmented packet' : 'a new first segment came before the last segment');
      if (flags === 3) frames.push({ apid: p.apid, packets: [i], complete: true, data: options.payload(p) });
      else open.set(p.apid, { apid: p.apid, packets: [i], parts: [options.payload(p)], lastSeq: p.sequenceCount });
      return;
    }
    // Continuation (0) or last (2) segment.
    if (!o) { orphan(i, p); return; }
    const expected = (o.lastSeq + 1) % SEQUENCE_MODULO;
    if (p.sequenceCount !== expected) {
      close(o, false, `segment(s) missing: sequence count ${o.lastSeq} then ${p.sequenceCount}`);
      orphan(i, p);
      return;
    }
    if (o.packets.length >= maxSegments) {
      close(o, false, `more than ${maxSegments} segments (cap)`);
      orphan(i, p);
      return;
    }
    o.packets.push(i);
    o.parts.push(options.payload(p));
    o.lastSeq = p.sequenceCount;
    if (flags === 2) close(o, true);
  });
  for (const o of [...open.values()]) close(o, false, 'the data ended before the last segment');
  frames.sort((a, b) => a.packets[0]! - b.packets[0]!);
  return { frames, orphans };
}
