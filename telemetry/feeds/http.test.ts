import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { splitBuffer } from '../framing/index.js';
import { FeedError } from './errors.js';
import { httpFeed } from './http-feed.js';
import { startFeedServer, type FeedServer } from './http-server.js';
import { indexPacketFolder, type PacketIndex } from './packet-index.js';
import { ddsRecords, pullAll, SAMPLE, type DdsRecord } from './_testing.js';

let root: string;
let index: PacketIndex;
let records: DdsRecord[];
const servers: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'idoc-serve-'));
  await copyFile(SAMPLE('sim.dds'), path.join(root, 'sim.dds'));
  index = await indexPacketFolder(root);
  records = ddsRecords(await readFile(SAMPLE('sim.dds')));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(i: PacketIndex = index): Promise<FeedServer> {
  const s = await startFeedServer(i, 0, '127.0.0.1');
  servers.push(s);
  return s;
}

const iso = (us: number): string => new Date(us / 1000).toISOString();
const hex = (rs: readonly DdsRecord[]): string[] => rs.map((r) => `${r.timeUs} ${r.station} ${r.packet.toString('hex')}`);

describe('indexPacketFolder()', () => {
  it('indexes every packet of the folder by DDS time, in time order', () => {
    expect(index.count).toBe(705);
    expect(index.untimed).toBe(0);
    expect(Array.from(index.timeUs)).toEqual(records.map((r) => r.timeUs).sort((a, b) => a - b));
  });
});

