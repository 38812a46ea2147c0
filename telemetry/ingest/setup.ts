/**
 * @module The wiring of an ingest run from a mission config: feeds, routing table and dispatcher, the archive
 * (opened for writing through the archive port, locked) and the context `ingestOnce` / `runWatch` take. Shared by `idoc ingest` and
 * `idoc demo` so both build the chain the same way. `finish` commits or aborts the routes' raw files and
 * forwards, then closes the archive and releases the lock.
 */
import { mkdir } from 'node:fs/promises';
import type { Mission } from '../../src/config/mission.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { archiveSettings } from '../../src/store/index.js';
import { openConfiguredWriter, type IngestWriter } from './archive-of.js';
import { feedsFromConfig } from '../feeds/config.js';
import type { Feed } from '../feeds/types.js';
import { RouteDispatcher, routeTable } from '../routing/index.js';
import { takeLock } from './lock.js';
import { ingestOnce, type OnceResult } from './run-once.js';
import type { UnitContext } from './ingest-unit.js';
import { timeSettings } from '../../src/time/config.js';
import type { Logger } from './log.js';
import { decodeRoutesOf, ingestDecoding, parameterIngestHook, type RouteDecodeReport } from '../parameters/ingest-hook.js';

/** An opened ingest: what the runners need, and how to end it. */
export interface IngestSetup {
  /** Archive directory (absolute). */
  readonly dir: string;
  /** The archive (SQLite on its own thread, or PostgreSQL by `archive.kind`), or the ingest bus (`--publish`). */
  readonly archive: IngestWriter;
  readonly feeds: readonly Feed[];
  readonly router: RouteDispatcher;
  /** The context for `ingestOnce` / `runWatch`. */
  readonly unitCtx: Omit<UnitContext, 'stats'>;
  /** Commit (`ok`) or abort the routes' raw files and forwards, close the archive, release the lock. */
  finish(ok: boolean): Promise<void>;
  /** What decoding into the parameter archive did when the run committed (routes with `decode`; empty without). */
  decoded(): readonly RouteDecodeReport[];
}

/**
 * Open the ingest chain of `mission`: feeds and routes from its config, the archive of `archive.dir` (or
 * `archiveDir`), locked against a second ingest.
 * @throws InputError on a bad feeds/routes/archive section, an unopenable archive or a held lock.
 */
export async function openIngest(mission: Mission, archiveDir?: string, openWriter?: () => Promise<IngestWriter>): Promise<IngestSetup> {
  const feeds = feedsFromConfig(mission.config);
  const router = new RouteDispatcher(routeTable(mission.config));
  const settings = archiveSettings(mission.config, archiveDir);
  const dir = settings.dir;
  // A config with a decoding route keeps the arrival index, through which decoding finds the new rows.
  const options = decodeRoutesOf(mission.config).length ? { ...settings.options, arrivalIndex: true } : settings.options;
  const profile = mission.profile === 'auto' ? PROFILE_PRESETS['pus-c']! : mission.profile;
  const time = timeSettings(mission.config);
  // The lock first: opening an archive for writing repairs it (cuts an uncommitted segment tail), which must
  // never happen under a running ingest.
  await mkdir(dir, { recursive: true });
  const lock = await takeLock(dir);
  let archive: IngestWriter;
  try {
    archive = openWriter ? await openWriter() : await openConfiguredWriter(mission, dir, options, time, profile.time.epochTai);
  } catch (e) {
    await lock.release();
    throw e;
  }
  // Routes with `decode`: their committed packets are decoded into the parameter archive, in the background while
  // the run goes on and when it ends (not when a bus consumer stores them: openWriter).
  let decoding: ReturnType<typeof ingestDecoding> | undefined;
  try {
    const hook = openWriter ? undefined : parameterIngestHook(mission.config, dir);
    decoding = hook ? ingestDecoding(hook) : undefined;
  } catch (e) {
    await archive.close();
    await lock.release();
    throw e;
  }
  let decoded: readonly RouteDecodeReport[] = [];
  const periodOf = (apid: number) => mission.config.apids.find((d) => apid >= d.apids.from && apid <= d.apids.to)?.periodSeconds;
  const unitCtx = {
    archive, router, profile, time, periodOf,
    ...(decoding ? { onCommit: (_ms: number, stored: number) => decoding.committed(stored) } : {}),
    read: { crc: mission.crc, crcOverrides: mission.crcOverrides, maxPacketLength: mission.config.maxPacketLength, ...(mission.knownApids ? { knownApids: mission.knownApids } : {}) },
  };
  return {
    dir, archive, feeds, router, unitCtx,
    decoded: () => decoded,
    async finish(ok) {
      try {
        if (ok) await router.commit(); // raw packet files renamed into place, forwards drained
        else await router.abort();
      } finally {
        try {
          if (!ok) await decoding?.abort();
          await archive.close();
          if (ok && decoding) decoded = await decoding.finish();
        } finally {
          await lock.release();
        }
      }
    },
  };
}

/** One `--once` run of an opened ingest, finished (committed, closed, unlocked) whatever happens. */
export async function ingestOnceAndFinish(setup: IngestSetup, log: Logger, signal?: AbortSignal): Promise<OnceResult> {
  let result: OnceResult;
  try {
    result = await ingestOnce(setup.feeds, setup.unitCtx, log, signal);
  } catch (e) {
    await setup.finish(false);
    throw e;
  }
  await setup.finish(true);
  return result;
}
