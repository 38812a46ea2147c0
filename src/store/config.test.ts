import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromData } from '../config/index.js';
import { InputError } from '../errors.js';
import { archiveSettings } from './index.js';

const cfg = (archive?: unknown) => configFromData({ mission: { name: 'T' }, ...(archive === undefined ? {} : { archive }) }, '/m/idoc.json');

describe('archiveSettings', () => {
  it('--archive wins, then archive.dir relative to the config folder, then ./idoc-archive', () => {
    expect(archiveSettings(cfg({ dir: 'data/arch' }), 'x', '/cwd').dir).toBe(path.resolve('/cwd/x'));
    expect(archiveSettings(cfg({ dir: 'data/arch', segmentMegabytes: 2, synchronous: 'normal' }), undefined, '/cwd')).toEqual({ dir: path.resolve('/m/data/arch'), options: { segmentBytes: 2 << 20, synchronous: 'normal' } });
    expect(archiveSettings(cfg(), undefined, '/cwd').dir).toBe(path.resolve('/cwd/idoc-archive'));
  });

  it('reports a bad archive section located in the file', () => {
    expect(() => archiveSettings(cfg({ dir: '', sync: 1 }))).toThrow(InputError);
    try {
      archiveSettings(cfg({ synchronous: 'sometimes' }));
    } catch (e) {
      expect((e as InputError).problems.map((p) => [p.code, p.path])).toEqual([['enum', '/m/idoc.json#/archive/synchronous']]);
    }
  });
});
