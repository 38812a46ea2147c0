/**
 * @module Benchmark (issue 19): storing a 1,000,000-packet mixed capture (bench/capture.ts) into the PostgreSQL
 * archive (src/postgres: COPY into a staging table, INSERT … ON CONFLICT into the APID/time-partitioned index,
 * segment files fdatasync'd before each commit) beside the SQLite store (src/store openArchiveWriter) in the
 * same run, both fed packed batches as ingest packs them (real framing, CRC checked, packet times decoded;
 * ~16,000 packets a transaction, one batch in flight while the next is framed). Baseline: framing and packing
 * only. Target ≥ 200,000 packets/s into PostgreSQL. With a NATS JetStream server (IDOC_NATS_URL, else
 * nats://127.0.0.1:4222), the same batches also go through the ingest bus (telemetry/bus) in the same run:
 * published (`ingest --publish`'s BusPublisher: one message per route, JetStream acks awaited), then consumed by
 * one archive worker (`ingest --consume`'s consumeBus) into a fresh PostgreSQL schema, each timed.
 * Needs a PostgreSQL server (IDOC_PG_URL, else PG* variables, else postgres://postgres@127.0.0.1:5432/test);
 * reports "not run" without one. `--pg-packets N`, `--pg-runs N` (default 3).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_PROFILE } from '../src/ccsds/profile.js';
import { packetTimeOf, timeOffsetOf } from '../src/ccsds/secondary-header.js';
import { openArchiveWriter, PackedBatchBuilder } from '../src/store/index.js';
import { migratePg, openPgArchiveWriter, pgConnect, pgTarget } from '../src/postgres/index.js';
import { openPacketFile } from '../telemetry/framing/index.js';
import { writeMixedCapture } from './capture.js';
import { connect } from 'nats';
import { BusPublisher, committedStreamOf, consumeBus, streamOf } from '../telemetry/bus/index.js';

const NATS_URL = process.env['IDOC_NATS_URL'] ?? 'nats://127.0.0.1:4222';
async function natsUp(): Promise<boolean> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 2000 });
    await (await nc.jetstreamManager()).getAccountInfo();
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const BATCH = 16_384;

interface Sink {
  batch(): PackedBatchBuilder;
  store(b: PackedBatchBuilder, cursor?: { feed: string; value: string }): Promise<{ stored: number }>;
  close(): Promise<void>;
}

/** Frame, time and pack `file` into batches of {@link BATCH} packets, storing each into `sink` (one in flight). */
async function ingest(file: string, sink: Sink | undefined): Promise<{ seconds: number; stored: number }> {
  const t = performance.now();
  const src = await openPacketFile(file, { framing: 'raw', crc: 'yes', chunkSize: 1 << 20 });
  const timeOffset = timeOffsetOf(DEFAULT_PROFILE);
  let stored = 0;
  let inFlight: Promise<{ stored: number }> | undefined;
  let b = sink ? sink.batch() : new PackedBatchBuilder();
  const flush = async (last: number) => {
    if (inFlight) stored += (await inFlight).stored;
    if (sink) {
      inFlight = sink.store(b, { feed: 'bench', value: String(last) });
      b = sink.batch();
    } else {
      stored += b.count;
      b.reset();
    }
  };
  const now = Date.now();
  for await (const chunk of src.batches) {
    for (const p of chunk.packets) b.add(p, packetTimeOf(p.buf, p.offset, p.length, DEFAULT_PROFILE, timeOffset), 'bench', 'bench', file, now);
    if (b.count >= BATCH) await flush(chunk.packets.at(-1)?.streamOffset ?? 0);
  }
  if (b.count) await flush(-1);
  if (inFlight) stored += (await inFlight).stored;
  await sink?.close();
  return { seconds: (performance.now() - t) / 1000, stored };
}

