/**
 * @module Test helpers for the feed tests (not exported from the index): fixture paths, reading a unit whole,
 * DDS records of a buffer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitBuffer } from '../framing/index.js';
import type { FeedUnit } from './types.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SAMPLE = (name: string): string => path.join(REPO_ROOT, 'fixtures/sample', name);

/** All the bytes of a unit's chunks. */
export async function unitBytes(unit: FeedUnit): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of unit.chunks) parts.push(c);
  return Buffer.concat(parts);
}

/** Every unit of a pull, with its bytes (for finite pulls). */
export async function pullAll(units: AsyncIterable<FeedUnit>, complete = true): Promise<Array<{ unit: FeedUnit; bytes: Buffer }>> {
  const out: Array<{ unit: FeedUnit; bytes: Buffer }> = [];
  for await (const unit of units) {
    const bytes = await unitBytes(unit);
    if (complete) await unit.complete();
    out.push({ unit, bytes });
  }
  return out;
}

/** A DDS record as found in a buffer: the record bytes (header + packet), APID and DDS time in µs. */
export interface DdsRecord {
  readonly bytes: Buffer;
  readonly packet: Buffer;
  readonly apid: number;
  readonly timeUs: number;
  readonly station: number;
}

export function ddsRecords(bytes: Uint8Array): DdsRecord[] {
  const { batch } = splitBuffer(bytes, { framing: 'dds', crc: 'no' });
  return batch.packets.map((p) => ({
    bytes: Buffer.from(p.buf.subarray(p.offset - 18, p.offset + p.length)),
    packet: Buffer.from(p.buf.subarray(p.offset, p.offset + p.length)),
    apid: p.apid,
    timeUs: p.dds!.seconds * 1e6 + p.dds!.microseconds,
    station: p.dds!.groundStation,
  }));
}
