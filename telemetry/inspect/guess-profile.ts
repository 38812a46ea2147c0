/**
 * @module Guessing the secondary-header profile of a file read without a config or `--profile`, with the evidence.
 *
 * From the first 32 TM packets with a secondary header (framed from the head of the file):
 * - the first data-field octet: PUS-C carries version 2 in its high nibble, PUS-A exactly 0x10
 *   (ECSS-E-70-41A §5.3.1); every packet must agree, else no PUS profile is assumed;
 * - PUS-A leaves the destination ID optional (formats.md §2.2: SERENA and STIX carry one octet, others none),
 *   so both layouts are read and the packet times compared: the layout under which the times of the packets
 *   lie within a day of their median (a file's head spans seconds to hours) is chosen when it makes (nearly)
 *   all of them coherent and at least 2 (or 1/16) more than the other layout; otherwise the guess is reported as
 *   uncertain, with the counts (a destination ID equal in every packet cannot be seen in the times);
 * - no PUS signature: with `--time`, the secondary header is read as that time code alone (profiles `cds`,
 *   `cuc`, e.g. NOAA-20/JPSS), else as `none` (no packet times).
 */
import { open } from 'node:fs/promises';
import { guessSecondaryHeader, packetTimeOf } from '../../src/ccsds/secondary-header.js';
import { DEFAULT_PROFILE, PROFILE_PRESETS, type PacketProfile } from '../../src/ccsds/profile.js';
import { DETECT_BYTES, splitBuffer, type FramedPacket, type ReadOptions } from '../framing/index.js';

/** What the user said that the guess must keep: the profile the flags built and whether `--time` was given. */
export interface GuessHint {
  readonly base: PacketProfile;
  readonly timeGiven: boolean;
}

export interface ProfileGuess {
  readonly profile: PacketProfile;
  /** The evidence, one sentence. */
  readonly reason: string;
  /** True when the evidence does not settle it (reported, not an error). */
  readonly uncertain: boolean;
}

const DAY = 86_400;
const SAMPLE = 32;

/** Packets whose time lies within a day of the median time, under `profile`. */
function coherentTimes(sample: readonly FramedPacket[], profile: PacketProfile): number {
  const t = sample.map((p) => packetTimeOf(p.buf, p.offset, p.length, profile)).filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (!t.length) return 0;
  const sorted = [...t].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  return t.filter((x) => Math.abs(x - median) <= DAY).length;
}

/** Guess from packets already framed (the head of a file). */
export function guessFromPackets(packets: readonly FramedPacket[], hint?: GuessHint): ProfileGuess {
  const base = hint?.base ?? DEFAULT_PROFILE;
  const sample = packets.filter((p) => p.type === 0 && p.secondaryHeader && p.length > 7).slice(0, SAMPLE);
  const kinds = new Set(sample.map((p) => guessSecondaryHeader(p.buf[p.offset + 6]!)));
  const kind = sample.length && kinds.size === 1 ? [...kinds][0] : undefined;
  const firstOctets = `first data-field octet ${[...new Set(sample.map((p) => `0x${p.buf[p.offset + 6]!.toString(16).padStart(2, '0')}`))].slice(0, 4).join(', ')}`;
  if (kind === undefined) {
    if (hint?.timeGiven) {
      const k = base.time.code;
      return { profile: { ...PROFILE_PRESETS[k]!, time: base.time, crc: base.crc }, reason: `guessed: no PUS signature (${sample.length ? firstOctets : 'no TM packet with a secondary header'}), the secondary header read as the --time code alone`, uncertain: false };
    }
    return { profile: { ...PROFILE_PRESETS['none']!, crc: base.crc }, reason: `guessed: no PUS signature in the first ${sample.length} TM packets${sample.length ? ` (${firstOctets})` : ''}; no packet times (give --profile or --time)`, uncertain: false };
  }
  const preset = PROFILE_PRESETS[kind]!;
  const profile: PacketProfile = { ...preset, time: hint?.timeGiven ? base.time : preset.time, crc: base.crc };
  const signature = `${kind === 'pus-c' ? 'PUS version 2' : 'PUS-A octet 0x10'} in ${sample.length} of ${sample.length} TM packets`;
  if (kind === 'pus-c') return { profile, reason: `guessed: ${signature}`, uncertain: false };
  const withDest: PacketProfile = { ...profile, pusA: { ...profile.pusA, destinationOctets: 1 } };
  const without: PacketProfile = { ...profile, pusA: { ...profile.pusA, destinationOctets: 0 } };
  const a = coherentTimes(sample, withDest), b = coherentTimes(sample, without);
  const n = sample.length;
  const evidence = `packet times within a day of each other: ${a} of ${n} with a 1-octet destination ID, ${b} of ${n} without`;
  // One layout must make (nearly) every time coherent and clearly more than the other does: a destination ID
  // that is the same in every packet shifts the time by one octet for all of them, and then the times cannot tell.
  const margin = Math.max(2, n / 16);
  if (a * 10 >= n * 9 && a - b >= margin) return { profile: withDest, reason: `guessed: ${signature}; destination ID present (${evidence})`, uncertain: false };
  if (b * 10 >= n * 9 && b - a >= margin) return { profile: without, reason: `guessed: ${signature}; no destination ID (${evidence})`, uncertain: false };
  return { profile: without, reason: `guessed: ${signature}; UNCERTAIN whether a destination ID precedes the time (${evidence}); read without it (set packets.pusA.destinationOctets in the config to decide)`, uncertain: true };
}

/** Guess the profile from the head of a file (see the module comment). */
export async function guessProfileOf(file: string, read: ReadOptions, hint?: GuessHint): Promise<ProfileGuess> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(DETECT_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return guessFromPackets(splitBuffer(head.subarray(0, bytesRead), read).batch.packets, hint);
  } finally {
    await fh.close();
  }
}
