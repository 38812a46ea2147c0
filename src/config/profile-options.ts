/**
 * @module Command-line flags that override the configured packet profile, applied in this order:
 * `--profile` (start again from a preset), `--crc`, `--time`, `--epoch`.
 *
 * `--time` values (CCSDS 301.0-B-4):
 * - `cucC.F`: CUC with C coarse octets (1..7) and F fine octets (0..10), e.g. `cuc4.2`, `cuc4.3`;
 * - `cuc-p`: CUC with a P-field in each packet (the P-field gives the octet counts);
 *   `cucC.F-p` sets both;
 * - `cds`, `cds-us`, `cds-ps`: CDS with a 16-bit day and no / 16-bit µs / 32-bit ps sub-millisecond field;
 *   `cds24…` for a 24-bit day; a `-p` suffix for a P-field (e.g. `cds24-us-p`).
 * The epoch (and, for CUC to CUC, the not-synchronised flag) carries over from the profile being overridden.
 *
 * `--epoch`: an ISO-8601 UTC instant (`2000-01-01T00:00:00Z`), converted with the leap-second table, or
 * `ccsds` for the CCSDS epoch 1958-01-01T00:00:00 TAI.
 */
import { PROFILE_PRESETS, type PacketProfile, type TimeCodeSpec } from '../ccsds/profile.js';
import { UsageError } from '../errors.js';
import { CRC_SETTINGS } from '../ccsds/crc-policy.js';
import { utcToTai } from '../time/index.js';
import { timeBase } from './packets-profile.js';

/** The flags, as strings straight from the command line (absent = keep the configured value). */
export interface ProfileOptions {
  profile?: string;
  crc?: string;
  timeCode?: string;
  epoch?: string;
}


const CUC_RE = /^cuc(?:(\d+)\.(\d+))?(-p)?$/;
const CDS_RE = /^cds(24)?(?:-(us|ps))?(-p)?$/;
const ISO_UTC_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/;

/** The time code named by a `--time` value, starting from `base` (its epoch is kept). */
export function timeCodeFromFlag(value: string, base: TimeCodeSpec): TimeCodeSpec {
  const bad = (why: string): never => {
    throw new UsageError(`--time ${JSON.stringify(value)}: ${why} (expected cucC.F such as cuc4.2, cuc-p, cds, cds-us, cds-ps, cds24, optionally with -p)`);
  };
  const v = value.trim().toLowerCase();
  const cuc = CUC_RE.exec(v);
  if (cuc !== null) {
    if (cuc[1] === undefined && cuc[3] === undefined) return bad('give the octet counts or -p');
    const b = timeBase('cuc', base);
    const coarse = cuc[1] === undefined ? b.coarseOctets : Number(cuc[1]);
    const fine = cuc[2] === undefined ? b.fineOctets : Number(cuc[2]);
    if (coarse < 1 || coarse > 7) bad(`coarse octets ${coarse} not in 1..7`);
    if (fine < 0 || fine > 10) bad(`fine octets ${fine} not in 0..10`);
    return { code: 'cuc', coarseOctets: coarse, fineOctets: fine, pField: cuc[3] !== undefined, epochTai: base.epochTai, syncFlagInMsb: b.syncFlagInMsb };
  }
  const cds = CDS_RE.exec(v);
  if (cds !== null) {
    const subMs = cds[2] === 'us' ? 'us' : cds[2] === 'ps' ? 'ps' : 'none';
    return { code: 'cds', dayOctets: cds[1] === undefined ? 2 : 3, subMs, pField: cds[3] !== undefined, epochTai: base.epochTai };
  }
  return bad('unknown time code');
}

/** TAI seconds since 1958 of an `--epoch` value. */
export function epochFromFlag(value: string): number {
  const v = value.trim();
  if (v.toLowerCase() === 'ccsds') return 0;
  if (!ISO_UTC_RE.test(v)) throw new UsageError(`--epoch ${JSON.stringify(value)}: expected an ISO-8601 UTC instant such as 2000-01-01T00:00:00Z, or ccsds`);
  try {
    return utcToTai(v);
  } catch (e) {
    throw new UsageError(`--epoch ${JSON.stringify(value)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * Apply command-line overrides to `base` (usually the config's profile). `--profile` replaces the whole profile
 * by the preset (pus-c, pus-a, rosetta, none); the other flags then refine it.
 * @throws UsageError naming the flag when a value is not understood.
 */
export function profileFromOptions(base: PacketProfile, opts: ProfileOptions): PacketProfile {
  let profile = base;
  if (opts.profile !== undefined) {
    const preset = Object.hasOwn(PROFILE_PRESETS, opts.profile) ? PROFILE_PRESETS[opts.profile] : undefined;
    if (preset === undefined) throw new UsageError(`--profile ${JSON.stringify(opts.profile)}: expected one of ${Object.keys(PROFILE_PRESETS).join(', ')}`);
    profile = preset;
  }
  if (opts.crc !== undefined) {
    const crc = CRC_SETTINGS.find((c) => c === opts.crc);
    if (crc === undefined) throw new UsageError(`--crc ${JSON.stringify(opts.crc)}: expected one of ${CRC_SETTINGS.join(', ')}`);
    profile = { ...profile, crc };
  }
  if (opts.timeCode !== undefined) profile = { ...profile, time: timeCodeFromFlag(opts.timeCode, profile.time) };
  if (opts.epoch !== undefined) profile = { ...profile, time: { ...profile.time, epochTai: epochFromFlag(opts.epoch) } };
  return profile;
}
