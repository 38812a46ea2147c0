/**
 * @module `idoc time`: convert instants between UTC, TAI and CCSDS time codes, show or load the leap-second
 * table, fit or show the on-board time correlation (`time correlate`). Thin: the work is in `src/time/`.
 */
import { Option } from 'commander';
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

/** What `time convert --in` reads and `--as` prints (src/time/convert.ts INSTANT_KINDS, kept light here). */
const CONVERT_KINDS = ['utc', 'tai', 'unix', 'cuc-hex', 'cds-hex'] as const;
type ConvertKind = (typeof CONVERT_KINDS)[number];

export const registerTime: RegisterCommand = (program, ctx) => {
  const time = program
    .command('time')
    .description('Time codes (CCSDS 301.0-B-4 CUC/CDS), UTC ↔ TAI conversion and the leap-second table');

  time
    .command('convert')
    .description('Print an instant as UTC (ISO-8601 Z), TAI seconds since 1958-01-01, Unix seconds, CUC hex and CDS hex')
    .argument('<value>', 'the instant: UTC ISO-8601, now, TAI seconds since 1958, Unix seconds (--in unix), or CUC/CDS hex')
    .addOption(new Option('--in <kind>', 'what VALUE is (default: utc when it looks like a date or is now, tai when it is a number)').choices(CONVERT_KINDS))
    .addOption(new Option('--as <kind>', 'print only this form of the instant (one line; with --json an object with that one field)').choices(CONVERT_KINDS))
    .option('--cuc <coarse.fine>', 'implicit CUC layout (no P-field) for input and output, e.g. 4.2 (default: P-field; 4.2 on output)')
    .option('--cds <days.sub>', 'implicit CDS layout (no P-field): 2|3 day octets, .none|.us|.ps (default: P-field; 2.us on output)')
    .option('--epoch <iso>', 'agency epoch as UTC ISO-8601 (default: CCSDS epoch 1958-01-01T00:00:00 TAI)')
    .option('--json', 'print JSON')
    .action(async (value: string, opts: { in?: ConvertKind; as?: ConvertKind; cuc?: string; cds?: string; epoch?: string; json?: boolean }) => {
      const t = await import('../../src/time/index.js');
      const { convertInstant } = await import('../../src/time/convert.js');
      const report = convertInstant(value, { from: opts.in, cuc: opts.cuc, cds: opts.cds, epoch: opts.epoch });
      warnExpiry(t, ctx.io.err, report.tai);
      const code = (c: typeof report.cuc): string =>
        'error' in c ? `(not representable: ${c.error})` : `${c.hex}  (${c.pField ? 'P-field, ' : 'implicit, '}${c.layout})`;
      if (opts.as !== undefined) {
        const { InputError } = await import('../../src/errors.js');
        const c = opts.as === 'cuc-hex' ? report.cuc : opts.as === 'cds-hex' ? report.cds : undefined;
        if (c && 'error' in c) throw new InputError(`${value}: not representable as ${opts.as}: ${c.error}`);
        const one = c && 'hex' in c ? c.hex : opts.as === 'utc' ? report.utc : opts.as === 'tai' ? report.tai.toFixed(6) : report.unix.toFixed(6);
        ctx.io.out(opts.json ? jsonOut('time convert', { [opts.as]: opts.as === 'tai' ? report.tai : opts.as === 'unix' ? report.unix : one }) : `${one}\n`);
        return;
      }
      if (opts.json) {
        ctx.io.out(jsonOut('time convert', report));
        return;
      }
      ctx.io.out(
        [
          `utc      ${report.utc}${report.leapSecond ? '  (inserted leap second)' : ''}`,
          `tai      ${report.tai.toFixed(6)}  (s since 1958-01-01T00:00:00 TAI)`,
          `unix     ${report.unix.toFixed(6)}  (s since 1970-01-01T00:00:00Z, leap seconds not counted)`,
          `tai-utc  ${report.taiMinusUtc} s`,
          `cuc      ${code(report.cuc)}`,
          `cds      ${code(report.cds)}`,
          '',
        ].join('\n'),
      );
    });

  time
    .command('correlate')
    .description('Fit UTC = offset + gradient × OBT to a time-couple CSV (header obt,utc: raw on-board seconds, UTC ISO-8601 Z), or show the config\'s coefficient sets')
    .argument('[couples]', 'time-couple CSV to fit (least squares; the residual is reported)')
    .option('--config <file>', 'mission configuration (default: ./idoc.json when present)')
    .option('--json', 'print JSON')
    .action(async (couples: string | undefined, opts: { config?: string; json?: boolean }) => {
      const t = await import('../../src/time/index.js');
      const iso = (unix: number) => t.taiToUtcIso(t.utcUnixToTai(unix), 6);
      const setText = (c: import('../../src/time/index.js').CorrelationSet) =>
        `OBT ${c.validFromObt} .. ${c.validToObt ?? '(open)'}  UTC = ${c.offset} + ${c.gradient} × OBT  (OBT ${c.validFromObt} = ${iso(c.offset + c.gradient * c.validFromObt)})`;
      if (couples !== undefined) {
        const { readFileSync } = await import('node:fs');
        const { InputError } = await import('../../src/errors.js');
        let text: string;
        try {
          text = readFileSync(couples, 'utf8');
        } catch (e) {
          throw new InputError(`${couples}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
        const fit = t.fitCorrelation(t.parseTimeCouples(text, couples), couples);
        if (opts.json) {
          ctx.io.out(jsonOut('time correlate', { file: couples, couples: fit.couples, rmsSeconds: fit.rmsSeconds, maxSeconds: fit.maxSeconds, correlation: [fit.set] }));
          return;
        }
        ctx.io.out([
          `${couples}: ${fit.couples} time couples`,
          `fit      ${setText(fit.set)}`,
          `residual rms ${fit.rmsSeconds.toExponential(3)} s, max ${fit.maxSeconds.toExponential(3)} s`,
          `config   "time": { "correlation": [${JSON.stringify(fit.set)}] }  (or "correlationFile": "${couples}")`,
          '',
        ].join('\n'));
        return;
      }
      const [{ resolveMission }, { timeSettings }] = await Promise.all([import('../../src/config/mission.js'), import('../../src/time/config.js')]);
      const mission = await resolveMission(opts.config !== undefined ? { config: opts.config } : {});
      const s = timeSettings(mission.config);
      const rules = [{ apids: 'mission', rules: s.defaults }, ...s.apids.map((a) => ({ apids: a.from === a.to ? String(a.from) : `${a.from}-${a.to}`, rules: a.rules }))];
      if (opts.json) {
        ctx.io.out(jsonOut('time correlate', {
          config: mission.config.file ?? null, earliest: t.taiToUtcIso(s.earliestTai, 0), plausibleSpanDays: s.plausibleSpanSeconds / 86_400,
          duplicateWindowSeconds: s.duplicateWindowSeconds,
          rules: rules.map((r) => ({ apids: r.apids, axis: r.rules.axis, correlation: r.rules.correlation ?? null })),
        }));
        return;
      }
      const lines = [
        `config    ${mission.config.file ?? '(none: defaults)'}`,
        `earliest  ${t.taiToUtcIso(s.earliestTai, 0)} (launch, else 1990); plausible span ${s.plausibleSpanSeconds / 86_400} days from the ground time; duplicate window ${s.duplicateWindowSeconds} s`,
      ];
      for (const r of rules) {
        lines.push(`${r.apids === 'mission' ? 'mission' : `APID ${r.apids}`}: axis ${r.rules.axis}; ${r.rules.correlation ? `${r.rules.correlation.length} coefficient set(s)` : 'no coefficient sets: the time code is read as absolute time'}`);
        for (const c of r.rules.correlation ?? []) lines.push(`  ${setText(c)}`);
      }
      ctx.io.out(`${lines.join('\n')}\n`);
    });

  time
    .command('leap-seconds')
    .description('Show the active leap-second table (source, expiry, TAI-UTC steps), or load an IERS Leap_Second.dat')
    .option('--load <file>', 'validate an IERS Leap_Second.dat and store it as $IDOC_HOME/leap-seconds.dat (IDOC_HOME default ~/.config/idoc)')
    .option('--json', 'print JSON')
    .action(async (opts: { load?: string; json?: boolean }) => {
      const t = await import('../../src/time/index.js');
      if (opts.load !== undefined) {
        const { readFileSync } = await import('node:fs');
        const table = t.storeLeapSecondFile(readFileSync(opts.load, 'utf8'), opts.load);
        ctx.io.err(`idoc: stored ${opts.load} as ${table.source} (${table.entries.length} entries, expires ${table.expires})\n`);
        if (t.activeLeapSeconds().source !== table.source) {
          ctx.io.err(`idoc: warning: ${opts.load} expires before the bundled table (${t.BUNDLED_LEAP_SECONDS.expires}); the bundled table stays in use\n`);
        }
      }
      const table = t.activeLeapSeconds();
      const expired = t.leapTableExpired(new Date(), table);
      warnExpiry(t, ctx.io.err);
      const rows = table.entries.map((e) => ({
        date: new Date(e.utcUnix * 1000).toISOString().slice(0, 10),
        mjd: e.mjd,
        taiMinusUtc: e.taiMinusUtc,
      }));
      if (opts.json) {
        ctx.io.out(jsonOut('time leap-seconds', { source: table.source, expires: table.expires, expired, storedPath: t.storedLeapSecondPath(), entries: rows }));
        return;
      }
      const lines = [
        `source   ${table.source}`,
        `expires  ${table.expires}${expired ? '  (EXPIRED)' : ''}`,
        `stored   ${t.storedLeapSecondPath()}`,
        '',
        'from (UTC)   MJD     TAI-UTC',
        ...rows.map((r) => `${r.date}   ${r.mjd}   ${String(r.taiMinusUtc).padStart(3)} s`),
        '',
      ];
      ctx.io.out(lines.join('\n'));
    });
};

/** Warn on stderr when the active table has expired, or when `tai` lies beyond its expiry. */
function warnExpiry(t: typeof import('../../src/time/index.js'), err: (s: string) => void, tai?: number): void {
  const table = t.activeLeapSeconds();
  if (t.leapTableExpired(new Date(), table)) {
    err(
      `idoc: warning: the leap-second table (${table.source}) expired on ${table.expires}; ` +
        'load the current IERS Leap_Second.dat with: idoc time leap-seconds --load FILE\n',
    );
  } else if (tai !== undefined && t.taiToUnixMs(tai, table) >= t.expiresUnixMs(table)) {
    err(`idoc: warning: the instant is after the leap-second table's expiry (${table.expires}): a leap second announced later is not counted\n`);
  }
}
