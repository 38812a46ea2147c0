/**
 * @module Gap windows and DDS re-requests: the UTC windows of each APID's gaps (from the packet before to the
 * packet after, widened to whole seconds as the request template writes times), overlapping or touching windows
 * of an APID merged, and one DDS request file per window (formats.md §4.1: `<id>.tmp` renamed to `<id>.XML`,
 * id `IDOC_<apid>_<start>--<end>` in compact UTC) asking the feed again for exactly those windows.
 */
import { taiToUnixMs } from '../../src/time/index.js';
import { ddsRequestId, writeDdsRequest } from '../feeds/dds-request.js';
import type { Gap } from './find-gaps.js';

export interface GapWindow {
  readonly apid: number;
  /** Unix ms, whole seconds; start inclusive, end exclusive. */
  readonly startMs: number;
  readonly endMs: number;
  /** Gaps merged into this window, and their missing packets. */
  readonly gaps: number;
  readonly missing: number;
}

/** Windows per APID, merged; gaps without packet times on both sides cannot be windowed and are left out. */
export function gapWindows(gaps: readonly Gap[]): GapWindow[] {
  const byApid = new Map<number, GapWindow[]>();
  for (const g of gaps) {
    // The DDS answers by its own (ground) time: the packets' DDS header times when they came behind one, else their times.
    const start = g.startGroundMs ?? (g.startTai !== undefined ? taiToUnixMs(g.startTai) : undefined);
    const end = g.endGroundMs ?? (g.endTai !== undefined ? taiToUnixMs(g.endTai) : undefined);
    if (start === undefined || end === undefined) continue;
    const lo = Math.min(start, end);
    const hi = Math.max(start, end);
    const w = { apid: g.apid, startMs: Math.floor(lo / 1000) * 1000, endMs: Math.ceil(hi / 1000) * 1000, gaps: 1, missing: g.missing };
    if (w.endMs === w.startMs) w.endMs += 1000;
    (byApid.get(g.apid) ?? byApid.set(g.apid, []).get(g.apid)!).push(w);
  }
  const out: GapWindow[] = [];
  for (const apid of [...byApid.keys()].sort((a, b) => a - b)) {
    const ws = byApid.get(apid)!.sort((a, b) => a.startMs - b.startMs);
    let cur: GapWindow | undefined;
    for (const w of ws) {
      if (cur && w.startMs <= cur.endMs) {
        cur = { ...cur, endMs: Math.max(cur.endMs, w.endMs), gaps: cur.gaps + w.gaps, missing: cur.missing + w.missing };
      } else {
        if (cur) out.push(cur);
        cur = w;
      }
    }
    if (cur) out.push(cur);
  }
  return out;
}

/** The request id of a window. */
export const windowRequestId = (w: GapWindow): string => ddsRequestId(`IDOC_${w.apid}`, w.startMs, w.endMs);

/** Write one DDS request per window into `dir`; returns the `.XML` paths. */
export async function writeGapRequests(dir: string, windows: readonly GapWindow[]): Promise<string[]> {
  const out: string[] = [];
  for (const w of windows) out.push(await writeDdsRequest(dir, { id: windowRequestId(w), apids: [w.apid], startMs: w.startMs, endMs: w.endMs }));
  return out;
}
