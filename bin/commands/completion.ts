/**
 * @module `idoc completion bash|zsh|fish`: a shell completion script generated from the command tree (every
 * command, subcommand and visible option), so it cannot fall behind the commands. Install:
 * `idoc completion bash > ~/.local/share/bash-completion/completions/idoc` (or `source <(idoc completion bash)`);
 * zsh: `idoc completion zsh > "${fpath[1]}/_idoc"`; fish: `idoc completion fish > ~/.config/fish/completions/idoc.fish`.
 */
import { Argument } from 'commander';
import type { RegisterCommand } from './context.js';

export const registerCompletion: RegisterCommand = (program, ctx) => {
  program
    .command('completion')
    .description('print a shell completion script for bash, zsh or fish, generated from the commands')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const [{ commandTree }, scripts] = await Promise.all([import('../cli/command-tree.js'), import('../cli/completion-scripts.js')]);
      ctx.io.out(scripts.completionScript(shell, commandTree(program)));
    });
};
