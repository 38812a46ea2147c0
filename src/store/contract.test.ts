import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { archiveContract } from '../archive/contract.js';
import { openSqliteArchiveReader, openSqliteArchiveWriter } from './sqlite-archive.js';
import { BUILT_SCAN_WORKER, BUILT_WRITER_WORKER } from './_test-packets.js';

const fresh = (thread: 'never' | 'worker', scanWorkerFile?: URL) => async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-contract-'));
  return {
    // The inline writer keeps the arrival index, the thread's not: `afterArrival` answered both ways.
    writer: () => openSqliteArchiveWriter(dir, { synchronous: 'normal', fsync: false, ...(thread === 'never' ? { thread: 'never' as const, arrivalIndex: true } : { workerFile: BUILT_WRITER_WORKER! }) }),
    reader: () => openSqliteArchiveReader(dir, scanWorkerFile ? { scanWorkerFile, scanThread: 'always' } : { scanThread: 'never' }),
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};

archiveContract('SQLite + segment files', fresh('never'));
// The same archive written by ingest's threaded writer (the build's worker; `npm test` builds first).
if (BUILT_WRITER_WORKER) archiveContract('SQLite + segment files, writer thread', fresh('worker'));
// Read with the columnar scan on its own thread (the build's worker), as L0 building does from the built CLI.
if (BUILT_SCAN_WORKER) archiveContract('SQLite + segment files, scan thread', fresh('never', BUILT_SCAN_WORKER));
