import { describe, expect, it } from 'vitest';
import { fromHex, hex, readCapture } from './_read.test-helper.js';
import {
  TCP,
  concat,
  ethernet,
  ethernetIpv4Tcp,
  ethernetIpv4Udp,
  ipv4,
  ipv6,
  pcapngBlock,
  tcp,
  udp,
  writePcap,
  writePcapng,
} from './_write.test-helper.js';
import { createPcapReader, isPcapMagic } from './index.js';

const T0 = 1_700_000_000_123_456; // 2023-11-14T22:13:20.123456Z in Unix µs
const bytes = (...v: number[]): Uint8Array => new Uint8Array(v);
const PAYLOAD = bytes(1, 2, 3, 4, 5);

/**
 * Hand-written from the specs, independent of the writer:
 * draft-ietf-opsawg-pcap §4 file header (LE, µs, snaplen 262144, LinkType 1) + §5 record header
 * (ts 1700000000 s + 123456 µs, 47 octets); Ethernet II; IPv4 (RFC 791 §3.1: IHL 5, total 33, id 1,
 * TTL 64, protocol 17, checksum 0x66c9 computed by hand, 10.0.0.1 > 10.0.0.2); UDP (RFC 768: 5000 > 6000,
 * length 13, checksum 0); payload 01..05.
 */
const FRAME_HEX = `
  001122334455 66778899aabb 0800
  4500 0021 0001 0000 4011 66c9 0a000001 0a000002
  1388 1770 000d 0000
  0102030405`;
const PCAP_LE_US = fromHex(`
  d4c3b2a1 0200 0400 00000000 00000000 00000400 01000000
  00f15365 40e20100 2f000000 2f000000 ${FRAME_HEX}`);
/**
 * draft-ietf-opsawg-pcapng §4.1 SHB (LE, version 1.0, section length -1), §4.2 IDB (LinkType 1, snaplen
 * 262144, no options), §4.3 EPB (interface 0, timestamp 0x00060a24_18202240 µs, 47 octets + 1 pad).
 */
const PCAPNG_LE = fromHex(`
  0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000
  01000000 14000000 0100 0000 00000400 14000000
  06000000 50000000 00000000 240a0600 40222018 2f000000 2f000000 ${FRAME_HEX} 00 50000000`);

describe('isPcapMagic()', () => {
  it('recognises the four pcap magics and pcapng (draft-ietf-opsawg-pcap §4, pcapng §4.1)', () => {
    expect(isPcapMagic(fromHex('a1b2c3d4'))).toBe('pcap');
    expect(isPcapMagic(fromHex('d4c3b2a1'))).toBe('pcap');
    expect(isPcapMagic(fromHex('a1b23c4d'))).toBe('pcap');
    expect(isPcapMagic(fromHex('4d3cb2a1'))).toBe('pcap');
    expect(isPcapMagic(fromHex('0a0d0d0a'))).toBe('pcapng');
  });
  it('rejects other bytes and short input', () => {
    expect(isPcapMagic(fromHex('a1b2c3d5'))).toBeUndefined();
    expect(isPcapMagic(fromHex('a1b2c3'))).toBeUndefined();
    expect(isPcapMagic(fromHex('00000000'))).toBeUndefined();
  });
});

describe('createPcapReader() on hand-written vectors', () => {
  it('reads the pcap vector: payload, file offset 82, timestamp', () => {
    const r = readCapture(PCAP_LE_US);
    expect(r.format).toBe('pcap');
    expect(r.skips).toEqual([]);
    expect(r.payloads).toEqual([{ flow: 'udp 10.0.0.1:5000>10.0.0.2:6000', protocol: 'udp', hex: '0102030405', fileOffset: 82, timeUs: T0 }]);
  });
  it('reads the pcapng vector: payload at offset 118', () => {
    const r = readCapture(PCAPNG_LE);
    expect(r.format).toBe('pcapng');
    expect(r.skips).toEqual([]);
    expect(r.payloads).toEqual([{ flow: 'udp 10.0.0.1:5000>10.0.0.2:6000', protocol: 'udp', hex: '0102030405', fileOffset: 118, timeUs: T0 }]);
  });
  it('the test writer produces exactly the hand-written vectors', () => {
    const frame = ethernetIpv4Udp('10.0.0.1', '10.0.0.2', 5000, 6000, PAYLOAD);
    expect(hex(frame)).toBe(hex(fromHex(FRAME_HEX)));
    expect(hex(writePcap([{ timeUs: T0, frame }]))).toBe(hex(PCAP_LE_US));
    expect(hex(writePcapng([{ timeUs: T0, frame }], { interfaces: [{ snaplen: 262144 }] }))).toBe(hex(PCAPNG_LE));
  });
});

