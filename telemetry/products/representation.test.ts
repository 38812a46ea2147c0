/**
 * The PDS4 representation of variable-length packets (README "Representation"): products whose packets have
 * hundreds of distinct lengths in random order are read back by an independent reader written here from the
 * label alone (no idoc code: the label's Array_1D and Table_Binary descriptions and the bytes), the label size
 * does not grow with the packet count, and SOURCE_DATE_EPOCH gives byte-identical rebuilds.
 */
import { XMLParser } from 'fast-xml-parser';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { utcToTai } from '../../src/time/index.js';
import { SIM_PROFILE } from './_test-helpers.js';
import { buildL0, type BuildOptions } from './build.js';
import { productsConfig } from './config.js';
import { HAVE_SHARED_PDS4 } from './pds4/_test-fixtures.js';
import { validateLabel } from './pds4/validate.js';
import type { L0Packet } from './types.js';
import { loadConfig } from '../../src/config/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(ROOT, 'fixtures/l0/idoc.json');
const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(path.join(tmpdir(), 'idoc-l0-rep-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const T0 = utcToTai('2026-01-01T00:00:00Z');
const EPOCH_2000 = utcToTai('2000-01-01T00:00:00Z');

/** A PUS-C TM packet (CUC 4+2 from 2000-01-01, SIM's time code) of `length` octets, filled from `seed`. */
function packet(apid: number, seq: number, tai: number, length: number, seed: number): L0Packet {
  const b = new Uint8Array(length);
  b[0] = 0x08 | (apid >> 8); b[1] = apid & 0xff;
  b[2] = 0xc0 | (seq >> 8); b[3] = seq & 0xff;
  b[4] = (length - 7) >> 8; b[5] = (length - 7) & 0xff;
  b[6] = 0x20; b[7] = 3; b[8] = 25;
  const t = tai - EPOCH_2000, coarse = Math.floor(t), fine = Math.round((t - coarse) * 65536);
  new DataView(b.buffer).setUint32(13, coarse); new DataView(b.buffer).setUint16(17, fine);
  for (let i = 19; i < length; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return { bytes: b, apid, sequenceCount: seq, sequenceFlags: 3, tai: coarse + fine / 65536 + EPOCH_2000, crc: 'none' };
}

/** `n` packets of 4 APIDs (1100, 1101, 1110, 1120: the sample routes), lengths 19..1518, shuffled by `seed`. */
function mixedPackets(n: number, seed: number): L0Packet[] {
  let x = seed >>> 0;
  const rnd = () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x / 2 ** 32; };
  const apids = [1100, 1101, 1110, 1120], seq = [0, 0, 0, 0];
  const ps = Array.from({ length: n }, (_, i) => {
    const k = Math.floor(rnd() * 4);
    return packet(apids[k]!, seq[k]!++ & 0x3fff, T0 + i * 0.01, 19 + Math.floor(rnd() * 1500), i);
  });
  for (let i = ps.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [ps[i], ps[j]] = [ps[j]!, ps[i]!]; }
  return ps;
}

// ---- The independent reader: the label's words and the bytes, nothing else. ----
type Obj = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: true, isArray: (name) => ['File_Area_Observational', 'Field_Binary', 'Table_Binary', 'Array_1D'].includes(name) });
const num = (v: unknown): number => Number(typeof v === 'object' && v !== null ? (v as Obj)['#text'] : v);

function decode(view: DataView, at: number, type: string, length: number): number {
  switch (type) {
    case 'UnsignedByte': return view.getUint8(at);
    case 'SignedByte': return view.getInt8(at);
    case 'UnsignedMSB2': return view.getUint16(at);
    case 'UnsignedMSB4': return view.getUint32(at);
    case 'SignedMSB4': return view.getInt32(at);
    case 'UnsignedMSB8': return Number(view.getBigUint64(at));
    case 'IEEE754MSBDouble': return view.getFloat64(at);
    default: throw new Error(`reader: no decoder for ${type} (${length} octets)`);
  }
}

