/**
 * @module `idoc tm l1-worker` (issue 19): an L1 builder driven by the committed-window announcements
 * (committed.ts), as `l0 worker` is for L0. For each product window (the configured `products.window`) an
 * announced span touches, the window's packets are read from the configured archive through the port (SQLite or
 * PostgreSQL), decoded with the mission database into a parameter archive of the window (a private folder,
 * removed afterwards), and written as the L1 product `tm l1` writes (telemetry/parameters/l1.ts), named for the
 * window's start and versioned: late packets that change a window's table make its next version (`_v2`, VID 2.0),
 * an unchanged table writes nothing. Announcements are acknowledged after the products are written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Mission } from '../../src/config/mission.js';
import type { TmDatabase } from '../../src/mdb/types.js';
import { openConfiguredReader } from '../../src/archive-of.js';
import { archiveSettings } from '../../src/store/index.js';
import { taiToUtcIso } from '../../src/time/index.js';
import { fillFromPacketArchive } from '../parameters/fill.js';
import { ParameterArchiveReader } from '../parameters/archive.js';
import { writeL1, type L1Written } from '../parameters/l1.js';
import { orbitsFor, productsConfig, windowFunction } from '../products/index.js';
import { openBus } from './bus.js';
import { busLimitsOf } from '../../src/store/config.js';
import { withWindowLocks } from './window-lock.js';
import { consumeCommitted } from './committed.js';

export interface L1WorkerOptions {
  readonly mission: Mission;
  readonly archive?: string;
  readonly db: TmDatabase;
  /** Parameters, one column each. */
  readonly names: readonly string[];
  readonly outDir: string;
  /** Product id stem (the window's first sample time is appended). */
  readonly name?: string;
  readonly durable?: string;
  readonly url?: string;
  readonly untilIdle?: boolean;
  readonly signal?: AbortSignal;
  readonly onWritten?: (p: L1Written & { fromTai: number; toTai: number }) => void;
}

/** `products`: versions written (new or updated); `unchanged`: windows whose latest version already held the table. */
export interface L1WorkerTotals { announcements: number; windows: number; products: number; unchanged: number }

/**
 * Decode the packets of [fromTai, toTai) into a fresh parameter archive in `dir`, as `tm archive` fills one (packets
 * that do not decode are left out).
 */
async function fillWindow(o: L1WorkerOptions, dir: string, fromTai: number, toTai: number): Promise<void> {
  const { dir: archiveDir } = archiveSettings(o.mission.config, o.archive);
  const reader = await openConfiguredReader(o.mission.config, archiveDir);
  await fillFromPacketArchive(dir, o.db, { reader, keep: new Set(o.names), fromTai, toTai });
}

/** Run the worker until idle (`untilIdle`) or until `signal` aborts. @throws InputError when NATS or the archive cannot be opened. */
export async function runL1Worker(o: L1WorkerOptions): Promise<L1WorkerTotals> {
  const products = productsConfig(o.mission.config);
  const windowOf = windowFunction(products.window, await orbitsFor({ products }));
  const m = o.mission.config.mission;
  const limits = busLimitsOf(o.mission.config);
  const { nc, js } = await openBus({ mission: m.name, ...(o.url !== undefined ? { url: o.url } : {}), ...(limits ? { limits } : {}) });
  const totals: L1WorkerTotals = { announcements: 0, windows: 0, products: 0, unchanged: 0 };
  try {
    totals.announcements = await consumeCommitted({
      mission: m.name, js, jsm: await nc.jetstreamManager(), durable: o.durable ?? 'l1',
      ...(o.untilIdle !== undefined ? { untilIdle: o.untilIdle } : {}), ...(o.signal ? { signal: o.signal } : {}),
    }, async (announced) => {
      // Whole windows, each once, whatever routes announced them.
      const spans = new Map<number, number>();
      for (const a of announced) {
        for (let t = a.fromTai; ;) {
          const w = windowOf(t);
          spans.set(w.startTai, w.stopTai);
          if (w.stopTai > a.toTai) break;
          t = w.stopTai;
        }
      }
      for (const [fromTai, toTai] of [...spans].sort((a, b) => a[0] - b[0])) {
        const dir = await mkdtemp(path.join(tmpdir(), 'idoc-l1-window-'));
        try {
          await fillWindow(o, dir, fromTai, toTai);
          totals.windows++;
          const reader = new ParameterArchiveReader(dir);
          try {
            if (o.names.some((n) => !reader.parameter(n))) continue; // none of these parameters in the window
            // One writer per L1 folder and window (window-lock.ts): two workers never write the same next version.
            const written = await withWindowLocks(o.outDir, [`l1@${fromTai}`], async () => writeL1(reader, {
              names: o.names, outDir: o.outDir, bundle: products.bundle, fromTai, toTai, ...(o.name !== undefined ? { name: o.name } : {}),
              idTime: taiToUtcIso(fromTai, 0), versioned: true,
              label: {
                missionName: m.name, instrumentName: m.instrument ?? m.name, ...(m.spacecraft !== undefined ? { instrumentHostName: m.spacecraft } : {}),
                targetName: products.target.name, targetType: products.target.type, source: `the packet archive (${o.names.length} parameter(s))`,
                ...(products.context.investigation !== undefined ? { investigationLid: products.context.investigation } : {}),
              },
            }));
            if (written.status === 'unchanged') {
              totals.unchanged++;
              continue;
            }
            totals.products++;
            o.onWritten?.({ ...written, fromTai, toTai });
          } catch (e) {
            if (!(e instanceof Error && /no timed sample/.test(e.message))) throw e;
          } finally {
            reader.close();
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
    });
    return totals;
  } finally {
    await nc.drain().catch(() => undefined);
  }
}
