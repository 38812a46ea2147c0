/**
 * @module `idoc packets inspect|dump|cat|split`: read any packet file (raw, DDS, prefixed, pcap/pcapng) and
 * report, list, extract or split its packets. Thin: options → telemetry/inspect.
 */
import type { Command } from 'commander';
import type { CommandContext, RegisterCommand } from './context.js';
import { addReadOptions, type ReadFlags } from '../cli/read-options.js';
import { addAliases } from '../cli/aliases.js';
import { jsonOut } from '../cli/json.js';

interface PacketsFlags extends ReadFlags {
  json?: boolean;
  apid?: string;
  from?: string;
  to?: string;
  limit?: string;
  out?: string;
  outDir?: string;
}

function withReadOptions(cmd: Command, filters: boolean, json = true): Command {
  addReadOptions(cmd);
  if (json) cmd.option('--json', 'machine-readable output');
  if (filters) {
    cmd
      .option('--apid <list>', 'only these APIDs, e.g. 1100,1110-1119')
      .option('--from <utc>', 'only packets timed at or after this UTC time (on the mission\'s time axis: UTC from on-board time where synchronised, else ground time)')
      .option('--to <utc>', 'only packets timed before this UTC time (same axis)')
      .option('--limit <n>', 'stop after this many packets');
  }
  return cmd;
}

/** UTC is printed through the leap-second table: say so when it has expired (a newer leap second may be missing). */
async function warnLeapExpiry(ctx: CommandContext): Promise<void> {
  const t = await import('../../src/time/index.js');
  if (t.leapTableExpired(new Date())) {
    const table = t.activeLeapSeconds();
    ctx.io.err(`idoc: warning: the leap-second table (${table.source}) expired on ${table.expires}; load a current one with 'idoc time leap-seconds --load Leap_Second.dat'\n`);
  }
}

async function prepare(files: string[], flags: PacketsFlags, ctx: CommandContext) {
  await warnLeapExpiry(ctx);
  const [{ readSetup }, { parseApidList, parseUtcFlag, parseIntFlag }, { UsageError }] = await Promise.all([
    import('../cli/read-setup.js'), import('../cli/options.js'), import('../../src/errors.js'),
  ]);
  if (!files.length) throw new UsageError('no input file given');
  const { mission, read } = await readSetup(flags);
  const { timeSettings } = await import('../../src/time/config.js');
  const time = timeSettings(mission.config);
  const apids = flags.apid !== undefined ? parseApidList('--apid', flags.apid) : undefined;
  const fromTai = flags.from !== undefined ? parseUtcFlag('--from', flags.from) : undefined;
  const toTai = flags.to !== undefined ? parseUtcFlag('--to', flags.to) : undefined;
  const limit = flags.limit !== undefined ? parseIntFlag('--limit', flags.limit, 1, Number.MAX_SAFE_INTEGER) : undefined;
  return {
    mission,
    walk: {
      read,
      profile: mission.profile,
      guessHint: mission.guessHint,
      apidName: mission.apidName,
      time,
      periodOf: mission.periodOf,
      filter: {
        ...(apids ? { apid: apids.has } : {}),
        ...(fromTai !== undefined ? { fromTai } : {}),
        ...(toTai !== undefined ? { toTai } : {}),
        ...(limit !== undefined ? { limit } : {}),
      },
    },
  };
}

async function progressFor(ctx: CommandContext) {
  const { createProgress } = await import('../cli/progress.js');
  const progress = createProgress(ctx.io);
  return { progress, onProgress: (file: string, done: number, total: number | undefined) => progress.update(file, done, total) };
}

