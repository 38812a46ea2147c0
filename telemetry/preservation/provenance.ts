/**
 * @module How an L0 product was made (OAIS Provenance Information, CCSDS 650.0-M-2 §1.7.2): the idoc version,
 * the configuration digest, the ground deliveries its packets came from (file or archive source, the sha256 of
 * the packets taken from it and, for a file, of the whole file; ground stations, virtual channels, first and last
 * ground times), and the processing steps with their parameters. Gathered while a product is built
 * ({@link SourceTracker}), written as a W3C PROV-JSON document beside the label (`prov-json.ts`) and summarised
 * in the label (`l0-label.ts`, `External_Reference` and `Modification_Detail`).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** One ground delivery (file or archive source) as used by one product. */
export interface SourceUse {
  /** The source as recorded (a file name, or the archive's feed/source name). */
  readonly name: string;
  readonly packets: number;
  readonly octets: number;
  /**
   * Checksum of the packets taken from this source, in product (L0) order, as `<algorithm>:<hex>`: with one source
   * these are the data file's octets, so its md5 (as in the label, computed anyway); with several, a sha256 per
   * source (one more pass over the packets). Undefined for several sources of a window built in pieces.
   */
  readonly packetsDigest?: string;
  /** When the source is a file that could be read at build time: its size and sha256. */
  readonly file?: { readonly size: number; readonly sha256: string };
  readonly firstGround?: string;
  readonly lastGround?: string;
  readonly stations: readonly number[];
  readonly virtualChannels: readonly number[];
}

/** One processing step and its parameters. */
export interface ProcessingStep {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, string | number | boolean>>;
}

export interface ProductProvenance {
  readonly lidvid: string;
  /** The label's file name and the product's data files (names, sizes, md5 as in the label). */
  readonly label: string;
  readonly files: readonly { readonly name: string; readonly size: number; readonly md5: string }[];
  readonly software: { readonly name: string; readonly version: string };
  /** `sha256:<hex>` of the configuration file (or of the built-in defaults' JSON). */
  readonly configDigest?: string;
  readonly configFile?: string;
  /** ISO Z: the product time (deterministic, not the wall clock). */
  readonly productTime: string;
  readonly inputs: readonly SourceUse[];
  readonly steps: readonly ProcessingStep[];
}

/** The fields of a packet the tracker reads (a subset of `L0Packet`). */
export interface TrackedPacket {
  readonly bytes: Uint8Array;
  readonly source?: string;
  readonly groundUnixMs?: number;
  /** Ground reception time (Unix ms): the ground time when `groundUnixMs` is not given, as the index file takes it. */
  readonly receivedUnixMs?: number;
  readonly station?: number;
  readonly virtualChannel?: number;
}

interface Acc { packets: number; octets: number; first: number; last: number; stations: Set<number>; vcs: Set<number> }

/** Per-source use of the packets of one product, fed in product order. */
export class SourceTracker {
  private readonly bySource = new Map<string, Acc>();
  private lastName: string | undefined;
  private lastAcc: Acc | undefined;

  /** How many sources the packets came from. */
  get size(): number { return this.bySource.size; }

  add(p: TrackedPacket): void {
    this.addFields(p.source, p.bytes.length, p.groundUnixMs ?? p.receivedUnixMs, p.station, p.virtualChannel);
  }

  /** {@link add} with the packet's fields as values (no object per packet): its source, octets, ground time (Unix ms). */
  addFields(source: string | undefined, octets: number, groundUnixMs: number | undefined, station: number | undefined, virtualChannel: number | undefined): void {
    const name = source ?? '(unknown source)';
    let a = name === this.lastName ? this.lastAcc : this.bySource.get(name);
    if (a === undefined) {
      a = { packets: 0, octets: 0, first: Infinity, last: -Infinity, stations: new Set(), vcs: new Set() };
      this.bySource.set(name, a);
    }
    this.lastName = name;
    this.lastAcc = a;
    a.packets++;
    a.octets += octets;
    const g = groundUnixMs;
    if (g !== undefined) { if (g < a.first) a.first = g; if (g > a.last) a.last = g; }
    if (station !== undefined) a.stations.add(station);
    if (virtualChannel !== undefined) a.vcs.add(virtualChannel);
  }

