/**
 * @module Fixity of product files: every `<File>` a PDS4 label under a folder names (data files, index tables,
 * frames, inventories) is read again and its md5 compared with the label's `md5_checksum`, the checksum the L0
 * writer computed while writing it. A label's files are found beside it (`file_name` is relative to the label).
 * Where the writer also left its block manifest (block-fixity.ts: SHA-256 per 1 MiB block), a damaged file is
 * reported with the offset and length of its first damaged block. PDS3 labels (`.lbl`) record one md5 (the
 * packet file's `MD5_CHECKSUM`): their files are the ones their block manifest lists, checked by block.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BlockHasher, firstDamagedBlock, manifestOf, parseManifest, type FixityManifest } from './block-fixity.js';

export interface ProductFixityProblem {
  readonly file: string;
  readonly label: string;
  readonly kind: 'mismatch' | 'missing';
  readonly message: string;
  /** The first damaged block (offset and octets), when the writer's block manifest is there. */
  readonly offset?: number;
  readonly length?: number;
}

export interface ProductFixityReport {
  readonly labels: number;
  readonly files: number;
  readonly bytes: number;
  readonly problems: ProductFixityProblem[];
}

async function labelsUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && /\.(xml|lbl)$/i.test(e.name)) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/** `<File>` entries of a label: name and md5 (entries without an md5 are skipped). */
export function labelFiles(xml: string): Array<{ name: string; md5: string }> {
  const out: Array<{ name: string; md5: string }> = [];
  for (const m of xml.matchAll(/<File>([\s\S]*?)<\/File>/g)) {
    const name = /<file_name>\s*([^<]+?)\s*<\/file_name>/.exec(m[1]!)?.[1];
    const md5 = /<md5_checksum>\s*([0-9a-fA-F]{32})\s*<\/md5_checksum>/.exec(m[1]!)?.[1];
    if (name && md5) out.push({ name, md5: md5.toLowerCase() });
  }
  return out;
}

/**
 * Files of a PDS3 label: those its block manifest lists (none without one), the packet file (`^PACKET_ARRAY`)
 * with the label's `MD5_CHECKSUM`.
 */
export function pds3LabelFiles(odl: string, manifest: FixityManifest | undefined): Array<{ name: string; md5: string | undefined }> {
  const packetFile = /^\^PACKET_ARRAY\s*=\s*\("([^"]+)"/m.exec(odl)?.[1];
  const md5 = /^MD5_CHECKSUM\s*=\s*"([0-9a-fA-F]{32})"/m.exec(odl)?.[1]?.toLowerCase();
  return Object.keys(manifest?.files ?? {}).sort().map((name) => ({ name, md5: name === packetFile ? md5 : undefined }));
}

/** md5 of a file and, when `blockBytes` is given, SHA-256 per block (one read). */
const hashFile = (file: string, blockBytes?: number): Promise<{ md5: string; bytes: number; blocks: ReturnType<BlockHasher['digest']> | undefined }> => new Promise((resolve, reject) => {
  const h = createHash('md5');
  const b = blockBytes !== undefined ? new BlockHasher(blockBytes) : undefined;
  let bytes = 0;
  createReadStream(file).on('data', (c: Buffer | string) => {
    const buf = typeof c === 'string' ? Buffer.from(c) : c;
    bytes += buf.length;
    h.update(buf);
    b?.update(buf);
  }).on('error', reject).on('end', () => resolve({ md5: h.digest('hex'), bytes, blocks: b?.digest() }));
});

async function manifestBeside(label: string): Promise<FixityManifest | undefined> {
  try {
    return parseManifest(await readFile(manifestOf(label), 'utf8'));
  } catch {
    return undefined; // none (products written before manifests were kept): the md5 alone
  }
}

/** Check every file the labels under `dir` name. */
export async function verifyProductFiles(dir: string): Promise<ProductFixityReport> {
  const problems: ProductFixityProblem[] = [];
  let files = 0;
  let bytes = 0;
  const labels = await labelsUnder(dir);
  for (const label of labels) {
    const manifest = await manifestBeside(label);
    const text = await readFile(label, 'utf8');
    const entries: Array<{ name: string; md5: string | undefined }> = label.toLowerCase().endsWith('.lbl') ? pds3LabelFiles(text, manifest) : labelFiles(text);
    for (const f of entries) {
      const file = path.join(path.dirname(label), f.name);
      // A name that leads out of the label's folder is not followed.
      if (path.relative(path.dirname(label), file).startsWith('..')) continue;
      files++;
      const want = manifest && Object.hasOwn(manifest.files, f.name) ? manifest.files[f.name] : undefined;
      try {
        const got = await hashFile(file, want ? manifest!.blockBytes : undefined);
        bytes += got.bytes;
        const block = want && got.blocks ? firstDamagedBlock(want, got.blocks, manifest!.blockBytes) : undefined;
        if (block) {
          problems.push({
            file, label, kind: 'mismatch', offset: block.offset, length: block.length,
            message: `SHA-256 of the block written there has changed${f.md5 !== undefined && got.md5 !== f.md5 ? ` (md5 ${got.md5}, the label records ${f.md5})` : ''}${got.bytes !== want!.size ? `; ${got.bytes} octets, ${want!.size} written` : ''}`,
          });
        } else if (f.md5 !== undefined && got.md5 !== f.md5) {
          problems.push({ file, label, kind: 'mismatch', message: `md5 ${got.md5}, the label records ${f.md5}` });
        }
      } catch (e) {
        problems.push({ file, label, kind: 'missing', message: `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      }
    }
  }
  return { labels: labels.length, files, bytes, problems };
}
