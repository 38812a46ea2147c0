/**
 * @module `idoc provenance PRODUCT`: how an L0 product was made, from the W3C PROV-JSON beside its label, back to
 * the ground deliveries (file, checksums, stations, ground times). PRODUCT is a label, its PROV-JSON, one of its
 * data files, or a LID/LIDVID looked up under `--products DIR`. Thin: the work is in `telemetry/preservation/`.
 */
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

export const registerProvenance: RegisterCommand = (program, ctx) => {
  program
    .command('provenance')
    .description('Print how an L0 product was made (PROV-JSON beside its label): software, configuration, steps, ground deliveries')
    .argument('<product>', 'a product label, its .prov.json, one of its data files, or a LID / LIDVID (found under --products)')
    .option('--products <dir>', 'the L0 products folder to look a LID / LIDVID up in', 'l0')
    .option('--json', 'print the chain as JSON')
    .action(async (product: string, flags: { products: string; json?: boolean }) => {
      const [{ InputError }, { readFile, readdir, stat }, path, prov] = await Promise.all([
        import('../../src/errors.js'), import('node:fs/promises'), import('node:path'), import('../../telemetry/preservation/prov-json.js'),
      ]);
      let file: string | undefined;
      if (product.startsWith('urn:')) {
        const [lid, vid] = product.split('::');
        const want = (l: string, v: string) => l === lid && (vid === undefined || v === vid);
        let best: { file: string; v: number } | undefined;
        const walk = async (dir: string): Promise<void> => {
          for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) await walk(p);
            else if (e.name.endsWith('.prov.json')) {
              const d = JSON.parse(await readFile(p, 'utf8')) as Parameters<typeof prov.provenanceChain>[0];
              const c = (() => { try { return prov.provenanceChain(d); } catch { return undefined; } })();
              const [l, v] = (c?.product ?? '').split('::');
              if (l !== undefined && v !== undefined && want(l, v) && (best === undefined || Number(v) > best.v)) best = { file: p, v: Number(v) };
            }
          }
        };
        await walk(flags.products);
        if (best === undefined) throw new InputError(`${product}: no PROV-JSON of this product under ${flags.products}`);
        file = best.file;
      } else {
        const st = await stat(product).catch(() => undefined);
        if (!st?.isFile()) throw new InputError(`${product}: cannot read: not a file (give a label, its .prov.json, a data file or a LIDVID)`);
        const m = /^(.*_v\d+)(?:\.prov\.json|\.xml|\.dat|_index\.dat|_frames\.dat|\.fixity\.json)$/.exec(product);
        if (!m) throw new InputError(`${product}: not an L0 product file (<product>_v<N>.xml, .dat, _index.dat, _frames.dat or .prov.json)`);
        file = `${m[1]}.prov.json`;
      }
      let doc: unknown;
      try { doc = JSON.parse(await readFile(file, 'utf8')); } catch (e) {
        throw new InputError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found (products built before provenance was recorded have none: rebuild them)' : `not JSON: ${(e as Error).message}`}`);
      }
      let chain;
      try { chain = prov.provenanceChain(doc as Parameters<typeof prov.provenanceChain>[0]); } catch (e) { throw new InputError(`${file}: not an idoc PROV-JSON document: ${(e as Error).message}`); }
      ctx.io.out(flags.json ? jsonOut('provenance', { file, ...chain }) : prov.formatChain(chain));
    });
};
