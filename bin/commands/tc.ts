/**
 * @module `idoc tc`: check a telecommand database, import a SCOS-2000 MIB, encode and decode PUS TC packets.
 * Thin: the work is in `telecommand/`.
 */
import type { Command } from 'commander';
import { UsageError } from '../../src/errors.js';
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

const int = (name: string, max: number) => (text: string): number => {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${name} ${JSON.stringify(text)}: expected an integer 0..${max}`);
  return n;
};


interface ProfileOpts { pusA?: boolean; sourceOctets?: number }
const profileOf = (o: ProfileOpts) => (o.pusA ? { pus: 'pus-a' as const, sourceIdOctets: o.sourceOctets ?? 0 } : {});

const addProfileOptions = (c: Command): Command =>
  c
    .option('--pus-a', 'PUS-A (ECSS-E-70-41A) data field header instead of PUS-C')
    .option('--source-octets <n>', 'PUS-A source ID octets, 0..4 (default 0)', int('--source-octets', 4));

export const registerTc: RegisterCommand = (program, ctx) => {
  const tc = program.command('tc').description('Telecommands: JSON command database, SCOS-2000 MIB import, PUS TC encoding and decoding');

  tc.command('check')
    .description('Validate a telecommand database (schema and consistency rules); exit 0 when valid, 2 otherwise')
    .argument('<db>', 'the database JSON file')
    .option('--json', 'print a JSON summary')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { loadTcDatabase } = await import('../../telecommand/database/load.js');
      const db = loadTcDatabase(file);
      const summary = { file, valid: true, commands: db.commands.length, sequences: db.sequences?.length ?? 0 };
      ctx.io.out(opts.json ? jsonOut('tc check', summary) : `${file}: valid, ${summary.commands} commands, ${summary.sequences} sequences\n`);
    });

  tc.command('import-mib')
    .description('Import the command tables of a SCOS-2000 MIB (ccf, cdf, cpc, prf/prv, paf/pas, cca/ccs .dat) into a JSON database; exit 1 when some records could not be imported cleanly')
    .argument('<dir>', 'folder holding the MIB .dat files')
    .requiredOption('--out <file>', 'database JSON file to write (written to a temporary name, then renamed)')
    .option('--json', 'print {file, commands, problems[]} as JSON')
    .action(async (dir: string, opts: { out: string; json?: boolean }) => {
      const { importMib } = await import('../../telecommand/database/mib/import.js');
      const { writeFileSync, renameSync } = await import('node:fs');
      const r = importMib(dir);
      const tmp = `${opts.out}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(r.db, null, 2)}\n`);
      renameSync(tmp, opts.out);
      if (opts.json) ctx.io.out(jsonOut('tc import-mib', { file: opts.out, commands: r.db.commands.length }, { problems: r.problems }));
      else {
        for (const p of r.problems) ctx.io.err(`${p.path}: ${p.message}\n`);
        ctx.io.out(`${opts.out}: ${r.db.commands.length} commands imported, ${r.problems.length} problems\n`);
      }
      if (r.problems.length) ctx.setExit(1);
    });

  addProfileOptions(
    tc.command('encode')
      .description('Encode a command as a PUS TC packet (values NAME=VALUE in engineering units, labels, true/false, hex for octets)')
      .argument('<db>', 'the database JSON file')
      .argument('<command>', 'command name')
      .argument('[values...]', 'parameter values as NAME=VALUE')
      .option('--apid <n>', 'APID (default: the command\'s)', int('--apid', 2046))
      .option('--seq <n>', 'packet sequence count (default 0)', int('--seq', 16383))
      .option('--ack <n>', 'acknowledgement flags 0..15 (default: the command\'s, else 15)', int('--ack', 15))
      .option('--source-id <n>', 'source ID (default 0)', int('--source-id', 0xffffffff))
      .option('--hex', 'print the packet as hex (the default)')
      .option('--out <file>', 'write the binary packet to FILE instead')
      .option('--json', 'print a JSON description with the hex'),
  ).action(async (file: string, name: string, assignments: string[], opts: ProfileOpts & {
    apid?: number; seq?: number; ack?: number; sourceId?: number; hex?: boolean; out?: string; json?: boolean;
  }) => {
    const { loadTcDatabase } = await import('../../telecommand/database/load.js');
    const { findCommand } = await import('../../src/mdb/commands/lookup.js');
    const { encodeTc } = await import('../../telecommand/encode/encode-tc.js');
    const { InputError } = await import('../../src/errors.js');
    if (opts.hex && opts.out) throw new UsageError('--hex and --out exclude each other');
    const db = loadTcDatabase(file);
    const cmd = findCommand(db, name);
    if (!cmd) throw new UsageError(`${file}: no command ${name}`);
    const values: Record<string, string> = {};
    for (const a of assignments) {
      const eq = a.indexOf('=');
      if (eq <= 0) throw new UsageError(`${JSON.stringify(a)}: expected NAME=VALUE`);
      values[a.slice(0, eq)] = a.slice(eq + 1);
    }
    const encode = () => encodeTc(cmd, values, {
      ...(opts.apid !== undefined ? { apid: opts.apid } : {}),
      ...(opts.seq !== undefined ? { sequenceCount: opts.seq } : {}),
      ...(opts.ack !== undefined ? { ackFlags: opts.ack } : {}),
      ...(opts.sourceId !== undefined ? { sourceId: opts.sourceId } : {}),
      profile: profileOf(opts),
    });
    let r: ReturnType<typeof encode>;
    try {
      r = encode();
    } catch (e) {
      // Packet fields out of range for the header (e.g. a source ID wider than PUS-C's 16 bits).
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    if (!r.ok) throw new InputError(`${cmd.name}: values cannot be encoded`, r.problems);
    const hex = Buffer.from(r.value.packet).toString('hex').toUpperCase();
    if (opts.out) {
      const { writeFileSync, renameSync } = await import('node:fs');
      const tmp = `${opts.out}.${process.pid}.tmp`;
      writeFileSync(tmp, r.value.packet);
      renameSync(tmp, opts.out);
      ctx.io.out(`${opts.out}: ${cmd.name}, ${r.value.packet.length} octets\n`);
    } else if (opts.json) {
      ctx.io.out(jsonOut('tc encode', { command: cmd.name, length: r.value.packet.length, hex }));
    } else {
      ctx.io.out(`${hex}\n`);
    }
  });

  addProfileOptions(
    tc.command('decode')
      .description('Decode a PUS TC packet against a database; exit 1 when it does not decode')
      .argument('<db>', 'the database JSON file')
      .argument('[hex]', 'the packet as hex (spaces allowed)')
      .option('--file <file>', 'read the binary packet from FILE')
      .option('--json', 'print JSON'),
  ).action(async (file: string, hexArg: string | undefined, opts: ProfileOpts & { file?: string; json?: boolean }) => {
    const { loadTcDatabase } = await import('../../telecommand/database/load.js');
    const { decodeTc } = await import('../../telecommand/encode/decode-tc.js');
    const { hexToBytes } = await import('../../src/mdb/commands/parameter-values.js');
    if ((hexArg === undefined) === (opts.file === undefined)) throw new UsageError('give the packet as HEX or with --file, not both');
    let bytes: Uint8Array | undefined;
    if (opts.file) {
      const { readFileSync } = await import('node:fs');
      bytes = new Uint8Array(readFileSync(opts.file));
    } else {
      bytes = hexToBytes(hexArg!);
      if (!bytes) throw new UsageError(`${JSON.stringify(hexArg)} is not hex`);
    }
    const db = loadTcDatabase(file);
    const r = decodeTc(bytes, db, { profile: profileOf(opts) });
    if (!r.ok) {
      for (const p of r.problems) ctx.io.err(`${opts.file ?? 'packet'}: ${p.path}: ${p.message}\n`);
      ctx.setExit(1);
      return;
    }
    const d = r.value;
    if (opts.json) {
      ctx.io.out(jsonOut('tc decode', { command: d.command.name, header: d.header, secondary: d.secondary, values: d.values }));
      return;
    }
    const s = d.secondary;
    const lines = [`${d.command.name}  TC[${s.service},${s.subtype}]  APID ${d.header.apid}  seq ${d.header.sequenceCount}  ack 0x${s.ackFlags.toString(16).toUpperCase()}  source ${s.sourceId}`];
    const width = Math.max(0, ...d.values.map((v) => v.name.length));
    for (const v of d.values) {
      const eng = `${String(v.value)}${v.unit ? ` ${v.unit}` : ''}`;
      const raw = String(v.raw) !== String(v.value) ? `  (raw ${String(v.raw)})` : '';
      lines.push(`  ${v.name.padEnd(width)} = ${eng}${raw}${v.note ? `  [${v.note}]` : ''}`);
    }
    ctx.io.out(`${lines.join('\n')}\n`);
  });
};