export async function benchPgIngest(): Promise<{ name: string; medianMs: number; runs: number } & Record<string, unknown>> {
  const packets = arg('pg-packets', 1_000_000);
  const runs = arg('pg-runs', 3);
  const work = await mkdtemp(path.join(tmpdir(), 'idoc-pg-bench-'));
  const env = { ...process.env, IDOC_PG_URL: process.env['IDOC_PG_URL'] ?? (process.env['PGHOST'] ? '' : 'postgres://postgres@127.0.0.1:5432/test') };
  try {
    const file = path.join(work, 'capture.bin');
    await writeMixedCapture(file, packets);
    const pg: number[] = [], lite: number[] = [], base: number[] = [];
    const loads: number[] = [];
    for (let r = 0; r < runs; r++) {
      loads.push(loadavg()[0]!);
      base.push((await ingest(file, undefined)).seconds);
      const liteDir = path.join(work, `sqlite-${r}`);
      const l = await ingest(file, await openArchiveWriter(liteDir) as unknown as Sink);
      if (l.stored !== packets) throw new Error(`SQLite stored ${l.stored} of ${packets}`);
      lite.push(l.seconds);
      await rm(liteDir, { recursive: true, force: true });
      const schema = `idoc_bench_${process.pid}_${r}`;
      const target = pgTarget(schema, env);
      const sql = pgConnect(target, 1);
      await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await migratePg(sql, schema);
      const dir = path.join(work, `pg-${r}`);
      try {
        const p = await ingest(file, await openPgArchiveWriter({ target, dir }) as unknown as Sink);
        if (p.stored !== packets) throw new Error(`PostgreSQL stored ${p.stored} of ${packets}`);
        pg.push(p.seconds);
      } finally {
        await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await sql.end();
        await rm(dir, { recursive: true, force: true });
      }
    }
    // Through the bus: publish everything, then one worker consumes it into PostgreSQL.
    const busPub: number[] = [], busCon: number[] = [], busPubBounded: number[] = [];
    if (await natsUp()) {
      for (let r = 0; r < runs; r++) {
        const mission = `bench${process.pid}r${r}${Date.now().toString(36)}`;
        const pub = await BusPublisher.open({ mission, url: NATS_URL });
        busPub.push((await ingest(file, pub as unknown as Sink)).seconds);
        // The bounded path (archive.bus: a work-queue stream, the lag bound checked before every batch), bounds far
        // above what is published so it never waits: the cost of the checks, beside the unbounded publish.
        const boundedMission = `${mission}b`;
        const bounded = await BusPublisher.open({ mission: boundedMission, url: NATS_URL, limits: { maxMessages: 1_000_000, maxLagMessages: 1_000_000 } });
        busPubBounded.push((await ingest(file, bounded as unknown as Sink)).seconds);
        {
          const nc = await connect({ servers: NATS_URL });
          const jsm = await nc.jetstreamManager();
          for (const st of [streamOf(boundedMission), `KV_idoc_${boundedMission.toLowerCase()}_cursors`, `KV_idoc_${boundedMission.toLowerCase()}_publishers`]) await jsm.streams.delete(st).catch(() => undefined);
          await nc.close();
        }
        const schema = `idoc_benchbus_${process.pid}_${r}`;
        const target = pgTarget(schema, env);
        const sql = pgConnect(target, 1);
        await migratePg(sql, schema);
        const dir = path.join(work, `bus-${r}`);
        try {
          const w = await openPgArchiveWriter({ target, dir });
          const t = performance.now();
          const totals = await consumeBus(w, { mission, url: NATS_URL, untilIdle: true });
          await w.close();
          busCon.push((performance.now() - t) / 1000);
          if (totals.stored !== packets) throw new Error(`bus: stored ${totals.stored} of ${packets}`);
        } finally {
          await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await sql.end();
          await rm(dir, { recursive: true, force: true });
          const nc = await connect({ servers: NATS_URL });
          const jsm = await nc.jetstreamManager();
          for (const st of [streamOf(mission), committedStreamOf(mission), `KV_idoc_${mission.toLowerCase()}_cursors`]) await jsm.streams.delete(st).catch(() => undefined);
          await nc.close();
        }
      }
    }
    const rate = (s: number[]) => Math.round(packets / median(s));
    return {
      name: `pg-ingest: ${packets.toLocaleString('en-US')} packed packets into PostgreSQL (COPY → partitioned index) beside SQLite`,
      medianMs: median(pg) * 1000, runs,
      pgPacketsPerSecond: rate(pg), pgBest: Math.round(packets / Math.min(...pg)),
      sqlitePacketsPerSecond: rate(lite), baselinePacketsPerSecond: rate(base),
      ...(busPub.length ? { busPublishPacketsPerSecond: rate(busPub), busPublishBoundedPacketsPerSecond: rate(busPubBounded), busConsumeIntoPgPacketsPerSecond: rate(busCon) } : { bus: 'not run (no NATS JetStream)' }),
      load: `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const r = await benchPgIngest();
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
