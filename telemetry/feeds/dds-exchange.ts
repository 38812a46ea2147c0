/**
 * @module The DDS request/response exchange folder (formats.md §4.1): for each UTC window after the cursor
 * (window length configurable, up to now minus a delay), write a request for the configured APIDs, wait for
 * `<id>.DAT` in the delivery folder (taken only once its size is the same on two polls: the folder may be
 * mounted or synced), yield it as one DDS-framed unit, and delete it once ingest has committed it.
 * A zero-byte `.DAT` means no data: a unit without packets whose cursor still advances. A timeout stops the
 * pull with a {@link FeedError} and leaves the cursor at the last delivered window (asked again next run).
 * Cursor: the end of the last window fully delivered, `YYYY-MM-DDTHH:MM:SSZ`.
 */
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { sleep } from './backoff.js';
import { ddsRequestId, isoSeconds, writeDdsRequest, type DdsRequest } from './dds-request.js';
import { FeedError } from './errors.js';
import { fileChunks, rejectInto, stampOf, type FileStamp } from './_files.js';
import type { Feed, FeedUnit } from './types.js';

export interface DdsExchangeOptions {
  readonly name: string;
  /** Where requests are written (`<id>.tmp` → `<id>.XML`). */
  readonly requestDir: string;
  /** Where the DDS delivers `<id>.DAT`. Default: `requestDir`. */
  readonly deliveryDir?: string;
  /** Where rejected `.DAT` files go. Default: `<deliveryDir>/rejected`. */
  readonly rejectedDir?: string;
  readonly apids: readonly number[];
  /** Start of the first window when there is no cursor, Unix ms. Default: the last whole window before now − delay. */
  readonly startMs?: number;
  /** Window length, ms. Default 1 h. */
  readonly windowMs?: number;
  /** Only windows ending before now − delay are asked for, ms. Default 1 h. */
  readonly delayMs?: number;
  /** Poll interval while waiting for a `.DAT`, ms. Default 10 s. */
  readonly pollMs?: number;
  /** How long to wait for one `.DAT`, ms. Default 15 min. */
  readonly timeoutMs?: number;
  /** Request id prefix. Default `IDOC_<feed name>`. */
  readonly requestPrefix?: string;
  /** At most this many windows per pull. Default 24. */
  readonly maxWindows?: number;
  /** `directory` and `target` written in the request when the DDS wants them. */
  readonly directory?: string;
  readonly target?: string;
  /** Clock, Unix ms (tests). Default `Date.now`. */
  readonly now?: () => number;
}

const HOUR = 3_600_000;

/** `IDOC_<name>` with characters a file name or a DDS id might not like replaced by `_`. */
export const defaultRequestPrefix = (feed: string): string => `IDOC_${feed.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** Parse a DDS exchange cursor (the ISO end of the last delivered window). @throws FeedError when unreadable. */
function cursorMs(feed: string, cursor: string): number {
  const ms = Date.parse(cursor);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(cursor) || Number.isNaN(ms)) throw new FeedError(feed, 'cursor', `cursor ${JSON.stringify(cursor)} is not a UTC time`);
  return ms;
}

/** The UTC windows to ask for after `cursor`: [start, end) pairs in Unix ms. */
export function ddsWindows(cursor: string | undefined, o: DdsExchangeOptions): Array<[number, number]> {
  const windowMs = o.windowMs ?? HOUR;
  const limit = (o.now ?? Date.now)() - (o.delayMs ?? HOUR);
  let start = cursor !== undefined ? cursorMs(o.name, cursor) : (o.startMs ?? Math.floor(limit / windowMs) * windowMs - windowMs);
  const out: Array<[number, number]> = [];
  while (start + windowMs <= limit && out.length < (o.maxWindows ?? 24)) {
    out.push([start, start + windowMs]);
    start += windowMs;
  }
  return out;
}

const ignoreMissing = (e: unknown): void => {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
};

/** A DDS exchange-folder feed. */
export function ddsExchangeFeed(o: DdsExchangeOptions): Feed {
  const deliveryDir = o.deliveryDir ?? o.requestDir;
  const rejectedDir = o.rejectedDir ?? path.join(deliveryDir, 'rejected');
  const pollMs = o.pollMs ?? 10_000;
  const timeoutMs = o.timeoutMs ?? 15 * 60_000;
  const prefix = o.requestPrefix ?? defaultRequestPrefix(o.name);

  /** Wait until `dat` exists with the same size on two polls; undefined when aborted; throws on timeout. */
  async function delivered(dat: string, signal: AbortSignal): Promise<FileStamp | undefined> {
    const deadline = Date.now() + timeoutMs;
    let previous: FileStamp | undefined;
    for (;;) {
      const now = await stampOf(dat);
      if (now && previous && now.size === previous.size) return now;
      previous = now;
      if (Date.now() >= deadline) {
        throw new FeedError(o.name, 'timeout', `no ${path.basename(dat)} in ${deliveryDir} after ${timeoutMs / 1000} s${now ? ' (its size was still changing)' : ''}; the window is asked again next run`);
      }
      if (!(await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), signal))) return undefined;
    }
  }

  async function* pull(cursor: string | undefined, signal: AbortSignal): AsyncGenerator<FeedUnit> {
    for (const [startMs, endMs] of ddsWindows(cursor, o)) {
      if (signal.aborted) return;
      const request: DdsRequest = {
        id: ddsRequestId(prefix, startMs, endMs), apids: o.apids, startMs, endMs,
        ...(o.directory !== undefined ? { directory: o.directory } : {}),
        ...(o.target !== undefined ? { target: o.target } : {}),
      };
      const dat = path.join(deliveryDir, `${request.id}.DAT`);
      const xml = path.join(o.requestDir, `${request.id}.XML`);
      // An answer already there (a late delivery after an earlier timeout) is taken without asking again.
      if (!(await stampOf(dat))) await writeDdsRequest(o.requestDir, request);
      const stamp = await delivered(dat, signal);
      if (!stamp) return;
      yield {
        feed: o.name,
        source: dat,
        framing: 'dds',
        chunks: { [Symbol.asyncIterator]: () => fileChunks(dat) },
        cursorAfter: isoSeconds(endMs),
        async complete() {
          await unlink(dat).catch(ignoreMissing);
          await unlink(xml).catch(ignoreMissing);
        },
        async reject(reason: string) {
          await rejectInto(dat, rejectedDir, reason);
          await unlink(xml).catch(ignoreMissing);
        },
      };
    }
  }

  return { name: o.name, kind: 'dds-exchange', realtime: false, pull };
}

