import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSamples } from '../../fixtures/generate.js';
import type { Truth } from '../../fixtures/damage.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { loadConfig } from '../../src/config/index.js';
import { walkFiles, guessProfile } from './walk.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
let truth: Truth[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'idoc-inspect-'));
  const s = await buildSamples();
  truth = s.truth;
  for (const [name, bytes] of s.files) await writeFile(path.join(dir, name), bytes);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('walkFiles() / Inspector', () => {
  it('reports exactly the damage the generator put into sim_damaged.bin', async () => {
    const config = await loadConfig(path.join(ROOT, 'fixtures/sample-mission/idoc.json'));
    const t = truth.find((x) => x.file === 'sim_damaged.bin')!;
    const r = await walkFiles([path.join(dir, 'sim_damaged.bin')], { read: { crc: 'auto' }, profile: config.profile });
    expect(r.totals.packets).toBe(t.packets);
    expect(r.totals.crcErrors).toBe(t.crcErrors);
    expect(r.totals.duplicates).toBe(t.duplicates);
    expect(r.totals.idle).toBe(t.idle);
    expect(r.gaps.map((g) => ({ apid: g.apid, after: g.afterSeq, before: g.beforeSeq, missing: g.missing }))).toEqual(t.gaps);
    expect(r.skips.map((s) => ({ offset: s.offset, length: s.length, reason: s.reason }))).toEqual(t.skips);
    expect(r.totals.skippedBytes).toBe(t.skips.reduce((a, s) => a + s.length, 0));
    expect(r.problems).toBe(true);
    // Times from the PUS-C CUC 4+2 field with the mission epoch: the generator started at 2026-01-01T00:00:00Z.
    expect(r.firstTime).toBe('2026-01-01T00:00:00.000000Z');
    expect(r.apids.find((a) => a.apid === 1100)!.lastTime).toBe('2026-01-01T00:04:59.000000Z');
  });

  it('a clean DDS file has no problems, DDS times, and zero fill between DDS records is tolerated', async () => {
    const r = await walkFiles([path.join(dir, 'sim.dds')], { read: {}, profile: 'auto' });
    expect(r.problems).toBe(false);
    expect(r.totals.packets).toBe(705);
    expect(r.ddsFirstTime).toBe('2026-01-01T00:00:02.000000Z');
    const d = await walkFiles([path.join(dir, 'sim_damaged.dds')], { read: {}, profile: 'auto' });
    expect(d.totals.toleratedBytes).toBe(64);
    expect(d.skips.map((s) => s.reason)).toEqual(['garbage', 'garbage', 'truncated']);
  });

  it('continuity carries across files given in order, and filters pass only what they select', async () => {
    const seen: number[] = [];
    const r = await walkFiles([path.join(dir, 'sim.bin'), path.join(dir, 'sim.bin')], { read: {}, profile: PROFILE_PRESETS['pus-c']!, filter: { apid: (a) => a === 1120, limit: 8 } }, (p) => void seen.push(p.apid));
    expect(seen).toEqual(new Array(8).fill(1120));
    // The second copy repeats counts: read as duplicates of the first, not as gaps.
    expect(r.totals.gaps).toBe(0);
  });

  it('an empty file and a file of zeros: no packets, the zeros reported', async () => {
    const e = await walkFiles([path.join(dir, 'empty.bin')], { read: {}, profile: 'auto' });
    expect(e.totals.packets).toBe(0);
    expect(e.problems).toBe(false);
    const z = await walkFiles([path.join(dir, 'zeros.bin')], { read: {}, profile: 'auto' });
    expect(z.skips).toEqual([{ offset: 0, length: 4096, reason: 'zero-fill', file: path.join(dir, 'zeros.bin') }]);
    expect(z.problems).toBe(true);
  });

  it('guessProfile() reads PUS-C from SIM packets', async () => {
    expect((await guessProfile(path.join(dir, 'sim.bin'), {})).secondaryHeader).toBe('pus-c');
  });
});

const SHARED = path.resolve(ROOT, '../shared/samples');
if (!existsSync(SHARED)) console.warn(`skipping real-telemetry inspection tests: ${SHARED} not found`);
describe.skipIf(!existsSync(SHARED))('inspecting real telemetry (../shared/samples/SOURCES.md)', () => {
  it('IMAP CoDICE: one sequence discontinuity each in APIDs 1136, 1141, 1145, 1146, 1147, 1148; no CRC error', async () => {
    const r = await walkFiles([path.join(SHARED, 'imap_codice_l0_hskp_20100101_v001.pkts')], { read: {}, profile: 'auto' });
    expect(r.gaps.map((g) => g.apid).sort()).toEqual([1136, 1141, 1145, 1146, 1147, 1148]);
    expect(r.totals.crcErrors).toBe(0);
    expect(r.totals.packets).toBe(622);
  });
  it('CTIM: APID 20 has 4 sequence gaps', async () => {
    const r = await walkFiles([path.join(SHARED, 'ccsds_2021_155_14_39_51')], { read: {}, profile: 'auto' });
    expect(r.gaps.filter((g) => g.apid === 20)).toHaveLength(4);
    expect(r.totals.gaps).toBe(4);
  });
  it('BepiColombo DDS: DDS time span starts 2015-04-22T07:19:18.983564Z', async () => {
    const r = await walkFiles([path.join(SHARED, '2015-04-22_tm.dds')], { read: {}, profile: 'auto' });
    expect(r.ddsFirstTime).toBe('2015-04-22T07:19:18.983564Z');
    expect(r.files[0]!.framing).toBe('dds');
    expect(r.totals.packets).toBe(7873);
  });
});
