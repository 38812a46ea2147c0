/**
 * @module The options every command that reads packet files shares (`--config`, `--framing`, `--prefix-bytes`,
 * `--crc`, `--profile`, `--time`, `--epoch`, `--max-packet-length`), declared once; light to import (commands
 * register them at start-up), while `read-setup.ts` parses them, loaded when a command runs.
 */
import type { Command } from 'commander';
import type { FramingName } from '../../telemetry/framing/index.js';

export interface ReadFlags {
  config?: string;
  framing?: string;
  prefixBytes?: string;
  crc?: string;
  profile?: string;
  time?: string;
  epoch?: string;
  maxPacketLength?: string;
}

export const FRAMING_CHOICES: readonly (FramingName | 'auto')[] = ['auto', 'raw', 'dds', 'prefix', 'pcap', 'pcapng'];

/** Add the packet-reading options to `cmd`. */
export function addReadOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'mission config (default: ./idoc.json when present)')
    .option('--framing <name>', `framing: ${FRAMING_CHOICES.join(', ')}`, 'auto')
    .option('--prefix-bytes <n>', 'octets before every packet (implies --framing prefix)')
    .option('--crc <mode>', 'CRC-16 per APID: packet (PEC over the packet; yes), data-field, none (no), auto; or APIDS=MODE entries, e.g. auto,1136=data-field')
    .option('--profile <name>', 'secondary header: pus-c, pus-a, rosetta, cds, cuc (time code only) or none (default: config, else guessed)')
    .option('--time <code>', 'time code in the secondary header, e.g. cuc4.2, cuc4.3, cuc-p, cds-us')
    .option('--epoch <iso>', 'time code epoch (UTC ISO-8601, or ccsds for 1958 TAI)')
    .option('--max-packet-length <n>', 'longest packet accepted, octets (default: config, else 65542)');
}
