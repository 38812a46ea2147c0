/**
 * @module `packets inspect`: everything an operator wants to know about a packet file at a glance, gathered
 * in one pass over the batches: totals, per-APID counts, sequence gaps, duplicates, CRC errors, skipped
 * bytes, first and last times. Findings are data; nothing here throws on bad telemetry.
 */
import { packetTimeOf, timeOffsetOf } from '../../src/ccsds/secondary-header.js';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { DEFAULT_TIME_SETTINGS, obtFlaggedUnsynchronised, PacketTimer, TimeStatus, taiToUtcIso, type TimeSettings, type TimeStatusCode } from '../../src/time/index.js';
import { acquiredMs, groundKindOf, type Batch, type FramedPacket, type GroundKind, type Skip } from '../framing/index.js';
import { SequenceTracker, SeqVerdict, type SequenceGap, type TrackedReset } from '../checks/sequence.js';
import { usableObt } from '../checks/continuity.js';

export interface InspectOptions {
  readonly profile: PacketProfile;
  /** How the profile was guessed (the evidence), when it was. */
  readonly profileReason?: string;
  /** Name of a declared APID, for the report. */
  readonly apidName?: (apid: number) => string | undefined;
  /** Declared nominal period of an APID (s), for telling counter resets from gaps; else learned from the stream. */
  readonly periodOf?: (apid: number) => number | undefined;
  /** At most this many gaps and skipped ranges are listed (all are counted). Default 1000. */
  readonly maxListed?: number;
  /** Time axes and correlation (the config's `time` section); defaults without. */
  readonly time?: TimeSettings;
}

/** The three times of the packet last timed by an {@link Inspector} (src/time/packet-times.ts defines them). */
export interface PacketTimes {
  /** On-board time as decoded (TAI with the profile's epoch), NaN without one. */
  obt: number;
  /** Raw on-board seconds (coarse + fine): obt − epoch. */
  obtSeconds: number;
  /** UTC from on-board time (TAI), NaN when no coefficient set covers it or there is no OBT. */
  utcTai: number;
  groundUnixMs: number;
  /** `dds`: the DDS header's time; `receipt`: when the file was received (its modification time). */
  groundKind: GroundKind;
  status: TimeStatusCode;
  /** The chosen-axis time (TAI). */
  time: number;
}

interface ApidAcc {
  packets: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  gaps: number;
  missing: number;
  resets: number;
  duplicates: number;
  outOfOrder: number;
  crcErrors: number;
  unsynchronised: number;
  firstTime: number | undefined;
  lastTime: number | undefined;
}

export interface FileSummary {
  readonly file: string;
  readonly bytes: number | undefined;
  readonly framing: string;
  readonly framingReason: string;
  readonly crc: boolean;
  readonly crcReason: string;
  /** `auto` APIDs absent from the head, decided from their first packets while reading: `packet 33, none 34`. */
  crcDecidedLate?: string;
  packets: number;
  skippedBytes: number;
}

export interface ApidReport {
  readonly apid: number;
  readonly name: string | undefined;
  readonly packets: number;
  readonly bytes: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly gaps: number;
  readonly missing: number;
  /** Sequence counter restarts (not losses: see telemetry/checks/README.md). */
  readonly resets: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly crcErrors: number;
  /** Packets whose on-board time was not used (no OBT, not covered, implausible, flagged, ground axis): timed by ground time. */
  readonly unsynchronised: number;
  /** First and last chosen-axis times. */
  readonly firstTime: string | undefined;
  readonly lastTime: string | undefined;
}

