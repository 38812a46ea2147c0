/**
 * @module The L0 product builder: packets (an async iterable, from the archive or from packet files) → one
 * product per route per window, each a packet data file, an index file (per-packet quality flags, frames), a
 * frames file when configured, and its PDS4 label (or a PDS3 label with `format: 'pds3'`); then the collection
 * label and inventory (PDS4).
 *
 * Layout under `out`: `<collection>/<route>/<product>_v<N>.{dat,xml|lbl}`, `…_v<N>_index.dat`,
 * `…_v<N>_frames.dat`, and `<collection>/collection_<collection>_v<M>.{xml,csv}`.
 *
 * Versions: a product whose data files (packets, index, frames) equal those of its latest version is left
 * alone (`unchanged`); otherwise the next version is written (`1.0` → `2.0`) beside the old ones, which are
 * kept. The collection gets a new version when its inventory (the latest version of every product) changes.
 * Deterministic: no clock is read; the product time is `productTime` when given, else the newest packet time
 * of the product (the collection: the newest product time of the run). Files are written atomically, data
 * files first and the label last, so a crash never leaves a label without its data.
 */
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { PacketProfile } from '../../src/ccsds/profile.js';
import { routeLookup } from '../../src/config/index.js';
import { taiToUtcIso, utcUnixToTai } from '../../src/time/index.js';
import { prepareCodecs } from './_codecs.js';
import { newSequenceCarry, type SequenceCarry } from './checks.js';
import { partsOf, sameContent, sameParts, writeAllParts, writeAtomic, writeAtomicParts, type Parts } from './_files.js';
import { blocksOf, manifestOf, manifestText, type FileBlocks } from './block-fixity.js';
import { routeToken, type ProductsConfig, type RouteConfig } from './config.js';
import { encodeIndex, type EncodedIndex } from './index-file.js';
import { pds3Label } from './pds3-label.js';
import { collectionInventory, collectionLabel, l0Label, type L0Quality } from './pds4/index.js';
import type { CitationDoi } from './pds4/l0-label.js';
import { framesFileArea, indexFileArea } from './pds4/l0-index-area.js';
import { processStream, type ProcessedStream } from './process.js';
import { encodePiece, markSteppedBack, newPieceTotals, pieceOctets, retroFlags, sourceDigests, type PacketPiece } from './piece-columns.js';
import { FileHashStream } from './_stream-hash.js';
import type { L0Packet, L0Summary } from './types.js';
import { windowFunction, type OrbitNumbering, type ProductWindow, type WindowSpec } from './window.js';
import { geometryCsv, geometrySource, groundTrackGeoJson, productGeometry, GEOMETRY_COLUMNS, type GeometrySource } from './geometry.js';
import { clockCount, emptyTimes, packetTimesFor } from './packet-times.js';
import { geometryLabel } from './pds4/geometry-label.js';
import { packageRoot } from './pds4/schema-dir.js';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { SourceTracker, provenanceSentence, type ProcessingStep, type ProductProvenance, type SourceUse } from '../preservation/provenance.js';
import { provJsonText } from '../preservation/prov-json.js';

export interface BuildOptions {
  /** Output folder (created). */
  readonly out: string;
  readonly products: ProductsConfig;
  readonly mission: { readonly name: string; readonly spacecraft?: string; readonly instrument?: string };
  readonly profile: PacketProfile;
  /** Only these routes (names as configured). Default all. */
  readonly routes?: readonly string[];
  /** Only packets with a (window) time in [fromTai, toTai). */
  readonly fromTai?: number;
  readonly toTai?: number;
  /** Overrides the configured window. */
  readonly window?: WindowSpec;
  /** Orbit numbers for `orbit` windows (the planning module's hook). */
  readonly orbits?: OrbitNumbering;
  /** Product time (ISO-8601 UTC with Z). Default: the newest packet time of each product. */
  readonly productTime?: string;
  /** Default `pds4`. */
  readonly format?: 'pds4' | 'pds3';
  /** Declared nominal period of an APID (s), for telling counter resets from gaps. */
  readonly periodOf?: (apid: number) => number | undefined;
  /**
   * Geometry beside each product (PDS4 only): the ephemeris opened with `geometrySource`. Default: opened from the
   * config's `ephemeris` when its `geometry` is on (`products.geometry`).
   */
  readonly geometry?: GeometrySource;
  /**
   * From the archive (PDS4): a window holding more than this many packet octets (or `pieceBytes / 512`
   * packets), of a route without reassembly or decompression, is read, processed and written in pieces spanning
   * about this many octets of the archive's segment files and of at most `pieceBytes / 512` packets, as columns
   * (bounded memory for any window, and no object per packet).
   * Default {@link DEFAULT_PIECE_BYTES}; `Infinity`: never.
   */
  readonly pieceBytes?: number;
  /** What the PROV-JSON beside each PDS4 label and the label's provenance say about the configuration (issue 20). */
  readonly provenance?: { readonly configDigest?: string; readonly configFile?: string };
  /**
   * DOIs assigned to collections, by collection LID (config `preservation.doi.assigned`), and the authors
   * (`preservation.doi.creators`): written into the collection label's Citation_Information.
   */
  readonly citation?: { readonly dois: Readonly<Record<string, string>>; readonly authors: CitationDoi['authors'] };
}

/** Default {@link BuildOptions.pieceBytes}: 32 MiB (three sets of read buffers of about this size in turn). */
export const DEFAULT_PIECE_BYTES = 32 << 20;

/** What happened to a collection. */
export interface CollectionResult { readonly label: string; readonly inventory: string; readonly lidvid: string; readonly status: 'new' | 'updated' | 'unchanged'; readonly members: number }

/** What happened to one product. */
export interface BuiltProduct {
  readonly route: string;
  readonly window: string;
  readonly productId: string;
  readonly lidvid: string;
  readonly version: number;
  /** `new` first version, `updated` a further version, `unchanged` the latest version already held this data. */
  readonly status: 'new' | 'updated' | 'unchanged';
  readonly label: string;
  readonly files: readonly string[];
  readonly start: string;
  readonly stop: string;
  readonly productTime: string;
  readonly summary: L0Summary;
  /** One line per frame problem and orphan segment (time and reason). */
  readonly findings: readonly string[];
}

export interface BuildReport {
  readonly products: BuiltProduct[];
  readonly collection: CollectionResult | undefined;
  /** The geometry collection (when geometry products were written or are present). */
  readonly geometryCollection?: CollectionResult | undefined;
  /** Packets read, and those whose APID is in no route (left out). */
  readonly packets: number;
  readonly bytes: number;
  readonly unrouted: number;
}

