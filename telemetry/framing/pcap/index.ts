/**
 * @module pcap / pcapng capture reading: the UDP payloads and reassembled TCP streams of a capture file,
 * fed chunk by chunk.
 */
export { createPcapReader, isPcapMagic, DEFAULT_MAX_RECORD_LENGTH, DEFAULT_MAX_TCP_BUFFERED_BYTES } from './reader.js';
export type { PcapBatch, PcapPayload, PcapReader, PcapReaderOptions, PcapSkip } from './types.js';
export { LinkType } from './layout.js';
