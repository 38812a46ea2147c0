/**
 * @module The daemon's status file (`<archive>/ingest-status.json`, rewritten every few seconds) and the text
 * forms of the ingest summary and status.
 */
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import type { FeedStats } from './types.js';
import type { WatchStatus } from './watch.js';

export const statusFileOf = (archiveDir: string): string => path.join(archiveDir, 'ingest-status.json');

export async function readStatus(archiveDir: string): Promise<WatchStatus & { running: boolean }> {
  const file = statusFileOf(archiveDir);
  let status: WatchStatus;
  try {
    status = JSON.parse(await readFile(file, 'utf8')) as WatchStatus;
  } catch (e) {
    throw new InputError(`${file}: no ingest status (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); is an 'idoc ingest --watch' running on this archive?`);
  }
  let running = false;
  if (status.mode !== 'once') try { process.kill(status.pid, 0); running = true; } catch { running = false; }
  return { ...status, running };
}

const row = (cells: string[], widths: number[]) => cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');

function table(stats: readonly (FeedStats & { packetsPerSecond?: number; backlog?: number })[]): string[] {
  const head = ['feed', 'state', 'units', 'packets', 'stored', 'dups', 'quarantine', 'crc', 'skipped B', 'pkt/s', 'backlog', 'last ingest'];
  const rows = stats.map((s) => [
    s.feed, s.state, String(s.units), String(s.packets), String(s.stored), String(s.duplicates), String(s.quarantined),
    String(s.crcErrors), String(s.skippedBytes), s.packetsPerSecond === undefined ? '-' : String(s.packetsPerSecond),
    s.backlog === undefined ? '-' : String(s.backlog),
    s.lastIngestUnixMs ? new Date(s.lastIngestUnixMs).toISOString() : '-',
  ]);
  const widths = head.map((_, i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)));
  const out = [row(head, widths), ...rows.map((r) => row(r, widths))];
  for (const s of stats) if (s.lastError) out.push(`${s.feed}: ${s.state === 'failed' ? 'FAILED: ' : 'last error: '}${s.lastError}`);
  for (const s of stats) {
    const lost: string[] = [];
    if (s.missing) lost.push(`${s.missing} packet(s) missing by sequence count${s.gaps ? ` in ${s.gaps} gap(s)` : ''}`);
    if (s.kernelDrops) lost.push(`${s.kernelDrops} datagram(s) dropped by the kernel (receive buffer full: raise receiveBufferBytes or net.core.rmem_max)`);
    if (lost.length) out.push(`${s.feed}: lost: ${lost.join(', ')}`);
    if (s.resets) out.push(`${s.feed}: ${s.resets} sequence-counter reset(s) (not losses)`);
  }
  return out;
}

export const formatSummary = (archiveDir: string, stats: readonly FeedStats[]): string => `archive ${archiveDir}\n${table(stats).join('\n')}\n`;

export const formatStatus = (s: WatchStatus & { running: boolean }): string =>
  (s.mode === 'once'
    ? `last ingest --once: pid ${s.pid} from ${s.started} to ${s.updated}${s.exitCode !== undefined ? `, exit code ${s.exitCode}` : ''}\n`
    : `ingest daemon pid ${s.pid} ${s.running ? 'running' : 'not running'} since ${s.started}, status of ${s.updated}\n`) + `${table(s.feeds).join('\n')}\n`;

/** Write `status` to `file` atomically (a temporary file renamed over it; removed when the write fails). */
export async function writeStatusFile(file: string, status: WatchStatus): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(status, null, 2)}\n`);
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
