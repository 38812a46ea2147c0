/**
 * @module Deliveries (OAIS Submission Information Packages, CCSDS 650.0-M-2 §2.2.3) of PDS4 collections or a
 * whole bundle as BagIt 1.0 bags (`bagit.ts`), and the SIP log that makes them incremental.
 *
 * What is delivered: a collection's latest label and inventory, and every product its inventory lists (the
 * product label, the files beside it sharing its name stem: data, index, frames, fixity manifest, PROV-JSON).
 * A whole bundle adds every collection found under the products folder, a `Product_Bundle` label and a readme.
 *
 * Increments: the SIP log (`deliveries.jsonl` in the archive folder, one JSON object per delivery, rewritten
 * atomically) records, per destination, every product delivered with the sha256 of each of its files. A
 * delivery to a destination carries only the products whose LIDVID or any file's sha256 is not in an earlier
 * delivery to that destination (plus the collection label and inventory); with nothing new it writes nothing.
 * JSONL rather than a table in the archive's SQLite file: it is read and written only by `deliver`, a person can
 * read it, and it does not depend on the archive's schema version.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { InputError, UsageError } from '../../src/errors.js';
import { leaf, node, serialize } from '../products/pds4/_xml.js';
import { identificationArea, labelProlog, rootAttrs } from '../products/pds4/l0-label.js';
import { fileDigest, writeBag, type PayloadFile, type WrittenBag } from './bagit.js';
import type { PreservationConfig } from './config.js';

/** One product of a collection: its LIDVID and files (absolute paths; the label first). */
export interface DeliverableProduct {
  readonly lidvid: string;
  readonly files: readonly string[];
}

export interface CollectionOnDisk {
  readonly name: string;
  readonly lid: string;
  readonly vid: string;
  readonly label: string;
  readonly inventory: string;
  readonly collectionType: string;
  readonly products: readonly DeliverableProduct[];
}

const LABEL_HEAD = 16384;

async function head(file: string, bytes = LABEL_HEAD): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally { await fh.close(); }
}

const tag = (text: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1]?.trim();

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...await filesUnder(p));
    else if (e.isFile() && !e.name.startsWith('.')) out.push(p);
  }
  return out.sort();
}

/** The collections under a products folder (sub-folders holding `collection_<name>_v<N>.xml`), sorted by name. */
export async function collectionsIn(productsDir: string): Promise<string[]> {
  let names: string[];
  try { names = await readdir(productsDir); } catch (e) { throw new InputError(`${productsDir}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`); }
  const out: string[] = [];
  for (const n of names.sort()) {
    const files = await readdir(path.join(productsDir, n)).catch(() => [] as string[]);
    if (files.some((f) => f.startsWith(`collection_${n}_v`) && f.endsWith('.xml'))) out.push(n);
  }
  return out;
}

/**
 * Read a collection from a products folder: its latest label and inventory, and the files of every member.
 * `which` is the collection name (`data_raw`) or its LID (`urn:…:data_raw`).
 * @throws InputError when the collection or a member's label is not found.
 */
export async function readCollection(productsDir: string, which: string): Promise<CollectionOnDisk> {
  const name = which.startsWith('urn:') ? which.split(':').at(-1)! : which;
  const dir = path.join(productsDir, name);
  const names = await readdir(dir).catch(() => undefined);
  if (names === undefined) {
    const known = await collectionsIn(productsDir).catch(() => [] as string[]);
    throw new InputError(`${dir}: no collection ${JSON.stringify(name)} under ${productsDir} (found: ${known.join(', ') || 'none'})`);
  }
  const re = new RegExp(`^collection_${name.replace(/[.]/g, '\\.')}_v(\\d+)\\.xml$`);
  const latest = names.reduce((n, f) => { const m = re.exec(f); return m ? Math.max(n, Number(m[1])) : n; }, 0);
  if (latest === 0) throw new InputError(`${dir}: no collection label collection_${name}_v<N>.xml`);
  const label = path.join(dir, `collection_${name}_v${latest}.xml`);
  const text = await readFile(label, 'utf8');
  const lid = tag(text, 'logical_identifier'), vid = tag(text, 'version_id');
  const invName = tag(text, 'file_name');
  if (lid === undefined || vid === undefined || invName === undefined) throw new InputError(`${label}: not a collection label (logical_identifier, version_id or file_name missing)`);
  if (which.startsWith('urn:') && which !== lid) throw new InputError(`${label}: its LID is ${lid}, not ${which}`);
  const inventory = path.join(dir, invName);
  const inv = await readFile(inventory, 'utf8').catch(() => { throw new InputError(`${inventory}: the collection's inventory cannot be read`); });
  const members = inv.split(/\r\n|\n/).filter((l) => l !== '').map((l, i) => {
    const m = /^[PS],(urn:\S+::\d+\.\d+)$/.exec(l);
    if (!m) throw new InputError(`${inventory}: record ${i + 1}: not "P,<LIDVID>"`);
    return m[1]!;
  });
  // Labels of the collection's products, by LIDVID.
  const byLidvid = new Map<string, string>();
  for (const f of await filesUnder(dir)) {
    if (!f.endsWith('.xml') || path.dirname(f) === dir) continue;
    const h = await head(f);
    const l = tag(h, 'logical_identifier'), v = tag(h, 'version_id');
    if (l !== undefined && v !== undefined) byLidvid.set(`${l}::${v}`, f);
  }
  const products: DeliverableProduct[] = [];
  for (const lidvid of members) {
    const lbl = byLidvid.get(lidvid);
    if (lbl === undefined) throw new InputError(`${inventory}: member ${lidvid} has no label under ${dir}`);
    const stem = path.basename(lbl, '.xml');
    const siblings = (await readdir(path.dirname(lbl))).filter((f) => f !== `${stem}.xml` && !f.startsWith('.') && (f.startsWith(`${stem}.`) || f.startsWith(`${stem}_`))).sort();
    products.push({ lidvid, files: [lbl, ...siblings.map((f) => path.join(path.dirname(lbl), f))] });
  }
  return { name, lid, vid, label, inventory, collectionType: tag(text, 'collection_type') ?? 'Data', products };
}

