/**
 * The parameter archive: CoDICE housekeeping stored and read back equals the team's raw export row for row;
 * batches (bounded memory) store the same series as one pass; the packet-archive route (after ingest) stores
 * what the files route stores; statistics per bin equal a direct computation (property test).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { loadTmDatabase } from '../../src/mdb/load.js';
import { loadXtce } from '../../src/mdb/xtce/load.js';
import { openArchive } from '../../src/store/index.js';
import { storeFile } from '../../src/store/_test-packets.js';
import { resolveMission } from '../../src/config/mission.js';
import { taiToUtcIso, utcToTai } from '../../src/time/index.js';
import { compileDecoder } from './compile.js';
import { ParameterArchiveReader, ParameterArchiveWriter, type ParameterSeries } from './archive.js';
import { fillFromFiles, fillFromPacketArchive } from './fill.js';
import { engText, parameterStats, rawText } from './query.js';
import type { TmDatabase } from '../../src/mdb/types.js';

const SAMPLES = path.resolve('..', 'shared', 'samples');
const CODICE = ['P_COD_NHK.xml', 'imap_codice_l0_hskp_20100101_v001.pkts', 'idle_export_raw.COD_NHK_20230822_122700.csv'];
const haveCodice = CODICE.every((f) => existsSync(path.join(SAMPLES, f)));

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'idoc-params-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const read = { framing: 'raw', crc: 'no', maxPacketLength: 65542 } as const;

describe.skipIf(!haveCodice)('CoDICE APID 1136 through the parameter archive (skipped without ../shared/samples)', () => {
  test('every column of the raw export equals the stored raw values, row for row, in SHCOARSE time order', async () => {
    const dir = tmp();
    const db = loadXtce(readFileSync(path.join(SAMPLES, CODICE[0]!), 'utf8'), CODICE[0]!);
    // Batches of 7 packets: 15 chunks per parameter, read back in time order.
    const r = await fillFromFiles(dir, [path.join(SAMPLES, CODICE[1]!)], db, { read, profile: 'auto', filter: { apid: (a) => a === 1136 } }, { time: { parameter: 'SHCOARSE', epoch: '2010-01-01T00:00:00Z' }, batchPackets: 7 });
    expect(r.packets).toBe(99);
    const lines = readFileSync(path.join(SAMPLES, CODICE[2]!), 'utf8').split(/\r?\n/).filter((l) => l !== '');
    const header = lines[0]!.split(',');
    const rows = lines.slice(1).map((l) => l.split(','));
    const reader = new ParameterArchiveReader(dir);
    try {
      let compared = 0;
      for (const name of header.filter((h) => h !== 'timestamp')) {
        const s = reader.series(name)!;
        expect(s.length, name).toBe(rows.length);
        const k = header.indexOf(name);
        for (let i = 0; i < rows.length; i++) {
          expect(rawText(s, i), `${name} row ${i + 1}`).toBe(rows[i]![k]);
          expect(engText(s, i), `${name} row ${i + 1}`).toBe(rows[i]![k]); // no calibrators in P_COD_NHK.xml
          compared++;
        }
      }
      expect(compared).toBe(122 * 99);
      // Times are SHCOARSE seconds from the epoch.
      const t = reader.series('SHCOARSE')!;
      expect(taiToUtcIso(t.tai[1]!, 0)).toBe(taiToUtcIso(utcToTai('2010-01-01T00:00:00Z') + Number(rows[1]![header.indexOf('SHCOARSE')]), 0));
      // A range selects by that time: all but the first packet (SHCOARSE 0) are in 2023.
      expect(reader.series('MODE', utcToTai('2023-01-01T00:00:00Z'), utcToTai('2024-01-01T00:00:00Z'))!.length).toBe(98);
    } finally {
      reader.close();
    }
    // The same file again is noticed and skipped.
    const again = await fillFromFiles(dir, [path.join(SAMPLES, CODICE[1]!)], db, { read, profile: 'auto' }, { time: { parameter: 'SHCOARSE', epoch: '2010-01-01T00:00:00Z' } });
    expect(again.skipped.length).toBe(1);
    expect(again.samples).toBe(0);
  });
});

const SIM_DEFS = 'fixtures/sample-mission/sim-tm.xml';
const SIM = 'fixtures/sample/sim.dds';

const same = (a: ParameterSeries, b: ParameterSeries): void => {
  expect(a.length).toBe(b.length);
  expect([...a.tai]).toEqual([...b.tai]);
  expect([...a.state]).toEqual([...b.state]);
  for (let k = 0; k < a.length; k++) {
    expect(rawText(a, k)).toBe(rawText(b, k));
    expect(engText(a, k)).toBe(engText(b, k));
  }
};

describe('SIM fixture: files, batches and the packet archive store the same series', () => {
  test('one batch, 13-packet batches, and the packet archive after ingest', async () => {
    const mission = await resolveMission({ config: 'fixtures/sample-mission/idoc.json' });
    const db = loadTmDatabase(SIM_DEFS);
    const whole = tmp();
    const small = tmp();
    const fromArchive = tmp();
    const opts = { read: { framing: 'auto', crc: mission.crc, crcOverrides: mission.crcOverrides, maxPacketLength: 65542 } as const, profile: mission.profile };
    const a = await fillFromFiles(whole, [SIM], db, opts);
    const b = await fillFromFiles(small, [SIM], db, opts, { batchPackets: 13 });
    expect(a.samples).toBe(b.samples);
    expect(a.samples).toBeGreaterThan(1000);
    expect(b.chunks).toBeGreaterThan(a.chunks);
    const archive = openArchive(fromArchive);
    if (mission.profile === 'auto') throw new Error('the sample mission names its profile');
    await storeFile(archive, SIM, mission.profile, (apid) => `apid_${apid}`);
    archive.close();
    const c = await fillFromPacketArchive(fromArchive, db, { batchPackets: 50 });
    expect(c.samples).toBe(a.samples);
    const [ra, rb, rc] = [new ParameterArchiveReader(whole), new ParameterArchiveReader(small), new ParameterArchiveReader(fromArchive)];
    try {
      for (const name of ['DET_TEMP', 'HV_LEVEL', 'BUS_VOLT', 'OBT', 'EVENT_TEXT']) {
        const sa = ra.series(name)!;
        expect(sa.length, name).toBeGreaterThan(0);
        same(sa, rb.series(name)!);
        same(sa, rc.series(name)!);
      }
      // Enumeration labels and calibrated numbers are stored, not just raw numbers.
      const hv = ra.series('HV_LEVEL')!;
      expect(engText(hv, 0)).toMatch(/^[A-Z]+$/);
      const temp = ra.series('DET_TEMP')!;
      expect(engText(temp, 0)).not.toBe(rawText(temp, 0));
      // A time range cuts exactly: [t(10), t(20)) holds samples 10..19.
      const cut = ra.series('DET_TEMP', temp.tai[10], temp.tai[20])!;
      expect([...cut.tai]).toEqual([...temp.tai.subarray(10, 20)]);
    } finally {
      ra.close();
      rb.close();
      rc.close();
    }
  });
});

/** A one-parameter database: a 16-bit unsigned, calibrated y = 0.5·x − 10. */
const LINE_DB: TmDatabase = {
  name: 'line',
  parameterTypes: [{ name: 'T', kind: 'integer', encoding: { kind: 'integer', sizeInBits: 16, encoding: 'unsigned', byteOrder: 'big' }, calibrator: { kind: 'polynomial', terms: [{ coefficient: -10, exponent: 0 }, { coefficient: 0.5, exponent: 1 }] } }],
  parameters: [{ name: 'X', type: 'T' }],
  containers: [{ name: 'P', abstract: false, entries: [{ kind: 'parameter', parameter: 'X', location: { reference: 'containerStart', bits: 48 } }] }],
} as unknown as TmDatabase;

