/**
 * @module What `idoc time convert` does, as a library function: read an instant given as UTC, TAI seconds
 * or CUC/CDS hex, and describe it in every form (UTC ISO Z, TAI seconds since 1958, CUC and CDS hex).
 */
import { UsageError } from '../errors.js';
import { decodeCds, encodeCds, type CdsSpec } from './cds.js';
import { decodeCuc, encodeCuc, type CucSpec } from './cuc.js';
import { activeLeapSeconds } from './leap-second-store.js';
import type { TaiSeconds } from './tai.js';
import { inLeapSecond, taiMinusUtc, taiToUtcIso, taiToUtcUnix, utcToTai, utcUnixToTai } from './utc.js';

/** What the value is. */
export type InstantKind = 'tai' | 'utc' | 'unix' | 'cuc-hex' | 'cds-hex';
export const INSTANT_KINDS: readonly InstantKind[] = ['tai', 'utc', 'unix', 'cuc-hex', 'cds-hex'];

export interface ConvertOptions {
  /** What `value` is (`idoc time convert --in`); default: `utc` when it starts like a date (`YYYY-`) or is `now`,
   * `tai` when it is a number. `unix`: seconds since 1970-01-01T00:00:00Z, leap seconds not counted (POSIX). */
  readonly from?: InstantKind | undefined;
  /** Now, for the value `now` (tests pin it); default the system clock. */
  readonly nowUnixMs?: number | undefined;
  /** `C.F` coarse.fine octets of an implicit CUC (no P-field), for input and output. Default: P-field, 4.2 out. */
  readonly cuc?: string | undefined;
  /** `D[.us|.ps]` day octets (2|3) and sub-ms of an implicit CDS. Default: P-field, 2.us out. */
  readonly cds?: string | undefined;
  /** Agency epoch as UTC ISO (CUC id 010 / CDS epoch bit); default the CCSDS epoch 1958-01-01 TAI. */
  readonly epoch?: string | undefined;
}

/** A time code rendering, or why there is none. */
export type CodeReport = { readonly hex: string; readonly pField: boolean; readonly layout: string } | { readonly error: string };

export interface InstantReport {
  readonly utc: string;
  readonly tai: TaiSeconds;
  /** POSIX seconds since 1970-01-01T00:00:00Z (a leap second repeats the second after it). */
  readonly unix: number;
  /** TAI − UTC at the instant, s. */
  readonly taiMinusUtc: number;
  /** True inside an inserted leap second (23:59:60). */
  readonly leapSecond: boolean;
  readonly cuc: CodeReport;
  readonly cds: CodeReport;
}

/** Parse `C.F` (e.g. `4.2`). @throws UsageError */
export function parseCucLayout(text: string): { coarseOctets: number; fineOctets: number } {
  const m = /^([1-7])\.(\d{1,2})$/.exec(text.trim());
  if (!m || Number(m[2]) > 10) throw new UsageError(`--cuc ${text}: expected COARSE.FINE octets, coarse 1..7, fine 0..10 (e.g. 4.2)`);
  return { coarseOctets: Number(m[1]), fineOctets: Number(m[2]) };
}

/** Parse `D[.us|.ps]` (e.g. `2`, `2.us`, `3.ps`). @throws UsageError */
export function parseCdsLayout(text: string): { dayOctets: 2 | 3; subMs: CdsSpec['subMs'] } {
  const m = /^([23])(?:\.(none|us|ps))?$/.exec(text.trim());
  if (!m) throw new UsageError(`--cds ${text}: expected DAY_OCTETS[.none|.us|.ps] with 2 or 3 day octets (e.g. 2.us)`);
  return { dayOctets: m[1] === '3' ? 3 : 2, subMs: (m[2] ?? 'none') as CdsSpec['subMs'] };
}

/** Bytes of a hex string; spaces, colons, underscores and a leading 0x are ignored. @throws UsageError */
export function hexToBytes(text: string): Uint8Array {
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:_]/g, '');
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(clean)) {
    throw new UsageError(`"${text}" is not an even number of hex digits`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const bytesToHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function guessKind(value: string): InstantKind {
  if (/^\d{4}-\d/.test(value.trim()) || value.trim().toLowerCase() === 'now') return 'utc';
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())) return 'tai';
  throw new UsageError(`cannot tell what "${value}" is: give --in ${INSTANT_KINDS.join('|')}`);
}

/**
 * Read `value` and describe the instant in every form.
 * @throws UsageError for options that make no sense or a value that does not parse as the kind given;
 * InputError for a malformed ISO time or time code.
 */
