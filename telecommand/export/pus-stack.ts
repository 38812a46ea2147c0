/**
 * @module PUS time-tagged command stack: every timeline command encoded as a PUS TC packet (with its PEC),
 * wrapped in TC[11,4] "insert activities into the time-based schedule" packets with its CUC release time
 * (ECSS-E-ST-70-41C §6.11, formats.md §6.4; the wrapping is telecommand's `wrapTimeTagged`), the TC[11,4]
 * packets concatenated as raw CCSDS packets. Inner packets count their sequence from `firstSequenceCount`,
 * outer packets from `firstScheduleCount`, both modulo 16384. A manifest describes every outer packet (and
 * records a waiver, which a binary stack cannot carry itself).
 */
import { InputError, type Problem } from '../../src/errors.js';
import type { CucSpec } from '../../src/time/cuc.js';
import { utcUnixToTai } from '../../src/time/utc.js';
import { encodeTc } from '../encode/encode-tc.js';
import type { TcProfile } from '../encode/tc-header.js';
import type { TcDatabase } from '../../src/mdb/commands/types.js';
import type { ExportRecord, Timeline } from './itl.js';
import { wrapTimeTagged } from './time-tagged.js';

/** Options of {@link exportPusStack}. */
export interface PusStackOptions {
  /** APID of the on-board scheduler (outer packets). Default 0. */
  readonly scheduleApid?: number;
  /** Activities per TC[11,4] packet. Default 1. */
  readonly activitiesPerPacket?: number;
  /** Release time code. Default CUC 4+2, no P-field, CCSDS epoch (1958 TAI). */
  readonly time?: CucSpec;
  /** First inner sequence count. Default 0. */
  readonly firstSequenceCount?: number;
  /** First outer sequence count. Default 0. */
  readonly firstScheduleCount?: number;
  /** TC header profile. Default PUS-C with PEC. */
  readonly profile?: Partial<TcProfile>;
}

/** One outer TC[11,4] packet of the stack. */
export interface StackPacket {
  readonly offset: number;
  readonly length: number;
  readonly sequenceCount: number;
  readonly activities: readonly { readonly index: number; readonly command: string; readonly release: string; readonly releaseTai: number; readonly sequenceCount: number }[];
}

/** The stack and its manifest. */
export interface PusStack {
  readonly bytes: Uint8Array;
  readonly manifest: {
    readonly format: 'idoc-pus-stack/1';
    readonly plan: string;
    readonly instrument: string;
    readonly created: string;
    readonly scheduleApid: number;
    readonly packets: readonly StackPacket[];
    readonly waiver?: { readonly text: string; readonly violations: number };
  };
}

/**
 * Encode the timeline.
 * @throws InputError naming every command that cannot be encoded (unknown, bad values): even a waiver
 * cannot send a command the database does not describe.
 */
export function exportPusStack(tl: Timeline, db: TcDatabase, opts: PusStackOptions = {}, record: ExportRecord = {}): PusStack {
  const per = opts.activitiesPerPacket ?? 1;
  if (!Number.isInteger(per) || per < 1 || per > 255) throw new RangeError(`activitiesPerPacket ${per}: expected 1..255`);
  const problems: Problem[] = [];
  const byName = new Map(db.commands.map((c) => [c.name, c]));
  let seq = opts.firstSequenceCount ?? 0;
  const inner: { index: number; command: string; t: number; tai: number; packet: Uint8Array; seq: number }[] = [];
  tl.commands.forEach((c, index) => {
    const def = byName.get(c.command);
    if (!def) { problems.push({ code: 'unknown-command', path: `command ${index}`, message: `${c.command} is not in the telecommand database` }); return; }
    const r = encodeTc(def, c.parameters, { sequenceCount: seq, ...(opts.profile ? { profile: opts.profile } : {}) });
    if (!r.ok) { for (const p of r.problems) problems.push({ code: p.code, path: `command ${index}`, message: `${p.path}: ${p.message}` }); return; }
    inner.push({ index, command: c.command, t: c.t, tai: utcUnixToTai(c.t / 1000), packet: r.value.packet, seq });
    seq = (seq + 1) % 16384;
  });
  if (problems.length) throw new InputError(`${tl.name}: ${problems.length} command${problems.length === 1 ? '' : 's'} cannot be encoded`, problems);
  const apid = opts.scheduleApid ?? 0;
  const parts: Uint8Array[] = [];
  const packets: StackPacket[] = [];
  let outerSeq = opts.firstScheduleCount ?? 0;
  let offset = 0;
  for (let k = 0; k < inner.length; k += per) {
    const group = inner.slice(k, k + per);
    const p = wrapTimeTagged(group.map((g) => ({ releaseTai: g.tai, packet: g.packet })), {
      apid, sequenceCount: outerSeq, ...(opts.time ? { time: opts.time } : {}), ...(opts.profile ? { profile: opts.profile } : {}),
    });
    parts.push(p);
    packets.push({
      offset, length: p.length, sequenceCount: outerSeq,
      activities: group.map((g) => ({ index: g.index, command: g.command, release: new Date(g.t).toISOString(), releaseTai: g.tai, sequenceCount: g.seq })),
    });
    offset += p.length;
    outerSeq = (outerSeq + 1) % 16384;
  }
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  return {
    bytes,
    manifest: {
      format: 'idoc-pus-stack/1', plan: tl.name, instrument: tl.instrument, created: new Date(record.createdUnixMs ?? Date.now()).toISOString(),
      scheduleApid: apid, packets,
      ...(record.waiver !== undefined ? { waiver: { text: record.waiver, violations: record.violations ?? 0 } } : {}),
    },
  };
}