const frameA = ethernetIpv4Udp('192.168.1.10', '192.168.1.20', 1234, 4321, bytes(0xaa, 0xbb));
const frameB = ethernetIpv4Udp('192.168.1.20', '192.168.1.10', 4321, 1234, bytes(0xcc));
const twoRecords = [
  { timeUs: T0, frame: frameA },
  { timeUs: T0 + 1_000_001, frame: frameB },
];
const expectedTwo = (base: number, timeB = T0 + 1_000_001): ReadResult['payloads'] => [
  { flow: 'udp 192.168.1.10:1234>192.168.1.20:4321', protocol: 'udp', hex: 'aabb', fileOffset: base + 16 + 42, timeUs: T0 },
  { flow: 'udp 192.168.1.20:4321>192.168.1.10:1234', protocol: 'udp', hex: 'cc', fileOffset: base + 16 + frameA.length + 16 + 42, timeUs: timeB },
];
type ReadResult = ReturnType<typeof readCapture>;

describe('pcap magics and byte orders (draft-ietf-opsawg-pcap §4)', () => {
  for (const littleEndian of [true, false]) {
    for (const nanoseconds of [false, true]) {
      it(`reads ${littleEndian ? 'little' : 'big'}-endian ${nanoseconds ? 'ns' : 'µs'} files`, () => {
        const file = writePcap(twoRecords, { littleEndian, nanoseconds });
        const magic = hex(file.subarray(0, 4));
        expect(magic).toBe({ 'true,false': 'd4c3b2a1', 'true,true': '4d3cb2a1', 'false,false': 'a1b2c3d4', 'false,true': 'a1b23c4d' }[`${littleEndian},${nanoseconds}`]);
        const r = readCapture(file);
        expect(r.skips).toEqual([]);
        expect(r.payloads).toEqual(expectedTwo(24));
      });
    }
  }
  it('truncates nanosecond timestamps to whole microseconds (hand-written record)', () => {
    // ts_sec 1, ts_nsec 999999999 (0x3b9ac9ff) → 1999999 µs.
    const head = fromHex(`4d3cb2a1 0200 0400 00000000 00000000 ffff0000 01000000 01000000 ffc99a3b 2c000000 2c000000`);
    expect(frameA.length).toBe(0x2c);
    expect(readCapture(concat([head, frameA])).payloads).toMatchObject([{ hex: 'aabb', timeUs: 1_999_999 }]);
  });
  it('masks the FCS bits of the LinkType field (libpcap LT_LINKTYPE)', () => {
    const file = writePcap([{ timeUs: T0, frame: frameA }], { linkType: 0x10000001 });
    expect(readCapture(file).payloads).toHaveLength(1);
  });
});

