/**
 * Calibrators as functions: the SCOS-2000 LGF logarithmic calibration y = 1 / (A0 + A1 ln x + … + A4 ln⁴x)
 * against known answers (and invalid for x ≤ 0), and through a MIB end to end (the SIM MIB fixture with its
 * temperature calibration replaced by an LGF one).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadMibTm } from '../../src/mdb/mib/load.js';
import { calibratorFunction } from './calibrate.js';
import { decodeFiles } from './decode-files.js';
import { resolveMission } from '../../src/config/mission.js';

describe('logarithmic calibration (MIB LGF)', () => {
  test('known answers: x = e² with A = 0.001, 0.0002, 0.00001 → 1 / 0.00144; x = 1 → 1 / A0; x ≤ 0 invalid', () => {
    const f = calibratorFunction({ kind: 'logarithmic', coefficients: [0.001, 0.0002, 0.00001] });
    expect(f(Math.exp(2))).toBeCloseTo(1 / 0.00144, 6);
    expect(f(1)).toBeCloseTo(1000, 9);
    expect(f(0)).toBeNaN();
    expect(f(-3)).toBeNaN();
  });

  test('equals the formula term by term for any five coefficients (property)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (a, x) => {
      const l = Math.log(x);
      const d = a.reduce((s, k, i) => s + k * l ** i, 0);
      const y = calibratorFunction({ kind: 'logarithmic', coefficients: a })(x);
      if (Math.abs(d) < 1e-9) return;
      expect(y).toBeCloseTo(1 / d, 6);
    }));
  });

  test('through a MIB: DET_TEMP with an LGF calibration decodes to 1 / (A0 + A1 ln raw)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idoc-lgf-'));
    try {
      cpSync('fixtures/mib-tm', dir, { recursive: true });
      const pcf = path.join(dir, 'pcf.dat');
      writeFileSync(pcf, readFileSync(pcf, 'latin1').replace('MCF_TEMP', 'LGF_TEMP'));
      writeFileSync(path.join(dir, 'lgf.dat'), 'LGF_TEMP\tlog\t0.01\t0.001\t\t\t\n');
      const mission = await resolveMission({ config: 'fixtures/sample-mission/idoc.json' });
      const r = await decodeFiles(['fixtures/sample/sim.dds'], loadMibTm(dir).db, { read: { framing: 'auto', crc: mission.crc, crcOverrides: mission.crcOverrides, maxPacketLength: 65542 }, profile: mission.profile, keep: new Set(['DET_TEMP']), filter: { apid: (a) => a === 1100 } });
      const t = r.decoder.tables().find((x) => x.columns.length)!;
      const c = t.columns[0]!;
      expect(t.rows).toBe(300);
      for (let k = 0; k < t.rows; k++) {
        const raw = (c.raw as Float64Array)[k]!;
        expect(c.eng![k]).toBeCloseTo(1 / (0.01 + 0.001 * Math.log(raw)), 9);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
