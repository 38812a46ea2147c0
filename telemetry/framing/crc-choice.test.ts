import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { CrcCode, crcMatches, crcTable, parseCrcFlag } from '../../src/ccsds/crc-policy.js';
import { cdsOnlyStream, dataFieldCrcStream, MIXED_CRC, mixedCrcStream } from '../../fixtures/patterns.js';
import { createRawSplitter } from './raw/reader.js';
import { splitBuffer } from './read.js';
import { splitInChunks } from './framing.case.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const byApid = (packets: readonly { apid: number; crc: string }[]) => {
  const out: Record<number, Record<string, number>> = {};
  for (const p of packets) (out[p.apid] ??= {})[p.crc] = (out[p.apid]![p.crc] ?? 0) + 1;
  return out;
};

describe('crc policy (src/ccsds/crc-policy.ts)', () => {
  it('packet CRC: the PUS-C TC[17,1] vector with PEC EE63 checks (formats.md §2.4); data-field CRC over "123456789" is 0x29B1', () => {
    const tc = hex('18 02 C0 34 00 06 2F 11 01 00 00 EE 63');
    expect(crcMatches(CrcCode.Packet, tc, 0, tc.length)).toBe(true);
    expect(crcMatches(CrcCode.DataField, tc, 0, tc.length)).toBe(false);
    // Primary header (data length 10 = 11 octets - 1), then "123456789" and its CRC-16/CCITT-FALSE check value.
    const df = Uint8Array.from([0x08, 0x64, 0xc0, 0x00, 0x00, 0x0a, ...new TextEncoder().encode('123456789'), 0x29, 0xb1]);
    expect(crcMatches(CrcCode.DataField, df, 0, df.length)).toBe(true);
    expect(crcMatches(CrcCode.Packet, df, 0, df.length)).toBe(false);
  });
  it('--crc: one mode, APIDS=MODE entries, the yes/no synonyms; one clear error naming the flag', () => {
    expect(parseCrcFlag('yes')).toEqual({ defaultMode: 'yes', overrides: [] });
    expect(parseCrcFlag('auto,1136=data-field,1120-1125=no')).toEqual({ defaultMode: 'auto', overrides: [{ from: 1136, to: 1136, mode: 'data-field' }, { from: 1120, to: 1125, mode: 'none' }] });
    for (const bad of ['maybe', 'packet,none', '3000=packet', '10-5=none', '', '7=crc']) expect(() => parseCrcFlag(bad)).toThrow(/^--crc ".*": /);
    const t = crcTable('yes', [{ from: 5, to: 6, mode: 'none' }]);
    expect([t[4], t[5], t[6], t[7]]).toEqual([CrcCode.Packet, CrcCode.None, CrcCode.None, CrcCode.Packet]);
  });
});

describe('mixed CRC per APID (fixtures/patterns.ts mixedCrcStream)', () => {
  const { bytes, packetsPerApid } = mixedCrcStream();

  it('--crc packet (yes) keeps every packet whose length chain is consistent; the APIDs without a packet CRC are flagged, not dropped', () => {
    for (const crc of ['yes', 'packet'] as const) {
      const r = splitBuffer(bytes, { crc });
      expect(r.batch.skips).toEqual([]);
      expect(byApid(r.batch.packets)).toEqual({ 200: { ok: 299, bad: 1 }, 201: { bad: 300 }, 202: { bad: 300 } });
    }
  });

  it('auto decides per APID from the first packets and says so; only the corrupted packet is bad', () => {
    const r = splitBuffer(bytes, {});
    expect(r.crcReason).toBe('per APID from the first packets: packet 200 (63/64); none 201 (0/64); data-field 202 (64/64)');
    expect(byApid(r.batch.packets)).toEqual({ 200: { ok: 299, bad: 1 }, 201: { none: 300 }, 202: { ok: 300 } });
    expect(Object.fromEntries(Object.entries(byApid(r.batch.packets)).map(([a, c]) => [a, Object.values(c).reduce((x, y) => x + y)]))).toEqual(packetsPerApid);
  });

  it('configured per APID gives the same; resynchronisation after garbage still finds every packet', () => {
    const overrides = Object.entries(MIXED_CRC).map(([a, mode]) => ({ from: Number(a), to: Number(a), mode }));
    const table = crcTable('none', overrides);
    expect(byApid(splitBuffer(bytes, { crc: 'none', crcOverrides: overrides }).batch.packets)).toEqual({ 200: { ok: 299, bad: 1 }, 201: { none: 300 }, 202: { ok: 300 } });
    const cut = 9000;
    const damaged = new Uint8Array(bytes.length + 37);
    damaged.set(bytes.subarray(0, cut));
    damaged.set(Uint8Array.from({ length: 37 }, (_, i) => (i * 97 + 13) & 0xff), cut);
    damaged.set(bytes.subarray(cut), cut + 37);
    const r = splitInChunks(() => createRawSplitter({ crc: table }), damaged, [damaged.length]);
    expect(r.skips).toHaveLength(1);
    expect(r.skips[0]!.offset).toBeLessThanOrEqual(cut + 37);
    expect(r.packets.length).toBeGreaterThanOrEqual(899); // at most the packet the garbage cut into
  });

  it('gives the same packets and CRC states for any chunking (property)', () => {
    const table = crcTable('auto');
    const whole = splitInChunks(() => createRawSplitter({ crc: table }), bytes, [bytes.length]);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 12 }), (sizes) => {
      expect(splitInChunks(() => createRawSplitter({ crc: table }), bytes, sizes)).toEqual(whole);
    }), { numRuns: 30 });
    // Undecided `auto` APIDs are decided by the splitter from their first packets.
    expect(byApid(whole.packets)).toEqual({ 200: { ok: 299, bad: 1 }, 201: { none: 300 }, 202: { ok: 300 } });
  });
});

