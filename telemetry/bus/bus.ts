/**
 * @module The NATS JetStream ingest bus (issue 19). One stream per mission, `IDOC_<MISSION>`, holding subjects
 * `idoc.<mission>.tm.<route>`; each message is one route's share of one ingest batch (wire.ts), with the JetStream
 * message id `<feed>|<cursor>|<route>` (`Nats-Msg-Id`): a publisher that re-sends a batch after a crash is dropped
 * by the stream's de-duplication window, and whatever passes it is dropped by the archive's own exactly-once key.
 *
 * Publisher ({@link BusPublisher}): the archive writer of `idoc ingest --publish`: `store(batch, cursor)` publishes
 * the batch's routes, waits for JetStream's acknowledgements, then saves the feed cursor in the KV bucket
 * `idoc_<mission>_cursors`, so a restarted publisher resumes after the last batch the stream holds.
 *
 * Consumer ({@link consumeBus}): `idoc ingest --consume`: a durable pull consumer (`archive` by default; any
 * number of processes may share it), each message stored through an archive writer (SQLite or PostgreSQL) in one
 * transaction, acknowledged only after the commit. A consumer killed between commit and acknowledgement gets
 * the message again; the archive finds its packets stored and counts them as duplicates: the packets are
 * stored once whatever the redeliveries (the per-APID duplicate counters then count redeliveries too).
 *
 * Back-pressure (`archive.bus` in the config, {@link BusLimits}): the stream becomes a work queue (a message is
 * removed once the archive consumer acknowledged it, i.e. after its commit) with `max_msgs` / `max_bytes` and
 * discard policy `new`: when the archive falls behind, the server refuses a publish rather than dropping old
 * messages, and the publisher waits `retrySeconds` and re-sends the same message (same id: a message the server
 * stored but whose acknowledgement was lost comes back as a duplicate, never twice). With `maxLagMessages` the
 * publisher also waits, before each batch, while a route it publishes to holds that many messages not yet
 * committed. A waiting publisher records itself in the KV bucket `idoc_<mission>_publishers` (entries expire
 * 30 s after the last heartbeat, so a killed publisher disappears), which `ingest status --bus` shows.
 *
 * Server: `IDOC_NATS_URL` (default nats://127.0.0.1:4222); credentials, when needed, in the URL or the NATS
 * client's usual options, never printed.
 */
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, connect, DeliverPolicy, DiscardPolicy, RetentionPolicy, type JetStreamClient, type JetStreamManager, type KV, type NatsConnection, type PubAck } from 'nats';
import { PackedBatchBuilder, type PackedBatch, type StoreResult } from '../../src/archive/index.js';
import { InputError } from '../../src/errors.js';
import { decodeBatch, encodeBatch } from './wire.js';
import { fitBatch, splitByRoute } from './split.js';
import { announceCommitted, ensureCommittedStream, windowOfBatch } from './committed.js';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
/**
 * Seconds a delivered message may stay unacknowledged before JetStream gives it to another worker: short, so the
 * work of a killed worker moves on quickly; a worker storing a message tells the server it is still working
 * every ACK_WAIT_S / 3 s.
 */
const ACK_WAIT_S = 6;
/** JetStream de-duplication window: 10 minutes (nanoseconds). */
const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;

/** A subject token from a name: letters, digits, `-` and `_` kept, anything else `_`. */
export const token = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
export const streamOf = (mission: string): string => `IDOC_${token(mission).toUpperCase()}`;
export const subjectOf = (mission: string, route: string): string => `idoc.${token(mission).toLowerCase()}.tm.${token(route)}`;
export const msgIdOf = (feed: string, cursor: string, route: string): string => `${feed}|${cursor}|${route}`;
const kvKey = (feed: string): string => Buffer.from(feed, 'utf8').toString('base64url') || '_';