export interface InspectReport {
  readonly files: readonly FileSummary[];
  readonly profile: string;
  /** The evidence of a guessed profile. */
  readonly profileReason?: string;
  readonly totals: {
    readonly packets: number;
    readonly bytes: number;
    readonly apids: number;
    readonly idle: number;
    readonly idleBytes: number;
    readonly crcErrors: number;
    readonly gaps: number;
    readonly missing: number;
    readonly resets: number;
    readonly duplicates: number;
    readonly outOfOrder: number;
    readonly unsynchronised: number;
    readonly skippedRanges: number;
    /** Skipped bytes that are a problem (everything but zero fill between DDS records). */
    readonly skippedBytes: number;
    /** Zero fill between DDS records: tolerated, not a problem. */
    readonly toleratedBytes: number;
  };
  /** First and last chosen-axis times (time.axis: UTC from on-board time where synchronised, else ground time). */
  readonly firstTime: string | undefined;
  readonly lastTime: string | undefined;
  /** DDS header times (ground), for DDS input. */
  readonly ddsFirstTime: string | undefined;
  readonly ddsLastTime: string | undefined;
  readonly apids: readonly ApidReport[];
  readonly gaps: readonly (Omit<SequenceGap, 'afterTime' | 'beforeTime'> & { afterTime: string | undefined; beforeTime: string | undefined })[];
  /** Counter resets: counts around each, the time of the packet after it and what the decision rested on. */
  readonly resets: readonly ResetRecord[];
  readonly skips: readonly (Skip & { file: string })[];
  /** True when listing stopped at maxListed. */
  readonly listsTruncated: boolean;
  /** CRC errors, gaps or problem skipped bytes: exit code 1. */
  readonly problems: boolean;
}

/** UTC Unix microseconds → ISO-8601 with 6 decimals and Z (DDS header times are UTC already). */
export const unixMicrosToIso = (us: number): string | undefined =>
  Number.isFinite(us) ? `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1e6).padStart(6, '0')}Z` : undefined;

const iso = (tai: number | undefined): string | undefined => (tai === undefined ? undefined : taiToUtcIso(tai));

/** A counter reset as reported (JSON and text). */
export interface ResetRecord {
  readonly apid: number;
  readonly afterSeq: number;
  readonly beforeSeq: number;
  /** Time of the first packet after the reset: on-board (UTC) when usable, else ground. */
  readonly time: string | undefined;
  readonly timeAxis: 'obt' | 'ground' | undefined;
  /** Elapsed time between the two packets, on `axis`, and the cadence it was compared with. */
  readonly axis: 'obt' | 'ground';
  readonly elapsedSeconds: number;
  readonly cadenceSeconds: number;
  readonly file: string;
  readonly offset: number;
}

export function resetRecord(r: TrackedReset): ResetRecord {
  const time = r.obtTai !== undefined ? iso(r.obtTai) : r.groundUnixSeconds !== undefined ? unixMicrosToIso(Math.round(r.groundUnixSeconds * 1e6)) : undefined;
  return {
    apid: r.apid, afterSeq: r.afterSeq, beforeSeq: r.beforeSeq, time,
    timeAxis: r.obtTai !== undefined ? 'obt' : r.groundUnixSeconds !== undefined ? 'ground' : undefined,
    axis: r.axis, elapsedSeconds: r.elapsedSeconds, cadenceSeconds: r.cadenceSeconds, file: r.file, offset: r.offset,
  };
}

/** Accumulates batches from one or more files into an {@link InspectReport}. */
export class Inspector {
  private readonly apids: (ApidAcc | undefined)[] = new Array(2048);
  private readonly tracker: SequenceTracker;
  private readonly resets: TrackedReset[] = [];
  private readonly files: FileSummary[] = [];
  private readonly gaps: SequenceGap[] = [];
  private readonly skips: (Skip & { file: string })[] = [];
  private readonly maxListed: number;
  private readonly timeOffset: number;
  private listsTruncated = false;
  private current: FileSummary | undefined;
  private tolerateZeroFill = false;
  private idle = 0;
  private idleBytes = 0;
  private skippedRanges = 0;
  private skippedBytes = 0;
  private toleratedBytes = 0;
  private ddsFirst = Infinity;
  private ddsLast = -Infinity;
  private firstTime: number | undefined;
  private lastTime: number | undefined;
  private readonly timer: PacketTimer;
  private readMs = 0;
  /** The times of the packet last given to {@link timeOf} (overwritten by the next). */
  readonly times: PacketTimes = { obt: NaN, obtSeconds: NaN, utcTai: NaN, groundUnixMs: 0, groundKind: 'receipt', status: TimeStatus.noObt, time: 0 };

