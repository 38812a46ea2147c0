/**
 * @module Decode one captured frame down to its UDP or TCP payload: link layer (Ethernet with 802.1Q/802.1ad
 * tags, BSD loopback, raw IP, Linux SLL/SLL2), IPv4 (RFC 791) or IPv6 (RFC 8200), then UDP (RFC 768) or TCP
 * (RFC 9293). Positions in the result are relative to the frame. Never throws on bad data.
 *
 * What is silently ignored (not a skip): frames that are not IP (ARP, LLDP…), IP packets of other protocols
 * (ICMP, IGMP, ICMPv6…), UDP datagrams with an empty payload. What is a skip: damaged or truncated headers,
 * fragments (no IP reassembly), ESP, jumbograms, unsupported link types, and snaplen-truncated payloads
 * (nothing of a truncated transport payload is delivered).
 */
import {
  AF_INET,
  AF_INET6,
  ETHERNET_HEADER_LENGTH,
  EtherType,
  IPV4_FLAG_MF,
  IPV4_HEADER_LENGTH,
  IPV6_EXTENSION_HEADER,
  IPV6_EXTENSION_HEADER_LENGTH,
  IPV6_FRAGMENT_HEADER,
  IPV6_FRAGMENT_HEADER_LENGTH,
  IPV6_HEADER_LENGTH,
  IPV6_UNIFORM_EXTENSIONS,
  IpProtocol,
  LinkType,
  NULL_HEADER,
  NULL_HEADER_LENGTH,
  SLL2_HEADER,
  SLL2_HEADER_LENGTH,
  SLL_HEADER,
  SLL_HEADER_LENGTH,
  TCP_HEADER_LENGTH,
  UDP_HEADER_LENGTH,
  VLAN_TAG_LENGTH,
  parseAt,
  readEthernetHeader,
  readIpv4Header,
  readIpv6Header,
  readTcpHeader,
  readUdpHeader,
  readVlanTag,
} from './layout.js';
import type {
  Ipv6ExtensionHeader,
  Ipv6FragmentHeader,
  NullHeader,
  Sll2Header,
  SllHeader,
  TcpHeader,
} from './layout.js';

/** Nested VLAN tags followed at most (QinQ uses 2). */
const MAX_VLAN_TAGS = 8;
/** IPv6 extension headers followed at most. */
const MAX_IPV6_EXTENSIONS = 16;

/** What a frame holds, positions relative to the frame. */
export type FrameResult =
  /** Nothing for us (not IP, not UDP/TCP, empty UDP payload). */
  | { readonly kind: 'none' }
  /** Bytes that could not be used: `start`/`length` within the frame. */
  | { readonly kind: 'skip'; readonly start: number; readonly length: number; readonly reason: string; readonly flow?: string }
  /** A UDP payload `[start, end)`. */
  | { readonly kind: 'udp'; readonly flow: string; readonly start: number; readonly end: number }
  /** A TCP segment: payload `[start, end)` (may be empty), sequence number and control bits. */
  | { readonly kind: 'tcp'; readonly flow: string; readonly start: number; readonly end: number; readonly sequence: number; readonly flags: number };

const NONE: FrameResult = { kind: 'none' };

/** Decode `frame` (the captured bytes; `origLen` octets were on the wire) of link type `linkType`. */
export function decodeFrame(linkType: number, frame: Uint8Array, origLen: number): FrameResult {
  const f = new FrameDecoder(frame, origLen);
  switch (linkType) {
    case LinkType.Ethernet:
      return f.ethernet();
    case LinkType.Null:
    case LinkType.Loop:
      return f.loopback();
    case LinkType.Raw:
      return f.rawIp(0);
    case LinkType.Ipv4:
      return f.ipv4(0);
    case LinkType.Ipv6:
      return f.ipv6(0);
    case LinkType.LinuxSll:
      return f.sll();
    case LinkType.LinuxSll2:
      return f.sll2();
    default:
      return { kind: 'skip', start: 0, length: frame.length, reason: `unsupported link type ${linkType}` };
  }
}

class FrameDecoder {
  /** True when the record holds fewer octets than were on the wire (snaplen). */
  private readonly truncated: boolean;

