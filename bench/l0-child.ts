/**
 * @module One L0 build (or a read baseline) in this process, for `l0-fresh.bench.ts`: a fresh process pays for every
 * page it touches, so this is what a cron job's `idoc l0 build` costs. Prints one JSON line:
 * `{ ms, cpuMs, bytes, packets, products, maxRssMB }` (`cpuMs`: the process's user + system CPU, all threads, from
 * its start; `maxRssMB`: its peak resident set, VmHWM). Modes: `build`; `read` (the archive's object query, `apidRows` + `bytesOf`, as `idoc archive query`);
 * `scan` (the port's columnar scan of all APIDs over all time + `scanOctets` in arrival order in 8 MiB parts, what L0
 * building reads when it reads its routes together); `plain`
 * (bare better-sqlite3: the same rows' columns iterated as arrays, and the segment files read front to back in
 * 16 MiB reads: the floor of reading the same index and octets).
 * Usage: `node dist/bench/l0-child.js build|read|scan|plain ARCHIVE OUT WINDOW ROUTES_JSON`.
 */
import { peakRssMB } from './_common.js';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { asTai } from '../src/time/index.js';
import { DEFAULT_PROFILE } from '../src/ccsds/profile.js';
import { defaultConfig } from '../src/config/index.js';
import { openArchive, openSqliteArchiveReader } from '../src/store/index.js';
import { SIM_TIME } from '../fixtures/sim-instrument.js';
import { buildL0FromArchive, parseWindow, productsConfig } from '../telemetry/products/index.js';

const [mode, archiveDir, out, window, routes] = process.argv.slice(2) as [string, string, string, string, string];
const PROFILE = { ...DEFAULT_PROFILE, time: SIM_TIME, crc: 'yes' as const };
const mission = { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' };
const t = performance.now();
let bytes = 0, packets = 0, products = 0;
if (mode === 'read') {
  const a = openArchive(archiveDir, { readonly: true });
  for (const apid of a.apids()) for (const r of a.apidRows(apid)) { bytes += a.bytesOf(r).length; packets++; }
  a.close();
} else if (mode === 'scan') {
  // As L0 reads routes together: all APIDs' rows at once, their octets in arrival order in parts of 8 MiB.
  const r = await openSqliteArchiveReader(archiveDir);
  const cols = await r.scan({ apids: await r.apids(), fromTai: asTai(0), toTai: asTai(Number.MAX_VALUE) });
  const order = Int32Array.from({ length: cols.count }, (_, i) => i).sort((x, y) => cols.arrival[x]! - cols.arrival[y]!);
  const into = new Uint8Array(new SharedArrayBuffer(8 << 20));
  for (let k = 0; k < order.length;) {
    let e = k, n = 0;
    while (e < order.length && (e === k || n + cols.length[order[e]!]! <= into.length)) n += cols.length[order[e++]!]!;
    await r.scanOctets!(cols, into, order.subarray(k, e));
    bytes += n; packets += e - k;
    k = e;
  }
  await r.close();
} else if (mode === 'plain') {
  const db = new Database(path.join(archiveDir, 'index.sqlite'), { readonly: true });
  const apids = db.prepare('SELECT DISTINCT apid FROM packets').pluck().all() as number[];
  const st = db.prepare('SELECT tkey, seq, raw, meta, ground, origin, len, dds FROM packets WHERE apid = ? ORDER BY tkey, seq').raw();
  for (const a of apids) for (const row of st.iterate(a) as Iterable<number[]>) { bytes += row[6]!; packets++; }
  db.close();
  const buf = Buffer.allocUnsafeSlow(16 << 20);
  const dir = path.join(archiveDir, 'segments');
  for (const f of fs.readdirSync(dir).sort()) {
    const fd = fs.openSync(path.join(dir, f), 'r');
    while (fs.readSync(fd, buf, 0, buf.length, null) > 0) { /* octets only */ }
    fs.closeSync(fd);
  }
} else {
  const config = { ...defaultConfig(), mission };
  const cfg = productsConfig({ ...config, raw: { products: { bundle: 'urn:esa:psa:bench', routes: JSON.parse(routes) as Record<string, unknown> } } });
  const archive = await openSqliteArchiveReader(archiveDir);
  const r = await buildL0FromArchive(archive, { out, products: cfg, profile: PROFILE, mission, window: parseWindow(window), productTime: '2026-01-02T00:00:00Z' });
  await archive.close();
  bytes = r.bytes; packets = r.packets; products = r.products.length;
}
const ms = performance.now() - t;
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes, packets, products, maxRssMB: peakRssMB() })}\n`);
