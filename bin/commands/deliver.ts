/**
 * @module `idoc deliver`: a PDS4 collection (`--collection C`) or the whole bundle (`--bundle`) as a BagIt 1.0
 * bag (RFC 8493) in a new folder (`--out-dir DIR`, `--out` accepted as the issue writes it), only what is new
 * or changed for the destination (`--destination NAME`, the SIP log in the archive folder) unless `--all`;
 * `idoc deliver --verify BAG` checks a bag. Thin: the work is in `telemetry/preservation/`.
 */
import type { RegisterCommand } from './context.js';
import { addAliases } from '../cli/aliases.js';
import { jsonOut } from '../cli/json.js';

interface Flags {
  collection?: string;
  bundle?: boolean;
  outDir?: string;
  products: string;
  destination: string;
  all?: boolean;
  archive?: string;
  config?: string;
  verify?: string;
  json?: boolean;
}

/** SOURCE_DATE_EPOCH (reproducible-builds.org) as seconds, else undefined. @throws UsageError when malformed. */
export async function sourceDateEpoch(): Promise<number | undefined> {
  const sde = process.env['SOURCE_DATE_EPOCH'];
  if (sde === undefined || sde === '') return undefined;
  if (!/^\d{1,12}$/.test(sde)) {
    const { UsageError } = await import('../../src/errors.js');
    throw new UsageError(`SOURCE_DATE_EPOCH=${JSON.stringify(sde)}: not a whole number of seconds since 1970-01-01T00:00:00Z`);
  }
  return Number(sde);
}

export const registerDeliver: RegisterCommand = (program, ctx) => {
  // `--out` as issue 20 spells it: the same folder (a silent alias).
  addAliases(program.command('deliver'), ctx.io, [{ flags: '--out <dir>', to: '--out-dir', deprecated: false }])
    .description('Deliver a PDS4 collection or bundle as a BagIt 1.0 bag (RFC 8493), only what is new for the destination; or verify a bag')
    .option('--collection <name>', 'the collection to deliver: its name (data_raw) or LID')
    .option('--bundle', 'deliver the whole bundle: every collection, a bundle label and a readme')
    .option('--out-dir <dir>', 'the bag to write (a new folder)')
    .option('--products <dir>', 'the L0 products folder (what l0 build wrote)', 'l0')
    .option('--destination <name>', 'who receives it: the SIP log records what each destination already has', 'default')
    .option('--all', 'deliver every product, not only those new or changed for the destination')
    .option('--archive <dir>', 'archive folder holding the SIP log deliveries.jsonl (default: the config\'s archive.dir, else ./idoc-archive)')
    .option('--config <file>', 'mission config (default: ./idoc.json when present)')
    .option('--verify <bag>', 'verify this bag instead (completeness, every checksum, Payload-Oxum, tag manifest); exit 1 when anything is wrong')
    .option('--json', 'print the report as JSON')
    .action(async (flags: Flags) => {
      const { UsageError } = await import('../../src/errors.js');
      if (flags.verify !== undefined) {
        if (flags.collection !== undefined || flags.bundle || flags.outDir !== undefined) throw new UsageError('deliver --verify BAG: give no --collection, --bundle or --out-dir with it');
        const { verifyBag, formatBagProblem } = await import('../../telemetry/preservation/bagit.js');
        const r = await verifyBag(flags.verify);
        if (r.problems.length === 1 && r.problems[0]!.code === 'structure' && r.problems[0]!.file === '.') {
          const { InputError } = await import('../../src/errors.js');
          throw new InputError(`${flags.verify}: not a directory`);
        }
        // The bag's damage is the envelope's problems (`path`: the file in the bag), as `archive verify` reports its own.
        const { problems, ...summary } = r;
        if (flags.json) ctx.io.out(jsonOut('deliver', summary, { ok: r.valid, problems: problems.map((p) => ({ code: p.code, path: p.file, message: p.message })) }));
        else {
          for (const p of r.problems) ctx.io.out(`${flags.verify}/${formatBagProblem(p)}\n`);
          ctx.io.err(`${flags.verify}: ${r.valid ? 'valid' : r.complete ? 'complete, not valid' : 'not complete'}: ${r.payloadFiles} payload file(s), ${r.payloadOctets} octet(s), ${r.problems.length} problem(s)\n`);
        }
        if (!r.valid) ctx.setExit(1);
        return;
      }
      const bagDir = flags.outDir;
      if (bagDir === undefined) throw new UsageError('deliver: give --out-dir DIR (the bag to write), or --verify BAG');
      if ((flags.collection === undefined) === !flags.bundle) throw new UsageError('deliver: give --collection NAME or --bundle');
      const [{ resolveMission }, store, products, pres, deliverMod, time] = await Promise.all([
        import('../../src/config/mission.js'), import('../../src/store/index.js'), import('../../telemetry/products/index.js'),
        import('../../telemetry/preservation/config.js'), import('../../telemetry/preservation/deliver.js'), import('../../src/time/index.js'),
      ]);
      const mission = await resolveMission(flags);
      const { dir: archiveDir } = store.archiveSettings(mission.config, flags.archive);
      const sde = await sourceDateEpoch();
      const now = sde ?? Math.floor(Date.now() / 1000);
      const productTime = time.taiToUtcIso(time.utcUnixToTai(now), 3);
      const r = await deliverMod.deliver({
        productsDir: flags.products, collection: flags.collection, bagDir, archiveDir, destination: flags.destination,
        ...(flags.all ? { all: true } : {}),
        bundleLid: products.productsConfig(mission.config).bundle, mission: mission.config.mission.name,
        preservation: pres.preservationConfig(mission.config), baggingDate: productTime.slice(0, 10), productTime,
        ...(sde !== undefined ? { mtime: sde } : {}),
      });
      if (flags.json) {
        ctx.io.out(jsonOut('deliver', { ...r, bag: r.bag ? { dir: r.bag.dir, files: r.bag.files, octets: r.bag.octets } : null }));
        return;
      }
      if (r.bag === undefined) {
        ctx.io.err(`nothing new for destination ${r.destination}: ${r.alreadyDelivered.length} product(s) already delivered; no bag written\n`);
        return;
      }
      for (const p of r.delivered) ctx.io.out(`delivered ${p}\n`);
      ctx.io.out(`bag ${r.bag.dir}: ${r.externalIdentifier}, ${r.bag.files} payload file(s), Payload-Oxum ${r.bag.octets}.${r.bag.files}\n`);
      ctx.io.err(`${r.kind} delivery ${r.delivery} to ${r.destination}: ${r.delivered.length} product(s), ${r.alreadyDelivered.length} already delivered; logged in ${archiveDir}/deliveries.jsonl\n`);
    });
};
