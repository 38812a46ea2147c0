/**
 * @module File helpers shared by the folder feeds: a file read as chunks, the "stable over two polls" rule
 * for files still being written or synced, and moves that never overwrite.
 */
import { open, readdir, rename, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/** Read a file as chunks of `chunkSize` bytes (default 1 MiB); the handle is closed however iteration ends. */
export async function* fileChunks(file: string, chunkSize = 1 << 20): AsyncGenerator<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    for (let pos = 0; ;) {
      const buf = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await fh.read(buf, 0, chunkSize, pos);
      if (!bytesRead) return;
      pos += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** What the stability rule compares between two polls. */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

export const sameStamp = (a: FileStamp | undefined, b: FileStamp | undefined): boolean =>
  a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** Stamp of a regular file, or undefined when it is missing or not a regular file. */
export async function stampOf(file: string): Promise<FileStamp | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Regular files directly in `dir` (sorted by name) with their stamps; `skip` filters names out. */
export async function scanFolder(dir: string, skip: (name: string) => boolean): Promise<Map<string, FileStamp>> {
  const out = new Map<string, FileStamp>();
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (!e.isFile() || skip(e.name)) continue;
    const s = await stampOf(path.join(dir, e.name));
    if (s) out.set(e.name, s);
  }
  return out;
}

/** `a.bin` taken in `dir` → `a.1.bin`, `a.2.bin`, … the first free name (checked, then renamed). */
export async function freeName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const base = ext && ext !== name ? name.slice(0, -ext.length) : name;
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? name : `${base}.${n}${ext}`;
    if ((await stampOrDir(path.join(dir, candidate))) === false) return candidate;
  }
}

async function stampOrDir(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Move `file` into `dir` (created when missing) under its name or the first free variant; returns the new path. */
export async function moveInto(file: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, await freeName(dir, path.basename(file)));
  await rename(file, target);
  return target;
}

/** Move `file` into `dir` and write `<new name>.reason` beside it (one line). */
export async function rejectInto(file: string, dir: string, reason: string): Promise<string> {
  const target = await moveInto(file, dir);
  await writeFile(`${target}.reason`, `${reason.replace(/\s*\n\s*/g, ' ')}\n`);
  return target;
}
