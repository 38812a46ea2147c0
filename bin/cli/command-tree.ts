/**
 * @module The command tree as plain data (names, arguments, visible options), read from commander: what shell
 * completion is generated from, what `idoc help COMMAND --json` prints and what the grammar test checks.
 */
import type { Command } from 'commander';

export interface OptionNode {
  /** `--out-dir`. */
  readonly long: string;
  /** `<dir>`, `<files...>`, `[x]` or '' for a switch. */
  readonly value: string;
  readonly description: string;
}

export interface CommandNode {
  readonly name: string;
  readonly description: string;
  readonly arguments: readonly string[];
  readonly options: readonly OptionNode[];
  readonly commands: readonly CommandNode[];
}

export function commandTree(cmd: Command): CommandNode {
  return {
    name: cmd.name(),
    description: cmd.description(),
    arguments: cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`)),
    options: cmd.options.filter((o) => !o.hidden && o.long !== undefined).map((o) => ({
      long: o.long!,
      value: o.flags.replace(/^.*?--[\w-]+\s*/, ''),
      description: o.description,
    })),
    commands: cmd.commands.map(commandTree),
  };
}

/** Every command path with its node, depth first: `['packets', 'inspect']`… (the root is `[]`). */
export function commandPaths(node: CommandNode, prefix: readonly string[] = []): { path: readonly string[]; node: CommandNode }[] {
  return [{ path: prefix, node }, ...node.commands.flatMap((c) => commandPaths(c, [...prefix, c.name]))];
}
