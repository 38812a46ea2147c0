import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../bin/idoc.js';
import type { Io } from '../../../src/io.js';
import { InputError } from '../../../src/errors.js';
import { HAVE_SHARED_PDS4, lineOfText, SHARED_PDS4, SKIP_MESSAGE, SMALL_INPUT } from './_test-fixtures.js';
import { collectionInventory, collectionLabel } from './collection.js';
import { PACKET_INDEX_FIELDS, PACKET_RECORD_LENGTH } from '../index-file.js';
import { FULL_INPUT } from './_test-fixtures.js';
import { indexFileArea } from './l0-index-area.js';
import { l0Label } from './l0-label.js';
import { resolveSchemaFiles } from './schema-dir.js';
import { formatProblem, validateLabel, validatePath, type LabelProblem } from './validate.js';

const opts = { schemaDir: SHARED_PDS4 };
// With the index file's area (a fixed-record Table_Binary), as `l0 build` writes it.
const label = l0Label({
  ...SMALL_INPUT,
  fileAreas: [indexFileArea({ fileName: 'majis_l0_20310101t000000_index.dat', size: 4 * PACKET_RECORD_LENGTH, md5: '0'.repeat(32), creationDateTime: SMALL_INPUT.productTime, tables: [
    { name: 'packet_index', offset: 0, records: 4, description: 'One record per packet.', fields: PACKET_INDEX_FIELDS },
  ] })],
});
const errorsOf = (ps: readonly LabelProblem[]) => ps.filter((p) => p.severity === 'error');

if (!HAVE_SHARED_PDS4) console.warn(SKIP_MESSAGE);

describe('resolveSchemaFiles()', () => {
  it('throws a one-line InputError naming the missing file', () => {
    expect(() => resolveSchemaFiles('/nonexistent-pds4-dir')).toThrow(InputError);
    expect(() => resolveSchemaFiles('/nonexistent-pds4-dir')).toThrow(/PDS4_PDS_1Q00\.xsd: PDS4 schema file missing/);
  });
});

