/**
 * L1 products from the parameter archive: the label is valid against the IM 1.26.0.0 XSD and Schematron with no
 * error and no warning; the table's records, read by the label's field locations, give back the archived
 * values; file size and MD5 in the label are those of the file; the processing level follows calibration.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadTmDatabase } from '../../src/mdb/load.js';
import { loadXtce } from '../../src/mdb/xtce/load.js';
import { resolveMission } from '../../src/config/mission.js';
import { taiToUtcIso } from '../../src/time/index.js';
import { HAVE_SHARED_PDS4, SHARED_PDS4 } from '../products/pds4/_test-fixtures.js';
import { formatProblem, validateLabel } from '../products/pds4/validate.js';
import { ParameterArchiveReader } from './archive.js';
import { fillFromFiles } from './fill.js';
import { writeL1 } from './l1.js';
import { engText } from './query.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'idoc-l1-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const LABEL = { missionName: 'Sample', instrumentName: 'SIM', instrumentHostName: 'SAMPLESAT', targetName: 'Earth', targetType: 'Planet' };
type Field = { name: string; field_location: { '#text': number }; field_length: { '#text': number }; data_type: string };

function fieldsOf(label: string): { fields: Field[]; level: string; size: number; md5: string; offset: number; records: number } {
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'Field_Character' }).parse(label) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any;
  const p = doc['Product_Observational'];
  const fa = p['File_Area_Observational'];
  return {
    fields: fa['Table_Character']['Record_Character']['Field_Character'] as Field[],
    level: p['Observation_Area']['Primary_Result_Summary']['processing_level'] as string,
    size: Number(fa['File']['file_size']['#text']),
    md5: String(fa['File']['md5_checksum']),
    offset: Number(fa['Table_Character']['offset']['#text']),
    records: Number(fa['Table_Character']['records']),
  };
}

describe('SIM fixture L1 product', () => {
  let archive = '';
  beforeAll(async () => {
    archive = tmp();
    const mission = await resolveMission({ config: 'fixtures/sample-mission/idoc.json' });
    await fillFromFiles(archive, ['fixtures/sample/sim.dds'], loadTmDatabase('fixtures/sample-mission/sim-tm.xml'), { read: { framing: 'auto', crc: mission.crc, crcOverrides: mission.crcOverrides, maxPacketLength: 65542 }, profile: mission.profile });
  });

  test('fields read back the archived engineering values; size and MD5 match; Calibrated', () => {
    const out = tmp();
    const reader = new ParameterArchiveReader(archive);
    try {
      const names = ['DET_TEMP', 'HV_LEVEL', 'BUS_VOLT', 'OBT'];
      const r = writeL1(reader, { names, outDir: out, bundle: 'urn:esa:psa:sample_sim', label: LABEL, productTime: '2026-02-01T00:00:00Z' });
      const data = readFileSync(r.dataFile);
      const label = readFileSync(r.labelFile, 'utf8');
      const l = fieldsOf(label);
      expect(l.size).toBe(data.length);
      expect(l.md5).toBe(createHash('md5').update(data).digest('hex'));
      expect(l.level).toBe('Calibrated');
      expect(l.fields.map((f) => f.name)).toEqual(['UTC', ...names]);
      const text = data.toString('latin1');
      const recLen = l.offset;
      expect(text.length).toBe(recLen * (l.records + 1));
      const field = (rec: number, f: Field) => text.slice(l.offset + rec * recLen + f.field_location['#text'] - 1, l.offset + rec * recLen + f.field_location['#text'] - 1 + f.field_length['#text']).trim();
      for (const [i, name] of names.entries()) {
        const s = reader.series(name)!;
        const f = l.fields[i + 1]!;
        // Each sample of the series is the value of its time's record.
        const timeField = l.fields[0]!;
        const recsOfTime = new Map<string, number[]>();
        for (let rec = 0; rec < l.records; rec++) recsOfTime.set(field(rec, timeField), [...(recsOfTime.get(field(rec, timeField)) ?? []), rec]);
        const used = new Map<string, number>();
        for (let k = 0; k < s.length; k++) {
          const iso = taiToUtcIso(s.tai[k]!, 6);
          const occ = used.get(iso) ?? 0;
          used.set(iso, occ + 1);
          const rec = recsOfTime.get(iso)?.[occ];
          expect(rec, `${name} sample ${k}`).toBeDefined();
          const v = field(rec!, f);
          if (f.data_type === 'ASCII_Real') expect(Number(v)).toBe(Number(engText(s, k)));
          else expect(v).toBe(engText(s, k));
        }
      }
      expect(text.endsWith('\r\n')).toBe(true);
    } finally {
      reader.close();
    }
  });

  test('versioned: named for idTime with _v1; the same table again writes nothing; a changed one is version 2, version 1 kept', () => {
    const out = tmp();
    const reader = new ParameterArchiveReader(archive);
    try {
      const all = reader.series('DET_TEMP')!;
      const mid = all.tai[Math.floor(all.length / 2)]!;
      const base = { names: ['DET_TEMP', 'HV_LEVEL'], outDir: out, bundle: 'urn:esa:psa:sample_sim', label: LABEL, idTime: '2026-01-01T00:00:00Z', versioned: true } as const;
      const v1 = writeL1(reader, { ...base, toTai: mid });
      expect([path.basename(v1.dataFile), v1.vid, v1.status]).toEqual(['parameters_20260101t000000_v1.csv', '1.0', 'new']);
      const v1Text = readFileSync(v1.dataFile, 'latin1');
      const again = writeL1(reader, { ...base, toTai: mid });
      expect([again.dataFile, again.vid, again.status]).toEqual([v1.dataFile, '1.0', 'unchanged']);
      const v2 = writeL1(reader, base); // late data: the whole range
      expect([path.basename(v2.dataFile), v2.vid, v2.status, v2.lid]).toEqual(['parameters_20260101t000000_v2.csv', '2.0', 'updated', v1.lid]);
      expect(v2.records).toBeGreaterThan(v1.records);
      expect(readFileSync(v2.labelFile, 'utf8')).toContain('<version_id>2.0</version_id>');
      expect(readFileSync(v1.dataFile, 'latin1')).toBe(v1Text);
      expect(readdirSync(out).sort()).toEqual(['parameters_20260101t000000_v1.csv', 'parameters_20260101t000000_v1.xml', 'parameters_20260101t000000_v2.csv', 'parameters_20260101t000000_v2.xml']);
    } finally {
      reader.close();
    }
  });

  test.skipIf(!HAVE_SHARED_PDS4)('the label is valid against the IM 1.26.0.0 XSD and Schematron: 0 errors, 0 warnings (skipped without ../shared/pds4)', async () => {
    const out = tmp();
    const reader = new ParameterArchiveReader(archive);
    try {
      const r = writeL1(reader, { names: ['DET_TEMP', 'HV_LEVEL', 'EVENT_TEXT', 'OBT'], outDir: out, bundle: 'urn:esa:psa:sample_sim', label: LABEL });
      expect((await validateLabel(readFileSync(r.labelFile, 'utf8'), r.labelFile, { schemaDir: SHARED_PDS4 })).map(formatProblem)).toEqual([]);
    } finally {
      reader.close();
    }
  }, 60_000);
});


const SAMPLES = path.resolve('..', 'shared', 'samples');
const CODICE = ['P_COD_NHK.xml', 'imap_codice_l0_hskp_20100101_v001.pkts'];

describe.skipIf(!CODICE.every((f) => existsSync(path.join(SAMPLES, f))) || !HAVE_SHARED_PDS4)('CoDICE L1 (uncalibrated XTCE: Partially Processed) (skipped without ../shared)', () => {
  test('valid label, integer fields, 99 records', async () => {
    const archive = tmp();
    const db = loadXtce(readFileSync(path.join(SAMPLES, CODICE[0]!), 'utf8'), CODICE[0]!);
    await fillFromFiles(archive, [path.join(SAMPLES, CODICE[1]!)], db, { read: { framing: 'raw', crc: 'no', maxPacketLength: 65542 }, profile: 'auto', filter: { apid: (a) => a === 1136 } }, { time: { parameter: 'SHCOARSE', epoch: '2010-01-01T00:00:00Z' } });
    const reader = new ParameterArchiveReader(archive);
    try {
      const r = writeL1(reader, { names: ['SHCOARSE', 'MODE', 'LVPS_12V'], outDir: tmp(), bundle: 'urn:nasa:pds:imap_codice', label: { missionName: 'IMAP', instrumentName: 'CoDICE', targetName: 'Sun', targetType: 'Star' } });
      const label = readFileSync(r.labelFile, 'utf8');
      const l = fieldsOf(label);
      expect(l.level).toBe('Partially Processed');
      expect(l.records).toBe(99);
      expect(l.fields.slice(1).map((f) => f.data_type)).toEqual(['ASCII_Integer', 'ASCII_Integer', 'ASCII_Integer']);
      expect((await validateLabel(label, r.labelFile, { schemaDir: SHARED_PDS4 })).map(formatProblem)).toEqual([]);
    } finally {
      reader.close();
    }
  }, 60_000);
});
