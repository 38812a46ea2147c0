/**
 * @module The gap report's forms: records (JSON), a table for people, CSV (RFC 4180: header line, CRLF line ends,
 * fields quoted when they hold a comma, quote or line break).
 */
import { utcOf, type Gap } from './find-gaps.js';

/** One gap as a JSON-ready record (UTC bounds). */
export function gapRecord(g: Gap, name: string | undefined) {
  return {
    apid: g.apid, ...(name !== undefined ? { name } : {}), kind: g.kind, afterSeq: g.afterSeq, beforeSeq: g.beforeSeq, missing: g.missing,
    ...(g.startTai !== undefined ? { start: utcOf(g.startTai) } : {}), ...(g.endTai !== undefined ? { end: utcOf(g.endTai) } : {}),
  };
}
export type GapRecord = ReturnType<typeof gapRecord>;

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function gapsCsv(records: readonly GapRecord[]): string {
  const rows = [['apid', 'name', 'kind', 'after_seq', 'before_seq', 'missing', 'start_utc', 'end_utc']];
  for (const r of records) rows.push([String(r.apid), r.name ?? '', r.kind, String(r.afterSeq), String(r.beforeSeq), String(r.missing), r.start ?? '', r.end ?? '']);
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

export function gapsTable(records: readonly GapRecord[]): string {
  if (!records.length) return 'no gaps\n';
  const rows = [['APID', 'name', 'kind', 'after', 'before', 'missing', 'from (UTC)', 'to (UTC)']];
  for (const r of records) rows.push([String(r.apid), r.name ?? '-', r.kind, String(r.afterSeq), String(r.beforeSeq), String(r.missing), r.start ?? '-', r.end ?? '-']);
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((c, i) => (i >= 3 && i <= 5 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd());
  const missing = records.reduce((n, r) => n + r.missing, 0);
  lines.push('', `${records.length} gap${records.length === 1 ? '' : 's'}, ${missing} packet${missing === 1 ? '' : 's'} missing`);
  return `${lines.join('\n')}\n`;
}
