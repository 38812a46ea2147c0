/**
 * @module `idoc l0`: PDS4 L0 products. For now `l0 validate` (PDS4 labels against the IM 1.26.0.0
 * XSD and Schematron); `l0 build` and `l0 list` are to be added as further subcommands of the same
 * group. Thin: the work is in `telemetry/products/pds4/`, loaded only when a subcommand runs.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../src/errors.js';
import type { CommandContext, RegisterCommand } from './context.js';

/** `l0 validate PATH [--json] [--schema-dir DIR]`. Exit 0 clean (warnings alone do not fail, as with PDS validate),
 * 1 when any error was found, 2 unreadable input or missing schema files. */
function addValidate(l0: Command, ctx: CommandContext): void {
  l0
    .command('validate')
    .description('Validate a PDS4 label, or every *.xml/*.lblx under a folder, against the IM 1.26.0.0 XSD and Schematron')
    .argument('<path>', 'a label file or a folder of labels (searched recursively)')
    .option('--schema-dir <dir>', 'folder holding PDS4_PDS_1Q00.xsd and .sch (default: $IDOC_PDS4_DIR, else ../shared/pds4 beside the package)')
    .option('--json', 'print {files, problems[]} as JSON')
    .action(async (target: string, opts: { schemaDir?: string; json?: boolean }) => {
      try {
        statSync(target);
      } catch (e) {
        throw new InputError(`${target}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const { validatePath, formatProblem } = await import('../../telemetry/products/pds4/index.js');
      const result = await validatePath(target, opts.schemaDir === undefined ? {} : { schemaDir: opts.schemaDir });
      if (opts.json) {
        ctx.io.out(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        for (const p of result.problems) ctx.io.out(`${formatProblem(p)}\n`);
        const errors = result.problems.filter((p) => p.severity === 'error').length;
        const warnings = result.problems.length - errors;
        ctx.io.err(`${result.files} label(s): ${errors} error(s), ${warnings} warning(s)\n`);
      }
      if (result.problems.some((p) => p.severity === 'error')) ctx.setExit(1);
    });
}

export const registerL0: RegisterCommand = (program, ctx) => {
  const l0 = program.command('l0').description('PDS4 L0 raw-telemetry products: validate labels (build and list to come)');
  addValidate(l0, ctx);
};
