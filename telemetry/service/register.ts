/**
 * @module Filling the products registry from an L0 output folder (`idoc serve --products DIR` at start): every
 * product label found by `listL0` (telemetry/products) becomes a {@link ProductRecord}: lidvid, route (from the
 * label title `… L0 <ROUTE> …`, else the folder name), level (L0, or geometry for `_geometry_` products), span,
 * target, orbit numbers, the quality line's counts, the files the label names with their size and SHA-256 (read
 * here), and, for an L0 product with a geometry product beside it, the ground track (its GeoJSON geometry) as
 * footprint. Paths in records are relative to the folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
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
      ...(instrument ? { instrument } : {}), apids: [], start: p.start, stop: p.stop,
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
