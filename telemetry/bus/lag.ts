/**
 * @module Back-pressure and observability of the ingest bus (issue 19): per route, how many messages JetStream
 * holds beyond the archive consumer's acknowledgement floor (the consumer lag: a worker acknowledges only after
 * its commit, so everything at or below the floor is durable in the archive; messages acknowledged out of order
 * above it still count until the floor passes them), the last stream sequence the archive's own cursors
 * (`bus:<durable>:<subject>`) record per route, the durable consumer's pending and unacknowledged counts, and
 * the product builders' pending announcements. Shown by `idoc ingest status --bus` and on `/metrics` of
 * `idoc ingest --consume --watch --metrics`.
 *
 * The count of messages after the floor is asked of the server with a short-lived consumer per route (starting
 * at the floor + 1, no acks, in memory), deleted at once: one round trip per route and scrape. A bounded stream
 * (`archive.bus`, a work queue) holds only messages not yet acknowledged: its per-subject counts are the lag.
 * The publishers waiting for the archive (back-pressure) come from the KV bucket they record themselves in. */
import { AckPolicy, DeliverPolicy, RetentionPolicy, type JetStreamManager } from 'nats';
import { busLimitsOf } from '../../src/store/config.js';
import type { MissionConfig } from '../../src/config/index.js';
import { openConfiguredReader } from '../../src/archive-of.js';
import { openBus, throttledPublishers, type PublisherThrottle } from './bus.js';
import { committedStreamOf } from './committed.js';

export interface RouteLag {
  readonly route: string;
  readonly subject: string;
  /** Messages the stream holds on the subject. */
  readonly messages: number;
  /** Last stream sequence the archive's cursor records for the subject (0: none; with several workers, the last committed, not the highest). */
  readonly committedSeq: number;
  /** Messages on the subject after the consumer's acknowledgement floor: published, not known committed. */
  readonly lag: number;
}

export interface BusLag {
  readonly stream: string;
  readonly durable: string;
  /** The archive consumer's acknowledgement floor (stream sequence; 0 before any ack). */
  readonly ackFloor: number;
  readonly routes: readonly RouteLag[];
  /** The archive consumer: messages not yet delivered, delivered but not acknowledged, redelivered. */
  readonly consumer: { readonly pending: number; readonly ackPending: number; readonly redelivered: number } | undefined;
  /** Product builders (durables on the committed stream): announcements waiting. */
  readonly builders: readonly { readonly durable: string; readonly pending: number; readonly ackPending: number }[];
  /** Bounded stream (work queue, `archive.bus`): its limits; undefined when it keeps everything. */
  readonly limits?: { readonly maxMessages: number; readonly maxBytes: number; readonly bytes: number };
  /** Publishers waiting for the archive now (back-pressure). */
  readonly throttled: readonly PublisherThrottle[];
}

/**
 * Measure the lag of `durable` (default `archive`) against the archive's cursors (`cursors()` of the reader).
 * @throws Error when the stream does not exist.
 */
