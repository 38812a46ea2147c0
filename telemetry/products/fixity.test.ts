/**
 * `idoc archive verify` (issue 13): every segment octet and product file is read again and checked against the
 * checksums recorded when written; one byte flipped in a segment and one in a product are exactly the two
 * problems reported (with file, and the offset for the segment), exit 1; untouched, exit 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { loadConfig } from '../../src/config/index.js';
import { openArchive } from '../../src/store/index.js';
import { packetTimeOf } from '../../src/ccsds/secondary-header.js';
import { splitBuffer } from '../framing/index.js';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { blocksOf, FIXITY_BLOCK_BYTES, manifestOf, manifestText } from './block-fixity.js';
import { verifyProductFiles } from './label-fixity.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const configFile = path.join(repo, 'fixtures/sample-mission/idoc.json');
let work: string;
let archiveDir: string;
let l0: string;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), errIsTty: false } };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-fixity-'));
  archiveDir = path.join(work, 'archive');
  l0 = path.join(work, 'l0');
  const config = await loadConfig(configFile);
  // Small segments: the sample spreads over several files, so "exactly one" is a real claim.
  const a = openArchive(archiveDir, { fsync: false, segmentBytes: 20_000 });
  // Batches of 40 packets: many recorded runs over several segment files.
  const { batch } = splitBuffer(fs.readFileSync(path.join(repo, 'fixtures/sample/sim.dds')), { framing: 'dds', crc: 'auto' });
  for (let i = 0; i < batch.packets.length; i += 40) {
    a.storeBatch(batch.packets.slice(i, i + 40).map((packet) => ({
      packet, tai: packetTimeOf(packet.buf, packet.offset, packet.length, config.profile), route: 'sim', feed: 'test', source: 'sim.dds', receivedUnixMs: 1_700_000_000_000,
    })));
  }
  a.close();
  const c = io();
  expect(await run(['l0', 'build', '--archive', archiveDir, '--config', configFile, '--out', l0], c.io), c.err.join('')).toBe(0);
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const verify = async (): Promise<{ code: number; ok: boolean; report: { problems: Array<{ file: string; offset?: number; length?: number; kind: string }>; segments: { checkedBytes: number; uncheckedBytes: number }; products: { files: number } } }> => {
  const c = io();
  const code = await run(['archive', 'verify', '--archive', archiveDir, '--config', configFile, '--products', l0, '--json'], c.io);
  // The damage is the envelope's problems (bin/cli/json.ts), beside the counts of the result.
  const env = JSON.parse(c.out.join(''));
  return { code, ok: env.ok, report: { ...env.result, problems: env.problems } };
};

describe('archive verify', () => {
  it('finds nothing on an intact archive, then exactly the flipped segment byte and the flipped product byte', async () => {
    const clean = await verify();
    expect(clean.code).toBe(0);
    expect(clean.report.problems).toEqual([]);
    expect(clean.ok).toBe(true);
    expect(clean.report.segments.uncheckedBytes).toBe(0);
    expect(clean.report.segments.checkedBytes).toBeGreaterThan(70_000);
    expect(clean.report.products.files).toBeGreaterThan(4);

    const segs = fs.readdirSync(path.join(archiveDir, 'segments')).sort();
    expect(segs.length).toBeGreaterThan(2);
    const seg = path.join(archiveDir, 'segments', segs[1]!);
    const flipAt = 1234;
    const sb = fs.readFileSync(seg);
    sb[flipAt]! ^= 0x01;
    fs.writeFileSync(seg, sb);
    const dataFile = fs.readdirSync(l0, { recursive: true }).map(String).find((f) => f.endsWith('.dat'))!;
    const product = path.join(l0, dataFile);
    const pb = fs.readFileSync(product);
    pb[100]! ^= 0x80;
    fs.writeFileSync(product, pb);

    const bad = await verify();
    expect(bad.code).toBe(1);
    expect(bad.report.problems).toHaveLength(2);
    expect(bad.ok).toBe(false);
    const [s, p] = bad.report.problems;
    expect(s).toMatchObject({ file: seg, kind: 'mismatch' });
    expect(s!.offset).toBeLessThanOrEqual(flipAt);
    expect(s!.offset! + s!.length!).toBeGreaterThan(flipAt);
    expect(p).toMatchObject({ file: product, kind: 'mismatch' });
    // The writer's block manifest locates the flipped octet: the sample's products are under one 1 MiB block.
    expect(p!.offset).toBe(0);
    expect(p!.length).toBe(pb.length);

    const text = io();
    expect(await run(['archive', 'verify', '--archive', archiveDir, '--config', configFile, '--products', l0], text.io)).toBe(1);
    expect(text.out.join('')).toMatch(new RegExp(`${segs[1]}: offset 0x[0-9a-f]+ \\(\\d+\\), \\d+ octets: mismatch`));
    expect(text.out.join('')).toMatch(new RegExp(`${path.basename(product)}: offset 0x0 \\(0\\), ${pb.length} octets: mismatch: SHA-256`));
    expect(text.out.join('')).toMatch(/2 problem\(s\): fixity lost/);
  }, 120_000);
});

describe('product block fixity (block-fixity.ts)', () => {
  it('locates one flipped octet of a 3.5 MiB product to its 1 MiB block; a label without a manifest falls back to the md5', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-blocks-'));
    try {
      const size = 3.5 * FIXITY_BLOCK_BYTES;
      const data = Buffer.alloc(size);
      for (let i = 0; i < size; i++) data[i] = (i * 131 + (i >> 11)) & 0xff;
      const md5 = createHash('md5').update(data).digest('hex');
      const label = (name: string) => `<Product_Observational><File_Area_Observational><File><file_name>${name}</file_name><md5_checksum>${md5}</md5_checksum></File></File_Area_Observational></Product_Observational>\n`;
      fs.writeFileSync(path.join(dir, 'p_v1.dat'), data);
      fs.writeFileSync(path.join(dir, 'p_v1.xml'), label('p_v1.dat'));
      fs.writeFileSync(manifestOf(path.join(dir, 'p_v1.xml')), manifestText({ 'p_v1.dat': blocksOf([data]) }));
      fs.writeFileSync(path.join(dir, 'q_v1.dat'), data);
      fs.writeFileSync(path.join(dir, 'q_v1.xml'), label('q_v1.dat')); // written before manifests were kept
      expect((await verifyProductFiles(dir)).problems).toEqual([]);
      const flipAt = 2.5 * FIXITY_BLOCK_BYTES + 12_345;
      for (const f of ['p_v1.dat', 'q_v1.dat']) {
        const b = fs.readFileSync(path.join(dir, f));
        b[flipAt]! ^= 0x10;
        fs.writeFileSync(path.join(dir, f), b);
      }
      const r = await verifyProductFiles(dir);
      expect(r.problems.map((p) => [path.basename(p.file), p.kind, p.offset, p.length])).toEqual([
        ['p_v1.dat', 'mismatch', 2 * FIXITY_BLOCK_BYTES, FIXITY_BLOCK_BYTES],
        ['q_v1.dat', 'mismatch', undefined, undefined],
      ]);
      // Cut short: the first block that differs is the last, partly missing.
      fs.writeFileSync(path.join(dir, 'p_v1.dat'), data.subarray(0, 3 * FIXITY_BLOCK_BYTES + 10));
      const cut = (await verifyProductFiles(dir)).problems.find((p) => p.file.endsWith('p_v1.dat'))!;
      expect([cut.offset, cut.length]).toEqual([3 * FIXITY_BLOCK_BYTES, FIXITY_BLOCK_BYTES / 2]);
      expect(cut.message).toMatch(/3145738 octets, 3670016 written/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks the files of PDS3 products too: the packet file by its MD5_CHECKSUM and blocks, the index by blocks', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-pds3-fixity-'));
    try {
      const sample = path.join(repo, 'fixtures/sample/sim.bin');
      const text = io();
      expect(await run(['l0', 'build', '--from-files', sample, '--config', path.join(repo, 'fixtures/l0/idoc.json'), '--route', 'SIM_HK_FAST', '--pds3', '--out', dir], text.io)).toBe(0);
      const before = await verifyProductFiles(dir);
      expect(before.labels).toBe(1);
      expect(before.files).toBe(2);
      expect(before.problems).toEqual([]);
      const label = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.lbl'))!;
      for (const [suffix, at] of [['_v1.dat', 100], ['_v1_index.dat', 70]] as const) {
        const f = path.join(dir, label.replace(/_v1\.lbl$/, suffix));
        const b = fs.readFileSync(f);
        b[at]! ^= 1;
        fs.writeFileSync(f, b);
      }
      const after = await verifyProductFiles(dir);
      expect(after.problems.map((p) => [path.basename(p.file).replace(/^.*_v1/, ''), p.kind, p.offset])).toEqual([['.dat', 'mismatch', 0], ['_index.dat', 'mismatch', 0]]);
      expect(after.problems[0]!.message).toMatch(/md5 [0-9a-f]{32}, the label records/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('block digests do not depend on how the octets are cut into parts (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 6 }), fc.integer({ min: 1, max: 700 }), (bytes, cuts, block) => {
      const at = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
      const parts: Uint8Array[] = [];
      let from = 0;
      for (const c of [...at, bytes.length]) { parts.push(bytes.subarray(from, c)); from = c; }
      const whole = blocksOf([bytes], block);
      expect(blocksOf(parts, block)).toEqual(whole);
      expect(whole.sha256).toHaveLength(Math.ceil(bytes.length / block));
      expect(whole.sha256[0]).toBe(bytes.length ? createHash('sha256').update(bytes.subarray(0, block)).digest('hex') : undefined);
    }), { numRuns: 100 });
  });
});