export const registerPackets: RegisterCommand = (program, ctx) => {
  const packets = program.command('packets').description('read packet files: inspect, dump, cat, split');

  withReadOptions(packets.command('inspect').argument('<files...>'), false)
    .description('totals, per-APID counts, sequence gaps, duplicates, CRC errors, skipped bytes, time span')
    .action(async (files: string[], flags: PacketsFlags) => {
      const { walk } = await prepare(files, flags, ctx);
      const [{ walkFiles }, { formatInspect, problemSummary }] = await Promise.all([import('../../telemetry/inspect/walk.js'), import('../../telemetry/inspect/format.js')]);
      const { progress, onProgress } = await progressFor(ctx);
      const report = await walkFiles(files, { ...walk, filter: {}, progress: onProgress });
      progress.done();
      ctx.io.out(flags.json ? jsonOut('packets inspect', report, { ok: !report.problems, problems: problemSummary(report.totals) }) : formatInspect(report));
      ctx.setExit(report.problems ? 1 : 0);
    });

  withReadOptions(packets.command('dump').argument('<files...>'), true)
    .description('one line per packet (NDJSON with --json)')
    .action(async (files: string[], flags: PacketsFlags) => {
      const { walk } = await prepare(files, flags, ctx);
      const [{ walkFiles, guessProfile }, { packetRecord, formatPacketLine }] = await Promise.all([import('../../telemetry/inspect/walk.js'), import('../../telemetry/inspect/format.js')]);
      const profile = walk.profile === 'auto' ? await guessProfile(files[0]!, walk.read, walk.guessHint) : walk.profile;
      const lines: string[] = [];
      const flush = () => { if (lines.length) { ctx.io.out(`${lines.join('\n')}\n`); lines.length = 0; } };
      const report = await walkFiles(files, { ...walk, profile }, (p, t, file, times) => {
        const r = packetRecord(p, t, file, profile, times);
        lines.push(flags.json ? JSON.stringify(r) : formatPacketLine(r));
        if (lines.length >= 1000) flush();
      });
      flush();
      ctx.setExit(report.problems ? 1 : 0);
    });

  // No --json: cat's output is the packets themselves.
  withReadOptions(packets.command('cat').argument('<files...>'), true, false)
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .description('the packets alone, concatenated, without framing (e.g. a DDS file becomes a packet stream)')
    .action(async (files: string[], flags: PacketsFlags) => {
      const { walk } = await prepare(files, flags, ctx);
      const [{ walkFiles }, { createPacketSink }] = await Promise.all([import('../../telemetry/inspect/walk.js'), import('../../telemetry/inspect/sink.js')]);
      const sink = await createPacketSink(flags.out, ctx.io);
      const { progress, onProgress } = await progressFor(ctx);
      try {
        const report = await walkFiles(files, { ...walk, progress: onProgress }, (p) => sink.write(p.buf.subarray(p.offset, p.offset + p.length)));
        await sink.commit();
        ctx.setExit(report.problems ? 1 : 0);
      } catch (e) {
        await sink.abort();
        throw e;
      } finally {
        progress.done();
      }
    });

  addAliases(withReadOptions(packets.command('split').argument('<files...>'), true), ctx.io, [{ flags: '--out <dir>', to: '--out-dir' }])
    .option('--out-dir <dir>', 'output folder: one apid_<N>.bin per APID (required)')
    .description('one file of raw packets per APID, in stream order')
    .action(async (files: string[], flags: PacketsFlags) => {
      const { walk } = await prepare(files, flags, ctx);
      const [{ walkFiles }, { splitByApid }, { problemSummary }] = await Promise.all([import('../../telemetry/inspect/walk.js'), import('../../telemetry/inspect/sink.js'), import('../../telemetry/inspect/format.js')]);
      const { progress, onProgress } = await progressFor(ctx);
      if (flags.outDir === undefined) throw new (await import('../../src/errors.js')).UsageError("packets split: give the output folder with --out-dir DIR");
      const splitter = await splitByApid(flags.outDir);
      try {
        const report = await walkFiles(files, { ...walk, progress: onProgress }, (p) => splitter.write(p.apid, p.buf.subarray(p.offset, p.offset + p.length)));
        const written = await splitter.commit();
        progress.done();
        if (flags.json) ctx.io.out(jsonOut('packets split', { files: written, totals: report.totals }, { ok: !report.problems, problems: problemSummary(report.totals) }));
        else for (const w of written) ctx.io.out(`${w.file}  ${w.packets} packets  ${w.bytes} bytes\n`);
        ctx.setExit(report.problems ? 1 : 0);
      } catch (e) {
        await splitter.abort();
        throw e;
      }
    });
};
