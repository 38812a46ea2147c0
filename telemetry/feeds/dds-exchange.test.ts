import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile, appendFile, mkdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ddsExchangeFeed, ddsWindows, type DdsExchangeOptions } from './dds-exchange.js';
import { ddsRequestId, ddsRequestXml, parseDdsRequestXml } from './dds-request.js';
import { FeedError } from './errors.js';
import { ddsRecords, pullAll, SAMPLE, unitBytes, type DdsRecord } from './_testing.js';

let records: DdsRecord[];
let firstS: number;
let lastS: number;
beforeAll(async () => {
  records = ddsRecords(await readFile(SAMPLE('sim.dds')));
  firstS = Math.floor(records[0]!.timeUs / 1e6);
  lastS = Math.floor(records[records.length - 1]!.timeUs / 1e6);
});

let dir: string;
const stops: Array<() => void> = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idoc-dds-'));
});
afterEach(async () => {
  for (const s of stops.splice(0)) s();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A fake DDS: answers each <id>.XML in `requestDir` with <id>.DAT in `deliveryDir` holding the records of
 * sim.dds with a requested APID and a DDS time in the window, written in two parts (a file still growing).
 */
function fakeDds(requestDir: string, deliveryDir: string, opts: { answer?: (id: string) => boolean } = {}): { requests: string[] } {
  const requests: string[] = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      for (const name of await readdir(requestDir)) {
        if (!name.endsWith('.XML') || requests.includes(name)) continue;
        const r = parseDdsRequestXml(await readFile(path.join(requestDir, name), 'utf8'));
        requests.push(name);
        if (opts.answer && !opts.answer(r.id)) continue;
        const wanted = records.filter((x) => r.apids.includes(x.apid) && x.timeUs >= r.startMs * 1000 && x.timeUs < r.endMs * 1000);
        const body = Buffer.concat(wanted.map((x) => x.bytes));
        const dat = path.join(deliveryDir, `${r.id}.DAT`);
        // Written in 30 parts ~5 ms apart (a slow sync), well inside one poll interval (60 ms): the size
        // changes between any two polls until the file is whole.
        const part = Math.max(1, Math.ceil(body.length / 30));
        await writeFile(dat, body.subarray(0, part));
        for (let at = part; at < body.length; at += part) {
          await new Promise((res) => setTimeout(res, 4));
          await appendFile(dat, body.subarray(at, at + part));
        }
      }
    })().finally(() => (busy = false));
  }, 10);
  stops.push(() => clearInterval(timer));
  return { requests };
}

const options = (o: Partial<DdsExchangeOptions> = {}): DdsExchangeOptions => ({
  name: 'dds', requestDir: dir, apids: [1100, 1120], windowMs: 100_000, delayMs: 0, pollMs: 60, timeoutMs: 5000,
  startMs: firstS * 1000, now: () => (firstS + 400) * 1000, ...o,
});

describe('DDS request XML', () => {
  it('names the request, the APIDs and the window (formats.md §4.1 template parameters), and reads back', () => {
    const r = { id: ddsRequestId('MD_TLM', Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 1)), apids: [1100, 1101], startMs: Date.UTC(2026, 0, 1), endMs: Date.UTC(2026, 0, 1, 1), target: 'a&b' };
    expect(r.id).toBe('MD_TLM_20260101T000000Z--20260101T010000Z');
    const xml = ddsRequestXml(r);
    expect(xml).toContain('<filename>MD_TLM_20260101T000000Z--20260101T010000Z.DAT</filename>');
    expect(xml).toContain('<start_time>2026-01-01T00:00:00Z</start_time>');
    expect(xml).toContain('<end_time>2026-01-01T01:00:00Z</end_time>');
    expect(xml).toContain('<target>a&amp;b</target>');
    expect(parseDdsRequestXml(xml)).toEqual(r);
  });
});

describe('ddsWindows()', () => {
  const o = { name: 'd', requestDir: '.', apids: [1], windowMs: 3_600_000, delayMs: 1_800_000, now: () => Date.UTC(2026, 0, 1, 5, 10) };
  it('asks for whole windows from the cursor up to now minus the delay', () => {
    expect(ddsWindows('2026-01-01T01:00:00Z', o).map(([a]) => new Date(a).toISOString())).toEqual(['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z']);
  });
  it('without a cursor or start: the last whole window before now minus the delay', () => {
    expect(ddsWindows(undefined, o)).toEqual([[Date.UTC(2026, 0, 1, 3), Date.UTC(2026, 0, 1, 4)]]);
  });
  it('a cursor at the limit gives nothing; maxWindows caps a run', () => {
    expect(ddsWindows('2026-01-01T04:00:00Z', o)).toEqual([]);
    expect(ddsWindows('2026-01-01T00:00:00Z', { ...o, maxWindows: 2 })).toHaveLength(2);
  });
  it('rejects a cursor it did not write', () => {
    expect(() => ddsWindows('12:34', o)).toThrow(FeedError);
  });
});

