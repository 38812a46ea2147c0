/**
 * Soak on loopback (issue 13), bounded in count: a hostile sender mixes garbage, truncated and valid packets over
 * one TCP connection and one UDP socket for 30 rounds; every valid packet is stored exactly once, and memory after
 * the run is about what it was after the first rounds (compared loosely: no wall-clock assertions).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSim, prng } from '../../fixtures/sim-instrument.js';
import { writeWithDamage } from '../../fixtures/damage.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { openArchive, openArchiveWriter, type ArchiveWriter } from '../../src/store/index.js';
import { splitBuffer } from '../framing/index.js';
import { tcpFeed } from '../feeds/tcp-feed.js';
import { udpFeed } from '../feeds/udp-feed.js';
import { ingestUnit } from './ingest-unit.js';
import { newFeedStats, type FeedStats } from './types.js';

const ROUNDS = 30;
const PER_ROUND = 60; // valid packets per link per round
let packets: Buffer[];
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'idoc-soak-'));
  const sim = await generateSim({ seconds: 3000, seed: 13 });
  const raw = writeWithDamage('x', sim, 'raw', []).bytes;
  packets = splitBuffer(raw, { framing: 'raw', crc: 'yes' }).batch.packets.map((p) => Buffer.from(p.buf.subarray(p.offset, p.offset + p.length)));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function until(cond: () => boolean, tries = 600): Promise<boolean> {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  return cond();
}

describe('soak: a hostile sender on TCP and UDP', () => {
  it('every valid packet stored once, memory flat', async () => {
    expect(packets.length).toBeGreaterThanOrEqual(2 * ROUNDS * PER_ROUND);
    const dir = path.join(work, 'archive');
    const archive: ArchiveWriter = await openArchiveWriter(dir, { fsync: false, synchronous: 'normal' });
    const ac = new AbortController();
    const ctx = (stats: FeedStats) => ({ archive, router: { dispatch: () => ({ name: 'SIM', archive: true }) }, profile: PROFILE_PRESETS['pus-c']!, read: { crc: 'yes' as const }, stats });
    // TCP: our server, the feed connects out to it.
    let client: net.Socket | undefined;
    const server = net.createServer((s) => { client = s; s.on('error', () => undefined); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const tcpStats = newFeedStats('tcp');
    const udpStats = newFeedStats('udp');
    let udpPort = 0;
    let ready!: () => void;
    const bound = new Promise<void>((r) => (ready = r));
    const runs = [
      (async () => { for await (const u of tcpFeed({ name: 'tcp', host: '127.0.0.1', port: (server.address() as AddressInfo).port }).pull(undefined, ac.signal)) await ingestUnit(u, ctx(tcpStats)); })(),
      (async () => { for await (const u of udpFeed({ name: 'udp', host: '127.0.0.1', port: 0, receiveBufferBytes: 8 << 20, onListening: (a) => { udpPort = a.port; ready(); } }).pull(undefined, ac.signal)) await ingestUnit(u, ctx(udpStats)); })(),
    ];
    const sender = dgram.createSocket('udp4');
    try {
      await bound;
      expect(await until(() => client !== undefined)).toBe(true);
      const rnd = prng(2026);
      const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
      const send = (b: Buffer) => new Promise<void>((r, j) => sender.send(b, udpPort, '127.0.0.1', (e) => (e ? j(e) : r())));
      const validTcp: Buffer[] = [];
      const validUdp: Buffer[] = [];
      let garbageDatagrams = 0;
      let next = 0;
      let warm: NodeJS.MemoryUsage | undefined;
      for (let round = 0; round < ROUNDS; round++) {
        const tcpParts: Buffer[] = [];
        for (let k = 0; k < PER_ROUND; k++) {
          const t = packets[next++]!;
          const u = packets[next++]!;
          const r = rnd();
          if (r < 0.1) tcpParts.push(junk(1 + Math.floor(rnd() * 3000)));
          else if (r < 0.15) tcpParts.push(t.subarray(0, Math.max(1, Math.floor(t.length * rnd())))); // a truncated packet
          tcpParts.push(t);
          validTcp.push(t);
          if (r < 0.1) { await send(junk(1 + Math.floor(rnd() * 60_000))); garbageDatagrams++; }
          else if (r < 0.15) { await send(u.subarray(0, Math.max(1, u.length - 3))); garbageDatagrams++; }
          await send(u);
          validUdp.push(u);
        }
        client!.write(Buffer.concat(tcpParts));
        // Paced by the receiver: wait until this round is committed on both links (bounded in count).
        const caught = await until(() => udpStats.stored >= validUdp.length && tcpStats.stored >= validTcp.length);
        expect(caught).toBe(true);
        if (round === 4) warm = process.memoryUsage();
      }
      const end = process.memoryUsage();
      // Loose: the heap after 30 rounds is within the warm heap plus a margin (a leak per packet would show).
      expect(end.heapUsed).toBeLessThan(warm!.heapUsed * 2 + 64 * 1024 * 1024);
      expect(end.rss).toBeLessThan(warm!.rss * 2 + 128 * 1024 * 1024);
      expect(tcpStats.duplicates + udpStats.duplicates).toBe(0);
      const reader = openArchive(dir, { readonly: true });
      try {
        const stored = new Map<string, number>();
        for (const row of reader.query()) {
          const hex = Buffer.from(reader.bytesOf(row)).toString('hex');
          stored.set(hex, (stored.get(hex) ?? 0) + 1);
        }
        const missing = [...validTcp, ...validUdp].filter((p) => stored.get(p.toString('hex')) !== 1);
        expect(missing.length).toBe(0);
        // Besides them: at most one packet-like run per garbage datagram (TCP garbage never passes a PEC while resynchronising).
        expect(stored.size - validTcp.length - validUdp.length).toBeLessThanOrEqual(garbageDatagrams);
      } finally {
        reader.close();
      }
    } finally {
      ac.abort();
      await Promise.allSettled(runs);
      client?.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => sender.close(() => r()));
      await archive.close();
    }
  }, 240_000);
});
