/**
 * @module Decoding during ingest, opt-in per route: a route of idoc.json with `decode` (definitions, and how
 * samples are timed) has the packets it stores decoded into the parameter archive (`parameters.sqlite` beside
 * the packet archive). When an ingest run commits, the packets stored on those routes since the last decoding
 * (by archive arrival: a mark per route in the parameter archive) are read back through the archive port
 * (src/archive/port.ts) and decoded, so a packet the archive dropped as a duplicate is never decoded twice and
 * a run that failed decodes nothing. While a run goes on (a `--watch` daemon), what was committed is decoded in the
 * background a few seconds after a commit (one decoding at a time), so the parameter archive follows the packet
 * archive. Wired from telemetry/ingest/setup.ts.
 */
import type { MissionConfig } from '../../src/config/types.js';
import { checkedSection, configRelative } from '../../src/config/section.js';
import { loadTmDatabase } from '../../src/mdb/load.js';
import { openConfiguredReader } from '../../src/archive-of.js';
import { compileDecoder } from './compile.js';
import { ParameterArchiveWriter, type SampleTime } from './archive.js';
import { decodeArchiveRows, withTime, type FillReport } from './fill.js';

/** One route's `decode` entry, resolved. */
export interface DecodeRoute {
  readonly route: string;
  /** Definitions (XTCE, MIB folder, field list or JSON), absolute. */
  readonly defs: string;
  readonly time?: SampleTime;
}

interface RouteDecodeEntry { readonly defs: string; readonly timeParameter?: string; readonly timeEpoch?: string }

/** The routes of `config` that decode (none when no route says `decode`). */
export function decodeRoutesOf(config: MissionConfig): DecodeRoute[] {
  const routes = checkedSection<Record<string, { decode?: RouteDecodeEntry }>>(config, 'routes') ?? {};
  return Object.entries(routes).flatMap(([route, r]) => {
    const d = r.decode;
    if (!d) return [];
    const time = d.timeParameter !== undefined ? { parameter: d.timeParameter, ...(d.timeEpoch !== undefined ? { epoch: d.timeEpoch } : {}) } : undefined;
    return [{ route, defs: configRelative(config, d.defs), ...(time ? { time } : {}) }];
  });
}

/** What decoding after a run did, per route. */
export interface RouteDecodeReport extends FillReport {
  readonly route: string;
}

/**
 * The decoding to run after each committed ingest run into the archive `dir`, or undefined when no route decodes.
 * The definitions are loaded now, so a bad file stops the ingest before it starts. The packet archive is read
 * through the port as the config's `archive.kind` says (SQLite, or PostgreSQL with its segment files in `dir`);
 * the parameter archive is `parameters.sqlite` in `dir` either way. Arrival order is commit order for the one
 * ingest writing (the lock on `dir`), which is what the per-route mark relies on.
 */
export function parameterIngestHook(config: MissionConfig, dir: string): (() => Promise<RouteDecodeReport[]>) | undefined {
  const routes = decodeRoutesOf(config);
  if (!routes.length) return undefined;
  // A MIB's absolute times (PTC 9) count from the mission's packet time epoch, as the secondary header's do.
  const loaded = routes.map((r) => ({ ...r, db: loadTmDatabase(r.defs, undefined, { epochTai: config.profile.time.epochTai }) }));
  return async () => {
    const reader = await openConfiguredReader(config, dir);
    const w = new ParameterArchiveWriter(dir);
    const out: RouteDecodeReport[] = [];
    try {
      for (const r of loaded) {
        const keep = r.time ? withTime(undefined, r.time) : undefined;
        const decoder = compileDecoder(r.db, keep ? { keep } : {});
        const failures = new Map<string, { apid: number; reason: string; packets: number; first: string }>();
        const before = { samples: w.samples, chunks: w.chunks };
        const d = await decodeArchiveRows(reader, { route: r.route }, decoder, w, failures, { after: w.arrivalMark(r.route), ...(r.time ? { time: r.time } : {}) });
        const last = d.arrivals.get(r.route);
        if (last !== undefined) w.setArrivalMark(r.route, last);
        out.push({ route: r.route, packets: d.packets, samples: w.samples - before.samples, chunks: w.chunks - before.chunks, undecoded: [...failures.values()], skipped: [] });
      }
    } finally {
      w.close();
      await reader.close();
    }
    return out;
  };
}

/**
 * Background decoding {@link DECODE_DELAY_MS} after a commit while a run goes on (at least 10 × the last
 * decoding's duration, so the share of time spent stays bounded however fast packets come; the new rows are found
 * through the archive's arrival index, so a decoding costs what was stored since the last one), and a last one
 * when it ends.
 */
export const DECODE_DELAY_MS = 3000;

/** Decoding along an ingest run: `committed` after each archive commit, `finish` when the run committed. */
export interface IngestDecoding {
  committed(stored: number): void;
  /** Wait for a background decoding, decode what is left; the reports of every decoding of the run. */
  finish(): Promise<RouteDecodeReport[]>;
  /** Stop without decoding what is left (a failed run): waits for a background decoding. */
  abort(): Promise<void>;
}

export function ingestDecoding(decode: () => Promise<RouteDecodeReport[]>, delayMs = DECODE_DELAY_MS): IngestDecoding {
  const reports: RouteDecodeReport[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let failed: Error | undefined;
  let again = false;
  let lastMs = 0;
  const delay = (): number => Math.max(delayMs, 10 * lastMs);
  const start = (): void => {
    timer = undefined;
    const t0 = Date.now();
    running = decode().then(
      (r) => void reports.push(...r),
      (e: Error) => void (failed ??= e),
    ).finally(() => {
      running = undefined;
      lastMs = Date.now() - t0;
      if (again && !failed) {
        again = false;
        timer = setTimeout(start, delay());
      }
    });
  };
  const settle = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    again = false;
    while (running) await running;
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return {
    committed(stored) {
      if (stored <= 0 || failed) return;
      if (running) again = true;
      else if (!timer) timer = setTimeout(start, delay());
    },
    async finish() {
      await settle();
      if (failed) throw failed;
      reports.push(...(await decode()));
      return merge(reports);
    },
    async abort() {
      await settle();
    },
  };
}

/** One report per route: the sums of its decodings. */
function merge(reports: readonly RouteDecodeReport[]): RouteDecodeReport[] {
  const by = new Map<string, RouteDecodeReport>();
  for (const r of reports) {
    const m = by.get(r.route);
    by.set(r.route, m ? { route: r.route, packets: m.packets + r.packets, samples: m.samples + r.samples, chunks: m.chunks + r.chunks, undecoded: [...m.undecoded, ...r.undecoded], skipped: [] } : r);
  }
  return [...by.values()];
}
