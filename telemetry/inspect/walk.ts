/**
 * @module Walking packet files: open each (framing and CRC chosen or detected), decide the secondary-header
 * profile when asked to guess, filter, and account every packet in an {@link Inspector}. The `packets`
 * commands are this walk plus what they do with each packet.
 */
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { openPacketFile, type FramedPacket, type ReadOptions } from '../framing/index.js';
import { Inspector, type InspectReport, type PacketTimes } from './inspect.js';
import { guessProfileOf, type GuessHint } from './guess-profile.js';
import type { TimeSettings } from '../../src/time/index.js';
import { stat } from 'node:fs/promises';

/** Which packets a command acts on (all are still inspected, up to `limit`). */
export interface PacketFilter {
  /** APID predicate. */
  readonly apid?: (apid: number) => boolean;
  /** Packet time window, TAI, inclusive start and exclusive end; packets without a time are left out when set. */
  readonly fromTai?: number;
  readonly toTai?: number;
  /** Stop after this many packets passed the filter. */
  readonly limit?: number;
}

export interface WalkOptions {
  readonly read: ReadOptions;
  /** The profile, or `auto`: guessed from the first TM packets (guess-profile.ts), with the evidence reported. */
  readonly profile: PacketProfile | 'auto';
  /** What a guess must keep (the `--time`, `--epoch`, `--crc` given). */
  readonly guessHint?: GuessHint;
  readonly apidName?: (apid: number) => string | undefined;
  /** Declared nominal period of an APID (s): counter resets are told from gaps with it (else it is learned). */
  readonly periodOf?: (apid: number) => number | undefined;
  readonly filter?: PacketFilter;
  /** Time axes and correlation (the config's `time` section). */
  readonly time?: TimeSettings;
  /** Called after each chunk with bytes done in the current file and its size. */
  readonly progress?: (file: string, done: number, total: number | undefined) => void;
}

/** Guess the profile from the head of a file (guess-profile.ts). */
export async function guessProfile(file: string, read: ReadOptions, hint?: GuessHint): Promise<PacketProfile> {
  return (await guessProfileOf(file, read, hint)).profile;
}

/**
 * Walk `files` in order; `onPacket` receives each packet that passes the filter with its chosen-axis time (TAI)
 * and its three times (valid during the call only), and may be async (writers awaiting drain). Returns the inspection report of everything read.
 */
export async function walkFiles(
  files: readonly string[],
  options: WalkOptions,
  onPacket?: (p: FramedPacket, tai: number | undefined, file: string, times: PacketTimes) => void | Promise<void>,
): Promise<InspectReport> {
  const guess = options.profile === 'auto' ? await guessProfileOf(files[0]!, options.read, options.guessHint) : undefined;
  const profile = guess?.profile ?? (options.profile as PacketProfile);
  const inspector = new Inspector({
    profile, ...(guess ? { profileReason: guess.reason } : {}), ...(options.apidName ? { apidName: options.apidName } : {}),
    ...(options.periodOf ? { periodOf: options.periodOf } : {}), ...(options.time ? { time: options.time } : {}),
  });
  const f = options.filter ?? {};
  const timed = f.fromTai !== undefined || f.toTai !== undefined;
  let passed = 0;
  outer: for (const file of files) {
    const src = await openPacketFile(file, options.read);
    const nameOf = (c: typeof src.framing) => (c.framing === 'prefix' ? `prefix:${c.prefixBytes}` : c.framing);
    let framing = src.framing;
    inspector.beginFile({ file, bytes: src.size, framing: nameOf(framing), framingReason: framing.reason, crc: src.crc.crc, crcReason: src.crc.reason }, (await stat(file)).mtimeMs);
    let done = 0;
    for await (const batch of src.batches) {
      // Framing auto re-decides when the evidence turns (telemetry/framing/redecide.ts): the report says so.
      if (src.framing !== framing) { framing = src.framing; inspector.framingChanged(nameOf(framing), framing.reason); }
      for (const p of batch.packets) {
        const t = inspector.timeOf(p);
        inspector.addPacket(p, t);
        if (!onPacket) continue;
        if (f.apid && !f.apid(p.apid)) continue;
        if (timed && (t === undefined || (f.fromTai !== undefined && t < f.fromTai) || (f.toTai !== undefined && t >= f.toTai))) continue;
        const r = onPacket(p, t, file, inspector.times);
        if (r) await r;
        if (f.limit !== undefined && ++passed >= f.limit) {
          inspector.addSkips(batch.skips);
          // Close the generator (and its file) early: the limit is reached.
          await (src.batches as AsyncGenerator).return?.(undefined);
          break outer;
        }
      }
      inspector.addIdle(batch);
      inspector.addSkips(batch.skips);
      if (batch.packets.length) done = batch.packets[batch.packets.length - 1]!.streamOffset;
      options.progress?.(file, done, src.size);
    }
    inspector.crcDecidedLate(src.crcDecidedLate());
  }
  return inspector.report();
}
