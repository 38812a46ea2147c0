/**
 * @module DDS data requests (formats.md §4.1, the way Rosetta instrument teams asked ESOC's DDS for packets):
 * an XML file naming the request, the APIDs and a UTC window, handed over as `<id>.tmp` renamed to
 * `<id>.XML`; the DDS answers with `<id>.DAT` (DDS-framed packets; zero bytes = no data).
 * The DDS template and its `GDDSRequest.xsd` are not public: the element names follow the template
 * parameters listed in formats.md §4.1 (`request-id`, `filename`, `directory`, `target`, `apid`,
 * `start_time`, `end_time`), one `apid` element per APID.
 */
import { rename, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** One request: APIDs and a UTC window. */
export interface DdsRequest {
  /** Request id: also the base name of the `.XML` and of the `.DAT` answer. */
  readonly id: string;
  readonly apids: readonly number[];
  /** Window start, inclusive, Unix milliseconds (UTC). */
  readonly startMs: number;
  /** Window end, exclusive, Unix milliseconds (UTC). */
  readonly endMs: number;
  /** Delivery directory named in the request, when the DDS wants one. */
  readonly directory?: string;
  /** Delivery target configured at the DDS, when it wants one. */
  readonly target?: string;
}

/** `2026-01-01T00:00:00Z` (whole seconds, as the request template writes times, formats.md §4.1). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `<prefix>_<start>--<end>` with `:` and `-` of the times removed (`IDOC_TLM_20260101T000000Z--20260101T010000Z`). */
export function ddsRequestId(prefix: string, startMs: number, endMs: number): string {
  const compact = (ms: number): string => isoSeconds(ms).replace(/[-:]/g, '');
  return `${prefix}_${compact(startMs)}--${compact(endMs)}`;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The request as XML text. */
export function ddsRequestXml(r: DdsRequest): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<DDSRequest>',
    `  <request-id>${escapeXml(r.id)}</request-id>`,
    `  <filename>${escapeXml(r.id)}.DAT</filename>`,
  ];
  if (r.directory !== undefined) lines.push(`  <directory>${escapeXml(r.directory)}</directory>`);
  if (r.target !== undefined) lines.push(`  <target>${escapeXml(r.target)}</target>`);
  for (const apid of r.apids) lines.push(`  <apid>${apid}</apid>`);
  lines.push(`  <start_time>${isoSeconds(r.startMs)}</start_time>`, `  <end_time>${isoSeconds(r.endMs)}</end_time>`, '</DDSRequest>', '');
  return lines.join('\n');
}

const unescapeXml = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/**
 * Read back a request written by {@link ddsRequestXml} (a test DDS answers with it; not a general XML parser).
 * @throws Error naming the missing element.
 */
export function parseDdsRequestXml(text: string): DdsRequest {
  const one = (tag: string): string | undefined => {
    const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text);
    return m ? unescapeXml(m[1]!) : undefined;
  };
  const need = (tag: string): string => {
    const v = one(tag);
    if (v === undefined) throw new Error(`DDS request: no <${tag}> element`);
    return v;
  };
  const apids = [...text.matchAll(/<apid>(\d+)<\/apid>/g)].map((m) => Number(m[1]));
  const startMs = Date.parse(need('start_time'));
  const endMs = Date.parse(need('end_time'));
  if (Number.isNaN(startMs) || Number.isNaN(endMs)) throw new Error('DDS request: start_time or end_time is not an ISO-8601 time');
  const directory = one('directory');
  const target = one('target');
  return { id: need('request-id'), apids, startMs, endMs, ...(directory !== undefined ? { directory } : {}), ...(target !== undefined ? { target } : {}) };
}

/**
 * Hand a request over (formats.md §4.1 step 2): write `<dir>/<id>.tmp`, then rename it to `<id>.XML` so the DDS
 * never reads a half-written request. Returns the `.XML` path. Left alone when the `.XML` is already there (the
 * same window asked again after a timeout: the DDS may still be answering the first one).
 */
export async function writeDdsRequest(dir: string, r: DdsRequest): Promise<string> {
  const xml = path.join(dir, `${r.id}.XML`);
  try {
    await stat(xml);
    return xml;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const tmp = path.join(dir, `${r.id}.tmp`);
  await writeFile(tmp, ddsRequestXml(r));
  await rename(tmp, xml);
  return xml;
}