export async function busLag(jsm: JetStreamManager, mission: string, stream: string, cursors: ReadonlyMap<string, string>, durable = 'archive',
  throttled: readonly PublisherThrottle[] = []): Promise<BusLag> {
  const info = await jsm.streams.info(stream, { subjects_filter: '>' });
  const queue = info.config.retention === RetentionPolicy.Workqueue;
  const subjects = Object.entries(info.state.subjects ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const c = await jsm.consumers.info(stream, durable).catch(() => undefined);
  const consumer = c ? { pending: c.num_pending, ackPending: c.num_ack_pending, redelivered: c.num_redelivered } : undefined;
  const ackFloor = c?.ack_floor.stream_seq ?? 0;
  const routes: RouteLag[] = [];
  for (const [subject, messages] of subjects) {
    const committedSeq = Number(cursors.get(`bus:${durable}:${subject}`) ?? 0);
    let lag = messages;
    if (ackFloor > 0 && !queue) {
      const e = await jsm.consumers.add(stream, {
        filter_subject: subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: ackFloor + 1,
        ack_policy: AckPolicy.None, inactive_threshold: 5 * 1e9, mem_storage: true,
      });
      lag = e.num_pending;
      await jsm.consumers.delete(stream, e.name).catch(() => undefined);
    }
    routes.push({ route: subject.slice(subject.lastIndexOf('.') + 1), subject, messages, committedSeq, lag });
  }
  const builders: { durable: string; pending: number; ackPending: number }[] = [];
  try {
    for await (const c of jsm.consumers.list(committedStreamOf(mission))) {
      if (c.config.durable_name) builders.push({ durable: c.config.durable_name, pending: c.num_pending, ackPending: c.num_ack_pending });
    }
  } catch {
    // No committed stream yet: no builders.
  }
  return {
    stream, durable, ackFloor, routes, consumer, builders, throttled,
    ...(queue ? { limits: { maxMessages: info.config.max_msgs, maxBytes: info.config.max_bytes, bytes: info.state.bytes } } : {}),
  };
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The lag as Prometheus text exposition (0.0.4) lines, `idoc_bus_` prefix. */
export function renderBusMetrics(l: BusLag): string {
  const out: string[] = [];
  const gauge = (name: string, help: string, samples: [Record<string, string>, number][]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, v] of samples) out.push(`${name}{${Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`).join(',')}} ${v}`);
  };
  gauge('idoc_bus_consumer_lag_messages', 'Messages on the route beyond the archive consumer\'s acknowledgement floor (published, not known committed), by route.',
    l.routes.map((r) => [{ route: r.route, durable: l.durable }, r.lag]));
  gauge('idoc_bus_stream_messages', 'Messages the stream holds, by route.', l.routes.map((r) => [{ route: r.route }, r.messages]));
  gauge('idoc_bus_ack_floor_sequence', 'The archive consumer\'s acknowledgement floor (stream sequence).', [[{ durable: l.durable }, l.ackFloor]]);
  gauge('idoc_bus_committed_sequence', 'Last stream sequence the archive\'s cursor records, by route.', l.routes.map((r) => [{ route: r.route, durable: l.durable }, r.committedSeq]));
  if (l.consumer) {
    gauge('idoc_bus_consumer_pending_messages', 'Messages not yet delivered to the archive workers.', [[{ durable: l.durable }, l.consumer.pending]]);
    gauge('idoc_bus_consumer_ack_pending_messages', 'Messages delivered to an archive worker and not yet acknowledged.', [[{ durable: l.durable }, l.consumer.ackPending]]);
  }
  gauge('idoc_bus_builder_pending_announcements', 'Committed-window announcements waiting for a product builder, by builder durable.',
    l.builders.map((b) => [{ durable: b.durable }, b.pending + b.ackPending]));
  gauge('idoc_bus_publishers_throttled', 'Publishers waiting for the archive (back-pressure), by reason.',
    (['stream-full', 'lag'] as const).map((reason) => [{ reason }, l.throttled.filter((t) => t.reason === reason).length]));
  return `${out.join('\n')}\n`;
}

/** The lag as a table for `ingest status --bus`. */
export function formatBusLag(l: BusLag): string {
  const lines = [`stream ${l.stream}, archive consumer ${l.durable} (ack floor ${l.ackFloor})${l.consumer ? `: ${l.consumer.pending} pending, ${l.consumer.ackPending} unacknowledged, ${l.consumer.redelivered} redelivered` : ': not created yet'}`,
    `${'route'.padEnd(20)} ${'messages'.padStart(10)} ${'committed seq'.padStart(14)} ${'lag'.padStart(10)}`];
  for (const r of l.routes) lines.push(`${r.route.padEnd(20)} ${String(r.messages).padStart(10)} ${String(r.committedSeq).padStart(14)} ${String(r.lag).padStart(10)}`);
  for (const b of l.builders) lines.push(`builder ${b.durable}: ${b.pending + b.ackPending} announcement(s) waiting`);
  if (l.limits) {
    const lim = (v: number) => (v < 0 ? 'unbounded' : String(v));
    lines.push(`bounded stream: ${l.routes.reduce((t, r) => t + r.messages, 0)} of ${lim(l.limits.maxMessages)} messages, ${l.limits.bytes} of ${lim(l.limits.maxBytes)} octets`);
  }
  for (const t of l.throttled) {
    lines.push(`publisher ${t.host} pid ${t.pid} THROTTLED since ${t.since}: ${t.reason === 'stream-full' ? 'stream full' : 'lag over the bound'} (route ${t.routes.join(', ')})`);
  }
  if (l.limits && l.throttled.length === 0) lines.push('no publisher throttled');
  return `${lines.join('\n')}\n`;
}

/**
 * The lag of the configured mission's bus against its configured archive (reader opened and closed here).
 * @throws InputError when NATS or the archive cannot be reached.
 */
export async function busLagOfMission(config: MissionConfig, dir: string, url?: string): Promise<BusLag> {
  const reader = await openConfiguredReader(config, dir);
  try {
    const cursors = await reader.cursors();
    const limits = busLimitsOf(config);
    const { nc, js, stream } = await openBus({ mission: config.mission.name, ...(url !== undefined ? { url } : {}), ...(limits ? { limits } : {}) });
    try {
      return await busLag(await nc.jetstreamManager(), config.mission.name, stream, cursors, 'archive', await throttledPublishers(js, config.mission.name));
    } finally {
      await nc.close();
    }
  } finally {
    await reader.close();
  }
}
