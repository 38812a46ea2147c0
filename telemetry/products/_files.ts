/**
 * @module Atomic product files: each file is written under `.<name>.<pid>.tmp` in its folder, flushed, and
 * renamed; a crash leaves the previous files (and versions) as they were, and at worst a stray `.tmp`.
 */
import { open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { md5Of } from './_md5.js';

/** Write `bytes` to `file` atomically (temporary name, fsync, rename). */
export async function writeAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  // One write call (FileHandle.writeFile writes a large string in 512 KiB round trips through the I/O pool).
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const fh = await open(tmp, 'w');
  try {
    await writeAllParts(fh, { parts: [data], size: data.length }, file);
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

/**
 * A file's content as parts (views into larger blocks, such as the archive's segment reads), written with
 * vectored writes and hashed part by part: never copied into one buffer. Touching fresh memory is the dominant
 * cost of copying large files on the machines idoc runs on.
 */
export interface Parts {
  readonly parts: readonly Uint8Array[];
  readonly size: number;
}

/**
 * The views `items` laid end to end, adjacent views (same memory, contiguous) merged into one part;
 * `offsets[i]` receives the file offset of item i.
 */
export function partsOf(items: readonly Uint8Array[], offsets?: Float64Array): Parts {
  const parts: Uint8Array[] = [];
  let size = 0;
  let buf: ArrayBufferLike | undefined;
  let start = 0, end = 0, first = 0;
  const flush = (upTo: number): void => {
    if (buf === undefined) return;
    parts.push(upTo - first === 1 ? items[first]! : new Uint8Array(buf, start, end - start));
  };
  for (let i = 0; i < items.length; i++) {
    const v = items[i]!;
    if (offsets) offsets[i] = size;
    size += v.length;
    if (buf === v.buffer && end === v.byteOffset) {
      end += v.length;
    } else {
      flush(i);
      buf = v.buffer;
      start = v.byteOffset;
      end = start + v.length;
      first = i;
    }
  }
  flush(items.length);
  return { parts, size };
}

/**
 * Write `content` to `file` atomically (temporary name, fsync, rename) with vectored writes, computing its md5
 * while the write runs in the I/O pool (in a worker thread for parts in shared memory, see `_md5.ts`).
 * Returns the md5 (hex).
 */
export async function writeAtomicParts(file: string, content: Parts): Promise<string> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    const hashing = md5Of(content.parts);
    hashing.catch(() => undefined); // awaited below; not unhandled if the write fails first
    await writeAllParts(fh, content, file);
    await fh.sync();
    const md5 = await hashing;
    await fh.close();
    await rename(tmp, file);
    return md5;
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Write `content` at file offset `at` (default 0) of an open file, with vectored writes, resuming short writes. */
export async function writeAllParts(fh: FileHandle, content: Parts, file: string, at = 0): Promise<void> {
  let parts = content.parts as Uint8Array[];
  let pos = 0;
  while (pos < content.size) {
    const { bytesWritten } = await fh.writev(parts, at + pos);
    if (bytesWritten <= 0) throw new Error(`${file}: write made no progress at offset ${pos}`);
    pos += bytesWritten;
    if (pos >= content.size) break;
    // A short write: go on from where it stopped.
    let skip = bytesWritten;
    let k = 0;
    while (k < parts.length && skip >= parts[k]!.length) { skip -= parts[k]!.length; k++; }
    parts = parts.slice(k);
    if (skip > 0) parts[0] = parts[0]!.subarray(skip);
  }
}

/** True when `file` exists and holds exactly `content` (sizes compared first). */
export async function sameParts(file: string, content: Parts): Promise<boolean> {
  try {
    if ((await stat(file)).size !== content.size) return false;
    const have = await readFile(file);
    let o = 0;
    for (const p of content.parts) {
      if (!have.subarray(o, o + p.length).equals(p)) return false;
      o += p.length;
    }
    return o === have.length;
  } catch {
    return false;
  }
}
