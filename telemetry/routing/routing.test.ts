import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { configFromData, type MissionConfig } from '../../src/config/index.js';
import { InputError } from '../../src/errors.js';
import { openArchive } from '../../src/store/index.js';
import { framed, items, pusPacket } from '../../src/store/_test-packets.js';
import { DEFAULT_PROFILE } from '../../src/ccsds/profile.js';
import { RouteDispatcher, TcpForwarder, rawFilePath, routeTable } from './index.js';

const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-routes-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

const mission = { name: 'T' };
const apids = [
  { apid: 1100, name: 'HK', kind: 'housekeeping', periodSeconds: 1 },
  { apids: [1110, 1119], name: 'SCI', kind: 'science' },
];
const cfg = (routes: unknown, file = '/cfg/idoc.json'): MissionConfig => configFromData({ mission, apids, ...(routes === undefined ? {} : { routes }) }, file);

describe('routeTable', () => {
  it('maps singles and ranges to routes, unknown APIDs to quarantine', () => {
    const t = routeTable(cfg({ hk: { apids: [1100, [1101, 1105]] }, sci: { apids: [[1110, 1119]], archive: true } }));
    expect(t.routeOf(1100).name).toBe('hk');
    expect(t.routeOf(1105).name).toBe('hk');
    expect(t.routeOf(1112).name).toBe('sci');
    expect(t.routeOf(1106).name).toBe('quarantine');
    expect(t.routeOf(0).name).toBe('quarantine');
    expect(t.overlaps).toEqual([]);
  });

  it('flags overlaps as ranges; the first route in file order wins', () => {
    const t = routeTable(cfg({ a: { apids: [[100, 110]] }, b: { apids: [105, [108, 120]] } }));
    expect(t.overlaps).toEqual([{ apids: [105, 105], winner: 'a', other: 'b' }, { apids: [108, 110], winner: 'a', other: 'b' }]);
    expect(t.routeOf(109).name).toBe('a');
    expect(t.routeOf(111).name).toBe('b');
  });

  it('without a routes section: one default route for the declared APIDs', () => {
    const t = routeTable(cfg(undefined));
    expect(t.origin).toBe('default');
    expect(t.routeOf(1115).name).toBe('default');
    expect(t.routeOf(1200).name).toBe('quarantine');
  });

  it('resolves rawFile against the config folder and gives the quarantine route its own targets', () => {
    const t = routeTable(cfg({ hk: { apids: [1100], rawFile: 'raw/{route}_{apid}_{date}.bin' }, quarantine: { rawFile: 'q/{apid}.bin', archive: true } }));
    expect(t.routeOf(1100).rawFile).toBe(path.resolve('/cfg/raw/{route}_{apid}_{date}.bin'));
    expect(t.quarantine.rawFile).toBe(path.resolve('/cfg/q/{apid}.bin'));
    expect(rawFilePath('x/{route}_{apid}_{date}_{run}.bin', 1100, 'hk', Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('x/hk_1100_20260102_20260102T030405Z.bin');
  });

  it.each([
    [{ hk: { apids: [2048] } }, '/cfg/idoc.json#/routes/hk/apids/0'],
    [{ hk: { apids: [[5, 1]] } }, '/cfg/idoc.json#/routes/hk/apids/0'],
    [{ hk: {} }, '/cfg/idoc.json#/routes/hk/apids'],
    [{ hk: { apids: [1], forward: 'udp://x:1' } }, '/cfg/idoc.json#/routes/hk/forward'],
    [{ hk: { apids: [1], targets: [] } }, '/cfg/idoc.json#/routes/hk/targets'],
    [{ quarantine: { apids: [1] } }, '/cfg/idoc.json#/routes/quarantine/apids'],
  ])('rejects a bad routes section with a located problem (%j)', (routes, where) => {
    try {
      routeTable(cfg(routes));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toMatch(/problems? in the routes section$/);
      expect((e as InputError).problems.map((p) => p.path)).toContain(where);
    }
  });
});

describe('RouteDispatcher', () => {
  it('counts every route, quarantines unknown APIDs into the archive, writes raw files at commit only', async () => {
    const dir = tmp();
    const table = routeTable(cfg({ hk: { apids: [1100], rawFile: path.join(dir, 'raw/{apid}.bin') }, quarantine: { rawFile: path.join(dir, 'q/{apid}.bin') } }));
    const d = new RouteDispatcher(table, Date.UTC(2026, 0, 1));
    const pk = [pusPacket(1100, 1, 10), pusPacket(1500, 1, 11), pusPacket(1100, 2, 12), pusPacket(1500, 2, 13)];
    const packets = framed(pk);
    const a = openArchive(path.join(dir, 'archive'), { fsync: false });
    const its = items(packets, DEFAULT_PROFILE).map((it) => ({ ...it, route: d.dispatch(it.packet).name }));
    a.storeBatch(its);
    expect(fs.existsSync(path.join(dir, 'raw/1100.bin'))).toBe(false);
    const s = await d.commit();
    expect(s.quarantined).toBe(2);
    expect(s.routes.find((r) => r.route === 'hk')).toMatchObject({ packets: 2 });
    expect(fs.readFileSync(path.join(dir, 'raw/1100.bin')).equals(Buffer.concat([pk[0]!, pk[2]!]))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'q/1500.bin')).equals(Buffer.concat([pk[1]!, pk[3]!]))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'raw'))).toEqual(['1100.bin']); // no temporary left
    expect([...a.query({ route: 'quarantine' })].map((r) => [r.apid, r.sequenceCount])).toEqual([[1500, 1], [1500, 2]]);
    expect(a.status().apids.map((x) => [x.apid, x.routes])).toEqual([[1100, ['hk']], [1500, ['quarantine']]]);
    a.close();
    // A second run appends whole to the existing file; an aborted run leaves nothing.
    const d2 = new RouteDispatcher(table);
    d2.dispatch(framed([pusPacket(1100, 3, 14)])[0]!);
    await d2.commit();
    expect(fs.readFileSync(path.join(dir, 'raw/1100.bin')).length).toBe(pk[0]!.length * 3);
    const d3 = new RouteDispatcher(table);
    d3.dispatch(framed([pusPacket(1100, 4, 15)])[0]!);
    await d3.abort();
    expect(fs.readFileSync(path.join(dir, 'raw/1100.bin')).length).toBe(pk[0]!.length * 3);
    expect(fs.readdirSync(path.join(dir, 'raw'))).toEqual(['1100.bin']);
  });
});

