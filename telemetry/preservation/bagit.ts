/**
 * @module BagIt 1.0 (RFC 8493): write a bag from a list of payload files, and verify a bag on disk.
 *
 * Writing (§2): `bagit.txt`, `data/…` (the payload, copied), `manifest-sha256.txt`, `bag-info.txt`,
 * `tagmanifest-sha256.txt`. Deterministic: manifest lines sorted by path (byte order), bag-info labels in the
 * order given, LF line ends, no BOM (§2.3); the only date is `Bagging-Date`, given by the caller. The bag is
 * built in a temporary sibling folder and renamed into place at the end: a reader never sees half a bag.
 *
 * Verifying (§3): complete (bagit.txt, a payload manifest, data/, every listed file present, every payload file
 * in every payload manifest) and valid (every checksum of every manifest and tag manifest), plus Payload-Oxum
 * (§2.2.2), the bag-info rules on repeated labels and the path rules of §5.1. One {@link BagProblem} per defect,
 * naming the file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, lstat, mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';

/** RFC 8493 §2.4: algorithm names as they appear in manifest file names. */
export const BAG_ALGORITHMS = ['sha512', 'sha256', 'sha1', 'md5'] as const;
export type BagAlgorithm = (typeof BAG_ALGORITHMS)[number];

/** One payload file: where it is now, and its path under `data/` (forward slashes). */
export interface PayloadFile {
  readonly source: string;
  readonly bagPath: string;
}

export interface WriteBagOptions {
  /** The bag's base directory (must not exist). */
  readonly dir: string;
  readonly payload: readonly PayloadFile[];
  /** bag-info.txt elements in order (§2.2.2); Payload-Oxum, Bag-Size and Bagging-Date are added by the writer. */
  readonly info: readonly (readonly [string, string])[];
  /** `YYYY-MM-DD` (§2.2.2 Bagging-Date). */
  readonly baggingDate: string;
  /** When given, every file and folder of the bag gets this modification time (Unix seconds, SOURCE_DATE_EPOCH). */
  readonly mtime?: number;
}

export interface WrittenBag {
  readonly dir: string;
  readonly files: number;
  readonly octets: number;
  /** sha256 of each payload file, by bag path (`data/…`). */
  readonly sha256: ReadonlyMap<string, string>;
}

/** §2.1.3: CR, LF and `%` in a manifest path are percent-encoded. */
export const encodeBagPath = (p: string): string => p.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const decodeBagPath = (p: string): string => p.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');

/** sha256 (hex, lower case) of a file, streamed. */
export async function fileDigest(file: string, algorithm: BagAlgorithm = 'sha256'): Promise<{ hex: string; size: number }> {
  const h = createHash(algorithm);
  let size = 0;
  for await (const chunk of createReadStream(file)) { h.update(chunk as Buffer); size += (chunk as Buffer).length; }
  return { hex: h.digest('hex'), size };
}

