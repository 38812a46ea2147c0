/**
 * @module Committed windows (issue 19): after an archive worker commits a message's batch it announces, on
 * `idoc.<mission>.committed.<route>` (stream `IDOC_<MISSION>_COMMITTED`), which APIDs and which span of the
 * mission's time axis got packets. Product builders (`idoc l0 worker`) consume the announcements durably and
 * rebuild the windows they touch: late data makes a new product version, unchanged data leaves the product alone.
 *
 * At least once, deduplicated: the announcement is published (and acknowledged by the stream) after the commit
 * and before the packet message is acknowledged, with the message id `committed|<stream sequence>`; a worker killed
 * in between gets the packet message again (redelivered, its packets now duplicates) and announces again, which
 * the stream's de-duplication window drops or a builder finds unchanged.
 */
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from 'nats';
import { I, INTS, R, REALS, type PackedBatch } from '../../src/archive/index.js';
import { InputError } from '../../src/errors.js';

/** What one commit put into the archive. */
export interface CommittedWindow {
  /** The ingest route (subject token). */
  readonly route: string;
  /** APIDs with packets in the batch, ascending. */
  readonly apids: readonly number[];
  /** First and last packet time on the mission's axis, TAI seconds (inclusive). */
  readonly fromTai: number;
  readonly toTai: number;
  /** Packets newly stored (0 for an announcement repeated after a redelivery). */
  readonly stored: number;
}

const lower = (mission: string): string => mission.replace(/[^A-Za-z0-9_-]/g, '_').toLowerCase() || '_';
export const committedStreamOf = (mission: string): string => `IDOC_${(mission.replace(/[^A-Za-z0-9_-]/g, '_') || '_').toUpperCase()}_COMMITTED`;
export const committedSubjectOf = (mission: string, route: string): string => `idoc.${lower(mission)}.committed.${route.replace(/[^A-Za-z0-9_-]/g, '_') || '_'}`;

/** Make sure the announcements' stream exists (10-minute de-duplication window). */
export async function ensureCommittedStream(jsm: JetStreamManager, mission: string): Promise<string> {
  const name = committedStreamOf(mission);
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams.add({ name, subjects: [`idoc.${lower(mission)}.committed.>`], duplicate_window: 10 * 60 * 1e9 });
  }
  return name;
}

/** The window a batch covers: its APIDs and the span of its packet times (undefined for an empty batch). */
export function windowOfBatch(b: PackedBatch, route: string, stored: number): CommittedWindow | undefined {
  const apids = new Set<number>();
  let from = Infinity;
  let to = -Infinity;
  for (let i = 0; i < b.count; i++) {
    apids.add(b.ints[i * INTS + I.apid]!);
    const t = b.reals[i * REALS + R.tai]!;
    if (t < from) from = t;
    if (t > to) to = t;
  }
  if (apids.size === 0 || from === Infinity) return undefined;
  return { route, apids: [...apids].sort((x, y) => x - y), fromTai: from, toTai: to, stored };
}

/** Announce a committed window; `seq` is the packet message's stream sequence (the de-duplication id). */
export async function announceCommitted(js: JetStreamClient, mission: string, w: CommittedWindow, seq: number): Promise<void> {
  await js.publish(committedSubjectOf(mission, w.route), JSON.stringify(w), { msgID: `committed|${w.route}|${seq}` });
}

/** Parse an announcement. @throws InputError naming the field. */
export function parseCommitted(body: Uint8Array, what: string): CommittedWindow {
  let x: Partial<CommittedWindow>;
  try {
    x = JSON.parse(Buffer.from(body).toString('utf8')) as Partial<CommittedWindow>;
  } catch {
    throw new InputError(`${what}: not a committed-window announcement (not JSON)`);
  }
  if (typeof x.route !== 'string') throw new InputError(`${what}: route missing`);
  if (!Array.isArray(x.apids) || !x.apids.every((a) => Number.isInteger(a) && a >= 0 && a < 2048)) throw new InputError(`${what}: apids is not a list of APIDs`);
  if (typeof x.fromTai !== 'number' || typeof x.toTai !== 'number' || !(x.fromTai <= x.toTai)) throw new InputError(`${what}: fromTai/toTai is not a span`);
  return { route: x.route, apids: x.apids, fromTai: x.fromTai, toTai: x.toTai, stored: typeof x.stored === 'number' ? x.stored : 0 };
}

/** Merge announcements per route: APIDs united, spans joined (a builder rebuilds whole windows anyway). */
export function mergeWindows(ws: readonly CommittedWindow[]): CommittedWindow[] {
  const by = new Map<string, { apids: Set<number>; from: number; to: number; stored: number }>();
  for (const w of ws) {
    const m = by.get(w.route) ?? { apids: new Set<number>(), from: Infinity, to: -Infinity, stored: 0 };
    for (const a of w.apids) m.apids.add(a);
    m.from = Math.min(m.from, w.fromTai);
    m.to = Math.max(m.to, w.toTai);
    m.stored += w.stored;
    by.set(w.route, m);
  }
  return [...by].map(([route, m]) => ({ route, apids: [...m.apids].sort((x, y) => x - y), fromTai: m.from, toTai: m.to, stored: m.stored }));
}

export interface WindowConsumerOptions {
  readonly mission: string;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Durable consumer name (workers sharing it share the work). */
  readonly durable: string;
  /** Stop when nothing is pending (`--once`). */
  readonly untilIdle?: boolean;
  readonly signal?: AbortSignal;
  /** Most announcements merged into one rebuild. Default 256. */
  readonly batch?: number;
}

/**
 * Consume committed-window announcements durably: each fetch's announcements merged per route and handed to
 * `rebuild`; acknowledged only after it resolved (a builder killed meanwhile gets them again).
 * Resolves to the number of announcements handled.
 */
export async function consumeCommitted(opts: WindowConsumerOptions, rebuild: (windows: CommittedWindow[]) => Promise<void>): Promise<number> {
  const stream = await ensureCommittedStream(opts.jsm, opts.mission);
  const max = opts.batch ?? 256;
  try {
    await opts.jsm.consumers.info(stream, opts.durable);
  } catch {
    await opts.jsm.consumers.add(stream, { durable_name: opts.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: 30 * 1e9, max_ack_pending: max });
  }
  const consumer = await opts.js.consumers.get(stream, opts.durable);
  let handled = 0;
  for (;;) {
    if (opts.signal?.aborted) break;
    const got: { w: CommittedWindow; ack: () => Promise<boolean>; working: () => void }[] = [];
    const msgs = await consumer.fetch({ max_messages: max, expires: 1000 });
    for await (const m of msgs) {
      got.push({ w: parseCommitted(m.data, `${m.subject} #${m.seq}`), ack: () => m.ackAck(), working: () => m.working() });
      // Take what is there now; the fetch would otherwise wait for `max` messages until it expires.
      if (m.info.pending === 0) break;
    }
    if (got.length) {
      // A long rebuild tells the server it is still working (else the announcements go to another builder after 30 s).
      const beat = setInterval(() => { for (const g of got) g.working(); }, 10_000);
      try {
        await rebuild(mergeWindows(got.map((g) => g.w)));
      } finally {
        clearInterval(beat);
      }
      for (const g of got) await g.ack();
      handled += got.length;
      continue;
    }
    if (opts.untilIdle) {
      const info = await consumer.info();
      if (info.num_pending === 0 && info.num_ack_pending === 0) break;
    }
  }
  return handled;
}