describe('TcpForwarder (loopback)', () => {
  const freePort = () => new Promise<number>((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); }); });

  it('queues packets while the consumer is away, connects when it comes up, delivers them in order', async () => {
    const port = await freePort();
    const f = new TcpForwarder(`tcp://127.0.0.1:${port}`, { initialBackoffMs: 20, maxBackoffMs: 50 });
    const pk = [pusPacket(1100, 1, 1), pusPacket(1100, 2, 2), pusPacket(1100, 3, 3)];
    f.send(pk[0]!);
    const got: Buffer[] = [];
    let conns = 0;
    await new Promise((r) => setTimeout(r, 60)); // a few refused attempts first
    const server = net.createServer((s) => { conns++; s.on('data', (d) => got.push(d)); });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    f.send(pk[1]!);
    f.send(pk[2]!);
    const stats = await f.close(3000);
    await new Promise((r) => setTimeout(r, 50));
    await new Promise<void>((r) => server.close(() => r()));
    expect(Buffer.concat(got).equals(Buffer.concat(pk))).toBe(true);
    expect(stats).toMatchObject({ sentPackets: 3, droppedPackets: 0 });
    expect(conns).toBe(1);
  });

  it('drops (and counts) packets beyond the queue cap while disconnected', async () => {
    const port = await freePort();
    const f = new TcpForwarder(`tcp://127.0.0.1:${port}`, { maxQueuedBytes: 100, initialBackoffMs: 1000 });
    for (let i = 0; i < 5; i++) f.send(pusPacket(1100, i, i)); // 41 octets each: 2 fit
    const s = await f.close(0);
    expect(s.droppedPackets).toBe(5);
    expect(s.sentPackets).toBe(0);
  });
});

describe('idoc routes (CLI, in-process)', () => {
  const write = (routes: unknown) => { const f = path.join(tmp(), 'idoc.json'); fs.writeFileSync(f, JSON.stringify({ mission, apids, routes })); return f; };
  const io = () => { const out: string[] = []; return { out, io: { out: (t: string) => void out.push(t), err: () => undefined, errIsTty: false } }; };

  it('shows routes and targets, the declared APIDs left to quarantine; exit 0 without overlaps', async () => {
    const c = io();
    expect(await run(['routes', '--config', write({ hk: { apids: [1100], forward: 'tcp://127.0.0.1:9' } })], c.io)).toBe(0);
    const text = c.out.join('');
    expect(text).toMatch(/^hk\s+1100\s+archive:hk forward:tcp:\/\/127\.0\.0\.1:9$/m);
    expect(text).toMatch(/^quarantine\s+unclaimed\s+archive:quarantine$/m);
    expect(text).toContain('declared APIDs no route claims (→ quarantine): 1110-1119');
    expect(text).toContain('no overlaps');
  });

  it('--json flags overlaps and exits 1', async () => {
    const c = io();
    expect(await run(['routes', '--json', '--config', write({ a: { apids: [[1100, 1112]] }, b: { apids: [[1110, 1119]] } })], c.io)).toBe(1);
    const r = JSON.parse(c.out.join('')).result;
    expect(r.overlaps).toEqual([{ apids: '1110-1112', winner: 'a', other: 'b' }]);
    expect(r.routes.map((x: { name: string; apids: string }) => [x.name, x.apids])).toEqual([['a', '1100-1112'], ['b', '1110-1119'], ['quarantine', 'unclaimed']]);
  });
});
