/**
 * @module SCOS-2000 MIB telemetry tables (EGOS-MCS-S2K-ICD-0001; column order as formats-wave2.md §2 gives it
 * from yamcs-scos2k and SpacePyLibrary): one `<table>.dat` per table, one record per line, fields separated by
 * TAB, no quoting, an empty or missing trailing field meaning the default (tab-records.ts, shared with the command
 * tables of telecommand/database/mib).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTabRecords, type MibRecord } from './tab-records.js';

export const TM_MIB_COLUMNS = {
  pid: ['PID_TYPE', 'PID_STYPE', 'PID_APID', 'PID_PI1_VAL', 'PID_PI2_VAL', 'PID_SPID', 'PID_DESCR', 'PID_UNIT', 'PID_TPSD', 'PID_DFHSIZE', 'PID_TIME', 'PID_INTER', 'PID_VALID', 'PID_CHECK', 'PID_EVENT', 'PID_EVID'],
  pic: ['PIC_TYPE', 'PIC_STYPE', 'PIC_PI1_OFF', 'PIC_PI1_WID', 'PIC_PI2_OFF', 'PIC_PI2_WID', 'PIC_APID'],
  tpcf: ['TPCF_SPID', 'TPCF_NAME', 'TPCF_SIZE'],
  plf: ['PLF_NAME', 'PLF_SPID', 'PLF_OFFBY', 'PLF_OFFBI', 'PLF_NBOCC', 'PLF_LGOCC', 'PLF_TIME', 'PLF_TDOCC'],
  pcf: ['PCF_NAME', 'PCF_DESCR', 'PCF_PID', 'PCF_UNIT', 'PCF_PTC', 'PCF_PFC', 'PCF_WIDTH', 'PCF_VALID', 'PCF_RELATED', 'PCF_CATEG', 'PCF_NATUR', 'PCF_CURTX', 'PCF_INTER', 'PCF_USCON', 'PCF_DECIM', 'PCF_PARVAL', 'PCF_SUBSYS', 'PCF_VALPAR', 'PCF_SPTYPE'],
  cur: ['CUR_PNAME', 'CUR_POS', 'CUR_RLCHK', 'CUR_VALPAR', 'CUR_SELECT'],
  caf: ['CAF_NUMBR', 'CAF_DESCR', 'CAF_ENGFMT', 'CAF_RAWFMT', 'CAF_RADIX', 'CAF_UNIT', 'CAF_NCURVE', 'CAF_INTER'],
  cap: ['CAP_NUMBR', 'CAP_XVALS', 'CAP_YVALS'],
  txf: ['TXF_NUMBR', 'TXF_DESCR', 'TXF_RAWFMT', 'TXF_NALIAS'],
  txp: ['TXP_NUMBR', 'TXP_FROM', 'TXP_TO', 'TXP_ALTXT'],
  mcf: ['MCF_IDENT', 'MCF_DESCR', 'MCF_POL1', 'MCF_POL2', 'MCF_POL3', 'MCF_POL4', 'MCF_POL5'],
  lgf: ['LGF_IDENT', 'LGF_DESCR', 'LGF_POL1', 'LGF_POL2', 'LGF_POL3', 'LGF_POL4', 'LGF_POL5'],
  ocf: ['OCF_NAME', 'OCF_NBCHCK', 'OCF_NBOOL', 'OCF_INTER', 'OCF_CODIN'],
  ocp: ['OCP_NAME', 'OCP_POS', 'OCP_TYPE', 'OCP_LVALU', 'OCP_HVALU', 'OCP_RLCHK', 'OCP_VALPAR'],
  vpd: ['VPD_TPSD', 'VPD_POS', 'VPD_NAME', 'VPD_GRPSIZE', 'VPD_FIXREP', 'VPD_CHOICE', 'VPD_PIDREF', 'VPD_DISDESC', 'VPD_WIDTH', 'VPD_JUSTIFY', 'VPD_NEWLINE', 'VPD_DCHAR', 'VPD_FORM', 'VPD_OFFSET'],
} as const;
export type TmMibTable = keyof typeof TM_MIB_COLUMNS;

/** One record of a telemetry table. */
export type TmMibRow = MibRecord;

/** Parse one table's text; `name` labels rows. Blank lines are skipped. */
export function parseTmMibTable(text: string, table: TmMibTable, name: string): TmMibRow[] {
  return parseTabRecords(text, TM_MIB_COLUMNS[table], name);
}

/** Read `<dir>/<table>.dat` (empty when absent), labelled with the path as given. */
export function readTmMibTable(dir: string, table: TmMibTable): TmMibRow[] {
  const file = path.join(dir, `${table}.dat`);
  return existsSync(file) ? parseTmMibTable(readFileSync(file, 'latin1'), table, file) : [];
}
