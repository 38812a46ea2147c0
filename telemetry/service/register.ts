/**
 * @module Filling the products registry from an L0 output folder (`idoc serve --products DIR` at start): every
 * product label found by `listL0` (telemetry/products) becomes a {@link ProductRecord}: lidvid, route (from the
 * label title `… L0 <ROUTE> …`, else the folder name), level (L0, or geometry for `_geometry_` products), span,
 * target, orbit numbers, the quality line's counts, the files the label names with their size and SHA-256 (read
 * here), and, for an L0 product with a geometry product beside it, the ground track (its GeoJSON geometry) as
 * footprint. An L0 product's APIDs are those of its packets, read from the `apid` field of the `packet_index` table
 * of its index file as the label describes it (file, table offset, records, record length, field location);
 * a geometry product takes its L0 product's. Paths in records are relative to the folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProductRecord, ProductRegistry } from '../../src/archive/port.js';
import { listL0 } from '../products/index.js';

const grab = (text: string, re: RegExp): string | undefined => re.exec(text)?.[1];

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** `packets=3600, sequence_gaps=0, crc_errors=1` → { packets: 3600, sequenceGaps: 0, crcErrors: 1 }. */
export function qualityCounts(line: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of (line ?? '').matchAll(/([a-z_]+)=(\d+)/g)) {
    out[m[1]!.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = Number(m[2]);
  }
  return out;
}

/**
 * The distinct APIDs (ascending) of an L0 product's packets, from its label's `packet_index` table (PDS4
 * Table_Binary: offset, records, Record_Binary record_length, Field_Binary `apid` at field_location, 1-based,
 * UnsignedMSB2); empty when the label has no such table or the file cannot be read.
 */
export async function labelApids(labelFile: string, label: string): Promise<number[]> {
  for (const area of label.split('<File_Area_Observational>').slice(1)) {
    const table = /<Table_Binary>\s*<name>packet_index<\/name>([\s\S]*?)<\/Table_Binary>/.exec(area)?.[1];
    const fileName = grab(area, /<file_name>([^<]+)</);
    if (table === undefined || fileName === undefined) continue;
    const num = (re: RegExp): number | undefined => { const v = re.exec(table)?.[1]; return v !== undefined ? Number(v) : undefined; };
    const offset = num(/^[\s\S]*?<offset[^>]*>(\d+)</);
    const records = num(/<records>(\d+)</);
    const recordLength = num(/<record_length[^>]*>(\d+)</);
    const field = /<Field_Binary>\s*<name>apid<\/name>([\s\S]*?)<\/Field_Binary>/.exec(table)?.[1] ?? '';
    const at = /<field_location[^>]*>(\d+)</.exec(field)?.[1];
    const type = /<data_type>([^<]+)</.exec(field)?.[1];
    if (offset === undefined || records === undefined || !recordLength || at === undefined || type !== 'UnsignedMSB2') return [];
    const bytes = records * recordLength;
    const buf = Buffer.alloc(bytes);
    const fh = await open(path.join(path.dirname(labelFile), path.basename(fileName))).catch(() => undefined);
    if (!fh) return [];
    try {
      const { bytesRead } = await fh.read(buf, 0, bytes, offset);
      const seen = new Set<number>();
      for (let k = 0; (k + 1) * recordLength <= bytesRead; k++) seen.add(buf.readUInt16BE(k * recordLength + Number(at) - 1));
      return [...seen].sort((a, b) => a - b);
    } finally {
      await fh.close();
    }
  }
  return [];
}