describe('ddsExchangeFeed()', () => {
  it('requests each window, takes each .DAT once its size is stable, and advances the cursor per window', async () => {
    const delivery = path.join(dir, 'out');
    await mkdir(delivery);
    const dds = fakeDds(dir, delivery);
    const feed = ddsExchangeFeed(options({ deliveryDir: delivery }));
    const units = await pullAll(feed.pull(undefined, new AbortController().signal));
    // 300 s of data in four 100 s windows up to now.
    expect(lastS - firstS).toBeLessThan(400);
    expect(units.length).toBe(4);
    expect(dds.requests).toHaveLength(units.length);
    const got = units.flatMap((u) => ddsRecords(u.bytes));
    const want = records.filter((x) => x.apid === 1100 || x.apid === 1120);
    expect(got.map((x) => x.bytes.toString('hex'))).toEqual(want.map((x) => x.bytes.toString('hex')));
    expect(units.map((u) => u.unit.cursorAfter)).toEqual(units.map((_, i) => new Date((firstS + 100 * (i + 1)) * 1000).toISOString().replace('.000Z', 'Z')));
    expect(units.every((u) => u.unit.framing === 'dds')).toBe(true);
    // complete() removed the answers and the requests.
    expect(await readdir(delivery)).toEqual([]);
    expect((await readdir(dir)).filter((n) => n !== 'out')).toEqual([]);
  });

  it('resumes after the cursor', async () => {
    const dds = fakeDds(dir, dir);
    const cursor = new Date((firstS + 200) * 1000).toISOString();
    const units = await pullAll(ddsExchangeFeed(options()).pull(cursor, new AbortController().signal));
    expect(units).toHaveLength(2);
    expect(dds.requests).toEqual([200, 300].map((s) => `${ddsRequestId('IDOC_dds', (firstS + s) * 1000, (firstS + s + 100) * 1000)}.XML`));
    expect(units.flatMap((u) => ddsRecords(u.bytes)).every((r) => r.timeUs >= (firstS + 200) * 1e6)).toBe(true);
  });

  it('a zero-byte .DAT is a unit without packets whose cursor still advances', async () => {
    fakeDds(dir, dir);
    const feed = ddsExchangeFeed(options({ apids: [42] }));
    const units = await pullAll(feed.pull(undefined, new AbortController().signal));
    expect(units.length).toBeGreaterThan(1);
    expect(units.every((u) => u.bytes.length === 0)).toBe(true);
    expect(units[units.length - 1]!.unit.cursorAfter).toBe(new Date((firstS + 100 * units.length) * 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('a timeout stops the pull with a FeedError, the cursor stays; a late answer is taken next run without asking again', async () => {
    const feed = ddsExchangeFeed(options({ timeoutMs: 250 }));
    const seen: string[] = [];
    const run = async (): Promise<void> => {
      for await (const u of feed.pull(undefined, new AbortController().signal)) seen.push(u.cursorAfter!);
    };
    const error = await run().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).code).toBe('timeout');
    expect(seen).toEqual([]);
    const id = ddsRequestId('IDOC_dds', firstS * 1000, (firstS + 100) * 1000);
    expect(await readdir(dir)).toEqual([`${id}.XML`]);
    // The DDS answers late; the next run takes it (and is then stopped by the next window's timeout).
    await writeFile(path.join(dir, `${id}.tmp`), Buffer.concat(records.filter((r) => r.apid === 1100).slice(0, 3).map((r) => r.bytes)));
    await rename(path.join(dir, `${id}.tmp`), path.join(dir, `${id}.DAT`));
    const next: Buffer[] = [];
    const again = feed.pull(undefined, new AbortController().signal);
    const error2 = await (async () => {
      for await (const u of again) {
        next.push(await unitBytes(u));
        await u.complete();
      }
    })().then(() => undefined, (e: unknown) => e);
    expect(next.map((b) => ddsRecords(b).length)).toEqual([3]);
    expect((error2 as FeedError).code).toBe('timeout');
  });

  it('reject() moves the .DAT to rejected/ with a .reason file', async () => {
    fakeDds(dir, dir);
    const feed = ddsExchangeFeed(options({ maxWindows: 1 }));
    for await (const u of feed.pull(undefined, new AbortController().signal)) await u.reject('not a DDS file: garbage at offset 0x0 (0)');
    const rejected = await readdir(path.join(dir, 'rejected'));
    expect(rejected.sort()).toEqual([path.basename(`${ddsRequestId('IDOC_dds', firstS * 1000, (firstS + 100) * 1000)}.DAT`), `${ddsRequestId('IDOC_dds', firstS * 1000, (firstS + 100) * 1000)}.DAT.reason`]);
    expect(await readFile(path.join(dir, 'rejected', rejected.find((n) => n.endsWith('.reason'))!), 'utf8')).toBe('not a DDS file: garbage at offset 0x0 (0)\n');
  });

  it('stops quietly when the signal aborts while waiting', async () => {
    const ac = new AbortController();
    const feed = ddsExchangeFeed(options({ timeoutMs: 60_000 }));
    setTimeout(() => ac.abort(), 50);
    expect(await pullAll(feed.pull(undefined, ac.signal))).toEqual([]);
  });
});
