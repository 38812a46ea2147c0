import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { archiveContract } from '../archive/contract.js';
import { openSqliteArchiveReader, openSqliteArchiveWriter } from './sqlite-archive.js';
import { BUILT_WRITER_WORKER } from './_test-packets.js';

const fresh = (thread: 'never' | 'worker') => async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-contract-'));
  return {
    // The inline writer keeps the arrival index, the thread's not: `afterArrival` answered both ways.
    writer: () => openSqliteArchiveWriter(dir, { synchronous: 'normal', fsync: false, ...(thread === 'never' ? { thread: 'never' as const, arrivalIndex: true } : { workerFile: BUILT_WRITER_WORKER! }) }),
    reader: () => openSqliteArchiveReader(dir),
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};

archiveContract('SQLite + segment files', fresh('never'));
// The same archive written by ingest's threaded writer (the build's worker; `npm test` builds first).
if (BUILT_WRITER_WORKER) archiveContract('SQLite + segment files, writer thread', fresh('worker'));