const iso = (tai: number): string => taiToUtcIso(tai, 3);

/** Latest version number of `productId` among the labels in `dir` (0 when none). */
async function latestVersion(dir: string, stem: string): Promise<number> {
  let names: string[];
  try { names = await readdir(dir); } catch { return 0; }
  const re = new RegExp(`^${stem.replace(/[.]/g, '\\.')}_v(\\d+)\\.(xml|lbl)$`);
  return names.reduce((n, f) => { const m = re.exec(f); return m ? Math.max(n, Number(m[1])) : n; }, 0);
}

/** The packets of one route in one window, as handed to {@link buildWindows}. */
export interface WindowBatch {
  readonly route: RouteConfig;
  readonly window: ProductWindow;
  /** In arrival order (the order checks judge time monotonicity in); sorted by the builder. */
  readonly packets: readonly L0Packet[];
  /**
   * Instead of `packets` (then empty): the window's packets in pieces, as columns (piece-columns.ts), each piece
   * later in L0 order than the one before (cut where the time steps forward) and in arrival order inside; a
   * piece's octets are valid until the next piece is asked for. Built by {@link writePieces}.
   */
  readonly pieces?: AsyncIterable<PacketPiece> | Iterable<PacketPiece>;
  /** The pieces are read into the reader's recycled read buffers (`ArchiveReader.recycle`, a reader without `scanOctets`). */
  readonly readBuffers?: boolean;
  /**
   * Where the route stands among the routes (its configured order): a caller that hands windows over in another
   * order than route by route (a {@link WindowGroup}) gives it, and the report lists the products route by route.
   */
  readonly rank?: number;
}
type Bucket = WindowBatch;

/**
 * One window of several routes whose pieces come from one read of the archive (from-archive.ts: a day of
 * interleaved APIDs is read once, not once per route): each member has `pieces`, and they are written together,
 * since a member's next piece may wait for the others to take theirs.
 */
export interface WindowGroup {
  readonly group: readonly WindowBatch[];
  /** Stop the group's reading: a member failed (the others' pieces would otherwise wait for it). */
  readonly stop: (why: Error) => void;
}

export type PacketInput = AsyncIterable<L0Packet | readonly L0Packet[]> | Iterable<L0Packet>;

/** The default route of an APID when the config names no routes: `apid_<n>`. */
export function defaultRoute(apid: number, mission: BuildOptions['mission']): RouteConfig {
  return { name: `apid_${apid}`, apids: [[apid, apid]], reassemble: false, compression: 'none', framesFile: false, title: `${mission.name} APID ${apid} L0`, instrument: mission.instrument ?? mission.name, purpose: 'Science' };
}

/**
 * The orbit numbering for orbit windows: `options.orbits`, else one from the config's `ephemeris` (loaded only
 * when the window is `orbit`; planning is imported only then). Undefined for other windows.
 * @throws InputError naming the ephemeris file when it cannot be used.
 */
export async function orbitsFor(options: Pick<BuildOptions, 'window' | 'orbits' | 'products'>): Promise<OrbitNumbering | undefined> {
  if ((options.window ?? options.products.window).kind !== 'orbit') return undefined;
  if (options.orbits) return options.orbits;
  const src = options.products.orbitSource;
  if (!src) return undefined;
  const { orbitNumberingFromFile } = await import('./orbit-windows.js');
  return orbitNumberingFromFile(src.file, src.object);
}

/**
 * Build (or update) the L0 products of `packets`: an iterable of packets, or an async iterable of packets or of
 * batches of packets (cheaper: one await per batch). Packets are held in memory per route and window until built.
 */
export async function buildL0(packets: PacketInput, options: BuildOptions): Promise<BuildReport> {
  const cfg = options.products;
  const windowOf = windowFunction(options.window ?? cfg.window, await orbitsFor(options));
  const wanted = options.routes ? new Set(options.routes) : undefined;
  const routes: RouteConfig[] = [...cfg.routes];
  // APID → index in `routes` from the one route lookup (src/config/routes.ts); -1 until a default route is made.
  const lookup = routeLookup(routes);
  const routeOf = Int32Array.from({ length: 2048 }, (_, a) => { const r = lookup.routeOf(a); return r ? routes.indexOf(r) : -1; });
  const declared = routes.length > 0;
  const buckets = new Map<string, { route: RouteConfig; window: ProductWindow; packets: L0Packet[] }>();
  const current: ({ route: RouteConfig; window: ProductWindow; packets: L0Packet[] } | undefined)[] = [];
  const lastTai = new Float64Array(2048).fill(NaN);
  let count = 0, bytes = 0, unrouted = 0;
  const add = (p: L0Packet): void => {
    count++;
    bytes += p.bytes.length;
    const apid = p.apid & 0x7ff;
    let k = routeOf[apid]!;
    if (k < 0) {
      if (declared) { unrouted++; return; }
      k = routes.length;
      routes.push(defaultRoute(apid, options.mission));
      routeOf[apid] = k;
    }
    const route = routes[k]!;
    if (wanted && !wanted.has(route.name)) return;
    // Packets without a time go with the previous packet of their APID (else their reception time, else 1958).
    const t = p.tai ?? (Number.isNaN(lastTai[apid]!) ? (p.receivedUnixMs !== undefined ? utcUnixToTai(p.receivedUnixMs / 1000) : 0) : lastTai[apid]!);
    if (p.tai !== undefined) lastTai[apid] = p.tai;
    if ((options.fromTai !== undefined && t < options.fromTai) || (options.toTai !== undefined && t >= options.toTai)) return;
    // The window of the route's previous packet usually holds this one too: no window lookup per packet.
    let b = current[k];
    if (b === undefined || t < b.window.startTai || t >= b.window.stopTai) {
      const w = windowOf(t);
      const key = `${k}\u0000${w.id}`;
      b = buckets.get(key);
      if (!b) { b = { route, window: w, packets: [] }; buckets.set(key, b); }
      current[k] = b;
    }
    b.packets.push(p);
  };
  if (Symbol.iterator in packets) {
    for (const p of packets) add(p);
  } else {
    for await (const x of packets) {
      if (Array.isArray(x)) for (const p of x as readonly L0Packet[]) add(p);
      else add(x as L0Packet);
    }
  }
  const ordered = [...buckets.values()].sort((a, b) => routes.indexOf(a.route) - routes.indexOf(b.route) || (a.window.startTai - b.window.startTai));
  const r = await buildWindows(ordered, options);
  return { ...r, packets: count, bytes, unrouted };
}

