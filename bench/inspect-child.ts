/**
 * @module One `packets inspect` run in a fresh process (so its peak RSS is its own): prints JSON
 * `{ seconds, packets, bytes, maxRssMB }` for the file given as the argument.
 */
import { peakRssMB } from './_common.js';
import { walkFiles } from '../telemetry/inspect/walk.js';
import { PROFILE_PRESETS } from '../src/ccsds/profile.js';

const file = process.argv[2]!;
const t = performance.now();
const r = await walkFiles([file], { read: { crc: 'yes', framing: 'raw' }, profile: PROFILE_PRESETS['pus-c']! });
const seconds = (performance.now() - t) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, packets: r.totals.packets, bytes: r.totals.bytes, crcErrors: r.totals.crcErrors, maxRssMB: peakRssMB() })}\n`);
