/**
 * @module The NAIF Double precision Array File (DAF) architecture that SPK kernels are built on (NAIF "DAF
 * Required Reading", sections "The File Record", "Summary Records", "Name Records", "Addresses"):
 * - 1024-byte records; record 1 is the file record: LOCIDW (8 chars, `DAF/SPK ` or the old `NAIF/DAF`) at
 *   byte 0, ND (int32) at 8, NI (int32) at 12, LOCIFN (60 chars) at 16, FWARD/BWARD/FREE (int32) at 76/80/84,
 *   LOCFMT (8 chars: `BIG-IEEE` or `LTL-IEEE`) at 88, and the FTP validation string at 699.
 * - Summary records form a doubly linked list starting at record FWARD: NEXT, PREV, NSUM (as doubles), then
 *   NSUM summaries of SS = ND + ⌈NI/2⌉ doubles each (ND doubles, then NI int32 packed two to a double). The name
 *   record follows each summary record (NC = 8·SS characters per name).
 * - Addresses are 1-based double-precision word indices: word A starts at byte 8·(A − 1).
 * Both byte orders are read (LOCFMT says which; a blank LOCFMT — pre-1999 files — is taken as big-endian when
 * ND and NI only make sense that way). Anything unusable is an InputError naming the file and byte offset.
 */
import { InputError, formatOffset } from '../../../src/errors.js';

/** DAF record length, bytes. */
export const DAF_RECORD_BYTES = 1024;

/** One array summary: its doubles, its integers and its name. */
export interface DafSummary {
  readonly name: string;
  readonly doubles: readonly number[];
  readonly ints: readonly number[];
}

/** A DAF file read into memory. */
export interface Daf {
  readonly file: string;
  /** LOCIDW, trimmed: `DAF/SPK`, `DAF/PCK`, `NAIF/DAF`. */
  readonly idWord: string;
  readonly nd: number;
  readonly ni: number;
  readonly internalName: string;
  readonly littleEndian: boolean;
  readonly summaries: readonly DafSummary[];
  /** The doubles at 1-based addresses first..last (inclusive), in the file's byte order. */
  readDoubles(first: number, last: number): Float64Array;
}

/** The FTP validation string (DAF Required Reading, "FTP Validation String"): damaged by text-mode transfers. */
const FTP_STRING = 'FTPSTR:\r:\n:\r\n:\r\x00:\x81:\x10\xce:ENDFTP';

const ascii = (b: Uint8Array, off: number, len: number): string => {
  let s = '';
  for (let i = off; i < off + len && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
};

/**
 * Read a DAF held in memory.
 * @throws InputError naming `file` and the byte offset for a file that is not a DAF, is truncated, or whose
 * summary list is damaged.
 */
export function readDaf(bytes: Uint8Array, file: string): Daf {
  if (bytes.length < DAF_RECORD_BYTES) throw new InputError(`${file}: ${bytes.length} bytes: too short for a DAF file record (1024 bytes); truncated or not an SPK kernel`);
  const idWord = ascii(bytes, 0, 8).trimEnd();
  if (!/^(DAF\/[A-Z0-9]{1,4}|NAIF\/DAF)$/.test(idWord)) throw new InputError(`${file}: ${formatOffset(0)}: file identification word "${idWord.replace(/[^\x20-\x7e]/g, '?')}" is not a DAF's (expected "DAF/SPK")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fmt = ascii(bytes, 88, 8);
  let little: boolean;
  if (fmt === 'LTL-IEEE') little = true;
  else if (fmt === 'BIG-IEEE') little = false;
  else if (fmt.trim() === '' || fmt.charCodeAt(0) === 0) {
    const plausible = (le: boolean) => { const nd = view.getInt32(8, le); const ni = view.getInt32(12, le); return nd >= 0 && nd <= 124 && ni >= 2 && ni <= 250; };
    little = !plausible(false) && plausible(true);
  } else {
    throw new InputError(`${file}: ${formatOffset(88)}: binary format "${fmt.replace(/[^\x20-\x7e]/g, '?')}" is neither LTL-IEEE nor BIG-IEEE`);
  }
  const ftp = ascii(bytes, 699, FTP_STRING.length);
  if (ftp.startsWith('FTPSTR') && ftp !== FTP_STRING) throw new InputError(`${file}: ${formatOffset(699)}: FTP validation string damaged: the file was transferred in text (ASCII) mode`);
  const nd = view.getInt32(8, little);
  const ni = view.getInt32(12, little);
  if (!(nd >= 0 && nd <= 124 && ni >= 2 && ni <= 250)) throw new InputError(`${file}: ${formatOffset(8)}: ND ${nd}, NI ${ni} are not a DAF's summary sizes`);
  const fward = view.getInt32(76, little);
  const records = Math.floor(bytes.length / DAF_RECORD_BYTES);
  const ss = nd + ((ni + 1) >> 1);
  const nc = 8 * ss;
  const perRecord = Math.floor(125 / ss);
  const summaries: DafSummary[] = [];
  const seen = new Set<number>();
  let rec = fward;
  while (rec !== 0) {
    if (!Number.isInteger(rec) || rec < 2 || rec + 1 > records) {
      throw new InputError(`${file}: summary record ${rec} is beyond the file's ${records} records (${bytes.length} bytes): truncated`);
    }
    if (seen.has(rec)) throw new InputError(`${file}: summary record ${rec} is linked twice: the summary list loops`);
    seen.add(rec);
    const base = (rec - 1) * DAF_RECORD_BYTES;
    const next = view.getFloat64(base, little);
    const nsum = view.getFloat64(base + 16, little);
    if (!Number.isInteger(nsum) || nsum < 0 || nsum > perRecord) throw new InputError(`${file}: ${formatOffset(base + 16)}: summary record ${rec} claims ${nsum} summaries (at most ${perRecord})`);
    const nameBase = rec * DAF_RECORD_BYTES;
    for (let i = 0; i < nsum; i++) {
      const off = base + 24 + i * ss * 8;
      const doubles: number[] = [];
      for (let k = 0; k < nd; k++) doubles.push(view.getFloat64(off + 8 * k, little));
      const ints: number[] = [];
      for (let k = 0; k < ni; k++) ints.push(view.getInt32(off + 8 * nd + 4 * k, little));
      summaries.push({ name: ascii(bytes, nameBase + i * nc, nc).replace(/[\0 ]+$/, ''), doubles, ints });
    }
    rec = next;
  }
  return {
    file, idWord, nd, ni, internalName: ascii(bytes, 16, 60).trimEnd(), littleEndian: little, summaries,
    readDoubles(first: number, last: number): Float64Array {
      const end = last * 8;
      if (!(first >= 1) || !(last >= first - 1)) throw new InputError(`${file}: array address range ${first}..${last} is not valid`);
      if (end > bytes.length) throw new InputError(`${file}: an array ends at ${formatOffset(end)} beyond the file's ${bytes.length} bytes: truncated`);
      const out = new Float64Array(last - first + 1);
      const start = (first - 1) * 8;
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(start + 8 * i, little);
      return out;
    },
  };
}