/** Stream limits and publisher back-pressure (`archive.bus` of the config). Any of them makes the stream a work queue. */
export interface BusLimits {
  /** Messages the stream may hold (not yet committed and acknowledged); beyond, publishes are refused and retried. */
  readonly maxMessages?: number;
  /** Octets the stream may hold; beyond, publishes are refused and retried. */
  readonly maxBytes?: number;
  /** A publisher waits before a batch while a route it publishes to holds this many messages not yet committed. */
  readonly maxLagMessages?: number;
  /** Seconds between retries of a waiting publisher (default 1). */
  readonly retrySeconds?: number;
}

/** Why a publisher waits: the stream refused a message (full), or a route's lag is over the bound. */
export interface PublisherThrottle {
  readonly host: string;
  readonly pid: number;
  readonly reason: 'stream-full' | 'lag';
  /** The routes it waits for. */
  readonly routes: readonly string[];
  /** When it started waiting, and the last heartbeat (UTC ISO-8601). */
  readonly since: string;
  readonly updated: string;
}

export interface BusOptions {
  readonly mission: string;
  /** Stream limits and back-pressure; absent: a stream keeping everything (limits retention, no bounds). */
  readonly limits?: BusLimits;
  /** nats:// URL; default IDOC_NATS_URL, else {@link DEFAULT_NATS_URL}. */
  readonly url?: string;
}

/** The server URL without credentials (for messages). */
export function natsName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
  } catch {
    return 'nats (URL unparsable)';
  }
}

/** Connect and make sure the mission's stream exists. @throws InputError when the server cannot be reached. */
export async function openBus(opts: BusOptions): Promise<{ nc: NatsConnection; js: JetStreamClient; stream: string; name: string }> {
  const url = opts.url ?? process.env['IDOC_NATS_URL'] ?? DEFAULT_NATS_URL;
  const name = natsName(url);
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, timeout: 5000, name: 'idoc' });
  } catch (e) {
    throw new InputError(`${name}: cannot reach the NATS server: ${(e as Error).message}`, [], { cause: e });
  }
  try {
    const jsm = await nc.jetstreamManager();
    const stream = await ensureStream(jsm, opts.mission, opts.limits).catch((e: Error) => {
      throw e instanceof InputError ? e : new InputError(`${name}: JetStream not available: ${e.message}`, [], { cause: e });
    });
    return { nc, js: nc.jetstream(), stream, name };
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw e;
  }
}

const bounded = (l: BusLimits | undefined): l is BusLimits => l !== undefined;

/**
 * Create the mission's stream, or bring an existing one's limits to `limits` (max_msgs, max_bytes, discard new).
 * @throws InputError when limits are asked of a stream that keeps everything (retention cannot change in place).
 */
async function ensureStream(jsm: JetStreamManager, mission: string, limits: BusLimits | undefined): Promise<string> {
  const stream = streamOf(mission);
  const subjects = [`idoc.${token(mission).toLowerCase()}.tm.>`];
  const want = bounded(limits)
    ? { retention: RetentionPolicy.Workqueue, discard: DiscardPolicy.New, max_msgs: limits.maxMessages ?? -1, max_bytes: limits.maxBytes ?? -1 }
    : undefined;
  const info = await jsm.streams.info(stream).catch(() => undefined);
  if (!info) {
    await jsm.streams.add({ name: stream, subjects, duplicate_window: DUPLICATE_WINDOW_NS, ...(want ?? {}) }).catch(async (e: Error) => {
      // Another process created it meanwhile: check it as an existing stream.
      if (!(await jsm.streams.info(stream).catch(() => undefined))) throw e;
    });
    if (!want) return stream;
  }
  if (!want) return stream;
  const cur = (await jsm.streams.info(stream)).config;
  if (cur.retention !== RetentionPolicy.Workqueue) {
    throw new InputError(`stream ${stream}: archive.bus limits need a work-queue stream, the existing one keeps every message (retention ${cur.retention}); let the archive workers drain it, delete it (nats stream rm ${stream}) and publish again`);
  }
  if (cur.max_msgs !== want.max_msgs || cur.max_bytes !== want.max_bytes || cur.discard !== want.discard) {
    await jsm.streams.update(stream, { ...cur, ...want });
  }
  return stream;
}