describe('pcapng blocks (draft-ietf-opsawg-pcapng)', () => {
  it('reads a big-endian section (§4.1 byte-order magic)', () => {
    const file = writePcapng(twoRecords, { littleEndian: false });
    expect(hex(file.subarray(8, 12))).toBe('1a2b3c4d');
    const r = readCapture(file);
    expect(r.skips).toEqual([]);
    expect(r.payloads.map((p) => p.hex)).toEqual(['aabb', 'cc']);
    expect(r.payloads.map((p) => p.timeUs)).toEqual([T0, T0 + 1_000_001]);
  });
  it('reads several sections of different byte orders, numbering interfaces per section', () => {
    const s1 = writePcapng([{ timeUs: T0, frame: frameA, interfaceId: 1 }], { interfaces: [{ linkType: 101 }, { linkType: 1 }] });
    const s2 = writePcapng([{ timeUs: T0 + 5, frame: frameB }], { littleEndian: false });
    const r = readCapture(concat([s1, s2]));
    expect(r.skips).toEqual([]);
    expect(r.payloads.map((p) => [p.hex, p.timeUs])).toEqual([['aabb', T0], ['cc', T0 + 5]]);
  });
  it('applies if_tsresol 10^-9 and 2^-20 and if_tsoffset (§4.2)', () => {
    const t = 1_700_000_000_000_000 + 123_456;
    for (const itf of [{ tsresol: 9 }, { tsresol: 0x80 | 20 }, { tsresol: 3 }, { tsoffset: 1_600_000_000 }]) {
      const r = readCapture(writePcapng([{ timeUs: t, frame: frameA }], { interfaces: [itf] }));
      const expected = itf.tsresol === 3 ? t - 456 : itf.tsresol === (0x80 | 20) ? Number((((BigInt(t) << 20n) / 1_000_000n) * 1_000_000n) >> 20n) : t;
      expect(r.payloads[0]!.timeUs, JSON.stringify(itf)).toBe(expected);
    }
  });
  it('reads a nanosecond EPB timestamp written by hand', () => {
    // ts = 1700000000123456789 ns = 0x17979cfe_3d85cd15 (§4.3, if_tsresol 9).
    const idb = pcapngBlock(1, fromHex('0100 0000 00000000 0900 0100 09000000 0000 0000'));
    const epb = pcapngBlock(6, concat([fromHex('00000000 fe9c9717 15cd853d'), fromHex(`${frameA.length.toString(16).padStart(2, '0')}000000`.repeat(2)), frameA]));
    const shb = writePcapng([]).subarray(0, 28);
    const r = readCapture(concat([shb, idb, epb]));
    expect(r.payloads[0]!.timeUs).toBe(1_700_000_000_123_456);
  });
  it('skips a section of an unsupported major version up to the next SHB (§3.4)', () => {
    const v2 = writePcapng(twoRecords, { littleEndian: false });
    v2[13] = 2; // major version 2 (big-endian u16 at offset 12)
    const v1 = writePcapng([{ timeUs: T0, frame: frameB }]);
    const r = readCapture(concat([v2, v1, v2]));
    expect(r.payloads.map((p) => p.hex)).toEqual(['cc']);
    const reason = 'pcapng section of unsupported version 2.0 skipped';
    expect(r.skips).toEqual([
      { offset: 0, length: v2.length, reason },
      { offset: v2.length + v1.length, length: v2.length, reason },
    ]);
  });
  it('reads Simple Packet Blocks (§4.4) with timeUs NaN', () => {
    const r = readCapture(writePcapng(twoRecords, { simple: true }));
    expect(r.skips).toEqual([]);
    expect(r.payloads.map((p) => p.hex)).toEqual(['aabb', 'cc']);
    expect(r.payloads.every((p) => Number.isNaN(p.timeUs))).toBe(true);
  });
  it('reads obsolete Packet Blocks (Appendix A)', () => {
    const r = readCapture(writePcapng(twoRecords, { obsolete: true }));
    expect(r.payloads.map((p) => [p.hex, p.timeUs])).toEqual([['aabb', T0], ['cc', T0 + 1_000_001]]);
  });
  it('skips NRB, ISB and custom blocks silently by their length', () => {
    const plain = readCapture(writePcapng(twoRecords));
    const mixed = readCapture(writePcapng(twoRecords, { otherBlocks: true }));
    expect(mixed.skips).toEqual([]);
    expect(mixed.payloads.map((p) => p.hex)).toEqual(plain.payloads.map((p) => p.hex));
  });
  it('reports a block whose trailing length differs from its leading one, then resynchronises', () => {
    const file = writePcapng([...twoRecords, ...twoRecords]);
    // Blocks: SHB 28, IDB 20, EPB(A), EPB(B), EPB(A), EPB(B). Break the trailer of the second EPB.
    const epbA = 32 + ((frameA.length + 3) & ~3);
    const epbB = 32 + ((frameB.length + 3) & ~3);
    const second = 48 + epbA;
    file[second + epbB - 4] = 0xee;
    const r = readCapture(file);
    expect(r.payloads.map((p) => p.hex)).toEqual(['aabb', 'aabb', 'cc']);
    expect(r.skips).toHaveLength(1);
    expect(r.skips[0]).toMatchObject({ offset: second, length: epbB });
    expect(r.skips[0]!.reason).toMatch(/trailing length .* differs from leading length/);
  });
  it('reports an EPB of an undeclared interface and a block with an impossible length', () => {
    const bad = writePcapng([{ timeUs: T0, frame: frameA, interfaceId: 3 }, { timeUs: T0, frame: frameB }], { interfaces: [{}, {}, {}, {}] });
    const noItf = concat([writePcapng([]), bad.subarray(28 + 4 * 20)]);
    const r = readCapture(noItf);
    expect(r.skips.map((s) => s.reason)).toEqual(['pcapng enhanced packet block refers to interface 3, not described in this section']);
    expect(r.payloads.map((p) => p.hex)).toEqual(['cc']);
    const file = writePcapng(twoRecords);
    file[48 + 4] = 13; // EPB length 13: not a multiple of 4
    const r2 = readCapture(file);
    expect(r2.payloads.map((p) => p.hex)).toEqual(['cc']);
    expect(r2.skips).toHaveLength(1);
    expect(r2.skips[0]!.reason).toMatch(/impossible length 13/);
  });
});

