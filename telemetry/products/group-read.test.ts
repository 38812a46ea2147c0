/**
 * Routes read together (from-archive.ts `groupPieces`): a window's plain routes are read in one pass over the
 * segment files. A route's products must not depend on which routes are built with it, nor on how its window is cut
 * into pieces: built together, each alone, or as whole windows, file for file the same, with the archive holding
 * what real deliveries hold (interleaved APIDs of hundreds of lengths, routes of several APIDs, an APID no route
 * claims, a second station, damaged copies, and a late re-delivery of one station's packets whose times step back).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPacket, pusCTmSecondaryHeader } from '../../src/ccsds/packet.js';
import { packetTimeOf } from '../../src/ccsds/secondary-header.js';
import { defaultConfig } from '../../src/config/index.js';
import { InputError } from '../../src/errors.js';
import { openArchive, openSqliteArchiveReader } from '../../src/store/index.js';
import { BUILT_SCAN_WORKER } from '../../src/store/_test-packets.js';
import { encodeCuc, utcToTai } from '../../src/time/index.js';
import { SIM_TIME } from '../../fixtures/sim-instrument.js';
import { splitBuffer } from '../framing/index.js';
import { SIM_PROFILE } from './_test-helpers.js';
import type { BuildOptions } from './build.js';
import { productsConfig } from './config.js';
import { buildL0FromArchive } from './from-archive.js';

const dirs: string[] = [];
const tmp = (): string => { const d = mkdtempSync(path.join(tmpdir(), 'idoc-l0g-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Every file under `dir` (relative name → content). */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => { for (const e of readdirSync(d).sort()) { const p = path.join(d, e); if (statSync(p).isDirectory()) walk(p); else out.set(path.relative(dir, p), readFileSync(p)); } };
  walk(dir);
  return out;
}

const T0 = utcToTai('2026-03-01T00:00:00Z');
const APIDS = [1200, 1201, 1202, 1203, 1204, 1205];
const ROUTES = { A: { apids: [1200, 1201] }, B: { apids: [1202] }, C: { apids: [1203, 1205] } }; // 1204: no route
const productTime = '2026-03-02T00:00:00Z';

interface Made { bytes: Uint8Array; index: number }
let archive: string;
let options: Omit<BuildOptions, 'out'>;

beforeAll(() => {
  // 3000 packets over 10 minutes, APIDs at random, 19..318 octets.
  let x = 99;
  const rnd = (k: number): number => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return (x >>> 8) % k; };
  const seq = new Map<number, number>();
  const packets: Made[] = [];
  for (let i = 0; i < 3000; i++) {
    // Route C's APIDs only in the first five minutes: its second window has no product.
    const pool = i < 1500 ? APIDS : [1200, 1201, 1202, 1204];
    const apid = pool[rnd(pool.length)]!;
    const s = seq.get(apid) ?? 0;
    seq.set(apid, s + 1);
    const sh = pusCTmSecondaryHeader({ service: 3, subtype: 25, time: encodeCuc(T0 + i * 0.2, SIM_TIME) });
    const data = Uint8Array.from({ length: 19 + rnd(300) - 6 - sh.length - 2 }, (_, k) => (i * 7 + k) & 0xff);
    packets.push({ bytes: buildPacket({ type: 0, apid, sequenceFlags: 3, sequenceCount: s & 0x3fff, secondaryHeader: sh, data, crc: true }), index: i });
  }
  archive = tmp();
  const a = openArchive(archive);
  let received = 1_772_323_200_000;
  const store = (ps: readonly Made[], source: string): void => {
    const all = Buffer.concat(ps.map((p) => p.bytes));
    const framed = splitBuffer(all, { framing: 'raw', crc: 'yes' }).batch.packets;
    a.storeBatch(framed.map((packet) => ({ packet, tai: packetTimeOf(packet.buf, packet.offset, packet.length, SIM_PROFILE), route: 'SIM', feed: 'test', source, receivedUnixMs: received })));
    received += 60_000;
  };
  // Station A delivers all but packets 500..699 (and every third packet goes through station B); a damaged copy of
  // some packets comes from station B; then station A re-delivers 500..699, after everything else.
  const late = (p: Made): boolean => p.index >= 500 && p.index < 700;
  store(packets.filter((p) => p.index % 3 !== 2 && !late(p)), 'station-a.dds');
  store(packets.filter((p) => p.index % 3 === 2), 'station-b.dds');
  store(packets.filter((p) => p.index % 97 === 0).map((p) => { const b = Uint8Array.from(p.bytes); b[b.length - 3]! ^= 0xff; return { bytes: b, index: p.index }; }), 'station-b.dds');
  store(packets.filter((p) => p.index % 3 !== 2 && late(p)), 'station-a.dds');
  a.close();
  const cfg = productsConfig({ ...defaultConfig(), mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, raw: { products: { bundle: 'urn:esa:psa:group', routes: ROUTES } } });
  options = { products: cfg, mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, profile: SIM_PROFILE, window: { kind: 'duration', seconds: 300, text: 'PT5M' }, productTime };
});