/** Is this a publish refused because the stream is at its limits (discard new)? (JetStream err_code 10077 / 10047.) */
function refusedFull(e: unknown): boolean {
  const api = (e as { api_error?: { err_code?: number; description?: string } }).api_error;
  return api !== undefined && (api.err_code === 10077 || api.err_code === 10047 || /maximum (messages|bytes)|insufficient resources/i.test(api.description ?? ''));
}

/** The archive writer of `ingest --publish`: batches go to JetStream, cursors to a KV bucket. */
export class BusPublisher {
  private readonly pool: PackedBatchBuilder[] = [];
  private readonly cursors = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();

  private throttle: PublisherThrottle | undefined;
  private readonly retryMs: number;

  private constructor(private readonly nc: NatsConnection, private readonly js: JetStreamClient, private readonly kv: KV,
    private readonly mission: string, readonly name: string, private readonly stream: string,
    private readonly limits: BusLimits | undefined, private readonly waiting: KV | undefined,
    private readonly onThrottle: ((t: PublisherThrottle | undefined) => void) | undefined) {
    this.retryMs = (limits?.retrySeconds ?? 1) * 1000;
  }

  /** `onThrottle`: called when the publisher starts waiting (with why) and when it goes on (undefined). */
  static async open(opts: BusOptions & { readonly onThrottle?: (t: PublisherThrottle | undefined) => void }): Promise<BusPublisher> {
    const { nc, js, name, stream } = await openBus(opts);
    const kv = await js.views.kv(`idoc_${token(opts.mission).toLowerCase()}_cursors`);
    const waiting = bounded(opts.limits) ? await js.views.kv(publishersBucketOf(opts.mission), { ttl: PUBLISHER_TTL_MS }) : undefined;
    const p = new BusPublisher(nc, js, kv, opts.mission, name, stream, opts.limits, waiting, opts.onThrottle);
    for await (const k of await kv.keys()) {
      const e = await kv.get(k);
      if (e && e.value.length) p.cursors.set(Buffer.from(k, 'base64url').toString('utf8'), e.string());
    }
    return p;
  }

  batch(): PackedBatchBuilder {
    return this.pool.pop() ?? new PackedBatchBuilder();
  }

  /** Publish the batch (one message per route), wait for the stream's acks, then save the cursor. */
  store(builder: PackedBatchBuilder, cursor?: { readonly feed: string; readonly value: string }): Promise<StoreResult> {
    const run = this.chain.then(() => this.publish(builder.seal(), cursor));
    this.chain = run.catch(() => undefined);
    return run.finally(() => {
      builder.reset();
      this.pool.push(builder);
    });
  }

  private seq = 0;

  private async publish(b: PackedBatch, cursor: { readonly feed: string; readonly value: string } | undefined): Promise<StoreResult> {
    // The message id: the cursor this batch completes, else (a batch in the middle of a unit) the feed, the
    // first packet's source offset and digest: the same packets re-sent give the same id.
    const feed = cursor?.feed ?? b.sources[0]?.feed ?? 'feed';
    const at = cursor?.value ?? `@${b.reals[3] ?? 0}/${b.ints[7] ?? 0}/${b.count}/${b.sources[0]?.source ?? ''}`;
    let duplicates = 0;
    // A body over the server's max_payload (1 MiB by default) is split into parts, each its own message (id `#k`).
    const max = Math.max(64 * 1024, (this.nc.info?.max_payload ?? 1024 * 1024) - 4096);
    const parts = splitByRoute(b);
    if (this.limits?.maxLagMessages !== undefined) await this.waitForLag(parts.map((p) => p.route), this.limits.maxLagMessages);
    const acks = parts.flatMap(({ route, batch }) => fitBatch(batch, max, encodeBatch).map(async (body, k, all) => {
      const ack = await this.publishOne(route, body, all.length === 1 ? msgIdOf(feed, at, route) : `${msgIdOf(feed, at, route)}#${k}`);
      if (ack.duplicate) duplicates += new DataView(body.buffer, body.byteOffset).getUint32(8, true);
    }));
    await Promise.all(acks);
    await this.setThrottle(undefined);
    this.seq++;
    if (cursor) {
      await this.kv.put(kvKey(cursor.feed), cursor.value);
      this.cursors.set(cursor.feed, cursor.value);
    }
    return { stored: b.count - duplicates, duplicates, repeats: 0 };
  }

