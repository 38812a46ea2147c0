import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { InputError, UsageError } from '../../src/errors.js';
import { utcToTai } from '../../src/time/index.js';
import { productsConfig, selectRoutes } from './config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(ROOT, 'fixtures/l0/idoc.json');
const base = () => JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, unknown> & { products: Record<string, unknown> & { routes: Record<string, Record<string, unknown>> } };
const load = (raw: object) => productsConfig(parseConfig(JSON.stringify(raw), CONFIG));
const problemsOf = (raw: object): string[] => {
  try { load(raw); } catch (e) { if (e instanceof InputError) return (e.problems ?? []).map((p) => p.path); throw e; }
  return [];
};

describe('products config (schemas/config-products.schema.json): issue 12 additions', () => {
  it('derives purpose from the APID kinds: housekeeping and events Engineering, science Science; a route may say', () => {
    const c = load(base());
    expect(c.routes.map((r) => [r.name, r.purpose])).toEqual([['SIM_HK_FAST', 'Engineering'], ['SIM_HK_SLOW', 'Engineering'], ['SIM_SCI', 'Science'], ['SIM_EVT', 'Engineering']]);
    const raw = base();
    raw.products.routes['SIM_EVT']!['purpose'] = 'Science';
    expect(load(raw).routes.find((r) => r.name === 'SIM_EVT')!.purpose).toBe('Science');
  });

  it('reads context LIDs, mission phases, sub-instruments and geometry (on with an ephemeris, 60 s by default)', () => {
    const raw = base();
    Object.assign(raw.products, {
      context: { instrumentHost: 'urn:esa:psa:context:instrument_host:spacecraft.samplesat', target: 'urn:nasa:pds:context:target:planet.earth' },
      missionPhases: [{ name: 'Commissioning', id: 'com', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }],
      ephemeris: '../planning/samplesat.tle',
    });
    raw.products.routes['SIM_SCI']!['subInstrument'] = { identifier: 'SCI', name: 'SIM science channel', type: 'Spectrometer' };
    const c = load(raw);
    expect(c.context.instrumentHost).toBe('urn:esa:psa:context:instrument_host:spacecraft.samplesat');
    expect(c.missionPhases).toEqual([{ name: 'Commissioning', id: 'com', fromTai: utcToTai('2026-01-01T00:00:00Z'), toTai: utcToTai('2026-02-01T00:00:00Z') }]);
    expect(c.routes.find((r) => r.name === 'SIM_SCI')!.subInstrument).toEqual({ identifier: 'SCI', name: 'SIM science channel', type: 'Spectrometer' });
    expect(c.geometry).toEqual({ step: 60, collection: 'geometry' });
    expect(load({ ...raw, products: { ...raw.products, geometry: { enabled: false } } }).geometry).toBeUndefined();
    expect(load(base()).geometry).toBeUndefined();
  });

  it('names each defect with its JSON pointer', () => {
    const raw = base();
    Object.assign(raw.products, {
      context: { instrument: 'MAJIS' },
      missionPhases: [{ name: 'Cruise', id: 'cruise', from: '2026-01-01T00:00:00Z' }],
      geometry: { step: 0 },
    });
    raw.products.routes['SIM_HK_FAST']!['purpose'] = 'Housekeeping';
    raw.products.routes['SIM_SCI']!['subInstrument'] = { name: 'no identifier' };
    expect(problemsOf(raw).sort()).toEqual([
      `${CONFIG}#/products/context/instrument`,
      `${CONFIG}#/products/geometry/step`,
      `${CONFIG}#/products/missionPhases/0/to`,
      `${CONFIG}#/products/routes/SIM_HK_FAST/purpose`,
      `${CONFIG}#/products/routes/SIM_SCI/subInstrument/identifier`,
    ]);
  });

  it('selectRoutes(): products routes, else ingest routes of the config, else apid_<n>; anything else is a usage error', () => {
    const raw = base();
    raw['routes'] = { SIM_HK: { apids: [[1100, 1101]] } };
    const c = load(raw);
    expect(selectRoutes(c, ['SIM_SCI']).routes.map((r) => r.name)).toEqual(c.routes.map((r) => r.name));
    const hk = selectRoutes(c, ['SIM_HK']).routes[0]!;
    expect([hk.name, hk.apids, hk.purpose]).toEqual(['SIM_HK', [[1100, 1101]], 'Engineering']);
    expect(() => selectRoutes(c, ['NOPE'])).toThrow(UsageError);
    expect(() => selectRoutes(c, ['apid_1100'])).toThrow(/not a configured route \(SIM_HK_FAST, SIM_HK_SLOW, SIM_SCI, SIM_EVT, SIM_HK\)/);
    const none = load({ mission: { name: 'M' }, products: {} });
    expect(selectRoutes(none, ['apid_1100']).routes).toEqual([]);
  });
});

describe('the precompiled products validator', () => {
  it('is what telemetry/products/_validator-generate.ts makes of schemas/config-products.schema.json (npm run validators regenerates it)', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const { productsValidatorCode } = await import('./_validator-generate.js');
    expect(readFileSync(fileURLToPath(new URL('./_validator.generated.ts', import.meta.url)), 'utf8')).toBe(productsValidatorCode());
  });
});
