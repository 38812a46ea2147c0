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

const verify = async (): Promise<{ code: number; report: { problems: Array<{ file: string; offset?: number; length?: number; kind: string }>; segments: { checkedBytes: number; uncheckedBytes: number }; products: { files: number } } }> => {
  const c = io();
  const code = await run(['archive', 'verify', '--archive', archiveDir, '--config', configFile, '--products', l0, '--json'], c.io);
  return { code, report: JSON.parse(c.out.join('')) };
};

describe('archive verify', () => {
  it('finds nothing on an intact archive, then exactly the flipped segment byte and the flipped product byte', async () => {
    const clean = await verify();
    expect(clean.code).toBe(0);
    expect(clean.report.problems).toEqual([]);
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
    const [s, p] = bad.report.problems;
    expect(s).toMatchObject({ file: seg, kind: 'mismatch' });
    expect(s!.offset).toBeLessThanOrEqual(flipAt);
    expect(s!.offset! + s!.length!).toBeGreaterThan(flipAt);
    expect(p).toMatchObject({ file: product, kind: 'mismatch' });

    const text = io();
    expect(await run(['archive', 'verify', '--archive', archiveDir, '--config', configFile, '--products', l0], text.io)).toBe(1);
    expect(text.out.join('')).toMatch(new RegExp(`${segs[1]}: offset 0x[0-9a-f]+ \\(\\d+\\), \\d+ octets: mismatch`));
    expect(text.out.join('')).toMatch(/2 problem\(s\): fixity lost/);
  }, 120_000);
});