  /** Publish one message; while the stream refuses it (full, discard new), wait and re-send it with the same id. */
  private async publishOne(route: string, body: Uint8Array, msgID: string): Promise<PubAck> {
    for (;;) {
      try {
        return await this.js.publish(subjectOf(this.mission, route), body, { msgID });
      } catch (e) {
        if (!refusedFull(e)) throw e;
        await this.setThrottle('stream-full', [route]);
        await sleep(this.retryMs);
      }
    }
  }

  /** Wait while one of `routes` holds `bound` or more messages not yet committed (work-queue stream: what it holds). */
  private async waitForLag(routes: readonly string[], bound: number): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    for (;;) {
      const info = await jsm.streams.info(this.stream, { subjects_filter: `idoc.${token(this.mission).toLowerCase()}.tm.>` });
      const held = info.state.subjects ?? {};
      const over = routes.filter((r) => (held[subjectOf(this.mission, r)] ?? 0) >= bound);
      if (over.length === 0) return;
      await this.setThrottle('lag', over);
      await sleep(this.retryMs);
    }
  }

  /** Record (or clear) that this publisher waits: the callback on a change, the KV entry on every call (heartbeat). */
  private async setThrottle(reason: PublisherThrottle['reason'] | undefined, routes: readonly string[] = []): Promise<void> {
    const key = `${token(hostname())}-${process.pid}`;
    if (reason === undefined) {
      if (!this.throttle) return;
      this.throttle = undefined;
      this.onThrottle?.(undefined);
      await this.waiting?.delete(key).catch(() => undefined);
      return;
    }
    const now = new Date().toISOString();
    const changed = this.throttle?.reason !== reason || this.throttle.routes.join() !== routes.join();
    this.throttle = { host: hostname(), pid: process.pid, reason, routes: [...routes], since: changed ? now : this.throttle!.since, updated: now };
    if (changed) this.onThrottle?.(this.throttle);
    await this.waiting?.put(key, JSON.stringify(this.throttle));
  }

  /** Whether the publisher is waiting now, and why. */
  throttled(): PublisherThrottle | undefined {
    return this.throttle;
  }

  cursor(feed: string): string | undefined {
    return this.cursors.get(feed);
  }

  async close(): Promise<void> {
    await this.chain;
    await this.setThrottle(undefined);
    await this.nc.drain();
  }
}

/** The KV bucket where waiting publishers record themselves. */
export const publishersBucketOf = (mission: string): string => `idoc_${token(mission).toLowerCase()}_publishers`;
/** A waiting publisher's entry expires this long after its last heartbeat (a killed publisher disappears). */
const PUBLISHER_TTL_MS = 30_000;

/** The publishers waiting now (entries of the bucket; none when no bounded publisher ever ran). */
export async function throttledPublishers(js: JetStreamClient, mission: string): Promise<PublisherThrottle[]> {
  const out: PublisherThrottle[] = [];
  try {
    const kv = await js.views.kv(publishersBucketOf(mission), { bindOnly: true });
    for await (const k of await kv.keys()) {
      const e = await kv.get(k);
      if (e && e.value.length && e.operation === 'PUT') out.push(JSON.parse(e.string()) as PublisherThrottle);
    }
  } catch (e) {
    // No bucket: no bounded publisher ever ran here.
    if (!/not found/i.test((e as Error).message)) throw e;
  }
  return out.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.pid - b.pid));
}

