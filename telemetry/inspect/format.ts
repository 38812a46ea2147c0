/**
 * @module Text forms of inspection results and packets for people (the JSON forms are the objects themselves).
 */
import { SEQUENCE_FLAG_NAMES } from '../../src/ccsds/primary-header.js';
import { decodeSecondaryHeader } from '../../src/ccsds/secondary-header.js';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { TIME_STATUS_NAMES, TimeStatus, taiToUtcIso } from '../../src/time/index.js';
import type { FramedPacket } from '../framing/index.js';
import type { InspectReport, PacketTimes } from './inspect.js';
import { unixMicrosToIso } from './inspect.js';
import { TOLERANCE } from '../checks/continuity.js';

const hexOff = (o: number) => `0x${o.toString(16)}`;
/** Thousands with commas, as toLocaleString('en-US') prints them, without loading ICU (~0.2 s of start-up). */
const n = (x: number): string => (Number.isSafeInteger(x) ? String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : x.toLocaleString('en-US'));
const secs = (x: number) => `${Number(x.toPrecision(6))} s`;

/** The problems of a walk's totals, one phrase each (CRC errors, gaps, skipped bytes): the text's `problems:` line and the `--json` envelope's. */
export function problemSummary(t: InspectReport['totals']): { code: string; message: string }[] {
  const out: { code: string; message: string }[] = [];
  if (t.crcErrors) out.push({ code: 'crc', message: `${n(t.crcErrors)} CRC error${t.crcErrors > 1 ? 's' : ''}` });
  if (t.gaps) out.push({ code: 'gap', message: `${n(t.gaps)} gap${t.gaps > 1 ? 's' : ''} (${n(t.missing)} packets missing)` });
  if (t.skippedBytes) out.push({ code: 'skipped', message: `${n(t.skippedBytes)} bytes skipped in ${n(t.skippedRanges)} range${t.skippedRanges > 1 ? 's' : ''}` });
  return out;
}