// ---- SIP log ----

/** One delivery in the SIP log. */
export interface SipEntry {
  readonly delivery: number;
  readonly destination: string;
  readonly bag: string;
  readonly baggingDate: string;
  readonly externalIdentifier: string;
  readonly kind: 'full' | 'increment';
  readonly payloadOxum: string;
  /** Delivered products: LIDVID → bag path → sha256. Collection and bundle labels are products too. */
  readonly products: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** A bundle delivery: the bundle's LIDVID and its member collections' LIDVIDs. */
  readonly bundle?: { readonly lidvid: string; readonly members: readonly string[] };
}

export const SIP_LOG = 'deliveries.jsonl';

/** The SIP log of an archive folder (empty when absent). @throws InputError naming the line of a damaged entry. */
export async function readSipLog(archiveDir: string): Promise<SipEntry[]> {
  const file = path.join(archiveDir, SIP_LOG);
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch { return []; }
  return text.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try { return JSON.parse(l) as SipEntry; } catch (e) { throw new InputError(`${file}: line ${i + 1}: not JSON: ${(e as Error).message}`); }
  });
}

async function writeSipLog(archiveDir: string, entries: readonly SipEntry[]): Promise<void> {
  await mkdir(archiveDir, { recursive: true });
  const file = path.join(archiveDir, SIP_LOG);
  const tmp = path.join(archiveDir, `.${SIP_LOG}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w');
  try { await fh.writeFile(entries.map((e) => JSON.stringify(e)).join('\n') + '\n'); await fh.sync(); } finally { await fh.close(); }
  await rename(tmp, file);
}

// ---- bundle label and readme ----

const CRLF = '\r\n';

/** The readme of a delivered bundle (UTF-8, CRLF records, as its label's Stream_Text says). */
export function bundleReadme(p: { bundleLid: string; mission: string; collections: readonly { lidvid: string; type: string; products: number }[] }): string {
  return [
    `${p.mission} archive bundle ${p.bundleLid}`,
    '',
    'L0 products of the mission: CCSDS Space Packets as received (sorted, deduplicated, checked), with a fixed-record',
    'index per product, PDS4 labels (IM 1.26.0.0) and a W3C PROV-JSON provenance document beside each label.',
    'Generated by idoc.',
    '',
    'Collections:',
    ...p.collections.map((c) => `  ${c.lidvid}  (${c.type}, ${c.products} product(s))`),
    '',
  ].join(CRLF);
}

/** The `Product_Bundle` label (IM 1.26.0.0) of a delivered bundle. */
export function bundleLabel(p: {
  lid: string; vid: string; mission: string; productTime: string; readme: { name: string; text: string };
  collections: readonly { lidvid: string; type: string }[];
}): string {
  const bytes = Buffer.from(p.readme.text, 'utf8');
  const description = `Archive bundle of ${p.mission}: ${p.collections.length} collection(s) of L0 products generated by idoc.`;
  const ref = (type: string) => (type === 'Geometry' ? 'bundle_has_geometry_collection' : type === 'Document' ? 'bundle_has_document_collection' : 'bundle_has_data_collection');
  const bundle = node('Product_Bundle', [
    identificationArea(p.lid, p.vid, `${p.mission} archive bundle`, 'Product_Bundle', p.productTime, 'Bundle label generated by idoc deliver.', description),
    node('Bundle', [leaf('bundle_type', 'Archive'), leaf('description', description)]),
    node('File_Area_Text', [
      node('File', [
        leaf('file_name', p.readme.name),
        leaf('creation_date_time', p.productTime),
        leaf('file_size', bytes.length, { unit: 'byte' }),
        leaf('md5_checksum', createHash('md5').update(bytes).digest('hex')),
      ]),
      node('Stream_Text', [
        leaf('offset', 0, { unit: 'byte' }),
        leaf('parsing_standard_id', 'UTF-8 Text'),
        leaf('record_delimiter', 'Carriage-Return Line-Feed'),
      ]),
    ]),
    ...p.collections.map((c) => node('Bundle_Member_Entry', [
      leaf('lidvid_reference', c.lidvid), leaf('member_status', 'Primary'), leaf('reference_type', ref(c.type)),
    ])),
  ], rootAttrs);
  return labelProlog + serialize(bundle);
}

// ---- deliver ----

export interface DeliverOptions {
  /** The L0 output folder (`l0 build --out`). */
  readonly productsDir: string;
  /** A collection name or LID; undefined = the whole bundle. */
  readonly collection: string | undefined;
  /** The bag to write (a new folder). */
  readonly bagDir: string;
  /** Where the SIP log lives (the archive folder). */
  readonly archiveDir: string;
  readonly destination: string;
  /** Deliver everything, not only what is new for the destination. */
  readonly all?: boolean;
  readonly bundleLid: string;
  readonly mission: string;
  readonly preservation: PreservationConfig;
  /** `YYYY-MM-DD`. */
  readonly baggingDate: string;
  /** ISO Z: the bundle label's dates. */
  readonly productTime: string;
  /** SOURCE_DATE_EPOCH (s): every file's mtime in the bag. */
  readonly mtime?: number;
}

export interface DeliveryReport {
  readonly destination: string;
  /** Undefined when there was nothing new to deliver (nothing written). */
  readonly bag: WrittenBag | undefined;
  readonly delivery: number | undefined;
  readonly kind: 'full' | 'increment';
  readonly externalIdentifier: string;
  /** Products delivered (LIDVIDs), and those left out as already delivered to the destination. */
  readonly delivered: readonly string[];
  readonly alreadyDelivered: readonly string[];
}

/** Deliver a collection or the bundle to `bagDir` as a BagIt bag, and log it. */
export async function deliver(o: DeliverOptions): Promise<DeliveryReport> {
  if (!/^[A-Za-z0-9._-]+$/.test(o.destination)) throw new UsageError(`--destination ${JSON.stringify(o.destination)}: letters, digits, ".", "_" and "-" only`);
  const names = o.collection !== undefined ? [o.collection] : await collectionsIn(o.productsDir);
  if (names.length === 0) throw new InputError(`${o.productsDir}: no PDS4 collection found (build one with idoc l0 build)`);
  const collections = await Promise.all(names.map((n) => readCollection(o.productsDir, n)));
  const log = await readSipLog(o.archiveDir);
  const previous = log.filter((e) => e.destination === o.destination);
  const had = new Map<string, Readonly<Record<string, string>>>();
  for (const e of previous) for (const [lidvid, files] of Object.entries(e.products)) had.set(lidvid, files);
  const rel = (f: string) => path.relative(o.productsDir, f).split(path.sep).join('/');
  // What each product's files hash to now.
  const digestOf = async (files: readonly string[]) => {
    const out: Record<string, string> = {};
    for (const f of files) out[rel(f)] = (await fileDigest(f)).hex;
    return out;
  };
  const same = (a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>>) =>
    a !== undefined && Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);
  const payload: PayloadFile[] = [];
  const products: Record<string, Record<string, string>> = {};
  const delivered: string[] = [], already: string[] = [];
  let changed = false;
  for (const c of collections) {
    for (const p of c.products) {
      const d = await digestOf(p.files);
      if (!o.all && same(had.get(p.lidvid), d)) { already.push(p.lidvid); continue; }
      delivered.push(p.lidvid);
      products[p.lidvid] = d;
      for (const f of p.files) payload.push({ source: f, bagPath: rel(f) });
      changed = true;
    }
    const lidvid = `${c.lid}::${c.vid}`;
    const d = await digestOf([c.label, c.inventory]);
    if (!same(had.get(lidvid), d)) changed = true;
    // The collection label and inventory go with every delivery of the collection (the members' context).
    products[lidvid] = d;
    payload.push({ source: c.label, bagPath: rel(c.label) }, { source: c.inventory, bagPath: rel(c.inventory) });
  }
  const collectionLidvids = collections.map((c) => ({ lidvid: `${c.lid}::${c.vid}`, type: c.collectionType, products: c.products.length }));
  let externalIdentifier = collectionLidvids[0]!.lidvid;
  const extra: { file: string; text: string; bagPath: string }[] = [];
  if (o.collection === undefined) {
    // Bundle version: that of an earlier bundle delivery (any destination) with the same collection LIDVIDs, else the next one.
    const key = collectionLidvids.map((c) => c.lidvid).sort().join(' ');
    const earlier = log.flatMap((e) => (e.bundle && e.bundle.lidvid.startsWith(`${o.bundleLid}::`) ? [e.bundle] : []));
    const match = earlier.find((b) => [...b.members].sort().join(' ') === key);
    const vid = match ? match.lidvid.split('::')[1]! : `${earlier.reduce((n, b) => Math.max(n, Number(b.lidvid.split('::')[1]!.split('.')[0])), 0) + 1}.0`;
    const readme = bundleReadme({ bundleLid: o.bundleLid, mission: o.mission, collections: collectionLidvids });
    const bundleName = o.bundleLid.split(':').at(-1)!;
    const labelName = `bundle_${bundleName}.xml`;
    const label = bundleLabel({ lid: o.bundleLid, vid, mission: o.mission, productTime: o.productTime, readme: { name: 'readme.txt', text: readme }, collections: collectionLidvids });
    extra.push({ file: labelName, text: label, bagPath: labelName }, { file: 'readme.txt', text: readme, bagPath: 'readme.txt' });
    externalIdentifier = `${o.bundleLid}::${vid}`;
    const d: Record<string, string> = {};
    for (const x of extra) d[x.bagPath] = createHash('sha256').update(x.text).digest('hex');
    if (!same(had.get(externalIdentifier), d)) changed = true;
    products[externalIdentifier] = d;
  }
  const kind = previous.length === 0 || o.all ? 'full' : 'increment';
  if (!changed && !o.all) return { destination: o.destination, bag: undefined, delivery: undefined, kind, externalIdentifier, delivered, alreadyDelivered: already };
  const delivery = log.reduce((n, e) => Math.max(n, e.delivery), 0) + 1;
  // Generated files (bundle label, readme) are staged beside the bag's temporary folder's parent, then copied in.
  const staging = path.join(path.dirname(path.resolve(o.bagDir)), `.${path.basename(o.bagDir)}.${process.pid}.staging`);
  if (extra.length) {
    await mkdir(staging, { recursive: true });
    for (const x of extra) {
      await writeText(path.join(staging, x.file), x.text);
      payload.push({ source: path.join(staging, x.file), bagPath: x.bagPath });
    }
  }
  const p = o.preservation;
  const what = o.collection === undefined ? `bundle ${externalIdentifier}` : `collection ${externalIdentifier}`;
  const info: [string, string][] = [
    ['Source-Organization', p.sourceOrganization],
    ...(p.organizationAddress !== undefined ? [['Organization-Address', p.organizationAddress] as [string, string]] : []),
    ...(p.contactName !== undefined ? [['Contact-Name', p.contactName] as [string, string]] : []),
    ...(p.contactEmail !== undefined ? [['Contact-Email', p.contactEmail] as [string, string]] : []),
    ['External-Description', `${o.mission}: PDS4 ${what}, ${delivered.length} product(s)${kind === 'increment' ? ' new or changed since the last delivery' : ''}. Generated by idoc.`],
    ['External-Identifier', externalIdentifier],
    ['Internal-Sender-Identifier', `${o.destination}/${delivery}`],
    ['Internal-Sender-Description', `${kind === 'increment' ? 'Increment' : 'Full delivery'} to destination ${o.destination}: ${delivered.length} product(s) delivered, ${already.length} already delivered and left out.`],
  ];
  let bag: WrittenBag;
  try {
    const exists = await stat(o.bagDir).then(() => true, () => false);
    if (exists) throw new UsageError(`--out-dir ${o.bagDir}: already exists (a bag is written into a new folder)`);
    bag = await writeBag({ dir: o.bagDir, payload, info, baggingDate: o.baggingDate, ...(o.mtime !== undefined ? { mtime: o.mtime } : {}) });
  } finally {
    if (extra.length) await rm(staging, { recursive: true, force: true });
  }
  await writeSipLog(o.archiveDir, [...log, {
    delivery, destination: o.destination, bag: path.resolve(o.bagDir), baggingDate: o.baggingDate, externalIdentifier, kind,
    payloadOxum: `${bag.octets}.${bag.files}`, products,
    ...(o.collection === undefined ? { bundle: { lidvid: externalIdentifier, members: collectionLidvids.map((c) => c.lidvid) } } : {}),
  }]);
  return { destination: o.destination, bag, delivery, kind, externalIdentifier, delivered, alreadyDelivered: already };
}

async function writeText(file: string, text: string): Promise<void> {
  const fh = await open(file, 'w');
  try { await fh.writeFile(text, 'utf8'); } finally { await fh.close(); }
}
