/**
 * Capture timestamps as ground time (issue 11: "ground time (DDS header UTC, pcap timestamp, or receipt time)"):
 * every packet framed from a pcap/pcapng capture carries the timestamp of the record holding its first octet.
 * Checked against the committed sample capture's own record headers (read here independently of the reader,
 * draft-ietf-opsawg-pcap §4 file header, §5 record header) and against generated captures.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCaptureSplitter } from './capture.js';
import { createDdsSplitter } from './dds/reader.js';
import { createRawSplitter } from './raw/reader.js';
import { acquiredMs, groundKindOf, type FramedPacket, type Splitter } from './types.js';
import { ethernetIpv4Tcp, ethernetIpv4Udp, TCP, writePcap, writePcapng } from './pcap/_write.test-helper.js';
import { buildSamples } from '../../fixtures/generate.js';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/sample');

/** Every packet of `bytes` pushed in `chunk`-octet pieces (timestamps must not depend on the chunking). */
function split(make: () => Splitter, bytes: Uint8Array, chunk = bytes.length): FramedPacket[] {
  const s = make();
  const out: FramedPacket[] = [];
  for (let o = 0; o < bytes.length; o += chunk) out.push(...s.push(bytes.subarray(o, o + chunk)).packets);
  out.push(...s.end().packets);
  return out;
}

/** Record timestamps (Unix µs) of a little-endian µs pcap, in file order. */
function recordTimesUs(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  expect(v.getUint32(0, true)).toBe(0xa1b2c3d4);
  const out: number[] = [];
  for (let o = 24; o + 16 <= b.length; o += 16 + v.getUint32(o + 8, true)) out.push(v.getUint32(o, true) * 1e6 + v.getUint32(o + 4, true));
  return out;
}

describe('capture timestamps on framed packets', () => {
  it('fixtures/sample/sim.pcap: each packet carries its record timestamp (one packet a datagram), ground kind pcap', () => {
    const bytes = new Uint8Array(readFileSync(path.join(SAMPLE, 'sim.pcap')));
    const times = recordTimesUs(bytes);
    for (const chunk of [bytes.length, 1000, 7]) {
      const packets = split(() => createCaptureSplitter({ crc: true }), bytes, chunk);
      expect(packets).toHaveLength(times.length);
      expect(packets.map((p) => p.captureUs)).toEqual(times);
    }
    const [first] = split(() => createCaptureSplitter({ crc: true }), bytes);
    expect(groundKindOf(first!)).toBe('pcap');
    expect(new Date(acquiredMs(first!)).toISOString()).toBe('2026-01-01T00:00:00.000Z'); // the first record's header
  });

  it('the sample capture is what fixtures/generate.ts writes (the committed file is not stale)', async () => {
    const { files } = await buildSamples();
    expect(Buffer.compare(Buffer.from(files.get('sim.pcap')!), readFileSync(path.join(SAMPLE, 'sim.pcap')))).toBe(0);
  });

  it('a packet spanning TCP segments takes the timestamp of the segment holding its first octet; a DDS header stays the ground time', () => {
    const dds = new Uint8Array(readFileSync(path.join(SAMPLE, 'sim.dds')));
    const base = 1_700_000_000_000_000;
    const segments = [];
    for (let o = 0, i = 0; o < dds.length; o += 1000, i++) {
      segments.push({ timeUs: base + i * 250_000, frame: ethernetIpv4Tcp('10.0.0.3', '10.0.0.1', 41000, 7000, 1 + o, TCP.ACK | TCP.PSH, dds.subarray(o, o + 1000)) });
    }
    const cap = split(() => createCaptureSplitter({ crc: true }), writePcapng(segments), 4096);
    const plain = split(() => createDdsSplitter({ crc: true }), dds);
    expect(cap).toHaveLength(plain.length);
    cap.forEach((p, k) => {
      expect(p.captureUs).toBe(base + Math.floor(plain[k]!.streamOffset / 1000) * 250_000);
      expect(groundKindOf(p)).toBe('dds');
      expect(acquiredMs(p)).toBe(acquiredMs(plain[k]!)); // the DDS acquisition time wins over the capture's
    });
  });

  it('packets not from a capture, and pcapng Simple Packet Blocks (no timestamp), have no capture time', () => {
    const bin = new Uint8Array(readFileSync(path.join(SAMPLE, 'sim.bin')));
    const raw = split(() => createRawSplitter({ crc: true }), bin);
    expect(raw.every((p) => Number.isNaN(p.captureUs) && groundKindOf(p) === 'receipt' && Number.isNaN(acquiredMs(p)))).toBe(true);
    const spb = writePcapng([{ timeUs: 5e15, frame: ethernetIpv4Udp('10.0.0.2', '10.0.0.1', 5000, 6000, bin.subarray(0, 55)) }], { simple: true });
    const [p] = split(() => createCaptureSplitter({ crc: true }), spb);
    expect(p!.apid).toBe(1100);
    expect(groundKindOf(p!)).toBe('receipt');
  });

  it('nanosecond captures are truncated to µs', () => {
    const bin = new Uint8Array(readFileSync(path.join(SAMPLE, 'sim.bin')));
    const pcap = writePcap([{ timeUs: 1_600_000_000_123_456, frame: ethernetIpv4Udp('10.0.0.2', '10.0.0.1', 5000, 6000, bin.subarray(0, 55)) }], { nanoseconds: true });
    const [p] = split(() => createCaptureSplitter({ crc: true }), pcap);
    expect(p!.captureUs).toBe(1_600_000_000_123_456);
    expect(new Date(acquiredMs(p!)).toISOString()).toBe('2020-09-13T12:26:40.123Z');
  });
});
