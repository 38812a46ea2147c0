/**
 * Back-pressure of the ingest bus (issue 19, `archive.bus`): a bounded stream (work queue, discard new) refuses
 * what it cannot hold and the publisher waits and re-sends; a publisher also waits while a route's lag is over
 * its bound. Nothing is dropped and nothing stored twice: in process against the publisher and consumer, and end
 * to end with the CLI (a stopped archive worker, `ingest --publish` blocked and shown throttled by `ingest status
 * --bus`, the worker started, the archive equal to a clean ingest packet by packet). Waits are for conditions
 * (polled), never for a fixed time. Skips, saying so, when NATS is not reachable or the CLI is not built.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from 'nats';
import { generateSim } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { buildPacket } from '../../src/ccsds/packet.js';
import { PackedBatchBuilder, type PackedBatch } from '../../src/archive/index.js';
import { openArchive, openSqliteArchiveWriter } from '../../src/store/index.js';
import { BusPublisher, committedStreamOf, consumeBus, publishersBucketOf, streamOf, throttledPublishers, type BusLimits, type PublisherThrottle } from './index.js';
import { BIN, BUILT, NATS_DOWN, NATS_URL, writeBusMission } from './_test-bus.js';


if (NATS_DOWN !== undefined) console.warn(`NATS JetStream not reachable at ${NATS_URL} (${NATS_DOWN}): the back-pressure tests are skipped`);
if (!BUILT) console.warn('dist/bin/idoc.js missing (npm run build): the back-pressure end-to-end test is skipped');

/** `n` packets over `routes` (route k for APID 100 + k). */
function batchOf(n: number, routes: readonly string[], seed: number): PackedBatch {
  const b = new PackedBatchBuilder(64, 4);
  for (let i = 0; i < n; i++) {
    const r = i % routes.length;
    const buf = buildPacket({ type: 0, apid: 100 + r, sequenceFlags: 3, sequenceCount: (i + seed) & 0x3fff, secondaryHeader: new Uint8Array(0), data: new Uint8Array(6).fill(i + seed), crc: false });
    b.add({ buf, offset: 0, length: buf.length, streamOffset: (seed * 1000 + i) * 40, apid: 100 + r, type: 0, secondaryHeader: false, sequenceFlags: 3, sequenceCount: (i + seed) & 0x3fff, crc: 'none', dds: undefined, captureUs: NaN },
      2e9 + seed * 1000 + i, routes[r]!, 'f', 'a.dat', 1.7e12);
  }
  return b.seal();
}

