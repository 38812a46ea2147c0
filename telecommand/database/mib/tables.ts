/**
 * @module Reading SCOS-2000 MIB ASCII tables (EGOS-MCS-S2K-ICD-0001 issue 7.2; formats.md §6.5): one record per
 * line, fields separated by TAB, no quoting, CRLF or LF line ends, columns by position, an empty or missing
 * trailing field meaning "default". Column names below follow the ICD (order as in pyscos2000's schema).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { refuseBinary } from '../../../src/text-guard.js';
import { parseTabRecords, type MibRecord } from '../../../src/mdb/mib/tab-records.js';

/** Columns, in order, of the command tables idoc imports. */
export const MIB_COLUMNS = {
  ccf: ['CCF_CNAME', 'CCF_DESCR', 'CCF_DESCR2', 'CCF_CTYPE', 'CCF_CRITICAL', 'CCF_PKTID', 'CCF_TYPE', 'CCF_STYPE', 'CCF_APID', 'CCF_NPARS',
    'CCF_PLAN', 'CCF_EXEC', 'CCF_ILSCOPE', 'CCF_ILSTAGE', 'CCF_SUBSYS', 'CCF_HIPRI', 'CCF_MAPID', 'CCF_DEFSET', 'CCF_RAPID', 'CCF_ACK', 'CCF_SUBSCHEDID'],
  cdf: ['CDF_CNAME', 'CDF_ELTYPE', 'CDF_DESCR', 'CDF_ELLEN', 'CDF_BIT', 'CDF_GRPSIZE', 'CDF_PNAME', 'CDF_INTER', 'CDF_VALUE', 'CDF_TMID'],
  cpc: ['CPC_NAME', 'CPC_DESCR', 'CPC_PTC', 'CPC_PFC', 'CPC_DISPFMT', 'CPC_RADIX', 'CPC_UNIT', 'CPC_CATEG', 'CPC_PRFREF', 'CPC_CCAREF',
    'CPC_PAFREF', 'CPC_INTER', 'CPC_DEFVAL', 'CPC_CORR', 'CPC_OBTIP', 'CPC_DESCR2', 'CPC_ENDIAN'],
  prf: ['PRF_NUMBR', 'PRF_DESCR', 'PRF_INTER', 'PRF_DSPFMT', 'PRF_RADIX', 'PRF_NRANGE', 'PRF_UNIT'],
  prv: ['PRV_NUMBR', 'PRV_MINVAL', 'PRV_MAXVAL'],
  paf: ['PAF_NUMBR', 'PAF_DESCR', 'PAF_RAWFMT', 'PAF_NALIAS'],
  pas: ['PAS_NUMBR', 'PAS_ALTXT', 'PAS_ALVAL'],
  cca: ['CCA_NUMBR', 'CCA_DESCR', 'CCA_ENGFMT', 'CCA_RAWFMT', 'CCA_RADIX', 'CCA_UNIT', 'CCA_NCURVE'],
  ccs: ['CCS_NUMBR', 'CCS_XVALS', 'CCS_YVALS'],
} as const;
export type MibTableName = keyof typeof MIB_COLUMNS;

/** One record of a command table. */
export type MibRow = MibRecord;

/** Read `<dir>/<table>.dat`; undefined when the file does not exist. Blank lines are skipped. */
export function readMibTable(dir: string, table: MibTableName): MibRow[] | undefined {
  const file = path.join(dir, `${table}.dat`);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'latin1');
  refuseBinary(text, file, 'a MIB table (tab-separated text)');
  return parseMibTable(text, table, `${table}.dat`);
}

/** Parse table text; `name` labels rows (`name:line`). */
export function parseMibTable(text: string, table: MibTableName, name: string): MibRow[] {
  return parseTabRecords(text, MIB_COLUMNS[table], name);
}
