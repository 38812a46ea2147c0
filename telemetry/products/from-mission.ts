/**
 * @module Where `idoc l0 build` reads its packets, as a library function: packet files when given (their secondary
 * header guessed from the first file when neither the config nor a flag says), else the mission's archive
 * (`--archive DIR`, else the config's archive.dir, else ./idoc-archive), read only. Reports progress in octets
 * read against the known total (the files' sizes, the archive's stored octets).
 */
import { stat } from 'node:fs/promises';
import { InputError } from '../../src/errors.js';
import type { Mission } from '../../src/config/mission.js';
import { PROFILE_PRESETS, type PacketProfile } from '../../src/ccsds/profile.js';
import { archiveSettings } from '../../src/store/index.js';
import { configuredArchiveName, openConfiguredReader } from '../../src/archive-of.js';
import { timeSettings } from '../../src/time/config.js';
import type { ReadOptions } from '../framing/index.js';
import { guessProfile } from '../inspect/walk.js';
import { buildL0, type BuildOptions, type BuildReport } from './build.js';
import { buildL0FromArchive } from './from-archive.js';
import { packetsFromFiles, type FileReadStats } from './from-files.js';

export interface MissionSource {
  readonly mission: Mission;
  readonly read: ReadOptions;
  /** Packet files to read instead of the archive. */
  readonly fromFiles?: readonly string[] | undefined;
  /** The archive folder (default: the config's archive.dir, else ./idoc-archive). */
  readonly archive?: string | undefined;
  /** Octets read so far and the total when known; called often, throttle on your side. */
  readonly progress?: ((label: string, done: number, total: number | undefined) => void) | undefined;
}

export interface MissionBuild {
  readonly report: BuildReport;
  /** What was read: `{inputs: [...]}` per file, or `{archive, unroutedApids}`. */
  readonly inputs: Record<string, unknown>;
  /** A note on packets in no route ('' when none). */
  readonly leftOut: string;
}

/** Build L0 products from the mission's packets (files or archive). `options` are the build options but the profile. */
export async function buildL0FromMission(src: MissionSource, options: Omit<BuildOptions, 'profile'>): Promise<MissionBuild> {
  const { mission, read, progress } = src;
  if (src.fromFiles?.length && src.archive !== undefined) throw new InputError('l0 build: give either --archive DIR or --from-files FILE..., not both');
  if (src.fromFiles?.length) {
    const files = src.fromFiles;
    const profile: PacketProfile = mission.profile === 'auto' ? await guessProfile(files[0]!, read, mission.guessHint) : mission.profile;
    const stats: FileReadStats = { files: [] };
    let total: number | undefined;
    if (progress) total = (await Promise.all(files.map((f) => stat(f).then((s) => s.size, () => 0)))).reduce((a, b) => a + b, 0);
    const packets = packetsFromFiles(files, read, profile, stats, timeSettings(mission.config));
    let done = 0;
    const counted = progress
      ? (async function* () {
          for await (const batch of packets) {
            for (const p of batch) done += p.bytes.length;
            progress('l0 build', done, total);
            yield batch;
          }
        })()
      : packets;
    const report = await buildL0(counted, { ...options, profile });
    return {
      report,
      inputs: { inputs: stats.files.map((f) => ({ file: f.file, packets: f.packets, idle: f.idle, skips: f.skips })) },
      leftOut: report.unrouted ? `, ${report.unrouted} packet(s) in no route (left out)` : '',
    };
  }
  const { dir } = archiveSettings(mission.config, src.archive);
  let archive;
  try {
    archive = await openConfiguredReader(mission.config, dir);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${e.message}: give the archive with --archive DIR (or packet files with --from-files FILE...)`, e.problems);
    throw e;
  }
  try {
    const total = progress ? (await archive.status()).bytes : undefined;
    let bytes = 0;
    // The scan adds to stats as it reads: report each addition.
    const stats = {
      packets: 0,
      unroutedApids: [] as number[],
      get bytes(): number { return bytes; },
      set bytes(v: number) { bytes = v; progress?.('l0 build', v, total); },
    };
    const profile = mission.profile === 'auto' ? PROFILE_PRESETS['pus-c']! : mission.profile;
    const report = await buildL0FromArchive(archive, { ...options, profile }, stats);
    return {
      report,
      inputs: { archive: await configuredArchiveName(mission.config, dir), unroutedApids: stats.unroutedApids },
      leftOut: stats.unroutedApids.length ? `; APID(s) ${stats.unroutedApids.join(', ')} in the archive are in no products route (left out)` : '',
    };
  } finally {
    await archive.close();
  }
}