/** A member of a {@link WindowGroup} stopped because another member failed (that one's error is the one reported). */
export class GroupStopped extends Error {}

/** Products still being written while the next window is read (each holds its window's read buffers). */
export const WRITES_IN_FLIGHT = 2;

/**
 * Build (or update) one product per batch, in the order given (each batch is released once its product is
 * written, so a caller streaming windows holds one window at a time), then the collection. `packets` and
 * `bytes` of the report count the batches' packets; `unrouted` is 0 (the caller filtered).
 */
export async function buildWindows(batches: AsyncIterable<WindowBatch | WindowGroup> | Iterable<WindowBatch | WindowGroup>, optionsIn: BuildOptions): Promise<BuildReport> {
  let options = optionsIn;
  const cfg = options.products;
  if (options.geometry === undefined && cfg.geometry !== undefined && cfg.orbitSource !== undefined && options.format !== 'pds3') {
    options = { ...options, geometry: await geometrySource(cfg.orbitSource.file, cfg.orbitSource.object, options.orbits) };
  }
  let codecsReady = false;
  const built: BuiltProduct[] = [];
  let count = 0, bytes = 0;
  // A product's writing (files, md5s, fsyncs, label) starts as soon as its window is processed; up to
  // WRITES_IN_FLIGHT go on while the next window is read and processed, so a batch is not touched once
  // WRITES_IN_FLIGHT + 1 further batches were asked for (see `ArchiveSelection.reuseBuffers`). Each product's
  // label is still written after its data files.
  const writing: Promise<BuiltProduct>[] = [];
  // Per route, the sequence state at the end of its previous window (windows of a route come in time order):
  // a gap across a window boundary is reported by the product after it, as a single product over both would.
  const carries = new Map<string, SequenceCarry>();
  const carryOf = (route: string): SequenceCarry => {
    let carry = carries.get(route);
    if (!carry) { carry = newSequenceCarry(); carries.set(route, carry); }
    return carry;
  };
  // Route by route in the report, whatever order the windows came in (groups: window by window): each product's
  // route rank and window start, beside `writing` and then `built`.
  const writingAt: (readonly [number, number] | undefined)[] = [];
  const builtAt: (readonly [number, number] | undefined)[] = [];
  const track = (b: WindowBatch, p: Promise<BuiltProduct>): Promise<BuiltProduct> => {
    writingAt.push(b.rank === undefined ? undefined : [b.rank, b.window.startTai]);
    return p;
  };
  const take = async (): Promise<void> => {
    const w = writing.shift()!;
    const at = writingAt.shift();
    built.push(await w);
    builtAt.push(at);
  };
  try {
    for await (const x of batches) {
      if ('group' in x) {
        // Every member's pieces are taken at once (their reads are shared); a member that fails stops the others.
        const started = await Promise.allSettled(x.group.map((m) => writePieces(m, options, carryOf(m.route.name)).catch((e: unknown) => {
          x.stop(e instanceof Error ? e : new Error(String(e)));
          throw e;
        })));
        for (const [k, r] of started.entries()) {
          if (r.status !== 'fulfilled') continue;
          const m = x.group[k]!;
          count += r.value.packets; bytes += r.value.bytes;
          writing.push(track(m, r.value.done));
          writing.at(-1)!.catch(() => undefined); // awaited in turn
        }
        const failed = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        // The member that failed first, not one the failure stopped.
        if (failed.length) throw (failed.find((r) => !(r.reason instanceof GroupStopped)) ?? failed[0]!).reason;
        while (writing.length > WRITES_IN_FLIGHT) await take();
        continue;
      }
      const b = x;
      const carry = carryOf(b.route.name);
      if (b.pieces) {
        // Pieces read into the reader's recycled read buffers would reuse those of the windows still being written:
        // finish those first. Otherwise the product's last writes, hashes and label go on while the next window is read.
        if (b.readBuffers) while (writing.length) await take();
        const { done, packets, bytes: octets } = await writePieces(b, options, carry);
        count += packets; bytes += octets;
        writing.push(track(b, done));
        writing.at(-1)!.catch(() => undefined); // awaited in turn
        while (writing.length > WRITES_IN_FLIGHT) await take();
        continue;
      }
      if (!codecsReady && b.route.compression === 'science-frame') { await prepareCodecs(); codecsReady = true; }
      for (const p of b.packets) bytes += p.bytes.length;
      count += b.packets.length;
      const processed = processStream(b.packets, {
        profile: options.profile, reassemble: b.route.reassemble, compression: b.route.compression,
        maxSegments: cfg.maxSegments, maxFrameLength: cfg.maxFrameLength, timeRange: cfg.timeRange, carry,
        ...(options.periodOf ? { periodOf: options.periodOf } : {}),
      });
      const w = track(b, writeProduct(b, processed, options));
      w.catch(() => undefined); // awaited in turn
      writing.push(w);
      // Before the next batch is read (into the buffers of the oldest one still being written).
      while (writing.length > WRITES_IN_FLIGHT) await take();
    }
    while (writing.length) await take();
  } finally {
    // A failure: let the products being written finish (or fail) before returning.
    await Promise.allSettled(writing);
  }
  if (builtAt.every((r) => r !== undefined) && builtAt.length) {
    const order = built.map((_, i) => i).sort((x, y) => builtAt[x]![0] - builtAt[y]![0] || builtAt[x]![1] - builtAt[y]![1] || x - y);
    built.splice(0, built.length, ...order.map((i) => built[i]!));
  }
  const collection = options.format === 'pds3' || built.length === 0 ? undefined : await updateCollection(options, built, cfg.collection, 'Data');
  const geometryCollection = options.geometry === undefined || built.length === 0 ? undefined : await updateCollection(options, built, cfg.geometry?.collection ?? 'geometry', 'Geometry');
  return { products: built, collection, ...(geometryCollection ? { geometryCollection } : {}), packets: count, bytes, unrouted: 0 };
}

/**
 * Build one product from a window given in pieces (`WindowBatch.pieces`): each piece processed with the sequence
 * state carried from the previous one, its packets appended to the data file and its records to the index file
 * (md5 while writing), then, as for a whole window, the version decision (md5s against the latest version's
 * label), the renames, the geometry and the label. Memory: one piece at a time. The time-monotonicity check
 * (arrival order per APID and source) is judged piece by piece and completed across pieces at the end
 * (`retroFlags`, `markSteppedBack`: the flags of a whole window, however it was cut).
 */
