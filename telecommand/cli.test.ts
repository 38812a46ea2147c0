import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../bin/idoc.js';
import type { Io } from '../src/io.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sample = path.join(root, 'fixtures/tcdb/valid/sample.tcdb.json');

async function idoc(...argv: string[]) {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty: false };
  const code = await run(['tc', ...argv], io);
  return { code, out, err };
}

describe('idoc tc', () => {
  it('check: exit 0 for a valid database, 2 with one line per problem for an invalid one', async () => {
    const ok = await idoc('check', sample);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toMatch(/valid, 7 commands, 1 sequences/);
    const bad = await idoc('check', path.join(root, 'fixtures/tcdb/invalid/apid-out-of-range.tcdb.json'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/apid-out-of-range\.tcdb\.json#\/commands\/0\/apid: must be <= 2046/);
    expect((await idoc('check', path.join(root, 'no/such.json'))).code).toBe(2);
  });

  it('encode: prints the TC[17,1] known-answer vector as hex', async () => {
    const r = await idoc('encode', sample, 'PING', '--seq', '0x34');
    expect(r).toMatchObject({ code: 0, out: '1802C03400062F11010000EE63\n' });
  });

  it('encode: exit 2 naming the parameter for a range violation; bad NAME=VALUE is a usage error', async () => {
    const r = await idoc('encode', sample, 'HTR_SET_TEMP', 'SETPOINT=99');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/HTR_SET_TEMP\.SETPOINT: SETPOINT: value 99 outside the range -20\.\.40 degC/);
    expect((await idoc('encode', sample, 'PING', 'oops')).code).toBe(2);
    expect((await idoc('encode', sample, 'NOPE')).err).toMatch(/no command NOPE/);
    expect((await idoc('encode', sample, 'PING', '--source-id', '70000')).code).toBe(2);
  });

  it('encode --out writes the binary; decode --file and decode HEX read it back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idoc-tc-'));
    const bin = path.join(dir, 'tc.bin');
    const e = await idoc('encode', sample, 'CCD_CONFIG', 'GAIN=HIGH', 'EXPOSURE=5000', '--out', bin, '--seq', '9');
    expect(e.code).toBe(0);
    expect(readFileSync(bin).subarray(11, 16).toString('hex')).toBe('209388' + '0000');
    const d = await idoc('decode', sample, '--file', bin);
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/^CCD_CONFIG {2}TC\[8,1\] {2}APID 100 {2}seq 9/);
    expect(d.out).toMatch(/GAIN +\= HIGH {2}\(raw 4\)/);
    expect(d.out).toMatch(/EXPOSURE +\= 5000 ms/);
    const j = await idoc('decode', sample, '18 02 C0 34 00 06 2F 11 01 00 00 EE 63', '--json');
    expect(JSON.parse(j.out).result).toMatchObject({ command: 'PING', header: { apid: 2, sequenceCount: 0x34 } });
    expect(readdirSync(dir)).toEqual(['tc.bin']);
  });

  it('decode: exit 1 with the problem for a corrupted packet, 2 for text that is not hex', async () => {
    const r = await idoc('decode', sample, '1802C03400062F11010000EE64');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/PEC 0xee64 wrong, expected 0xee63/);
    expect((await idoc('decode', sample, 'xyz')).code).toBe(2);
  });

  it('encode/decode --pus-a with a 1-octet source ID', async () => {
    const e = await idoc('encode', sample, 'MODE_SET', 'MODE=SAFE', '--pus-a', '--source-octets', '1', '--source-id', '7');
    expect(e.out.slice(0, 24)).toBe('1864C0000007' + '1F0801' + '07' + '01' + '01');
    const d = await idoc('decode', sample, e.out.trim(), '--pus-a', '--source-octets', '1');
    expect(d.out).toMatch(/MODE_SET .* source 7/);
  });

  it('import-mib: writes a database that check accepts; exit 1 and file:line problems for dangling references', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idoc-tc-'));
    const out = path.join(dir, 'mib.tcdb.json');
    const r = await idoc('import-mib', path.join(root, 'fixtures/tcdb/mib'), '--out', out);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/4 commands imported, 0 problems/);
    expect((await idoc('check', out)).code).toBe(0);
    const e = await idoc('encode', out, 'ZIMG0002', 'PIMG0SET=25.5');
    expect(e.out.trim().slice(22, 28)).toBe('101D7E');
    const bad = await idoc('import-mib', path.join(root, 'fixtures/tcdb/mib-dangling'), '--out', path.join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^cdf\.dat:1: .*PNOSUCH/m);
    expect(existsSync(path.join(dir, 'bad.json'))).toBe(true);
    expect((await idoc('import-mib', dir, '--out', path.join(dir, 'x.json'))).code).toBe(2);
  });

  it('--help exits 0', async () => {
    const r = await idoc('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/import-mib/);
  });
});
