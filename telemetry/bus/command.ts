/**
 * @module `idoc ingest --consume`: the configured archive (SQLite or PostgreSQL) fed from the mission's JetStream
 * subjects until none is pending (`--once`) or until SIGTERM/SIGINT (`--watch`: the message being stored is
 * committed and acknowledged first). With `--metrics PORT` (and `--watch`): Prometheus `/metrics` with the
 * worker's commit latency and the bus's consumer lag per route (lag.ts), `/health`.
 */
import type { Mission } from '../../src/config/mission.js';
import { InputError } from '../../src/errors.js';
import { archiveSettings } from '../../src/store/index.js';
import { busLimitsOf } from '../../src/store/config.js';
import { timeSettings } from '../../src/time/config.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { openConfiguredWriter } from '../ingest/archive-of.js';
import { LatencyHistogram, startMetricsServer } from '../ingest/metrics.js';
import { consumeBus, type ConsumeTotals } from './bus.js';
import { busLagOfMission, renderBusMetrics } from './lag.js';

export async function consumeCommand(mission: Mission, o: { archive?: string; once: boolean; quiet: boolean; err: (line: string) => void; metricsPort?: number }): Promise<ConsumeTotals & { archive: string }> {
  const { dir, options } = archiveSettings(mission.config, o.archive);
  const profile = mission.profile === 'auto' ? PROFILE_PRESETS['pus-c']! : mission.profile;
  const writer = await openConfiguredWriter(mission, dir, options, timeSettings(mission.config), profile.time.epochTai);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const latency = new LatencyHistogram();
  let metrics: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  try {
    if (o.metricsPort !== undefined) {
      metrics = await startMetricsServer(async () => ({
        feeds: [], latency, backlog: [], version: '0.1.0', extra: renderBusMetrics(await busLagOfMission(mission.config, dir)),
      }), o.metricsPort, '127.0.0.1', process.env['IDOC_METRICS_TOKEN'] || undefined)
        .catch((e: NodeJS.ErrnoException) => { throw new InputError(`--metrics ${o.metricsPort}: cannot listen on 127.0.0.1 (${e.code ?? e.message})`); });
      o.err(`${JSON.stringify({ event: 'metrics-listening', url: metrics.url })}\n`);
    }
    const limits = busLimitsOf(mission.config);
    let t0 = performance.now();
    const totals = await consumeBus({
      batch: () => writer.batch(),
      store: async (b, c) => { t0 = performance.now(); const r = await writer.store(b, c); latency.observe((performance.now() - t0) / 1000); return r; },
    }, {
      mission: mission.config.mission.name, untilIdle: o.once, signal: stop.signal, ...(limits ? { limits } : {}),
      ...(o.quiet ? {} : { onStored: (r) => o.err(`${JSON.stringify({ event: 'stored', subject: r.subject, stored: r.stored, duplicates: r.duplicates, repeats: r.repeats })}\n`) }),
    });
    return { archive: writer.name, ...totals };
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await metrics?.close();
    await writer.close();
  }
}
