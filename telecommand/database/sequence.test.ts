import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTcDatabase } from './load.js';
import { expandSequence } from '../../src/mdb/commands/sequence.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const db = loadTcDatabase(path.join(root, 'fixtures/tcdb/valid/sample.tcdb.json'));
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

describe('expandSequence()', () => {
  it('times the steps from the start and binds formal parameters into command parameters', () => {
    const r = expandSequence(db, 'SEQ_OBSERVE', { EXP: 250, GAIN: 'HIGH' }, T0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((c) => [c.command.name, c.releaseUnixMs - T0])).toEqual([
      ['HTR_PWR', 0], ['MODE_SET', 10_000], ['CCD_CONFIG', 15_000], ['OBS_START', 20_500],
    ]);
    const ccd = r.value[2]!;
    expect(ccd.values).toEqual({ GAIN: 'HIGH', EXPOSURE: 250 });
    expect(ccd.raw).toEqual([32n, 4n, 250n, 0n]);
    const obs = r.value[3]!;
    expect(Buffer.from(obs.raw[1] as Uint8Array).toString()).toBe('OBS00001');
  });

  it('uses formal defaults and lets a caller override them', () => {
    const r = expandSequence(db, 'SEQ_OBSERVE', { EXP: 10, ID: 'X7' }, T0);
    expect(r.ok && r.value[2]!.raw[1]).toBe(1n);
    expect(r.ok && Buffer.from(r.value[3]!.raw[1] as Uint8Array).toString()).toBe('X7      ');
  });

  it('reports a bound value out of range against the step, command and parameter', () => {
    const r = expandSequence(db, 'SEQ_OBSERVE', { EXP: 9000 }, T0);
    expect(r.ok ? [] : r.problems.map((p) => `${p.code} ${p.path}`)).toEqual(['range SEQ_OBSERVE[2].CCD_CONFIG.EXPOSURE']);
  });

  it('reports missing and unknown formal parameters and unknown sequences', () => {
    const codes = (name: string, args: Record<string, number>) => {
      const r = expandSequence(db, name, args, T0);
      return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.path}`);
    };
    expect(codes('SEQ_OBSERVE', {})).toEqual(['missing SEQ_OBSERVE.EXP']);
    expect(codes('SEQ_OBSERVE', { EXP: 1, NOPE: 2 })).toEqual(['unknown-formal SEQ_OBSERVE.NOPE']);
    expect(codes('NO_SUCH', {})).toEqual(['unknown-sequence NO_SUCH']);
  });
});
