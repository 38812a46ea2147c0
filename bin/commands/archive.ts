/**
 * @module `idoc archive status|query|gaps`: read the archive (`--archive DIR`, else the config's `archive.dir`,
 * else ./idoc-archive). Thin: options → src/store and telemetry/gaps.
 */
import { Option, type Command } from 'commander';
import type { ArchiveReset } from '../../telemetry/gaps/index.js';
import type { MissionConfig } from '../../src/config/types.js';
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

interface Flags {
  config?: string;
  archive?: string;
  json?: boolean;
  csv?: boolean;
  apid?: string;
  route?: string;
  from?: string;
  to?: string;
  out?: string;
  ddsRequest?: string;
}

const common = (cmd: Command): Command => cmd
  .option('--archive <dir>', 'archive directory (default: the config\'s archive.dir, else ./idoc-archive)')
  .option('--config <file>', 'mission config (default: ./idoc.json when present)');

/**
 * The APID ranges `--apid` and `--route` select (undefined: all). Route names resolve as `l0 build --route` does
 * (a products route, else an ingest route of the config's one route table); with both flags, the APIDs in both.
 */
async function selectedApids(
  config: MissionConfig, flags: Flags, parseApidList: (flag: string, text: string) => { ranges: [number, number][]; has: (apid: number) => boolean },
): Promise<[number, number][] | undefined> {
  const byApid = flags.apid !== undefined ? parseApidList('--apid', flags.apid) : undefined;
  if (flags.route === undefined) return byApid?.ranges;
  const { apidsOfNamedRoutes, productsConfig } = await import('../../telemetry/products/index.js');
  const ranges = apidsOfNamedRoutes(productsConfig(config), flags.route.split(',').map((r) => r.trim()).filter(Boolean));
  if (!byApid) return ranges;
  // Both: the APIDs of the routes that --apid names too, as ranges.
  const out: [number, number][] = [];
  for (const [lo, hi] of ranges) {
    for (let a = lo; a <= hi; a++) {
      if (!byApid.has(a)) continue;
      const last = out[out.length - 1];
      if (last && last[1] === a - 1) last[1] = a;
      else out.push([a, a]);
    }
  }
  return out;
}

async function open(flags: Flags) {
  const [{ resolveMission }, store, { parseApidList, parseUtcFlag }] = await Promise.all([
    import('../../src/config/mission.js'), import('../../src/store/index.js'), import('../cli/options.js'),
  ]);
  const mission = await resolveMission(flags);
  const { dir } = store.archiveSettings(mission.config, flags.archive);
  const apids = await selectedApids(mission.config, flags, parseApidList);
  const fromTai = flags.from !== undefined ? parseUtcFlag('--from', flags.from) : undefined;
  const toTai = flags.to !== undefined ? parseUtcFlag('--to', flags.to) : undefined;
  const archive = await (await import('../../src/archive-of.js')).openConfiguredReader(mission.config, dir);
  const periodOf = (apid: number) => mission.config.apids.find((d) => apid >= d.apids.from && apid <= d.apids.to)?.periodSeconds;
  return { mission, archive, apids, fromTai, toTai, periodOf };
}

