import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTcDatabase } from '../database/load.js';
import type { Timeline } from './itl.js';
import { formatPor, porRequestId, porTime } from './por.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const db = loadTcDatabase(path.join(root, 'fixtures/planning/sim.tcdb.json'));
const t0 = Date.parse('2025-01-01T00:00:00Z');

describe('POR (formats.md §6.1)', () => {
  it('porTime(): CCSDS ASCII B with a two-digit year and day of year', () => {
    expect(porTime(Date.parse('2025-01-01T00:00:00Z'))).toBe('25-001T00:00:00.000Z');
    expect(porTime(Date.parse('2024-12-31T23:59:59.123Z'))).toBe('24-366T23:59:59.123Z');
    expect(porTime(Date.parse('2023-03-01T12:00:00Z'))).toBe('23-060T12:00:00.000Z');
    expect(porRequestId(0)).toBe('SEQ0000001');
    expect(porRequestId(0)).toHaveLength(10);
  });

  it('formatPor(): headers, one H1–H5/S1 block per command, a P line per parameter, the waiver as a C line', () => {
    const tl: Timeline = {
      name: 'por', instrument: 'SIM', validity: { start: t0, end: t0 + 86400_000 },
      commands: [
        { t: t0 + 60_000, command: 'SIM_PING', parameters: {} },
        { t: t0 + 120_000, command: 'SIM_OBS_START', parameters: { OBS_ID: 'OBS 7', EXPOSURE: 500, TAG: 'BEEF' } },
      ],
    };
    const lines = formatPor(tl, db, { createdUnixMs: t0, waiver: 'PI accepts', violations: 3 }).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'C POR exported by idoc from plan por (SIM)',
      'C WAIVER: exported with 3 validation error(s): PI accepts',
      `DOR_ 00001 ${'25-001T00:00:00.000Z'.padStart(20)}`,
      '25-001T00:01:00.000Z 25-001T00:02:00.000Z    2',
    ]);
    expect(lines.slice(4, 10)).toEqual(['H1SIM_PING C', 'H2I UTC    T D 000', 'H3', 'H425-001T00:01:00.000Z', 'H5', 'S1SEQ0000001']);
    expect(lines.slice(10, 19)).toEqual([
      'H1SIM_OBS_START C', 'H2I UTC    T D 003', 'H3', 'H425-001T00:02:00.000Z', 'H5', 'S1SEQ0000002',
      'POBS_ID E      "OBS 7"', 'PEXPOSURE E ms   500', 'PTAG R      H BEEF',
    ]);
  });
});
