/**
 * @module Re-deciding the framing of a stream when the evidence turns (`--framing auto`): the one mechanism for
 * files (`openPacketFile`: `packets inspect|dump|cat|split`) and feed units (telemetry/ingest/frame-unit.ts).
 *
 * The head decides the framing (detect.ts). A damaged or misleading head can still pick a framing the rest of the
 * stream does not have; so once at least {@link REDECIDE_WINDOW} octets went by with less than 1/4 of them read as
 * packets, each next chunk (≥ 4 KiB) is looked at, and a framing that reads more than half of it as packets takes
 * over from there. What the old splitter held back is reported as it stands; stream offsets stay those of the
 * whole stream. With a framing chosen by option (or `--prefix-bytes`) nothing is re-decided.
 */
import { DETECT_BYTES, type FramingChoice } from './detect.js';
import { createSplitter, decide, type ReadOptions } from './decide.js';
import type { CrcChoice } from './crc-choice.js';
import type { Batch, Splitter } from './types.js';

/** Octets after which the framing is decided again when less than 1/4 of them were read as packets. */
export const REDECIDE_WINDOW = 256 * 1024;
/** Chunks shorter than this decide nothing (too little evidence). */
const MIN_EVIDENCE = 4096;

/** A splitter that may change its framing as it goes; `framing` and `crc` are the ones in use. */
export interface RedecidingSplitter {
  readonly framing: FramingChoice;
  readonly crc: boolean;
  push(chunk: Uint8Array): Batch;
  end(): Batch;
  /** The source went quiet (live links): as {@link Splitter.quiet}, when the framing's splitter has it. */
  quiet(): Batch | undefined;
  crcDecidedLate(): readonly { apid: number; mode: string }[];
}

const merge = (a: Batch, b: Batch): Batch => ({
  packets: a.packets.length ? [...a.packets, ...b.packets] : b.packets,
  skips: a.skips.length ? [...a.skips, ...b.skips] : b.skips,
  idle: a.idle + b.idle,
  idleBytes: a.idleBytes + b.idleBytes,
});

/** Split a stream with the head's decision `first`, re-deciding as the module comment says. */
export function createRedecidingSplitter(first: { readonly framing: FramingChoice; readonly crc: CrcChoice }, opts: ReadOptions): RedecidingSplitter {
  const auto = (opts.framing ?? 'auto') === 'auto' && opts.prefixBytes === undefined;
  let framing = first.framing;
  let crc = first.crc.crc;
  let splitter: Splitter = createSplitter(framing, { ...opts, crc: first.crc.table });
  let base = 0; // stream offset where the current splitter started
  let pushed = 0;
  // Octets pushed since the last decision, and the packet octets read from them (skip ranges stay open while
  // resynchronising: count what was read, not what was skipped).
  let windowBytes = 0;
  let windowRead = 0;
  const shift = (b: Batch): Batch => {
    if (base === 0) return b;
    for (const p of b.packets) p.streamOffset += base;
    return { ...b, skips: b.skips.map((k) => ({ ...k, offset: k.offset + base })) };
  };
  /** Another framing that reads `chunk` well, or undefined. */
  const another = (chunk: Uint8Array): ReturnType<typeof decide> | undefined => {
    const d = decide(chunk.subarray(0, DETECT_BYTES), opts);
    if (d.framing.framing === framing.framing && d.framing.prefixBytes === framing.prefixBytes) return undefined;
    const probe = createSplitter(d.framing, { ...opts, crc: d.crc.crc });
    let read = 0;
    for (const p of probe.push(chunk).packets) read += p.length;
    return read * 2 > chunk.length ? d : undefined;
  };
  return {
    get framing() { return framing; },
    get crc() { return crc; },
    push(chunk) {
      let before: Batch | undefined;
      if (auto && windowBytes >= REDECIDE_WINDOW && windowRead * 4 < windowBytes && chunk.length >= MIN_EVIDENCE) {
        const d = another(chunk);
        if (d) {
          before = shift(splitter.end());
          base = pushed;
          framing = { ...d.framing, reason: `re-decided at offset ${base} (less than 1/4 of the bytes before read as packets): ${d.framing.reason}` };
          crc = d.crc.crc;
          splitter = createSplitter(d.framing, { ...opts, crc: d.crc.crc });
          windowBytes = 0;
          windowRead = 0;
        }
      }
      const b = splitter.push(chunk);
      pushed += chunk.length;
      windowBytes += chunk.length;
      for (const p of b.packets) windowRead += p.length;
      const s = shift(b);
      return before ? merge(before, s) : s;
    },
    end: () => shift(splitter.end()),
    quiet: () => (splitter.quiet ? shift(splitter.quiet()) : undefined),
    crcDecidedLate: () => splitter.crcDecidedLate?.() ?? [],
  };
}