export function formatInspect(r: InspectReport): string {
  const lines: string[] = [];
  for (const f of r.files) {
    lines.push(`${f.file}: ${f.bytes === undefined ? '' : `${n(f.bytes)} bytes, `}framing ${f.framing} (${f.framingReason}); CRC ${f.crc ? 'checked' : 'not checked'} (${f.crcReason}${f.crcDecidedLate ? `; decided later from their first packets: ${f.crcDecidedLate}` : ''})`);
  }
  const t = r.totals;
  if (r.profileReason) lines.push(`profile ${r.profile}: ${r.profileReason}`);
  lines.push(`profile ${r.profile}; ${n(t.packets)} packets (${n(t.bytes)} bytes) in ${t.apids} APIDs${t.idle ? `, ${n(t.idle)} idle packet${t.idle > 1 ? 's' : ''} left out` : ''}`);
  if (r.firstTime) lines.push(`packet time ${r.firstTime} .. ${r.lastTime}`);
  if (t.unsynchronised) lines.push(`            ${n(t.unsynchronised)} packet${t.unsynchronised > 1 ? 's' : ''} timed by ground time (on-board time missing, unsynchronised or implausible: --json says which)`);
  if (r.ddsFirstTime) lines.push(`DDS time    ${r.ddsFirstTime} .. ${r.ddsLastTime}`);
  lines.push('');
  const rows = [['APID', 'name', 'packets', 'bytes', 'gaps', 'missing', 'resets', 'dups', 'ooo', 'crc', 'first time', 'last time']];
  for (const a of r.apids) {
    rows.push([String(a.apid), a.name ?? '-', n(a.packets), n(a.bytes), String(a.gaps), String(a.missing), String(a.resets), String(a.duplicates), String(a.outOfOrder), String(a.crcErrors), a.firstTime ?? '-', a.lastTime ?? '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) lines.push(row.map((c, i) => (i >= 2 && i <= 9 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  if (r.gaps.length) {
    lines.push('', 'sequence gaps:');
    for (const g of r.gaps) {
      lines.push(`  APID ${g.apid}: ${g.missing} missing between count ${g.afterSeq} and ${g.beforeSeq}${g.afterTime ? ` (${g.afterTime} .. ${g.beforeTime ?? '?'})` : ''}, ${g.file} offset ${hexOff(g.offset)}`);
    }
  }
  if (r.resets.length) {
    lines.push('', 'counter resets (not losses):');
    for (const x of r.resets) {
      lines.push(`  APID ${x.apid}: count ${x.afterSeq} -> ${x.beforeSeq}${x.time ? ` at ${x.time}${x.timeAxis === 'ground' ? ' (ground time)' : ''}` : ''}, ${secs(x.elapsedSeconds)} elapsed (${x.axis === 'obt' ? 'on-board' : 'ground'} time) holds at most ${Math.floor((TOLERANCE * x.elapsedSeconds) / x.cadenceSeconds)} packets at cadence ${secs(x.cadenceSeconds)}, ${x.file} offset ${hexOff(x.offset)}`);
    }
  }
  if (r.skips.length) {
    lines.push('', 'skipped bytes:');
    for (const s of r.skips) lines.push(`  ${s.file} offset ${hexOff(s.offset)} (${s.offset}): ${n(s.length)} bytes, ${s.reason}${s.detail ? `: ${s.detail}` : ''}`);
  }
  if (r.listsTruncated) lines.push('  (lists cut; use --json for counts)');
  lines.push('');
  const problems = problemSummary(t);
  const notes: string[] = [];
  if (t.resets) notes.push(`${n(t.resets)} counter reset${t.resets > 1 ? 's' : ''}`);
  if (t.duplicates) notes.push(`${n(t.duplicates)} duplicate${t.duplicates > 1 ? 's' : ''}`);
  if (t.outOfOrder) notes.push(`${n(t.outOfOrder)} out of order`);
  if (t.toleratedBytes) notes.push(`${n(t.toleratedBytes)} bytes of zero fill between DDS records`);
  lines.push(problems.length ? `problems: ${problems.map((p) => p.message).join(', ')}` : 'no problems found');
  if (notes.length) lines.push(`notes: ${notes.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** One packet as a JSON-ready record (NDJSON of `packets dump --json`). */
/** Raw on-board seconds as printed: coarse + fine, 6 decimals. */
const obtText = (s: number): string => s.toFixed(6);

export function packetRecord(p: FramedPacket, tai: number | undefined, file: string, profile: PacketProfile, times?: PacketTimes) {
  const sh = p.secondaryHeader && profile.secondaryHeader !== 'none'
    ? decodeSecondaryHeader(p.buf, p.offset, p.length, p.type, profile)
    : undefined;
  return {
    file, offset: p.streamOffset, apid: p.apid, type: p.type === 0 ? 'TM' : 'TC',
    sequenceFlags: SEQUENCE_FLAG_NAMES[p.sequenceFlags]!, sequenceCount: p.sequenceCount, length: p.length,
    ...(sh?.ok ? { service: sh.header.service, subtype: sh.header.subtype } : {}),
    ...(tai !== undefined ? { time: taiToUtcIso(tai) } : {}),
    ...(times ? {
      // The three times (src/time/packet-times.ts): on-board, ground, UTC from on-board time; `time` is the chosen axis.
      synchronised: times.status === TimeStatus.synchronised,
      timeStatus: TIME_STATUS_NAMES[times.status],
      // On-board time: raw seconds (coarse + fine) and as decoded with the profile's epoch (TAI seconds since 1958).
      ...(times.obt === times.obt ? { obt: { seconds: obtText(times.obtSeconds), tai: times.obt } } : {}),
      ground: { time: unixMicrosToIso(Math.round(times.groundUnixMs * 1000)), kind: times.groundKind },
      ...(times.utcTai === times.utcTai ? { utc: taiToUtcIso(times.utcTai) } : {}),
    } : {}),
    crc: p.crc,
    ...(p.dds ? { dds: { time: unixMicrosToIso(p.dds.seconds * 1e6 + p.dds.microseconds), groundStation: p.dds.groundStation, virtualChannel: p.dds.virtualChannel, sleService: p.dds.sleService, timeQuality: p.dds.timeQuality } } : {}),
  };
}

export function formatPacketLine(r: ReturnType<typeof packetRecord>): string {
  const pus = r.service !== undefined ? `PUS ${r.service},${r.subtype}`.padEnd(10) : '-'.padEnd(10);
  const dds = r.dds ? `  DDS ${r.dds.time} gs 0x${r.dds.groundStation.toString(16)} vc ${r.dds.virtualChannel} tq ${r.dds.timeQuality}` : '';
  const ground = r.synchronised === false ? `  (ground time: ${r.timeStatus})` : '';
  return `${hexOff(r.offset).padStart(10)}  APID ${String(r.apid).padStart(4)}  ${r.type}  ${r.sequenceFlags.padEnd(12)} seq ${String(r.sequenceCount).padStart(5)}  len ${String(r.length).padStart(5)}  ${pus} ${r.time ?? '-'.padEnd(27)}  CRC ${r.crc}${dds}${ground}`;
}
