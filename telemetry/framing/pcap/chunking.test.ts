import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from './_read.test-helper.js';
import { TCP, concat, ethernet, ethernetIpv4Tcp, ethernetIpv4Udp, ipv4, ipv6, tcp, udp, writePcap, writePcapng } from './_write.test-helper.js';
import type { WriteRecord } from './_write.test-helper.js';

const T0 = 1_700_000_000_000_000;

/** A random capture: UDP datagrams on a few flows, one TCP stream cut into shuffled, repeated segments. */
const captureArb = fc
  .record({
    format: fc.constantFrom('pcap-le', 'pcap-be', 'pcap-ns', 'pcapng-le', 'pcapng-be', 'pcapng-spb'),
    udp: fc.array(fc.record({ flow: fc.nat(3), payload: fc.uint8Array({ minLength: 1, maxLength: 120 }), vlan: fc.boolean(), v6: fc.boolean() }), { maxLength: 12 }),
    stream: fc.uint8Array({ minLength: 0, maxLength: 400 }),
    cuts: fc.array(fc.nat(400), { maxLength: 8 }),
    order: fc.array(fc.nat(1000), { maxLength: 12 }),
    repeats: fc.array(fc.nat(20), { maxLength: 3 }),
    snaplen: fc.option(fc.integer({ min: 40, max: 200 }), { nil: undefined }),
  })
  .map((c) => {
    const frames: Uint8Array[] = c.udp.map((u) => {
      const src = `10.0.0.${u.flow + 1}`;
      if (u.v6) return ethernet(0x86dd, ipv6(`2001:db8::${u.flow + 1}`, '2001:db8::ff', 17, udp(5000 + u.flow, 6000, u.payload)));
      return u.vlan ? ethernetIpv4Udp(src, '10.0.0.9', 5000 + u.flow, 6000, u.payload, { vlans: [{ tpid: 0x8100, vid: 5 }] }) : ethernetIpv4Udp(src, '10.0.0.9', 5000 + u.flow, 6000, u.payload);
    });
    // TCP: SYN then the stream cut at sorted points, segments permuted by `order`, some repeated.
    const points = [...new Set([0, ...c.cuts.map((x) => x % (c.stream.length + 1)), c.stream.length])].sort((a, b) => a - b);
    const segs = points.slice(1).map((end, i) => ethernetIpv4Tcp('10.0.0.1', '10.0.0.9', 40000, 7000, 1001 + points[i]!, TCP.ACK, c.stream.subarray(points[i], end)));
    for (let i = 0; i < c.order.length && segs.length > 1; i++) {
      const a = c.order[i]! % segs.length;
      const b = (a + 1) % segs.length;
      [segs[a], segs[b]] = [segs[b]!, segs[a]!];
    }
    for (const r of c.repeats) if (segs.length > 0) segs.push(segs[r % segs.length]!);
    const all = [ethernetIpv4Tcp('10.0.0.1', '10.0.0.9', 40000, 7000, 1000, TCP.SYN, new Uint8Array(0)), ...frames, ...segs];
    const records: WriteRecord[] = all.map((frame, i) => ({ timeUs: T0 + i * 1001, frame }));
    switch (c.format) {
      case 'pcap-le':
        return writePcap(records, c.snaplen === undefined ? {} : { snaplen: c.snaplen });
      case 'pcap-be':
        return writePcap(records, { littleEndian: false });
      case 'pcap-ns':
        return writePcap(records, { nanoseconds: true });
      case 'pcapng-le':
        return writePcapng(records, { otherBlocks: true });
      case 'pcapng-be':
        return writePcapng(records, { littleEndian: false, interfaces: [{ tsresol: 9, ...(c.snaplen === undefined ? {} : { snaplen: c.snaplen }) }] });
      case 'pcapng-spb':
        return writePcapng(records, { simple: true });
    }
  });

/** The capture with random octets overwritten and possibly cut short. */
const damagedArb = fc
  .record({
    file: captureArb,
    hits: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.nat(255) }), { maxLength: 6 }),
    keep: fc.option(fc.double({ min: 0.5, max: 1, noNaN: true }), { nil: undefined }),
  })
  .map(({ file, hits, keep }) => {
    const out = file.slice();
    for (const h of hits) out[Math.min(out.length - 1, Math.floor(h.at * out.length))] = h.value;
    return keep === undefined ? out : out.subarray(0, Math.floor(out.length * keep));
  });

const chunksArb = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 });

/** Place `file` at a non-zero byteOffset inside a larger buffer. */
function shifted(file: Uint8Array, by: number): Uint8Array {
  const big = new Uint8Array(file.length + by + 3).fill(0x5a);
  big.set(file, by);
  return big.subarray(by, by + file.length);
}

describe('createPcapReader() gives the same results whatever the chunking', () => {
  it('whole, random chunks, 1-octet chunks and a shifted subarray agree on intact captures', () => {
    fc.assert(
      fc.property(captureArb, chunksArb, fc.integer({ min: 1, max: 15 }), (file, chunks, by) => {
        const whole = readCapture(file);
        expect(readCapture(file, chunks)).toEqual(whole);
        expect(readCapture(shifted(file, by), chunks)).toEqual(whole);
        expect(readCapture(file, [1])).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees, and never throws, on damaged captures', () => {
    fc.assert(
      fc.property(damagedArb, chunksArb, fc.integer({ min: 1, max: 15 }), (file, chunks, by) => {
        const whole = readCapture(file);
        expect(readCapture(shifted(file, by), chunks)).toEqual(whole);
        expect(readCapture(file, [1])).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary octets after a valid file header', () => {
    const heads = [writePcap([]), writePcap([], { littleEndian: false, nanoseconds: true }), writePcapng([]), writePcapng([], { littleEndian: false })];
    fc.assert(
      fc.property(fc.constantFrom(...heads), fc.uint8Array({ maxLength: 600 }), chunksArb, (head, tail, chunks) => {
        const file = concat([head, tail]);
        expect(readCapture(file, chunks)).toEqual(readCapture(file));
      }),
      { numRuns: 150 },
    );
  });
});

describe('intact captures are read completely', () => {
  it('delivers the whole TCP stream in order and every UDP payload, with no skip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.array(fc.nat(299), { maxLength: 6 }), fc.nat(1000), (stream, cuts, seed) => {
        const points = [...new Set([0, ...cuts.map((c) => c % stream.length), stream.length])].sort((a, b) => a - b);
        const segs = points.slice(1).map((end, i) => ({ seq: 1 + points[i]!, data: stream.subarray(points[i], end) }));
        // Rotate by seed: out of order, but every byte present.
        const rotated = segs.map((_, i) => segs[(i + seed) % segs.length]!);
        const frames = [
          ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 6, tcp(1, 2, 0, TCP.SYN, new Uint8Array(0)))),
          ...rotated.map((s) => ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 6, tcp(1, 2, s.seq, TCP.ACK, s.data)))),
        ];
        const r = readCapture(writePcap(frames.map((frame, i) => ({ timeUs: T0 + i, frame }))));
        expect(r.skips).toEqual([]);
        expect(r.payloads.map((p) => p.hex).join('')).toBe(Buffer.from(stream).toString('hex'));
      }),
      { numRuns: 100 },
    );
  });
});