/** Products written in pieces so far in this process (which hashing thread takes the next one's data md5). */
let piecesProducts = 0;

async function writePieces(b: Bucket, options: BuildOptions, carry: SequenceCarry): Promise<{ readonly done: Promise<BuiltProduct>; readonly packets: number; readonly bytes: number }> {
  const cfg = options.products;
  const productId = `${routeToken(b.route.name)}_l0_${b.window.id}`;
  const dir = path.join(options.out, cfg.collection, routeToken(b.route.name));
  await mkdir(dir, { recursive: true });
  const tmp = { data: path.join(dir, `.${productId}.${process.pid}.dat.tmp`), index: path.join(dir, `.${productId}.${process.pid}_index.dat.tmp`) };
  // Both read back too: the index's flags of earlier pieces may be set once later ones are seen (`markSteppedBack`),
  // the data for a checksum per source (`sourceDigests`).
  const fd = await open(tmp.data, 'w+'), fi = await open(tmp.index, 'w+');
  // md5 and block SHA-256 of both files in hashing threads while the next piece is read and processed (the data's
  // md5, the longest job, on alternate threads from one product to the next: they overlap).
  const hd = new FileHashStream(piecesProducts % 2), hi = new FileHashStream((piecesProducts + 1) % 2);
  piecesProducts++;
  const totals = newPieceTotals(new SourceTracker());
  const pieceOptions = { profile: options.profile, carry, ...(cfg.timeRange ? { timeRange: cfg.timeRange } : {}), ...(options.periodOf ? { periodOf: options.periodOf } : {}) };
  let offset = 0, indexSize = 0;
  // The packets and octets given (as a whole window's batch counts them: before duplicates are removed).
  let given = 0, givenOctets = 0;
  // Two pieces in turn: one being written and hashed while the next is processed (with an output buffer each, for a
  // piece whose packets are not in L0 order already). The pieces' own buffers are reused after that (from-archive.ts).
  // Buffers are reused, not made per piece: a buffer handed to a hashing thread lives until that thread collects it.
  const out: (Uint8Array | undefined)[] = [undefined, undefined];
  const indexOut: (Uint8Array | undefined)[] = [undefined, undefined];
  const busy: (Promise<unknown> | undefined)[] = [undefined, undefined];
  let turn = 0;
  const cleanUp = async (): Promise<void> => {
    await Promise.allSettled(busy);
    await Promise.all([fd.close().catch(() => undefined), fi.close().catch(() => undefined)]);
    await Promise.all([unlink(tmp.data).catch(() => undefined), unlink(tmp.index).catch(() => undefined)]);
  };
  try {
    for await (const piece of b.pieces!) {
      given += piece.count;
      givenOctets += pieceOctets(piece);
      turn ^= 1;
      await busy[turn];
      const spare = (): Uint8Array => {
        const need = pieceOctets(piece);
        if (!out[turn] || out[turn]!.length < need) out[turn] = new Uint8Array(new SharedArrayBuffer(Math.max(need, 1 << 20, 2 * (out[turn]?.length ?? 0))));
        return out[turn]!;
      };
      const indexBuffer = (need: number): Uint8Array => {
        if (!indexOut[turn] || indexOut[turn]!.length < need) indexOut[turn] = new Uint8Array(new SharedArrayBuffer(Math.max(need, 1 << 16, 2 * (indexOut[turn]?.length ?? 0))));
        return indexOut[turn]!;
      };
      const { data, index } = encodePiece(piece, pieceOptions, offset, spare, indexBuffer, totals);
      const w = Promise.all([
        writeAllParts(fd, { parts: [data], size: data.length }, tmp.data, offset), writeAllParts(fi, { parts: [index], size: index.length }, tmp.index, indexSize),
        hd.update(data), hi.update(index),
      ]);
      w.catch(() => undefined); // awaited in turn
      busy[turn] = w;
      piece.hold?.(w);
      offset += data.length;
      indexSize += index.length;
    }
  } catch (e) {
    await cleanUp();
    throw e;
  }
  const done = finish();
  done.catch(() => undefined); // the caller awaits it
  return { done, packets: given, bytes: givenOctets };

  async function finish(): Promise<BuiltProduct> {
    // Packets of earlier pieces that one of a later piece arrived before (their own piece could not see it).
    let reread: { md5: string; blocks: FileBlocks } | undefined;
    let digests: Map<string, string> | undefined;
    try {
      await Promise.all(busy);
      const back = retroFlags(totals.monotonic);
      if (back.length) reread = await markSteppedBack(fi, indexSize, back, totals.summary);
      // Packets from several sources: a checksum of each source's packets (as the whole-window path records).
      if (totals.tracker.size > 1) digests = await sourceDigests(fd, totals.sourceRuns);
      await Promise.all([fd.sync(), fi.sync()]);
    } catch (e) {
      await cleanUp();
      throw e;
    }
    await Promise.all([fd.close(), fi.close()]);
    const [dataHash, streamed] = await Promise.all([hd.digest(), hi.digest()]);
    const indexHash = reread ?? streamed;
    const sum = totals.summary;
    let { startTai, stopTai } = totals;
    const newest = totals.newest;
    const clockStart = totals.first ? clockCount({ obtHigh: totals.first.hi, obtLow: totals.first.lo, hasObt: totals.first.has }, options.profile) : undefined;
    const clockStop = totals.last ? clockCount({ obtHigh: totals.last.hi, obtLow: totals.last.lo, hasObt: totals.last.has }, options.profile) : undefined;
    const sourceSet = totals.sources;
    const tracker = totals.tracker;
    const dataMd5 = dataHash.md5, indexMd5 = indexHash.md5;
    startTai ??= b.window.startTai;
    stopTai ??= b.window.stopTai;
    const productTime = options.productTime ?? iso(Number.isFinite(newest) ? newest : b.window.stopTai);
    const done = { summary: sum as L0Summary, frames: [], orphans: [] };
    const latest = await latestVersion(dir, productId);
    const stemOf = (v: number) => `${productId}_v${v}`;
    if (latest > 0) {
      // Unchanged when the latest version's label gives these sizes and md5s to its data and index files, and no frames file.
      const stem = stemOf(latest);
      const labelFile = path.join(dir, `${stem}.xml`);
      const text = await readFile(labelFile, 'utf8').catch(() => '');
      const has = (name: string, size: number, md5: string) => new RegExp(`<file_name>${name.replace(/[.]/g, '\\.')}</file_name>\\s*<creation_date_time>[^<]*</creation_date_time>\\s*<file_size unit="byte">${size}</file_size>\\s*<records>\\d+</records>\\s*<md5_checksum>${md5}</md5_checksum>`).test(text);
      if (has(`${stem}.dat`, offset, dataMd5) && has(`${stem}_index.dat`, indexSize, indexMd5) && !text.includes(`${stem}_frames.dat`)
        && await geometryCurrent(options, b, productId, latest, startTai, stopTai)) {
        await Promise.all([unlink(tmp.data), unlink(tmp.index)]);
        return result(b, done, productId, latest, 'unchanged', labelFile, dir, stem, false, iso(startTai), iso(stopTai), productTime, options);
      }
    }
    const version = latest + 1;
    const stem = stemOf(version);
    const names = { data: `${stem}.dat`, index: `${stem}_index.dat`, frames: `${stem}_frames.dat`, label: `${stem}.xml` };
    await rename(tmp.data, path.join(dir, names.data));
    await rename(tmp.index, path.join(dir, names.index));
    const quality: L0Quality = { packets: sum.packets, gaps: sum.gaps, crcErrors: sum.crcErrors, decompressionFailures: sum.decompressionFailures };
    const extra = `frames=${sum.frames}, incomplete_frames=${sum.incompleteFrames}, orphan_segments=${sum.orphanSegments}, duplicates_removed=${sum.duplicates}, flagged_packets=${sum.flaggedPackets}.`;
    const start = iso(startTai), stop = iso(stopTai);
    const tables = encodeIndex([], new Uint32Array(0), new Float64Array(0), [], undefined, options.profile).tables
      .map((t) => (t.name === 'packet_index' ? { ...t, records: sum.packets } : t));
    const label = await pds4Label({
      b, options, productId, version, lid: `${cfg.bundle}:${cfg.collection}:${productId}`, vid: `${version}.0`, title: `${b.route.title} ${b.window.title ?? b.window.id}`,
      startTai, stopTai, start, stop, productTime, names, sources: [...sourceSet].sort(), clockStart, clockStop, packetCount: sum.packets, quality, extra,
      data: { size: offset, md5: dataMd5 }, index: { size: indexSize, md5: indexMd5, tables }, dir, uses: await tracker.sources(dataMd5, digests),
    });
    // The fixity manifest before the label (block_fixity.ts): a label is never there without it.
    await writeAtomic(manifestOf(path.join(dir, names.label)), manifestText({ [names.data]: dataHash.blocks, [names.index]: indexHash.blocks }));
    await writeAtomic(path.join(dir, names.label), label);
    return result(b, done, productId, version, version === 1 ? 'new' : 'updated', path.join(dir, names.label), dir, stem, false, start, stop, productTime, options);
  }
}

