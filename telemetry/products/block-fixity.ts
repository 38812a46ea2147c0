/**
 * @module Block fixity of product files: the L0 writer records the SHA-256 (FIPS 180-4) of every
 * {@link FIXITY_BLOCK_BYTES} block of each file a label names, in a manifest it writes atomically beside the label
 * (`<label stem>.fixity.json`; the label itself is unchanged: its `md5_checksum` stays the whole-file checksum
 * PDS4 asks for). `idoc archive verify --products` re-reads the file block by block and reports the first block
 * whose SHA-256 changed with its offset range, where the md5 alone could only say "this file".
 *
 * The digests are computed from the octets being written (the same buffers the write takes), never by reading
 * the file back: what is recorded is what was meant to be on disk.
 */
import { createHash, type Hash } from 'node:crypto';
import path from 'node:path';

/** Octets per block (1 MiB): a damaged byte is located to within this. */
export const FIXITY_BLOCK_BYTES = 1 << 20;
/** The manifest's `format` value. */
export const FIXITY_FORMAT = 'idoc-fixity/1';

/** The block digests of one file. */
export interface FileBlocks {
  readonly size: number;
  /** SHA-256 (hex) of each block, in order; the last one may be short. An empty file has none. */
  readonly sha256: readonly string[];
}

export interface FixityManifest {
  readonly format: typeof FIXITY_FORMAT;
  readonly blockBytes: number;
  /** By file name, relative to the label's folder (as the label's `file_name`). */
  readonly files: Readonly<Record<string, FileBlocks>>;
}

/** SHA-256 per block of octets given in any pieces, in order. */
export class BlockHasher {
  private readonly blocks: string[] = [];
  private hash: Hash | undefined;
  private inBlock = 0;
  private size = 0;

  constructor(private readonly blockBytes = FIXITY_BLOCK_BYTES) {}

  update(bytes: Uint8Array): this {
    let o = 0;
    while (o < bytes.length) {
      const n = Math.min(bytes.length - o, this.blockBytes - this.inBlock);
      (this.hash ??= createHash('sha256')).update(bytes.subarray(o, o + n));
      this.inBlock += n;
      o += n;
      if (this.inBlock === this.blockBytes) this.flush();
    }
    this.size += bytes.length;
    return this;
  }

  digest(): FileBlocks {
    if (this.inBlock > 0) this.flush();
    return { size: this.size, sha256: [...this.blocks] };
  }

  private flush(): void {
    this.blocks.push(this.hash!.digest('hex'));
    this.hash = undefined;
    this.inBlock = 0;
  }
}

/** Block digests of content given as parts (or text, UTF-8). */
export function blocksOf(content: readonly Uint8Array[] | string, blockBytes = FIXITY_BLOCK_BYTES): FileBlocks {
  const h = new BlockHasher(blockBytes);
  if (typeof content === 'string') h.update(Buffer.from(content, 'utf8'));
  else for (const p of content) h.update(p);
  return h.digest();
}

/** The manifest file of a label: `x_v1.xml` → `x_v1.fixity.json`, in the same folder. */
export const manifestOf = (label: string): string => path.join(path.dirname(label), `${path.basename(label).replace(/\.(xml|lbl)$/i, '')}.fixity.json`);

/** The manifest text for `files` (name → blocks). */
export function manifestText(files: Readonly<Record<string, FileBlocks>>, blockBytes = FIXITY_BLOCK_BYTES): string {
  const m: FixityManifest = { format: FIXITY_FORMAT, blockBytes, files };
  return `${JSON.stringify(m, null, 1)}\n`;
}

/** A manifest read back, or undefined when the text is not one (verify then falls back to the label's md5). */
export function parseManifest(text: string): FixityManifest | undefined {
  let m: unknown;
  try { m = JSON.parse(text); } catch { return undefined; }
  const o = m as Partial<FixityManifest> | null;
  if (!o || o.format !== FIXITY_FORMAT || !Number.isInteger(o.blockBytes) || o.blockBytes! <= 0 || typeof o.files !== 'object' || o.files === null) return undefined;
  for (const f of Object.values(o.files)) {
    if (!f || !Number.isInteger(f.size) || !Array.isArray(f.sha256) || !f.sha256.every((x) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x))) return undefined;
  }
  return o as FixityManifest;
}

/** The first block of `got` that differs from `want`: its offset and length, or undefined when all agree. */
export function firstDamagedBlock(want: FileBlocks, got: FileBlocks, blockBytes: number): { offset: number; length: number } | undefined {
  const n = Math.max(want.sha256.length, got.sha256.length);
  for (let k = 0; k < n; k++) {
    if (want.sha256[k] !== got.sha256[k]) {
      const offset = k * blockBytes;
      return { offset, length: Math.max(0, Math.min(blockBytes, Math.max(want.size, got.size) - offset)) };
    }
  }
  if (want.size !== got.size) return { offset: Math.min(want.size, got.size), length: Math.abs(want.size - got.size) };
  return undefined;
}
