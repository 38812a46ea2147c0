/**
 * @module The `ephemeris` section of the mission configuration (schemas/config-ephemeris.schema.json): the
 * spacecraft's ephemeris file, the JPL SPK kernels and the central body that `idoc orbit` and `idoc plan` use
 * when `--config` names the file. Paths are relative to the config file. The command line wins field by field:
 * a flag replaces the configured value (`--spk` replaces the whole kernel list); the configured `object` goes
 * with the configured `file` and is not applied to a file given on the command line.
 */
import type { MissionConfig } from '../src/config/index.js';
import { checkedSection, configRelative } from '../src/config/section.js';

/** The section as written (schemas/config-ephemeris.schema.json). */
interface EphemerisSection {
  file?: string;
  object?: string;
  spk?: string[];
  centralBody?: string;
  tleMaxAgeDays?: number;
  maxGapSteps?: number;
}

/** Where a command's ephemeris comes from, paths resolved. */
export interface EphemerisSource {
  /** TLE or OEM file; undefined for a spacecraft from the SPK kernels (or none at all). */
  readonly file?: string;
  readonly object?: string;
  readonly spk: readonly string[];
  /** The central body's name, overriding the ephemeris' own (OEM CENTER_NAME, SPK centre). */
  readonly centralBody?: string;
  readonly tleMaxAgeDays?: number;
  readonly maxGapSteps?: number;
}

/**
 * The configured ephemeris source (empty when the config has no `ephemeris` section).
 * @throws InputError when the section fails its schema (one problem a line, `file#/ephemeris/…`).
 */
export function ephemerisSection(config: MissionConfig, cwd = process.cwd()): EphemerisSource {
  const s = checkedSection<EphemerisSection>(config, 'ephemeris') ?? {};
  return {
    ...(s.file !== undefined ? { file: configRelative(config, s.file, cwd) } : {}),
    ...(s.object !== undefined ? { object: s.object } : {}),
    spk: (s.spk ?? []).map((k) => configRelative(config, k, cwd)),
    ...(s.centralBody !== undefined ? { centralBody: s.centralBody } : {}),
    ...(s.tleMaxAgeDays !== undefined ? { tleMaxAgeDays: s.tleMaxAgeDays } : {}),
    ...(s.maxGapSteps !== undefined ? { maxGapSteps: s.maxGapSteps } : {}),
  };
}

/** The command line over the configuration, field by field (see the module comment). */
export function mergeEphemerisSource(flags: EphemerisSource, configured: EphemerisSource): EphemerisSource {
  const file = flags.file ?? configured.file;
  const object = flags.object ?? (flags.file === undefined ? configured.object : undefined);
  const centralBody = flags.centralBody ?? configured.centralBody;
  const tleMaxAgeDays = flags.tleMaxAgeDays ?? configured.tleMaxAgeDays;
  const maxGapSteps = flags.maxGapSteps ?? configured.maxGapSteps;
  return {
    ...(file !== undefined ? { file } : {}),
    ...(object !== undefined ? { object } : {}),
    spk: flags.spk.length > 0 ? flags.spk : configured.spk,
    ...(centralBody !== undefined ? { centralBody } : {}),
    ...(tleMaxAgeDays !== undefined ? { tleMaxAgeDays } : {}),
    ...(maxGapSteps !== undefined ? { maxGapSteps } : {}),
  };
}