export const registerArchive: RegisterCommand = (program, ctx) => {
  const archive = program.command('archive').description('the packet archive: status, query, gaps, verify, migrate');

  common(archive.command('migrate'))
    .description('create or upgrade the PostgreSQL archive schema (archive.kind postgres; connection from IDOC_PG_URL or PG* variables): versioned, idempotent')
    .option('--json', 'machine-readable output')
    .action(async (flags: Flags) => {
      const [{ resolveMission }, store, pg, { InputError }] = await Promise.all([
        import('../../src/config/mission.js'), import('../../src/store/index.js'), import('../../src/postgres/index.js'), import('../../src/errors.js'),
      ]);
      const mission = await resolveMission(flags);
      const { kind, schema } = store.archiveKind(mission.config);
      if (kind !== 'postgres') throw new InputError('archive migrate: the config\'s archive.kind is not postgres (the SQLite archive migrates itself when ingest opens it)');
      const target = pg.pgTarget(schema);
      const name = pg.pgName(target);
      const sql = pg.pgConnect(target, 1);
      try {
        const r = await pg.migratePg(sql, schema).catch((e: unknown) => { throw new InputError(`${name}: migrate failed: ${(e as Error).message}`, [], { cause: e }); });
        ctx.io.out(flags.json ? jsonOut('archive migrate', { archive: name, ...r })
          : `${name}: schema version ${r.before} → ${r.after}${r.applied.length ? `: applied ${r.applied.map((m) => `${m.version} (${m.description})`).join(', ')}` : ': up to date'}\n`);
      } finally {
        await sql.end({ timeout: 2 });
      }
    });

  common(archive.command('status'))
    .description('per APID: packets, time span, last ingest, gaps, duplicates, CRC errors; feed cursors')
    .option('--json', 'machine-readable output')
    .action(async (flags: Flags) => {
      const { mission, archive: a, periodOf } = await open(flags);
      try {
        const [{ findGaps }, { archiveStatusReport, formatArchiveStatus }] = await Promise.all([
          import('../../telemetry/gaps/index.js'), import('../../telemetry/gaps/status.js'),
        ]);
        const resets: ArchiveReset[] = [];
        const report = archiveStatusReport(await a.status(), await findGaps(a, { periodOf }, resets), mission.apidName, resets);
        ctx.io.out(flags.json ? jsonOut('archive status', report, { ok: !(report.gaps || report.crcErrors) }) : formatArchiveStatus(report));
        ctx.setExit(report.gaps || report.crcErrors ? 1 : 0);
      } finally {
        await a.close();
      }
    });

  common(archive.command('query'))
    .description('packets by APID and time (the mission\'s time axis: UTC from on-board time where synchronised, else ground time), as `packets cat` writes them (or NDJSON with --json, with the three times)')
    .option('--apid <list>', 'only these APIDs, e.g. 1100,1110-1119')
    .option('--route <names>', 'only the APIDs of these routes (comma-separated, as the config names them); with --apid, those of both')
    .option('--from <utc>', 'timed at or after this UTC time (on the mission\'s time axis)')
    .option('--to <utc>', 'timed before this UTC time (same axis)')
    .option('--json', 'one JSON record per packet (NDJSON), with the packet in hex')
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .action(async (flags: Flags) => {
      const { archive: a, apids, fromTai, toTai } = await open(flags);
      try {
        const [{ createPacketSink }, { queryRecord }] = await Promise.all([import('../../telemetry/inspect/sink.js'), import('../../telemetry/gaps/status.js')]);
        const q = { ...(apids ? { apids } : {}), ...(fromTai !== undefined ? { fromTai } : {}), ...(toTai !== undefined ? { toTai } : {}) };
        const sink = await createPacketSink(flags.out, ctx.io);
        try {
          const enc = new TextEncoder();
          for await (const rows of a.rows(q)) {
            const octets = await a.bytes(rows);
            for (let i = 0; i < rows.length; i++) await sink.write(flags.json ? enc.encode(`${JSON.stringify(queryRecord(rows[i]!, octets[i]!))}\n`) : octets[i]!);
          }
          await sink.commit();
        } catch (e) {
          await sink.abort();
          throw e;
        }
      } finally {
        await a.close();
      }
    });

  common(archive.command('gaps'))
    .description('every gap per APID (sequence count, wrap-aware; cadence breaks where periodSeconds is declared), and counter resets apart')
    .option('--apid <list>', 'only these APIDs')
    .option('--route <names>', 'only the APIDs of these routes (comma-separated); with --apid, those of both')
    .option('--from <utc>', 'only packets at or after this UTC time')
    .option('--to <utc>', 'only packets before this UTC time')
    .option('--json', 'machine-readable output')
    .addOption(new Option('--csv', 'CSV output (RFC 4180, CRLF)').conflicts('json'))
    .option('--dds-request <dir>', 'write DDS request files (<id>.XML) asking again for the missing windows')
    .action(async (flags: Flags) => {
      const { mission, archive: a, apids, fromTai, toTai, periodOf } = await open(flags);
      try {
        const { findGaps, gapRecord, gapsCsv, gapsTable, gapWindows, writeGapRequests, windowRequestId, resetRecord } = await import('../../telemetry/gaps/index.js');
        const resets: ArchiveReset[] = [];
        const gaps = await findGaps(a, { ...(apids ? { apids } : {}), ...(fromTai !== undefined ? { fromTai } : {}), ...(toTai !== undefined ? { toTai } : {}), periodOf }, resets);
        const records = gaps.map((g) => gapRecord(g, mission.apidName(g.apid)));
        const resetRecords = resets.map((r) => resetRecord(r, mission.apidName(r.apid)));
        if (flags.ddsRequest !== undefined) {
          const { mkdir } = await import('node:fs/promises');
          await mkdir(flags.ddsRequest, { recursive: true });
          const windows = gapWindows(gaps);
          const files = await writeGapRequests(flags.ddsRequest, windows);
          if (flags.json) ctx.io.out(jsonOut('archive gaps', { requests: windows.map((w, i) => ({ id: windowRequestId(w), file: files[i], apid: w.apid, start: new Date(w.startMs).toISOString(), end: new Date(w.endMs).toISOString(), gaps: w.gaps, missing: w.missing })) }, { ok: !gaps.length }));
          else for (const f of files) ctx.io.out(`${f}\n`);
        } else if (flags.json) ctx.io.out(jsonOut('archive gaps', { gaps: records, resets: resetRecords }, { ok: !gaps.length }));
        else if (flags.csv) ctx.io.out(gapsCsv(records, resetRecords));
        else ctx.io.out(gapsTable(records, resetRecords));
        ctx.setExit(gaps.length ? 1 : 0);
      } finally {
        await a.close();
      }
    });

  common(archive.command('verify'))
    .description('fixity: re-read every segment octet and product file and compare with the checksums recorded when they were written (SHA-256 per written run of a segment, md5 from the PDS4 labels); exit 1 on any mismatch')
    .option('--products <dir>', 'folder of PDS4 products to check too (default: ./l0 when it exists)')
    .option('--json', 'machine-readable output')
    .action(async (flags: Flags & { products?: string }) => {
      const [{ resolveMission }, store, { verifyProductFiles }, { existsSync }, { formatOffset }, { verifyConfiguredSegments, configuredArchiveName }] = await Promise.all([
        import('../../src/config/mission.js'), import('../../src/store/index.js'), import('../../telemetry/products/index.js'), import('node:fs'), import('../../src/errors.js'),
        import('../../src/archive-of.js'),
      ]);
      const mission = await resolveMission(flags);
      const { dir: segmentsDir } = store.archiveSettings(mission.config, flags.archive);
      const segments = await verifyConfiguredSegments(mission.config, segmentsDir);
      const dir = await configuredArchiveName(mission.config, segmentsDir);
      const productsDir = flags.products ?? (existsSync('l0') ? 'l0' : undefined);
      if (productsDir !== undefined && !existsSync(productsDir)) throw new (await import('../../src/errors.js')).InputError(`--products ${productsDir}: no such folder`);
      const products = productsDir !== undefined ? await verifyProductFiles(productsDir) : undefined;
      const damage = [
        ...segments.problems.filter((p) => p.kind !== 'unchecked').map((p) => ({ file: p.file, offset: p.offset, length: p.length, kind: p.kind, message: p.message })),
        ...(products?.problems ?? []).map((p) => ({ file: p.file, ...(p.offset !== undefined ? { offset: p.offset, length: p.length } : {}), label: p.label, kind: p.kind, message: p.message })),
      ];
      if (flags.json) {
        ctx.io.out(jsonOut('archive verify', { archive: dir, segments: { files: segments.segments, checkedBytes: segments.checkedBytes, uncheckedBytes: segments.uncheckedBytes }, ...(products ? { products: { dir: productsDir, labels: products.labels, files: products.files, bytes: products.bytes } } : {}) }, { problems: damage.map((d) => ({ code: d.kind, path: d.file, ...d })) }));
      } else {
        for (const d of damage) ctx.io.out(`${d.file}: ${'offset' in d && d.offset !== undefined ? `${formatOffset(d.offset)}, ${d.length} octets: ` : ''}${d.kind}: ${d.message}${'label' in d ? ` (${d.label})` : ''}\n`);
        ctx.io.out(`archive ${dir}: ${segments.segments} segment file(s), ${segments.checkedBytes} octets checked${segments.uncheckedBytes ? `, ${segments.uncheckedBytes} without a recorded checksum (written before checksums were kept)` : ''}\n`);
        if (products) ctx.io.out(`products ${productsDir}: ${products.files} file(s) named by ${products.labels} label(s), ${products.bytes} octets checked\n`);
        ctx.io.out(damage.length ? `${damage.length} problem(s): fixity lost\n` : 'no problems found\n');
      }
      ctx.setExit(damage.length ? 1 : 0);
    });
};
