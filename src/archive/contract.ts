/**
 * @module The archive port's contract suite (issue 15): {@link archiveContract} registers the vitest tests every
 * implementation of port.ts must pass, so SQLite (src/store/contract.test.ts) and any later implementation
 * (PostgreSQL, an object store) are held to the same behaviour, as hono runs one suite over its adapters. Each test
 * gets a fresh, empty archive from the factory; packets are real CCSDS space packets (CCSDS 133.0-B-2 §4.1,
 * built by src/ccsds/packet.ts) handed over as packet views, the way ingest does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildPacket } from '../ccsds/packet.js';
import type { PacketView } from '../ccsds/packet-view.js';
import { asTai } from '../time/tai.js';
import { utcUnixToTai } from '../time/utc.js';
import type { ArchiveReader, ArchiveWriter, PacketRow, ProductRecord } from './port.js';

/** A fresh, empty archive of the implementation under test. */
export interface ArchiveUnderTest {
  /** Open the writer (once per test). */
  writer(): Promise<ArchiveWriter>;
  /** Open a reader on the same archive (after something was stored; may be called more than once). */
  reader(): Promise<ArchiveReader>;
  /** Remove the archive (after writer and readers were closed). */
  dispose?(): Promise<void>;
}

/** One packet of a test: APID, count, time (TAI seconds) and a fill byte making its octets distinct. */
interface P { readonly apid: number; readonly seq: number; readonly t: number; readonly fill: number; readonly crc?: 'ok' | 'bad' }

const octetsOf = (p: P): Uint8Array =>
  buildPacket({ type: 0, apid: p.apid, sequenceFlags: 3, sequenceCount: p.seq & 0x3fff, secondaryHeader: new Uint8Array(0), data: new Uint8Array(10 + (p.fill % 7)).fill(p.fill), crc: false });

/** A packet view of `p`, as framing hands it over (at `offset` of its source). */
function viewOf(p: P, offset: number): PacketView {
  const buf = octetsOf(p);
  return {
    buf, offset: 0, length: buf.length, streamOffset: offset, apid: p.apid, type: 0, secondaryHeader: false, sequenceFlags: 3,
    sequenceCount: p.seq & 0x3fff, crc: p.crc ?? 'none', dds: undefined, captureUs: NaN,
  };
}

/** The time base of the tests: 2026-01-01T00:00:00Z as TAI. */
const T0 = utcUnixToTai(Date.UTC(2026, 0, 1) / 1000);
const RECEIVED = Date.UTC(2026, 0, 2);

/**
 * Register the contract tests of an archive implementation.
 * @param name the implementation, for the describe block
 * @param fresh makes a fresh, empty archive for each test
 */
