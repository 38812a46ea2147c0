/**
 * @module The archive writer's thread (writer.ts): opens the archive for writing, stores each batch it is
 * handed in one transaction, in order, and answers with the outcome; closes the archive when told.
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { openArchive, type Archive } from './archive.js';
import type { FromWorker, ToWorker } from './writer.js';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

// Started ahead of time (writer.ts `warmUpArchiveWriter`): its modules load while the main thread reads the
// config; the archive is opened when the `open` message names it.
let archive: Archive | undefined;
let dir = '';
port.on('message', (m: ToWorker) => {
  if (m.type === 'open') {
    dir = m.dir;
    try {
      archive = openArchive(m.dir, m.opts);
      post({ type: 'ready', cursors: [...archive.cursors()] });
    } catch (e) {
      post({ type: 'open-failed', message: (e as Error).message, input: e instanceof InputError });
    }
    return;
  }
  if (m.type === 'close') {
    archive?.close();
    archive = undefined;
    post({ type: 'closed' });
    port.close();
    return;
  }
  if (!archive) {
    post({ type: 'failed', id: m.id, message: `${dir}: the archive is not open`, input: true });
    return;
  }
  try {
    const r = archive.storePacked(m.batch, m.cursor);
    post({ type: 'stored', id: m.id, stored: r.stored, duplicates: r.duplicates, repeats: r.repeats, ...(r.perApid ? { perApid: r.perApid } : {}) });
  } catch (e) {
    post({ type: 'failed', id: m.id, message: (e as Error).message, input: e instanceof InputError });
  }
});
