/**
 * @module `idoc help [topic|command...]`: a man-page-like topic (config, framing, time-axes, exit-codes, output;
 * `--json` gives `{topic, title, sections[]}`), else the help of the command named, else the program's help with
 * the list of topics. Replaces commander's built-in help command.
 */
import type { Command } from 'commander';
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

export const registerHelp: RegisterCommand = (program, ctx) => {
  program.helpCommand(false);
  program
    .command('help')
    .description('show a help topic (config, framing, time-axes, exit-codes, output) or the help of a command')
    .argument('[topic...]', 'a topic, or a command such as "packets inspect"')
    .option('--json', 'print the topic as JSON: {topic, title, sections: [{heading, text}]}')
    .action(async (words: string[], opts: { json?: boolean }) => {
      const { HELP_TOPICS, topicText } = await import('../cli/help-topics.js');
      const topic = words.length === 1 ? HELP_TOPICS.find((t) => t.topic === words[0]) : undefined;
      if (topic) {
        ctx.io.out(opts.json ? jsonOut('help', topic) : `${topicText(topic)}\n`);
        return;
      }
      let cmd: Command = program;
      for (const w of words) {
        const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
        if (!sub) {
          const { UsageError } = await import('../../src/errors.js');
          throw new UsageError(`help ${words.join(' ')}: no such topic or command (topics: ${HELP_TOPICS.map((t) => t.topic).join(', ')})`);
        }
        cmd = sub;
      }
      if (opts.json) {
        const { commandTree } = await import('../cli/command-tree.js');
        ctx.io.out(jsonOut('help', commandTree(cmd)));
        return;
      }
      ctx.io.out(cmd.helpInformation());
      if (cmd === program) ctx.io.out(`\nTopics (idoc help TOPIC): ${HELP_TOPICS.map((t) => t.topic).join(', ')}\n`);
    });
};
