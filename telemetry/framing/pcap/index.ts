/**
 * @module pcap / pcapng capture reading: the UDP payloads and reassembled TCP streams of a capture file,
 * fed chunk by chunk (any chunking gives the same results).
 *
 * Reading the results:
 * - One UDP payload = one datagram. TCP payloads are runs of the flow's byte stream in sequence order.
 * - A skip with a `flow` means that flow's byte stream is broken at that point (TCP gap, connection restart,
 *   snaplen-truncated or damaged segment/datagram): a packet splitter drops its partial packet for the flow.
 *   A TCP gap or restart has `length` 0 and `offset` = the `fileOffset` of the payload that resumes the flow.
 * - Skips without a flow are damaged or unsupported parts of the file (corrupt record headers, truncated
 *   records, fragments, unsupported link types…).
 * - Frames that cannot carry our data (ARP, ICMP, …) and empty payloads are ignored silently.
 * See reader.ts (streaming, resynchronisation), _frame.ts (link/IP/transport) and _tcp-stream.ts (TCP).
 */
export { createPcapReader, isPcapMagic, DEFAULT_MAX_RECORD_LENGTH, DEFAULT_MAX_TCP_BUFFERED_BYTES } from './reader.js';
export type { PcapBatch, PcapPayload, PcapReader, PcapReaderOptions, PcapSkip } from './types.js';
export { LinkType } from './layout.js';
