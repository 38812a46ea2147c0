/**
 * @module Flag aliases: an old spelling kept hidden from --help that sets the new flag's value. A deprecated alias
 * warns once on stderr (`idoc: warning: --out is deprecated here, use --out-dir`); a plain alias (`--tle` for
 * `--ephemeris`) is silent. Resolved in a preAction hook, so an action only ever reads the new flag.
 */
import { Option, type Command } from 'commander';
import type { Io } from './exit.js';

export interface AliasSpec {
  /** The hidden spelling, e.g. `--out <dir>`. */
  readonly flags: string;
  /** The flag it stands for, e.g. `--out-dir`. */
  readonly to: string;
  /** Warn on stderr when used (deprecated spellings); default true. */
  readonly deprecated?: boolean;
  /** Run with the value when used (e.g. remember which alias was given). */
  readonly onUse?: (cmd: Command) => void;
}

const attr = (long: string): string => long.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Add hidden `specs` to `cmd`: each, when given, sets its target flag (a UsageError-free merge: the new flag wins). */
export function addAliases(cmd: Command, io: Io, specs: readonly AliasSpec[]): Command {
  for (const spec of specs) {
    const opt = new Option(spec.flags).hideHelp();
    cmd.addOption(opt);
  }
  cmd.hook('preAction', (_this, action) => {
    if (action !== cmd) return;
    const opts = cmd.opts();
    for (const spec of specs) {
      const long = spec.flags.split(/[ ,]/)[0]!;
      const from = attr(long);
      const value = opts[from];
      if (value === undefined) continue;
      if (spec.deprecated !== false) io.err(`idoc: warning: ${long} is deprecated here, use ${spec.to}\n`);
      spec.onUse?.(cmd);
      const to = attr(spec.to);
      const source = cmd.getOptionValueSource(to);
      if (opts[to] === undefined || source === 'default' || source === undefined) cmd.setOptionValue(to, value);
      cmd.setOptionValue(from, undefined);
    }
  });
  return cmd;
}
