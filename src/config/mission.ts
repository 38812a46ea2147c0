/**
 * @module The mission context (moved from the command line into src, issue 15): the config file (`--config PATH`, else ./idoc.json,
 * else the built-in defaults) with the packet flags (`--profile`, `--crc`, `--time`, `--epoch`) applied over it,
 * and what every stage reads from it (profile, CRC table, declared APIDs, names and periods). Library code calls
 * {@link loadMission}; commands call {@link resolveMission} with their flags.
 */
import { apidDeclarations, defaultConfig, findConfig, loadConfig, profileFromOptions, type MissionConfig } from './index.js';
import type { PacketProfile } from '../ccsds/profile.js';
import { parseCrcFlag, type CrcOverride, type CrcSetting } from '../ccsds/crc-policy.js';

export interface MissionFlags {
  config?: string;
  profile?: string;
  crc?: string;
  time?: string;
  epoch?: string;
}

export interface Mission {
  readonly config: MissionConfig;
  /** `auto` when neither a config file nor `--profile` says which secondary header to read. */
  readonly profile: PacketProfile | 'auto';
  /** With `auto`: the profile the flags built (its time code, epoch, CRC) and whether `--time` was given. */
  readonly guessHint: { readonly base: PacketProfile; readonly timeGiven: boolean };
  /** CRC of every APID (the config's packets.crc, or a bare `--crc MODE`). */
  readonly crc: CrcSetting;
  /** Per-APID CRC modes: the config's `apids[].crc`, then `--crc APIDS=MODE` entries. */
  readonly crcOverrides: readonly CrcOverride[];
  /** Declared APIDs (2048 entries) when the config declares any. */
  readonly knownApids: Uint8Array | undefined;
  readonly apidName: (apid: number) => string | undefined;
  /** The APID's declared nominal period (`apids[].periodSeconds`), seconds. */
  readonly periodOf: (apid: number) => number | undefined;
}

export async function resolveMission(flags: MissionFlags, cwd = process.cwd()): Promise<Mission> {
  const file = findConfig(flags.config, cwd);
  const config = file ? await loadConfig(file) : defaultConfig();
  const crcFlag = flags.crc !== undefined ? parseCrcFlag(flags.crc) : undefined;
  const profile = profileFromOptions(config.profile, {
    ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
    ...(crcFlag?.defaultMode !== undefined ? { crc: crcFlag.defaultMode } : {}),
    ...(flags.time !== undefined ? { timeCode: flags.time } : {}),
    ...(flags.epoch !== undefined ? { epoch: flags.epoch } : {}),
  });
  const table = apidDeclarations(config);
  // Without a config or --profile the secondary header is guessed; --time and --epoch still apply (a time code
  // alone when no PUS header is recognised: NOAA-20/JPSS).
  const guess = !file && flags.profile === undefined;
  return {
    config,
    profile: guess ? 'auto' : profile,
    guessHint: { base: profile, timeGiven: flags.time !== undefined },
    crc: profile.crc,
    crcOverrides: [
      // A bare --crc MODE applies to every APID, the config's per-APID modes included.
      ...(crcFlag?.defaultMode !== undefined ? [] : config.apids.flatMap((d) => (d.crc !== undefined ? [{ from: d.apids.from, to: d.apids.to, mode: d.crc }] : []))),
      ...(crcFlag?.overrides ?? []),
    ],
    knownApids: config.apids.length ? table.knownMask : undefined,
    apidName: (apid) => table.declarationOf(apid)?.name,
    periodOf: (apid) => table.declarationOf(apid)?.periodSeconds,
  };
}

/**
 * The mission of a config file, for library use (no command-line flags): `file`, else ./idoc.json in `cwd` when
 * present, else the built-in defaults.
 * @throws InputError when the file cannot be read or fails its schema (one line naming the file and field).
 */
export function loadMission(file?: string, cwd = process.cwd()): Promise<Mission> {
  return resolveMission(file === undefined ? {} : { config: file }, cwd);
}
