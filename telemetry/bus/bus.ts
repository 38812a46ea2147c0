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
 * Server: `IDOC_NATS_URL` (default nats://127.0.0.1:4222); credentials, when needed, in the URL or the NATS
 * client's usual options, never printed.
 */
import { AckPolicy, connect, DeliverPolicy, type JetStreamClient, type KV, type NatsConnection } from 'nats';
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

export interface BusOptions {
  readonly mission: string;
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
    const stream = streamOf(opts.mission);
    const subjects = [`idoc.${token(opts.mission).toLowerCase()}.tm.>`];
    try {
      await jsm.streams.info(stream);
    } catch {
      await jsm.streams.add({ name: stream, subjects, duplicate_window: DUPLICATE_WINDOW_NS });
    }
    return { nc, js: nc.jetstream(), stream, name };
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw new InputError(`${name}: JetStream not available: ${(e as Error).message}`, [], { cause: e });
  }
}

/** The archive writer of `ingest --publish`: batches go to JetStream, cursors to a KV bucket. */
export class BusPublisher {
  private readonly pool: PackedBatchBuilder[] = [];
  private readonly cursors = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly nc: NatsConnection, private readonly js: JetStreamClient, private readonly kv: KV,
    private readonly mission: string, readonly name: string) {}

  static async open(opts: BusOptions): Promise<BusPublisher> {
    const { nc, js, name } = await openBus(opts);
    const kv = await js.views.kv(`idoc_${token(opts.mission).toLowerCase()}_cursors`);
    const p = new BusPublisher(nc, js, kv, opts.mission, name);
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
    const acks = splitByRoute(b).flatMap(({ route, batch }) => fitBatch(batch, max, encodeBatch).map(async (body, k, all) => {
      const ack = await this.js.publish(subjectOf(this.mission, route), body, {
        msgID: all.length === 1 ? msgIdOf(feed, at, route) : `${msgIdOf(feed, at, route)}#${k}`,
      });
      if (ack.duplicate) duplicates += new DataView(body.buffer, body.byteOffset).getUint32(8, true);
    }));
    await Promise.all(acks);
    this.seq++;
    if (cursor) {
      await this.kv.put(kvKey(cursor.feed), cursor.value);
      this.cursors.set(cursor.feed, cursor.value);
    }
    return { stored: b.count - duplicates, duplicates, repeats: 0 };
  }

  cursor(feed: string): string | undefined {
    return this.cursors.get(feed);
  }

  async close(): Promise<void> {
    await this.chain;
    await this.nc.drain();
  }
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
