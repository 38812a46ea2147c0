import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTcDatabase } from '../../telecommand/database/load.js';
import { ephemerisFromFile } from '../ephemeris/load.js';
import { loadPlan } from '../plan/load.js';
import { loadRules } from './rules-file.js';
import { validatePlan } from './validate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fx = (p: string) => path.join(root, 'fixtures/planning', p);
const expected = JSON.parse(readFileSync(fx('golden/expected.json'), 'utf8')) as { plans: Record<string, { index: number; rule: string; messageId: string }[]> };

describe('golden plans (fixtures/planning/golden)', async () => {
  const db = loadTcDatabase(fx('sim.tcdb.json'));
  const rules = loadRules(fx('golden/golden.rules.json'));
  const ephemeris = await ephemerisFromFile(fx('samplesat.tle'));
  for (const [file, want] of Object.entries(expected.plans)) {
    it(`validatePlan() finds exactly the ${want.length} known violations of ${file}`, () => {
      const r = validatePlan({ plan: loadPlan(fx(`golden/${file}`)), db, rules, ephemeris });
      const got = r.violations.map((v) => ({ index: v.index, rule: v.rule, messageId: v.messageId }));
      const key = (v: { index: number | null; rule: string; messageId: string }) => `${v.index}/${v.rule}/${v.messageId}`;
      expect(got.map(key).sort()).toEqual(want.map(key).sort());
      expect(r.errors).toBe(want.length);
      // Every violation has a time and a message that names something concrete.
      for (const v of r.violations) {
        expect(v.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(v.message).not.toMatch(/\{\{/);
      }
    });
  }

  it('the event-state violation is dated at the penumbra entry, and the memory overflow at the instant the memory fills', () => {
    const geo = validatePlan({ plan: loadPlan(fx('golden/geometry.plan.json')), db, rules, ephemeris });
    const hv = geo.violations.find((v) => v.rule === 'HV-OFF-ECLIPSE')!;
    // Penumbra entry near 01:27:24 (idoc orbit events on the same TLE; the finder's tolerance is 5 ms).
    expect(Date.parse(hv.time!)).toBeGreaterThan(Date.parse('2025-01-01T01:27:20Z'));
    expect(Date.parse(hv.time!)).toBeLessThan(Date.parse('2025-01-01T01:27:30Z'));
    const res = validatePlan({ plan: loadPlan(fx('golden/resources.plan.json')), db, rules, ephemeris });
    const mem = res.violations.find((v) => v.rule === 'MEMORY')!;
    // Independent arithmetic: 120 Mbit by 00:26:00, drained in the Svalbard pass (LOS ≈ 00:26:21.6), then
    // 4 Mbit/s until 00:27:00 and 2 Mbit/s after: the remaining ≈ 846.6 Mbit take ≈ 423 s → ≈ 00:34:03.
    const t = Date.parse(mem.time!);
    expect(Math.abs(t - Date.parse('2025-01-01T00:34:03.3Z'))).toBeLessThan(2000);
    expect(mem.message).toMatch(/until 2025-01-01T01:10:00\.000Z/);
  });
});
