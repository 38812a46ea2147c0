/**
 * L0 packets read from files take the capture record's timestamp as ground time (issue 11), like a DDS header's:
 * fixtures/sample/sim.pcap read with the default profile (its on-board time is then implausible, 1984) is timed
 * and dated by its record timestamps (2026-01-01T00:00:00Z for the first record, one packet a record).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/ccsds/profile.js';
import { TimeStatus, taiToUnixMs, taiToUtcIso } from '../../src/time/index.js';
import { packetsFromFiles } from './from-files.js';
import type { L0Packet } from './types.js';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/sample');

describe('packetsFromFiles: capture timestamps as ground time', () => {
  it('sim.pcap: ground and reception time are the record timestamps; the ground-timed packets are dated by them', async () => {
    const all: L0Packet[] = [];
    for await (const b of packetsFromFiles([path.join(SAMPLE, 'sim.pcap')], { crc: 'yes' }, DEFAULT_PROFILE)) all.push(...b);
    expect(all.length).toBe(705);
    const first = all[0]!;
    expect(new Date(first.groundUnixMs!).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(first.receivedUnixMs).toBe(first.groundUnixMs);
    expect(first.timeStatus).toBe(TimeStatus.implausible);
    expect(taiToUtcIso(first.tai!, 3)).toBe('2026-01-01T00:00:00.000Z');
    // The generator stamps each record at its packet's time: every packet is timed by its own record (300 s run).
    const grounds = all.map((p) => p.groundUnixMs!);
    expect(new Set(grounds).size).toBeGreaterThan(600);
    expect(Math.max(...grounds) - Math.min(...grounds)).toBeGreaterThan(290_000);
    expect(all.every((p) => p.timeStatus !== TimeStatus.implausible || Math.abs(taiToUnixMs(p.tai!) - p.groundUnixMs!) < 1)).toBe(true);
  });
});