  constructor(
    private readonly frame: Uint8Array,
    private readonly origLen: number,
  ) {
    this.truncated = frame.length < origLen;
  }

  /** A skip of the whole frame because `what` does not fit in it. */
  private short(what: string): FrameResult {
    const reason = this.truncated
      ? `record truncated by snaplen inside the ${what} (${this.frame.length} of ${this.origLen} octets captured)`
      : `frame of ${this.frame.length} octets too short for the ${what}`;
    return { kind: 'skip', start: 0, length: this.frame.length, reason };
  }

  private damaged(reason: string, flow?: string): FrameResult {
    return flow === undefined
      ? { kind: 'skip', start: 0, length: this.frame.length, reason }
      : { kind: 'skip', start: 0, length: this.frame.length, reason, flow };
  }

  ethernet(): FrameResult {
    if (this.frame.length < ETHERNET_HEADER_LENGTH) return this.short('ethernet header');
    const h = readEthernetHeader(this.frame, 0);
    return this.etherType(h.etherType, ETHERNET_HEADER_LENGTH);
  }

  /** Dispatch on an EtherType at `offset`, following VLAN tags (IEEE 802.1Q §9). */
  private etherType(type: number, offset: number): FrameResult {
    let t = type;
    let o = offset;
    for (let tags = 0; t === EtherType.Vlan || t === EtherType.QinQ || t === EtherType.QinQLegacy; tags++) {
      if (tags === MAX_VLAN_TAGS) return this.damaged(`more than ${MAX_VLAN_TAGS} nested vlan tags`);
      if (this.frame.length < o + VLAN_TAG_LENGTH) return this.short('vlan tag');
      t = readVlanTag(this.frame, o).etherType;
      o += VLAN_TAG_LENGTH;
    }
    if (t === EtherType.Ipv4) return this.ipv4(o);
    if (t === EtherType.Ipv6) return this.ipv6(o);
    return NONE;
  }

  loopback(): FrameResult {
    if (this.frame.length < NULL_HEADER_LENGTH) return this.short('loopback header');
    const be = parseAt<NullHeader>(NULL_HEADER, this.frame, 0, NULL_HEADER_LENGTH).familyBe;
    // The family is in the capturing host's byte order: try both.
    const le = ((be & 0xff) << 24 | (be & 0xff00) << 8 | (be >>> 8) & 0xff00 | be >>> 24) >>> 0;
    if (be === AF_INET || le === AF_INET) return this.ipv4(NULL_HEADER_LENGTH);
    if ((AF_INET6 as readonly number[]).includes(be) || (AF_INET6 as readonly number[]).includes(le)) return this.ipv6(NULL_HEADER_LENGTH);
    return NONE;
  }

  rawIp(offset: number): FrameResult {
    if (this.frame.length <= offset) return this.short('ip header');
    const version = this.frame[offset]! >>> 4;
    if (version === 4) return this.ipv4(offset);
    if (version === 6) return this.ipv6(offset);
    return this.damaged(`raw ip frame with ip version ${version}`);
  }

  sll(): FrameResult {
    if (this.frame.length < SLL_HEADER_LENGTH) return this.short('linux cooked (sll) header');
    const h = parseAt<SllHeader>(SLL_HEADER, this.frame, 0, SLL_HEADER_LENGTH);
    return this.etherType(h.protocol, SLL_HEADER_LENGTH);
  }

  sll2(): FrameResult {
    if (this.frame.length < SLL2_HEADER_LENGTH) return this.short('linux cooked (sll2) header');
    const h = parseAt<Sll2Header>(SLL2_HEADER, this.frame, 0, SLL2_HEADER_LENGTH);
    return this.etherType(h.protocol, SLL2_HEADER_LENGTH);
  }

