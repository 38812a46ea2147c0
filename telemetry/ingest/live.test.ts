/**
 * Live TCP/UDP links into a real archive, on loopback (issue 13): garbage first never poisons a link (each UDP
 * datagram framed alone; TCP resynchronises), what arrived is committed while the link stays open and quiet
 * (commitInterval), status counts grow as packets commit, kernel drops are read for UDP.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSamples } from '../../fixtures/generate.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { openArchive, openArchiveWriter, type ArchiveWriter } from '../../src/store/index.js';
import { splitBuffer } from '../framing/index.js';
import { tcpFeed } from '../feeds/tcp-feed.js';
import { udpFeed } from '../feeds/udp-feed.js';
import { dropsInProcNetUdp } from '../feeds/_udp-drops.js';
import { ingestUnit } from './ingest-unit.js';
import { newFeedStats, apidStatsOf } from './types.js';

let packets: Buffer[];
const cleanups: Array<() => Promise<void> | void> = [];
beforeAll(async () => {
  const files = (await buildSamples()).files;
  const { batch } = splitBuffer(files.get('sim.dds')!, { framing: 'dds', crc: 'auto' });
  packets = batch.packets.map((p) => Buffer.from(p.buf.subarray(p.offset, p.offset + p.length)));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const router = { dispatch: () => ({ name: 'SIM', archive: true }) };

async function archiveIn(): Promise<{ dir: string; archive: ArchiveWriter }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'idoc-live-'));
  const archive = await openArchiveWriter(dir, { fsync: false, synchronous: 'normal' });
  cleanups.push(async () => {
    await archive.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, archive };
}

/** Every stored packet's octets (hex) with a good or unchecked CRC, read back from the archive. */
async function storedHex(dir: string, withBadCrc = false): Promise<Set<string>> {
  const a = openArchive(dir, { readonly: true });
  try {
    const out = new Set<string>();
    for (const row of a.query()) if (withBadCrc || row.crc !== 'bad') out.add(Buffer.from(a.bytesOf(row)).toString('hex'));
    return out;
  } finally {
    a.close();
  }
}

/** Wait (bounded in count, not in time) until `cond` holds. */
async function until(cond: () => boolean | Promise<boolean>, tries = 400): Promise<boolean> {
  for (let i = 0; i < tries && !(await cond()); i++) await new Promise((r) => setTimeout(r, 50));
  return cond();
}
const hasAll = async (dir: string, want: readonly Buffer[]): Promise<boolean> => {
  const got = await storedHex(dir);
  return want.every((p) => got.has(p.toString('hex')));
};

/** Deterministic garbage that never starts a plausible packet at offset 0. */
const garbage = (n: number, seed = 7): Buffer => {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; b[i] = x >>> 24; }
  b[0] = 0xff;
  return b;
};

describe('live UDP link', () => {
  it('a 64 KB garbage datagram first costs nothing: every valid datagram after it is stored, committed while the link is open', async () => {
    const { dir, archive } = await archiveIn();
    const ac = new AbortController();
    let port = 0;
    const bound = new Promise<void>((resolve) => {
      const feed = udpFeed({ name: 'sim', host: '127.0.0.1', port: 0, receiveBufferBytes: 4 << 20, onListening: (a) => { port = a.port; resolve(); } });
      const stats = newFeedStats('sim');
      const run = (async () => {
        for await (const unit of feed.pull(undefined, ac.signal)) await ingestUnit(unit, { archive, router, profile: PROFILE_PRESETS['pus-c']!, read: { crc: 'auto' }, stats });
      })();
      cleanups.push(async () => { ac.abort(); await run; });
      (globalThis as { __udpStats?: typeof stats }).__udpStats = stats;
    });
    await bound;
    const stats = (globalThis as { __udpStats?: ReturnType<typeof newFeedStats> }).__udpStats!;
    const sender = dgram.createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => sender.close(() => r())));
    const send = (b: Buffer) => new Promise<void>((r, j) => sender.send(b, port, '127.0.0.1', (e) => (e ? j(e) : r())));
    await send(garbage(65_000));
    const valid = packets.slice(0, 300);
    for (const [i, p] of valid.entries()) {
      await send(p);
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5)); // a bench's pace, not a flood
    }
    // Then the link goes quiet (stays open): everything must commit anyway (the garbage may hold a packet-like run, which is stored too, flagged by its CRC).
    expect(await until(() => hasAll(dir, valid))).toBe(true);
    // Stored once each; besides them at most what the garbage datagram held that looked like a packet.
    expect(stats.duplicates).toBe(0);
    expect(stats.stored - valid.length).toBeLessThanOrEqual(2);
    expect(stats.skippedBytes).toBeGreaterThan(0);
    expect(apidStatsOf(stats).get(1100)?.packets).toBe(valid.filter((p) => ((p[0]! & 7) << 8 | p[1]!) === 1100).length);
  }, 60_000);
});

describe('live TCP link', () => {
  it('garbage first, then a trickle that pauses: resynchronised, and committed while the connection stays open', async () => {
    const { dir, archive } = await archiveIn();
    let client: net.Socket | undefined;
    const server = net.createServer((s) => { client = s; });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => { client?.destroy(); server.close(() => r()); }));
    const ac = new AbortController();
    const stats = newFeedStats('bench');
    const feed = tcpFeed({ name: 'bench', host: '127.0.0.1', port: (server.address() as AddressInfo).port, commitIntervalMs: 400 });
    const run = (async () => {
      for await (const unit of feed.pull(undefined, ac.signal)) await ingestUnit(unit, { archive, router, profile: PROFILE_PRESETS['pus-c']!, read: { crc: 'auto' }, stats });
    })();
    cleanups.push(async () => { ac.abort(); await run; });
    expect(await until(() => client !== undefined)).toBe(true);
    client!.write(garbage(4096, 3));
    const first = packets.slice(0, 40);
    for (const p of first) client!.write(p);
    // A trickle far below the detection head, then silence: committed without the connection closing.
    expect(await until(() => stats.stored === first.length)).toBe(true);
    const second = packets.slice(40, 700);
    client!.write(Buffer.concat(second));
    expect(await until(() => stats.stored === first.length + second.length)).toBe(true);
    expect(stats.skippedBytes).toBeGreaterThanOrEqual(4096 - 100);
    expect(client!.destroyed).toBe(false);
    expect(await storedHex(dir, true)).toEqual(new Set([...first, ...second].map((p) => p.toString('hex'))));
  }, 60_000);
});

describe('dropsInProcNetUdp()', () => {
  it('reads the drops column of the socket bound to a port', () => {
    const text = [
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      '  123: 0100007F:2711 00000000:0000 07 00000000 00000000 00:00000000 00000000  1000        0 4242 2 0000000000000000 17',
      '  124: 0100007F:2712 00000000:0000 07 00000000 00000000 00:00000000 00000000  1000        0 4243 2 0000000000000000 5',
    ].join('\n');
    expect(dropsInProcNetUdp(text, 0x2711)).toBe(17);
    expect(dropsInProcNetUdp(text, 0x2712)).toBe(5);
    expect(dropsInProcNetUdp(text, 9)).toBeUndefined();
  });
});