/** Read the product labels under `dir` into records (latest and older versions alike). */
export async function productRecords(dir: string, nowUnixMs = Date.now()): Promise<ProductRecord[]> {
  const { products } = await listL0(dir);
  const labels = new Map<string, string>();
  for (const p of products) labels.set(p.label, await readFile(p.label, 'utf8'));
  // Geometry products by their lid, for the L0 products that reference them.
  const geometryByLid = new Map<string, { geojson: string | undefined }>();
  for (const p of products) {
    const text = labels.get(p.label)!;
    const lid = grab(text, /<logical_identifier>([^<]+)</);
    const gj = /<file_name>([^<]+\.geojson)</.exec(text)?.[1];
    if (lid && p.productId.endsWith('_geometry')) geometryByLid.set(`${lid}::${grab(text, /<version_id>([^<]+)</) ?? '1.0'}`, { geojson: gj && path.join(path.dirname(p.label), gj) });
  }
  // APIDs of each L0 product by lidvid (a geometry product names its L0 product in a data_to_geometry reference).
  const apidsByLidvid = new Map<string, number[]>();
  for (const p of products) {
    if (p.format !== 'pds4' || p.productId.endsWith('_geometry')) continue;
    const text = labels.get(p.label)!;
    const lid = grab(text, /<logical_identifier>([^<]+)</);
    if (lid) apidsByLidvid.set(`${lid}::${grab(text, /<version_id>([^<]+)</) ?? '1.0'}`, await labelApids(p.label, text));
  }
  const apidsOf = (lidvid: string, geometry: boolean, text: string): number[] => {
    if (!geometry) return apidsByLidvid.get(lidvid) ?? [];
    const data = grab(text, /<lidvid_reference>([^<]+)<\/lidvid_reference>\s*<reference_type>ancillary_to_data</);
    return data !== undefined ? apidsByLidvid.get(data) ?? [] : [];
  };
  const out: ProductRecord[] = [];
  for (const p of products) {
    if (p.format !== 'pds4') continue;
    const text = labels.get(p.label)!;
    const lid = grab(text, /<logical_identifier>([^<]+)</);
    const vid = grab(text, /<version_id>([^<]+)</);
    if (!lid || !vid || !p.start || !p.stop) continue;
    const geometry = p.productId.endsWith('_geometry');
    const title = grab(text, /<title>([^<]+)</) ?? '';
    const route = /\bL0 (\S+) /.exec(title)?.[1] ?? path.basename(path.dirname(p.label)).toUpperCase();
    const files: { path: string; bytes: number; sha256: string }[] = [];
    for (const m of text.matchAll(/<file_name>([^<]+)</g)) {
      const f = path.join(path.dirname(p.label), m[1]!);
      const s = await stat(f).catch(() => undefined);
      if (s?.isFile()) files.push({ path: path.relative(dir, f).split(path.sep).join('/'), bytes: s.size, sha256: await sha256File(f) });
    }
    const geoRef = grab(text, /<lidvid_reference>([^<]+)<\/lidvid_reference>\s*<reference_type>data_to_geometry</);
    const geojsonFile = geometry ? files.find((f) => f.path.endsWith('.geojson')) && path.join(dir, files.find((f) => f.path.endsWith('.geojson'))!.path)
      : geoRef ? geometryByLid.get(geoRef)?.geojson : undefined;
    let footprint: unknown;
    if (geojsonFile) {
      try {
        const fc = JSON.parse(await readFile(geojsonFile, 'utf8')) as { features?: { geometry?: unknown }[] };
        footprint = fc.features?.[0]?.geometry;
      } catch { footprint = undefined; }
    }
    const startOrbit = grab(text, /<psa:start_orbit_number>(\d+)</);
    const target = grab(text, /<Target_Identification>\s*<name>([^<]+)</);
    const instrument = grab(text, /<name>([^<]+)<\/name>\s*<type>Instrument</);
    out.push({
      lidvid: `${lid}::${vid}`, productId: p.productId, version: p.version, level: geometry ? 'geometry' : 'L0', route,
      ...(instrument ? { instrument } : {}), apids: apidsOf(`${lid}::${vid}`, geometry, text), start: p.start, stop: p.stop,
      label: path.relative(dir, p.label).split(path.sep).join('/'), files, quality: qualityCounts(p.quality),
      ...(target ? { target } : {}), ...(startOrbit ? { orbit: Number(startOrbit) } : {}),
      ...(footprint !== undefined ? { footprint } : {}), registeredUnixMs: nowUnixMs,
    });
  }
  return out;
}

/** Register every product under `dir`; resolves to how many. */
export async function registerProductFolder(registry: ProductRegistry, dir: string): Promise<number> {
  const records = await productRecords(dir);
  for (const r of records) await registry.register(r);
  return records.length;
}
