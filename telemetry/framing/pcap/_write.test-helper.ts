/**
 * @module Test helper: write pcap and pcapng files and Ethernet/IPv4/IPv6/UDP/TCP frames, for this folder's
 * tests and for end-to-end tests of the stages that consume the pcap reader. Layouts follow the same sources
 * as layout.ts (draft-ietf-opsawg-pcap §4–5, draft-ietf-opsawg-pcapng §3–4, RFC 791, RFC 8200, RFC 768,
 * RFC 9293). Checksums: IPv4 header checksum computed (RFC 791 §3.1); UDP/TCP checksums left 0 (the reader
 * does not check them).
 */

/** One captured packet. `origLen` defaults to the frame length. */
export interface WriteRecord {
  readonly timeUs: number;
  readonly frame: Uint8Array;
  readonly origLen?: number;
  /** pcapng: interface index (default 0). */
  readonly interfaceId?: number;
}

export interface WritePcapOptions {
  /** Byte order of the file (default true). */
  readonly littleEndian?: boolean;
  /** Nanosecond magic a1b23c4d (default false: a1b2c3d4, µs). */
  readonly nanoseconds?: boolean;
  /** LinkType (default 1, Ethernet). */
  readonly linkType?: number;
  /** SnapLen (default 262144); longer frames are cut to it, their origLen kept. */
  readonly snaplen?: number;
}