/** Read one frame of link type `linkType` in a pcap file; payloads and skip reasons. */
function one(frame: Uint8Array, linkType = 1, origLen?: number): ReadResult {
  return readCapture(writePcap([origLen === undefined ? { timeUs: T0, frame } : { timeUs: T0, frame, origLen }], { linkType }));
}
const ip4udp = ipv4('10.1.2.3', '10.3.2.1', 17, udp(7, 8, bytes(9, 9)));
const ip6udp = ipv6('2001:db8::1', 'fe80::a:0:0:1', 17, udp(7, 8, bytes(9, 9)));

describe('link types', () => {
  const FLOW4 = 'udp 10.1.2.3:7>10.3.2.1:8';
  const FLOW6 = 'udp [2001:db8::1]:7>[fe80::a:0:0:1]:8';
  it('Ethernet (1) with 802.1Q and 802.1ad+802.1Q tags', () => {
    for (const vlans of [[{ tpid: 0x8100, vid: 42 }], [{ tpid: 0x88a8, vid: 7 }, { tpid: 0x8100, vid: 42 }]]) {
      const r = one(ethernet(0x0800, ip4udp, { vlans }));
      expect(r.payloads).toMatchObject([{ flow: FLOW4, hex: '0909', fileOffset: 40 + 14 + 4 * vlans.length + 28 }]);
    }
  });
  it('Ethernet padding is stripped using the IPv4 total length', () => {
    const frame = ethernet(0x0800, ip4udp, { pad: true });
    expect(frame.length).toBe(60);
    expect(one(frame).payloads.map((p) => p.hex)).toEqual(['0909']);
  });
  it('Ethernet frames that are not IP, and IP that is not UDP/TCP, are ignored without a skip', () => {
    const arp = ethernet(0x0806, new Uint8Array(28));
    const icmp = ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 1, new Uint8Array(8)));
    const r = readCapture(writePcap([{ timeUs: T0, frame: arp }, { timeUs: T0, frame: icmp }]));
    expect(r).toMatchObject({ payloads: [], skips: [] });
  });
  it('BSD loopback (0) and OpenBSD loop (108) with the family in either byte order, IPv4 and the IPv6 families', () => {
    expect(one(concat([fromHex('02000000'), ip4udp]), 0).payloads).toMatchObject([{ flow: FLOW4 }]);
    expect(one(concat([fromHex('00000002'), ip4udp]), 0).payloads).toMatchObject([{ flow: FLOW4 }]);
    expect(one(concat([fromHex('00000002'), ip4udp]), 108).payloads).toMatchObject([{ flow: FLOW4 }]);
    for (const fam of ['0a000000', '18000000', '1c000000', '0000001e']) {
      expect(one(concat([fromHex(fam), ip6udp]), 0).payloads, fam).toMatchObject([{ flow: FLOW6, hex: '0909' }]);
    }
  });
  it('raw IP (101, 228, 229)', () => {
    expect(one(ip4udp, 101).payloads).toMatchObject([{ flow: FLOW4, fileOffset: 40 + 28 }]);
    expect(one(ip6udp, 101).payloads).toMatchObject([{ flow: FLOW6, fileOffset: 40 + 48 }]);
    expect(one(ip4udp, 228).payloads).toMatchObject([{ flow: FLOW4 }]);
    expect(one(ip6udp, 229).payloads).toMatchObject([{ flow: FLOW6 }]);
  });
  it('Linux cooked SLL (113) and SLL2 (276)', () => {
    const sll = concat([fromHex('0000 0001 0006 001122334455 0000 0800'), ip4udp]);
    expect(one(sll, 113).payloads).toMatchObject([{ flow: FLOW4, fileOffset: 40 + 16 + 28 }]);
    const sll2 = concat([fromHex('86dd 0000 00000002 0001 00 06 001122334455 0000'), ip6udp]);
    expect(one(sll2, 276).payloads).toMatchObject([{ flow: FLOW6, fileOffset: 40 + 20 + 48 }]);
  });
  it('an unsupported link type is a skip of the frame', () => {
    const r = one(ip4udp, 147);
    expect(r.payloads).toEqual([]);
    expect(r.skips).toEqual([{ offset: 40, length: ip4udp.length, reason: 'unsupported link type 147' }]);
  });
});

