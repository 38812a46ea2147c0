/**
 * @module The gap report's forms: records (JSON), a table for people, CSV (RFC 4180: header line, CRLF line ends,
 * fields quoted when they hold a comma, quote or line break).
 */
import { utcOf, type ArchiveReset, type Gap } from './find-gaps.js';

/** One gap as a JSON-ready record (UTC bounds). */
export function gapRecord(g: Gap, name: string | undefined) {
  return {
    apid: g.apid, ...(name !== undefined ? { name } : {}), kind: g.kind, afterSeq: g.afterSeq, beforeSeq: g.beforeSeq, missing: g.missing,
    ...(g.startTai !== undefined ? { start: utcOf(g.startTai) } : {}), ...(g.endTai !== undefined ? { end: utcOf(g.endTai) } : {}),
  };
}
export type GapRecord = ReturnType<typeof gapRecord>;

/** One counter reset as a JSON-ready record: the time of the packet after it (on-board UTC, else ground). */
export function resetRecord(r: ArchiveReset, name: string | undefined) {
  const time = r.tai !== undefined ? utcOf(r.tai) : r.groundUnixMs !== undefined ? new Date(r.groundUnixMs).toISOString() : undefined;
  return {
    apid: r.apid, ...(name !== undefined ? { name } : {}), afterSeq: r.afterSeq, beforeSeq: r.beforeSeq,
    ...(time !== undefined ? { time, timeAxis: r.tai !== undefined ? 'obt' as const : 'ground' as const } : {}),
    axis: r.axis, elapsedSeconds: r.elapsedSeconds, cadenceSeconds: r.cadenceSeconds,
  };
}
export type ResetRecord = ReturnType<typeof resetRecord>;

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Gaps, then counter resets as rows of kind `reset` (0 missing; start = end = the time of the packet after it). */
export function gapsCsv(records: readonly GapRecord[], resets: readonly ResetRecord[] = []): string {
  const rows = [['apid', 'name', 'kind', 'after_seq', 'before_seq', 'missing', 'start_utc', 'end_utc']];
  for (const r of records) rows.push([String(r.apid), r.name ?? '', r.kind, String(r.afterSeq), String(r.beforeSeq), String(r.missing), r.start ?? '', r.end ?? '']);
  for (const r of resets) rows.push([String(r.apid), r.name ?? '', 'reset', String(r.afterSeq), String(r.beforeSeq), '0', r.time ?? '', r.time ?? '']);
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

export function gapsTable(records: readonly GapRecord[], resets: readonly ResetRecord[] = []): string {
  const resetLines = resets.length
    ? ['', `counter resets (not losses): ${resets.length}`, ...resets.map((r) => `  APID ${r.apid}${r.name ? ` ${r.name}` : ''}: count ${r.afterSeq} -> ${r.beforeSeq}${r.time ? ` at ${r.time}${r.timeAxis === 'ground' ? ' (ground time)' : ''}` : ''}, ${Number(r.elapsedSeconds.toPrecision(6))} s elapsed at a cadence of ${Number(r.cadenceSeconds.toPrecision(6))} s`)]
    : [];
  if (!records.length) return `${['no gaps', ...resetLines].join('\n')}\n`;
  const rows = [['APID', 'name', 'kind', 'after', 'before', 'missing', 'from (UTC)', 'to (UTC)']];
  for (const r of records) rows.push([String(r.apid), r.name ?? '-', r.kind, String(r.afterSeq), String(r.beforeSeq), String(r.missing), r.start ?? '-', r.end ?? '-']);
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((c, i) => (i >= 3 && i <= 5 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd());
  const missing = records.reduce((n, r) => n + r.missing, 0);
  lines.push('', `${records.length} gap${records.length === 1 ? '' : 's'}, ${missing} packet${missing === 1 ? '' : 's'} missing`, ...resetLines);
  return `${lines.join('\n')}\n`;
}
