/**
 * @module The contract of the capture reader: what it returns for each chunk fed to it.
 */

/** One UDP datagram's payload, or a run of in-order TCP stream bytes. */
export interface PcapPayload {
  /** Flow key, e.g. 'udp 10.0.0.1:5000>10.0.0.2:6000' (direction matters; IPv6 addresses in brackets). */
  readonly flow: string;
  readonly protocol: 'udp' | 'tcp';
  /** Payload bytes (a view into the chunk is fine; valid until the next push). */
  readonly bytes: Uint8Array;
  /** Offset in the capture FILE of the payload's first byte. */
  readonly fileOffset: number;
  /** Capture timestamp of the record, Unix microseconds (truncated); NaN for a pcapng Simple Packet Block. */
  readonly timeUs: number;
}

/** Bytes of the file that gave no payload because they were damaged, truncated or unsupported. */
export interface PcapSkip {
  /** File offset of the first byte skipped (for a TCP gap: the fileOffset of the payload resuming the stream). */
  readonly offset: number;
  /** Octets of the file skipped (0 for a TCP gap: the lost bytes are not in the file). */
  readonly length: number;
  /** What happened, in words. */
  readonly reason: string;
  /** The flow concerned, when known (a TCP gap, a truncated or damaged transport payload). */
  readonly flow?: string;
}

/** What one push or end gives back. */
export interface PcapBatch {
  payloads: PcapPayload[];
  skips: PcapSkip[];
}

export interface PcapReader {
  /** Feed the next chunk of the file (any size, down to 1 byte). Returns what became complete. */
  push(chunk: Uint8Array): PcapBatch;
  /** End of file: report a truncated last record, flush the TCP reorder buffers. */
  end(): PcapBatch;
  /** 'pcap' | 'pcapng' once the magic is seen. */
  readonly format: string | undefined;
}

export interface PcapReaderOptions {
  /**
   * Largest pcap record (captured length) accepted, in octets; a larger length is taken as a corrupt record
   * header. pcapng blocks may be up to this plus 65536 octets (block header, options). Default 262144
   * (libpcap's MAXIMUM_SNAPLEN).
   */
  readonly maxRecordLength?: number;
  /**
   * Out-of-order TCP payload octets buffered per flow direction before the hole in front of them is taken
   * as lost. Default 1048576.
   */
  readonly maxTcpBufferedBytes?: number;
}