describe('IPv4 (RFC 791) and IPv6 (RFC 8200)', () => {
  it('honours IHL: options before UDP', () => {
    const p = ipv4('10.0.0.1', '10.0.0.2', 17, udp(1, 2, bytes(7)), { options: fromHex('01010100') });
    expect(one(ethernet(0x0800, p)).payloads).toMatchObject([{ hex: '07', fileOffset: 40 + 14 + 24 + 8 }]);
  });
  it('skips first and non-first fragments with reasons', () => {
    const first = ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 17, udp(1, 2, new Uint8Array(16)), { moreFragments: true, identification: 77 }));
    const later = ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 17, new Uint8Array(16), { fragmentOffset: 24, identification: 77 }));
    const r = readCapture(writePcap([{ timeUs: T0, frame: first }, { timeUs: T0, frame: later }]));
    expect(r.payloads).toEqual([]);
    expect(r.skips.map((s) => s.reason)).toEqual([
      'ipv4 first fragment of datagram id 77 10.0.0.1>10.0.0.2 protocol 17: ip reassembly not supported',
      'ipv4 non-first fragment (offset 24) of datagram id 77 10.0.0.1>10.0.0.2 protocol 17: ip reassembly not supported',
    ]);
    expect(r.skips[1]).toMatchObject({ offset: 40 + 16 + first.length + 14 + 20, length: 16 });
  });
  it('walks hop-by-hop, routing and destination options headers, and an atomic fragment header', () => {
    // §4.3 hop-by-hop (next 43, len 0, PadN), §4.4 routing (next 60, len 0), §4.6 dest opts (next 44, len 1 → 16 octets),
    // §4.5 fragment (next 17, offset 0, M 0).
    const ext = fromHex('2b00 010400000000 3c00 000000000000 2c01 010c 000000000000000000000000 1100 0000 00000001');
    const r = one(ethernet(0x86dd, ipv6('::1', '::2', 0, udp(3, 4, bytes(0x42)), ext)));
    expect(r.skips).toEqual([]);
    expect(r.payloads).toMatchObject([{ flow: 'udp [::1]:3>[::2]:4', hex: '42', fileOffset: 40 + 14 + 40 + ext.length + 8 }]);
  });
  it('skips IPv6 fragments and ESP with reasons', () => {
    const frag = fromHex('1100 0019 0000abcd'); // offset 3 (24 octets), M=1
    const r = one(ethernet(0x86dd, ipv6('::1', '::2', 44, new Uint8Array(8), frag)));
    expect(r.skips[0]!.reason).toBe('ipv6 non-first fragment (offset 24) of datagram id 43981 [::1]>[::2]: ip reassembly not supported');
    const esp = one(ethernet(0x86dd, ipv6('::1', '::2', 50, new Uint8Array(24))));
    expect(esp.skips[0]!.reason).toMatch(/esp/);
  });
  it('formats IPv6 addresses per RFC 5952', () => {
    const r = one(ethernet(0x86dd, ipv6('2001:db8:0:0:1:0:0:1', '2001:0:0:1::', 17, udp(1, 2, bytes(1)))));
    expect(r.payloads[0]!.flow).toBe('udp [2001:db8::1:0:0:1]:1>[2001:0:0:1::]:2');
  });
  it('reports damaged IP and UDP headers', () => {
    const badUdp = ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 17, fromHex('0001 0002 0040 0000 01')));
    expect(one(badUdp).skips[0]).toMatchObject({ reason: 'udp length 64 exceeds the ipv4 payload of 9 octets in flow udp 10.0.0.1:1>10.0.0.2:2', flow: 'udp 10.0.0.1:1>10.0.0.2:2' });
    const badIhl = ethernet(0x0800, fromHex('4300 0014 0000 0000 4011 0000 0a000001 0a000002'));
    expect(one(badIhl).skips[0]!.reason).toBe('ipv4 header length 3 words < 5');
  });
});

describe('snaplen truncation (draft-ietf-opsawg-pcap §5: captured < original length)', () => {
  it('delivers nothing of a truncated UDP payload and reports the captured part', () => {
    const frame = ethernetIpv4Udp('10.0.0.1', '10.0.0.2', 1, 2, new Uint8Array(100).fill(7));
    const file = writePcap([{ timeUs: T0, frame }, { timeUs: T0, frame: frameB }], { snaplen: 92 });
    const r = readCapture(file);
    expect(r.payloads.map((p) => p.hex)).toEqual(['cc']);
    expect(r.skips).toEqual([
      {
        offset: 24 + 16 + 42,
        length: 50,
        reason: 'record truncated by snaplen: udp payload of 100 octets, 50 captured, 50 missing, in flow udp 10.0.0.1:1>10.0.0.2:2',
        flow: 'udp 10.0.0.1:1>10.0.0.2:2',
      },
    ]);
  });
  it('reports a record cut inside its headers as a skip of the frame', () => {
    const r = readCapture(writePcap([{ timeUs: T0, frame: frameA }], { snaplen: 30 }));
    expect(r.skips).toEqual([{ offset: 40, length: 30, reason: `record truncated by snaplen inside the ipv4 header (30 of ${frameA.length} octets captured)` }]);
  });
  it('delivers a payload when only Ethernet padding was cut', () => {
    const frame = ethernet(0x0800, ip4udp, { pad: true });
    expect(one(frame.subarray(0, 14 + ip4udp.length), 1, 60).payloads.map((p) => p.hex)).toEqual(['0909']);
  });
});

