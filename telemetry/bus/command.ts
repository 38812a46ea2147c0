/**
 * @module `idoc ingest --consume`: the configured archive (SQLite or PostgreSQL) fed from the mission's JetStream
 * subjects until none is pending (`--once`) or until SIGTERM/SIGINT (`--watch`: the message being stored is
 * committed and acknowledged first).
 */
import type { Mission } from '../../src/config/mission.js';
import { archiveSettings } from '../../src/store/index.js';
import { timeSettings } from '../../src/time/config.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { openConfiguredWriter } from '../ingest/archive-of.js';
import { consumeBus, type ConsumeTotals } from './bus.js';

export async function consumeCommand(mission: Mission, o: { archive?: string; once: boolean; quiet: boolean; err: (line: string) => void }): Promise<ConsumeTotals & { archive: string }> {
  const { dir, options } = archiveSettings(mission.config, o.archive);
  const profile = mission.profile === 'auto' ? PROFILE_PRESETS['pus-c']! : mission.profile;
  const writer = await openConfiguredWriter(mission, dir, options, timeSettings(mission.config), profile.time.epochTai);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const totals = await consumeBus(writer, {
      mission: mission.config.mission.name, untilIdle: o.once, signal: stop.signal,
      ...(o.quiet ? {} : { onStored: (r) => o.err(`${JSON.stringify({ event: 'stored', subject: r.subject, stored: r.stored, duplicates: r.duplicates, repeats: r.repeats })}\n`) }),
    });
    return { archive: writer.name, ...totals };
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await writer.close();
  }
}
