/**
 * @module `idoc doi metadata --collection C | --bundle`: the DataCite 4.7 metadata (XML and the JSON reservation
 * request) of a PDS4 collection or the bundle, written to `--out-dir DIR`. No DOI is reserved here (no network):
 * an operator submits the JSON; once assigned, the DOI goes into the config (`preservation.doi.assigned`).
 * Thin: the work is in `telemetry/preservation/datacite.ts`.
 */
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

interface Flags { collection?: string; bundle?: boolean; products: string; outDir: string; config?: string; json?: boolean }

export const registerDoi: RegisterCommand = (program, ctx) => {
  const doi = program.command('doi').description('DOIs of the archive collections: DataCite metadata');
  doi
    .command('metadata')
    .description('Write the DataCite 4.7 metadata (XML and JSON request) of a PDS4 collection or the bundle')
    .option('--collection <name>', 'the collection: its name (data_raw) or LID')
    .option('--bundle', 'the whole bundle')
    .option('--products <dir>', 'the L0 products folder (what l0 build wrote)', 'l0')
    .option('--out-dir <dir>', 'where to write <name>.datacite.xml and <name>.datacite.json', '.')
    .option('--config <file>', 'mission config (default: ./idoc.json when present)')
    .option('--json', 'print {doi, assigned, xml, json} (the files written) as JSON')
    .action(async (flags: Flags) => {
      const { UsageError } = await import('../../src/errors.js');
      if ((flags.collection === undefined) === !flags.bundle) throw new UsageError('doi metadata: give --collection NAME or --bundle');
      const [{ resolveMission }, products, pres, dc, { mkdir }, path, files] = await Promise.all([
        import('../../src/config/mission.js'), import('../../telemetry/products/index.js'), import('../../telemetry/preservation/config.js'),
        import('../../telemetry/preservation/datacite.js'), import('node:fs/promises'), import('node:path'), import('../../telemetry/products/_files.js'),
      ]);
      const mission = await resolveMission(flags);
      const pc = products.productsConfig(mission.config);
      const p = pres.preservationConfig(mission.config);
      const input = await dc.dataciteInputFor(flags.products, flags.collection, {
        bundleLid: pc.bundle, mission: mission.config.mission.name, target: pc.target.name,
        ...(mission.config.mission.instrument !== undefined ? { instrument: mission.config.mission.instrument } : {}),
      });
      const name = input.lid.split(':').at(-1)!;
      await mkdir(flags.outDir, { recursive: true });
      const xml = path.join(flags.outDir, `${name}.datacite.xml`), json = path.join(flags.outDir, `${name}.datacite.json`);
      await files.writeAtomic(xml, dc.dataciteXml(input, p));
      await files.writeAtomic(json, dc.dataciteJson(input, p));
      const { doi: id, assigned } = dc.doiOf(input.lid, p);
      if (flags.json) ctx.io.out(jsonOut('doi', { lidvid: `${input.lid}::${input.vid}`, doi: id, assigned, xml, json }));
      else {
        ctx.io.out(`${input.lid}::${input.vid}  DOI ${id}${assigned ? '' : ' (placeholder: not assigned yet)'}\n${xml}\n${json}\n`);
      }
    });
};