  constructor(private readonly options: InspectOptions) {
    this.maxListed = options.maxListed ?? 1000;
    this.timeOffset = timeOffsetOf(options.profile);
    this.timer = new PacketTimer(options.time ?? DEFAULT_TIME_SETTINGS, options.profile.time.epochTai);
    this.tracker = new SequenceTracker(options.periodOf);
  }

  /** Begin a file; `receivedUnixMs` is the ground time of its packets without a DDS header (default: now). */
  beginFile(summary: Omit<FileSummary, 'packets' | 'skippedBytes'>, receivedUnixMs = Date.now()): void {
    this.readMs = receivedUnixMs;
    this.current = { ...summary, packets: 0, skippedBytes: 0 };
    this.files.push(this.current);
    this.tolerateZeroFill = summary.framing === 'dds';
  }

  /** The packet's chosen-axis time (TAI); its three times are left in {@link times}. */
  timeOf(p: FramedPacket): number {
    const profile = this.options.profile;
    const timed = p.type === 0 && p.secondaryHeader;
    const obt = timed ? packetTimeOf(p.buf, p.offset, p.length, profile, this.timeOffset) ?? NaN : NaN;
    const flagged = timed && obtFlaggedUnsynchronised(p.buf, p.offset, p.length, profile, this.timeOffset);
    // Ground time (issue 11): the DDS header's, else the capture record's timestamp, else when idoc read the file.
    const acquired = acquiredMs(p);
    const ground = acquired === acquired ? acquired : this.readMs;
    const t = this.timer.time(p.apid, obt, flagged, ground, acquired === acquired);
    const x = this.times;
    x.obt = obt;
    x.obtSeconds = obt - profile.time.epochTai;
    x.utcTai = this.timer.utcTai;
    x.groundUnixMs = ground;
    x.groundKind = groundKindOf(p);
    x.status = this.timer.status;
    x.time = t;
    return t;
  }

  /** Account one packet; returns its time (so callers filtering by time need not decode it again). */
  addPacket(p: FramedPacket, time: number | undefined = this.timeOf(p)): void {
    const file = this.current?.file ?? '';
    let a = this.apids[p.apid];
    if (!a) {
      a = { packets: 0, bytes: 0, firstSeq: p.sequenceCount, lastSeq: p.sequenceCount, gaps: 0, missing: 0, resets: 0, duplicates: 0, outOfOrder: 0, crcErrors: 0, unsynchronised: 0, firstTime: undefined, lastTime: undefined };
      this.apids[p.apid] = a;
    }
    a.packets++;
    a.bytes += p.length;
    if (this.current) this.current.packets++;
    if (p.crc === 'bad') a.crcErrors++;
    if (this.times.status !== TimeStatus.synchronised) a.unsynchronised++;
    if (time !== undefined) {
      if (a.firstTime === undefined || time < a.firstTime) a.firstTime = time;
      if (a.lastTime === undefined || time > a.lastTime) a.lastTime = time;
      if (this.firstTime === undefined || time < this.firstTime) this.firstTime = time;
      if (this.lastTime === undefined || time > this.lastTime) this.lastTime = time;
    }
    if (p.dds) {
      const t = p.dds.seconds * 1e6 + p.dds.microseconds; // integer µs: exact below 2^53
      if (t < this.ddsFirst) this.ddsFirst = t;
      if (t > this.ddsLast) this.ddsLast = t;
    }
    if (p.type !== 0) return; // a TC's count is its packet name, not a continuity counter
    // Resets are judged on on-board time where it is synchronised, else on the acquisition ground time (DDS header,
    // capture timestamp); a plain file's receipt time is the same for all its packets and says nothing about the
    // time between them.
    const acquired = acquiredMs(p);
    const ground = acquired === acquired ? acquired / 1000 : undefined;
    const obt = this.times.status === TimeStatus.synchronised ? usableObt(time, ground) : undefined;
    const v = this.tracker.check(p.apid, p.sequenceCount, time, p.buf, p.offset, p.length, file, p.streamOffset, obt, ground);
    if (v === SeqVerdict.Duplicate) a.duplicates++;
    else if (v === SeqVerdict.OutOfOrder) a.outOfOrder++;
    else {
      a.lastSeq = p.sequenceCount;
      if (v === SeqVerdict.Gap) {
        const g = this.tracker.lastGap!;
        a.gaps++;
        a.missing += g.missing;
        if (this.gaps.length < this.maxListed) this.gaps.push(g);
        else this.listsTruncated = true;
      } else if (v === SeqVerdict.Reset) {
        a.resets++;
        if (this.resets.length < this.maxListed) this.resets.push(this.tracker.lastReset!);
        else this.listsTruncated = true;
      }
    }
  }