/** Human-readable size for Bag-Size (§2.2.2), e.g. `1.5 MB` (decimal units). */
export function bagSize(octets: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = octets, u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return u === 0 ? `${octets} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The text of a manifest: `<hex> <path>` lines, sorted by path, LF ends (§2.1.3). */
export function manifestLines(entries: ReadonlyMap<string, string>): string {
  return [...entries.keys()].sort(byPath).map((p) => `${entries.get(p)!}  ${encodeBagPath(p)}\n`).join('');
}

/** A bag-info.txt value on one line: line breaks in a value become continuation lines (§2.2.2). */
const infoLine = (label: string, value: string): string => `${label}: ${value.replace(/\r?\n/g, '\n  ')}\n`;

/**
 * Write a bag. Payload files are copied under `data/` and hashed from the copy.
 * @throws Error when `dir` exists or a payload path is unsafe (§5.1).
 */
export async function writeBag(o: WriteBagOptions): Promise<WrittenBag> {
  const exists = await lstat(o.dir).then(() => true, () => false);
  if (exists) throw Object.assign(new Error(`${o.dir}: already exists (a bag is written into a new folder)`), { code: 'EEXIST' });
  const seen = new Set<string>();
  for (const f of o.payload) {
    const why = unsafePath(`data/${f.bagPath}`);
    if (why) throw new Error(`payload path ${JSON.stringify(f.bagPath)}: ${why}`);
    if (seen.has(f.bagPath.toLowerCase())) throw new Error(`payload path ${JSON.stringify(f.bagPath)}: listed twice (or differs only in case, RFC 8493 §6.1.1.3)`);
    seen.add(f.bagPath.toLowerCase());
  }
  await mkdir(path.dirname(path.resolve(o.dir)), { recursive: true });
  const tmp = path.join(path.dirname(path.resolve(o.dir)), `.${path.basename(o.dir)}.${process.pid}.tmp`);
  await rm(tmp, { recursive: true, force: true });
  try {
    const sha = new Map<string, string>();
    let octets = 0;
    for (const f of [...o.payload].sort((a, b) => byPath(a.bagPath, b.bagPath))) {
      const target = path.join(tmp, 'data', ...f.bagPath.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(f.source, target);
      const d = await fileDigest(target);
      sha.set(`data/${f.bagPath}`, d.hex);
      octets += d.size;
    }
    await mkdir(path.join(tmp, 'data'), { recursive: true });
    const tags = new Map<string, string>();
    const put = async (name: string, text: string): Promise<void> => {
      await writeSynced(path.join(tmp, name), text);
      tags.set(name, createHash('sha256').update(text).digest('hex'));
    };
    // §2.1.1: exactly these two lines.
    await put('bagit.txt', 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    await put('manifest-sha256.txt', manifestLines(sha));
    const info = [...o.info, ['Bagging-Date', o.baggingDate], ['Bag-Size', bagSize(octets)], ['Payload-Oxum', `${octets}.${sha.size}`]] as const;
    await put('bag-info.txt', info.map(([k, v]) => infoLine(k, v)).join(''));
    // §2.2.1: the tag manifest lists the payload manifest and the other tag files, never itself.
    await writeSynced(path.join(tmp, 'tagmanifest-sha256.txt'), manifestLines(tags));
    if (o.mtime !== undefined) await touchTree(tmp, o.mtime);
    await rename(tmp, o.dir);
    return { dir: o.dir, files: sha.size, octets, sha256: sha };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function writeSynced(file: string, text: string): Promise<void> {
  const fh = await open(file, 'w');
  try { await fh.writeFile(text, 'utf8'); await fh.sync(); } finally { await fh.close(); }
}

async function touchTree(dir: string, t: number): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await touchTree(p, t);
    await utimes(p, t, t);
  }
  await utimes(dir, t, t);
}

/** §5.1: why a manifest path is not acceptable, or undefined. */
export function unsafePath(p: string): string | undefined {
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('\\')) return 'absolute path (RFC 8493 §5.1)';
  if (p.startsWith('~')) return 'home-directory path (RFC 8493 §5.1)';
  if (p.split(/[\\/]/).some((s) => s === '..')) return 'path leaves the bag (RFC 8493 §5.1)';
  if (p.split('/').some((s) => s === '' || s === '.')) return 'empty or "." path segment';
  return undefined;
}

/** One defect of a bag: the file it concerns (relative to the bag, `/` separators) and what is wrong. */
export interface BagProblem {
  readonly file: string;
  readonly code: 'structure' | 'missing' | 'checksum' | 'unlisted' | 'oxum' | 'bag-info' | 'manifest-syntax' | 'unsafe-path' | 'fetch';
  readonly message: string;
}

export interface BagReport {
  readonly bag: string;
  readonly complete: boolean;
  readonly valid: boolean;
  readonly payloadFiles: number;
  readonly payloadOctets: number;
  readonly problems: readonly BagProblem[];
}

/** Files under `dir` (relative, `/`-separated), sorted. */
async function walk(dir: string, base = ''): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try { entries = await readdir(path.join(dir, base), { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const rel = base === '' ? e.name : `${base}/${e.name}`;
    if (e.isDirectory()) out.push(...await walk(dir, rel));
    else out.push(rel);
  }
  return out.sort(byPath);
}

/** Parse a manifest: `checksum<whitespace>path` per line (§2.1.3). */
function parseManifest(text: string, name: string, problems: BagProblem[]): Map<string, string> {
  const entries = new Map<string, string>();
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (line === '') return;
    const m = /^([0-9A-Fa-f]+)[ \t]+(.+)$/.exec(line);
    if (!m) { problems.push({ file: name, code: 'manifest-syntax', message: `line ${i + 1}: not "checksum path": ${JSON.stringify(line.slice(0, 80))}` }); return; }
    const p = decodeBagPath(m[2]!.replace(/^\*/, ''));
    const bad = unsafePath(p);
    if (bad) { problems.push({ file: name, code: 'unsafe-path', message: `line ${i + 1}: ${JSON.stringify(p)}: ${bad}` }); return; }
    if (entries.has(p)) problems.push({ file: name, code: 'manifest-syntax', message: `line ${i + 1}: ${p} listed twice` });
    entries.set(p, m[1]!.toLowerCase());
  });
  return entries;
}

/** bag-info.txt as ordered (label, value) pairs (continuation lines joined, §2.2.2). */
export function parseBagInfo(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') continue;
    if (/^[ \t]/.test(line) && out.length) { out[out.length - 1]![1] += ` ${line.trim()}`; continue; }
    const k = line.indexOf(':');
    if (k <= 0) { out.push(['', line]); continue; }
    out.push([line.slice(0, k).trim(), line.slice(k + 1).trim()]);
  }
  return out;
}

/** Verify a bag (RFC 8493 §3: complete and valid). Never throws for a defective bag: every defect is a problem. */
export async function verifyBag(bag: string): Promise<BagReport> {
  const problems: BagProblem[] = [];
  const st = await stat(bag).catch(() => undefined);
  if (!st?.isDirectory()) {
    return { bag, complete: false, valid: false, payloadFiles: 0, payloadOctets: 0, problems: [{ file: '.', code: 'structure', message: 'not a directory' }] };
  }
  const read = (name: string): Promise<string | undefined> => readFile(path.join(bag, name), 'utf8').catch(() => undefined);
  const top = await readdir(bag).catch(() => [] as string[]);
  // §2.1.1 bagit.txt
  const bagit = await read('bagit.txt');
  if (bagit === undefined) problems.push({ file: 'bagit.txt', code: 'structure', message: 'missing (required, RFC 8493 §2.1.1)' });
  else {
    if (bagit.charCodeAt(0) === 0xfeff) problems.push({ file: 'bagit.txt', code: 'structure', message: 'starts with a byte-order mark (§2.1.1)' });
    const lines = bagit.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).filter((l) => l !== '');
    if (!/^BagIt-Version: \d+\.\d+$/.test(lines[0] ?? '')) problems.push({ file: 'bagit.txt', code: 'structure', message: 'line 1 is not "BagIt-Version: M.N" (§2.1.1)' });
    if (!/^Tag-File-Character-Encoding: \S+$/.test(lines[1] ?? '')) problems.push({ file: 'bagit.txt', code: 'structure', message: 'line 2 is not "Tag-File-Character-Encoding: ENCODING" (§2.1.1)' });
    if (lines.length > 2) problems.push({ file: 'bagit.txt', code: 'structure', message: `${lines.length} lines, 2 expected (§2.1.1)` });
  }
  const dataSt = await stat(path.join(bag, 'data')).catch(() => undefined);
  if (!dataSt?.isDirectory()) problems.push({ file: 'data', code: 'structure', message: 'payload directory missing (§2.1.2)' });
  const manifests = top.filter((f) => /^manifest-[a-z0-9]+\.txt$/.test(f)).sort();
  const tagmanifests = top.filter((f) => /^tagmanifest-[a-z0-9]+\.txt$/.test(f)).sort();
  if (manifests.length === 0) problems.push({ file: 'manifest-<algorithm>.txt', code: 'structure', message: 'no payload manifest (§2.1.3)' });
  const payload = (await walk(bag, 'data')).map((p) => p);
  const sizes = new Map<string, number>();
  for (const p of payload) sizes.set(p, (await stat(path.join(bag, p))).size);
  // fetch.txt (§2.2.3): idoc fetches nothing; listed files must still be present to be complete.
  const fetch = await read('fetch.txt');
  const fetchListed = new Set<string>();
  if (fetch !== undefined) {
    for (const line of fetch.split(/\r\n|\r|\n/)) {
      const m = /^\S+[ \t]+(?:\d+|-)[ \t]+(.+)$/.exec(line);
      if (m) fetchListed.add(decodeBagPath(m[1]!));
    }
  }
  const hashCache = new Map<string, string>();
  const digestOf = async (rel: string, alg: BagAlgorithm): Promise<string | undefined> => {
    const key = `${alg}\u0000${rel}`;
    if (!hashCache.has(key)) {
      const d = await fileDigest(path.join(bag, rel), alg).catch(() => undefined);
      if (d === undefined) return undefined;
      hashCache.set(key, d.hex);
    }
    return hashCache.get(key);
  };
  const algOf = (name: string): BagAlgorithm | undefined => {
    const a = /^(?:tag)?manifest-([a-z0-9]+)\.txt$/.exec(name)?.[1];
    return (BAG_ALGORITHMS as readonly string[]).includes(a ?? '') ? a as BagAlgorithm : undefined;
  };
  for (const m of manifests) {
    const alg = algOf(m);
    const text = await read(m) ?? '';
    if (alg === undefined) { problems.push({ file: m, code: 'structure', message: 'unsupported algorithm (idoc checks md5, sha1, sha256, sha512; §2.4)' }); continue; }
    const entries = parseManifest(text, m, problems);
    for (const [p, want] of entries) {
      if (!p.startsWith('data/')) { problems.push({ file: m, code: 'manifest-syntax', message: `${p}: a payload manifest lists only files under data/ (§2.1.3)` }); continue; }
      if (!sizes.has(p)) {
        problems.push({ file: p, code: fetchListed.has(p) ? 'fetch' : 'missing', message: fetchListed.has(p) ? `listed in ${m} and fetch.txt, not present (idoc does not fetch)` : `listed in ${m}, not in the bag` });
        continue;
      }
      const got = await digestOf(p, alg);
      if (got !== want) problems.push({ file: p, code: 'checksum', message: `${alg} ${got ?? 'unreadable'} does not match ${m} (${want})` });
    }
    for (const p of payload) if (!entries.has(p)) problems.push({ file: p, code: 'unlisted', message: `payload file not listed in ${m} (§3: every payload file in every payload manifest)` });
  }
  for (const t of tagmanifests) {
    const alg = algOf(t);
    if (alg === undefined) { problems.push({ file: t, code: 'structure', message: 'unsupported algorithm (§2.4)' }); continue; }
    const entries = parseManifest(await read(t) ?? '', t, problems);
    for (const [p, want] of entries) {
      if (p.startsWith('data/') || /^tagmanifest-/.test(p)) { problems.push({ file: t, code: 'manifest-syntax', message: `${p}: a tag manifest lists no payload file and no tag manifest (§2.2.1)` }); continue; }
      const got = await digestOf(p, alg);
      if (got === undefined) problems.push({ file: p, code: 'missing', message: `listed in ${t}, not in the bag` });
      else if (got !== want) problems.push({ file: p, code: 'checksum', message: `${alg} ${got} does not match ${t} (${want})` });
    }
    for (const m of manifests) if (!entries.has(m)) problems.push({ file: t, code: 'unlisted', message: `does not list the payload manifest ${m} (§2.2.1)` });
  }
  // bag-info.txt (§2.2.2)
  const infoText = await read('bag-info.txt');
  const payloadOctets = [...sizes.values()].reduce((a, b) => a + b, 0);
  if (infoText !== undefined) {
    const info = parseBagInfo(infoText);
    for (const [k, v] of info) if (k === '') problems.push({ file: 'bag-info.txt', code: 'bag-info', message: `not "Label: value": ${JSON.stringify(v.slice(0, 80))}` });
    const all = (label: string) => info.filter(([k]) => k.toLowerCase() === label.toLowerCase()).map(([, v]) => v);
    for (const once of ['Bagging-Date', 'Bag-Size', 'Payload-Oxum']) {
      if (all(once).length > 1) problems.push({ file: 'bag-info.txt', code: 'bag-info', message: `${once} given ${all(once).length} times (at most once, §2.2.2)` });
    }
    const date = all('Bagging-Date')[0];
    if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.push({ file: 'bag-info.txt', code: 'bag-info', message: `Bagging-Date ${JSON.stringify(date)} is not YYYY-MM-DD` });
    const oxum = all('Payload-Oxum')[0];
    if (oxum !== undefined) {
      const m = /^(\d+)\.(\d+)$/.exec(oxum);
      if (!m) problems.push({ file: 'bag-info.txt', code: 'oxum', message: `Payload-Oxum ${JSON.stringify(oxum)} is not OctetCount.StreamCount` });
      else if (Number(m[1]) !== payloadOctets || Number(m[2]) !== payload.length) {
        problems.push({ file: 'bag-info.txt', code: 'oxum', message: `Payload-Oxum ${oxum}, the payload holds ${payloadOctets}.${payload.length}` });
      }
    }
  }
  const complete = !problems.some((p) => p.code === 'structure' || p.code === 'missing' || p.code === 'unlisted' || p.code === 'fetch' || p.code === 'unsafe-path');
  return { bag, complete, valid: problems.length === 0, payloadFiles: payload.length, payloadOctets, problems };
}

/** `file: message`, one line. */
export const formatBagProblem = (p: BagProblem): string => `${p.file}: ${p.code}: ${p.message}`;
