/**
 * @module Atomic product files: each file is written under `.<name>.<pid>.tmp` in its folder, flushed, and
 * renamed; a crash leaves the previous files (and versions) as they were, and at worst a stray `.tmp`.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Write `bytes` to `file` atomically (temporary name, fsync, rename). */
export async function writeAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await rename(tmp, file);
}

/** True when `file` exists and holds exactly `bytes`. */
export async function sameContent(file: string, bytes: Uint8Array | string): Promise<boolean> {
  try {
    const have = await readFile(file);
    return have.equals(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch {
    return false;
  }
}