/** Poll `probe` until it returns a value (the wait is for a condition; the limit only ends a hung test). */
async function until<T>(probe: () => Promise<T | undefined>, what: string, limitMs = 60_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

async function dropMission(mission: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  for (const s of [streamOf(mission), committedStreamOf(mission), `KV_idoc_${mission.toLowerCase()}_cursors`, `KV_${publishersBucketOf(mission)}`]) {
    await jsm.streams.delete(s).catch(() => undefined);
  }
  await nc.close();
}

describe.skipIf(NATS_DOWN !== undefined)('bus back-pressure, in process', () => {
  async function consumeInto(dir: string, mission: string, limits: object): Promise<number> {
    const w = await openSqliteArchiveWriter(dir, { thread: 'never' });
    const t = await consumeBus(w, { mission, url: NATS_URL, untilIdle: true, limits });
    await w.close();
    return t.stored;
  }
  const packetsIn = (dir: string): number => {
    const a = openArchive(dir, { readonly: true });
    const n = a.status().packets;
    a.close();
    return n;
  };
  /** A fresh mission's publisher (with `limits`), an archive folder and a NATS connection for `body`; all gone after. */
  async function onFreshBus(prefix: string, limits: BusLimits, body: (t: { mission: string; pub: BusPublisher; dir: string; nc: NatsConnection; seen: (PublisherThrottle | undefined)[] }) => Promise<void>): Promise<void> {
    const mission = `${prefix}${process.pid}${Date.now().toString(36)}`;
    const seen: (PublisherThrottle | undefined)[] = [];
    const pub = await BusPublisher.open({ mission, url: NATS_URL, limits, onThrottle: (t) => seen.push(t) });
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-bp-'));
    const nc = await connect({ servers: NATS_URL });
    try {
      await body({ mission, pub, dir, nc, seen });
    } finally {
      await pub.close();
      await nc.close();
      await rm(dir, { recursive: true, force: true });
      await dropMission(mission);
    }
  }

  it('a full stream refuses (discard new); the publisher waits, re-sends after the worker drained it; each packet stored once', async () => {
    const limits = { maxMessages: 1, retrySeconds: 0.05 };
    await onFreshBus('BPF', limits, async ({ mission, pub, dir, nc, seen }) => {
      // Two routes: two messages; the stream holds one, refuses the other.
      const sent = pub.store(pub.batch().load(batchOf(30, ['hk', 'sci'], 1)), { feed: 'f', value: 'c1' });
      const t = await until(async () => pub.throttled(), 'the publisher to wait');
      expect(t).toMatchObject({ reason: 'stream-full', pid: process.pid });
      const jsm = await nc.jetstreamManager();
      expect((await jsm.streams.info(streamOf(mission))).state.messages).toBe(1);
      expect((await throttledPublishers(nc.jetstream(), mission)).map((p) => p.reason)).toEqual(['stream-full']);
      expect(pub.cursor('f')).toBeUndefined(); // the cursor moves only once the whole batch is in the stream
      // The worker drains the stream; the refused message then goes in.
      let stored = await consumeInto(dir, mission, limits);
      expect(await sent).toMatchObject({ stored: 30, duplicates: 0 });
      expect(pub.throttled()).toBeUndefined();
      expect(seen.at(-1)).toBeUndefined();
      expect(pub.cursor('f')).toBe('c1');
      stored += await consumeInto(dir, mission, limits);
      expect(stored).toBe(30);
      expect(packetsIn(dir)).toBe(30);
      // A work queue: what was committed has left the stream; a re-sent batch is still known by its id.
      expect((await jsm.streams.info(streamOf(mission))).state.messages).toBe(0);
      expect(await pub.store(pub.batch().load(batchOf(30, ['hk', 'sci'], 1)), { feed: 'f', value: 'c1' })).toMatchObject({ stored: 0, duplicates: 30 });
      expect(await throttledPublishers(nc.jetstream(), mission)).toEqual([]);
    });
  }, 60_000);

  it('a route over its lag bound holds the publisher back before the batch; other routes are not counted', async () => {
    const limits = { maxLagMessages: 2, retrySeconds: 0.05 };
    await onFreshBus('BPL', limits, async ({ mission, pub, dir, nc }) => {
      expect(await pub.store(pub.batch().load(batchOf(10, ['hk'], 1)), { feed: 'f', value: 'c1' })).toMatchObject({ stored: 10 });
      expect(await pub.store(pub.batch().load(batchOf(10, ['sci'], 2)), { feed: 'f', value: 'c2' })).toMatchObject({ stored: 10 });
      expect(await pub.store(pub.batch().load(batchOf(10, ['hk'], 3)), { feed: 'f', value: 'c3' })).toMatchObject({ stored: 10 });
      // hk now holds 2 messages not committed: the next hk batch waits, nothing of it published.
      const sent = pub.store(pub.batch().load(batchOf(10, ['hk'], 4)), { feed: 'f', value: 'c4' });
      expect(await until(async () => pub.throttled(), 'the publisher to wait')).toMatchObject({ reason: 'lag', routes: ['hk'] });
      const jsm = await nc.jetstreamManager();
      expect((await jsm.streams.info(streamOf(mission))).state.messages).toBe(3);
      let stored = await consumeInto(dir, mission, limits);
      expect(await sent).toMatchObject({ stored: 10, duplicates: 0 });
      stored += await consumeInto(dir, mission, limits);
      expect(stored).toBe(40);
      expect(packetsIn(dir)).toBe(40);
      expect(pub.cursor('f')).toBe('c4');
    });
  }, 60_000);

  it('limits asked of an existing stream that keeps everything: one line saying what to do', async () => {
    const mission = `BPR${process.pid}${Date.now().toString(36)}`;
    try {
      await (await BusPublisher.open({ mission, url: NATS_URL })).close();
      await expect(BusPublisher.open({ mission, url: NATS_URL, limits: { maxMessages: 5 } }))
        .rejects.toThrow(/^stream IDOC_BPR\w+: archive\.bus limits need a work-queue stream, the existing one keeps every message \(retention limits\); .*nats stream rm/);
    } finally {
      await dropMission(mission);
    }
  });
});

describe.skipIf(NATS_DOWN !== undefined || !BUILT)('ingest --publish held back by a stopped archive worker, end to end', () => {
  let work: string;
  const mission = `BPE${process.pid}${Date.now().toString(36)}`;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'idoc-bp-e2e-'));
  });
  afterAll(async () => {
    await dropMission(mission);
    await rm(work, { recursive: true, force: true });
  });

  async function setup(name: string, archive: Record<string, unknown>): Promise<string> {
    const dir = path.join(work, name);
    await mkdir(path.join(dir, 'drop'), { recursive: true });
    for (const [k, framing] of (['raw', 'dds'] as const).entries()) {
      const packets = await generateSim({ start: `2026-01-0${k + 2}T00:00:00Z`, seconds: 600, seed: k + 1 });
      await writeFile(path.join(dir, 'drop', `sim_${framing}.dat`), writeWithDamage('x', packets, framing, []).bytes);
    }
    await writeBusMission(dir, mission, archive);
    return dir;
  }

  function start(dir: string, args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; out: string; err: string }> } {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IDOC_NATS_URL: NATS_URL } });
    let out = '', err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    return { child, done: new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err }))) };
  }
  const idoc = (dir: string, args: string[]) => start(dir, args).done;

  interface Status { routes: { route: string; messages: number; lag: number }[]; consumer?: { pending: number; ackPending: number }; limits?: { maxMessages: number }; throttled: PublisherThrottle[] }
  async function status(dir: string): Promise<Status> {
    const r = await idoc(dir, ['ingest', 'status', '--bus', '--json']);
    expect(r.code, r.err).toBe(0);
    return (JSON.parse(r.out) as { result: Status }).result;
  }

  const rowsOf = (dir: string): string[] => {
    const a = openArchive(path.join(dir, 'archive'), { readonly: true });
    const rows = [...a.query()].map((r) => `${r.apid}/${r.sequenceCount}@${r.tai} ${r.timeStatus} ${r.repeat} ${Buffer.from(a.bytesOf(r)).toString('hex')}`);
    a.close();
    return rows;
  };

  it('the publisher blocks while the worker is stopped, goes on when it starts; every packet arrives exactly once', async () => {
    const bus = { maxMessages: 2, retrySeconds: 0.1 };
    const ref = await setup('ref', { dir: 'archive' });
    expect((await idoc(ref, ['ingest', '--once', '--quiet'])).code).toBe(0);
    const want = rowsOf(ref);
    expect(want.length).toBeGreaterThan(500);

    const pubDir = await setup('pub', { dir: 'state', bus });
    const conDir = await setup('con', { dir: 'archive', bus });
    // The worker ran once (archive and durable consumer made, nothing pending) and is stopped.
    const first = await idoc(conDir, ['ingest', '--consume', '--once', '--quiet', '--json']);
    expect(first.code, first.err).toBe(0);
    const pub = start(pubDir, ['ingest', '--publish', '--once']);
    const held = await until(async () => {
      const s = await status(conDir);
      return s.throttled.length ? s : undefined;
    }, 'ingest status --bus to show the publisher throttled');
    expect(held.throttled).toEqual([expect.objectContaining({ reason: 'stream-full', pid: pub.child.pid })]);
    expect(held.limits?.maxMessages).toBe(2);
    expect(held.routes.reduce((t, r) => t + r.messages, 0)).toBe(2);
    const text = await idoc(conDir, ['ingest', 'status', '--bus']);
    expect(text.out).toMatch(new RegExp(`publisher \\S+ pid ${pub.child.pid} THROTTLED since \\S+Z: stream full`));
    expect(pub.child.exitCode).toBeNull(); // blocked, not failed

    const worker = start(conDir, ['ingest', '--consume', '--watch', '--quiet']);
    const published = await pub.done;
    expect(published.code, published.err).toBe(0);
    expect(published.err).toMatch(/"event":"publish-throttled".*"reason":"stream-full"/);
    expect(published.err).toMatch(/"event":"publish-resumed"/);
    await until(async () => {
      const s = await status(conDir);
      return s.routes.every((r) => r.messages === 0) && s.consumer?.pending === 0 && s.consumer.ackPending === 0 ? s : undefined;
    }, 'the worker to drain the stream');
    worker.child.kill('SIGTERM');
    const w = await worker.done;
    expect(w.code, w.err).toBe(0);
    expect((await status(conDir)).throttled).toEqual([]);
    const got = rowsOf(conDir);
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
  }, 240_000);
});