class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;
  constructor(readonly le: boolean) {}
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    return this.le ? this.u8(v).u8(v >>> 8) : this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.le ? this.u16(v & 0xffff).u16(v >>> 16) : this.u16(v >>> 16).u16(v & 0xffff);
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  pad4(): this {
    while (this.length % 4 !== 0) this.u8(0);
    return this;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** A classic pcap file (draft-ietf-opsawg-pcap §4 file header, §5 records). */
export function writePcap(records: readonly WriteRecord[], opts: WritePcapOptions = {}): Uint8Array {
  const w = new ByteWriter(opts.littleEndian ?? true);
  const ns = opts.nanoseconds ?? false;
  const snaplen = opts.snaplen ?? 262144;
  w.u32(ns ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(snaplen).u32(opts.linkType ?? 1);
  for (const r of records) {
    const sec = Math.floor(r.timeUs / 1e6);
    const us = r.timeUs - sec * 1e6;
    const incl = Math.min(r.frame.length, snaplen);
    w.u32(sec).u32(ns ? us * 1000 : us).u32(incl).u32(r.origLen ?? r.frame.length);
    w.bytes(r.frame.subarray(0, incl));
  }
  return w.result();
}

/** A pcapng interface (IDB, draft-ietf-opsawg-pcapng §4.2). */
export interface WriteInterface {
  /** LinkType (default 1). */
  readonly linkType?: number;
  /** SnapLen (default 0: no limit). */
  readonly snaplen?: number;
  /** if_tsresol octet (MSB set: power of 2); omitted: no option (µs). */
  readonly tsresol?: number;
  /** if_tsoffset seconds; omitted: no option. */
  readonly tsoffset?: number;
}

export interface WritePcapngOptions {
  /** Byte order of the section (default true). */
  readonly littleEndian?: boolean;
  /** Interfaces of the section (default one Ethernet interface). */
  readonly interfaces?: readonly WriteInterface[];
  /** Write Simple Packet Blocks instead of Enhanced Packet Blocks (interface 0, no timestamp). */
  readonly simple?: boolean;
  /** Write obsolete Packet Blocks (Appendix A) instead of Enhanced Packet Blocks. */
  readonly obsolete?: boolean;
  /** Put a Name Resolution, an Interface Statistics and a custom block among the packets. */
  readonly otherBlocks?: boolean;
}

/** One pcapng block: type, total length, body padded to 32 bits, total length again (§3.1). */
export function pcapngBlock(type: number, body: Uint8Array, littleEndian = true): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const w = new ByteWriter(littleEndian);
  w.u32(type).u32(total).bytes(body).pad4().u32(total);
  return w.result();
}

/** Timestamp in interface units for µs `timeUs`. */
function units(timeUs: number, itf: WriteInterface): bigint {
  const us = BigInt(timeUs) - BigInt(itf.tsoffset ?? 0) * 1_000_000n;
  const r = itf.tsresol;
  if (r === undefined) return us;
  const n = BigInt(r & 0x7f);
  if ((r & 0x80) !== 0) return (us << n) / 1_000_000n;
  return n >= 6n ? us * 10n ** (n - 6n) : us / 10n ** (6n - n);
}

/** One pcapng section: SHB, IDBs, packet blocks. Concatenate several results for several sections. */
export function writePcapng(records: readonly WriteRecord[], opts: WritePcapngOptions = {}): Uint8Array {
  const le = opts.littleEndian ?? true;
  const interfaces = opts.interfaces ?? [{}];
  const parts: Uint8Array[] = [];
  const body = (): ByteWriter => new ByteWriter(le);
  // §4.1 SHB: byte-order magic, version 1.0, section length -1 (unknown).
  parts.push(pcapngBlock(0x0a0d0d0a, body().u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).result(), le));
  for (const itf of interfaces) {
    const b = body().u16(itf.linkType ?? 1).u16(0).u32(itf.snaplen ?? 0);
    if (itf.tsresol !== undefined) b.u16(9).u16(1).u8(itf.tsresol).pad4();
    if (itf.tsoffset !== undefined) {
      const v = BigInt.asUintN(64, BigInt(itf.tsoffset));
      const hi = Number(v >> 32n);
      const lo = Number(v & 0xffffffffn);
      b.u16(14).u16(8);
      if (le) b.u32(lo).u32(hi);
      else b.u32(hi).u32(lo);
    }
    if (itf.tsresol !== undefined || itf.tsoffset !== undefined) b.u16(0).u16(0); // opt_endofopt
    parts.push(pcapngBlock(1, b.result(), le));
  }
  if (opts.otherBlocks === true) {
    // §4.5 NRB: one IPv4 record then nrb_record_end.
    parts.push(pcapngBlock(4, body().u16(1).u16(9).bytes(new Uint8Array([10, 0, 0, 1, 0x68, 0x6f, 0x73, 0x74, 0]))
      .pad4().u16(0).u16(0).result(), le));
  }
  for (const r of records) {
    const id = r.interfaceId ?? 0;
    const itf = interfaces[id] ?? {};
    const snap = itf.snaplen !== undefined && itf.snaplen > 0 ? itf.snaplen : Infinity;
    const data = r.frame.subarray(0, Math.min(r.frame.length, snap));
    const orig = r.origLen ?? r.frame.length;
    if (opts.simple === true) {
      parts.push(pcapngBlock(3, body().u32(orig).bytes(data).result(), le));
      continue;
    }
    const ts = units(r.timeUs, itf);
    const hi = Number(ts >> 32n);
    const lo = Number(ts & 0xffffffffn);
    const b = opts.obsolete === true ? body().u16(id).u16(0) : body().u32(id);
    parts.push(pcapngBlock(opts.obsolete === true ? 2 : 6, b.u32(hi).u32(lo).u32(data.length).u32(orig).bytes(data).result(), le));
    if (opts.otherBlocks === true) parts.push(pcapngBlock(0x40000bad, body().u32(32473).bytes(new Uint8Array([1, 2, 3])).result(), le));
  }
  if (opts.otherBlocks === true) {
    // §4.6 ISB: interface 0, timestamp 0, no options.
    parts.push(pcapngBlock(5, body().u32(0).u32(0).u32(0).result(), le));
  }
  return concat(parts);
}

/** Concatenate byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// frames

/** Parse dotted-quad IPv4 text. */
export function ipv4Address(text: string): Uint8Array {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`bad ipv4 address ${text}`);
  return new Uint8Array(parts);
}