function findingsOf(s: Pick<ProcessedStream, 'frames' | 'orphans'>): string[] {
  const t = (tai: number | undefined) => (tai === undefined ? 'no time' : iso(tai));
  return [
    ...s.frames.filter((f) => f.status !== 'ok').map((f) => `APID ${f.apid} frame ${f.frameId >= 0 ? `${f.frameId} ` : ''}at ${t(f.startTai)} (${f.segments} segment(s)): ${f.status}: ${f.reason ?? ''}`),
    ...s.orphans.map((o) => `APID ${o.apid} orphan segment, sequence count ${o.sequenceCount}, at ${t(o.tai)}`),
  ];
}

async function writeProduct(b: Bucket, s: ProcessedStream, options: BuildOptions): Promise<BuiltProduct> {
  const cfg = options.products;
  const productId = `${routeToken(b.route.name)}_l0_${b.window.id}`;
  const dir = path.join(options.out, cfg.collection, routeToken(b.route.name));
  await mkdir(dir, { recursive: true });
  const n = s.packets.length;
  const views = new Array<Uint8Array>(n);
  let startTai: number | undefined, stopTai: number | undefined, newest = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = s.packets[i]!;
    views[i] = p.bytes;
    const t = p.tai;
    if (t !== undefined) {
      startTai ??= t;
      stopTai = t;
      if (t > newest) newest = t;
    }
  }
  const offsets = new Float64Array(n);
  const data = partsOf(views, offsets);
  const withFrames = b.route.framesFile && s.frames.length > 0;
  const frameOffsets = withFrames ? new Float64Array(s.frames.length) : undefined;
  const frames = withFrames ? partsOf(s.frames.map((f) => f.data), frameOffsets) : undefined;
  const index = encodeIndex(s.packets, s.flags, offsets, s.frames, frameOffsets, options.profile);
  const indexParts: Parts = { parts: [index.bytes], size: index.bytes.length };
  startTai ??= b.window.startTai;
  stopTai ??= b.window.stopTai;
  const productTime = options.productTime ?? iso(Number.isFinite(newest) ? newest : b.window.stopTai);
  const latest = await latestVersion(dir, productId);
  const stemOf = (v: number) => `${productId}_v${v}`;
  if (latest > 0) {
    const stem = stemOf(latest);
    const same = await sameParts(path.join(dir, `${stem}.dat`), data)
      && await sameParts(path.join(dir, `${stem}_index.dat`), indexParts)
      && (frames ? await sameParts(path.join(dir, `${stem}_frames.dat`), frames) : !(await exists(path.join(dir, `${stem}_frames.dat`))));
    const labelFile = path.join(dir, `${stem}.${options.format === 'pds3' ? 'lbl' : 'xml'}`);
    if (same && await exists(labelFile) && await geometryCurrent(options, b, productId, latest, startTai, stopTai)) {
      return result(b, s, productId, latest, 'unchanged', labelFile, dir, stem, !!frames, iso(startTai), iso(stopTai), productTime, options);
    }
  }
  const version = latest + 1;
  const stem = stemOf(version);
  const names = { data: `${stem}.dat`, index: `${stem}_index.dat`, frames: `${stem}_frames.dat`, label: `${stem}.${options.format === 'pds3' ? 'lbl' : 'xml'}` };
  // Data files first (together, each hashed while it is written), the label last: a crash leaves no label without its data.
  const [dataMd5, indexMd5, framesMd5] = await Promise.all([
    writeAtomicParts(path.join(dir, names.data), data),
    writeAtomicParts(path.join(dir, names.index), indexParts),
    frames ? writeAtomicParts(path.join(dir, names.frames), frames) : '',
  ]);
  const quality: L0Quality = { packets: s.summary.packets, gaps: s.summary.gaps, crcErrors: s.summary.crcErrors, decompressionFailures: s.summary.decompressionFailures };
  const sum = s.summary;
  const extra = `frames=${sum.frames}, incomplete_frames=${sum.incompleteFrames}, orphan_segments=${sum.orphanSegments}, duplicates_removed=${sum.duplicates}, flagged_packets=${sum.flaggedPackets}.`;
  const vid = `${version}.0`;
  const lid = `${cfg.bundle}:${cfg.collection}:${productId}`;
  const title = `${b.route.title} ${b.window.title ?? b.window.id}`;
  const start = iso(startTai), stop = iso(stopTai);
  let label: string;
  if (options.format === 'pds3') {
    label = pds3Label({
      productId: stem.toUpperCase(), version: vid, dataSetId: `${cfg.bundle.split(':').slice(3).join('-')}-${cfg.collection}`.toUpperCase(),
      title, start, stop, productTime, missionName: options.mission.name, instrumentHostName: options.mission.spacecraft ?? options.mission.name,
      instrumentName: b.route.instrument, targetName: cfg.target.name, quality,
      dataFile: { name: names.data, size: data.size, md5: dataMd5 },
      indexFile: { name: names.index, tables: index.tables },
      ...(frames ? { framesFile: { name: names.frames, size: frames.size } } : {}),
    });
  } else {
    const sourceSet = new Set<string>();
    let lastSource: string | undefined;
    const tracker = new SourceTracker();
    for (const p of s.packets) {
      tracker.add(p);
      if (p.source !== undefined && p.source !== lastSource) { lastSource = p.source; sourceSet.add(path.basename(p.source)); }
    }
    const first = s.packets.find((p) => p.tai !== undefined), last = s.packets.findLast((p) => p.tai !== undefined);
    const timesOf = packetTimesFor(options.profile);
    const clock = (p: L0Packet | undefined) => (p === undefined ? undefined : clockCount(timesOf(p, emptyTimes()), options.profile));
    label = await pds4Label({
      b, options, productId, version, lid, vid, title, startTai, stopTai, start, stop, productTime, names, sources: [...sourceSet].sort(),
      clockStart: clock(first), clockStop: clock(last), packetCount: n, quality, extra,
      data: { size: data.size, md5: dataMd5 }, index: { size: index.bytes.length, md5: indexMd5, tables: index.tables },
      ...(frames ? { frames: { size: frames.size, md5: framesMd5, count: s.frames.length } } : {}),
      dir, uses: await tracker.sources(dataMd5, s.packets),
    });
  }
  // SHA-256 per block of what was written (block-fixity.ts), beside the label and before it.
  await writeAtomic(manifestOf(path.join(dir, names.label)), manifestText({
    [names.data]: blocksOf(data.parts), [names.index]: blocksOf(indexParts.parts), ...(frames ? { [names.frames]: blocksOf(frames.parts) } : {}),
  }));
  await writeAtomic(path.join(dir, names.label), label);
  return result(b, s, productId, version, version === 1 ? 'new' : 'updated', path.join(dir, names.label), dir, stem, !!frames, start, stop, productTime, options);
}