describe('statistics', () => {
  test('per bin and overall, min/max/mean/count equal a direct computation (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 400 }), x: fc.integer({ min: 0, max: 65535 }) }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom(60, 300, 3600),
        fc.integer({ min: 1, max: 50 }),
        (samples, width, batch) => {
          const dir = tmp();
          const dec = compileDecoder(LINE_DB);
          const w = new ParameterArchiveWriter(dir);
          const t0 = utcToTai('2026-03-01T00:00:00Z');
          let t: number = t0;
          const times: number[] = [];
          const pkt = new Uint8Array(8);
          samples.forEach((s, i) => {
            t += s.dt;
            times.push(t);
            pkt[6] = s.x >> 8;
            pkt[7] = s.x & 255;
            const r = dec.decode(pkt, 0, 8, t, 100);
            if (typeof r === 'string') throw new Error(r);
            if ((i + 1) % batch === 0) {
              w.addDecoded(dec);
              dec.reset();
            }
          });
          w.addDecoded(dec);
          w.close();
          const reader = new ParameterArchiveReader(dir);
          try {
            const eng = samples.map((s) => 0.5 * s.x - 10);
            const all = parameterStats(reader, 'X');
            expect(all.length).toBe(1);
            expect(all[0]!.count).toBe(samples.length);
            expect(all[0]!.min).toBe(Math.min(...eng));
            expect(all[0]!.max).toBe(Math.max(...eng));
            expect(all[0]!.mean).toBeCloseTo(eng.reduce((a, b) => a + b, 0) / eng.length, 9);
            const from = t0;
            const binned = parameterStats(reader, 'X', { fromTai: from, binSeconds: width });
            const expected = new Map<number, number[]>();
            times.forEach((tt, i) => {
              const k = Math.floor((tt - from) / width);
              expected.set(k, [...(expected.get(k) ?? []), eng[i]!]);
            });
            expect(binned.map((b) => Math.round((b.fromTai - from) / width))).toEqual([...expected.keys()].sort((a, b) => a - b));
            for (const b of binned) {
              const v = expected.get(Math.round((b.fromTai - from) / width))!;
              expect(b.count).toBe(v.length);
              expect(b.min).toBe(Math.min(...v));
              expect(b.max).toBe(Math.max(...v));
              expect(b.toTai - b.fromTai).toBe(width);
            }
          } finally {
            reader.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