  /**
   * The sources, sorted by name; files that exist are hashed whole (once per process per file version).
   * `dataMd5`: the data file's md5 (the packets' checksum when there is one source); `packets`: the product's
   * packets again, for a sha256 per source when there are several (left out: no per-source checksum), or those
   * sha256s (hex) by source name, computed by the caller.
   */
  async sources(dataMd5: string, packets?: readonly TrackedPacket[] | ReadonlyMap<string, string>): Promise<SourceUse[]> {
    const out: SourceUse[] = [];
    let digests: Map<string, Hash> | undefined;
    const given = packets instanceof Map ? packets as ReadonlyMap<string, string> : undefined;
    if (this.bySource.size > 1 && packets && !given) {
      digests = new Map([...this.bySource.keys()].map((k) => [k, createHash('sha256')]));
      for (const p of packets as readonly TrackedPacket[]) digests.get(p.source ?? '(unknown source)')?.update(p.bytes);
    }
    for (const name of [...this.bySource.keys()].sort()) {
      const a = this.bySource.get(name)!;
      const file = await wholeFile(name);
      const hex = given?.get(name) ?? digests?.get(name)!.digest('hex');
      const digest = this.bySource.size === 1 ? `md5:${dataMd5}` : hex !== undefined ? `sha256:${hex}` : undefined;
      out.push({
        name: file ? path.basename(name) : name, packets: a.packets, octets: a.octets, ...(digest !== undefined ? { packetsDigest: digest } : {}),
        ...(file ? { file } : {}),
        ...(Number.isFinite(a.first) ? { firstGround: new Date(a.first).toISOString(), lastGround: new Date(a.last).toISOString() } : {}),
        stations: [...a.stations].sort((x, y) => x - y), virtualChannels: [...a.vcs].sort((x, y) => x - y),
      });
    }
    return out;
  }
}

const fileHashes = new Map<string, Promise<{ size: number; sha256: string }>>();

async function wholeFile(name: string): Promise<{ size: number; sha256: string } | undefined> {
  const st = await stat(name).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const key = `${path.resolve(name)}\u0000${st.size}\u0000${st.mtimeMs}`;
  let p = fileHashes.get(key);
  if (!p) {
    p = (async () => {
      const h = createHash('sha256');
      let size = 0;
      for await (const c of createReadStream(name)) { h.update(c as Buffer); size += (c as Buffer).length; }
      return { size, sha256: h.digest('hex') };
    })();
    fileHashes.set(key, p);
  }
  return p;
}

/** `sha256:<hex>` of a configuration: the file's bytes, else the JSON of the built-in defaults. */
export function configDigest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A station number as DDS headers give it, printed as idoc prints stations elsewhere (`0x15`). */
export const stationName = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/** One sentence for the label: software, configuration, inputs, steps. */
export function provenanceSentence(p: ProductProvenance): string {
  const inputs = p.inputs.map((i) => `${i.name} (${i.packets} packet(s)${i.file ? `, file sha256 ${i.file.sha256}` : ''}, packets ${i.packetsDigest ?? 'checksum not recorded'}${i.stations.length ? `, station(s) ${i.stations.map(stationName).join(' ')}` : ''}${i.firstGround ? `, ground ${i.firstGround} .. ${i.lastGround}` : ''})`);
  return `Made by ${p.software.name} ${p.software.version}${p.configDigest ? ` with configuration ${p.configDigest}` : ''} from ${p.inputs.length} ground delivery(ies): ${inputs.join('; ') || 'none'}. `
    + `Steps: ${p.steps.map((s) => `${s.name} (${Object.entries(s.parameters).map(([k, v]) => `${k}=${v}`).join(', ')})`).join(' then ')}.`;
}