/** The PDS4 label of an L0 product (with its geometry product written first when an ephemeris is configured). */
async function pds4Label(p: {
  b: Bucket; options: BuildOptions; productId: string; version: number; lid: string; vid: string; title: string;
  startTai: number; stopTai: number; start: string; stop: string; productTime: string;
  names: { data: string; index: string; frames: string }; sources: readonly string[];
  clockStart: string | undefined; clockStop: string | undefined; packetCount: number; quality: L0Quality; extra: string;
  data: { size: number; md5: string }; index: { size: number; md5: string; tables: EncodedIndex['tables'] };
  frames?: { size: number; md5: string; count: number };
  dir: string; uses: readonly SourceUse[];
}): Promise<string> {
  const { b, options } = p;
  const cfg = options.products;
  const geometry = options.geometry ? await writeGeometry(options.geometry, { dir: path.join(options.out, cfg.geometry?.collection ?? 'geometry', routeToken(b.route.name)), productId: p.productId, version: p.version, lid: p.lid, startTai: p.startTai, stopTai: p.stopTai, start: p.start, stop: p.stop, productTime: p.productTime, route: b.route, options }) : undefined;
  // Provenance (issue 20): the PROV-JSON beside the label, written before it.
  const labelName = `${p.productId}_v${p.version}.xml`;
  const provenance: ProductProvenance = {
    lidvid: `${p.lid}::${p.vid}`, label: labelName,
    files: [{ name: p.names.data, ...p.data }, { name: p.names.index, size: p.index.size, md5: p.index.md5 }, ...(p.frames ? [{ name: p.names.frames, size: p.frames.size, md5: p.frames.md5 }] : [])],
    software: { name: 'idoc', version: softwareVersion() },
    ...(options.provenance?.configDigest !== undefined ? { configDigest: options.provenance.configDigest } : {}),
    ...(options.provenance?.configFile !== undefined ? { configFile: options.provenance.configFile } : {}),
    productTime: p.productTime, inputs: p.uses,
    steps: processingSteps(b.route, options, geometry !== undefined),
  };
  const provText = provJsonText(provenance);
  const provName = `${p.productId}_v${p.version}.prov.json`;
  await writeAtomic(path.join(p.dir, provName), provText);
  const phase = cfg.missionPhases.find((m) => p.startTai >= m.fromTai && p.startTai < m.toTai);
  return l0Label({
    purpose: b.route.purpose,
    mission: {
      ...(p.clockStart !== undefined ? { clockStart: p.clockStart } : {}),
      ...(p.clockStop !== undefined ? { clockStop: p.clockStop } : {}),
      ...(phase ? { phase: { name: phase.name, id: phase.id } } : {}),
      ...(geometry?.startOrbit !== undefined ? { startOrbit: geometry.startOrbit, stopOrbit: geometry.stopOrbit! } : {}),
      ...(b.route.subInstrument ? { subInstrument: b.route.subInstrument } : {}),
      processing: {
        software: 'idoc', version: softwareVersion(),
        inputs: [...p.sources.map((f) => ({ type: 'telemetry', fileName: f })), ...(options.geometry ? [{ type: 'ephemeris', fileName: path.basename(options.geometry.file) }] : [])],
      },
    },
    ...(geometry ? { references: [{ lidReference: geometry.lidvid, type: 'data_to_geometry', comment: 'Spacecraft geometry and ground track over this product span' }] } : {}),
    provenance: {
      fileName: provName, sha256: createHash('sha256').update(provText).digest('hex'), software: `idoc ${provenance.software.version}`,
      ...(provenance.configDigest !== undefined ? { configDigest: provenance.configDigest } : {}), description: provenanceSentence(provenance),
    },
    contextLids: {
      ...cfg.context,
      ...(b.route.instrumentLid !== undefined ? { instrument: b.route.instrumentLid } : {}),
    },
    lid: p.lid, vid: p.vid, title: p.title, start: p.start, stop: p.stop, missionName: options.mission.name, instrumentName: b.route.instrument,
    ...(options.mission.spacecraft !== undefined ? { instrumentHostName: options.mission.spacecraft } : {}),
    targetName: cfg.target.name, targetType: cfg.target.type,
    dataFile: { name: p.names.data, size: p.data.size, md5: p.data.md5 },
    packetCount: p.packetCount,
    quality: p.quality, productTime: p.productTime, processingLevel: cfg.processingLevel,
    ...(cfg.curatingFacility !== undefined && p.sources.length ? { sourceProducts: { ids: p.sources, curatingFacility: cfg.curatingFacility } } : {}),
    fileAreas: [
      indexFileArea({ fileName: p.names.index, size: p.index.size, md5: p.index.md5, creationDateTime: p.productTime, comment: `Packet and frame index with per-packet quality flags. ${p.extra}`, tables: p.index.tables }),
      ...(p.frames ? [framesFileArea({ fileName: p.names.frames, size: p.frames.size, md5: p.frames.md5, creationDateTime: p.productTime, comment: `Reassembled source frames (${b.route.compression === 'none' ? 'as received' : 'decompressed when they could be'}). ${p.extra}`, frames: p.frames.count })] : []),
    ],
  });
}