/** What a consumer writes into: the archive port's writer (SQLite or PostgreSQL). */
export interface BusSink {
  batch(): PackedBatchBuilder;
  store(batch: PackedBatchBuilder, cursor?: { readonly feed: string; readonly value: string }): Promise<StoreResult>;
}

export interface ConsumeOptions extends BusOptions {
  /** Durable consumer name (processes sharing it share the work). Default `archive`. */
  readonly durable?: string;
  /** Only these routes (subjects); default every route of the mission. */
  readonly route?: string;
  /** Stop when nothing is pending for the consumer (`--once`); else run until `signal` aborts. */
  readonly untilIdle?: boolean;
  readonly signal?: AbortSignal;
  /** Announce each commit's window on `idoc.<mission>.committed.<route>` for the product builders (default true). */
  readonly announce?: boolean;
  /** Called after each message committed and acknowledged. */
  readonly onStored?: (r: StoreResult & { subject: string }) => void;
}

/** Totals of a consumer run. */
export interface ConsumeTotals { messages: number; packets: number; stored: number; duplicates: number; repeats: number }

/**
 * Consume the mission's subjects into `sink`, acknowledging each message after its batch committed.
 * @throws InputError when the server cannot be reached or a message is not a packed batch (left unacknowledged).
 */
export async function consumeBus(sink: BusSink, opts: ConsumeOptions): Promise<ConsumeTotals> {
  const { nc, js, stream } = await openBus(opts);
  const totals: ConsumeTotals = { messages: 0, packets: 0, stored: 0, duplicates: 0, repeats: 0 };
  try {
    const jsm = await nc.jetstreamManager();
    const durable = token(opts.durable ?? 'archive');
    const filter = opts.route !== undefined ? subjectOf(opts.mission, opts.route) : `idoc.${token(opts.mission).toLowerCase()}.tm.>`;
    try {
      await jsm.consumers.info(stream, durable);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: filter,
        ack_wait: ACK_WAIT_S * 1e9, max_ack_pending: 64,
      });
    }
    const consumer = await js.consumers.get(stream, durable);
    const announce = opts.announce !== false;
    if (announce) await ensureCommittedStream(jsm, opts.mission);
    for (;;) {
      if (opts.signal?.aborted) break;
      const msgs = await consumer.fetch({ max_messages: 4, expires: 1000 });
      let got = 0;
      for await (const m of msgs) {
        got++;
        const b = decodeBatch(m.data, `${m.subject} #${m.seq}`);
        const builder = sink.batch().load(b);
        const feed = b.sources[0]?.feed ?? 'bus';
        // The archive's cursor for what this consumer committed: stream sequence per subject.
        const beat = setInterval(() => m.working(), (ACK_WAIT_S * 1000) / 3);
        let r: StoreResult;
        try {
          r = await sink.store(builder, { feed: `bus:${durable}:${m.subject}`, value: String(m.seq) });
        } finally {
          clearInterval(beat);
        }
        // After the commit, before the ack: a worker killed in between announces again on the redelivery.
        if (announce && (r.stored > 0 || r.repeats > 0 || m.redelivered)) {
          const w = windowOfBatch(b, m.subject.slice(m.subject.lastIndexOf('.') + 1), r.stored + r.repeats);
          if (w) await announceCommitted(js, opts.mission, w, m.seq);
        }
        await m.ackAck();
        void feed;
        totals.messages++;
        totals.packets += b.count;
        totals.stored += r.stored;
        totals.duplicates += r.duplicates;
        totals.repeats += r.repeats;
        opts.onStored?.({ ...r, subject: m.subject });
        if (opts.signal?.aborted) break;
      }
      if (got === 0 && opts.untilIdle) {
        const info = await consumer.info();
        if (info.num_pending === 0 && info.num_ack_pending === 0) break;
      }
    }
    return totals;
  } finally {
    await nc.drain().catch(() => undefined);
  }
}
