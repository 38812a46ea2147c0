/**
 * @module `idoc archive status` and `archive query --json` records: the archive's per-APID totals joined with
 * the gap report, times in UTC ISO-8601 with Z.
 */
import { SEQUENCE_FLAG_NAMES } from '../../src/ccsds/primary-header.js';
import { TIME_STATUS_NAMES } from '../../src/time/index.js';
import type { ArchiveSummary, PacketRow } from '../../src/store/index.js';
import { utcOf, type ArchiveReset, type Gap } from './find-gaps.js';

/** Thousands with commas as toLocaleString('en-US') prints an integer, without loading ICU at start-up. */
const thousands = (x: number): string => (Number.isSafeInteger(x) ? String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : x.toLocaleString('en-US'));

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function archiveStatusReport(s: ArchiveSummary, gaps: readonly Gap[], nameOf: (apid: number) => string | undefined, resets: readonly ArchiveReset[] = []) {
  const apids = s.apids.map((a) => {
    const g = gaps.filter((x) => x.apid === a.apid);
    const name = nameOf(a.apid);
    return {
      apid: a.apid, ...(name !== undefined ? { name } : {}), routes: a.routes, packets: a.packets, bytes: a.bytes,
      ...(a.untimed ? { untimed: a.untimed } : {}),
      first: utcOf(a.firstTai), last: utcOf(a.lastTai), lastIngest: iso(a.lastIngestUnixMs),
      gaps: g.length, missing: g.reduce((n, x) => n + x.missing, 0), resets: resets.filter((x) => x.apid === a.apid).length, duplicates: a.duplicates, repeats: a.repeats, unsynchronised: a.unsynchronised, crcErrors: a.crcErrors,
    };
  });
  return {
    archive: s.dir, schemaVersion: s.schemaVersion, packets: s.packets, bytes: s.bytes,
    gaps: gaps.length, missing: apids.reduce((n, a) => n + a.missing, 0), resets: resets.length, duplicates: s.duplicates, repeats: s.repeats,
    unsynchronised: apids.reduce((n, a) => n + a.unsynchronised, 0), crcErrors: s.crcErrors,
    apids, cursors: s.cursors.map((c) => ({ feed: c.feed, value: c.value, updated: iso(c.updatedUnixMs) })),
  };
}
export type ArchiveStatusReport = ReturnType<typeof archiveStatusReport>;

export function formatArchiveStatus(r: ArchiveStatusReport): string {
  const lines = [`${r.archive}: ${thousands(r.packets)} packets (${thousands(r.bytes)} bytes) in ${r.apids.length} APIDs`, ''];
  const rows = [['APID', 'name', 'routes', 'packets', 'gaps', 'missing', 'resets', 'dups', 'crc', 'first', 'last', 'last ingest']];
  for (const a of r.apids) {
    rows.push([String(a.apid), a.name ?? '-', a.routes.join(',') || '-', String(a.packets), String(a.gaps), String(a.missing), String(a.resets), String(a.duplicates), String(a.crcErrors), a.first ?? '-', a.last ?? '-', a.lastIngest ?? '-']);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) lines.push(row.map((c, i) => (i >= 3 && i <= 8 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd());
  if (r.cursors.length) {
    lines.push('', 'feed cursors:');
    for (const c of r.cursors) lines.push(`  ${c.feed}: ${c.value} (saved ${c.updated})`);
  }
  const problems = [r.gaps ? `${r.gaps} gaps (${r.missing} packets missing)` : '', r.crcErrors ? `${r.crcErrors} CRC errors` : ''].filter(Boolean);
  lines.push('', problems.length ? `problems: ${problems.join(', ')}` : 'no problems found');
  const notes = [
    r.resets ? `${r.resets} counter reset${r.resets === 1 ? '' : 's'} (not losses)` : '',
    r.duplicates ? `${r.duplicates} duplicate deliveries stored once` : '',
    r.repeats ? `${r.repeats} repeats (identical packets received further apart than the duplicate window) stored` : '',
    r.unsynchronised ? `${r.unsynchronised} packets timed by ground time (on-board time missing, unsynchronised or implausible)` : '',
  ].filter(Boolean);
  if (notes.length) lines.push(`notes: ${notes.join('; ')}`);
  return `${lines.join('\n')}\n`;
}

/** One packet of `archive query --json`. */
export function queryRecord(row: PacketRow, bytes: Uint8Array) {
  return {
    apid: row.apid, type: row.type === 0 ? 'TM' : 'TC', sequenceFlags: SEQUENCE_FLAG_NAMES[row.sequenceFlags]!, sequenceCount: row.sequenceCount, length: row.length,
    ...(row.tai !== undefined ? { time: utcOf(row.tai) } : {}),
    // The three times (src/time/packet-times.ts): `time` is the chosen axis; on-board as decoded; ground.
    synchronised: row.timeStatus === 0, timeStatus: TIME_STATUS_NAMES[row.timeStatus] ?? String(row.timeStatus),
    ...(row.obt !== undefined ? { obt: { tai: row.obt } } : {}),
    ground: new Date(row.groundUnixMs).toISOString(), groundKind: row.groundKind, ...(row.repeat ? { repeat: row.repeat } : {}),
    crc: row.crc, ...(Number.isFinite(row.receivedUnixMs) ? { received: new Date(row.receivedUnixMs).toISOString() } : {}),
    ...(row.dds ? { dds: { time: new Date(row.dds.unixMs).toISOString(), groundStation: row.dds.groundStation, virtualChannel: row.dds.virtualChannel, timeQuality: row.dds.timeQuality } } : {}),
    route: row.route, feed: row.feed, source: row.source, offset: row.sourceOffset,
    packet: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex'),
  };
}
