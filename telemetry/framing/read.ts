/**
 * @module Reading a packet source (a file, or any async iterable of chunks) into batches: framing chosen
 * by option or detected from the head, CRC decided the same way, the stream read in large chunks and never
 * whole into memory.
 */
import { open } from 'node:fs/promises';
import { createDdsSplitter } from './dds/reader.js';
import { createPrefixSplitter } from './prefix/reader.js';
import { createRawSplitter } from './raw/reader.js';
import { createCaptureSplitter } from './capture.js';
import { DETECT_BYTES, detectFraming, type FramingChoice, type FramingName } from './detect.js';
import { chooseCrc, type CrcChoice } from './crc-choice.js';
import type { CrcOverride, CrcSetting } from '../../src/ccsds/crc-policy.js';
import type { Batch, SplitOptions, Splitter } from './types.js';
import { UsageError } from '../../src/errors.js';
import { createRedecidingSplitter } from './redecide.js';

/** What the user asked for on the command line or in the config. */
export interface ReadOptions {
  /** Default `auto`. */
  readonly framing?: FramingName | 'auto';
  /** With `prefix` (and for `auto` choices it overrides nothing). */
  readonly prefixBytes?: number;
  /** CRC of every APID (src/ccsds/crc-policy.ts). Default `auto`: decided per APID from the first packets. */
  readonly crc?: CrcSetting;
  /** Per-APID CRC modes over `crc` (the config's `apids[].crc`, `--crc APIDS=MODE`). */
  readonly crcOverrides?: readonly CrcOverride[];
  readonly knownApids?: Uint8Array;
  /** Default 65542. */
  readonly maxPacketLength?: number;
  /** Read size in bytes. Default 1 MiB. */
  readonly chunkSize?: number;
}

/** An opened source: what was chosen and the batches. */
export interface PacketSource {
  readonly name: string;
  /** The framing in use: the head's decision, or (framing auto) the one taken over when the evidence turned (redecide.ts). */
  readonly framing: FramingChoice;
  readonly crc: CrcChoice;
  /** Size in bytes when known (files). */
  readonly size: number | undefined;
  readonly batches: AsyncIterable<Batch>;
  /** CRC modes the splitter decided for `auto` APIDs absent from the head (known as the batches are read). */
  readonly crcDecidedLate: () => readonly { apid: number; mode: string }[];
}

/** Make the splitter for a framing choice. */
export function createSplitter(choice: FramingChoice, given: SplitOptions): Splitter {
  // Records found only after a damaged head: the head is read as while resynchronising (a CRC-failed record there
  // is never taken, and its APID never learned as the only one known).
  const options = choice.start ? { ...given, startInSync: false } : given;
  switch (choice.framing) {
    case 'raw': return createRawSplitter(options);
    case 'dds': return createDdsSplitter(options);
    case 'prefix': return createPrefixSplitter(choice.prefixBytes ?? 4, options);
    case 'pcap':
    case 'pcapng':
      return createCaptureSplitter(options);
  }
}

function explicitChoice(opts: ReadOptions): FramingChoice | undefined {
  const f = opts.framing ?? 'auto';
  if (f === 'auto') return undefined;
  if (f === 'prefix') {
    if (opts.prefixBytes === undefined) throw new UsageError('--framing prefix needs --prefix-bytes N');
    return { framing: 'prefix', prefixBytes: opts.prefixBytes, reason: 'chosen by option' };
  }
  return { framing: f, reason: 'chosen by option' };
}

/** Decide framing and CRC from the head of a source. */
export function decide(head: Uint8Array, opts: ReadOptions): { framing: FramingChoice; crc: CrcChoice } {
  const framing = explicitChoice(opts) ?? (opts.prefixBytes !== undefined
    ? { framing: 'prefix' as const, prefixBytes: opts.prefixBytes, reason: 'chosen by --prefix-bytes' }
    : detectFraming(head, opts.maxPacketLength));
  // Frame the head without CRC and look at the packets found (the per-APID decisions of `auto`).
  const auto = (opts.crc ?? 'auto') === 'auto' || (opts.crcOverrides ?? []).some((o) => o.mode === 'auto');
  const packets = auto ? createSplitter(framing, { ...opts, crc: false }).push(head).packets : [];
  return { framing, crc: chooseCrc(packets, opts.crc ?? 'auto', opts.crcOverrides ?? []) };
}

/** Open a file: read its head to decide, then stream it from the start in chunks. */
export async function openPacketFile(path: string, opts: ReadOptions = {}): Promise<PacketSource> {
  const fh = await open(path, 'r');
  let size: number;
  let head: Uint8Array;
  try {
    size = (await fh.stat()).size;
    const h = Buffer.alloc(Math.min(DETECT_BYTES, size));
    const { bytesRead } = await fh.read(h, 0, h.length, 0);
    head = h.subarray(0, bytesRead);
  } catch (e) {
    await fh.close();
    throw e;
  }
  const { framing, crc } = decide(head, opts);
  const chunkSize = opts.chunkSize ?? 1 << 20;
  // With framing auto, decided again when the evidence turns (redecide.ts, as ingest does for feed units).
  const splitter = createRedecidingSplitter({ framing, crc }, opts);
  async function* batches(): AsyncGenerator<Batch> {
    // Read ahead: the next chunk is being read while this one is split.
    let pos = 0;
    const readNext = async (): Promise<Buffer | undefined> => {
      const chunk = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await fh.read(chunk, 0, chunkSize, pos);
      pos += bytesRead;
      return bytesRead ? chunk.subarray(0, bytesRead) : undefined;
    };
    let pending = readNext();
    try {
      for (;;) {
        const chunk = await pending;
        if (!chunk) break;
        pending = readNext();
        yield splitter.push(chunk);
      }
      yield splitter.end();
    } finally {
      await pending.catch(() => undefined);
      await fh.close();
    }
  }
  return { name: path, get framing() { return splitter.framing; }, crc, size, batches: batches(), crcDecidedLate: () => splitter.crcDecidedLate() };
}

/** Split a whole in-memory buffer (tests, small inputs) with the same decisions as a file. */
export function splitBuffer(bytes: Uint8Array, opts: ReadOptions = {}): { framing: FramingChoice; crc: boolean; crcReason: string; batch: Batch } {
  const { framing, crc } = decide(bytes.subarray(0, DETECT_BYTES), opts);
  const s = createSplitter(framing, { ...opts, crc: crc.table });
  const a = s.push(bytes);
  const b = s.end();
  return {
    framing, crc: crc.crc, crcReason: crc.reason,
    batch: { packets: [...a.packets, ...b.packets], skips: [...a.skips, ...b.skips], idle: a.idle + b.idle, idleBytes: a.idleBytes + b.idleBytes },
  };
}