describe('feed server and HTTP feed', () => {
  it('serves one APID in a window as DDS records, time-ordered, with the cursor after the last', async () => {
    const s = await serve();
    const from = records[10]!.timeUs;
    const to = records[300]!.timeUs;
    const res = await fetch(`${s.url}/packets?apid=1100,1110-1119&from=${iso(from)}&to=${iso(to)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const got = ddsRecords(Buffer.from(await res.arrayBuffer()));
    const want = records.filter((r) => (r.apid === 1100 || r.apid === 1110) && r.timeUs >= from && r.timeUs < to);
    expect(want.length).toBeGreaterThan(50);
    expect(hex(got)).toEqual(hex(want));
    expect(res.headers.get('x-idoc-packets')).toBe(String(want.length));
    expect(res.headers.get('x-idoc-cursor')).toBe(`d${records.indexOf(want[want.length - 1]!)}`); // delivery number = time rank at start
    expect(res.headers.get('x-idoc-more')).toBe('0');
  });

  it('backfill: a file added later with packets older than the cursor is delivered; a window can be asked again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-backfill-'));
    try {
      const file = await readFile(SAMPLE('sim.dds'));
      // Record boundaries of the DDS file: 18-byte header + packet each (formats.md §4.2).
      const cuts: number[] = [0];
      for (const r of records) cuts.push(cuts[cuts.length - 1]! + 18 + r.packet.length);
      const half = records.length >> 1;
      await writeFile(path.join(dir, 'late.dds'), file.subarray(cuts[half]!, cuts[records.length]!));
      const s = await startFeedServer(await indexPacketFolder(dir), 0, '127.0.0.1', { refreshMs: 0 });
      servers.push(s);
      const feed = httpFeed({ name: 'web', url: s.url });
      const first = await pullAll(feed.pull(undefined, new AbortController().signal));
      expect(hex(first.flatMap((u) => ddsRecords(u.bytes))).sort()).toEqual(hex(records.slice(half)).sort());
      const cursor = first[first.length - 1]!.unit.cursorAfter;
      // The earlier half arrives at the server afterwards (a late delivery): older than the cursor, still delivered.
      await writeFile(path.join(dir, 'early.dds'), file.subarray(0, cuts[half]!));
      const backfill = await pullAll(feed.pull(cursor, new AbortController().signal));
      expect(hex(backfill.flatMap((u) => ddsRecords(u.bytes))).sort()).toEqual(hex(records.slice(0, half)).sort());
      expect(await pullAll(feed.pull(backfill[backfill.length - 1]!.unit.cursorAfter, new AbortController().signal))).toEqual([]);
      // Asking a window again: from/to without a cursor, in time order (everything is indexed by now).
      const w = httpFeed({ name: 'web', url: s.url, fromMs: records[100]!.timeUs / 1000, toMs: records[500]!.timeUs / 1000 });
      const again = (await pullAll(w.pull(undefined, new AbortController().signal))).flatMap((u) => ddsRecords(u.bytes));
      expect(hex(again).sort()).toEqual(hex(records.filter((r) => r.timeUs >= records[100]!.timeUs && r.timeUs < records[500]!.timeUs)).sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the client pulls in limited units, each cursor resuming after the previous, until nothing is new', async () => {
    const s = await serve();
    const feed = httpFeed({ name: 'web', url: s.url, apids: [[1100, 1100]], maxPackets: 70 });
    const units = await pullAll(feed.pull(undefined, new AbortController().signal));
    expect(units.map((u) => ddsRecords(u.bytes).length)).toEqual([70, 70, 70, 70, 20]);
    const got = units.flatMap((u) => ddsRecords(u.bytes));
    expect(hex(got)).toEqual(hex(records.filter((r) => r.apid === 1100)));
    expect(units.every((u) => u.unit.framing === 'dds')).toBe(true);
    const last = units[units.length - 1]!.unit.cursorAfter;
    // Resuming from the last cursor: nothing new. From the second unit's cursor: the last three units.
    expect(await pullAll(feed.pull(last, new AbortController().signal))).toEqual([]);
    const rest = await pullAll(feed.pull(units[1]!.unit.cursorAfter, new AbortController().signal));
    expect(rest.flatMap((u) => ddsRecords(u.bytes)).length).toBe(160);
  });

  it('the window bounds the pull (from inclusive, to exclusive)', async () => {
    const s = await serve();
    const fromMs = Math.ceil(records[100]!.timeUs / 1000);
    const toMs = Math.floor(records[200]!.timeUs / 1000);
    const units = await pullAll(httpFeed({ name: 'web', url: s.url, fromMs, toMs }).pull(undefined, new AbortController().signal));
    const got = units.flatMap((u) => ddsRecords(u.bytes));
    expect(hex(got)).toEqual(hex(records.filter((r) => r.timeUs >= fromMs * 1000 && r.timeUs < toMs * 1000)));
  });

  it('serves the packets of a pcap capture by packet time, bytes as `packets cat` reads them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-serve-pcap-'));
    try {
      await copyFile(SAMPLE('sim.pcap'), path.join(dir, 'sim.pcap'));
      const s = await serve(await indexPacketFolder(dir));
      const units = await pullAll(httpFeed({ name: 'bench', url: s.url }).pull(undefined, new AbortController().signal));
      const got = units.flatMap((u) => ddsRecords(u.bytes)).map((r) => r.packet.toString('hex'));
      const raw = splitBuffer(await readFile(SAMPLE('sim.bin'))).batch.packets.map((p) => Buffer.from(p.buf.subarray(p.offset, p.offset + p.length)).toString('hex'));
      expect(got.slice().sort()).toEqual(raw.slice().sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves an idoc archive folder by DDS time, the same records as the files it was filled from', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idoc-serve-archive-'));
    try {
      const { openArchive } = await import('../../src/store/index.js');
      const archive = openArchive(dir, { fsync: false });
      const { batch } = splitBuffer(await readFile(SAMPLE('sim.dds')), { framing: 'dds' });
      archive.storeBatch(batch.packets.map((packet) => ({ packet, tai: undefined, route: 'sim', feed: 'test', source: 'sim.dds', receivedUnixMs: 0 })));
      archive.close();
      const s = await serve(await indexPacketFolder(dir));
      const units = await pullAll(httpFeed({ name: 'web', url: s.url, apids: [[1101, 1101]] }).pull(undefined, new AbortController().signal));
      const got = units.flatMap((u) => ddsRecords(u.bytes));
      expect(hex(got)).toEqual(hex(records.filter((r) => r.apid === 1101)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('GET /status describes the holdings', async () => {
    const s = await serve();
    const status = (await (await fetch(`${s.url}/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ files: 1, packets: 705, apids: { 1100: 300, 1101: 300, 1110: 99, 1120: 6 } });
  });

  it('a bad request is a 400 the client reports as a FeedError', async () => {
    const s = await serve();
    const res = await fetch(`${s.url}/packets?apid=3000`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/apid/);
    const error = await pullAll(httpFeed({ name: 'web', url: s.url }).pull('nonsense', new AbortController().signal)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).code).toBe('http');
    expect((error as FeedError).message).toMatch(/HTTP 400: after=nonsense/);
  });

  it('a server that is down is reported as unreachable', async () => {
    const s = await serve();
    const url = s.url;
    await servers.pop()!.close();
    const error = await pullAll(httpFeed({ name: 'web', url }).pull(undefined, new AbortController().signal)).catch((e: unknown) => e);
    expect((error as FeedError).code).toBe('unreachable');
  });

  it('a server killed mid-response makes the chunks throw (the unit is not complete)', async () => {
    const body = Buffer.concat(records.slice(0, 100).map((r) => r.bytes));
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(body.length), 'X-Idoc-Packets': '100', 'X-Idoc-Cursor': '1:0' });
      res.write(body.subarray(0, 1000), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const received: number[] = [];
    let error: unknown;
    for await (const unit of httpFeed({ name: 'web', url }).pull(undefined, new AbortController().signal)) {
      expect(unit.cursorAfter).toBe('1:0');
      try {
        for await (const c of unit.chunks) received.push(c.length);
      } catch (e) {
        error = e;
      }
      break;
    }
    expect(received.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).code).toBe('dropped');
  });
});
