/**
 * @module Parsing the shared packet-reading options (see read-options.ts): the mission (config + flags) and the
 * read options they ask for.
 */
import type { ReadOptions } from '../../telemetry/framing/index.js';
import { resolveMission, type Mission } from '../../src/config/mission.js';
import { parseChoice, parseIntFlag } from './options.js';
import { FRAMING_CHOICES, type ReadFlags } from './read-options.js';

/** The mission (config + flags) and the read options the flags ask for. Bad values: UsageError naming the flag. */
export async function readSetup(flags: ReadFlags): Promise<{ mission: Mission; read: ReadOptions }> {
  const framing = parseChoice('--framing', flags.framing ?? 'auto', FRAMING_CHOICES);
  const mission = await resolveMission(flags);
  const prefixBytes = flags.prefixBytes !== undefined ? parseIntFlag('--prefix-bytes', flags.prefixBytes, 1, 1024) : undefined;
  const maxPacketLength = flags.maxPacketLength !== undefined ? parseIntFlag('--max-packet-length', flags.maxPacketLength, 7, 65542) : mission.config.maxPacketLength;
  return {
    mission,
    read: {
      framing, crc: mission.crc, crcOverrides: mission.crcOverrides, maxPacketLength,
      ...(prefixBytes !== undefined ? { prefixBytes } : {}),
      ...(mission.knownApids ? { knownApids: mission.knownApids } : {}),
    },
  };
}
