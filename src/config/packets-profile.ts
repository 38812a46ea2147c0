/**
 * @module The config's `packets` section → a {@link PacketProfile}: start from the named preset
 * (src/ccsds/profile.ts), then apply what the file says. A time code of the preset's kind inherits the preset's
 * unspecified fields (so `rosetta` + `{"code":"cuc","fineOctets":3}` keeps the sync flag and the 2003 epoch);
 * a time code of the other kind starts from the CCSDS defaults.
 */
import { PROFILE_PRESETS, type PacketProfile, type TimeCodeSpec } from '../ccsds/profile.js';
import { epochToTai } from './epoch.js';
import type { PointerProblem } from './schema-problems.js';
import type { ConfigFileCdsTime, ConfigFileCucTime, ConfigFilePackets } from './types.js';

/** Largest whole packet: 65535 + 1 data octets + 6 header octets (CCSDS 133.0-B-2 §4.1.3.5). */
export const MAX_PACKET_LENGTH = 65_542;

type CucSpec = Extract<TimeCodeSpec, { code: 'cuc' }>;
type CdsSpec = Extract<TimeCodeSpec, { code: 'cds' }>;

/** CUC 4+2, no P-field, CCSDS epoch, no sync flag (the CCSDS default, = DEFAULT_TIME). */
export const DEFAULT_CUC_TIME: CucSpec = { code: 'cuc', coarseOctets: 4, fineOctets: 2, pField: false, epochTai: 0, syncFlagInMsb: false };

/** CDS with a 16-bit day, no sub-millisecond field, no P-field, CCSDS epoch. */
export const DEFAULT_CDS_TIME: CdsSpec = { code: 'cds', dayOctets: 2, subMs: 'none', pField: false, epochTai: 0 };

/** The starting point for a time code of `code`: `from` when it is of that kind, else the CCSDS default. */
export function timeBase(code: 'cuc', from: TimeCodeSpec): CucSpec;
export function timeBase(code: 'cds', from: TimeCodeSpec): CdsSpec;
export function timeBase(code: 'cuc' | 'cds', from: TimeCodeSpec): TimeCodeSpec;
export function timeBase(code: 'cuc' | 'cds', from: TimeCodeSpec): TimeCodeSpec {
  if (from.code === code) return from;
  return code === 'cuc' ? DEFAULT_CUC_TIME : DEFAULT_CDS_TIME;
}

function resolveTime(t: ConfigFileCucTime | ConfigFileCdsTime, preset: TimeCodeSpec, epochTai: number): TimeCodeSpec {
  if (t.code === 'cuc') {
    const b = timeBase('cuc', preset);
    return {
      code: 'cuc',
      coarseOctets: t.coarseOctets ?? b.coarseOctets,
      fineOctets: t.fineOctets ?? b.fineOctets,
      pField: t.pField ?? b.pField,
      epochTai,
      syncFlagInMsb: t.syncFlagInMsb ?? b.syncFlagInMsb,
    };
  }
  const b = timeBase('cds', preset);
  return { code: 'cds', dayOctets: t.dayOctets ?? b.dayOctets, subMs: t.subMs ?? b.subMs, pField: t.pField ?? b.pField, epochTai };
}

/**
 * Resolve a schema-valid `packets` section (pointers in problems are under `/packets`).
 * Problems: `epoch` when the epoch cannot be converted (e.g. a second 60 on a day without a leap second).
 */
export function profileFromPackets(packets: ConfigFilePackets | undefined): { profile: PacketProfile; maxPacketLength: number; problems: PointerProblem[] } {
  const problems: PointerProblem[] = [];
  const preset = PROFILE_PRESETS[packets?.profile ?? 'pus-c'] ?? PROFILE_PRESETS['pus-c']!;
  let time = preset.time;
  const t = packets?.time;
  if (t !== undefined) {
    let epochTai = timeBase(t.code, preset.time).epochTai;
    if (t.epoch !== undefined) {
      try {
        epochTai = epochToTai(t.epoch, t.epochScale ?? 'UTC');
      } catch (e) {
        problems.push({ code: 'epoch', pointer: '/packets/time/epoch', message: e instanceof Error ? e.message : String(e) });
      }
    }
    time = resolveTime(t, preset.time, epochTai);
  }
  const profile: PacketProfile = {
    secondaryHeader: preset.secondaryHeader,
    time,
    crc: packets?.crc ?? preset.crc,
    pusA: { ...preset.pusA, ...packets?.pusA },
    pusCSpareOctets: packets?.pusCSpareOctets ?? preset.pusCSpareOctets,
    pusCUnsynchronisedTimeReference: packets?.pusCUnsynchronisedTimeReference !== undefined
      ? packets.pusCUnsynchronisedTimeReference.reduce((m, v) => m | (1 << v), 0)
      : preset.pusCUnsynchronisedTimeReference,
  };
  return { profile, maxPacketLength: packets?.maxPacketLength ?? MAX_PACKET_LENGTH, problems };
}