/** Every packet of a product, in file order, with its index record: from the label and the files it names. */
function readProduct(labelFile: string): { bytes: Uint8Array; record: Record<string, number> }[] {
  const dir = path.dirname(labelFile);
  const product = (parser.parse(readFileSync(labelFile)) as Obj)['Product_Observational'] as Obj;
  const areas = product['File_Area_Observational'] as Obj[];
  const fileOf = (a: Obj) => readFileSync(path.join(dir, String((a['File'] as Obj)['file_name'])));
  const streamArea = areas.find((a) => (a['Array_1D'] as Obj[] | undefined)?.some((x) => x['name'] === 'packet_stream'))!;
  const array = (streamArea['Array_1D'] as Obj[])[0]!;
  expect((array['Element_Array'] as Obj)['data_type']).toBe('UnsignedByte');
  const stream = fileOf(streamArea).subarray(num(array['offset']), num(array['offset']) + num((array['Axis_Array'] as Obj)['elements']));
  const indexArea = areas.find((a) => (a['Table_Binary'] as Obj[] | undefined)?.some((t) => t['name'] === 'packet_index'))!;
  const table = (indexArea['Table_Binary'] as Obj[]).find((t) => t['name'] === 'packet_index')!;
  const rec = table['Record_Binary'] as Obj;
  const fields = (rec['Field_Binary'] as Obj[]).map((f) => ({ name: String(f['name']), at: num(f['field_location']) - 1, type: String(f['data_type']), length: num(f['field_length']) }));
  const bytes = fileOf(indexArea);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { bytes: Uint8Array; record: Record<string, number> }[] = [];
  for (let r = 0; r < num(table['records']); r++) {
    const base = num(table['offset']) + r * num(rec['record_length']);
    const record = Object.fromEntries(fields.map((f) => [f.name, decode(view, base + f.at, f.type, f.length)]));
    out.push({ bytes: stream.subarray(record['packet_offset']!, record['packet_offset']! + record['packet_length']!), record });
  }
  return out;
}

let options: Omit<BuildOptions, 'out'>;
const setup = async () => {
  options ??= { products: productsConfig(await loadConfig(CONFIG)), mission: { name: 'Sample', spacecraft: 'SAMPLESAT', instrument: 'SIM' }, profile: SIM_PROFILE };
  return options;
};

describe('variable-length packets in PDS4 (packet stream as Array_1D + fixed-record index)', () => {
  it('an independent reader gets every packet back, byte for byte, from the label alone (hundreds of lengths, random order)', async () => {
    const o = await setup();
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1200, max: 2000 }), async (seed, n) => {
      const input = mixedPackets(n, seed);
      const out = tmp();
      const r = await buildL0(input, { ...o, out });
      const expected = [...input].sort((a, b) => a.tai! - b.tai!);
      const got = r.products.flatMap((p) => readProduct(p.label));
      expect(got.length).toBe(n);
      // per route, in time order: the same octets, and the index agrees with each packet's own header
      for (const p of r.products) {
        const mine = readProduct(p.label);
        const want = expected.filter((x) => p.route === { 1100: 'SIM_HK_FAST', 1101: 'SIM_HK_SLOW', 1110: 'SIM_SCI', 1120: 'SIM_EVT' }[x.apid]);
        expect(new Set(want.map((w) => w.bytes.length)).size).toBeGreaterThan(200); // hundreds of distinct lengths in each product
        expect(mine.map((m) => Buffer.from(m.bytes).toString('hex'))).toEqual(want.map((w) => Buffer.from(w.bytes).toString('hex')));
        mine.forEach((m, i) => {
          expect(m.record['apid']).toBe(((m.bytes[0]! & 7) << 8) | m.bytes[1]!);
          expect(m.record['sequence_count']).toBe(((m.bytes[2]! & 0x3f) << 8) | m.bytes[3]!);
          expect(m.record['packet_length']).toBe(((m.bytes[4]! << 8) | m.bytes[5]!) + 7);
          expect(m.record['packet_time_tai']).toBe(want[i]!.tai);
          expect(m.record['obt_raw']).toBe(Number(Buffer.from(m.bytes.subarray(13, 19)).readUIntBE(0, 6)));
        });
      }
    }), { numRuns: 4 });
  }, 120_000);

  it('keeps the label size bounded: 10x the packets changes only the digits of the counts', async () => {
    const o = await setup();
    const sizes: number[] = [];
    for (const n of [2_000, 20_000]) {
      const r = await buildL0(mixedPackets(n, 7).map((p) => ({ ...p, apid: 1110 })).map((p, i) => ({ ...p, sequenceCount: i & 0x3fff })), { ...o, out: tmp(), productTime: '2026-01-02T00:00:00Z' });
      expect(r.products).toHaveLength(1);
      sizes.push(statSync(r.products[0]!.label).size);
    }
    expect(sizes[0]).toBeLessThan(32 * 1024);
    expect(Math.abs(sizes[1]! - sizes[0]!)).toBeLessThan(64);
  }, 120_000);

  it.skipIf(!HAVE_SHARED_PDS4)('its label validates with no problem at all', async () => {
    const r = await buildL0(mixedPackets(500, 3), { ...(await setup()), out: tmp() });
    for (const p of r.products) expect(await validateLabel(readFileSync(p.label, 'utf8'), p.label)).toEqual([]);
  }, 60_000);
});

