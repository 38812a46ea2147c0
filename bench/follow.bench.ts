/**
 * @module Benchmark: what decoding during ingest reads to find the packets stored since its last decoding (issue
 * 16, telemetry/parameters/ingest-hook.ts). An SQLite archive of N packets on the decoding route (APIDs 1100 and
 * 1101; `--follow-packets N`, default 400,000, and a quarter of that, to show how each grows) gets 2,000 new
 * packets; then the rows after the mark are read through the archive port:
 * - `afterArrival`: PacketQuery.afterArrival, found through the arrival index (src/store/schema.ts);
 * - baseline, in the same run on the same archive: every row of the route, filtered by arrival (what the hook did
 *   before the arrival filter).
 * Medians of `--follow-runs` (default 5) reads each, after one warm-up read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_PROFILE } from '../src/ccsds/profile.js';
import { openArchive, openSqliteArchiveReader } from '../src/store/index.js';
import type { ArchiveReader, PacketQuery } from '../src/archive/port.js';
import { framed, items, pusPacket } from '../src/store/_test-packets.js';
import { arg, median } from './_common.js';

const NEW = 2000;

/** Store `n` packets from number `from` on, in batches of 10,000 (1 Hz per APID, two APIDs). */
function fill(dir: string, from: number, n: number): void {
  const a = openArchive(dir, { synchronous: 'normal', fsync: false, arrivalIndex: true });
  for (let k = from; k < from + n; k += 10_000) {
    const pk: Uint8Array[] = [];
    for (let i = k; i < Math.min(from + n, k + 10_000); i++) pk.push(pusPacket(1100 + (i & 1), (i >> 1) & 16383, 1_000_000 + (i >> 1), i & 255));
    a.storeBatch(items(framed(pk), DEFAULT_PROFILE, { route: 'HK' }));
  }
  a.close();
}

async function count(r: ArchiveReader, q: PacketQuery, after: number): Promise<number> {
  let n = 0;
  for await (const rows of r.rows(q)) for (const row of rows) if (row.arrival > after) n++;
  return n;
}

async function measure(size: number, runs: number): Promise<{ follow: number; full: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idoc-follow-bench-'));
  try {
    fill(dir, 0, size);
    let r = await openSqliteArchiveReader(dir);
    let mark = -1;
    for await (const rows of r.rows({ route: 'HK', fromTai: 1_000_000 + (size >> 1) - 2 as never })) for (const row of rows) mark = Math.max(mark, row.arrival);
    await r.close();
    fill(dir, size, NEW);
    r = await openSqliteArchiveReader(dir);
    const follow: number[] = [];
    const full: number[] = [];
    try {
      for (let k = 0; k <= runs; k++) {
        let t = performance.now();
        const a = await count(r, { route: 'HK', afterArrival: mark }, mark);
        const tFollow = performance.now() - t;
        t = performance.now();
        const b = await count(r, { route: 'HK' }, mark);
        const tFull = performance.now() - t;
        if (k > 0) { follow.push(tFollow); full.push(tFull); } // the first read of each warms up (JIT, page cache)
        if (a !== NEW || b !== NEW) throw new Error(`follow bench: ${a} and ${b} new rows, expected ${NEW}`);
      }
    } finally {
      await r.close();
    }
    return { follow: median(follow), full: median(full) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchFollow(): Promise<{ name: string; medianMs: number; runs: number } & Record<string, number | string>> {
  const size = arg('follow-packets', 400_000);
  const runs = arg('follow-runs', 5);
  const small = await measure(size >> 2, runs);
  const large = await measure(size, runs);
  return {
    name: `follow: the ${NEW} rows stored since the mark, on a route of ${size} packets (PacketQuery.afterArrival), baseline = the route's rows filtered by arrival`,
    medianMs: large.follow, runs,
    baselineMs: large.full,
    [`afterArrivalMsAt${size >> 2}`]: small.follow,
    [`baselineMsAt${size >> 2}`]: small.full,
    loadAverage: (await import('node:os')).loadavg()[0]!,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  process.stdout.write(`${JSON.stringify(await benchFollow(), null, 2)}\n`);
}