  /** IPv4 at `o` (RFC 791 §3.1). */
  ipv4(o: number): FrameResult {
    const frame = this.frame;
    if (frame.length < o + IPV4_HEADER_LENGTH) return this.short('ipv4 header');
    const h = readIpv4Header(frame, o);
    if (h.version !== 4) return this.damaged(`ipv4 header with version ${h.version}`);
    if (h.ihl < 5) return this.damaged(`ipv4 header length ${h.ihl} words < 5`);
    const headerLength = h.ihl * 4;
    if (frame.length < o + headerLength) return this.short('ipv4 options');
    // Total length 0 is what TCP segmentation offload leaves in captures taken on the sending host:
    // take the datagram to run to the end of the frame.
    const total = h.totalLength === 0 ? frame.length - o : h.totalLength;
    if (total < headerLength) return this.damaged(`ipv4 total length ${total} < header length ${headerLength}`);
    const src = ipv4Text(h.source);
    const dst = ipv4Text(h.destination);
    const start = o + headerLength;
    const end = o + total; // may exceed the frame: checked by the transport
    if ((h.flags & IPV4_FLAG_MF) !== 0 || h.fragmentOffset !== 0) {
      const which = h.fragmentOffset === 0 ? 'first fragment' : `non-first fragment (offset ${h.fragmentOffset * 8})`;
      return {
        kind: 'skip',
        start,
        length: Math.max(0, Math.min(end, frame.length) - start),
        reason: `ipv4 ${which} of datagram id ${h.identification} ${src}>${dst} protocol ${h.protocol}: ip reassembly not supported`,
      };
    }
    return this.transport(h.protocol, src, dst, start, end, 'ipv4');
  }

  /** IPv6 at `o` (RFC 8200 §3), walking the extension headers (§4). */
  ipv6(o: number): FrameResult {
    const frame = this.frame;
    if (frame.length < o + IPV6_HEADER_LENGTH) return this.short('ipv6 header');
    const h = readIpv6Header(frame, o);
    if (h.version !== 6) return this.damaged(`ipv6 header with version ${h.version}`);
    const src = `[${ipv6Text(h.source)}]`;
    const dst = `[${ipv6Text(h.destination)}]`;
    if (h.payloadLength === 0 && h.nextHeader === IpProtocol.HopByHop) {
      return this.damaged(`ipv6 jumbogram ${src}>${dst} not supported`);
    }
    const end = o + IPV6_HEADER_LENGTH + h.payloadLength;
    let next = h.nextHeader;
    let p = o + IPV6_HEADER_LENGTH;
    for (let n = 0; n <= MAX_IPV6_EXTENSIONS; n++) {
      if (next === IpProtocol.Udp || next === IpProtocol.Tcp) return this.transport(next, src, dst, p, end, 'ipv6');
      if (next === IpProtocol.Esp) {
        return { kind: 'skip', start: p, length: Math.max(0, Math.min(end, frame.length) - p), reason: `ipv6 esp (encrypted) payload ${src}>${dst} not readable` };
      }
      let length: number;
      if (IPV6_UNIFORM_EXTENSIONS.has(next) || next === IpProtocol.Ah) {
        if (Math.min(end, frame.length) < p + IPV6_EXTENSION_HEADER_LENGTH) return this.short(`ipv6 extension header ${next}`);
        const e = parseAt<Ipv6ExtensionHeader>(IPV6_EXTENSION_HEADER, frame, p, IPV6_EXTENSION_HEADER_LENGTH);
        length = next === IpProtocol.Ah ? (e.hdrExtLen + 2) * 4 : (e.hdrExtLen + 1) * 8;
        next = e.nextHeader;
      } else if (next === IpProtocol.Fragment) {
        if (Math.min(end, frame.length) < p + IPV6_FRAGMENT_HEADER_LENGTH) return this.short('ipv6 fragment header');
        const fh = parseAt<Ipv6FragmentHeader>(IPV6_FRAGMENT_HEADER, frame, p, IPV6_FRAGMENT_HEADER_LENGTH);
        if (fh.fragmentOffset !== 0 || fh.more !== 0) {
          const which = fh.fragmentOffset === 0 ? 'first fragment' : `non-first fragment (offset ${fh.fragmentOffset * 8})`;
          const start = p + IPV6_FRAGMENT_HEADER_LENGTH;
          return {
            kind: 'skip',
            start,
            length: Math.max(0, Math.min(end, frame.length) - start),
            reason: `ipv6 ${which} of datagram id ${fh.identification} ${src}>${dst}: ip reassembly not supported`,
          };
        }
        length = IPV6_FRAGMENT_HEADER_LENGTH; // atomic fragment (RFC 6946): read on
        next = fh.nextHeader;
      } else {
        return NONE; // No Next Header, ICMPv6 or another upper-layer protocol
      }
      p += length;
      if (p > end) return this.damaged(`ipv6 extension headers run past the payload length ${h.payloadLength}`);
    }
    return this.damaged(`more than ${MAX_IPV6_EXTENSIONS} ipv6 extension headers`);
  }

