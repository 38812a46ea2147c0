/**
 * Issue 20 end to end through the real commands (in-process `run`): L0 products built from the bundled sample
 * (fixtures/sample/sim.bin, 705 packets in 4 routes) and from the SERENA 2015-04-22 DDS delivery
 * (../shared/samples, skipped visibly when absent), delivered as BagIt bags, verified by an independent reader
 * written here from RFC 8493, damaged and re-verified; provenance chains checked against the known inputs;
 * DataCite metadata validated against the 4.7 XSD in ../shared/datacite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';
import { run } from '../../bin/idoc.js';
import type { Io } from '../../src/io.js';
import { verifyBag } from './bagit.js';
import { HAVE_SHARED_PDS4 } from '../products/pds4/_test-fixtures.js';
import { validateLabel } from '../products/pds4/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SIM = path.join(ROOT, 'fixtures/sample/sim.bin');
const SERENA = path.resolve(ROOT, '../shared/samples/2015-04-22_tm.dds');
const DATACITE = path.resolve(ROOT, '../shared/datacite');
const SDE = '1767312000'; // 2026-01-02T00:00:00Z

let work: string;
let config: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'idoc-preserve-'));
  const c = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/l0/idoc.json'), 'utf8')) as Record<string, unknown>;
  delete c['$schema'];
  c['preservation'] = {
    sourceOrganization: 'Sample Operations Centre', contactEmail: 'archive@example.org',
    doi: { prefix: '10.99999', publisher: 'Sample Data Centre', creators: [{ name: 'Doe, Jane', orcid: '0000-0002-1825-0097', affiliation: 'Sample Operations Centre' }, { name: 'Sample SIM Team' }], subjects: ['space physics'] },
  };
  config = path.join(work, 'idoc.json');
  writeFileSync(config, JSON.stringify(c));
  process.env['SOURCE_DATE_EPOCH'] = SDE;
});
afterAll(() => { delete process.env['SOURCE_DATE_EPOCH']; rmSync(work, { recursive: true, force: true }); });

async function idoc(...argv: string[]) {
  let out = '', err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty: false };
  const code = await run(argv, io);
  return { code, out, err };
}
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const dir = (name: string) => path.join(work, name);
/** Every file under `d` → its bytes (hex), by relative path. */
function tree(d: string): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (x: string) => { for (const e of readdirSync(x).sort()) { const p = path.join(x, e); if (statSync(p).isDirectory()) walk(p); else m.set(path.relative(d, p), readFileSync(p, 'hex')); } };
  walk(d);
  return m;
}

/**
 * An independent BagIt reader (RFC 8493, written from the RFC text, nothing of idoc): the problems it finds.
 * §2.1.1 bagit.txt exactly two lines; §2.1.3 every payload file listed once, checksums; §2.2.1 tag manifest
 * lists the payload manifest, not itself; §2.2.2 Payload-Oxum = octets.files.
 */