export function convertInstant(value: string, options: ConvertOptions = {}): InstantReport {
  const from = options.from ?? guessKind(value);
  if (!INSTANT_KINDS.includes(from)) throw new UsageError(`--in ${String(from)}: expected one of ${INSTANT_KINDS.join(', ')}`);
  const epochTai = options.epoch === undefined ? 0 : utcToTai(options.epoch);
  const cucLayout = options.cuc === undefined ? null : parseCucLayout(options.cuc);
  const cdsLayout = options.cds === undefined ? null : parseCdsLayout(options.cds);
  let cucSpec: CucSpec = cucLayout
    ? { code: 'cuc', ...cucLayout, pField: false, epochTai, syncFlagInMsb: false }
    : { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: true, epochTai, syncFlagInMsb: false };
  let cdsSpec: CdsSpec = cdsLayout ? { code: 'cds', ...cdsLayout, pField: false, epochTai } : { code: 'cds', dayOctets: 2, subMs: 'us', pField: true, epochTai };

  let tai: TaiSeconds;
  // A time code given as input is echoed as it was: re-encoding from float64 TAI can move a 2^-24 s LSB.
  let inputCuc: Uint8Array | null = null;
  let inputCds: Uint8Array | null = null;
  switch (from) {
    case 'tai':
      tai = Number(value);
      if (value.trim() === '' || !Number.isFinite(tai)) throw new UsageError(`"${value}" is not a number of TAI seconds`);
      break;
    case 'utc':
      tai = value.trim().toLowerCase() === 'now' ? utcUnixToTai((options.nowUnixMs ?? Date.now()) / 1000) : utcToTai(value);
      break;
    case 'unix': {
      const unix = Number(value);
      if (value.trim() === '' || !Number.isFinite(unix)) throw new UsageError(`"${value}" is not a number of Unix seconds`);
      tai = utcUnixToTai(unix);
      break;
    }
    case 'cuc-hex': {
      const bytes = hexToBytes(value);
      const v = decodeCuc(bytes, 0, cucSpec);
      if (v.length !== bytes.length) throw new UsageError(`CUC "${value}": ${bytes.length} octets given, the code has ${v.length}`);
      tai = v.tai;
      inputCuc = bytes;
      if (cucSpec.pField) {
        // Keep the input's layout and epoch for the output.
        const p1 = bytes[0]!;
        const p2 = (p1 & 0x80) !== 0 ? bytes[1]! : 0;
        cucSpec = {
          ...cucSpec,
          coarseOctets: ((p1 >>> 2) & 3) + 1 + ((p2 >>> 5) & 3),
          fineOctets: (p1 & 3) + ((p2 >>> 2) & 7),
          epochTai: ((p1 >>> 4) & 7) === 1 ? 0 : epochTai,
        };
      }
      break;
    }
    case 'cds-hex': {
      const bytes = hexToBytes(value);
      const v = decodeCds(bytes, 0, cdsSpec);
      if (v.length !== bytes.length) throw new UsageError(`CDS "${value}": ${bytes.length} octets given, the code has ${v.length}`);
      tai = v.tai;
      inputCds = bytes;
      if (cdsSpec.pField) {
        const p = bytes[0]!;
        cdsSpec = { ...cdsSpec, dayOctets: (p & 4) !== 0 ? 3 : 2, subMs: (['none', 'us', 'ps'] as const)[p & 3]!, epochTai: (p & 8) !== 0 ? epochTai : 0 };
      }
      break;
    }
  }
  const table = activeLeapSeconds();
  return {
    utc: taiToUtcIso(tai, 6, table),
    tai,
    unix: taiToUtcUnix(tai, table),
    taiMinusUtc: taiMinusUtc(taiToUtcUnix(tai, table), table) - (inLeapSecond(tai, table) ? 1 : 0),
    leapSecond: inLeapSecond(tai, table),
    cuc: codeReport(() => inputCuc ?? encodeCuc(tai, cucSpec), cucSpec.pField, `${cucSpec.coarseOctets}.${cucSpec.fineOctets}`),
    cds: codeReport(() => inputCds ?? encodeCds(tai, cdsSpec), cdsSpec.pField, `${cdsSpec.dayOctets}.${cdsSpec.subMs}`),
  };
}

function codeReport(encode: () => Uint8Array, pField: boolean, layout: string): CodeReport {
  try {
    return { hex: bytesToHex(encode()), pField, layout };
  } catch (e) {
    if (e instanceof RangeError) return { error: e.message };
    throw e;
  }
}