  /**
   * UDP or TCP at `start`; the IP datagram declares it ends at `end` (which may lie past the captured frame).
   */
  private transport(protocol: number, src: string, dst: string, start: number, end: number, ip: string): FrameResult {
    const frame = this.frame;
    if (protocol !== IpProtocol.Udp && protocol !== IpProtocol.Tcp) {
      if (protocol === IpProtocol.Esp) {
        return { kind: 'skip', start, length: Math.max(0, Math.min(end, frame.length) - start), reason: `${ip} esp (encrypted) payload ${src}>${dst} not readable` };
      }
      return NONE;
    }
    const udp = protocol === IpProtocol.Udp;
    const name = udp ? 'udp' : 'tcp';
    const minHeader = udp ? UDP_HEADER_LENGTH : TCP_HEADER_LENGTH;
    if (end < start + minHeader) return this.damaged(`${ip} payload of ${end - start} octets too short for the ${name} header`);
    if (frame.length < start + minHeader) return this.short(`${name} header`);
    let payloadStart: number;
    let payloadEnd: number;
    let flow: string;
    let tcp: TcpHeader | undefined;
    if (udp) {
      const u = readUdpHeader(frame, start);
      flow = `udp ${src}:${u.sourcePort}>${dst}:${u.destinationPort}`;
      if (u.length < UDP_HEADER_LENGTH) return this.damaged(`udp length ${u.length} < 8 in flow ${flow}`, flow);
      if (start + u.length > end) {
        return this.damaged(`udp length ${u.length} exceeds the ${ip} payload of ${end - start} octets in flow ${flow}`, flow);
      }
      payloadStart = start + UDP_HEADER_LENGTH;
      payloadEnd = start + u.length;
    } else {
      tcp = readTcpHeader(frame, start);
      flow = `tcp ${src}:${tcp.sourcePort}>${dst}:${tcp.destinationPort}`;
      const headerLength = tcp.dataOffset * 4;
      if (tcp.dataOffset < 5 || start + headerLength > end) {
        return this.damaged(`tcp data offset ${tcp.dataOffset} words invalid for a segment of ${end - start} octets in flow ${flow}`, flow);
      }
      if (frame.length < start + headerLength) return this.damaged(`record truncated inside the tcp options in flow ${flow}`, flow);
      payloadStart = start + headerLength;
      payloadEnd = end;
    }
    if (payloadEnd > frame.length) {
      const captured = Math.max(0, frame.length - payloadStart);
      const size = payloadEnd - payloadStart;
      const reason = this.truncated
        ? `record truncated by snaplen: ${name} payload of ${size} octets, ${captured} captured, ${size - captured} missing, in flow ${flow}`
        : `${ip} length says ${payloadEnd - start} octets of ${name} but the frame holds ${frame.length - start} in flow ${flow}`;
      return { kind: 'skip', start: payloadStart, length: captured, reason, flow };
    }
    if (tcp !== undefined) {
      return { kind: 'tcp', flow, start: payloadStart, end: payloadEnd, sequence: tcp.sequence, flags: tcp.flags };
    }
    return payloadEnd > payloadStart ? { kind: 'udp', flow, start: payloadStart, end: payloadEnd } : NONE;
  }
}

/** Dotted-quad text of a 32-bit IPv4 address. */
export const ipv4Text = (a: number): string => `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;

/** RFC 5952 text of an IPv6 address given as eight 16-bit groups: lower case, longest zero run (≥ 2) as `::`. */
export function ipv6Text(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