/** The products of each route (its folder), without the collection (which lists the routes built). */
const routeTrees = (out: string): Map<string, Buffer> => new Map([...tree(out)].filter(([name]) => !name.includes('collection_')));

describe('routes read together', () => {
  it('give each route the products it gets built alone and as whole windows, file for file, late steps back flagged', async () => {
    const r = await openSqliteArchiveReader(archive, { scanThread: 'never' });
    try {
      const together = tmp(), whole = tmp();
      // 40,000 octets: pieces of at most 78 packets (a few per window and route), read in parts of a quarter of that.
      const built = await buildL0FromArchive(r, { ...options, out: together, pieceBytes: 40_000 });
      await buildL0FromArchive(r, { ...options, out: whole, pieceBytes: Infinity });
      const alone = new Map<string, Buffer>();
      for (const route of Object.keys(ROUTES)) {
        const out = tmp();
        await buildL0FromArchive(r, { ...options, out, pieceBytes: 40_000, routes: [route] });
        for (const [k, v] of routeTrees(out)) alone.set(k, v);
      }
      // Route by route in the report, windows in time order; every packet of a route read once.
      expect(built.products.map((p) => [p.route, p.window])).toEqual([
        ['A', '20260301t000000'], ['A', '20260301t000500'], ['B', '20260301t000000'], ['B', '20260301t000500'], ['C', '20260301t000000'],
      ]);
      const sum = (k: 'packets' | 'duplicates' | 'timeProblems') => built.products.reduce((n, p) => n + p.summary[k], 0);
      expect(sum('duplicates')).toBeGreaterThan(0);
      expect(sum('timeProblems')).toBeGreaterThan(0);
      expect(sum('packets') + sum('duplicates')).toBe(built.packets);
      expect(routeTrees(together)).toEqual(routeTrees(whole));
      expect(routeTrees(together)).toEqual(alone);
      const again = await buildL0FromArchive(r, { ...options, out: together, pieceBytes: 40_000 });
      expect(again.products.map((p) => p.status)).toEqual(built.products.map(() => 'unchanged'));
    } finally {
      await r.close();
    }
  });

  it.skipIf(!BUILT_SCAN_WORKER)('give the same products with the scan on its own thread', async () => {
    const here = await openSqliteArchiveReader(archive, { scanThread: 'never' });
    const threaded = await openSqliteArchiveReader(archive, { scanWorkerFile: BUILT_SCAN_WORKER!, scanThread: 'always' });
    try {
      const a = tmp(), b = tmp();
      await buildL0FromArchive(here, { ...options, out: a, pieceBytes: 40_000 });
      await buildL0FromArchive(threaded, { ...options, out: b, pieceBytes: 40_000 });
      expect(tree(b)).toEqual(tree(a));
    } finally {
      await here.close();
      await threaded.close();
    }
  });

  it('a route that cannot be written fails the build with its own error; the others stop, leaving no partial file', async () => {
    const r = await openSqliteArchiveReader(archive, { scanThread: 'never' });
    try {
      const out = tmp();
      mkdirSync(path.join(out, 'data_raw'), { recursive: true });
      writeFileSync(path.join(out, 'data_raw', 'b'), 'not a folder'); // where route B's products go
      await expect(buildL0FromArchive(r, { ...options, out, pieceBytes: 40_000 })).rejects.toThrow(/data_raw[/\\]b/);
      expect([...tree(out).keys()].filter((f) => f.endsWith('.tmp') || f.endsWith('.xml'))).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('octets missing from a segment file fail the build naming the file and offset, leaving no partial file', async () => {
    const copy = tmp();
    cpSync(archive, copy, { recursive: true });
    const segments = path.join(copy, 'segments');
    const file = readdirSync(segments).sort()[0]!;
    truncateSync(path.join(segments, file), 150_000);
    const r = await openSqliteArchiveReader(copy, { scanThread: 'never' });
    try {
      const out = tmp();
      // An input error (the CLI's exit 2 and one line), not an internal one.
      const failed = buildL0FromArchive(r, { ...options, out, pieceBytes: 40_000 });
      await expect(failed).rejects.toThrow(new RegExp(`${file}: offset \\d+: octets referenced by the index are missing`));
      await expect(failed).rejects.toBeInstanceOf(InputError);
      expect([...tree(out).keys()].filter((f) => f.endsWith('.tmp') || f.endsWith('.xml'))).toEqual([]);
    } finally {
      await r.close();
    }
  });
});
