/**
 * @module How a source's framing and CRC are decided (options, else the head's evidence) and the splitter made
 * for the choice: shared by the reader (read.ts) and the re-deciding splitter (redecide.ts), which it holds
 * apart so neither imports the other.
 */
import { createDdsSplitter } from './dds/reader.js';
import { createPrefixSplitter } from './prefix/reader.js';
import { createRawSplitter } from './raw/reader.js';
import { createCaptureSplitter } from './capture.js';
import { detectFraming, type FramingChoice, type FramingName } from './detect.js';
import { chooseCrc, type CrcChoice } from './crc-choice.js';
import type { CrcOverride, CrcSetting } from '../../src/ccsds/crc-policy.js';
import type { SplitOptions, Splitter } from './types.js';
import { UsageError } from '../../src/errors.js';

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
