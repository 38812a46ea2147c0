/**
 * @module CRC use per APID. A mission's APIDs need not agree: some end in a packet error control field over the
 * whole packet (ECSS-E-ST-70-41C §7.4.3.1 / formats.md §2.4: CRC-16/CCITT-FALSE from the first octet of the
 * primary header to the PEC), some carry none, some (IMAP SWE) a CRC-16/CCITT-FALSE over the packet data field
 * only (from octet 6, the first after the primary header, to the CRC in the last two octets).
 *
 * Modes: `none`, `packet`, `data-field`, `auto` (decided per APID from its first packets, and reported).
 * `yes` and `no`, the values of before, are synonyms of `packet` and `none`.
 */
import { crc16 } from './crc16.js';
import { UsageError } from '../errors.js';

export type CrcMode = 'none' | 'packet' | 'data-field' | 'auto';
/** What a config or a flag may say: a mode, or the synonyms `yes` (packet) and `no` (none). */
export type CrcSetting = CrcMode | 'yes' | 'no';

export const CRC_MODES: readonly CrcMode[] = ['none', 'packet', 'data-field', 'auto'];
export const CRC_SETTINGS: readonly CrcSetting[] = [...CRC_MODES, 'yes', 'no'];

/** The mode a setting means. */
export const crcMode = (s: CrcSetting): CrcMode => (s === 'yes' ? 'packet' : s === 'no' ? 'none' : s);

/** Modes as small codes, one octet per APID in a {@link CrcTable}. */
export const CrcCode = { None: 0, Packet: 1, DataField: 2, Auto: 3 } as const;
export type CrcCode = (typeof CrcCode)[keyof typeof CrcCode];
const CODE_OF: Readonly<Record<CrcMode, CrcCode>> = { none: 0, packet: 1, 'data-field': 2, auto: 3 };
export const MODE_OF_CODE: readonly CrcMode[] = ['none', 'packet', 'data-field', 'auto'];

/** 2048 octets, one {@link CrcCode} per APID. */
export type CrcTable = Uint8Array;

/** A CRC mode for an inclusive APID range (the config's `apids[].crc`, or a `--crc APIDS=MODE` entry). */
export interface CrcOverride {
  readonly from: number;
  readonly to: number;
  readonly mode: CrcMode;
}

/** The table for a default mode and per-APID overrides (later overrides win). */
export function crcTable(defaultMode: CrcSetting, overrides: readonly CrcOverride[] = []): CrcTable {
  const t = new Uint8Array(2048).fill(CODE_OF[crcMode(defaultMode)]);
  for (const o of overrides) t.fill(CODE_OF[o.mode], o.from, o.to + 1);
  return t;
}

/** Does the CRC of `code` check for the packet `buf[o, end)`? (A CRC over a range that includes it is 0.) */
export function crcMatches(code: number, buf: Uint8Array, o: number, end: number): boolean {
  if (code === CrcCode.Packet) return end - o >= 8 && crc16(buf, o, end) === 0;
  if (code === CrcCode.DataField) return end - o >= 9 && crc16(buf, o + 6, end) === 0;
  return false;
}

/**
 * `--crc` values: a mode for every APID (`packet`), or comma-separated `APIDS=MODE` entries with at most one bare
 * mode as the default (`auto,1136=data-field,1120-1125=none`).
 * @throws UsageError naming the flag.
 */
export function parseCrcFlag(text: string, flag = '--crc'): { defaultMode: CrcSetting | undefined; overrides: CrcOverride[] } {
  const bad = (why: string): never => {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: ${why} (expected ${CRC_SETTINGS.join(', ')}, or APIDS=MODE entries such as 1136=data-field,1120-1125=none)`);
  };
  let defaultMode: CrcSetting | undefined;
  const overrides: CrcOverride[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?=(.+)$/.exec(part);
    const mode = (m ? m[3]! : part) as CrcSetting;
    if (!CRC_SETTINGS.includes(mode)) bad(`unknown mode ${JSON.stringify(m ? m[3] : part)}`);
    if (!m) {
      if (defaultMode !== undefined) bad('more than one default mode');
      defaultMode = mode;
      continue;
    }
    const from = Number(m[1]), to = m[2] !== undefined ? Number(m[2]) : from;
    if (from > 2047 || to > 2047 || from > to) bad(`APIDs ${m[1]}${m[2] ? `-${m[2]}` : ''} not in 0..2047`);
    overrides.push({ from, to, mode: crcMode(mode) });
  }
  if (defaultMode === undefined && !overrides.length) bad('no mode given');
  return { defaultMode, overrides };
}
