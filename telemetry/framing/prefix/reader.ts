/**
 * @module Prefix framing: a fixed number of octets (some instruments put a 4-byte word there) before every
 * packet. The prefix is not interpreted; the packet's own header must still be plausible.
 */
import { RecordSplitter } from '../_record-splitter.js';
import type { SplitOptions, Splitter } from '../types.js';

export function createPrefixSplitter(prefixBytes: number, options: SplitOptions = {}): Splitter {
  if (!Number.isInteger(prefixBytes) || prefixBytes < 1 || prefixBytes > 1024) {
    throw new RangeError(`prefix length ${prefixBytes} outside 1..1024`);
  }
  return new RecordSplitter({ name: `prefix:${prefixBytes}`, headerLength: prefixBytes, selfConfirming: false }, options);
}
