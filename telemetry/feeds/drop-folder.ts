/**
 * @module The drop folder: packet files of any framing that appear in a folder are ingested once. A file is
 * taken only when its size and modification time are the same on two polls (a file still being written or
 * synced is left for later); once committed it moves to `done/`, and a file that is not a packet file moves to
 * `rejected/` with `<name>.reason` beside it (same-filesystem renames; a name already there gets a `.N` suffix).
 * No cursor is needed (the move is the record); `cursorAfter` carries the file name for the log.
 * Ignored: dot files, `*.tmp`, `*.part`, `*.partial` (names used while copying) and sub-folders.
 */
import path from 'node:path';
import type { FramingName } from '../framing/index.js';
import { sleep } from './backoff.js';
import { fileChunks, moveInto, rejectInto, sameStamp, scanFolder, type FileStamp } from './_files.js';
import type { Feed, FeedUnit } from './types.js';

export interface DropFolderOptions {
  readonly name: string;
  readonly dir: string;
  /** Default `auto`. */
  readonly framing?: FramingName | 'auto';
  readonly prefixBytes?: number;
  /** Time between the two looks at a file, ms. Default 1000. */
  readonly pollMs?: number;
  /** Default `<dir>/done`. */
  readonly doneDir?: string;
  /** Default `<dir>/rejected`. */
  readonly rejectedDir?: string;
}

/** Names the drop folder never takes. */
export const ignoredDropName = (name: string): boolean => name.startsWith('.') || /\.(tmp|part|partial)$/i.test(name);

/** A drop-folder feed. Its memory of the last poll carries over between pulls, so a daemon rarely waits. */
export function dropFolderFeed(o: DropFolderOptions): Feed {
  const doneDir = o.doneDir ?? path.join(o.dir, 'done');
  const rejectedDir = o.rejectedDir ?? path.join(o.dir, 'rejected');
  const pollMs = o.pollMs ?? 1000;
  /** Stamps seen at the previous look. */
  let seen = new Map<string, FileStamp>();
  const unit = (name: string): FeedUnit => {
    const file = path.join(o.dir, name);
    return {
      feed: o.name,
      source: file,
      framing: o.framing ?? 'auto',
      ...(o.prefixBytes !== undefined ? { prefixBytes: o.prefixBytes } : {}),
      chunks: { [Symbol.asyncIterator]: () => fileChunks(file) },
      cursorAfter: name,
      async complete() {
        await moveInto(file, doneDir);
      },
      async reject(reason: string) {
        await rejectInto(file, rejectedDir, reason);
      },
    };
  };

  /** Look at the folder: the names stable since the previous look, and whether others are still changing. */
  async function look(taken: ReadonlySet<string>): Promise<{ stable: string[]; changing: number }> {
    const now = await scanFolder(o.dir, ignoredDropName);
    const stable: string[] = [];
    let changing = 0;
    for (const [name, stamp] of now) {
      if (taken.has(name)) continue;
      if (sameStamp(seen.get(name), stamp)) stable.push(name);
      else changing++;
    }
    seen = now;
    return { stable, changing };
  }

  async function* pull(_cursor: string | undefined, signal: AbortSignal): AsyncGenerator<FeedUnit> {
    // A file is handed out at most once per pull (one that was not completed is offered again next pull).
    const taken = new Set<string>();
    let { stable, changing } = await look(taken);
    for (const name of stable) {
      if (signal.aborted) return;
      taken.add(name);
      yield unit(name);
    }
    if (!changing) return;
    // New or growing files: one more look after a poll interval, then leave the rest for the next pull.
    if (!(await sleep(pollMs, signal))) return;
    ({ stable } = await look(taken));
    for (const name of stable) {
      if (signal.aborted) return;
      yield unit(name);
    }
  }

  /** Files waiting in the folder (not yet done or rejected). */
  const backlog = async (): Promise<number> => (await scanFolder(o.dir, ignoredDropName)).size;
  return { name: o.name, kind: 'drop-folder', realtime: false, pull, backlog };
}
