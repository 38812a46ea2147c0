/**
 * @module What an L0 output folder holds: every product label (`<product>_v<N>.xml|lbl`) and collection label,
 * with version, time span and quality line read back from the label text, latest versions marked.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ListedProduct {
  readonly productId: string;
  /**
   * What the label describes: `observational` (an L0 product, `Product_Observational` or a PDS3 table) or
   * `ancillary` (the geometry beside one, `Product_Ancillary`).
   */
  readonly kind: 'observational' | 'ancillary';
  readonly version: number;
  readonly latest: boolean;
  readonly format: 'pds4' | 'pds3';
  readonly label: string;
  readonly start: string | undefined;
  readonly stop: string | undefined;
  /** The label's `L0 quality: …` line. */
  readonly quality: string | undefined;
}

export interface ListedCollection { readonly collection: string; readonly version: number; readonly label: string; readonly members: number }

async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (/_v\d+\.(xml|lbl)$/.test(e.name)) out.push(p);
  }
}

const grab = (text: string, re: RegExp): string | undefined => re.exec(text)?.[1];

/** List products and collections under `dir` (sorted by path). */
export async function listL0(dir: string): Promise<{ products: ListedProduct[]; collections: ListedCollection[] }> {
  const files: string[] = [];
  await walk(dir, files);
  const products: ListedProduct[] = [];
  const collections: ListedCollection[] = [];
  for (const f of files) {
    const m = /^(.+)_v(\d+)\.(xml|lbl)$/.exec(path.basename(f))!;
    const text = await readFile(f, 'utf8');
    if (m[1]!.startsWith('collection_')) {
      const csv = await readFile(f.replace(/\.xml$/, '.csv'), 'utf8').catch(() => '');
      collections.push({ collection: m[1]!.slice('collection_'.length), version: Number(m[2]), label: f, members: csv.split('\r\n').filter(Boolean).length });
      continue;
    }
    const pds3 = m[3] === 'lbl';
    products.push({
      productId: m[1]!, version: Number(m[2]), latest: false, format: pds3 ? 'pds3' : 'pds4', label: f,
      kind: !pds3 && /<Product_Ancillary[\s>]/.test(text) ? 'ancillary' : 'observational',
      start: pds3 ? grab(text, /^START_TIME\s*=\s*(\S+)/m) : grab(text, /<start_date_time>([^<]+)</),
      stop: pds3 ? grab(text, /^STOP_TIME\s*=\s*(\S+)/m) : grab(text, /<stop_date_time>([^<]+)</),
      quality: grab(text, /(L0 quality: [^.<"]*\.)/),
    });
  }
  const newest = new Map<string, number>();
  for (const p of products) newest.set(`${path.dirname(p.label)}/${p.productId}`, Math.max(newest.get(`${path.dirname(p.label)}/${p.productId}`) ?? 0, p.version));
  return {
    products: products.map((p) => ({ ...p, latest: newest.get(`${path.dirname(p.label)}/${p.productId}`) === p.version })),
    collections,
  };
}
