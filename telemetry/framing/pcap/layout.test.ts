import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ETHERNET_HEADER,
  IPV4_HEADER,
  IPV6_HEADER,
  PCAPNG_BLOCK_HEADER_BE,
  PCAPNG_BLOCK_HEADER_LE,
  PCAPNG_EPB_BODY_BE,
  PCAPNG_EPB_BODY_LE,
  PCAP_RECORD_HEADER_BE,
  PCAP_RECORD_HEADER_LE,
  TCP_HEADER,
  UDP_HEADER,
  VLAN_TAG,
  readEthernetHeader,
  readIpv4Header,
  readIpv6Header,
  readPcapRecordHeader,
  readPcapngBlockHeader,
  readPcapngEnhancedPacket,
  readTcpHeader,
  readUdpHeader,
  readVlanTag,
} from './layout.js';
import type { Parser } from 'binary-parser/dist/binary_parser.js';

/** Plain comparable form: byte fields as hex, arrays as arrays. */
const plain = (v: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x instanceof Uint8Array ? Buffer.from(x).toString('hex') : Array.isArray(x) ? [...(x as number[])] : x]));

const cases: [string, Parser, number, (b: Uint8Array, o: number) => object][] = [
  ['pcap record header LE', PCAP_RECORD_HEADER_LE, 16, (b, o) => readPcapRecordHeader(b, o, true)],
  ['pcap record header BE', PCAP_RECORD_HEADER_BE, 16, (b, o) => readPcapRecordHeader(b, o, false)],
  ['pcapng block header LE', PCAPNG_BLOCK_HEADER_LE, 8, (b, o) => readPcapngBlockHeader(b, o, true)],
  ['pcapng block header BE', PCAPNG_BLOCK_HEADER_BE, 8, (b, o) => readPcapngBlockHeader(b, o, false)],
  ['pcapng EPB LE', PCAPNG_EPB_BODY_LE, 20, (b, o) => readPcapngEnhancedPacket(b, o, true)],
  ['pcapng EPB BE', PCAPNG_EPB_BODY_BE, 20, (b, o) => readPcapngEnhancedPacket(b, o, false)],
  ['ethernet', ETHERNET_HEADER, 14, readEthernetHeader],
  ['vlan tag', VLAN_TAG, 4, readVlanTag],
  ['ipv4', IPV4_HEADER, 20, readIpv4Header],
  ['ipv6', IPV6_HEADER, 40, readIpv6Header],
  ['udp', UDP_HEADER, 8, readUdpHeader],
  ['tcp', TCP_HEADER, 20, readTcpHeader],
];

describe('hand-coded hot-path readers match the declared binary-parser layouts', () => {
  for (const [name, layout, size, read] of cases) {
    it(`${name}: same fields on random bytes at a random offset`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: size + 7, maxLength: size + 7 }), fc.nat(7), (bytes, o) => {
          expect(plain(read(bytes, o))).toEqual(plain(layout.parse(bytes.subarray(o, o + size)) as object));
        }),
        { numRuns: 200 },
      );
    });
  }
  it('IPv4 fields of a known header (RFC 791 §3.1 example bytes)', () => {
    // 45 00 0021 0001 4000(DF) 40 11 66c9 0a000001 0a000002
    const h = readIpv4Header(Buffer.from('450000210001400040 1166c90a0000010a000002'.replace(' ', ''), 'hex'), 0);
    expect(h).toMatchObject({ version: 4, ihl: 5, totalLength: 33, identification: 1, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 17, source: 0x0a000001 });
  });
});
