/**
 * @module Dispatching packets along their routes during an ingest run: the route name for the archive, the
 * route's raw packet files and TCP forwards, and per-route counts (quarantine included: nothing is dropped
 * silently). Raw files and forwards receive every packet routed to them, duplicates included; the archive is
 * the exactly-once record.
 */
import type { FramedPacket } from '../framing/index.js';
import { TcpForwarder, type ForwarderOptions, type ForwarderStats } from './forward.js';
import { RawFiles, rawFilePath } from './raw-files.js';
import type { Route, RouteTable } from '../../src/config/index.js';

export interface RouteCount { readonly route: string; packets: number; bytes: number }

export interface DispatchSummary {
  readonly routes: readonly RouteCount[];
  /** Packets sent to quarantine (unknown APIDs). */
  readonly quarantined: number;
  readonly rawFiles: readonly { file: string; packets: number; bytes: number }[];
  readonly forwards: readonly ForwarderStats[];
}

export class RouteDispatcher {
  private readonly counts = new Map<string, RouteCount>();
  private readonly raw = new RawFiles();
  private readonly forwarders = new Map<string, TcpForwarder>();
  private readonly rawPaths = new Map<string, string>();

  constructor(readonly table: RouteTable, private readonly runStartMs = Date.now(), forwardOptions: ForwarderOptions = {}) {
    for (const r of table.routes) {
      this.counts.set(r.name, { route: r.name, packets: 0, bytes: 0 });
      for (const url of r.forward) if (!this.forwarders.has(url)) this.forwarders.set(url, new TcpForwarder(url, forwardOptions));
    }
  }

  /** Route one packet: counts it, writes and forwards it; returns its route (whose name the archive stores). */
  dispatch(p: FramedPacket): Route {
    const route = this.table.routeOf(p.apid);
    const c = this.counts.get(route.name)!;
    c.packets++;
    c.bytes += p.length;
    if (route.rawFile !== undefined || route.forward.length) {
      const bytes = p.buf.subarray(p.offset, p.offset + p.length);
      if (route.rawFile !== undefined) {
        const key = `${route.name}\u0000${p.apid}`;
        let file = this.rawPaths.get(key);
        if (file === undefined) this.rawPaths.set(key, (file = rawFilePath(route.rawFile, p.apid, route.name, this.runStartMs)));
        this.raw.write(file, bytes);
      }
      for (const url of route.forward) this.forwarders.get(url)!.send(bytes);
    }
    return route;
  }

  /** Counts so far. */
  summary(): DispatchSummary {
    return {
      routes: [...this.counts.values()].map((c) => ({ ...c })),
      quarantined: this.counts.get(this.table.quarantine.name)!.packets,
      rawFiles: [],
      forwards: [...this.forwarders.values()].map((f) => f.stats()),
    };
  }

  /** End of the run: raw files committed, forwards drained and closed. */
  async commit(forwardTimeoutMs = 2000): Promise<DispatchSummary> {
    const rawFiles = this.raw.commit();
    const forwards = await Promise.all([...this.forwarders.values()].map((f) => f.close(forwardTimeoutMs)));
    return { ...this.summary(), rawFiles, forwards };
  }

  /** The run failed: raw files dropped, forwards closed. */
  async abort(): Promise<void> {
    this.raw.abort();
    await Promise.all([...this.forwarders.values()].map((f) => f.close(0)));
  }
}
