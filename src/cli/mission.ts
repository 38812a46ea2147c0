/**
 * @module The mission a command works for: the config file (`--config PATH`, else ./idoc.json, else the
 * built-in defaults) with the packet flags (`--profile`, `--crc`, `--time`, `--epoch`) applied over it.
 */
import { apidTable, defaultConfig, findConfig, loadConfig, profileFromOptions, type MissionConfig } from '../config/index.js';
import type { PacketProfile } from '../ccsds/profile.js';

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
  readonly crc: 'yes' | 'no' | 'auto';
  /** Declared APIDs (2048 entries) when the config declares any. */
  readonly knownApids: Uint8Array | undefined;
  readonly apidName: (apid: number) => string | undefined;
  /** The APID's declared nominal period (`apids[].periodSeconds`), seconds. */
  readonly periodOf: (apid: number) => number | undefined;
}

export async function resolveMission(flags: MissionFlags, cwd = process.cwd()): Promise<Mission> {
  const file = findConfig(flags.config, cwd);
  const config = file ? await loadConfig(file) : defaultConfig();
  const profile = profileFromOptions(config.profile, {
    ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
    ...(flags.crc !== undefined ? { crc: flags.crc } : {}),
    ...(flags.time !== undefined ? { timeCode: flags.time } : {}),
    ...(flags.epoch !== undefined ? { epoch: flags.epoch } : {}),
  });
  const table = apidTable(config);
  const guess = !file && flags.profile === undefined && flags.time === undefined;
  return {
    config,
    profile: guess ? 'auto' : profile,
    crc: profile.crc,
    knownApids: config.apids.length ? table.knownMask : undefined,
    apidName: (apid) => table.declarationOf(apid)?.name,
    periodOf: (apid) => table.declarationOf(apid)?.periodSeconds,
  };
}