/** The processing steps of an L0 product and their parameters, in order (the PROV-JSON activities). */
function processingSteps(route: RouteConfig, options: BuildOptions, geometry: boolean): ProcessingStep[] {
  const cfg = options.products;
  const w = options.window ?? cfg.window;
  const steps: ProcessingStep[] = [
    { name: 'window', description: 'packets of the route selected into the product window', parameters: { route: route.name, apids: route.apids.map(([a, z]) => (a === z ? `${a}` : `${a}-${z}`)).join(' '), window: w.kind === 'duration' ? w.text : w.kind } },
    { name: 'sort', description: 'sorted by time, then wrap-aware sequence count; identical packets removed (an intact copy wins over a CRC-failed one)', parameters: { order: 'time,sequence_count' } },
    { name: 'check', description: 'per-packet checks: length, CRC, sequence gaps and resets, time plausibility, secondary header', parameters: { crc: String(options.profile.crc), secondaryHeader: options.profile.secondaryHeader, timeCode: options.profile.time.code, plausibleFrom: iso(cfg.timeRange.minTai), plausibleTo: iso(cfg.timeRange.maxTai) } },
  ];
  if (route.reassemble) steps.push({ name: 'reassemble', description: 'segmented packets reassembled into source frames', parameters: { maxSegments: cfg.maxSegments } });
  if (route.compression !== 'none') steps.push({ name: 'decompress', description: 'science frames decompressed (lz4, zstd), length and CRC-16 checked', parameters: { compression: route.compression, maxFrameLength: cfg.maxFrameLength } });
  steps.push({ name: 'decode', description: 'index file: header fields, on-board, UTC and ground times, station, virtual channel and quality flags of every packet', parameters: { indexRecord: 'packet_index' } });
  if (geometry) steps.push({ name: 'geometry', description: 'spacecraft geometry and ground track over the product span', parameters: { ephemeris: path.basename(options.geometry!.file), step: cfg.geometry?.step ?? 60 } });
  steps.push({ name: 'write', description: 'PDS4 product written (data files, then the label; atomic renames)', parameters: { format: 'PDS4 IM 1.26.0.0', processingLevel: cfg.processingLevel } });
  return steps;
}

