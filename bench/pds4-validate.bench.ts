/**
 * @module Benchmark: PDS4 label validation (XSD with xmllint-wasm + Schematron with node-schematron)
 * of a generated L0 label. Reports the first validation (which compiles the Schematron) separately
 * and the median of the following ones. Needs the schema files (`../shared/pds4` or `IDOC_PDS4_DIR`).
 */
import { collectionInventory, collectionLabel, l0Label, validateLabel } from '../telemetry/products/pds4/index.js';
import { indexFileArea } from '../telemetry/products/pds4/l0-index-area.js';
import { PACKET_INDEX_FIELDS, PACKET_RECORD_LENGTH } from '../telemetry/products/index-file.js';

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** A label of a one-hour product: 1000 packets in alternating length runs (10 tables). */
function benchLabel(): string {
  let offset = 0;
  for (let i = 0; i < 1000; i++) offset += Math.floor(i / 100) % 2 === 0 ? 1024 : 96;
  // A full L0 label as `l0 build` writes it: packet array, index table, Mission_Area (any packet count: same size).
  return l0Label({
    lid: 'urn:esa:psa:juice_majis:data_raw:majis_l0_bench', vid: '1.0', title: 'bench', start: '2031-01-01T00:00:00Z',
    stop: '2031-01-01T01:00:00Z', missionName: 'JUICE', instrumentName: 'MAJIS', targetName: 'Jupiter',
    dataFile: { name: 'bench.dat', size: offset, md5: '0'.repeat(32) }, packetCount: 1000,
    quality: { packets: 1000, gaps: 0, crcErrors: 0, decompressionFailures: 0 }, productTime: '2031-01-02T00:00:00Z',
    purpose: 'Engineering',
    mission: { clockStart: '1/0978307200:00000', clockStop: '1/0978310799:32768', processing: { software: 'idoc', version: '0.1.0', inputs: [{ type: 'telemetry', fileName: 'a.dds' }] } },
    fileAreas: [indexFileArea({ fileName: 'bench_index.dat', size: 1000 * PACKET_RECORD_LENGTH, md5: '0'.repeat(32), creationDateTime: '2031-01-02T00:00:00Z', tables: [{ name: 'packet_index', offset: 0, records: 1000, description: 'One record per packet.', fields: PACKET_INDEX_FIELDS }] })],
  });
}

/**
 * Validate the same label `runs` times, after a first validation (timed apart: it compiles the
 * Schematron) and two untimed warm-ups (fontoxpath compiles each XPath expression on first use).
 */
export async function benchPds4Validate(runs = 10): Promise<{ name: string; medianMs: number; runs: number; firstMs: number; baselineCollectionLabelMs: number; labelBytes: number }> {
  const text = benchLabel();
  let t0 = performance.now();
  const first = await validateLabel(text, 'bench.xml');
  const firstMs = performance.now() - t0;
  if (first.some((p) => p.severity === 'error')) throw new Error(`bench label does not validate: ${first[0]?.message}`);
  for (let i = 0; i < 2; i++) await validateLabel(text, 'bench.xml');
  // Baseline in the same run, alternated with the label: a minimal valid label (the collection label of one member).
  const inventory = collectionInventory(['urn:esa:psa:juice_majis:data_raw:majis_l0_bench::1.0']);
  const base = collectionLabel({ lid: 'urn:esa:psa:juice_majis:data_raw', vid: '1.0', title: 'bench', inventoryFileName: 'c.csv', inventory, productTime: '2031-01-02T00:00:00Z', description: 'bench' });
  await validateLabel(base, 'base.xml');
  const times: number[] = [], baseline: number[] = [];
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    await validateLabel(text, 'bench.xml');
    times.push(performance.now() - t0);
    t0 = performance.now();
    await validateLabel(base, 'base.xml');
    baseline.push(performance.now() - t0);
  }
  return { name: 'pds4 validate L0 label (packet array + index table + Mission_Area, XSD + Schematron; 1 s target)', medianMs: median(times), runs, firstMs, baselineCollectionLabelMs: median(baseline), labelBytes: text.length };
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!.replace(/\.ts$/, '.js'));
if (isMain) {
  benchPds4Validate().then((r) => console.log(JSON.stringify(r)));
}
