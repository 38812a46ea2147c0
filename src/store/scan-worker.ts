/**
 * @module The columnar scan's thread (scan-thread.ts): opens the archive's index read-only (scan.ts) and answers
 * `rows` (the columns, in arrays it hands over: transferred, not copied) and `octets` (read into the
 * caller's shared buffer), one job at a time in the order they were handed over.
 */
import { parentPort } from 'node:worker_threads';
import { ArchiveScan } from './scan.js';
import { InputError } from '../errors.js';
import type { ScanFromWorker, ScanToWorker } from './scan-thread.js';

const port = parentPort!;
let scan: ArchiveScan | undefined;
let dir = '';
port.on('message', (m: ScanToWorker) => {
  const post = (r: ScanFromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
  if (m.op === 'close') {
    scan?.close();
    scan = undefined;
    port.close();
    return;
  }
  try {
    if (m.op === 'open') {
      dir = m.dir;
      scan = ArchiveScan.open(m.dir);
      post({ id: m.id, ...(scan ? {} : { error: `${m.dir}: the archive index cannot be scanned (damaged, or another schema version)`, input: true }) });
      return;
    }
    if (!scan) throw new Error(`${dir}: the archive index is not open`);
    if (m.op === 'rows') {
      // Arrays this thread does not keep: handed over (transferred), not copied.
      const cols = scan.ownRows(m.apids, m.fromTai, m.toTai);
      post({ id: m.id, rows: cols }, [cols.apid, cols.tai, cols.seq, cols.meta, cols.arrival, cols.received, cols.source, cols.raw, cols.length, cols.dds].map((a) => a.buffer as ArrayBuffer));
      return;
    }
    const into = new Uint8Array(m.into, m.intoOffset, m.intoLength);
    scan.octets({ count: m.raw.length, raw: m.raw, length: m.length }, m.order, into);
    post({ id: m.id });
  } catch (e) {
    post({ id: m.id, error: (e as Error).message, input: e instanceof InputError });
  }
});
