import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TIME } from '../../src/ccsds/profile.js';
import type { CucSpec } from '../../src/time/cuc.js';
import { decodeCuc } from '../../src/time/cuc.js';
import { splitBuffer } from '../../telemetry/framing/read.js';
import { loadTcDatabase } from '../database/load.js';
import { decodeTc } from '../encode/decode-tc.js';
import { decodeTcHeader } from '../encode/tc-header.js';
import { tcProfile } from '../encode/encode-tc.js';
import type { Timeline } from './itl.js';
import { exportPusStack } from './pus-stack.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const db = loadTcDatabase(path.join(root, 'fixtures/planning/sim.tcdb.json'));
const t0 = Date.parse('2025-01-01T00:00:00Z');
const timeline: Timeline = {
  name: 'stack', instrument: 'SIM', validity: { start: t0, end: t0 + 86400_000 },
  commands: [
    { t: t0, command: 'SIM_POWER_ON', parameters: {} },
    { t: t0 + 60_500, command: 'SIM_MODE', parameters: { MODE: 'SCIENCE' } },
    { t: t0 + 120_000, command: 'SIM_HV_ON', parameters: { VOLTAGE: 1200, RAMP: 12.5 } },
    { t: t0 + 180_250, command: 'SIM_OBS_START', parameters: { OBS_ID: 'OBS 7', EXPOSURE: 500, BINNING: 'B4', COMPRESS: false, TAG: 'BEEF' } },
    { t: t0 + 900_000, command: 'SIM_HTR_SET', parameters: { SETPOINT: -12.5 } },
  ],
};
/** TAI seconds since 1958 of 2025-01-01T00:00:00Z, by hand: 24472 days (1958→2025) + 37 s (TAI−UTC since 2017). */
const TAI_2025 = 24472 * 86400 + 37;

describe('exportPusStack(): decoded back by idoc\'s own packet reader, field by field', () => {
  for (const per of [1, 3]) {
    it(`${per} activit${per === 1 ? 'y' : 'ies'} per TC[11,4]: headers, counts, CRCs, CUC release times and inner commands`, () => {
      const stack = exportPusStack(timeline, db, { activitiesPerPacket: per, scheduleApid: 5, firstSequenceCount: 100, firstScheduleCount: 7 });
      const { batch, framing } = splitBuffer(stack.bytes, { framing: 'raw', crc: 'yes' });
      expect(framing.framing).toBe('raw');
      expect(batch.skips).toEqual([]);
      expect(batch.packets.length).toBe(Math.ceil(timeline.commands.length / per));
      let k = 0;
      batch.packets.forEach((p, n) => {
        expect(p).toMatchObject({ apid: 5, type: 1, secondaryHeader: true, sequenceFlags: 3, sequenceCount: 7 + n, crc: 'ok' });
        const pkt = p.buf.subarray(p.offset, p.offset + p.length);
        const h = decodeTcHeader(pkt, 6, tcProfile());
        expect([h.service, h.subtype]).toEqual([11, 4]);
        let at = 6 + 5; // primary header + PUS-C TC header
        const count = pkt[at++]!;
        expect(count).toBe(Math.min(per, timeline.commands.length - n * per));
        for (let a = 0; a < count; a++, k++) {
          const want = timeline.commands[k]!;
          const cuc = decodeCuc(pkt, at, DEFAULT_TIME as CucSpec);
          expect(Math.abs(cuc.tai - (TAI_2025 + (want.t - t0) / 1000))).toBeLessThanOrEqual(2 ** -16);
          at += cuc.length;
          const len = ((pkt[at + 4]! << 8) | pkt[at + 5]!) + 7;
          const inner = decodeTc(pkt.subarray(at, at + len), db);
          if (!inner.ok) throw new Error(JSON.stringify(inner.problems));
          expect(inner.value.command.name).toBe(want.command);
          expect(inner.value.header).toMatchObject({ apid: 1100, sequenceCount: 100 + k });
          for (const [name, v] of Object.entries(want.parameters)) {
            const got = inner.value.values.find((x) => x.name === name)!;
            if (typeof v === 'number') expect(Number(got.value)).toBeCloseTo(v, 6);
            else expect(String(got.value).toUpperCase()).toBe(String(v).toUpperCase());
          }
          at += len;
        }
        expect(at).toBe(p.length - 2);
      });
      expect(k).toBe(timeline.commands.length);
      expect(stack.manifest.packets.flatMap((p) => p.activities.map((a) => a.command))).toEqual(timeline.commands.map((c) => c.command));
    });
  }

  it('the first release time has the hand-computed CUC bytes', () => {
    const stack = exportPusStack({ ...timeline, commands: timeline.commands.slice(0, 1) }, db);
    expect(Buffer.from(stack.bytes.subarray(12, 18)).toString('hex')).toBe(TAI_2025.toString(16).padStart(8, '0') + '0000');
  });

  it('refuses commands the database cannot encode, naming each; records a waiver in the manifest', () => {
    const bad = { ...timeline, commands: [...timeline.commands, { t: t0 + 1e6, command: 'SIM_FLY', parameters: {} }, { t: t0 + 2e6, command: 'SIM_HTR_SET', parameters: { SETPOINT: 99 } }] };
    expect(() => exportPusStack(bad, db)).toThrow(/2 commands cannot be encoded/);
    const s = exportPusStack(timeline, db, {}, { waiver: 'accepted by the PI', violations: 2, createdUnixMs: t0 });
    expect(s.manifest).toMatchObject({ waiver: { text: 'accepted by the PI', violations: 2 }, created: '2025-01-01T00:00:00.000Z' });
  });
});