const SAMPLES = path.resolve(ROOT, '../shared/samples');
const REAL = [['IMAP Lo', 'imap_lo_l0_raw_20240627_v001.pkts', 12_937], ['SERENA DDS', '2015-04-22_tm.dds', 7_873]] as const;
describe('real packet mixes read back from the label alone', () => {
  for (const [name, file, count] of REAL) {
    const full = path.join(SAMPLES, file);
    if (!existsSync(full)) console.warn(`${full} not found: the ${name} read-back test is skipped`);
    it.skipIf(!existsSync(full))(`${name} (${file}): every packet of each APID, byte for byte`, async () => {
      const { packetsFromFiles } = await import('./from-files.js');
      const { openPacketFile } = await import('../framing/index.js');
      const profile = { ...SIM_PROFILE, crc: 'no' as const };
      const base = await setup();
      const r = await buildL0(packetsFromFiles([full], { framing: 'auto', crc: 'no' }, profile), { ...base, products: { ...base.products, routes: [] }, out: tmp(), productTime: '2026-01-02T00:00:00Z' });
      const got = new Map<number, string[]>();
      for (const p of r.products) for (const m of readProduct(p.label)) (got.get(m.record['apid']!) ?? got.set(m.record['apid']!, []).get(m.record['apid']!)!).push(Buffer.from(m.bytes).toString('hex'));
      const want = new Map<number, string[]>();
      const src = await openPacketFile(full, { framing: 'auto', crc: 'no' });
      for await (const b of src.batches) for (const p of b.packets) (want.get(p.apid) ?? want.set(p.apid, []).get(p.apid)!).push(Buffer.from(p.buf.subarray(p.offset, p.offset + p.length)).toString('hex'));
      expect([...want.values()].reduce((n, l) => n + l.length, 0)).toBe(count);
      // per APID, as sets: packets of one APID are put in time order by the builder, not file order
      for (const [apid, list] of want) expect([...(got.get(apid) ?? [])].sort()).toEqual([...list].sort());
    }, 120_000);
  }
});

describe('SOURCE_DATE_EPOCH', () => {
  it('dates the products and makes a rebuild byte-identical', async () => {
    const saved = process.env['SOURCE_DATE_EPOCH'];
    process.env['SOURCE_DATE_EPOCH'] = '1767312000'; // 2026-01-02T00:00:00Z
    const io = { out: () => undefined, err: () => undefined, errIsTty: false };
    const tree = (d: string) => { const m = new Map<string, string>(); const walk = (x: string) => { for (const e of readdirSync(x).sort()) { const p = path.join(x, e); if (statSync(p).isDirectory()) walk(p); else m.set(path.relative(d, p), readFileSync(p, 'hex')); } }; walk(d); return m; };
    try {
      const a = tmp(), b = tmp();
      for (const d of [a, b]) expect(await run(['l0', 'build', '--config', CONFIG, '--from-files', path.join(ROOT, 'fixtures/sample/sim.bin'), '--out', d], io)).toBe(0);
      expect(tree(a)).toEqual(tree(b));
      const label = readFileSync(path.join(a, 'data_raw/sim_sci/sim_sci_l0_20260101_v1.xml'), 'utf8');
      expect(label).toContain('<creation_date_time>2026-01-02T00:00:00.000Z</creation_date_time>');
      expect(label).toContain('<modification_date>2026-01-02</modification_date>');
      process.env['SOURCE_DATE_EPOCH'] = 'yesterday';
      expect(await run(['l0', 'build', '--config', CONFIG, '--from-files', path.join(ROOT, 'fixtures/sample/sim.bin'), '--out', tmp()], io)).toBe(2);
    } finally {
      if (saved === undefined) delete process.env['SOURCE_DATE_EPOCH']; else process.env['SOURCE_DATE_EPOCH'] = saved;
    }
  });
});
