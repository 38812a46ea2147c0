/**
 * @module POR-style operations request file (formats.md §6.1, after the Rosetta MIDAS `generate_pdor`):
 * ASCII line records, `C` comment lines, times in CCSDS ASCII B form `YY-DDDThh:mm:ss.sssZ`.
 *
 *   C <comments: plan, waiver>
 *   DOR_ 00001 <creation time right-aligned in 20>           primary header (type, version, creation time)
 *   <first 20> <last 20> <count I4>                          secondary header
 *   then per command:
 *   H1<command name> C                                       operation name + type (C single command; S sequence)
 *   H2I UTC    T D 003                                       insert, UTC, destination timeline, source DOR, no. of parameters
 *   H3
 *   H4<execution time>
 *   H5
 *   S1<request id, 10 characters>                            unique, so the request can be deleted
 *   P<name> E <unit, 4> <value>                              engineering value; octets as R with radix H
 *
 * The exact column widths and the POR/PDOR distinction are not established beyond that code (formats.md §8.5);
 * the mission's FOS ICD decides. Parameter values are those of the plan (defaults are not expanded).
 */
import type { TcDatabase } from '../../src/mdb/commands/types.js';
import type { ExportRecord, Timeline } from './itl.js';

/** `YY-DDDThh:mm:ss.sssZ` (CCSDS 301.0-B-4 ASCII time code B, two-digit year as in the example). */
export function porTime(t: number): string {
  const d = new Date(Math.round(t));
  const doy = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear() % 100)}-${p(doy, 3)}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}Z`;
}

/** Request id of the n-th command (0-based): `SEQ` + 7 digits, 10 characters. */
export const porRequestId = (n: number): string => `SEQ${String(n + 1).padStart(7, '0')}`;

/** The POR text of a timeline. */
export function formatPor(tl: Timeline, db?: TcDatabase, record: ExportRecord = {}): string {
  const out: string[] = [`C POR exported by idoc from plan ${tl.name} (${tl.instrument})`];
  if (record.waiver !== undefined) out.push(`C WAIVER: exported with ${record.violations ?? 0} validation error(s): ${record.waiver.replace(/\s+/g, ' ')}`);
  const created = porTime(record.createdUnixMs ?? Date.now());
  out.push(`DOR_ 00001 ${created.padStart(20)}`);
  const first = tl.commands.length ? Math.min(...tl.commands.map((c) => c.t)) : tl.validity.start;
  const last = tl.commands.length ? Math.max(...tl.commands.map((c) => c.t)) : tl.validity.end;
  out.push(`${porTime(first).padStart(20)} ${porTime(last).padStart(20)} ${String(tl.commands.length).padStart(4)}`);
  const defs = new Map((db?.commands ?? []).map((c) => [c.name, c]));
  tl.commands.forEach((c, n) => {
    const params = Object.entries(c.parameters);
    out.push(`H1${c.command} C`, `H2I UTC    T D ${String(params.length).padStart(3, '0')}`, 'H3', `H4${porTime(c.t)}`, 'H5', `S1${porRequestId(n)}`);
    for (const [name, v] of params) {
      const p = defs.get(c.command)?.parameters.find((q) => q.name === name);
      const unit = (p?.unit ?? '').slice(0, 4).padEnd(4);
      if (p?.type === 'octets') out.push(`P${name} R ${unit} H ${String(v)}`);
      else out.push(`P${name} E ${unit} ${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`);
    }
  });
  return `${out.join('\n')}\n`;
}
