import { ArchiveScan } from '../../src/store/scan.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { packetTimeOf } from '../../src/ccsds/secondary-header.js';
import { loadConfig } from '../../src/config/index.js';
import { openArchive, openSqliteArchiveReader, type Archive } from '../../src/store/index.js';
import { BUILT_SCAN_WORKER } from '../../src/store/_test-packets.js';
import { splitBuffer } from '../framing/index.js';
import { generateSim, SIM_APIDS, type SimPacket } from '../../fixtures/sim-instrument.js';
import { SIM_PROFILE, toL0 } from './_test-helpers.js';
import { buildL0, buildWindows, type BuildOptions, type WindowBatch } from './build.js';
import { productsConfig } from './config.js';
import { archiveRoutes, archiveWindows, buildL0FromArchive } from './from-archive.js';
import { listL0 } from './list.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(ROOT, 'fixtures/l0/idoc.json');
const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(path.join(tmpdir(), 'idoc-l0a-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => { for (const e of readdirSync(d).sort()) { const p = path.join(d, e); if (statSync(p).isDirectory()) walk(p); else out.set(path.relative(dir, p), readFileSync(p)); } };
  walk(dir);
  return out;
}

/** Store packets into the archive the way ingest does (framed by the real splitter, times per the profile). */
function store(archive: Archive, packets: readonly SimPacket[], source: string, receivedUnixMs = 1_767_225_600_000, untimed: (apid: number, seq: number) => boolean = () => false): void {
  const all = Buffer.concat(packets.map((p) => p.bytes));
  const framed = splitBuffer(all, { framing: 'raw', crc: 'yes' }).batch.packets;
  archive.storeBatch(framed.map((packet) => ({
    packet, tai: untimed(packet.apid, packet.sequenceCount) ? undefined : packetTimeOf(packet.buf, packet.offset, packet.length, SIM_PROFILE),
    route: 'SIM', feed: 'test', source, receivedUnixMs,
  })));
}

let sim: SimPacket[];
let options: Omit<BuildOptions, 'out'>;
beforeAll(async () => {
  sim = await generateSim({ seconds: 120 });
  options = { products: productsConfig(await loadConfig(CONFIG)), mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, profile: SIM_PROFILE };
});


describe('L0 products from the archive', () => {
  it('equal the products built from the same packets in memory, file for file', async () => {
    const dir = tmp();
    const a = openArchive(dir);
    // Stored in two batches, HK first: arrival order differs from time order, the products must not.
    store(a, sim.filter((p) => p.apid === SIM_APIDS.hkFast), 'sim.bin');
    store(a, sim.filter((p) => p.apid !== SIM_APIDS.hkFast), 'sim.bin');
    a.close();
    const ro = await openSqliteArchiveReader(dir);
    const fromArchive = tmp(), fromMemory = tmp();
    const r = await buildL0FromArchive(ro, { ...options, out: fromArchive });
    // Product time: the archive's last ingest time (the archive writer's clock), the same for every product.
    const lastIngest = Math.max(...(await ro.status()).apids.map((x) => x.lastIngestUnixMs ?? -Infinity));
    expect(new Set(r.products.map((p) => p.productTime))).toEqual(new Set([new Date(lastIngest).toISOString()]));
    await ro.close();
    await buildL0([...sim.filter((p) => p.apid === SIM_APIDS.hkFast), ...sim.filter((p) => p.apid !== SIM_APIDS.hkFast)].map((p) => ({ ...toL0(p, 'sim.bin'), tai: packetTimeOf(p.bytes, 0, p.bytes.length, SIM_PROFILE), receivedUnixMs: 1_767_225_600_000 })), { ...options, out: fromMemory, productTime: r.products[0]!.productTime });
    expect(r.packets).toBe(sim.length);
    expect(r.products.map((p) => [p.route, p.status, p.summary.flaggedPackets])).toEqual([
      ['SIM_HK_FAST', 'new', 0], ['SIM_HK_SLOW', 'new', 0], ['SIM_SCI', 'new', 0], ['SIM_EVT', 'new', 0],
    ]);
    expect(tree(fromArchive)).toEqual(tree(fromMemory));
  });

  it('windows built in pieces (bounded memory) give the same products as whole windows; a rebuild is unchanged', async () => {
    const dir = tmp();
    const a = openArchive(dir);
    store(a, sim, 'sim.bin');
    a.close();
    const ro = await openSqliteArchiveReader(dir);
    try {
      const whole = tmp(), pieces = tmp();
      const rw = await buildL0FromArchive(ro, { ...options, out: whole, pieceBytes: Infinity });
      // 3000 octets: the housekeeping and event windows go in pieces of a few dozen packets; science (reassembled) whole
      const rp = await buildL0FromArchive(ro, { ...options, out: pieces, pieceBytes: 3000 });
      expect(rp.products.map((p) => [p.productId, p.status, p.summary])).toEqual(rw.products.map((p) => [p.productId, p.status, p.summary]));
      expect(tree(pieces)).toEqual(tree(whole));
      const again = await buildL0FromArchive(ro, { ...options, out: pieces, pieceBytes: 3000 });
      expect(again.products.map((p) => p.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
      expect(tree(pieces)).toEqual(tree(whole));
    } finally {
      await ro.close();
    }
  });

  it.skipIf(!BUILT_SCAN_WORKER)('with the scan on its own thread (rows and pieces read ahead) the products are the same, whole or in pieces', async () => {
    const dir = tmp();
    const a = openArchive(dir);
    // HK first, then the rest: arrival order differs from time order.
    store(a, sim.filter((p) => p.apid === SIM_APIDS.hkFast), 'sim.bin');
    store(a, sim.filter((p) => p.apid !== SIM_APIDS.hkFast), 'sim.bin');
    a.close();
    const here = await openSqliteArchiveReader(dir, { scanThread: 'never' });
    const threaded = await openSqliteArchiveReader(dir, { scanWorkerFile: BUILT_SCAN_WORKER!, scanThread: 'always' });
    try {
      expect([here.scanAhead, threaded.scanAhead]).toEqual([false, true]);
      const whole = tmp(), pieces = tmp(), ahead = tmp(), aheadWhole = tmp();
      const productTime = '2026-01-02T00:00:00Z';
      const rw = await buildL0FromArchive(here, { ...options, out: whole, pieceBytes: Infinity, productTime });
      await buildL0FromArchive(here, { ...options, out: pieces, pieceBytes: 3000, productTime });
      // 3000 octets: dozens of pieces per window, each read on the thread while the one before is processed.
      const rt = await buildL0FromArchive(threaded, { ...options, out: ahead, pieceBytes: 3000, productTime });
      await buildL0FromArchive(threaded, { ...options, out: aheadWhole, pieceBytes: Infinity, productTime });
      expect(rt.products.map((p) => [p.productId, p.status, p.summary])).toEqual(rw.products.map((p) => [p.productId, p.status, p.summary]));
      expect(rt.packets).toBe(sim.length);
      expect(tree(ahead)).toEqual(tree(whole));
      expect(tree(aheadWhole)).toEqual(tree(whole));
      expect(tree(pieces)).toEqual(tree(whole));
    } finally {
      await here.close();
      await threaded.close();
    }
  });

  it('late packets make version 2 (version 1 kept, inventory updated); the same archive twice gives identical trees', async () => {
    const dir = tmp();
    const late = new Set(sim.filter((p) => p.apid === SIM_APIDS.hkFast && p.sequenceCount >= 40 && p.sequenceCount < 43));
    let a = openArchive(dir);
    store(a, sim.filter((p) => !late.has(p)), 'first.dat');
    a.close();
    const out = tmp(), twin = tmp();
    const build = async (to: string) => {
      const ro = await openSqliteArchiveReader(dir);
      try { return await buildL0FromArchive(ro, { ...options, out: to }); } finally { await ro.close(); }
    };
    const first = await build(out);
    expect(first.products[0]!.summary).toMatchObject({ gaps: 1, missingPackets: 3 });
    a = openArchive(dir);
    store(a, [...late], 'late.dat', 1_767_229_200_000);
    a.close();
    const second = await build(out);
    expect(second.products.map((p) => [p.productId, p.status, p.version])).toEqual([
      ['sim_hk_fast_l0_20260101', 'updated', 2], ['sim_hk_slow_l0_20260101', 'unchanged', 1], ['sim_sci_l0_20260101', 'unchanged', 1], ['sim_evt_l0_20260101', 'unchanged', 1],
    ]);
    // The late delivery comes from another source: its times are not a step back.
    expect(second.products[0]!.summary).toMatchObject({ packets: 120, gaps: 0, flaggedPackets: 0 });
    expect(second.collection).toMatchObject({ status: 'updated', lidvid: 'urn:esa:psa:sample_sim:data_raw::2.0', members: 4 });
    expect(readFileSync(path.join(out, 'data_raw/collection_data_raw_v2.csv'), 'utf8')).toContain('sim_hk_fast_l0_20260101::2.0\r\n');
    expect(readFileSync(path.join(out, 'data_raw/collection_data_raw_v1.csv'), 'utf8')).toContain('sim_hk_fast_l0_20260101::1.0\r\n');
    const hk = path.join(out, 'data_raw/sim_hk_fast');
    expect(readdirSync(hk).filter((f) => f.endsWith('.xml')).sort()).toEqual(['sim_hk_fast_l0_20260101_v1.xml', 'sim_hk_fast_l0_20260101_v2.xml']);
    expect(readFileSync(path.join(hk, 'sim_hk_fast_l0_20260101_v2.dat'))).toEqual(Buffer.concat(sim.filter((p) => p.apid === SIM_APIDS.hkFast).map((p) => p.bytes)));
    const list = await listL0(out);
    expect(list.products.filter((p) => p.productId === 'sim_hk_fast_l0_20260101').map((p) => [p.version, p.latest])).toEqual([[1, false], [2, true]]);
    // Nothing new: nothing written.
    const before = tree(out);
    const third = await build(out);
    expect(third.products.every((p) => p.status === 'unchanged') && third.collection?.status === 'unchanged').toBe(true);
    expect(tree(out)).toEqual(before);
    // Twice from the same archive into fresh folders: byte-identical.
    await build(twin);
    const again = tmp();
    await build(again);
    expect(tree(again)).toEqual(tree(twin));
  });

  it('packets without a packet time go by reception time; windows read whole or in pieces give the same products', async () => {
    const dir = tmp();
    const a = openArchive(dir);
    store(a, sim.filter((p) => p.apid !== SIM_APIDS.event), 'a.dat');
    // Events stored without a packet time, received on 2026-01-01 and on 2026-01-02.
    const events = sim.filter((p) => p.apid === SIM_APIDS.event);
    store(a, events.slice(0, 1), 'b.dat', 1_767_225_600_000, () => true);
    store(a, events.slice(1), 'c.dat', 1_767_312_000_000 + 3600_000, () => true);
    a.close();
    const ro = await openSqliteArchiveReader(dir);
    try {
      // The scan reads the archive's current schema (it fell back to the interface, silently, when it did not).
      const opened = ArchiveScan.open(dir);
      expect(opened).toBeDefined();
      opened!.close();
      const scan = tmp(), again = tmp();
      const rs = await buildL0FromArchive(ro, { ...options, out: scan });
      // The same windows without reused read buffers or pieces give the same files.
      const ra = await buildWindows(archiveWindows(ro, options), { ...options, out: again, productTime: rs.products[0]!.productTime });
      expect(rs.products.map((p) => [p.productId, p.summary.packets])).toEqual([
        ['sim_hk_fast_l0_20260101', 120], ['sim_hk_slow_l0_20260101', 120], ['sim_sci_l0_20260101', 39],
        ['sim_evt_l0_20260101', 1], ['sim_evt_l0_20260102', events.length - 1],
      ]);
      expect(ra.products.map((p) => p.productId)).toEqual(rs.products.map((p) => p.productId));
      expect(tree(again)).toEqual(tree(scan));
    } finally {
      await ro.close();
    }
  });

  it('scans rows in (time, count) order; when the fast unordered read comes back out of order it reads the APID again ordered', async () => {
    const dir = tmp();
    const a = openArchive(dir);
    store(a, sim, 'sim.bin');
    a.close();
    const scan = ArchiveScan.open(dir)!;
    try {
      const apid = SIM_APIDS.hkFast;
      const fromTai = sim[0]!.tai - 1, toTai = sim.at(-1)!.tai + 1;
      const snapshot = () => { const r = scan.rows([apid], fromTai, toTai); return { tai: Array.from(r.tai), seq: Array.from(r.seq), raw: Array.from(r.raw) }; };
      const inOrder = snapshot();
      expect(inOrder.tai.length).toBe(sim.filter((p) => p.apid === apid).length);
      expect(inOrder.tai).toEqual([...inOrder.tai].sort((x, y) => x - y));
      // SQLite hands rows of an unordered select backwards under this pragma: the check must catch it.
      (scan as unknown as { db: { pragma(s: string): unknown } }).db.pragma('reverse_unordered_selects = ON');
      expect(snapshot()).toEqual(inOrder);
    } finally {
      scan.close();
    }
  });

  it('streams one window of one route at a time, in time order, and names the APIDs no route claims', async () => {
    const dir = tmp();
    const a = openArchive(dir);
    store(a, sim, 'sim.bin');
    a.close();
    const ro = await openSqliteArchiveReader(dir);
    try {
      const stats = { packets: 0, bytes: 0, unroutedApids: [] as number[] };
      const batches: WindowBatch[] = [];
      for await (const b of archiveWindows(ro, { ...options, routes: ['SIM_HK_FAST', 'SIM_SCI'], window: { kind: 'duration', seconds: 60, text: 'PT1M' } }, stats)) batches.push(...('group' in b ? b.group : [b]));
      expect(batches.map((b) => [b.route.name, b.window.id, b.packets.length])).toEqual([
        ['SIM_HK_FAST', '20260101t000000', 60], ['SIM_HK_FAST', '20260101t000100', 60],
        ['SIM_SCI', '20260101t000000', sim.filter((p) => p.apid === SIM_APIDS.science && p.tai < sim[0]!.tai + 60).length],
        ['SIM_SCI', '20260101t000100', sim.filter((p) => p.apid === SIM_APIDS.science && p.tai >= sim[0]!.tai + 60).length],
      ]);
      expect(stats.packets).toBe(batches.reduce((n, b) => n + b.packets.length, 0));
      expect(archiveRoutes([1100, 1500], options)).toMatchObject({ unrouted: [1500], routes: [{ route: { name: 'SIM_HK_FAST' }, apids: [1100] }] });
      expect(archiveRoutes([7], { ...options, products: { ...options.products, routes: [] } }).routes.map((r) => r.route.name)).toEqual(['apid_7']);
    } finally {
      await ro.close();
    }
  });

  it('idoc l0 build reads the archive by default; no archive is an input error (exit 2)', async () => {
    const dir = tmp();
    const a = openArchive(dir);
    store(a, sim, 'sim.bin');
    a.close();
    const out = tmp();
    const text: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => text.push(s), err: (s: string) => err.push(s), errIsTty: false };
    expect(await run(['l0', 'build', '--config', CONFIG, '--archive', dir, '--out', out, '--json', '--product-time', '2026-01-02T00:00:00Z'], io)).toBe(0);
    const report = JSON.parse(text.join('')).result as { products: { status: string; productTime: string }[]; archive: string };
    expect(report.products.map((p) => p.status)).toEqual(['new', 'new', 'new', 'new']);
    expect(report.products[0]!.productTime).toBe('2026-01-02T00:00:00.000Z');
    expect(report.archive).toBe(dir);
    expect(await run(['l0', 'build', '--config', CONFIG, '--archive', path.join(dir, 'nope'), '--out', out], io)).toBe(2);
    expect(err.join('')).toMatch(/nope: not an idoc archive .*--archive DIR/);
    expect(await run(['l0', 'build', '--config', CONFIG, '--archive', dir, '--from-files', 'x.bin', '--out', out], io)).toBe(2);
  });
});