/** Parse IPv6 text (with at most one `::`). */
export function ipv6Address(text: string): Uint8Array {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head === '' || head === undefined ? [] : head.split(':');
  const t = tail === undefined ? [] : tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new RangeError(`bad ipv6 address ${text}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >>> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

const be = (): ByteWriter => new ByteWriter(false);

export interface EthernetOptions {
  /** VLAN tags, outermost first: each `{ tpid, vid }` (tpid 0x8100 802.1Q, 0x88a8 802.1ad). */
  readonly vlans?: readonly { readonly tpid: number; readonly vid: number }[];
  /** Pad the frame to the 60-octet Ethernet minimum (default false). */
  readonly pad?: boolean;
}

/** Ethernet II frame: dst 00:11:22:33:44:55, src 66:77:88:99:aa:bb, optional VLAN tags, EtherType, payload. */
export function ethernet(etherType: number, payload: Uint8Array, opts: EthernetOptions = {}): Uint8Array {
  const w = be().bytes(new Uint8Array([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb]));
  for (const v of opts.vlans ?? []) w.u16(v.tpid).u16(v.vid);
  w.u16(etherType).bytes(payload);
  if (opts.pad === true) while (w.length < 60) w.u8(0);
  return w.result();
}

export interface Ipv4Options {
  readonly identification?: number;
  /** More Fragments flag. */
  readonly moreFragments?: boolean;
  /** Fragment offset in octets (a multiple of 8). */
  readonly fragmentOffset?: number;
  /** IP options, a multiple of 4 octets. */
  readonly options?: Uint8Array;
  /** Override the Total Length field. */
  readonly totalLength?: number;
}

/** IPv4 datagram (RFC 791 §3.1) with a computed header checksum. */
export function ipv4(src: string, dst: string, protocol: number, payload: Uint8Array, opts: Ipv4Options = {}): Uint8Array {
  const options = opts.options ?? new Uint8Array(0);
  const hl = 20 + options.length;
  const flagsFrag = ((opts.moreFragments === true ? 1 : 0) << 13) | ((opts.fragmentOffset ?? 0) / 8);
  const w = be()
    .u8(0x40 | (hl / 4))
    .u8(0)
    .u16(opts.totalLength ?? hl + payload.length)
    .u16(opts.identification ?? 1)
    .u16(flagsFrag)
    .u8(64)
    .u8(protocol)
    .u16(0)
    .bytes(ipv4Address(src))
    .bytes(ipv4Address(dst))
    .bytes(options);
  const header = w.result();
  let sum = 0;
  for (let i = 0; i < hl; i += 2) sum += (header[i]! << 8) | header[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const cs = ~sum & 0xffff;
  header[10] = cs >>> 8;
  header[11] = cs & 0xff;
  return concat([header, payload]);
}

/** IPv6 packet (RFC 8200 §3); `extensions` are already-encoded extension headers placed before the payload. */
export function ipv6(src: string, dst: string, nextHeader: number, payload: Uint8Array, extensions: Uint8Array = new Uint8Array(0)): Uint8Array {
  return be()
    .u32(0x60000000)
    .u16(extensions.length + payload.length)
    .u8(nextHeader)
    .u8(64)
    .bytes(ipv6Address(src))
    .bytes(ipv6Address(dst))
    .bytes(extensions)
    .bytes(payload)
    .result();
}

/** UDP datagram (RFC 768), checksum 0. */
export function udp(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  return be().u16(sport).u16(dport).u16(8 + payload.length).u16(0).bytes(payload).result();
}

/** TCP control bits (RFC 9293 §3.1). */
export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** TCP segment (RFC 9293 §3.1), checksum 0; `options` a multiple of 4 octets. */
export function tcp(sport: number, dport: number, seq: number, flags: number, payload: Uint8Array, options: Uint8Array = new Uint8Array(0)): Uint8Array {
  const hl = 20 + options.length;
  return be().u16(sport).u16(dport).u32(seq >>> 0).u32(0).u8((hl / 4) << 4).u8(flags).u16(65535).u16(0).u16(0)
    .bytes(options).bytes(payload).result();
}

/** Ethernet + IPv4 + UDP. */
export function ethernetIpv4Udp(src: string, dst: string, sport: number, dport: number, payload: Uint8Array, opts: EthernetOptions = {}): Uint8Array {
  return ethernet(0x0800, ipv4(src, dst, 17, udp(sport, dport, payload)), opts);
}

/** Ethernet + IPv4 + TCP. */
export function ethernetIpv4Tcp(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  seq: number,
  flags: number,
  payload: Uint8Array,
  opts: EthernetOptions = {},
): Uint8Array {
  return ethernet(0x0800, ipv4(src, dst, 6, tcp(sport, dport, seq, flags, payload)), opts);
}
