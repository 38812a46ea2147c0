/**
 * @module The SCOS-2000 MIB ASCII table format (EGOS-MCS-S2K-ICD-0001 issue 7.2, §3.1; formats.md §6.5,
 * formats-wave2.md §2.1), shared by the telemetry tables (src/mdb/mib) and the command tables
 * (telecommand/database/mib): one record per line, fields separated by TAB, no quoting, CRLF or LF line ends,
 * columns by position, an empty or missing trailing field meaning the default. Blank lines are skipped.
 */

/** One record: its fields by column name ('' when absent), and where it came from. */
export interface MibRecord {
  readonly fields: Readonly<Record<string, string>>;
  /** `file.dat:line`, for problems. */
  readonly at: string;
}

/** Parse a table's text into records with the given `columns`; `name` labels them (`name:line`). */
export function parseTabRecords(text: string, columns: readonly string[], name: string): MibRecord[] {
  const rows: MibRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const cells = line.split('\t');
    const fields: Record<string, string> = {};
    columns.forEach((c, k) => { fields[c] = (cells[k] ?? '').trim(); });
    rows.push({ fields, at: `${name}:${i + 1}` });
  });
  return rows;
}