describe('damaged and truncated files', () => {
  const records = [0, 1, 2, 3].map((i) => ({ timeUs: T0 + i, frame: ethernetIpv4Udp('10.0.0.1', '10.0.0.2', 1, 2, bytes(i, i)) }));
  const recordLength = 16 + records[0]!.frame.length;
  it('reports a truncated last record and a truncated record header', () => {
    const file = writePcap(records);
    const cut = readCapture(file.subarray(0, file.length - 5));
    expect(cut.payloads).toHaveLength(3);
    expect(cut.skips).toEqual([{ offset: 24 + 3 * recordLength, length: recordLength - 5, reason: `truncated record: the file ends ${recordLength - 5} octets into a ${recordLength}-octet record` }]);
    const hdr = readCapture(file.subarray(0, 24 + 3 * recordLength + 7));
    expect(hdr.skips).toEqual([{ offset: 24 + 3 * recordLength, length: 7, reason: 'truncated record header: the file ends 7 octets into it' }]);
    const ng = writePcapng(records);
    const ngCut = readCapture(ng.subarray(0, ng.length - 3));
    expect(ngCut.payloads).toHaveLength(3);
    expect(ngCut.skips[0]!.reason).toMatch(/^truncated pcapng block: the file ends \d+ octets into a \d+-octet block$/);
  });
  it('resynchronises after a garbage record length and reports the bytes in between', () => {
    const file = writePcap(records);
    const second = 24 + recordLength;
    new DataView(file.buffer).setUint32(second + 8, 0xfffffff0, true);
    const r = readCapture(file);
    expect(r.payloads.map((p) => p.hex)).toEqual(['0000', '0202', '0303']);
    expect(r.skips).toEqual([
      {
        offset: second,
        length: recordLength,
        reason: `corrupt pcap record header (captured length 4294967280 > maxRecordLength 262144) at offset ${second}; resynchronised at offset ${second + recordLength}`,
      },
    ]);
  });
  it('resynchronises after a plausible-looking but wrong length', () => {
    const file = writePcap(records);
    const second = 24 + recordLength;
    new DataView(file.buffer).setUint32(second + 8, 20, true); // captured 20, shorter than the real 44
    const r = readCapture(file);
    expect(r.payloads.map((p) => p.hex)).toEqual(['0000', '0202', '0303']);
    // The 20-octet record is read as cut by snaplen (orig 44); the next "header" lies inside the frame, is
    // corrupt, and the scan finds the third record.
    const next = second + 16 + 20;
    expect(r.skips).toEqual([
      { offset: second + 16, length: 20, reason: 'record truncated by snaplen inside the ipv4 header (20 of 44 octets captured)' },
      { offset: next, length: second + recordLength - next, reason: expect.stringMatching(/^corrupt pcap record header .*; resynchronised at offset 144$/) },
    ]);
  });
  it('skips exactly the garbage inserted between two pcap records', () => {
    const file = writePcap(records);
    const at = 24 + 2 * recordLength;
    const damaged = concat([file.subarray(0, at), new Uint8Array(7).fill(0xee), file.subarray(at)]);
    // The captured length read at `at + 8` is made of the real header's timestamp octets f1 53 65 42 (LE).
    const r = readCapture(damaged);
    expect(r.payloads.map((p) => p.hex)).toEqual(['0000', '0101', '0202', '0303']);
    expect(r.skips).toEqual([{ offset: at, length: 7, reason: `corrupt pcap record header (captured length 1113936881 > maxRecordLength 262144) at offset ${at}; resynchronised at offset ${at + 7}` }]);
  });
  it('skips exactly the garbage inserted between two pcapng blocks', () => {
    const file = writePcapng(records);
    const at = 48 + 2 * (32 + 44);
    const damaged = concat([file.subarray(0, at), new Uint8Array(5).fill(0xff), file.subarray(at)]);
    // The length read at `at` is ff 06 00 00 (LE): 0x6ff = 1791, not a multiple of 4.
    const r = readCapture(damaged);
    expect(r.payloads.map((p) => p.hex)).toEqual(['0000', '0101', '0202', '0303']);
    expect(r.skips).toEqual([{ offset: at, length: 5, reason: `pcapng block type 0xffffffff with impossible length 1791 at offset ${at}; resynchronised at offset ${at + 5}` }]);
  });
  it('reports trailing garbage as one skip to the end of the file', () => {
    const file = concat([writePcap(records), new Uint8Array(37).fill(0xee)]);
    const r = readCapture(file);
    expect(r.payloads).toHaveLength(4);
    expect(r.skips).toEqual([{ offset: file.length - 37, length: 37, reason: expect.stringMatching(/no plausible record found before the end of the file$/) }]);
  });
  it('reports a file that is not a capture, and an empty file', () => {
    expect(readCapture(new Uint8Array(100).fill(1))).toEqual({ format: undefined, payloads: [], skips: [{ offset: 0, length: 100, reason: 'not a pcap or pcapng file (unknown magic number)' }] });
    expect(readCapture(new Uint8Array(0)).skips).toEqual([{ offset: 0, length: 0, reason: 'empty file' }]);
  });
  it('honours maxRecordLength: a longer record is corrupt', () => {
    const big = ethernetIpv4Udp('10.0.0.1', '10.0.0.2', 1, 2, new Uint8Array(500));
    const r = readCapture(writePcap([{ timeUs: T0, frame: big }, ...records]), undefined, { maxRecordLength: 400 });
    expect(r.payloads).toHaveLength(4);
    expect(r.skips).toHaveLength(1);
    expect(r.skips[0]).toMatchObject({ offset: 24, length: 16 + big.length });
  });
});

