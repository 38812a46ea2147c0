/**
 * @module `idoc l0 worker` (issue 19): an L0 builder driven by the archive workers' committed-window announcements
 * (committed.ts). Each batch of announcements, merged per route, becomes one rebuild per products route claiming
 * the announced APIDs, over the whole product windows the announced span touches (windows of the configured kind,
 * so a rebuilt product is the product `idoc l0 build` makes): late data gives the next product version, data
 * already in the product leaves it unchanged. Announcements are acknowledged after the rebuild; a builder killed
 * meanwhile gets them again.
 */
import type { Mission } from '../../src/config/mission.js';
import type { ReadOptions } from '../framing/index.js';
import { archiveRoutes, buildL0FromMission, orbitsFor, selectRoutes, windowFunction, type BuildOptions, type BuiltProduct } from '../products/index.js';
import { openBus } from './bus.js';
import { busLimitsOf } from '../../src/store/config.js';
import { consumeCommitted, type CommittedWindow } from './committed.js';
import { withWindowLocks } from './window-lock.js';

export interface L0WorkerOptions {
  readonly mission: Mission;
  readonly read: ReadOptions;
  /** The archive directory flag (default: the config's). */
  readonly archive?: string;
  /** Build options as `l0 build` makes them (routes, window span and profile are set per rebuild). */
  readonly build: Omit<BuildOptions, 'profile' | 'routes' | 'fromTai' | 'toTai'>;
  /** Durable consumer name (default `l0`). */
  readonly durable?: string;
  readonly url?: string;
  readonly untilIdle?: boolean;
  readonly signal?: AbortSignal;
  /** Called when a window's lock is held by another worker (host, pid) and this one waits. */
  readonly onLockWait?: (key: string, holder: { host: string; pid: number }) => void;
  /** Called after each rebuild of a products route over a span. */
  readonly onRebuilt?: (e: { route: string; fromTai: number; toTai: number; products: readonly BuiltProduct[] }) => void;
}

export interface L0WorkerTotals { announcements: number; rebuilds: number; new: number; updated: number; unchanged: number }

/** The products routes and whole-window spans an announcement asks to rebuild. */
export async function rebuildPlan(w: CommittedWindow, build: L0WorkerOptions['build']): Promise<{ routes: string[]; fromTai: number; toTai: number; windows: number[] }> {
  const orbits = await orbitsFor(build);
  const windowOf = windowFunction(build.window ?? build.products.window, orbits);
  const routes = archiveRoutes(w.apids, { products: build.products, mission: build.mission }).routes.map((r) => r.route.name);
  const fromTai = windowOf(w.fromTai).startTai, toTai = windowOf(w.toTai).stopTai;
  // The windows' starts (the lock keys of window-lock.ts).
  const windows: number[] = [];
  for (let t = fromTai; t < toTai;) {
    const x = windowOf(t);
    windows.push(x.startTai);
    if (!(x.stopTai > t)) break;
    t = x.stopTai;
  }
  return { routes, fromTai, toTai, windows };
}

/** Run the worker until idle (`untilIdle`) or until `signal` aborts. @throws InputError when NATS or the archive cannot be opened. */
export async function runL0Worker(o: L0WorkerOptions): Promise<L0WorkerTotals> {
  const limits = busLimitsOf(o.mission.config);
  const { nc, js } = await openBus({ mission: o.mission.config.mission.name, ...(o.url !== undefined ? { url: o.url } : {}), ...(limits ? { limits } : {}) });
  const totals: L0WorkerTotals = { announcements: 0, rebuilds: 0, new: 0, updated: 0, unchanged: 0 };
  try {
    totals.announcements = await consumeCommitted({
      mission: o.mission.config.mission.name, js, jsm: await nc.jetstreamManager(), durable: o.durable ?? 'l0',
      ...(o.untilIdle !== undefined ? { untilIdle: o.untilIdle } : {}), ...(o.signal ? { signal: o.signal } : {}),
    }, async (windows) => {
      for (const w of windows) {
        const plan = await rebuildPlan(w, o.build);
        if (!plan.routes.length) continue;
        // One writer per products folder and window: another worker rebuilding the same window is waited for (its
        // product is then found, and this rebuild makes the next version only for data it did not have).
        const keys = plan.routes.flatMap((r) => plan.windows.map((t) => `${r}@${t}`));
        const { report } = await withWindowLocks(o.build.out, keys, () => buildL0FromMission({ mission: o.mission, read: o.read, archive: o.archive },
          { ...o.build, products: selectRoutes(o.build.products, plan.routes), routes: plan.routes, fromTai: plan.fromTai, toTai: plan.toTai }),
        o.onLockWait ? { onWait: o.onLockWait } : {});
        totals.rebuilds++;
        for (const p of report.products) totals[p.status]++;
        o.onRebuilt?.({ route: w.route, fromTai: plan.fromTai, toTai: plan.toTai, products: report.products });
      }
    });
    return totals;
  } finally {
    await nc.drain().catch(() => undefined);
  }
}