let version: string | undefined;
/** This idoc's version (package.json), for the labels' processing context. */
function softwareVersion(): string {
  if (version !== undefined) return version;
  try {
    const root = packageRoot();
    version = root === undefined ? '0.0.0' : (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    version = '0.0.0';
  }
  return version;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/**
 * Write the geometry product beside an L0 product (same version number): CSV, GeoJSON, then its label.
 * Undefined when no sample of the span lies in the ephemeris coverage.
 */
async function writeGeometry(src: GeometrySource, p: {
  dir: string; productId: string; version: number; lid: string; startTai: number; stopTai: number; start: string; stop: string; productTime: string; route: RouteConfig; options: BuildOptions;
}): Promise<{ lidvid: string; startOrbit: number | undefined; stopOrbit: number | undefined; files: string[] } | undefined> {
  const cfg = p.options.products;
  const step = cfg.geometry?.step ?? 60;
  const g = productGeometry(src, p.startTai, p.stopTai, step);
  if (g.rows.length === 0) return undefined;
  await mkdir(p.dir, { recursive: true });
  const stem = `${p.productId}_geometry_v${p.version}`;
  const gid = `${p.productId}_geometry`;
  const lid = `${cfg.bundle}:${cfg.geometry?.collection ?? 'geometry'}:${gid}`;
  const vid = `${p.version}.0`;
  const dataLidvid = `${p.lid}::${vid}`;
  const { header, text } = geometryCsv(g);
  const lines = text.split('\r\n');
  const geojson = groundTrackGeoJson(g, { product: dataLidvid, start: p.start, stop: p.stop, step_s: step });
  const files = { csv: path.join(p.dir, `${stem}.csv`), geojson: path.join(p.dir, `${stem}.geojson`), label: path.join(p.dir, `${stem}.xml`) };
  await Promise.all([writeAtomic(files.csv, text), writeAtomic(files.geojson, geojson)]);
  const label = geometryLabel({
    lid, vid, title: `${p.route.title} geometry ${p.start} .. ${p.stop}`, start: p.start, stop: p.stop, productTime: p.productTime,
    missionName: p.options.mission.name, instrumentName: p.route.instrument,
    ...(p.options.mission.spacecraft !== undefined ? { instrumentHostName: p.options.mission.spacecraft } : {}),
    targetName: cfg.target.name, targetType: cfg.target.type, contextLids: cfg.context, dataLidvid,
    csv: { name: path.basename(files.csv), size: Buffer.byteLength(text), md5: md5(text), headerLength: Buffer.byteLength(header), records: g.rows.length, maxRecordLength: Math.max(...lines.map((l) => l.length + 2)) },
    columns: GEOMETRY_COLUMNS, frame: g.frame, centralBody: src.centralBody, stepSeconds: step, ephemerisFile: path.basename(src.file),
    geojson: { name: path.basename(files.geojson), size: Buffer.byteLength(geojson), md5: md5(geojson) },
  });
  await writeAtomic(manifestOf(files.label), manifestText({ [path.basename(files.csv)]: blocksOf(text), [path.basename(files.geojson)]: blocksOf(geojson) }));
  await writeAtomic(files.label, label);
  return { lidvid: `${lid}::${vid}`, startOrbit: g.startOrbit, stopOrbit: g.stopOrbit, files: [files.csv, files.geojson, files.label] };
}

/**
 * Whether the geometry beside version `version` of a product is what the ephemeris gives now (true without
 * geometry). A changed ephemeris (a new OEM, a fresher TLE) changes the CSV, and with it the orbit numbers and
 * times in the L0 label: the product then gets a new version although its packets did not change.
 */
async function geometryCurrent(options: BuildOptions, b: Bucket, productId: string, version: number, startTai: number, stopTai: number): Promise<boolean> {
  if (options.geometry === undefined) return true;
  const cfg = options.products;
  const g = productGeometry(options.geometry, startTai, stopTai, cfg.geometry?.step ?? 60);
  const file = path.join(options.out, cfg.geometry?.collection ?? 'geometry', routeToken(b.route.name), `${productId}_geometry_v${version}.csv`);
  const held = await readFile(file, 'utf8').catch(() => undefined);
  return g.rows.length === 0 ? held === undefined : held === geometryCsv(g).text;
}

async function exists(file: string): Promise<boolean> {
  try { await stat(file); return true; } catch { return false; }
}

function result(b: Bucket, s: Pick<ProcessedStream, 'summary' | 'frames' | 'orphans'>, productId: string, version: number, status: BuiltProduct['status'], label: string, dir: string, stem: string, frames: boolean, start: string, stop: string, productTime: string, options: BuildOptions): BuiltProduct {
  const cfg = options.products;
  return {
    route: b.route.name, window: b.window.id, productId, lidvid: `${cfg.bundle}:${cfg.collection}:${productId}::${version}.0`, version, status, label,
    files: [path.join(dir, `${stem}.dat`), path.join(dir, `${stem}_index.dat`), ...(frames ? [path.join(dir, `${stem}_frames.dat`)] : []), label],
    start, stop, productTime, summary: s.summary, findings: findingsOf(s),
  };
}

/** Labels of products (latest version each) found under the collection folder → LIDVIDs, sorted. */
async function collectionMembers(root: string, lidPrefix: string): Promise<string[]> {
  const latest = new Map<string, number>();
  let routes: string[];
  try { routes = await readdir(root); } catch { return []; }
  for (const r of routes.sort()) {
    let names: string[];
    try { names = await readdir(path.join(root, r)); } catch { continue; }
    for (const f of names) {
      const m = /^(.+)_v(\d+)\.xml$/.exec(f);
      if (m) latest.set(m[1]!, Math.max(latest.get(m[1]!) ?? 0, Number(m[2])));
    }
  }
  return [...latest.entries()].map(([id, v]) => `${lidPrefix}:${id}::${v}.0`).sort();
}

async function updateCollection(options: BuildOptions, built: readonly BuiltProduct[], collection: string, type: 'Data' | 'Geometry'): Promise<CollectionResult | undefined> {
  const cfg = options.products;
  const root = path.join(options.out, collection);
  const lid = `${cfg.bundle}:${collection}`;
  const members = await collectionMembers(root, lid);
  if (members.length === 0) return undefined;
  const inventory = collectionInventory(members);
  const stem = `collection_${collection}`;
  let names: string[] = [];
  try { names = await readdir(root); } catch { /* new */ }
  const re = new RegExp(`^${stem.replace(/[.]/g, '\\.')}_v(\\d+)\\.xml$`);
  const latest = names.reduce((n, f) => { const m = re.exec(f); return m ? Math.max(n, Number(m[1])) : n; }, 0);
  const assignedDoi = options.citation?.dois[lid];
  const doi = assignedDoi === undefined ? undefined : { doi: assignedDoi, authors: options.citation!.authors };
  // Unchanged: same inventory and the same DOI in the label (an assigned DOI makes a new collection version).
  const labelDoi = async (v: number) => /<doi>([^<]*)<\/doi>/.exec(await readFile(path.join(root, `${stem}_v${v}.xml`), 'utf8').catch(() => ''))?.[1];
  if (latest > 0 && await sameContent(path.join(root, `${stem}_v${latest}.csv`), inventory) && await labelDoi(latest) === assignedDoi) {
    return { label: path.join(root, `${stem}_v${latest}.xml`), inventory: path.join(root, `${stem}_v${latest}.csv`), lidvid: `${lid}::${latest}.0`, status: 'unchanged', members: members.length };
  }
  const version = latest + 1;
  const productTime = options.productTime ?? built.map((b) => b.productTime).sort().at(-1)!;
  const inv = `${stem}_v${version}.csv`;
  const label = collectionLabel({
    lid, vid: `${version}.0`, inventoryFileName: inv, inventory, productTime, collectionType: type, ...(doi !== undefined ? { doi } : {}),
    ...(type === 'Data' ? {
      title: `${options.mission.name} L0 products: ${collection}`,
      description: `L0 products of ${options.mission.name} (CCSDS packets as received, sorted, deduplicated, checked), generated by idoc. The inventory lists the latest version of each product.`,
    } : {
      title: `${options.mission.name} geometry beside the L0 products: ${collection}`,
      description: `Spacecraft geometry (CSV) and ground tracks (GeoJSON) over the span of each L0 product of ${options.mission.name}, generated by idoc. The inventory lists the latest version of each product.`,
    }),
  });
  await writeAtomic(path.join(root, inv), inventory);
  await writeAtomic(manifestOf(path.join(root, `${stem}_v${version}.xml`)), manifestText({ [inv]: blocksOf(inventory) }));
  await writeAtomic(path.join(root, `${stem}_v${version}.xml`), label);
  return { label: path.join(root, `${stem}_v${version}.xml`), inventory: path.join(root, inv), lidvid: `${lid}::${version}.0`, status: version === 1 ? 'new' : 'updated', members: members.length };
}