describe('misuse throws', () => {
  it('rejects bad options, non-byte chunks, and use after end()', () => {
    expect(() => createPcapReader({ maxRecordLength: 0 })).toThrow(RangeError);
    expect(() => createPcapReader({ maxTcpBufferedBytes: 1.5 })).toThrow(RangeError);
    const r = createPcapReader();
    expect(() => r.push('abc' as unknown as Uint8Array)).toThrow(TypeError);
    r.end();
    expect(() => r.push(new Uint8Array(1))).toThrow(/after end/);
    expect(() => r.end()).toThrow(/twice/);
  });
});

describe('TCP payloads (RFC 9293)', () => {
  const A = '10.0.0.1';
  const B = '10.0.0.2';
  const FLOW = 'tcp 10.0.0.1:40000>10.0.0.2:7000';
  const seg = (seq: number, flags: number, data: number[] | Uint8Array): Uint8Array =>
    ethernetIpv4Tcp(A, B, 40000, 7000, seq, flags, data instanceof Uint8Array ? data : new Uint8Array(data));
  const read = (frames: Uint8Array[], opts = {}): ReadResult => readCapture(writePcap(frames.map((frame, i) => ({ timeUs: T0 + i, frame }))), undefined, opts);
  const text = (r: ReadResult): string => r.payloads.map((p) => p.hex).join('');

  it('SYN consumes one sequence number; in-order data is delivered with its file offset', () => {
    const frames = [seg(1000, TCP.SYN, []), seg(1001, TCP.ACK, [1, 2]), seg(1003, TCP.ACK | TCP.PSH, [3])];
    const r = read(frames);
    expect(r.skips).toEqual([]);
    expect(r.payloads).toEqual([
      { flow: FLOW, protocol: 'tcp', hex: '0102', fileOffset: 24 + 16 + frames[0]!.length + 16 + 54, timeUs: T0 + 1 },
      { flow: FLOW, protocol: 'tcp', hex: '03', fileOffset: 24 + 16 * 3 + frames[0]!.length + frames[1]!.length + 54, timeUs: T0 + 2 },
    ]);
  });
  it('skips TCP options by the data offset (RFC 9293 §3.1)', () => {
    const mss = fromHex('020405b4 01010402'); // MSS 1460, NOP NOP SACK-permitted
    const frame = ethernet(0x0800, ipv4(A, B, 6, tcp(40000, 7000, 1, TCP.ACK, bytes(0x77), mss)));
    expect(read([frame]).payloads).toMatchObject([{ flow: FLOW, hex: '77', fileOffset: 40 + 14 + 20 + 28 }]);
  });
  it('delivers data carried on the SYN after the SYN octet', () => {
    expect(text(read([seg(5, TCP.SYN, [9]), seg(7, TCP.ACK, [8])]))).toBe('0908');
  });
  it('reorders out-of-order segments', () => {
    const r = read([seg(1000, TCP.SYN, []), seg(1005, 0, [5, 6]), seg(1004, 0, [4]), seg(1001, 0, [1, 2, 3])]);
    expect(text(r)).toBe('010203040506');
    expect(r.skips).toEqual([]);
  });
  it('drops exact retransmissions and delivers only the new part of an overlapping one', () => {
    const r = read([seg(0, TCP.SYN, []), seg(1, 0, [1, 2]), seg(1, 0, [1, 2]), seg(2, 0, [2, 3, 4]), seg(3, 0, [3])]);
    expect(text(r)).toBe('01020304');
    expect(r.payloads[1]).toMatchObject({ hex: '0304' });
    expect(r.skips).toEqual([]);
  });
  it('reports a real hole at the end of the capture and delivers what follows it', () => {
    const frames = [seg(0, TCP.SYN, []), seg(1, 0, [1]), seg(5, 0, [5, 6]), seg(7, 0, [7])];
    const r = read(frames);
    expect(text(r)).toBe('01050607');
    const resumeOffset = 24 + 16 * 3 + frames[0]!.length + frames[1]!.length + 54;
    expect(r.skips).toEqual([{ offset: resumeOffset, length: 0, reason: `tcp gap of 3 bytes in flow ${FLOW}`, flow: FLOW }]);
  });
  it('declares the hole lost when the reorder buffer exceeds its cap', () => {
    const big = new Uint8Array(600).fill(0x11);
    const r = read([seg(0, TCP.SYN, []), seg(1, 0, [1]), seg(100, 0, big), seg(700, 0, big), seg(2, 0, [2])], { maxTcpBufferedBytes: 1000 });
    expect(r.skips.map((s) => s.reason)).toEqual([`tcp gap of 98 bytes in flow ${FLOW}`]);
    expect(r.payloads.map((p) => p.hex.length / 2)).toEqual([1, 600, 600]);
  });
  it('follows the sequence number across the 2^32 wrap', () => {
    const r = read([seg(0xfffffffd, TCP.SYN, []), seg(0xfffffffe, 0, [1, 2]), seg(1, 0, [4]), seg(0, 0, [3])]);
    expect(text(r)).toBe('01020304');
    expect(r.skips).toEqual([]);
  });
  it('starts a flow captured mid-stream at its first data segment; keeps directions apart', () => {
    const back = ethernetIpv4Tcp(B, A, 7000, 40000, 77, TCP.ACK, bytes(0xbb));
    const r = read([seg(5000, TCP.ACK, [1]), back, seg(5001, TCP.ACK, [2])]);
    expect(r.payloads.map((p) => [p.flow, p.hex])).toEqual([[FLOW, '01'], ['tcp 10.0.0.2:7000>10.0.0.1:40000', 'bb'], [FLOW, '02']]);
  });
  it('a new SYN (new ISN) restarts the flow and reports the discontinuity; a repeated SYN does not', () => {
    const frames = [seg(0, TCP.SYN, []), seg(1, 0, [1]), seg(0, TCP.SYN, []), seg(1, 0, [1]), seg(500, TCP.SYN, []), seg(501, 0, [2])];
    const r = read(frames);
    expect(text(r)).toBe('0102');
    const synAt = 24 + 16 * 5 + frames.slice(0, 4).reduce((n, f) => n + f.length, 0) + 54;
    expect(r.skips).toEqual([{ offset: synAt, length: 0, reason: `tcp connection restarted (new SYN) in flow ${FLOW}: stream discontinuity`, flow: FLOW }]);
  });
  it('reassembles TCP inside pcapng and over IPv6', () => {
    const frames = [0, 1].map((i) => ethernet(0x86dd, ipv6('::a', '::b', 6, tcp(1, 2, 10 + i, 0, bytes(i)))));
    const r = readCapture(writePcapng([{ timeUs: T0, frame: frames[1]! }, { timeUs: T0, frame: frames[0]! }]));
    // Mid-stream start at seq 11: the earlier segment comes too late to be delivered in order; it is reported.
    expect(r.payloads.map((p) => [p.flow, p.hex])).toEqual([['tcp [::a]:1>[::b]:2', '01']]);
    const offset = 28 + 20 + 32 + ((frames[1]!.length + 3) & ~3) + 28 + 14 + 40 + 20; // SHB, IDB, padded EPB, EPB header, headers
    expect(r.skips).toEqual([{ offset, length: 1, reason: 'tcp data before the first delivered byte of flow tcp [::a]:1>[::b]:2 (capture started mid-stream): 1 bytes not delivered' }]);
  });
});
