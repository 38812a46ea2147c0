/**
 * @module The one call a command makes: find the configuration (`--config PATH`, else `./idoc.json`, else the
 * defaults), load it, and apply the packet-profile flags on top.
 */
import { defaultConfig, findConfig, loadConfig } from './load.js';
import { profileFromOptions, type ProfileOptions } from './profile-options.js';
import type { MissionConfig } from './types.js';

/** What a command passes on from its command line. */
export interface ConfigOptions extends ProfileOptions {
  /** `--config PATH`. */
  config?: string;
}

/**
 * The configuration a command runs with.
 * @throws InputError when the chosen file cannot be read or fails its checks; UsageError for a bad flag value.
 */
export async function resolveConfig(opts: ConfigOptions, cwd: string = process.cwd()): Promise<MissionConfig> {
  const file = findConfig(opts.config, cwd);
  const config = file === undefined ? defaultConfig() : await loadConfig(file);
  const profile = profileFromOptions(config.profile, opts);
  return profile === config.profile ? config : { ...config, profile };
}