function rfcReader(bag: string): string[] {
  const problems: string[] = [];
  const text = (f: string) => readFileSync(path.join(bag, f), 'utf8');
  if (text('bagit.txt') !== 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n') problems.push('bagit.txt');
  const payload: string[] = [];
  const walk = (rel: string) => { for (const e of readdirSync(path.join(bag, rel))) { const r = `${rel}/${e}`; if (statSync(path.join(bag, r)).isDirectory()) walk(r); else payload.push(r); } };
  walk('data');
  const listed = new Map<string, string>();
  for (const line of text('manifest-sha256.txt').split('\n').filter(Boolean)) {
    const m = /^([0-9a-f]{64})\s+(data\/.+)$/.exec(line);
    if (!m) { problems.push(`manifest line ${line}`); continue; }
    listed.set(m[2]!.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'), m[1]!);
  }
  for (const p of payload) {
    if (!listed.has(p)) problems.push(`unlisted ${p}`);
    else if (listed.get(p) !== sha256(readFileSync(path.join(bag, p)))) problems.push(`checksum ${p}`);
  }
  for (const p of listed.keys()) if (!payload.includes(p)) problems.push(`missing ${p}`);
  const tags = new Map(text('tagmanifest-sha256.txt').split('\n').filter(Boolean).map((l) => { const [h, f] = l.split(/\s+/); return [f!, h!]; }));
  if (!tags.has('manifest-sha256.txt') || tags.has('tagmanifest-sha256.txt')) problems.push('tagmanifest coverage');
  for (const [f, h] of tags) if (sha256(readFileSync(path.join(bag, f))) !== h) problems.push(`tag checksum ${f}`);
  const oxum = /^Payload-Oxum: (\d+)\.(\d+)$/m.exec(text('bag-info.txt'));
  const octets = payload.reduce((n, p) => n + statSync(path.join(bag, p)).size, 0);
  if (!oxum || Number(oxum[1]) !== octets || Number(oxum[2]) !== payload.length) problems.push('Payload-Oxum');
  return problems;
}

describe('BagIt 1.0 known answers (RFC 8493)', () => {
  it('a bag written by hand from the RFC text verifies; each defect is named', async () => {
    const bag = dir('hand-bag');
    mkdirSync(path.join(bag, 'data'), { recursive: true });
    writeFileSync(path.join(bag, 'data/abc.txt'), 'abc');
    writeFileSync(path.join(bag, 'data/a%b.txt'), '');
    writeFileSync(path.join(bag, 'bagit.txt'), 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    // FIPS 180-2 known answers: SHA-256("abc") and SHA-256(""); "%" percent-encoded (§2.1.3).
    writeFileSync(path.join(bag, 'manifest-sha256.txt'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  data/abc.txt\n'
      + 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 data/a%25b.txt\n');
    writeFileSync(path.join(bag, 'bag-info.txt'), 'Source-Organization: Example\nPayload-Oxum: 3.2\nBagging-Date: 2025-01-02\n');
    expect((await verifyBag(bag)).problems).toEqual([]);
    writeFileSync(path.join(bag, 'bag-info.txt'), 'Payload-Oxum: 4.2\nBagging-Date: 2025-1-2\nBagging-Date: 2025-01-03\n');
    writeFileSync(path.join(bag, 'manifest-sha256.txt'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  ../abc.txt\n', { flag: 'a' });
    const r = await verifyBag(bag);
    expect(r.problems.map((p) => p.code).sort()).toEqual(['bag-info', 'bag-info', 'oxum', 'unsafe-path']);
    expect(r.valid).toBe(false);
  });
});

describe('deliver: bags of the sample L0 collection', () => {
  const products = () => dir('l0');
  beforeAll(async () => {
    const r = await idoc('l0', 'build', '--config', config, '--from-files', SIM, '--route', 'SIM_HK_FAST,SIM_EVT', '--out', products());
    expect(r.code, r.err).toBe(0);
  });

  it('writes a BagIt 1.0 bag an independent reader accepts, with the bag-info the issue asks for; deterministic', async () => {
    const r = await idoc('deliver', '--config', config, '--products', products(), '--collection', 'data_raw', '--out', dir('bag1'), '--archive', dir('archive'), '--destination', 'psa');
    expect(r.code, r.err).toBe(0);
    expect(rfcReader(dir('bag1'))).toEqual([]);
    const info = readFileSync(path.join(dir('bag1'), 'bag-info.txt'), 'utf8');
    expect(info).toContain('Source-Organization: Sample Operations Centre\n');
    expect(info).toContain('Contact-Email: archive@example.org\n');
    expect(info).toContain('External-Identifier: urn:esa:psa:sample_sim:data_raw::1.0\n');
    expect(info).toContain('Bagging-Date: 2026-01-02\n');
    const files = [...tree(dir('bag1')).keys()];
    expect(files).toContain(path.join('data', 'data_raw', 'sim_evt', 'sim_evt_l0_20260101_v1.prov.json'));
    expect(files).toContain(path.join('data', 'data_raw', 'collection_data_raw_v1.csv'));
    // Same input, same bytes (and the same mtimes: SOURCE_DATE_EPOCH).
    expect((await idoc('deliver', '--config', config, '--products', products(), '--collection', 'data_raw', '--out-dir', dir('bag1b'), '--archive', dir('archive-b'), '--destination', 'psa')).code).toBe(0);
    expect(tree(dir('bag1b'))).toEqual(tree(dir('bag1')));
    expect(statSync(path.join(dir('bag1b'), 'bagit.txt')).mtimeMs).toBe(Number(SDE) * 1000);
    expect((await idoc('deliver', '--verify', dir('bag1'))).code).toBe(0);
  });

  it('deliver --verify reports a corrupted, a removed and an added file, the Payload-Oxum and a changed tag file, one line each, exit 1', async () => {
    expect((await idoc('deliver', '--config', config, '--products', products(), '--collection', 'data_raw', '--out-dir', dir('bad'), '--archive', dir('archive-bad'), '--all')).code).toBe(0);
    const bad = dir('bad');
    const data = path.join(bad, 'data/data_raw/sim_hk_fast');
    const dat = path.join(data, 'sim_hk_fast_l0_20260101_v1.dat');
    const bytes = readFileSync(dat); bytes[10]! ^= 0xff; writeFileSync(dat, bytes);
    unlinkSync(path.join(data, 'sim_hk_fast_l0_20260101_v1_index.dat'));
    writeFileSync(path.join(data, 'stray.txt'), 'not delivered');
    appendFileSync(path.join(bad, 'bag-info.txt'), 'Contact-Name: someone\n');
    const r = await idoc('deliver', '--verify', bad);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    const rel = (f: string) => `${bad}/${f}`;
    expect(lines.find((l) => l.startsWith(rel('data/data_raw/sim_hk_fast/sim_hk_fast_l0_20260101_v1.dat: checksum')))).toBeDefined();
    expect(lines.find((l) => l.startsWith(rel('data/data_raw/sim_hk_fast/sim_hk_fast_l0_20260101_v1_index.dat: missing')))).toBeDefined();
    expect(lines.find((l) => l.startsWith(rel('data/data_raw/sim_hk_fast/stray.txt: unlisted')))).toBeDefined();
    expect(lines.find((l) => l.startsWith(rel('bag-info.txt: oxum')))).toBeDefined();
    expect(lines.find((l) => l.startsWith(rel('bag-info.txt: checksum')))).toBeDefined();
    expect(lines).toHaveLength(5);
    // --json: the same five in the envelope's problems, each naming its file.
    const j = JSON.parse((await idoc('deliver', '--verify', bad, '--json')).out) as { ok: boolean; problems: { code: string; path: string; message: string }[]; result: Record<string, unknown> };
    expect([j.ok, j.result['valid'], j.result['problems']]).toEqual([false, false, undefined]);
    expect(j.problems.map((p) => `${p.path}: ${p.code}: ${p.message}`).sort()).toEqual(lines.map((l) => l.slice(bad.length + 1)).sort());
    // The independent reader agrees that the bag is broken.
    expect(rfcReader(bad).length).toBeGreaterThan(0);
    expect((await idoc('deliver', '--verify', dir('no-such-bag'))).code).toBe(2);
  });

  it('increments: a second delivery to the same destination carries only new products; nothing new writes nothing', async () => {
    const again = await idoc('deliver', '--config', config, '--products', products(), '--collection', 'data_raw', '--out-dir', dir('bag2'), '--archive', dir('archive'), '--destination', 'psa');
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(/nothing new for destination psa/);
    expect(existsSync(dir('bag2'))).toBe(false);
    // All four routes now: two new products, a new collection version.
    expect((await idoc('l0', 'build', '--config', config, '--from-files', SIM, '--out', products())).code).toBe(0);
    const inc = await idoc('deliver', '--config', config, '--products', products(), '--collection', 'data_raw', '--out-dir', dir('bag3'), '--archive', dir('archive'), '--destination', 'psa', '--json');
    expect(inc.code, inc.err).toBe(0);
    const j = JSON.parse(inc.out).result as { kind: string; delivered: string[]; alreadyDelivered: string[]; externalIdentifier: string };
    expect(j.kind).toBe('increment');
    expect(j.externalIdentifier).toBe('urn:esa:psa:sample_sim:data_raw::2.0');
    expect(j.delivered.map((l) => l.split(':').at(-3))).toEqual(['sim_hk_slow_l0_20260101', 'sim_sci_l0_20260101']);
    expect(j.alreadyDelivered).toHaveLength(2);
    expect(rfcReader(dir('bag3'))).toEqual([]);
    expect([...tree(dir('bag3')).keys()].some((f) => f.includes('sim_hk_fast'))).toBe(false);
    // Another destination has had nothing: it gets everything.
    const other = JSON.parse((await idoc('deliver', '--config', config, '--products', products(), '--collection', 'data_raw', '--out-dir', dir('bag4'), '--archive', dir('archive'), '--destination', 'pds', '--json')).out).result as { kind: string; delivered: string[] };
    expect(other).toMatchObject({ kind: 'full' });
    expect(other.delivered).toHaveLength(4);
    const log = readFileSync(path.join(dir('archive'), 'deliveries.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { destination: string; delivery: number });
    expect(log.map((e) => [e.destination, e.delivery])).toEqual([['psa', 1], ['psa', 2], ['pds', 3]]);
  });

  it('a whole bundle: bundle label (valid PDS4) and readme beside the collections', async () => {
    const r = await idoc('deliver', '--config', config, '--products', products(), '--bundle', '--out-dir', dir('bundle'), '--archive', dir('archive-bundle'));
    expect(r.code, r.err).toBe(0);
    expect(rfcReader(dir('bundle'))).toEqual([]);
    const label = readFileSync(path.join(dir('bundle'), 'data/bundle_sample_sim.xml'), 'utf8');
    expect(label).toContain('<lidvid_reference>urn:esa:psa:sample_sim:data_raw::2.0</lidvid_reference>');
    expect(readFileSync(path.join(dir('bundle'), 'data/readme.txt'), 'utf8')).toContain('urn:esa:psa:sample_sim:data_raw::2.0');
    expect(readFileSync(path.join(dir('bundle'), 'bag-info.txt'), 'utf8')).toContain('External-Identifier: urn:esa:psa:sample_sim::1.0\n');
    if (HAVE_SHARED_PDS4) expect(await validateLabel(label, 'bundle_sample_sim.xml')).toEqual([]);
  }, 60_000);

  it('provenance: the PROV-JSON names the known input with its sha256, every packet is accounted for, the label stays valid', async () => {
    const fileSha = sha256(readFileSync(SIM));
    let packets = 0;
    for (const route of ['sim_hk_fast', 'sim_hk_slow', 'sim_sci', 'sim_evt']) {
      const stem = path.join(products(), 'data_raw', route, `${route}_l0_20260101_v1`);
      const doc = JSON.parse(readFileSync(`${stem}.prov.json`, 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;
      for (const k of ['entity', 'activity', 'agent', 'used', 'wasGeneratedBy', 'wasDerivedFrom', 'wasAssociatedWith']) expect(Object.keys(doc[k]!).length, k).toBeGreaterThan(0);
      const input = doc['entity']!['input:sim.bin']!;
      expect(input['idoc:fileSha256']).toBe(fileSha);
      // The packets taken from the file are exactly the data file's bytes (one input): its md5.
      expect(input['idoc:packetsDigest']).toBe(`md5:${createHash('md5').update(readFileSync(`${stem}.dat`)).digest('hex')}`);
      packets += Number(input['idoc:packetsUsed']);
      const chain = await idoc('provenance', `${stem}.xml`, '--json');
      expect(chain.code, chain.err).toBe(0);
      const c = JSON.parse(chain.out).result as { inputs: { name: string; fileSha256: string }[]; steps: { name: string }[]; configuration: string };
      expect(c.inputs).toMatchObject([{ name: 'sim.bin', fileSha256: fileSha }]);
      expect(c.configuration).toBe(`sha256:${sha256(readFileSync(config))} (idoc.json)`);
      expect(c.steps.map((s) => s.name)).toEqual(route === 'sim_sci'
        ? ['window', 'sort', 'check', 'reassemble', 'decompress', 'decode', 'write'] : ['window', 'sort', 'check', 'decode', 'write']);
      const label = readFileSync(`${stem}.xml`, 'utf8');
      expect(label).toContain(`sha256 ${sha256(readFileSync(`${stem}.prov.json`))}`);
      if (HAVE_SHARED_PDS4 && route === 'sim_sci') expect(await validateLabel(label, `${stem}.xml`)).toEqual([]);
    }
    expect(packets).toBe(705);
    const text = await idoc('provenance', 'urn:esa:psa:sample_sim:data_raw:sim_evt_l0_20260101', '--products', products());
    expect(text.out).toContain(`file 74227 octets, sha256 ${fileSha}`);
    expect((await idoc('provenance', path.join(work, 'nothing.xml'))).code).toBe(2);
  }, 60_000);

  describe.skipIf(!existsSync(DATACITE))('doi metadata (DataCite 4.7 XSD in ../shared/datacite)', () => {
    const xsd = async (xml: string) => {
      const preload = readdirSync(path.join(DATACITE, 'include')).map((f) => ({ fileName: `include/${f}`, contents: readFileSync(path.join(DATACITE, 'include', f), 'utf8') }));
      const r = await validateXML({ xml: [{ fileName: 'doi.xml', contents: xml }], schema: [{ fileName: 'metadata.xsd', contents: readFileSync(path.join(DATACITE, 'metadata.xsd'), 'utf8') }], preload }).catch((e: Error) => ({ valid: false, errors: [e.message] }));
      return r.errors.map((e) => (typeof e === 'string' ? e : e.message));
    };
    it('collection and bundle metadata are schema-valid, carry the config and the collected range; a broken one is not', async () => {
      const r = await idoc('doi', 'metadata', '--config', config, '--products', products(), '--collection', 'data_raw', '--out-dir', dir('doi'), '--json');
      expect(r.code, r.err).toBe(0);
      const xml = readFileSync(path.join(dir('doi'), 'data_raw.datacite.xml'), 'utf8');
      expect(await xsd(xml)).toEqual([]);
      expect(xml).toContain('<identifier identifierType="DOI">10.99999/sample_sim.data_raw</identifier>');
      expect(xml).toContain('<familyName>Doe</familyName>');
      expect(xml).toContain('<date dateType="Collected">2026-01-01T00:00:00Z/2026-01-01T');
      expect(xml).toContain('relationType="IsPartOf" resourceTypeGeneral="Collection">urn:esa:psa:sample_sim</relatedIdentifier>');
      expect(await xsd(xml.replace(/<identifier [^\n]*\n/, ''))).not.toEqual([]);
      const json = JSON.parse(readFileSync(path.join(dir('doi'), 'data_raw.datacite.json'), 'utf8')) as { data: { attributes: { doi: string; types: { resourceTypeGeneral: string }; publisher: { name: string } } } };
      expect(json.data.attributes).toMatchObject({ doi: '10.99999/sample_sim.data_raw', types: { resourceTypeGeneral: 'Dataset' }, publisher: { name: 'Sample Data Centre' } });
      expect((await idoc('doi', 'metadata', '--config', config, '--products', products(), '--bundle', '--out-dir', dir('doi'))).code).toBe(0);
      expect(await xsd(readFileSync(path.join(dir('doi'), 'sample_sim.datacite.xml'), 'utf8'))).toEqual([]);
    }, 60_000);

    it('an assigned DOI is read back from the config into the metadata and the collection label; a bad preservation section is exit 2 naming the field', async () => {
      const c = JSON.parse(readFileSync(config, 'utf8')) as { preservation: { doi: Record<string, unknown> } };
      c.preservation.doi['assigned'] = { 'urn:esa:psa:sample_sim:data_raw': '10.99999/ABC-123' };
      const assigned = path.join(work, 'assigned.json');
      writeFileSync(assigned, JSON.stringify(c));
      expect((await idoc('doi', 'metadata', '--config', assigned, '--products', products(), '--collection', 'data_raw', '--out-dir', dir('doi2'))).code).toBe(0);
      expect(readFileSync(path.join(dir('doi2'), 'data_raw.datacite.xml'), 'utf8')).toContain('<identifier identifierType="DOI">10.99999/ABC-123</identifier>');
      // Read back into the collection label: a new collection version with Citation_Information/doi, still valid.
      const rebuilt = await idoc('l0', 'build', '--config', assigned, '--from-files', SIM, '--out', products(), '--json');
      expect(rebuilt.code, rebuilt.err).toBe(0);
      const col = (JSON.parse(rebuilt.out).result as { collection: { lidvid: string; label: string; status: string } }).collection;
      expect(col.status).toBe('updated');
      const colLabel = readFileSync(col.label, 'utf8');
      expect(colLabel).toContain('<doi>10.99999/ABC-123</doi>');
      if (HAVE_SHARED_PDS4) expect((await validateLabel(colLabel, col.label)).map((p) => p.message)).toEqual([]);
      expect((JSON.parse((await idoc('l0', 'build', '--config', assigned, '--from-files', SIM, '--out', products(), '--json')).out).result as { collection: { status: string } }).collection.status).toBe('unchanged');
      c.preservation.doi['prefix'] = '11.5';
      writeFileSync(assigned, JSON.stringify(c));
      const bad = await idoc('doi', 'metadata', '--config', assigned, '--products', products(), '--collection', 'data_raw', '--out-dir', dir('doi3'));
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('#/preservation/doi/prefix');
    }, 60_000);
  });
});

describe.skipIf(!existsSync(SERENA))('SERENA 2015-04-22 DDS delivery (real data in ../shared/samples)', () => {
  it('its L0 collection is delivered and verified; provenance goes back to the DDS file, its stations and ground times', async () => {
    const out = dir('serena-l0');
    const b = await idoc('l0', 'build', '--from-files', SERENA, '--framing', 'dds', '--out', out, '--json');
    expect(b.code, b.err).toBeLessThan(2);
    const d = await idoc('deliver', '--products', out, '--collection', 'data_raw', '--out-dir', dir('serena-bag'), '--archive', dir('serena-archive'), '--json');
    expect(d.code, d.err).toBe(0);
    expect(rfcReader(dir('serena-bag'))).toEqual([]);
    expect((await verifyBag(dir('serena-bag'))).valid).toBe(true);
    const labels = (JSON.parse(b.out).result as { products: { label: string }[] }).products.map((p) => p.label);
    const fileSha = sha256(readFileSync(SERENA));
    let packets = 0;
    for (const label of labels) {
      const c = JSON.parse((await idoc('provenance', label, '--json')).out).result as { inputs: { name: string; fileSha256: string; packets: number; stations: string[]; firstGround: string; lastGround: string }[] };
      expect(c.inputs).toHaveLength(1);
      const i = c.inputs[0]!;
      expect([i.name, i.fileSha256]).toEqual(['2015-04-22_tm.dds', fileSha]);
      expect(i.stations.length).toBeGreaterThan(0);
      expect([i.firstGround.slice(0, 10), i.lastGround.slice(0, 10)]).toEqual(['2015-04-22', '2015-04-22']);
      packets += i.packets;
    }
    expect(packets).toBe(7873);
  }, 120_000);
});
