/** @module Raw framing: CCSDS packets concatenated with nothing between them (CCSDS 133.0-B-2). */
import { RecordSplitter } from '../_record-splitter.js';
import type { SplitOptions, Splitter } from '../types.js';

export const createRawSplitter = (options: SplitOptions = {}): Splitter =>
  new RecordSplitter({ name: 'raw', headerLength: 0, selfConfirming: false }, options);