  /** The framing of the current file was decided again while reading it (telemetry/framing/redecide.ts). */
  framingChanged(framing: string, reason: string): void {
    if (!this.current) return;
    const i = this.files.indexOf(this.current);
    this.current = { ...this.current, framing, framingReason: reason };
    this.files[i] = this.current;
    this.tolerateZeroFill = framing === 'dds';
  }

  /** Record the CRC modes decided while reading the current file (see FileSummary.crcDecidedLate). */
  crcDecidedLate(decided: readonly { apid: number; mode: string }[]): void {
    if (this.current && decided.length) this.current.crcDecidedLate = decided.map((d) => `${d.mode} ${d.apid}`).join(', ');
  }

  addSkips(skips: readonly Skip[]): void {
    const file = this.current?.file ?? '';
    for (const s of skips) {
      if (this.tolerateZeroFill && s.reason === 'zero-fill') {
        this.toleratedBytes += s.length;
        continue;
      }
      this.skippedRanges++;
      this.skippedBytes += s.length;
      if (this.current) this.current.skippedBytes += s.length;
      if (this.skips.length < this.maxListed) this.skips.push({ ...s, file });
      else this.listsTruncated = true;
    }
  }

  /** Account a whole batch (packets, skips, idle packets). */
  add(batch: Batch): void {
    for (const p of batch.packets) this.addPacket(p);
    this.addIdle(batch);
    this.addSkips(batch.skips);
  }

  addIdle(batch: Batch): void {
    this.idle += batch.idle;
    this.idleBytes += batch.idleBytes;
  }

  report(): InspectReport {
    const apids = [...this.apids.entries()].filter((e): e is [number, ApidAcc] => e[1] !== undefined).map(([apid, a]): ApidReport => ({
      apid, name: this.options.apidName?.(apid), packets: a.packets, bytes: a.bytes, firstSeq: a.firstSeq, lastSeq: a.lastSeq,
      gaps: a.gaps, missing: a.missing, resets: a.resets, duplicates: a.duplicates, outOfOrder: a.outOfOrder, crcErrors: a.crcErrors,
      unsynchronised: a.unsynchronised,
      firstTime: iso(a.firstTime), lastTime: iso(a.lastTime),
    }));
    const sum = (k: keyof ApidReport) => apids.reduce((s, a) => s + (a[k] as number), 0);
    const totals = {
      packets: sum('packets'), bytes: sum('bytes'), apids: apids.length, idle: this.idle, idleBytes: this.idleBytes,
      crcErrors: sum('crcErrors'), gaps: sum('gaps'), missing: sum('missing'), resets: sum('resets'), duplicates: sum('duplicates'), outOfOrder: sum('outOfOrder'),
      unsynchronised: sum('unsynchronised'),
      skippedRanges: this.skippedRanges, skippedBytes: this.skippedBytes, toleratedBytes: this.toleratedBytes,
    };
    return {
      files: this.files, profile: this.options.profile.secondaryHeader,
      ...(this.options.profileReason !== undefined ? { profileReason: this.options.profileReason } : {}), totals,
      firstTime: iso(this.firstTime), lastTime: iso(this.lastTime),
      ddsFirstTime: unixMicrosToIso(this.ddsFirst), ddsLastTime: unixMicrosToIso(this.ddsLast),
      apids,
      gaps: this.gaps.map((g) => ({ ...g, afterTime: iso(g.afterTime), beforeTime: iso(g.beforeTime) })),
      resets: this.resets.map(resetRecord),
      skips: this.skips, listsTruncated: this.listsTruncated,
      problems: totals.crcErrors > 0 || totals.gaps > 0 || totals.skippedBytes > 0,
    };
  }
}