// One test file: the Schematron is compiled once (first test) and reused by the others.
describe.skipIf(!HAVE_SHARED_PDS4)('validateLabel() against the IM 1.26.0.0 XSD and Schematron', () => {
  it('accepts a generated L0 label with no problem at all', async () => {
    expect((await validateLabel(label, 'l0.xml', opts)).map(formatProblem)).toEqual([]);
  });

  it('accepts a label with everything an archive label carries (Mission_Area with PSA elements, references), no problem at all', async () => {
    expect((await validateLabel(l0Label(FULL_INPUT), 'full.xml', opts)).map(formatProblem)).toEqual([]);
  });

  it('checks the Mission_Area elements against the PSA subset (an element out of order is an xsd error)', async () => {
    const text = l0Label(FULL_INPUT).replace(/( *<psa:mission_phase_name>[^\n]*\n)( *<psa:spacecraft_clock_start_count>[^\n]*\n)/, '$2$1')
      .replace(/( *<psa:spacecraft_clock_start_count>[^\n]*\n)/, '').replace(/(<psa:mission_phase_identifier>[^<]*<\/psa:mission_phase_identifier>\n)/, '$1<psa:spacecraft_clock_start_count>x</psa:spacecraft_clock_start_count>\n');
    const problems = errorsOf(await validateLabel(text, 'bad.xml', opts));
    expect(problems.map(formatProblem)).toContainEqual(expect.stringMatching(/xsd.*spacecraft_clock_start_count.*not expected/));
  });

  it('accepts a generated collection label', async () => {
    const inventory = collectionInventory([`${SMALL_INPUT.lid}::1.0`]);
    const col = collectionLabel({ lid: 'urn:esa:psa:juice_majis:data_raw', vid: '1.0', title: 'MAJIS raw data', inventoryFileName: 'collection_data_raw.csv', inventory, productTime: SMALL_INPUT.productTime, description: 'MAJIS L0 packets' });
    expect((await validateLabel(col, 'collection.xml', opts)).map(formatProblem)).toEqual([]);
  });

  // Each broken label has one defect; each is caught at the line of the element at fault.
  const broken: { name: string; text: string; source: LabelProblem['source']; at: string; message: RegExp }[] = [
    {
      name: 'wrong information_model_version',
      text: label.replace('<information_model_version>1.26.0.0<', '<information_model_version>1.22.0.0<'),
      source: 'schematron', at: '<information_model_version>', message: /must be equal to the value '1\.26\.0\.0'/,
    },
    {
      name: 'missing Time_Coordinates',
      text: label.replace(/ *<Time_Coordinates>[\s\S]*?<\/Time_Coordinates>\n/, ''),
      source: 'xsd', at: '<Primary_Result_Summary>', message: /Primary_Result_Summary.*Expected is .*Time_Coordinates/,
    },
    {
      name: 'upper-case LID',
      text: label.replace('urn:esa:psa:juice_majis:data_raw:majis_l0', 'urn:esa:psa:juice_majis:data_raw:MAJIS_l0'),
      source: 'xsd', at: '<logical_identifier>', message: /logical_identifier.*pattern/,
    },
    {
      name: 'record field count not matching the fields',
      text: label.replace(`<fields>${PACKET_INDEX_FIELDS.length}</fields>`, `<fields>${PACKET_INDEX_FIELDS.length + 1}</fields>`),
      source: 'schematron', at: '<Record_Binary>', message: new RegExp(`number of Field_Binary elements \\(${PACKET_INDEX_FIELDS.length}\\) does not match the number found in the 'fields' attribute \\(${PACKET_INDEX_FIELDS.length + 1}\\)`),
    },
    {
      name: 'zero table records',
      text: label.replace(/<records>4<\/records>(?![\s\S]*<records>4<)/, '<records>0</records>'),
      source: 'xsd', at: '<records>0</records>', message: /records.*minInclusive/,
    },
  ];
  for (const b of broken) {
    it(`catches a ${b.name} (${b.source}) with its line`, async () => {
      const problems = errorsOf(await validateLabel(b.text, 'broken.xml', opts));
      expect(problems.map(formatProblem)).toContainEqual(expect.stringMatching(b.message));
      const p = problems.find((x) => b.message.test(x.message))!;
      expect(p.source).toBe(b.source);
      expect(p.line).toBe(lineOfText(b.text, b.at));
      expect(p.file).toBe('broken.xml');
    });
  }

  it('reports a label that is not well-formed as an xml error with a line, without Schematron', async () => {
    const text = label.replace('</title>', '</titel>');
    const problems = await validateLabel(text, 'bad.xml', opts);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.source === 'xml')).toBe(true);
    expect(problems[0]!.line).toBe(lineOfText(text, '</titel>'));
  });

  it('reports the ESA examples (IM 1.22/1.15): the Schematron IM-version rule fires, and PSA/discipline elements are unknown to the pds-only XSD', async () => {
    const dir = path.join(SHARED_PDS4, 'examples');
    const { files, problems } = await validatePath(dir, opts);
    expect(files).toBe(3);
    const byFile = (name: string) => problems.filter((p) => path.basename(p.file) === name);
    for (const name of ['nmd_raw_sc_uvis_20231231T221841-20231231T232105-28-27236-1__4_0.lblx', 'collection_data_raw.lblx', 'cam_raw_sc_cam3_image_20241018t001002_61_f__t0004.lblx']) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      const im = byFile(name).filter((p) => p.source === 'schematron' && /information_model_version/.test(p.message));
      expect(im).toHaveLength(1);
      expect(im[0]!.line).toBe(lineOfText(text, '<information_model_version>'));
      // Every XSD complaint is a mission/discipline dictionary element whose schema is not loaded.
      for (const p of byFile(name).filter((x) => x.source === 'xsd')) {
        expect(p.message).toMatch(/^Element '\{http:\/\/(psa\.esa\.int\/psa|pds\.nasa\.gov\/pds4\/(disp|img|geom))\/v1\}[\w-]+': No matching global element declaration available, but demanded by the strict wildcard\.$/);
      }
    }
    expect(byFile('nmd_raw_sc_uvis_20231231T221841-20231231T232105-28-27236-1__4_0.lblx').filter((p) => p.source === 'xsd')).toHaveLength(4);
    expect(byFile('cam_raw_sc_cam3_image_20241018t001002_61_f__t0004.lblx').filter((p) => p.source === 'xsd')).toHaveLength(7);
    // The collection (from a "find the bugs" exercise) uses data_to_target where a collection needs collection_to_target.
    const col = byFile('collection_data_raw.lblx');
    expect(col.map((p) => `${p.line} ${p.source}`)).toEqual(['10 schematron', '89 schematron']);
    expect(col[1]!.message).toMatch(/'collection_to_target'/);
  });

  it('idoc l0 validate: exit 0 on a clean label, 1 with problems, 2 on an unreadable path', async () => {
    const out: string[] = [];
    const io: Io = { out: (t) => void out.push(t), err: () => undefined, errIsTty: false };
    const ex = path.join(SHARED_PDS4, 'examples', 'collection_data_raw.lblx');
    expect(await run(['l0', 'validate', ex, '--schema-dir', SHARED_PDS4], io)).toBe(1);
    expect(out.join('')).toMatch(/collection_data_raw\.lblx:89: error schematron: /);
    out.length = 0;
    expect(await run(['l0', 'validate', ex, '--json', '--schema-dir', SHARED_PDS4], io)).toBe(1);
    expect(JSON.parse(out.join('')).result.files).toBe(1);
    expect(await run(['l0', 'validate', '/nonexistent/label.xml', '--schema-dir', SHARED_PDS4], io)).toBe(2);
    expect(await run(['l0', 'validate', ex, '--schema-dir', '/nonexistent-pds4-dir'], io)).toBe(2);
  });
});