describe('a CRC over the data field only (IMAP SWE style)', () => {
  const bytes = dataFieldCrcStream();
  it('auto recognises it; --crc packet keeps every packet, flagged (it was "no CCSDS packet found" before)', () => {
    const auto = splitBuffer(bytes, {});
    expect(auto.crcReason).toBe('64 of the first 64 packets end in a valid CRC-16/CCITT-FALSE over the data field');
    expect(byApid(auto.batch.packets)).toEqual({ 202: { ok: 200 } });
    const yes = splitBuffer(bytes, { crc: 'yes' });
    expect(byApid(yes.batch.packets)).toEqual({ 202: { bad: 200 } });
    expect(yes.batch.skips).toEqual([]);
    expect(byApid(splitBuffer(bytes, { crc: 'data-field' }).batch.packets)).toEqual({ 202: { ok: 200 } });
  });
});

describe('packets inspect --crc (CLI, in-process)', () => {
  it('one mode for all, or per APID; --json carries the per-APID CRC errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-crc-'));
    try {
      const file = path.join(dir, 'mixed.bin');
      fs.writeFileSync(file, mixedCrcStream().bytes);
      const inspect = async (...args: string[]) => {
        const out: string[] = [], err: string[] = [];
        const code = await run(['packets', 'inspect', file, '--profile', 'pus-c', ...args], { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), errIsTty: false });
        return { code, out: out.join(''), err: err.join('') };
      };
      const yes = await inspect('--crc', 'yes', '--json');
      expect(yes.code).toBe(1);
      const r = JSON.parse(yes.out).result;
      expect(r.totals).toMatchObject({ packets: 900, crcErrors: 601, skippedBytes: 0 });
      const per = await inspect('--crc', '200=packet,201=none,202=data-field', '--json');
      expect(JSON.parse(per.out).result.apids.map((a: { apid: number; crcErrors: number; packets: number }) => [a.apid, a.packets, a.crcErrors])).toEqual([[200, 300, 1], [201, 300, 0], [202, 300, 0]]);
      const auto = await inspect();
      expect(auto.out).toContain('CRC checked (per APID from the first packets: packet 200 (63/64); none 201 (0/64); data-field 202 (64/64))');
      expect(auto.out).toContain('problems: 1 CRC error');
      // APIDs first seen after the head are decided from their first packets, and reported.
      const late = path.join(dir, 'late.bin');
      fs.writeFileSync(late, Buffer.concat([mixedCrcStream(3000).bytes, cdsOnlyStream(10)]));
      const out: string[] = [];
      await run(['packets', 'inspect', late, '--profile', 'pus-c'], { out: (t: string) => void out.push(t), err: () => undefined, errIsTty: false });
      expect(out.join('')).toContain('; decided later from their first packets: none 11, none 12)');
      const bad = await inspect('--crc', 'sometimes');
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/^idoc: --crc "sometimes": unknown mode/);
      expect(bad.err).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the mission\'s CRC: config per APID, --crc over it', () => {
  it('apids[].crc become overrides; a bare --crc MODE applies to every APID; APIDS=MODE entries add to the config', async () => {
    const { resolveMission } = await import('../../src/config/mission.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-crc-config-'));
    try {
      const config = path.join(dir, 'idoc.json');
      fs.writeFileSync(config, JSON.stringify({ mission: { name: 'M' }, packets: { crc: 'packet' }, apids: [{ apid: 201, name: 'A', kind: 'other', crc: 'none' }, { apid: 202, name: 'B', kind: 'other', crc: 'data-field' }] }));
      const m = await resolveMission({ config });
      expect([m.crc, m.crcOverrides]).toEqual(['packet', [{ from: 201, to: 201, mode: 'none' }, { from: 202, to: 202, mode: 'data-field' }]]);
      expect(byApid(splitBuffer(mixedCrcStream().bytes, { crc: m.crc, crcOverrides: m.crcOverrides }).batch.packets)).toEqual({ 200: { ok: 299, bad: 1 }, 201: { none: 300 }, 202: { ok: 300 } });
      const all = await resolveMission({ config, crc: 'none' });
      expect([all.crc, all.crcOverrides]).toEqual(['none', []]);
      const more = await resolveMission({ config, crc: '200=auto' });
      expect(more.crcOverrides).toEqual([...m.crcOverrides, { from: 200, to: 200, mode: 'auto' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
