/** @module What every command module receives when it registers itself. */
import type { Command } from 'commander';
import type { Io } from '../cli/exit.js';

export interface CommandContext {
  readonly io: Io;
  /** Record the command's exit code (the highest one set wins). */
  readonly setExit: (code: number) => void;
}

/** A command module: adds its command(s) to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;