export function archiveContract(name: string, fresh: () => Promise<ArchiveUnderTest>): void {
  describe(`archive port contract: ${name}`, () => {
    let open: { a: ArchiveUnderTest; writer?: ArchiveWriter; readers: ArchiveReader[] } | undefined;
    afterEach(async () => {
      if (!open) return;
      for (const r of open.readers) await r.close();
      await open.writer?.close();
      await open.a.dispose?.();
      open = undefined;
    });
    const setup = async () => {
      const a = await fresh();
      const writer = await a.writer();
      open = { a, writer, readers: [] };
      const reader = async () => {
        const r = await a.reader();
        open!.readers.push(r);
        return r;
      };
      return { writer, reader };
    };
    /** Store packets as one batch of source `source` (offsets = index in the list). */
    const store = (w: ArchiveWriter, ps: readonly P[], opts: { source?: string; feed?: string; route?: string; cursor?: string } = {}) => {
      const b = w.batch();
      ps.forEach((p, i) => b.add(viewOf(p, i * 100), T0 + p.t, opts.route ?? 'hk', opts.feed ?? 'f', opts.source ?? 'pass.dat', RECEIVED));
      return w.store(b, opts.cursor === undefined ? undefined : { feed: opts.feed ?? 'f', value: opts.cursor });
    };
    const allRows = async (r: ArchiveReader, q?: Parameters<ArchiveReader['rows']>[0]): Promise<PacketRow[]> => {
      const out: PacketRow[] = [];
      for await (const batch of r.rows(q)) out.push(...batch);
      return out;
    };
    const key = (r: PacketRow) => `${r.apid}/${r.sequenceCount}@${(r.tai ?? NaN) - T0}`;

    it('stores a batch and its cursor exactly once; the same batch again is all duplicates', async () => {
      const { writer, reader } = await setup();
      const ps: P[] = [{ apid: 100, seq: 1, t: 0, fill: 1 }, { apid: 100, seq: 2, t: 1, fill: 2 }, { apid: 200, seq: 1, t: 0.5, fill: 3 }];
      expect(await store(writer, ps, { cursor: 'offset 300' })).toMatchObject({ stored: 3, duplicates: 0, repeats: 0 });
      expect(await writer.cursor('f')).toBe('offset 300');
      expect(await store(writer, ps, { cursor: 'offset 300' })).toMatchObject({ stored: 0, duplicates: 3 });
      const r = await reader();
      expect((await allRows(r)).map(key)).toEqual(['100/1@0', '200/1@0.5', '100/2@1']);
      const s = await r.status();
      expect([s.packets, s.duplicates]).toEqual([3, 3]);
      expect(Object.fromEntries(await r.cursors())).toEqual({ f: 'offset 300' });
    });

    it('counts a packet twice in one batch as one stored and one duplicate', async () => {
      const { writer, reader } = await setup();
      const p: P = { apid: 7, seq: 9, t: 2, fill: 4 };
      const b = writer.batch();
      b.add(viewOf(p, 0), T0 + 2, 'hk', 'f', 'x.dat', RECEIVED);
      b.add(viewOf(p, 0), T0 + 2, 'hk', 'f', 'x.dat', RECEIVED);
      expect(await writer.store(b)).toMatchObject({ stored: 1, duplicates: 1 });
      expect((await allRows(await reader())).length).toBe(1);
    });

    it('keeps the cursor of each feed, the last one saved winning, with an empty batch too', async () => {
      const { writer, reader } = await setup();
      await store(writer, [{ apid: 1, seq: 1, t: 0, fill: 0 }], { feed: 'a', cursor: '1' });
      await store(writer, [{ apid: 1, seq: 2, t: 1, fill: 0 }], { feed: 'a', cursor: '2' });
      await writer.store(writer.batch(), { feed: 'b', value: 'only a cursor' });
      expect([await writer.cursor('a'), await writer.cursor('b'), await writer.cursor('none')]).toEqual(['2', 'only a cursor', undefined]);
      expect(Object.fromEntries(await (await reader()).cursors())).toEqual({ a: '2', b: 'only a cursor' });
    });

    it('returns rows in time order across APIDs, within [fromTai, toTai), by APID range and route', async () => {
      const { writer, reader } = await setup();
      await store(writer, [{ apid: 300, seq: 1, t: 3, fill: 1 }, { apid: 100, seq: 1, t: 1, fill: 2 }, { apid: 200, seq: 1, t: 2, fill: 3 }, { apid: 100, seq: 2, t: 4, fill: 4 }]);
      await store(writer, [{ apid: 2000, seq: 5, t: 2.5, fill: 5 }], { route: 'quarantine', source: 'other.dat' });
      const r = await reader();
      expect((await allRows(r)).map(key)).toEqual(['100/1@1', '200/1@2', '2000/5@2.5', '300/1@3', '100/2@4']);
      expect((await allRows(r, { fromTai: asTai(T0 + 2), toTai: asTai(T0 + 4) })).map(key)).toEqual(['200/1@2', '2000/5@2.5', '300/1@3']);
      expect((await allRows(r, { apids: [[100, 250]] })).map(key)).toEqual(['100/1@1', '200/1@2', '100/2@4']);
      expect((await allRows(r, { route: 'quarantine' })).map((x) => [x.apid, x.route, x.source])).toEqual([[2000, 'quarantine', 'other.dat']]);
      expect(await r.apids()).toEqual([100, 200, 300, 2000]);
    });

    it('gives the rows stored after an arrival (afterArrival), in time order, with the other filters', async () => {
      const { writer, reader } = await setup();
      const first: P[] = [{ apid: 100, seq: 1, t: 5, fill: 1 }, { apid: 200, seq: 1, t: 1, fill: 2 }];
      await store(writer, first);
      const mark = Math.max(...(await allRows(await reader())).map((r) => r.arrival));
      // A late packet (time before everything stored), a new one, and the first batch again (duplicates: not new).
      await store(writer, [{ apid: 100, seq: 2, t: 0, fill: 3 }, { apid: 200, seq: 2, t: 7, fill: 4 }, ...first]);
      await store(writer, [{ apid: 2000, seq: 5, t: 3, fill: 5 }], { route: 'quarantine', source: 'other.dat' });
      const r = await reader();
      const after = await allRows(r, { afterArrival: mark });
      expect(after.map(key)).toEqual(['100/2@0', '2000/5@3', '200/2@7']);
      expect(after.every((x) => x.arrival > mark)).toBe(true);
      expect((await allRows(r, { afterArrival: mark, route: 'hk' })).map(key)).toEqual(['100/2@0', '200/2@7']);
      expect((await allRows(r, { afterArrival: mark, route: 'none' })).map(key)).toEqual([]);
      expect((await allRows(r, { afterArrival: mark, apids: [[150, 2500]] })).map(key)).toEqual(['2000/5@3', '200/2@7']);
      expect((await allRows(r, { afterArrival: mark, fromTai: asTai(T0 + 1), toTai: asTai(T0 + 7) })).map(key)).toEqual(['2000/5@3']);
      // Rows after the newest arrival: none; after -1: every row, as without the filter (octets too).
      const newest = Math.max(...after.map((x) => x.arrival));
      expect(await allRows(r, { afterArrival: newest })).toEqual([]);
      const all = await allRows(r);
      expect(await allRows(r, { afterArrival: -1 })).toEqual(all);
      const [a, b] = await Promise.all([r.bytes(after), r.bytes(all.filter((x) => x.arrival > mark))]);
      expect(a.map((v) => Array.from(v))).toEqual(b.map((v) => Array.from(v)));
    });

    it('gives back the octets stored, with the row fields of their headers', async () => {
      const { writer, reader } = await setup();
      const ps: P[] = [{ apid: 42, seq: 16383, t: 0, fill: 9, crc: 'ok' }, { apid: 42, seq: 0, t: 1, fill: 10, crc: 'bad' }, { apid: 43, seq: 5, t: 0.25, fill: 11 }];
      await store(writer, ps);
      const r = await reader();
      const rows = await allRows(r);
      const bytes = await r.bytes(rows);
      const byKey = new Map(ps.map((p) => [`${p.apid}/${p.seq}`, p]));
      rows.forEach((row, i) => {
        const p = byKey.get(`${row.apid}/${row.sequenceCount}`)!;
        expect(Array.from(bytes[i]!)).toEqual(Array.from(octetsOf(p)));
        expect([row.length, row.crc, row.sequenceFlags, row.type, row.groundUnixMs, row.receivedUnixMs, row.route, row.feed])
          .toEqual([octetsOf(p).length, p.crc ?? 'none', 3, 0, RECEIVED, RECEIVED, 'hk', 'f']);
      });
    });

    it('scans the same rows as `rows` gives, as columns, with the same octets', async () => {
      const { writer, reader } = await setup();
      const ps: P[] = [];
      for (let i = 0; i < 50; i++) ps.push({ apid: 10 + (i % 3), seq: i, t: (i * 7) % 23, fill: i });
      await store(writer, ps.slice(0, 20), { source: 'a.dat' });
      await store(writer, ps.slice(20), { source: 'b.dat' });
      const r = await reader();
      const sources = await r.sources();
      for (const apids of [[10], [11, 12], [12, 10]]) {
        const from = asTai(T0 + 3);
        const to = asTai(T0 + 17);
        const cols = await r.scan({ apids, fromTai: from, toTai: to });
        const want: PacketRow[] = [];
        for (const a of apids) want.push(...(await allRows(r, { apids: [[a, a]], fromTai: from, toTai: to })));
        const got = Array.from({ length: cols.count }, (_, i) => `${cols.apid[i]}/${cols.seq[i]}@${cols.tai[i]! - T0} ${cols.length[i]} ${cols.received[i]} ${sources.get(cols.source[i]!)}`);
        expect(got).toEqual(want.map((w) => `${key(w)} ${w.length} ${w.groundUnixMs} ${w.source}`));
        const order = Int32Array.from({ length: cols.count }, (_, i) => cols.count - 1 - i);
        const views = await r.scanBytes(cols, order);
        const direct = await r.bytes(want);
        expect(views.map((v) => Array.from(v))).toEqual(direct.reverse().map((v) => Array.from(v)));
        expect((await r.scanBytes(cols)).length).toBe(cols.count);
        if (r.scanOctets) {
          // The optional end-to-end form: the same octets, in the order asked, from offset 0 of a larger buffer.
          const total = views.reduce((n, v) => n + v.length, 0);
          const byArrival = Int32Array.from({ length: cols.count }, (_, i) => i).sort((x, y) => cols.arrival[x]! - cols.arrival[y]!);
          for (const ord of [order, undefined, byArrival]) {
            const into = new Uint8Array(total + 3).fill(0xee);
            await r.scanOctets(cols, into, ord);
            const want = (ord === order ? views : await r.scanBytes(cols, ord)).flatMap((v) => Array.from(v));
            expect(Array.from(into)).toEqual([...want, 0xee, 0xee, 0xee]);
            // With room to spare (an implementation may use it): the same octets from 0.
            const roomy = new Uint8Array(total * 4 + 4096);
            await r.scanOctets(cols, roomy, ord);
            expect(Array.from(roomy.subarray(0, total))).toEqual(want);
          }
        }
      }
      if (r.scanOctets) {
        // Packets stored back to back (one APID in one batch), asked for in arrival order.
        await store(writer, [0, 1, 2, 3, 4].map((i) => ({ apid: 20, seq: i, t: i, fill: 100 + i })), { source: 'c.dat' });
        const r2 = await reader();
        const cols = await r2.scan({ apids: [20], fromTai: asTai(T0), toTai: asTai(T0 + 10) });
        const views = await r2.scanBytes(cols);
        const into = new Uint8Array(views.reduce((n, v) => n + v.length, 0));
        await r2.scanOctets!(cols, into);
        expect(cols.count).toBe(5);
        expect(Array.from(into)).toEqual(views.flatMap((v) => Array.from(v)));
      }
      expect(await r.firstTime(11, asTai(T0 + 5.5))).toBe(T0 + 6);
      expect(await r.firstTime(11, asTai(T0 + 100))).toBeUndefined();
    });

    it('sums per-APID totals in status', async () => {
      const { writer, reader } = await setup();
      await store(writer, [{ apid: 5, seq: 1, t: 10, fill: 0, crc: 'bad' }, { apid: 5, seq: 2, t: 12, fill: 1 }, { apid: 6, seq: 1, t: 11, fill: 2 }]);
      await store(writer, [{ apid: 5, seq: 1, t: 10, fill: 0, crc: 'bad' }]);
      const s = await (await reader()).status();
      const a5 = s.apids.find((a) => a.apid === 5)!;
      const size = (p: P) => octetsOf(p).length;
      expect([a5.packets, a5.bytes, a5.firstTai! - T0, a5.lastTai! - T0, a5.duplicates, a5.crcErrors, a5.routes])
        .toEqual([2, size({ apid: 5, seq: 1, t: 10, fill: 0 }) + size({ apid: 5, seq: 2, t: 12, fill: 1 }), 10, 12, 1, 1, ['hk']]);
      expect([s.packets, s.duplicates, s.crcErrors, s.apids.map((a) => a.apid)]).toEqual([3, 1, 1, [5, 6]]);
      expect(await (await reader()).lastIngest()).toBeGreaterThan(0);
    });

    it('stores any sequence of batches exactly once, however they are split and repeated (property)', async () => {
      const { writer, reader } = await setup();
      let n = 0;
      await fc.assert(fc.asyncProperty(
        fc.uniqueArray(fc.record({ apid: fc.integer({ min: 1, max: 4 }), seq: fc.integer({ min: 0, max: 16383 }), t: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 30, selector: (p) => `${p.apid}/${p.seq}/${p.t}` }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 5 }),
        async (raw, cuts) => {
          // A fresh APID block per run, so runs do not see each other's packets.
          const base = 10 * ++n;
          const ps = raw.map((p, i) => ({ ...p, apid: base + p.apid, fill: i % 251 }));
          let stored = 0;
          for (let k = 0, c = 0; k < ps.length; c++) {
            const e = Math.min(ps.length, k + cuts[c % cuts.length]!);
            const part = ps.slice(k, e);
            stored += (await store(writer, part, { source: `run${n}` })).stored;
            expect((await store(writer, part, { source: `run${n}` })).stored).toBe(0); // re-delivered
            k = e;
          }
          expect(stored).toBe(ps.length);
          const r = await reader();
          const rows = await allRows(r, { apids: [[base, base + 9]] });
          const want = [...ps].sort((x, y) => x.t - y.t || x.apid - y.apid || x.seq - y.seq).map((p) => `${p.apid}/${p.seq}@${p.t}`);
          expect(rows.map(key)).toEqual(want);
          await r.close();
        },
      ), { numRuns: 15 });
    });

    it('registers, gets, lists and replaces products', async () => {
      const { writer, reader } = await setup();
      await store(writer, [{ apid: 1, seq: 1, t: 0, fill: 0 }]);
      const r = await reader();
      const prod = (route: string, day: number, version: number, level: ProductRecord['level'] = 'L0'): ProductRecord => ({
        lidvid: `urn:esa:psa:test:data_raw:${route}_${day}::${version}.0`, productId: `${route}_${day}`, version, level, route, apids: [1],
        start: `2026-01-0${day}T00:00:00Z`, stop: `2026-01-0${day + 1}T00:00:00Z`, label: `${route}_${day}.xml`,
        files: [{ path: `${route}_${day}.dat`, bytes: 12, sha256: 'ab'.repeat(32) }], quality: { packets: day, gaps: 0 }, registeredUnixMs: RECEIVED,
      });
      expect(await r.products.list()).toEqual([]);
      expect(await r.products.get('urn:none::1.0')).toBeUndefined();
      const a1 = prod('hk', 1, 1), a2 = prod('hk', 1, 2), b = prod('sci', 2, 1), c = prod('hk', 3, 1, 'L1');
      for (const p of [c, b, a1, a2]) await r.products.register(p);
      expect(await r.products.get(a1.lidvid)).toEqual(a1);
      expect((await r.products.list()).map((p) => p.lidvid)).toEqual([a1.lidvid, a2.lidvid, c.lidvid, b.lidvid]);
      expect((await r.products.list({ latestOnly: true })).map((p) => p.lidvid)).toEqual([a2.lidvid, c.lidvid, b.lidvid]);
      expect((await r.products.list({ routes: ['sci'] })).map((p) => p.lidvid)).toEqual([b.lidvid]);
      expect((await r.products.list({ levels: ['L1'] })).map((p) => p.lidvid)).toEqual([c.lidvid]);
      expect((await r.products.list({ from: '2026-01-02T12:00:00Z', to: '2026-01-03T00:00:00.5Z' })).map((p) => p.lidvid)).toEqual([c.lidvid, b.lidvid]);
      const replaced = { ...a1, quality: { packets: 99, gaps: 1 } };
      await r.products.register(replaced);
      expect(await r.products.get(a1.lidvid)).toEqual(replaced);
      expect((await r.products.list()).length).toBe(4);
      // Durable: another reader sees them.
      expect((await (await reader()).products.list({ latestOnly: true })).length).toBe(3);
      await expect(r.products.register({ ...a1, stop: '2025-01-01T00:00:00Z' })).rejects.toThrow(/stop/);
    });

    it('rejects every call once the reader is closed', async () => {
      const { writer, reader } = await setup();
      await store(writer, [{ apid: 1, seq: 1, t: 0, fill: 0 }]);
      const r = await reader();
      await r.close();
      await expect(r.apids()).rejects.toThrow(/closed/);
      await expect(r.status()).rejects.toThrow(/closed/);
      await expect(r.scan({ apids: [1], fromTai: asTai(0), toTai: asTai(T0 + 10) })).rejects.toThrow(/closed/);
      await expect(r.products.list()).rejects.toThrow(/closed/);
      await expect((async () => { for await (const _ of r.rows()) return _; return undefined; })()).rejects.toThrow(/closed/);
      await r.close(); // twice is harmless
    });
  });
}
