/**
 * @module `idoc demo [--dir DIR] [--keep] [--schema-dir DIR] [--json]` (what `npm start` runs): the whole chain
 * on the bundled sample: serve the sample feed, ingest it into a fresh archive, build and validate the L0
 * products, print what was made and where. Exit 0 when the chain ran and the labels are valid (or could not be
 * validated because the schema folder is absent: said so), 1 when a label fails validation, 2 when a stage
 * failed. The operations console serves the demo's archive and products while it runs (its URL, user and password
 * on stderr); `--serve` keeps it up, and the folder, until SIGINT/SIGTERM. Thin: the chain is
 * telemetry/products/sample-chain.ts, the console telemetry/service/console-server.ts.
 */
import type { RegisterCommand } from './context.js';
import { addAliases } from '../cli/aliases.js';
import { jsonOut } from '../cli/json.js';

interface DemoFlags {
  outDir?: string;
  keep?: boolean;
  schemaDir?: string;
  json?: boolean;
  serve?: boolean;
  port?: string;
}

export const registerDemo: RegisterCommand = (program, ctx) => {
  addAliases(program.command('demo'), ctx.io, [{ flags: '--dir <dir>', to: '--out-dir' }])
    .description('run the whole chain on the bundled sample: feed server → ingest → archive → L0 products → PDS4 validation, and say what was made where')
    .option('--out-dir <dir>', 'working folder (kept); default: a fresh temporary folder, removed at the end unless --keep')
    .option('--keep', 'keep the temporary working folder')
    .option('--schema-dir <dir>', 'PDS4 schema folder (default: $IDOC_PDS4_DIR, else ../shared/pds4 beside the package)')
    .option('--json', 'print the run as JSON')
    .option('--serve', 'keep the operations console up after the chain (until Ctrl-C)')
    .option('--port <n>', 'console port (default: any free one)', '0')
    .action(async (flags: DemoFlags) => {
      const [{ mkdtemp, readdir, rm }, os, path, { UsageError }, chain] = await Promise.all([
        import('node:fs/promises'), import('node:os'), import('node:path'), import('../../src/errors.js'),
        import('../../telemetry/products/sample-chain.js'),
      ]);
      let dir: string;
      if (flags.outDir !== undefined) {
        dir = path.resolve(flags.outDir);
        const present = await readdir(dir).catch(() => [] as string[]);
        if (present.length) throw new UsageError(`--out-dir ${flags.outDir}: not empty (the demo needs a fresh folder)`);
      } else {
        dir = await mkdtemp(path.join(os.tmpdir(), 'idoc-demo-'));
      }
      const kept = flags.outDir !== undefined || Boolean(flags.keep);
      const port = Number(flags.port ?? '0');
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${flags.port}: expected 0 to 65535`);
      const [{ startDemoConsole }, { packageRoot }, { planChecker }] = await Promise.all([
        import('../../telemetry/service/console-server.js'), import('../../telemetry/products/pds4/schema-dir.js'), import('./console.js'),
      ]);
      let web: Awaited<ReturnType<typeof startDemoConsole>> | undefined;
      try {
        const root = packageRoot();
        if (root !== undefined) {
          const f = (p: string) => path.join(root, 'fixtures', 'planning', p);
          web = await startDemoConsole(dir, root, await planChecker(f('golden'), f('sim.tcdb.json'), f('golden/golden.rules.json'), f('samplesat.tle')), port);
          ctx.io.err(`console ${web.url} (user ${web.user}, password ${web.password})${flags.serve ? '' : ' while the demo runs; --serve keeps it up'}\n`);
        }
        const r = await chain.runSampleChain({ dir, ...(flags.schemaDir !== undefined ? { schemaDir: flags.schemaDir } : {}) });
        ctx.io.out(flags.json ? jsonOut('demo', { ...r, kept, ...(web && flags.serve ? { console: web.url } : {}) }, { ok: !(r.validation.done && r.validation.errors > 0) }) : chain.formatSampleChain(r, kept));
        if (r.validation.done && r.validation.errors > 0) ctx.setExit(1);
        if (web && flags.serve) {
          ctx.io.err(`console ${web.url} (user ${web.user}, password ${web.password}): serving until Ctrl-C\n`);
          await new Promise<void>((resolve) => {
            const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
        }
      } finally {
        await web?.close();
        if (!kept) await rm(dir, { recursive: true, force: true });
      }
    });
};
